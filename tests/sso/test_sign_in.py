"""Single sign-on against a real OpenID provider (node-oidc-provider on 127.0.0.1): linking by
invitation, then by subject; PKCE and acr_values; a tampered state, a wrong nonce, an unknown
subject, the provider's error; linking by a verified e-mail only where allowed."""

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from kommunekompass.people.models import AccountEvent
from kommunekompass.sso.client import client_for
from kommunekompass.sso.models import Identity
from tests.factories import make_user
from tests.sso.accounts import invited_account
from tests.sso.oidc_provider import (
    PUBLIC_CLIENT_ID,
    follow_provider,
    provider_settings,
    running_provider,
)

User = get_user_model()
CALLBACK = "http://testserver/accounts/sso/test/callback/"


@pytest.fixture(scope="module")
def issuer():
    with running_provider([CALLBACK]) as issuer:
        yield issuer


@pytest.fixture
def provider(settings, issuer):
    settings.OIDC_PROVIDERS = provider_settings(issuer)
    client_for.cache_clear()
    yield settings.OIDC_PROVIDERS[0]
    client_for.cache_clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def start(client, query=""):
    response = client.get(f"/accounts/sso/test/{query}")
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def back_to_app(client, callback_url, **replace):
    parts = urlsplit(callback_url)
    assert callback_url.startswith(CALLBACK)
    query = dict(parse_qsl(parts.query))
    query.update(replace)
    return client.get(f"{parts.path}?{urlencode(query)}")


def sign_in(client, issuer, login, query="", **replace):
    return back_to_app(client, follow_provider(start(client, query), issuer, login), **replace)


def logged_in_user(client):
    return client.session.get("_auth_user_id")


def test_an_invitation_links_the_subject_then_the_subject_signs_in(
    db, client, english, provider, issuer, caplog
):
    account, invitation, token = invited_account()
    authorize_url = start(client, f"?invitation={token}&next=/people/reminders/")
    query = dict(parse_qsl(urlsplit(authorize_url).query))
    # What goes to the provider: PKCE (S256), a nonce, a state, the assurance level.
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["nonce"] and query["state"]
    assert query["acr_values"] == "idporten-loa-substantial"
    assert query["scope"] == "openid email profile"
    with caplog.at_level(logging.INFO, logger="kommunekompass.sso"):
        response = back_to_app(client, follow_provider(authorize_url, issuer, "anna-sub"))
    assert response.status_code == 302 and response["Location"] == "/people/reminders/"
    assert logged_in_user(client) == str(account.pk)
    identity = Identity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (account, issuer, "anna-sub")
    assert identity.provider == "test" and identity.linked_by == "invitation"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AccountEvent.objects.filter(person=account, action="accepted").count() == 1
    account.refresh_from_db()
    assert not account.has_usable_password()
    # The provider saw acr_values: the ID token's acr is the level asked for.
    assert "acr=idporten-loa-substantial" in caplog.text

    # Next time: the subject alone finds the account; the invitation is used up.
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout empties the jar
    response = sign_in(client, issuer, "anna-sub")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == str(account.pk)
    assert Identity.objects.count() == 1
    assert client.get("/").status_code == 200

    # Another subject with the used invitation gets nothing.
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout empties the jar
    response = sign_in(client, issuer, "mallory", f"?invitation={token}")
    assert response.status_code == 403 and logged_in_user(client) is None
    assert "Your account is not set up here" in response.content.decode()


def test_a_public_client_signs_in_with_pkce_alone(db, client, settings, issuer):
    settings.OIDC_PROVIDERS = provider_settings(
        issuer, client_id=PUBLIC_CLIENT_ID, client_secret="", acr_values="idporten-loa-high"
    )
    account, _invitation, token = invited_account()
    response = sign_in(client, issuer, "anna-public", f"?invitation={token}")
    assert response.status_code == 302 and logged_in_user(client) == str(account.pk)
    client_for.cache_clear()


def test_the_provider_refuses_a_client_without_pkce_and_the_page_says_why(
    db, client, english, settings, issuer, caplog
):
    settings.OIDC_PROVIDERS = provider_settings(issuer, pkce="0")
    authorize_url = start(client)
    assert "code_challenge" not in authorize_url
    with caplog.at_level(logging.WARNING, logger="kommunekompass.sso"):
        response = back_to_app(client, follow_provider(authorize_url, issuer, "anna"))
    page = response.content.decode()
    assert response.status_code == 400 and "Sign-in failed" in page
    assert "invalid_request" in page and "PKCE" in page
    assert "invalid_request" in caplog.text
    client_for.cache_clear()


def test_an_unknown_subject_gets_the_not_set_up_page(db, client, english, provider, issuer):
    make_user("bob")
    response = sign_in(client, issuer, "bob")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your account is not set up here" in page and "Ask your coordinator" in page
    assert logged_in_user(client) is None and not Identity.objects.exists()


def test_a_tampered_state_is_refused(db, client, english, provider, issuer, caplog):
    account, _invitation, token = invited_account()
    with caplog.at_level(logging.WARNING, logger="kommunekompass.sso"):
        response = sign_in(client, issuer, "anna", f"?invitation={token}", state="forged")
    page = response.content.decode()
    assert response.status_code == 400 and "mismatching_state" in page
    assert "does not belong to a sign-in started here" in page
    assert "mismatching_state" in caplog.text
    assert logged_in_user(client) is None and not Identity.objects.exists()


def test_a_wrong_nonce_is_refused(db, client, english, provider, issuer):
    account, invitation, token = invited_account()
    authorize_url = start(client, f"?invitation={token}")
    session = client.session
    (key,) = [key for key in session.keys() if key.startswith("_state_test_")]
    stored = session[key]
    stored["data"]["nonce"] = "not-the-nonce-sent"
    session[key] = stored
    session.save()
    response = back_to_app(client, follow_provider(authorize_url, issuer, "anna"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "could not be verified" in page and "nonce" in page
    assert logged_in_user(client) is None and not Identity.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # nothing used up


def test_the_providers_error_is_shown_in_words(db, client, english, provider, issuer, caplog):
    with caplog.at_level(logging.WARNING, logger="kommunekompass.sso"):
        callback = follow_provider(start(client), issuer, cancel=True)
        response = back_to_app(client, callback)
    page = response.content.decode()
    assert response.status_code == 400 and "The provider refused the sign-in." in page
    assert "access_denied" in page and "The person cancelled the sign-in at the provider." in page
    assert "access_denied" in caplog.text and "cancelled" in caplog.text
    assert logged_in_user(client) is None


def test_a_verified_email_links_only_where_the_settings_allow(db, client, settings, issuer):
    berit = User.objects.create_user("berit", email="Berit@example.test")
    User.objects.create_user("carl", email="unverified-carl@example.test")
    settings.OIDC_PROVIDERS = provider_settings(issuer)  # default: off
    assert sign_in(client, issuer, "berit").status_code == 403
    client_for.cache_clear()
    settings.OIDC_PROVIDERS = provider_settings(issuer, link_verified_email="1")
    assert sign_in(client, issuer, "unverified-carl").status_code == 403  # not verified
    response = sign_in(client, issuer, "berit")
    assert response.status_code == 302 and logged_in_user(client) == str(berit.pk)
    identity = Identity.objects.get()
    assert (identity.user, identity.subject, identity.linked_by) == (
        berit,
        "berit",
        "verified_email",
    )
    client_for.cache_clear()


def test_a_deactivated_account_does_not_sign_in(db, client, provider, issuer):
    account, _invitation, token = invited_account()
    assert sign_in(client, issuer, "anna", f"?invitation={token}").status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout empties the jar
    account.is_active = False
    account.save()
    assert sign_in(client, issuer, "anna").status_code == 403
    assert logged_in_user(client) is None


def test_an_unknown_provider_is_not_found(db, client, provider):
    assert client.get("/accounts/sso/nobody/").status_code == 404
    assert client.get("/accounts/sso/nobody/callback/?code=x&state=y").status_code == 404


def test_a_callback_without_a_started_sign_in_is_refused(db, client, english, provider):
    response = client.get("/accounts/sso/test/callback/?code=x&state=y")
    assert response.status_code == 400 and "mismatching_state" in response.content.decode()


def test_a_person_logged_in_here_links_the_provider_from_their_preferences(
    db, client, english, provider, issuer
):
    kari = make_user("kari")
    client.force_login(kari)
    page = client.get("/people/preferences/").content.decode()
    assert 'href="/accounts/sso/test/?next=/people/preferences/"' in page
    assert "Link Test ID to your account" in page
    response = sign_in(client, issuer, "kari-sub", "?next=/people/preferences/")
    assert response.status_code == 302 and response["Location"] == "/people/preferences/"
    identity = Identity.objects.get()
    assert (identity.user, identity.subject, identity.linked_by) == (kari, "kari-sub", "signed_in")
    page = client.get("/people/preferences/").content.decode()
    assert "You sign in with: Test ID" in page and "Link Test ID" not in page
    # Nobody else's subject can be taken over: a subject linked to kari stays kari's.
    other = make_user("other")
    client.force_login(other)
    assert sign_in(client, issuer, "kari-sub").status_code == 403
    assert Identity.objects.get().user == kari


def test_a_replayed_answer_is_refused(db, client, english, provider, issuer):
    account, _invitation, token = invited_account()
    callback = follow_provider(start(client, f"?invitation={token}"), issuer, "anna")
    assert back_to_app(client, callback).status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout empties the jar
    response = back_to_app(client, callback)
    assert response.status_code == 400 and "mismatching_state" in response.content.decode()
    assert logged_in_user(client) is None


def test_a_discovery_document_of_another_issuer_is_refused(
    db, client, english, settings, issuer, caplog
):
    settings.OIDC_PROVIDERS = provider_settings(
        f"{issuer}/impostor", discovery_url=f"{issuer}/.well-known/openid-configuration"
    )
    with caplog.at_level(logging.WARNING, logger="kommunekompass.sso"):
        response = client.get("/accounts/sso/test/")
    page = response.content.decode()
    assert response.status_code == 400 and "discovery document is not valid" in page
    assert "/impostor" in page and "names the issuer" in caplog.text
    client_for.cache_clear()


def test_a_provider_that_does_not_answer_is_named(db, client, english, settings):
    settings.OIDC_PROVIDERS = provider_settings("http://127.0.0.1:9")  # nothing listens there
    response = client.get("/accounts/sso/test/")
    assert response.status_code == 400
    assert "The provider could not be reached" in response.content.decode()
    client_for.cache_clear()


def test_an_id_token_signed_with_another_key_is_refused(db, client, english, provider, issuer):
    """The provider signs with its key; the app checks against keys published under the same
    key id but of another key pair (as if the token came from someone else)."""
    from joserfc.jwk import RSAKey

    account, invitation, token = invited_account()
    authorize_url = start(client, f"?invitation={token}")
    app = client_for(provider)
    published = app.fetch_jwk_set()["keys"]
    others = [
        {**RSAKey.generate_key(2048).as_dict(private=False), "kid": key["kid"], "use": "sig"}
        for key in published
        if key["kty"] == "RSA"
    ]
    assert others
    app.server_metadata["jwks"] = {"keys": others}
    response = back_to_app(client, follow_provider(authorize_url, issuer, "anna"))
    page = response.content.decode()
    assert response.status_code == 400 and "could not be verified" in page
    assert "signature" in page
    assert logged_in_user(client) is None and not Identity.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
