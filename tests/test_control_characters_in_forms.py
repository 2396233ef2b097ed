"""Control characters are refused where people type text, with their position: a NUL, vertical
tab, escape, DEL or C1 control in a reason, finding, interview, evidence title, priority,
comment, status note, project plan field, group member, milestone, risk or indicator gets
"Character N is a control character (U+000B); remove it." and nothing is written. Tab and
line ends stay allowed."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kommunekompass.evaluations.forms import (
    AnswerForm,
    CommentForm,
    EvidenceChangeForm,
    FindingForm,
    InterviewForm,
    MunicipalityForm,
    PriorityForm,
    ScoreForm,
    StatusForm,
)
from kommunekompass.evaluations.models import Evidence, Priority, Score
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.forms import (
    DecisionPointForm,
    GroupMemberForm,
    IndicatorForm,
    MilestoneForm,
    ProjectForm,
    RiskForm,
)
from kommunekompass.lib.text import refuse_control_characters


def message(position: int, code: str) -> str:
    return f"Character {position} is a control character ({code}); remove it."


def errors_of(form, field):
    with translation.override("en"):
        assert not form.is_valid()
        return [str(error) for error in form.errors.get(field, [])]


@pytest.mark.parametrize(
    ("value", "position", "code"),
    [
        ("Grunn\x00 her", 6, "U+0000"),
        ("Grunnen er\x0b god", 11, "U+000B"),
        ("\x1b[31mrød", 1, "U+001B"),
        ("slett\x7f", 6, "U+007F"),
        ("a\x85b", 2, "U+0085"),
    ],
)
def test_the_reason_of_a_score_is_refused_with_the_position(world, value, position, code):
    spec = world.framework.spec.question("1.1.1")
    form = ScoreForm({"reason": value, "version": 0}, question_spec=spec)
    assert errors_of(form, "reason") == [message(position, code)]


def test_tabs_and_line_ends_are_text(world):
    spec = world.framework.spec.question("1.1.1")
    form = ScoreForm({"reason": "a\tb\r\nc", "version": 0}, question_spec=spec)
    assert form.is_valid(), form.errors


def test_the_validator_names_the_first_control_character():
    with pytest.raises(Exception) as caught:
        refuse_control_characters("ab\x0bc\x00")
    with translation.override("en"):
        assert caught.value.messages == [message(3, "U+000B")]
    refuse_control_characters("plain")
    refuse_control_characters(None)


BAD = "Tekst med\x0b tab"  # the vertical tab is character 10


def evaluation_forms(world):
    area = FocusArea.objects.get(framework=world.framework, code="8")
    evidence = Evidence.objects.create(evaluation=world.draft, title="Plan", url="https://a.no")
    return [
        (FindingForm({"kind": "weakness", "text": BAD}, focus_area=area), "text"),
        (PriorityForm({"text": BAD}, evaluation=world.draft), "text"),
        (CommentForm({"text": BAD}), "text"),
        (AnswerForm({"answer": BAD}), "answer"),
        (StatusForm({"action": "withdraw", "note": BAD}), "note"),
        (
            InterviewForm(
                {"role": "mayor", "participants": BAD, "notes": "ok"}, evaluation=world.draft
            ),
            "participants",
        ),
        (InterviewForm({"role": "mayor", "notes": BAD}, evaluation=world.draft), "notes"),
        (EvidenceChangeForm({"title": BAD}, evidence=evidence), "title"),
        (
            MunicipalityForm({"name": BAD, "number": "9999", "country": "NO"}),
            "name",
        ),
    ]


def test_every_text_field_of_the_evaluation_forms_refuses_control_characters(world):
    for form, field in evaluation_forms(world):
        assert message(10, "U+000B") in errors_of(form, field), (type(form).__name__, field)


def test_every_text_field_of_the_improvement_forms_refuses_control_characters(programme):
    w = programme
    cases = [
        (ProjectForm({"title": BAD, "status": "planned"}, municipality=w.fjordvik), "title"),
        (
            ProjectForm({"title": "Prosjekt", "goal": BAD}, municipality=w.fjordvik),
            "goal",
        ),
        (
            ProjectForm({"title": "Prosjekt", "main_activities": BAD}, municipality=w.fjordvik),
            "main_activities",
        ),
        (
            GroupMemberForm({"group": "project", "name": BAD, "party": "management"}),
            "name",
        ),
        (DecisionPointForm({"number": 1, "decision": BAD}), "decision"),
        (MilestoneForm({"number": "MP2", "milestone": "Ferdig", "measurable_result": BAD}), None),
        (RiskForm({"factor": BAD, "likelihood": 3, "impact": 3}), "factor"),
        (IndicatorForm({"kind": "custom", "name": BAD}), "name"),
    ]
    for form, field in cases:
        field = field or "measurable_result"
        assert message(10, "U+000B") in errors_of(form, field), (type(form).__name__, field)


def test_a_reason_with_a_control_character_is_not_saved(client, world):
    w = world
    client.force_login(w.eva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the user's own choice of language
    response = client.post(
        reverse("evaluations:save_question", args=[w.draft.pk, "1.1.1"]),
        {
            "level_system": "2",
            "level_scope": "2",
            "level_result": "2",
            "reason": "God\x1b praksis",
            "version": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "Character 4 is a control character (U+001B); remove it." in response.content.decode()
    assert not Score.objects.filter(evaluation=w.draft).exists()


def test_a_priority_with_a_nul_is_not_saved(client, world):
    w = world
    client.force_login(w.eva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("evaluations:way_forward", args=[w.draft.pk]),
        {"text": "Nærvær\x00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "Character 7 is a control character (U+0000); remove it." in response.content.decode()
    assert not Priority.objects.filter(evaluation=w.draft).exists()
