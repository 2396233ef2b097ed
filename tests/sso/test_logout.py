"""Logging out ends the session here, then at the provider (RP-initiated logout) against a real
OpenID provider (node-oidc-provider on 127.0.0.1); a provider without an end_session_endpoint,
or one that cannot be reached, leaves a local logout; logging out stays POST only."""

import base64
import html
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.test import Client

from kommunekompass.sso import logout
from kommunekompass.sso.client import client_for
from tests.factories import PASSWORD, make_user
from tests.sso.accounts import invited_account
from tests.sso.oidc_provider import (
    CLIENT_ID,
    _free_port,
    follow_provider,
    provider_settings,
    running_provider,
)

CALLBACK = "http://testserver/accounts/sso/test/callback/"
SIGNED_OUT = "http://testserver/accounts/sso/test/signed-out/"


@pytest.fixture(scope="module")
def issuer():
    with running_provider([CALLBACK], [SIGNED_OUT]) as issuer:
        yield issuer


@pytest.fixture
def provider(settings, issuer):
    settings.OIDC_PROVIDERS = provider_settings(issuer)
    client_for.cache_clear()
    yield settings.OIDC_PROVIDERS[0]
    client_for.cache_clear()


def authorize_url(client, query="") -> str:
    response = client.get(f"/accounts/sso/test/{query}")
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def sign_in(client, issuer, login, browser):
    """Signs in through the provider with `browser`'s cookies there; returns the account."""
    account, _invitation, token = invited_account()
    start = authorize_url(client, f"?invitation={token}")
    callback = follow_provider(start, issuer, login, session=browser)
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(account.pk)
    return account


def end_session_url(response) -> str:
    """The provider's address that the logout page moves on to (header and link agree)."""
    assert response.status_code == 200, response
    url = response["Refresh"].removeprefix("0; url=")
    link = re.search(r'id="end-session"[^>]* href="([^"]+)"', response.content.decode())
    assert html.unescape(link.group(1)) == url
    return url


def provider_has_a_session(client, issuer, browser) -> bool:
    """Whether the provider answers a new sign-in at once (its session lives) instead of
    showing its sign-in form."""
    response = browser.get(authorize_url(client), allow_redirects=False, timeout=10)
    while response.is_redirect and response.headers["location"].startswith(issuer):
        response = browser.get(response.headers["location"], allow_redirects=False, timeout=10)
    if response.is_redirect:
        return response.headers["location"].startswith(CALLBACK)
    assert response.status_code == 200 and 'name="login"' in response.text, response.text
    return False


def test_logging_out_ends_the_session_here_then_at_the_provider(db, client, provider, issuer):
    browser = requests.Session()
    sign_in(client, issuer, "anna-sub", browser)
    id_token = client.session[logout.SESSION_ID_TOKEN]
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer, CLIENT_ID, "anna-sub")
    assert provider_has_a_session(Client(), issuer, browser)

    response = client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session  # the session here ended first
    url = end_session_url(response)
    end_session = urlsplit(url)
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{issuer}/session/end"
    )
    params = dict(parse_qsl(end_session.query))
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == SIGNED_OUT
    assert params["client_id"] == CLIENT_ID and len(params["state"]) >= 32

    # The provider asks "Do you want to sign-out?"; yes, then it sends the person back.
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    confirmed = browser.post(
        f"{issuer}/session/end/confirm",
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert confirmed.status_code == 303, confirmed.text
    back = urlsplit(confirmed.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == SIGNED_OUT
    assert dict(parse_qsl(back.query)) == {"state": params["state"]}

    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert logout.SESSION_LOGOUT_STATE not in client.session
    # The provider's session is gone: a new sign-in shows its form again.
    assert not provider_has_a_session(Client(), issuer, browser)


def test_a_way_back_with_another_state_says_nothing(db, client, provider):
    session = client.session
    session[logout.SESSION_LOGOUT_STATE] = ["test", "the-state-sent"]
    session.save()
    response = client.get("/accounts/sso/test/signed-out/?state=another")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert list(get_messages(response.wsgi_request)) == []
    assert logout.SESSION_LOGOUT_STATE not in client.session
    assert client.get("/accounts/sso/unknown/signed-out/").status_code == 404


def test_a_configured_post_logout_redirect_uri_is_sent(db, client, settings, issuer):
    configured = "https://kompass.example.no/accounts/sso/test/signed-out/"
    settings.OIDC_PROVIDERS = provider_settings(issuer, post_logout_redirect_uri=configured)
    client_for.cache_clear()
    client.force_login(make_user("kari"))
    session = client.session
    session.update({logout.SESSION_PROVIDER: "test", logout.SESSION_ID_TOKEN: "a.b.c"})
    session.save()
    response = client.post("/accounts/logout/")
    params = dict(parse_qsl(urlsplit(end_session_url(response)).query))
    assert params["post_logout_redirect_uri"] == configured
    assert params["id_token_hint"] == "a.b.c"
    assert "_auth_user_id" not in client.session
    client_for.cache_clear()


def test_logging_out_is_post_only_and_a_password_session_ends_here_only(db, provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("kari"))
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 403  # no CSRF token
    assert "_auth_user_id" in client.session
    client = Client()
    client.post("/accounts/login/", {"username": "kari", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


@pytest.fixture(scope="module")
def issuer_without_end_session():
    with running_provider([CALLBACK], end_session=False) as issuer:
        yield issuer


def test_a_provider_without_end_session_logs_out_here_only(
    db, client, settings, issuer_without_end_session
):
    issuer = issuer_without_end_session
    settings.OIDC_PROVIDERS = provider_settings(issuer)
    client_for.cache_clear()
    browser = requests.Session()
    sign_in(client, issuer, "anna-sub", browser)
    assert (
        "end_session_endpoint"
        not in browser.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    )
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    client_for.cache_clear()


def test_a_provider_that_cannot_be_reached_leaves_a_local_logout(db, client, settings, caplog):
    settings.OIDC_PROVIDERS = provider_settings(f"http://127.0.0.1:{_free_port()}")
    client_for.cache_clear()
    client.force_login(make_user("kari"))
    session = client.session
    session.update({logout.SESSION_PROVIDER: "test", logout.SESSION_ID_TOKEN: "a.b.c"})
    session.save()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "Logged out here only" in caplog.text
    client_for.cache_clear()
