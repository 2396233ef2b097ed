"""Single sign-on in the browser, against a real OpenID provider on 127.0.0.1
(node-oidc-provider): an invited person opens the invitation, signs in through the provider's
form and lands on their home page; logging out ends the session at the provider too (its
confirm page, then back to the login page), so the next sign-in asks at the provider again.
With local passwords off, the login page shows only the provider; a refusal at the provider is
shown in words."""

import pytest
from playwright.sync_api import expect

from kommunekompass.sso.client import client_for
from kommunekompass.sso.models import Identity
from tests.sso.accounts import invited_account
from tests.sso.oidc_provider import provider_settings, running_provider


@pytest.fixture(scope="module")
def issuer(live_server):
    with running_provider(
        [f"{live_server.url}/accounts/sso/test/callback/"],
        [f"{live_server.url}/accounts/sso/test/signed-out/"],
    ) as issuer:
        yield issuer


@pytest.fixture
def signed_in_with_provider(settings, issuer):
    settings.OIDC_PROVIDERS = provider_settings(issuer)
    settings.LOCAL_LOGIN = False
    client_for.cache_clear()
    yield
    client_for.cache_clear()


def sign_in_at_provider(page, login):
    expect(page.locator("h1")).to_have_text("Test provider: sign in")
    page.fill("#login", login)
    page.fill("#password", "any")
    page.click("button:has-text('Sign in')")


def test_an_invited_person_signs_in_with_the_provider(
    page, live_server, issuer, signed_in_with_provider
):
    account, invitation, token = invited_account()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/people/invitation/{token}/")
    expect(page.locator("#invitation-form")).to_have_count(0)  # no password to choose
    page.click("text=Log in with Test ID")
    sign_in_at_provider(page, "anna-browser")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".user-name")).to_have_text("anna")
    identity = Identity.objects.get()
    assert (identity.user, identity.subject) == (account, "anna-browser")

    # Log out: here first, then at the provider, which asks, and sends the person back to the
    # login page, which shows the provider only and says where the person is logged out.
    page.click("button:has-text('Log out')")
    expect(page.locator("button[value=yes]")).to_be_visible()
    page.click("button[value=yes]")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.locator(".messages")).to_contain_text(
        "You are logged out of Kommunekompass and of Test ID."
    )
    expect(page.locator("#id_password")).to_have_count(0)
    # The provider's session ended too: its form asks again.
    page.click("text=Log in with Test ID")
    sign_in_at_provider(page, "anna-browser")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".user-name")).to_have_text("anna")


def test_a_refusal_at_the_provider_is_shown_in_words(
    page, live_server, issuer, signed_in_with_provider
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Log in with Test ID")
    page.click("button:has-text('Cancel')")
    expect(page.locator("h1")).to_have_text("Sign-in failed")
    expect(page.locator("main")).to_contain_text("access_denied")
    expect(page.locator("main")).to_contain_text("The person cancelled the sign-in")
    # An unknown person is told plainly that their account is not set up here.
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Log in with Test ID")
    sign_in_at_provider(page, "stranger")
    expect(page.locator("h1")).to_have_text("Your account is not set up here")
