"""The frame around every page: login, logout, language, security headers, admin."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_speaks_norwegian_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "nb"
    assert '<html lang="nb">' in response.content.decode()
    assert "Logg inn" in response.content.decode()


def test_it_switches_to_english_and_back_by_a_link_that_keeps_the_page(client):
    login_page = client.get(reverse("login")).content.decode()
    link = reverse("set_language", args=["en"]) + "?next=/accounts/login/"
    response = client.get(link)
    assert response.status_code == 302 and response.url == "/accounts/login/"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Log in" in page
    assert 'href="/language/nb/?next=/accounts/login/"' in page
    assert "/language/en/" in login_page
    client.get(reverse("set_language", args=["nb"]) + "?next=/")
    assert "Logg inn" in client.get(reverse("login")).content.decode()


def test_the_language_switch_goes_back_only_to_this_site_and_knows_its_languages(client):
    response = client.get(reverse("set_language", args=["en"]) + "?next=https://evil.example/")
    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("set_language", args=["xx"]) + "?next=/").status_code == 404
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_it_ignores_an_unknown_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get(reverse("login"))["Content-Language"] == "nb"


def test_it_logs_a_user_in_and_out(client, evaluator):
    response = client.post(reverse("login"), {"username": "evaluator", "password": "secret-pass-1"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert "Velkommen, Eva" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert "Velkommen, Eva" not in client.get(reverse("home")).content.decode()


def test_it_refuses_a_wrong_password(client, evaluator):
    response = client.post(reverse("login"), {"username": "evaluator", "password": "wrong"})
    assert response.status_code == 200
    assert "Feil brukernavn eller passord" in response.content.decode()
    assert "Velkommen" not in client.get(reverse("home")).content.decode()


def test_the_home_page_links_the_frameworks(evaluator_client, kommunekompass_framework):
    page = evaluator_client.get(reverse("home")).content.decode()
    assert reverse("frameworks:detail", args=["kommunekompass", "2020"]) in page


def test_the_admin_is_for_staff_only(evaluator_client, admin_client, kommunekompass_framework):
    assert evaluator_client.get("/admin/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/admin/frameworks/question/").status_code == 200
    assert admin_client.get("/admin/evaluations/municipality/").status_code == 200
    # Frameworks change only by loading a new version.
    assert admin_client.get("/admin/frameworks/framework/add/").status_code == 403
    for model in (
        "membership",
        "evaluation",
        "interview",
        "evidence",
        "score",
        "finding",
        "auditentry",
    ):
        assert admin_client.get(f"/admin/evaluations/{model}/").status_code == 200, model
    # Scores, findings and their history change only through the app, with its audit trail.
    assert admin_client.get("/admin/evaluations/score/add/").status_code == 403
    assert admin_client.get("/admin/evaluations/auditentry/add/").status_code == 403
    # Evaluations (and their way forward) are created and changed in the app, with history.
    assert admin_client.get("/admin/evaluations/evaluation/add/").status_code == 403
    assert admin_client.get("/admin/evaluations/membership/add/").status_code == 200


def test_pages_send_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


def test_the_sqlite_database_file_runs_in_wal_mode(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from kommunekompass.settings import SQLITE_OPTIONS

    wrapper = DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "db.sqlite3"),
            "OPTIONS": SQLITE_OPTIONS,
        }
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 30000
    finally:
        wrapper.close()


def test_the_improvement_programme_is_shown_read_only_in_the_admin(admin_client):
    # Changes go through improvement.services, which keep the programme's history.
    for model in ("programme", "project", "indicator", "programmechange"):
        assert admin_client.get(f"/admin/improvement/{model}/").status_code == 200
        assert admin_client.get(f"/admin/improvement/{model}/add/").status_code == 403
