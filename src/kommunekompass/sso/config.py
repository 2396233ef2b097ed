"""The OpenID providers, read from the environment (no Django here: settings.py calls it).

    KOMMUNEKOMPASS_OIDC_PROVIDERS=entra,idporten
    KOMMUNEKOMPASS_OIDC_ENTRA_ISSUER=https://login.microsoftonline.com/<tenant id>/v2.0
    KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_ID=...
    KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_SECRET=...
    KOMMUNEKOMPASS_OIDC_IDPORTEN_ACR_VALUES=idporten-loa-substantial

Each provider NAME (letters, digits, "-" and "_") reads KOMMUNEKOMPASS_OIDC_<NAME>_<FIELD>,
with NAME in upper case and "-" as "_"; see FIELDS for the fields and their defaults.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

PREFIX = "KOMMUNEKOMPASS_OIDC_"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_SCOPES = "openid email profile"

# Assurance levels from low to high: a sign-in at a higher level than the one asked for is
# accepted (ID-porten answers "high" to a person who used a high-level means for
# "substantial").
ACR_LADDERS = [
    ["idporten-loa-substantial", "idporten-loa-high"],
    ["Level3", "Level4"],
]


class ConfigError(ValueError):
    """A provider's settings are incomplete or wrong; the message names the variable."""


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str = ""
    scopes: str = DEFAULT_SCOPES
    acr_values: tuple[str, ...] = ()
    auth_params: tuple[tuple[str, str], ...] = field(default=())
    pkce: bool = True
    link_verified_email: bool = False
    token_auth_method: str = ""
    # Where the provider sends the person after signing out there (RP-initiated logout); empty:
    # the app's own /accounts/sso/<name>/signed-out/ on the host of the request.
    post_logout_redirect_uri: str = ""

    @property
    def is_public_client(self) -> bool:
        """No secret: the client proves itself with PKCE alone."""
        return not self.client_secret

    def accepted_acr(self) -> set[str]:
        """The acr values an ID token may carry: those asked for, and any higher level."""
        accepted = set(self.acr_values)
        for ladder in ACR_LADDERS:
            for value in self.acr_values:
                if value in ladder:
                    accepted.update(ladder[ladder.index(value) :])
        return accepted


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def provider_from_env(name: str, environ) -> Provider:
    if not NAME_PATTERN.match(name):
        raise ConfigError(
            f"{PREFIX}PROVIDERS: {name!r} is not a provider name "
            "(lower-case letters, digits, '-' and '_')."
        )
    key = PREFIX + name.upper().replace("-", "_") + "_"

    def get(field_name: str, default: str = "") -> str:
        return (environ.get(key + field_name) or default).strip()

    issuer = get("ISSUER").rstrip("/")
    discovery_url = get("DISCOVERY_URL")
    if not issuer and not discovery_url:
        raise ConfigError(f"{key}ISSUER is not set (or {key}DISCOVERY_URL).")
    if not discovery_url:
        discovery_url = issuer + "/.well-known/openid-configuration"
    client_id = get("CLIENT_ID")
    if not client_id:
        raise ConfigError(f"{key}CLIENT_ID is not set.")
    scopes = " ".join(get("SCOPES", DEFAULT_SCOPES).replace(",", " ").split())
    if "openid" not in scopes.split():
        raise ConfigError(f"{key}SCOPES must include openid.")
    client_secret = get("CLIENT_SECRET")
    pkce = _flag(environ.get(key + "PKCE"), True)
    if not client_secret and not pkce:
        raise ConfigError(f"{key}PKCE may be 0 only with {key}CLIENT_SECRET.")
    auth_params = tuple(parse_qsl(get("AUTH_PARAMS"), strict_parsing=False))
    reserved = {"state", "nonce", "code_challenge", "code_challenge_method", "redirect_uri"}
    reserved |= {"client_id", "response_type", "scope", "acr_values"}
    for param, _value in auth_params:
        if param in reserved:
            raise ConfigError(f"{key}AUTH_PARAMS may not set {param}.")
    post_logout_redirect_uri = get("POST_LOGOUT_REDIRECT_URI")
    if post_logout_redirect_uri:
        parts = urlsplit(post_logout_redirect_uri)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(f"{key}POST_LOGOUT_REDIRECT_URI must be an absolute http(s) URL.")
    return Provider(
        name=name,
        label=get("LABEL", name),
        issuer=issuer,
        discovery_url=discovery_url,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        acr_values=tuple(get("ACR_VALUES").replace(",", " ").split()),
        auth_params=auth_params,
        pkce=pkce,
        link_verified_email=_flag(environ.get(key + "LINK_VERIFIED_EMAIL"), False),
        token_auth_method=get("TOKEN_AUTH_METHOD"),
        post_logout_redirect_uri=post_logout_redirect_uri,
    )


def providers_from_env(environ) -> list[Provider]:
    names = [n.strip() for n in (environ.get(PREFIX + "PROVIDERS") or "").split(",") if n.strip()]
    if len(set(names)) != len(names):
        raise ConfigError(f"{PREFIX}PROVIDERS names a provider twice.")
    return [provider_from_env(name, environ) for name in names]
