"""The survey pages: what they do, and who may not. Owners (coordinators, project leaders,
site administrators) build and run surveys; everyone who reads the programme reads results;
other municipalities get 404, readers 403 on the owner's pages; respondents only the form."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation

from kommunekompass.surveys.models import Answer, Period, Response, Statement, Survey, Unit
from tests.surveys.conftest import answer

EDITORS = {"admin", "coordinator", "leader"}
READERS = EDITORS | {"steering", "reader"}
EVERYONE = [
    "admin",
    "coordinator",
    "leader",
    "steering",
    "reader",
    "eva",
    "outsider",
    "nordhei_coordinator",
]


def pages(w):
    s, m = w.survey.pk, w.fjordvik.pk
    return [
        (reverse("surveys:list", args=[m]), READERS),
        (reverse("surveys:create", args=[m]), EDITORS),
        (reverse("surveys:detail", args=[s]), EDITORS),
        (reverse("surveys:results", args=[s]), READERS),
        (reverse("surveys:results_xlsx", args=[s]), READERS),
    ]


def test_every_page_for_every_role(surveyed, client_factory, client):
    w = surveyed
    for url, allowed in pages(w):
        assert client.get(url).status_code == 302, url  # anonymous: to the login
        for name in EVERYONE:
            code = client_factory(getattr(w, name)).get(url).status_code
            if name in allowed:
                assert code == 200, (url, name)
            elif name in READERS:
                assert code == 403, (url, name)
            else:
                assert code == 404, (url, name)


def test_only_owners_change_a_survey(surveyed, client_factory, client):
    w = surveyed
    s = w.survey.pk
    posts = [
        (reverse("surveys:unit_add", args=[s]), {"name": "Ny"}),
        (reverse("surveys:statement_add", args=[s]), {"kind": "scale", "text_nb": "Ny"}),
        (reverse("surveys:settings", args=[s]), {"title": "Ny", "language": "nb", "threshold": 3}),
        (reverse("surveys:period_close", args=[s, w.period.pk]), {}),
        (reverse("surveys:invite", args=[s]), {"emails": "ida@example.org"}),
        (reverse("surveys:remind", args=[s]), {}),
        (reverse("surveys:create", args=[w.fjordvik.pk]), {"title": "Ny", "audience": "staff"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 302  # anonymous: to the login
        for name, code in [
            ("reader", 403),
            ("steering", 403),
            ("nordhei_coordinator", 404),
            ("outsider", 404),
            ("eva", 404),
        ]:
            assert client_factory(getattr(w, name)).post(url, data).status_code == code, (url, name)
    assert not Unit.objects.filter(name="Ny").exists()
    assert not Statement.objects.filter(texts__nb="Ny").exists()
    assert Survey.objects.get().title == "Hjemmetjenesten 2026"
    assert Period.objects.get(pk=w.period.pk).closed_on is None
    assert not w.survey.invitations.exists() and len(mail.outbox) == 0


def test_a_coordinator_builds_a_staff_survey(world, client_factory):
    w = world
    client = client_factory(w.coordinator)
    response = client.post(
        reverse("surveys:create", args=[w.fjordvik.pk]),
        {
            "template": "staff",
            "title": "",
            "audience": "staff",
            "language": "nn",
            "threshold": "6",
            "units": "Skolen\nBarnehagen\nSkolen",
            "groups": "Fast ansatt\nVikar\n",
        },
    )
    survey = Survey.objects.get()
    assert response.url == reverse("surveys:detail", args=[survey.pk])
    assert survey.title == "Arbeidsmiljø og nærvær" and not survey.asks_expectation
    assert survey.threshold == 6 and survey.created_by == w.coordinator
    assert survey.groups == ["Fast ansatt", "Vikar"]
    assert sorted(survey.units.values_list("name", flat=True)) == ["Barnehagen", "Skolen"]
    assert survey.statements.count() == 6
    detail = reverse("surveys:detail", args=[survey.pk])
    client.post(
        reverse("surveys:statement_add", args=[survey.pk]),
        {"kind": "scale", "text_nn": "Eg får nok opplæring."},
    )
    assert survey.statements.last().texts == {"nn": "Eg får nok opplæring."}
    client.post(
        reverse("surveys:period_open", args=[survey.pk]),
        {"name": "Vår", "starts": "2026-01-01", "ends": "2026-06-30"},
    )
    period = survey.periods.get()
    assert (period.starts, period.ends) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    # A second open period is refused, naming why.
    refused = client.post(
        reverse("surveys:period_open", args=[survey.pk]),
        {"name": "Høst", "starts": "2026-08-01", "ends": "2026-12-31"},
    )
    assert refused.status_code == 422 and survey.periods.count() == 1
    # Bad input: a threshold below 3 is refused by the settings form.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = client.post(
        reverse("surveys:settings", args=[survey.pk]),
        {"title": "X", "language": "nn", "threshold": "2"},
    )
    assert bad.status_code == 422 and Survey.objects.get().threshold == 6
    page = client.get(detail)
    assert survey.open_token in page.content.decode() and "<svg" in page.content.decode()


def test_a_respondent_answers_in_swedish_without_an_account(surveyed, client):
    w = surveyed
    url = reverse("surveys:respond_open", args=[w.survey.open_token])
    page = client.get(url + "?lang=sv")
    text = page.content.decode()
    assert page.status_code == 200 and 'lang="sv"' in text
    assert "Jag blir bemött med respekt." in text
    first, free = w.survey.statements.first(), w.survey.statements.get(kind="text")
    response = client.post(
        url + "?lang=sv",
        {"unit": w.nursing.pk, f"f{first.pk}": "6", f"o{first.pk}": "3", f"t{free.pk}": "Bra"},
    )
    assert response.status_code == 302 and "lang=sv" in response.url
    stored = Response.objects.get()
    assert stored.unit == w.nursing
    assert set(Answer.objects.values_list("expectation", "experience", "text")) == {
        (None, None, "Bra"),
        (6, 3, ""),
    }
    # Half a pair cannot count in K and is not kept; a value off the scale is refused.
    second = w.survey.statements.get(number=2)
    client.post(url, {"unit": w.home.pk, f"f{second.pk}": "5"})
    assert Response.objects.count() == 2 and Answer.objects.count() == 2
    assert client.post(url, {"unit": w.home.pk, f"o{second.pk}": "9"}).status_code == 422


def test_no_open_period_no_answers(surveyed, client):
    w = surveyed
    Period.objects.update(closed_on=datetime.date(2026, 12, 1))
    url = reverse("surveys:respond_open", args=[w.survey.open_token])
    assert "unit" not in client.get(url).content.decode()
    client.post(url, {"unit": w.home.pk})
    assert Response.objects.count() == 0
    assert client.get(reverse("surveys:respond_open", args=["nothing"])).status_code == 404


def test_the_results_page_keeps_its_queries_as_answers_grow(
    surveyed, client_factory, django_assert_max_num_queries
):
    w = surveyed
    client = client_factory(w.reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("surveys:results", args=[w.survey.pk])
    pairs = [(5, 4)] * 5
    for _ in range(5):
        answer(w.survey, w.period, w.home, pairs, text="Fint")
    with django_assert_max_num_queries(14) as few:
        page = client.get(url)
    assert "0.80" in page.content.decode()  # K = 4 / 5
    for _ in range(40):
        answer(w.survey, w.period, w.nursing, pairs, text="Fint")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_export_downloads(surveyed, client_factory, language):
    w = surveyed
    client = client_factory(w.steering)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("surveys:results_xlsx", args=[w.survey.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Statement.objects.count() == 6


def test_the_command_writes_the_results_workbook(surveyed, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    w = surveyed
    for _ in range(5):
        answer(w.survey, w.period, w.home, [(5, 4)])
    target = tmp_path / "results.xlsx"
    out = io.StringIO()
    call_command(
        "survey-results", str(w.survey.pk), "--format", "xlsx", "-o", str(target), stdout=out
    )
    assert f"Resultatene av {w.survey} er skrevet til {target}." in out.getvalue()  # bokmål
    with translation.override("sv"), pytest.raises(CommandError, match="Det finns ingen enkät 0"):
        call_command("survey-results", "0", "-o", str(target))
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "Høst 2026"
    assert rows[1][2:7] == ("Jeg blir møtt med respekt.", 5, 4, 5, 0.8)


def test_the_survey_page_keeps_its_queries(surveyed, client_factory, django_assert_max_num_queries):
    w = surveyed
    client = client_factory(w.coordinator)
    url = reverse("surveys:detail", args=[w.survey.pk])
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        answer(w.survey, w.period, w.home, [(5, 4)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
