"""PublicReportMiddleware: a visitor's request for a public report is answered from the whole
response an earlier visitor got, with the same headers, and never once the report changed,
for a signed-in user, in another language or after a withdrawal."""

import pytest
from django.conf import settings
from django.urls import reverse

from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.reports import published as published_module
from kommunekompass.reports.middleware import PublicReportMiddleware
from tests.test_published_reports import published  # noqa: F401 - the fixture

SAME_EACH_TIME = {"date"}


@pytest.fixture(autouse=True)
def remembered_state(monkeypatch):
    # The evaluation's state is remembered for 2 s in production; long enough here that a slow
    # machine cannot make the tests below pass or fail by the clock.
    monkeypatch.setattr(published_module, "STATE_TIMEOUT", 600)


@pytest.fixture(autouse=True)
def door(monkeypatch):
    """Records each response the middleware made from a kept one."""
    made = []
    real = PublicReportMiddleware._answer

    def answer(memo):
        response = real(memo)
        made.append(response)
        return response

    monkeypatch.setattr(PublicReportMiddleware, "_answer", staticmethod(answer))
    return made


def headers(response) -> dict:
    return {k.lower(): v for k, v in response.items() if k.lower() not in SAME_EACH_TIME}


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("name", ["reports:report", "reports:pdf", "reports:xlsx"])
def test_a_later_visitor_gets_the_same_response_without_a_query(
    client,
    published,
    name,
    door,
    django_assert_num_queries,
):
    published_module.store_missing(published.version)  # as the workflow does after its commit
    url = reverse(name, args=[published.evaluation.pk])
    full = client.get(url)
    full_content = content(full)
    assert full.status_code == 200 and door == []
    content(client.get(url))  # the page is kept from the first answer, a file from the second
    with django_assert_num_queries(0):
        kept = client.get(url)
    assert door[-1] is kept and kept.status_code == 200
    assert content(kept) == full_content
    assert headers(kept) == headers(full)
    assert "Content-Security-Policy" in kept and "Permissions-Policy" in kept


def test_a_new_version_or_a_withdrawal_is_seen_at_once(client, published, door):
    w = published
    url = reverse("reports:report", args=[w.evaluation.pk])
    client.get(url)
    assert door == [client.get(url)]
    change_status(w.evaluation, "reopen", w.eva, "Nye intervjuer")
    page = client.get(url)
    assert len(door) == 1
    assert 'class="revision-notice"' in page.content.decode()
    change_status(w.evaluation, "withdraw", w.eva, "Feil kommune")
    assert client.get(url).status_code == 404


def test_signed_in_users_and_other_languages_are_never_given_a_kept_response(
    client,
    published,
    door,
):
    w = published
    url = reverse("reports:report", args=[w.evaluation.pk])
    client.get(url)
    client.get(url)  # kept now, in bokmål
    assert len(door) == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert len(door) == 1 and '<html lang="en">' in english.content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.force_login(w.reader)
    page = client.get(url)
    assert len(door) == 1
    assert "no-store" in page["Cache-Control"]
    assert (w.reader.get_full_name() or w.reader.username) in page.content.decode()


def test_a_query_string_or_a_post_goes_the_whole_way(client, published, door):
    url = reverse("reports:report", args=[published.evaluation.pk])
    client.get(url)
    client.get(url)
    assert len(door) == 1
    client.get(url + "?group=all")
    client.post(url)
    assert len(door) == 1
