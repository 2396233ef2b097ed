"""Personal API tokens: made on the user's own page, shown once, stored hashed, used, revoked
and expired; the page is the user's alone."""

import datetime
import hashlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kommunekompass.api.models import ApiToken
from kommunekompass.api.tokens import create_token
from tests.factories import make_user


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_token_is_shown_once_stored_hashed_and_works_until_revoked(english, db):
    client = english
    user = make_user("kari")
    client.force_login(user)
    page = client.post(reverse("api_tokens"), {"name": "Power BI", "expires": ""})
    assert page.status_code == 200
    secret = re.search(r'value="(kk_[A-Za-z0-9_-]+)"', page.content.decode()).group(1)
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Power BI"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest} and secret.startswith(token.prefix)
    # shown once: the list shows only its beginning
    listing = client.get(reverse("api_tokens")).content.decode()
    assert secret not in listing and f"{token.prefix}…" in listing

    client.logout()
    me = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["username"] == "kari"
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.force_login(user)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_an_expired_token_is_refused(client, db):
    user = make_user("kari")
    token, secret = create_token(user, "old", timezone.now() + datetime.timedelta(days=1))
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_of_an_inactive_user_is_refused(client, db):
    user = make_user("kari")
    _token, secret = create_token(user, "x")
    user.is_active = False
    user.save()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_the_token_page_is_for_logged_in_users_and_their_own_tokens(english, db):
    client = english
    kari, ola = make_user("kari"), make_user("ola")
    token, _secret = create_token(kari, "kari's")
    assert client.get(reverse("api_tokens")).status_code == 302  # to the login page
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    client.force_login(ola)
    assert "kari's" not in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405


def test_a_bad_token_form_writes_nothing(english, db):
    client = english
    client.force_login(make_user("kari"))
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for data in [{"name": ""}, {"name": "x", "expires": yesterday}, {"name": "a\x00b"}]:
        response = client.post(reverse("api_tokens"), data)
        assert response.status_code == 422, data
    assert not ApiToken.objects.exists()


def test_the_token_page_needs_few_queries(client, db, django_assert_max_num_queries):
    user = make_user("kari")
    for number in range(5):
        create_token(user, f"token {number}")
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("api_tokens")).status_code == 200
