"""Anonymity by design: nothing that names a respondent is stored with an answer, results and
free texts only from the threshold on, reminders only to those who have not answered."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from kommunekompass.surveys import services
from kommunekompass.surveys.exports import results_workbook
from kommunekompass.surveys.models import Answer, Invitation, Response, Survey
from kommunekompass.surveys.results import results_of
from tests.surveys.conftest import answer

LINK = re.compile(r"/surveys/answer/invited/[\w-]+/")
GOOD = [(5, 4), (5, 5), (4, 4), (6, 5), (5, 5)]


def test_a_response_holds_no_identity_and_no_time_of_day():
    fields = {f.name: f for f in Response._meta.get_fields()}
    assert set(fields) == {"id", "survey", "period", "unit", "group", "answered_on", "answers"}
    assert fields["answered_on"].get_internal_type() == "DateField"
    answer_fields = {f.name for f in Answer._meta.get_fields()}
    assert answer_fields == {"id", "response", "statement", "expectation", "experience", "text"}
    # No model of the app points from an invitation to a response or back.
    assert not any(f.related_model is Response for f in Invitation._meta.get_fields())


def test_answering_by_a_one_time_link_erases_the_address(surveyed, client):
    w = surveyed
    services.invite(w.coordinator, w.survey, w.period, ["ida@example.org", "ola@example.org"])
    link = re.search(r"/surveys/answer/invited/[\w-]+/", mail.outbox[0].body).group()
    statements = list(w.survey.statements.all())
    data = {"unit": w.home.pk, f"f{statements[0].pk}": "5", f"o{statements[0].pk}": "4"}
    response = client.post(link, data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    row = Response.objects.values().get()
    assert set(row) == {"id", "survey_id", "period_id", "unit_id", "group", "answered_on"}
    assert isinstance(row["answered_on"], datetime.date)
    assert "10.1.2.3" not in str(row)
    answered = Invitation.objects.get(answered=True)
    assert answered.email == ""
    assert Invitation.objects.filter(answered=False, email="ola@example.org").count() == 1
    # One answer per link.
    assert client.post(link, data).status_code == 404
    assert Response.objects.count() == 1


def test_reminders_go_only_to_those_who_have_not_answered(surveyed, client):
    w = surveyed
    sent = services.invite(
        w.coordinator, w.survey, w.period, ["ida@example.org", "ola@example.org", "kari@ex.org"]
    )
    assert sent == 3
    links = {
        m.to[0]: re.search(r"/surveys/answer/invited/[\w-]+/", m.body).group() for m in mail.outbox
    }
    client.post(links["ida@example.org"], {"unit": w.home.pk})
    mail.outbox.clear()
    assert services.remind(w.coordinator, w.survey, w.period) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["kari@ex.org", "ola@example.org"]
    # The reminder's link replaces the first one.
    assert client.get(links["ola@example.org"]).status_code == 404
    new_link = re.search(r"/surveys/answer/invited/[\w-]+/", mail.outbox[0].body).group()
    assert client.get(new_link).status_code == 200
    # Inviting the same address again sends nothing.
    mail.outbox.clear()
    assert services.invite(w.coordinator, w.survey, w.period, ["OLA@example.org"]) == 0


def test_a_bad_address_is_named_and_nothing_is_sent(surveyed):
    w = surveyed
    with pytest.raises(Exception) as error:
        services.invite(w.coordinator, w.survey, w.period, ["ida@example.org", "not-an-address"])
    assert "Linje 2: not-an-address" in str(error.value.message_dict["emails"])  # bokmål
    assert len(mail.outbox) == 0 and Invitation.objects.count() == 0


def test_results_appear_only_from_the_threshold(surveyed):
    w = surveyed
    for _ in range(4):
        answer(w.survey, w.period, w.home, GOOD, text="Hyggelige folk")
    answer(w.survey, w.period, w.nursing, GOOD, text="Maten er kald")
    results = results_of(w.survey)
    home = results.by_unit[0]
    assert home.unit == w.home and home.respondents == [4]
    assert all(line.cells[0].figures is None for line in home.lines)
    # All units together: five respondents, at the threshold.
    assert results.totals[0].respondents == 5 and results.totals[0].figures is not None
    assert {text for _q, text in results.texts[0][1]} == {"Hyggelige folk", "Maten er kald"}
    # The owner withholds the free texts.
    services.change_survey(w.coordinator, w.survey, withhold_free_text=True)
    assert results_of(w.survey).texts == []


def test_free_texts_are_not_shown_below_the_threshold(surveyed):
    w = surveyed
    for _ in range(4):
        answer(w.survey, w.period, w.home, GOOD, text="Hei")
    assert results_of(w.survey).texts == []


def test_the_threshold_is_never_below_three_in_the_database(surveyed):
    w = surveyed
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=w.survey.pk).update(threshold=2)


def test_the_export_obeys_the_threshold(surveyed):
    w = surveyed
    for _ in range(4):
        answer(w.survey, w.period, w.home, GOOD, text="Hemmelig")
    workbook = load_workbook(io.BytesIO(results_workbook(w.survey, "en")))
    values = [c.value for row in workbook["Results"].iter_rows() for c in row]
    assert "Fewer than 5 respondents" in values
    assert not any(isinstance(v, float) for v in values)
    assert "Free texts" not in workbook.sheetnames
    assert "Hemmelig" not in values


def test_the_open_link_is_protected_against_floods(surveyed, client, settings, monkeypatch):
    w = surveyed
    monkeypatch.setattr("kommunekompass.surveys.respond.ANSWERS_PER_HOUR", "3")
    url = reverse("surveys:respond_open", args=[w.survey.open_token])
    codes = [client.post(url, {"unit": w.home.pk}).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3


def test_background_groups_follow_the_threshold_too(surveyed, client):
    w = surveyed
    services.change_survey(w.coordinator, w.survey, groups=["Under 67", " 67 eller eldre ", ""])
    assert w.survey.groups == ["Under 67", "67 eller eldre"]
    statements = list(w.survey.statements.all())
    for _ in range(3):
        services.submit_response(
            w.survey, w.period, w.home, [services.Given(statements[0], 5, 4)], group="Under 67"
        )
    url = reverse("surveys:respond_open", args=[w.survey.open_token])
    for _ in range(5):
        data = {"unit": w.nursing.pk, "group": "67 eller eldre"}
        data.update({f"f{statements[0].pk}": "6", f"o{statements[0].pk}": "6"})
        assert client.post(url, data).status_code == 302
    assert client.post(url, {"unit": w.home.pk, "group": "Barn"}).status_code == 422
    young, old = results_of(w.survey).by_group
    assert (young.name, young.respondents) == ("Under 67", [3])
    assert all(line.cells[0].figures is None for line in young.lines)
    assert (old.name, old.respondents) == ("67 eller eldre", [5])
    assert old.lines[-1].cells[0].figures.quality == 1.0
