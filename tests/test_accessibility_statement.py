"""The accessibility statement (tilgjengelighetserklæring): public, linked from every page,
with the contact for feedback from the environment and the date of the last check."""

import pytest
from django.conf import settings as django_settings

from kommunekompass.core import accessibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_anyone_reads_the_statement_with_the_contact_and_the_last_check(
    english, settings, django_assert_max_num_queries
):
    settings.KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT = "uu@fjordvik.kommune.no"
    with django_assert_max_num_queries(2):
        response = english.get("/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Accessibility statement</h1>" in html
    assert 'href="mailto:uu@fjordvik.kommune.no"' in html
    assert accessibility.LAST_CHECKED.isoformat() in html
    assert "uutilsynet.no" in html
    # Every criterion of level A and AA is accounted for, and the deviations are named.
    assert len(accessibility.CRITERIA) == 50
    for criterion, level, _status in accessibility.CRITERIA:
        assert f"{criterion} ({level})" in html
    assert "/admin/" in html and "PDF/UA" in html and "/api/docs" in html
    for pages in accessibility.COVERED:
        assert f"<li>{pages}</li>" in html
    assert "axe-core" in html and "320 CSS pixels" in html


def test_without_a_contact_the_statement_points_to_who_runs_the_service(english, settings):
    settings.KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT = ""
    html = english.get("/accessibility/").content.decode()
    assert "mailto:" not in html
    assert "Contact the municipality or organisation that runs this service." in html


def test_it_is_in_norwegian_by_default(client):
    html = client.get("/accessibility/").content.decode()
    assert 'lang="nb"' in html


def test_every_page_links_to_the_statement_in_its_footer(client, english, world):
    for url in ("/accounts/login/", "/accessibility/"):
        assert 'href="/accessibility/"' in client.get(url).content.decode()
    client.force_login(world.eva)
    assert 'href="/accessibility/"' in client.get("/").content.decode()


def test_only_reading_is_allowed(client):
    assert client.post("/accessibility/").status_code == 405
