"""The OpenID Connect client of each configured provider: Authlib's Django client, which does
discovery, state, nonce and PKCE, and verifies the ID token (signature against the provider's
published keys, issuer, audience, expiry, nonce). One client per provider and configuration is
kept, so discovery and the keys are fetched once per process."""

import functools

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import Http404

from kommunekompass.sso.config import Provider

TIMEOUT_SECONDS = 10


class DiscoveryError(Exception):
    pass


def providers() -> list[Provider]:
    return list(settings.OIDC_PROVIDERS)


def provider_named(name: str) -> Provider:
    for provider in providers():
        if provider.name == name:
            return provider
    raise Http404("No such sign-in provider.")


@functools.lru_cache(maxsize=32)
def client_for(provider: Provider):
    client_kwargs = {"scope": provider.scopes, "default_timeout": TIMEOUT_SECONDS}
    if provider.pkce:
        client_kwargs["code_challenge_method"] = "S256"
    if provider.token_auth_method:
        client_kwargs["token_endpoint_auth_method"] = provider.token_auth_method
    elif provider.is_public_client:
        client_kwargs["token_endpoint_auth_method"] = "none"
    oauth = OAuth()
    return oauth.register(
        name=provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret or None,
        server_metadata_url=provider.discovery_url,
        client_kwargs=client_kwargs,
    )


def load_metadata(provider: Provider) -> dict:
    """The provider's discovery document; its issuer must be the one configured."""
    client = client_for(provider)
    metadata = client.load_server_metadata()
    if provider.issuer and metadata.get("issuer", "").rstrip("/") != provider.issuer:
        client_for.cache_clear()
        raise DiscoveryError(
            f"the discovery document names the issuer {metadata.get('issuer')!r}, "
            f"not {provider.issuer!r}"
        )
    return metadata
