"""Signing in with an OpenID provider: the start (a redirect to the provider, with state,
nonce, PKCE and the requested assurance level) and the callback (Authlib checks the state,
fetches the tokens and verifies the ID token; then services.sign_in finds the account).

Whatever fails is shown in words on the page and logged: the provider's error and
error_description, or what failed in the verification."""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from joserfc.errors import JoseError

from kommunekompass.sso import client as clients
from kommunekompass.sso import logout, services

log = logging.getLogger("kommunekompass.sso")

SESSION_NEXT = "sso:next"
SESSION_INVITATION = "sso:invitation"


class LoginView(auth_views.LoginView):
    """The login page: a button per configured provider, and the password form unless
    KOMMUNEKOMPASS_LOCAL_LOGIN=0 switched local passwords off."""

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN:
            raise PermissionDenied("Local passwords are switched off.")
        return super().post(request, *args, **kwargs)


def admin_login(request):
    """The admin's login form while local passwords are on; otherwise the login page with
    the providers' buttons (the admin's form would only be refused)."""
    if settings.LOCAL_LOGIN:
        return admin.site.login(request)
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("login") + (f"?{query}" if query else ""))


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _one_line(text: str, limit: int = 500) -> str:
    """A provider's text, for the page and the log: one line, not too long."""
    return " ".join(str(text or "").split())[:limit]


def _failed(request, provider, reason, params=None, error: str = "", description: str = ""):
    """The failure page: `reason` (a lazy translation, formatted with `params`) in the
    person's language, logged in English with the provider's error and description."""
    params = {key: _one_line(value) for key, value in (params or {}).items()}
    error, description = _one_line(error, 100), _one_line(description)
    with translation.override("en"):
        logged = str(reason) % params if params else str(reason)
    log.warning(
        "Sign-in with %s failed: %s%s%s",
        provider.name,
        logged,
        f" error={error}" if error else "",
        f" error_description={description}" if description else "",
    )
    context = {
        "provider": provider,
        "reason": str(reason) % params if params else str(reason),
        "error": error,
        "description": description,
    }
    return render(request, "sso/failed.html", context, status=400)


@never_cache
def start(request, name):
    provider = clients.provider_named(name)
    request.session[SESSION_NEXT] = _safe_next(request, request.GET.get("next", ""))
    invitation = request.GET.get("invitation", "")
    if invitation:
        request.session[SESSION_INVITATION] = invitation[:100]
    else:
        request.session.pop(SESSION_INVITATION, None)
    redirect_uri = request.build_absolute_uri(reverse("sso:callback", args=[provider.name]))
    params = dict(provider.auth_params)
    if provider.acr_values:
        params["acr_values"] = " ".join(provider.acr_values)
    try:
        clients.load_metadata(provider)
        return clients.client_for(provider).authorize_redirect(request, redirect_uri, **params)
    except clients.DiscoveryError as error:
        return _failed(
            request,
            provider,
            _("The provider's discovery document is not valid: %(problem)s"),
            {"problem": error},
        )
    except (requests.RequestException, ValueError) as error:
        clients.client_for.cache_clear()
        return _failed(
            request,
            provider,
            _("The provider could not be reached: %(problem)s"),
            {"problem": error},
        )


@never_cache
def callback(request, name):
    provider = clients.provider_named(name)
    client = clients.client_for(provider)
    try:
        token = client.authorize_access_token(request)
    except MismatchingStateError:
        return _failed(
            request,
            provider,
            _(
                "The answer from the provider does not belong to a sign-in started here "
                "(unknown or reused state). Please start again."
            ),
            error="mismatching_state",
        )
    except AuthlibBaseError as error:
        return _failed(
            request,
            provider,
            _("The provider refused the sign-in."),
            error=error.error or "",
            description=error.description or "",
        )
    except JoseError as error:
        return _failed(
            request,
            provider,
            _("The provider's ID token could not be verified."),
            error=error.error,
            description=error.description or str(error),
        )
    except requests.RequestException as error:
        return _failed(
            request,
            provider,
            _("The provider could not be reached: %(problem)s"),
            {"problem": error},
        )
    claims = token.get("userinfo")
    if not claims:
        return _failed(request, provider, _("The provider sent no ID token."))
    accepted_acr = provider.accepted_acr()
    if accepted_acr and claims.get("acr") not in accepted_acr:
        return _failed(
            request,
            provider,
            _("The sign-in's assurance level (acr %(acr)s) is not the one asked for (%(asked)s)."),
            {"acr": claims.get("acr") or "-", "asked": " ".join(provider.acr_values)},
            error="acr",
        )
    invitation = request.session.pop(SESSION_INVITATION, None)
    next_url = request.session.pop(SESSION_NEXT, "")
    try:
        account = services.sign_in(
            provider=provider,
            claims=claims,
            invitation_token=invitation,
            current_user=request.user if request.user.is_authenticated else None,
        )
    except services.NotSetUp as reason:
        log.warning(
            "Sign-in with %s: subject %s of %s is not set up here (%s)",
            provider.name,
            claims["sub"],
            claims["iss"],
            reason,
        )
        return render(request, "sso/not_set_up.html", {"provider": provider}, status=403)
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    logout.remember_sign_in(request, provider, token)
    log.info("Signed in with %s: account %s, acr=%s", provider.name, account.pk, claims.get("acr"))
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
