"""Logging out (OpenID Connect RP-Initiated Logout 1.0). The session here always ends first.
Then, for a person who signed in through a provider whose discovery document names an
`end_session_endpoint`, the browser goes there to end the session at the provider too, with
the ID token of the sign-in as `id_token_hint`, our `post_logout_redirect_uri` and a `state`.
The provider sends the person back to `signed_out`, which says so when the state is the one
sent. Without an end_session_endpoint (or if the provider cannot be reached) the person is
logged out here only, as before.

Logging out is POST only (Django's LogoutView), so a link or an image cannot log anyone out.
Its answer is a page that moves on to the provider at once (a Refresh header, and a link):
a redirect would be refused by the browser, since the Content-Security-Policy lets forms go
to this site only (`form-action 'self'`, which covers the redirects after a form's POST)."""

import logging
import secrets

import requests
from authlib.common.urls import add_params_to_uri
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kommunekompass.sso import client as clients

log = logging.getLogger("kommunekompass.sso")

SESSION_PROVIDER = "sso:provider"
SESSION_ID_TOKEN = "sso:id_token"
SESSION_LOGOUT_STATE = "sso:logout_state"


def remember_sign_in(request, provider, token) -> None:
    """Called after a sign-in through `provider`: keep what logging out there needs."""
    request.session[SESSION_PROVIDER] = provider.name
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")


def post_logout_redirect_uri(request, provider) -> str:
    """The address the provider sends the person back to; register it at the provider."""
    if provider.post_logout_redirect_uri:
        return provider.post_logout_redirect_uri
    return request.build_absolute_uri(reverse("sso:signed_out", args=[provider.name]))


def _end_session(request, name: str, id_token: str):
    """(the provider, its end-session address) for the person just logged out here, or None."""
    provider = next((p for p in clients.providers() if p.name == name), None)
    if provider is None or not id_token:
        return None
    try:
        endpoint = clients.load_metadata(provider).get("end_session_endpoint")
    except (clients.DiscoveryError, requests.RequestException, ValueError) as error:
        clients.client_for.cache_clear()
        log.warning("Logged out here only: %s could not be asked to log out: %s", name, error)
        return None
    if not endpoint:
        return None
    state = secrets.token_urlsafe(24)
    # The session here has ended: this is a new, anonymous one, read on the way back.
    request.session[SESSION_LOGOUT_STATE] = [name, state]
    params = [
        ("id_token_hint", id_token),
        ("post_logout_redirect_uri", post_logout_redirect_uri(request, provider)),
        ("client_id", provider.client_id),
        ("state", state),
    ]
    return provider, add_params_to_uri(endpoint, params)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        name = request.session.get(SESSION_PROVIDER, "")
        id_token = request.session.get(SESSION_ID_TOKEN, "")
        response = super().post(request, *args, **kwargs)  # ends the session here
        end_session = _end_session(request, name, id_token) if name else None
        if end_session is None:
            return response
        provider, url = end_session
        log.info("Logged out; asking %s to end its session too", name)
        response = render(
            request, "sso/logging_out.html", {"provider": provider, "end_session_url": url}
        )
        response["Refresh"] = f"0; url={url}"
        return response


@never_cache
def signed_out(request, name):
    """The provider's way back after logging out there (post_logout_redirect_uri)."""
    provider = clients.provider_named(name)
    sent = request.session.pop(SESSION_LOGOUT_STATE, None)
    if sent == [name, request.GET.get("state")] and not request.user.is_authenticated:
        messages.success(
            request,
            _("You are logged out of Kommunekompass and of %(provider)s.")
            % {"provider": provider.label},
        )
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
