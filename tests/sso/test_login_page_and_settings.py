"""The login page with single sign-on (a button per provider), local passwords switched off,
and reading the providers from the environment."""

import pytest
from django.conf import settings
from django.urls import reverse

from kommunekompass.people.invitations import token_hash
from kommunekompass.sso.config import ConfigError, providers_from_env
from tests.factories import PASSWORD, make_user
from tests.sso.accounts import invited_account

ENTRA_AND_IDPORTEN = {
    "KOMMUNEKOMPASS_OIDC_PROVIDERS": "entra, idporten",
    "KOMMUNEKOMPASS_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant-1/v2.0",
    "KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_ID": "app-1",
    "KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_SECRET": "secret-1",
    "KOMMUNEKOMPASS_OIDC_ENTRA_LABEL": "Microsoft Entra ID",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_ISSUER": "https://test.idporten.no/",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_CLIENT_ID": "client-2",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_SCOPES": "openid profile",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_ACR_VALUES": "idporten-loa-substantial",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_AUTH_PARAMS": "ui_locales=nb&prompt=login",
    "KOMMUNEKOMPASS_OIDC_IDPORTEN_LABEL": "ID-porten",
}


@pytest.fixture
def providers(settings):
    settings.OIDC_PROVIDERS = providers_from_env(ENTRA_AND_IDPORTEN)
    return settings.OIDC_PROVIDERS


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_environment_names_the_providers():
    entra, idporten = providers_from_env(ENTRA_AND_IDPORTEN)
    assert entra.discovery_url == (
        "https://login.microsoftonline.com/tenant-1/v2.0/.well-known/openid-configuration"
    )
    assert (entra.scopes, entra.acr_values, entra.is_public_client) == (
        "openid email profile",
        (),
        False,
    )
    assert idporten.issuer == "https://test.idporten.no"
    assert idporten.is_public_client and idporten.pkce
    assert idporten.auth_params == (("ui_locales", "nb"), ("prompt", "login"))
    assert idporten.accepted_acr() == {"idporten-loa-substantial", "idporten-loa-high"}
    assert not idporten.link_verified_email
    assert idporten.post_logout_redirect_uri == ""  # derived from the request
    assert providers_from_env({}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_ID": ""}, "KOMMUNEKOMPASS_OIDC_ENTRA_CLIENT_ID"),
        ({"KOMMUNEKOMPASS_OIDC_ENTRA_ISSUER": ""}, "KOMMUNEKOMPASS_OIDC_ENTRA_ISSUER"),
        ({"KOMMUNEKOMPASS_OIDC_ENTRA_SCOPES": "email"}, "must include openid"),
        ({"KOMMUNEKOMPASS_OIDC_IDPORTEN_PKCE": "0"}, "KOMMUNEKOMPASS_OIDC_IDPORTEN_PKCE"),
        ({"KOMMUNEKOMPASS_OIDC_ENTRA_AUTH_PARAMS": "nonce=1"}, "may not set nonce"),
        ({"KOMMUNEKOMPASS_OIDC_PROVIDERS": "entra,entra"}, "twice"),
        ({"KOMMUNEKOMPASS_OIDC_PROVIDERS": "Entra ID"}, "is not a provider name"),
        (
            {"KOMMUNEKOMPASS_OIDC_ENTRA_POST_LOGOUT_REDIRECT_URI": "/accounts/login/"},
            "KOMMUNEKOMPASS_OIDC_ENTRA_POST_LOGOUT_REDIRECT_URI",
        ),
    ],
)
def test_wrong_settings_are_named(change, message):
    with pytest.raises(ConfigError, match=message):
        providers_from_env({**ENTRA_AND_IDPORTEN, **change})


def test_the_login_page_shows_a_button_per_provider_and_the_password_form(db, english, providers):
    page = english.get("/accounts/login/?next=/people/").content.decode()
    assert 'href="/accounts/sso/entra/?next=/people/"' in page
    assert "Log in with Microsoft Entra ID" in page and "Log in with ID-porten" in page
    assert 'id="id_password"' in page and "Forgotten your password?" in page


def test_without_providers_the_login_page_is_as_before(db, english, settings):
    settings.OIDC_PROVIDERS = []
    page = english.get("/accounts/login/").content.decode()
    assert "Log in with" not in page and 'id="id_password"' in page


@pytest.fixture
def local_login_off(settings, providers):
    settings.LOCAL_LOGIN = False


def test_with_local_login_off_only_the_providers_sign_in(db, english, local_login_off):
    make_user("kari")
    page = english.get("/accounts/login/").content.decode()
    assert "Log in with ID-porten" in page
    assert 'id="id_password"' not in page and "Forgotten your password?" not in page
    response = english.post("/accounts/login/", {"username": "kari", "password": PASSWORD})
    assert response.status_code == 403 and "_auth_user_id" not in english.session
    # No password opens an account anywhere, the admin's login included.
    assert not english.login(username="kari", password=PASSWORD)
    assert english.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    for name in ("password_reset", "password_change"):
        assert english.get(reverse(name)).status_code == 404
    assert english.get(reverse("password_reset_confirm", args=["MQ", "x-y"])).status_code == 404


def test_with_local_login_off_the_invitation_offers_only_the_providers(
    db, english, local_login_off
):
    account, invitation, token = invited_account()
    assert invitation.token_hash == token_hash(token)
    url = reverse("people:invitation", args=[token])
    page = english.get(url).content.decode()
    assert f'href="/accounts/sso/idporten/?invitation={token}"' in page
    assert "Choose a password" not in page and "new_password1" not in page
    response = english.post(url, {"new_password1": "Fjord-2026-x", "new_password2": "Fjord-2026-x"})
    assert response.status_code == 403
    account.refresh_from_db()
    assert not account.has_usable_password()


def test_with_local_login_on_passwords_still_work(db, client, providers):
    make_user("kari")
    response = client.post("/accounts/login/", {"username": "kari", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert client.get(reverse("password_change")).status_code == 200


def test_the_check_names_a_set_up_in_which_nobody_can_log_in(settings):
    from kommunekompass.sso.checks import sign_in_possible

    settings.LOCAL_LOGIN, settings.OIDC_PROVIDERS = False, []
    assert [error.id for error in sign_in_possible(None)] == ["sso.E001"]
    settings.OIDC_PROVIDERS = providers_from_env(ENTRA_AND_IDPORTEN)
    assert sign_in_possible(None) == []
    settings.LOCAL_LOGIN, settings.OIDC_PROVIDERS = True, []
    assert sign_in_possible(None) == []
