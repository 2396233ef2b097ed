"""The snapshot of a published version: equal to the live report at publication, exact, and
rendered from the data alone exactly like the live report; changes between versions as data."""

import io
import json
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kommunekompass.evaluations.models import Evaluation, Finding, Priority, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import FocusArea, Question
from kommunekompass.reports import snapshot
from kommunekompass.reports.data import build_report, report_from_data, report_to_data
from kommunekompass.reports.render import render_body
from kommunekompass.reports.spreadsheet import render_xlsx
from kommunekompass.scoring.engine import QuestionResult, Result, find, walk
from tests.factories import make_user


def publish(evaluation, first, second, note=""):
    """Through the workflow: one evaluator sends to review, another publishes."""
    change_status(evaluation, "submit", first)
    change_status(evaluation, "publish", second, note, confirm_missing=True)
    evaluation.refresh_from_db()
    return evaluation.versions.get(number=evaluation.published_version)


@pytest.fixture
def team(world):
    world.second = make_user("second", evaluator=True)
    world.nordhei_draft.evaluators.add(world.otto, world.second)
    world.draft.evaluators.add(world.second)
    return world


def add_scores(evaluation, levels_by_code: dict) -> None:
    questions = {q.code: q for q in evaluation.framework.questions.all()}
    Score.objects.bulk_create(
        Score(
            evaluation=evaluation, question=questions[code], levels=levels, reason=f"Grunn {code}"
        )
        for code, levels in levels_by_code.items()
    )


def stored(version) -> dict:
    """The version's data as the database gives it back (through JSON)."""
    version.refresh_from_db()
    return version.data


def levels_strategy(spec):
    questions = list(spec.questions)

    @st.composite
    def levels(draw):
        chosen = draw(
            st.lists(
                st.sampled_from(questions), unique_by=lambda q: q.code, max_size=len(questions)
            )
        )
        return {
            q.code: {d.code: draw(st.sampled_from(sorted(d.values))) for d in q.scheme.dimensions}
            for q in chosen
        }

    return levels()


def same_figures(frozen: Result, live: Result) -> None:
    for node in walk(live):
        other = find(frozen, node.code)
        assert isinstance(other, Result)
        assert (other.points, other.max_points, other.missing, other.question_count) == (
            node.points,
            node.max_points,
            node.missing,
            node.question_count,
        )
        for child in node.children:
            if isinstance(child, QuestionResult):
                assert find(frozen, child.code) == child


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_snapshot_equals_the_live_computation_at_publication(team, data):
    evaluation = team.nordhei_draft
    levels = data.draw(levels_strategy(evaluation.framework.spec))
    with transaction.atomic():
        add_scores(evaluation, levels)
        version = publish(evaluation, team.otto, team.second)
        frozen = stored(version)
        live = report_to_data(build_report(Evaluation.objects.get(pk=evaluation.pk)))
        assert frozen == live
        assert frozen["format"] == 2
        result = evaluation_result(evaluation)
        assert frozen["complete"] == result.complete == version.complete
        assert Fraction(frozen["total"]) == result.points
        rebuilt = report_from_data(frozen)
        same_figures(rebuilt.result, result)
        assert report_to_data(rebuilt) == frozen
        assert json.loads(json.dumps(frozen)) == frozen
        transaction.set_rollback(True)


def test_a_report_from_its_data_renders_exactly_like_the_live_report(team):
    evaluation = team.draft
    spec = evaluation.framework.spec
    add_scores(
        evaluation,
        {q.code: {d.code: 2 for d in q.scheme.dimensions} for q in spec.questions[:40]},
    )
    area = FocusArea.objects.get(framework=team.framework, code="2")
    finding = Finding.objects.create(
        evaluation=evaluation, focus_area=area, kind="challenge", text="Svak brukerdialog"
    )
    finding.questions.add(Question.objects.get(framework=team.framework, code="2.1.1"))
    Priority.objects.create(evaluation=evaluation, text="Bedre brukerdialog", position=1)
    live = build_report(evaluation)
    frozen = report_from_data(json.loads(json.dumps(report_to_data(live))))
    assert render_body(frozen) == render_body(live)
    assert render_xlsx(frozen) != b""
    for report in (live, frozen):
        workbook = load_workbook(io.BytesIO(render_xlsx(report)))
        findings = list(workbook["Funn"].iter_rows(min_row=2, values_only=True))
        assert findings == [("2", "Utfordringer", 1, "Svak brukerdialog", "2.1.1")]


def test_framework_texts_are_kept_by_reference_in_the_snapshot(team):
    evaluation = team.draft
    data = report_to_data(build_report(evaluation))
    assert data["format"] == 2
    assert data["framework"] == {
        "key": "kommunekompass",
        "version": evaluation.framework.version,
        "checksum": evaluation.framework.checksum,
    }
    spec = evaluation.framework.spec
    assert [area["area"] for area in data["areas"]] == [area.code for area in spec.areas]
    assert "subareas" not in data["areas"][0]
    question = data["questions"][0]
    assert set(question) == {"code", "reason", "levels"}
    # No model objects anywhere: the data is plain JSON.
    assert json.loads(json.dumps(data)) == data


def test_format_1_keeps_a_copy_of_the_framework_texts(team):
    evaluation = team.draft
    data = report_to_data(build_report(evaluation), snapshot_format=1)
    assert data["format"] == 1
    assert data["framework"]["checksum"] == evaluation.framework.checksum
    assert data["areas"][0]["area"]["name"]["nb"] == evaluation.framework.spec.areas[0].name["nb"]
    question = data["questions"][0]
    assert question["text"]["nb"] and question["dimensions"][0]["name"]["nb"]
    assert question["dimensions"][0]["levels"]  # the level labels
    assert json.loads(json.dumps(data)) == data


def test_the_workbook_adds_up_and_holds_exact_figures(team):
    evaluation = team.draft
    spec = evaluation.framework.spec
    # Thirds: rounded figures would not add up.
    add_scores(
        evaluation,
        {q.code: {d.code: 1 for d in q.scheme.dimensions} for q in spec.questions[:-3]},
    )
    report = build_report(evaluation)
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    areas = {r[0]: r for r in workbook["Fokusområder"].iter_rows(min_row=2, values_only=True)}
    subareas = list(workbook["Delområder"].iter_rows(min_row=2, values_only=True))
    questions = list(workbook["Spørsmål"].iter_rows(min_row=2, values_only=True))
    result = report.result
    for area in spec.areas:
        exact = find(result, area.code).points
        assert areas[area.code][2] == pytest.approx(float(exact), rel=1e-15, abs=1e-12)
        total = sum(r[3] for r in subareas if r[0] == area.code and r[3] != "–")
        assert total == pytest.approx(areas[area.code][2], rel=1e-12)
    for row in subareas:
        node = find(result, row[1])
        if len(node.missing) == node.question_count:
            assert row[3] == "–"  # nothing scored: a dash, not 0
            continue
        exact = node.points
        assert row[3] == pytest.approx(float(exact), rel=1e-15, abs=1e-12)
        if exact.denominator % 3 == 0:  # a third can only be held exactly, never rounded
            assert row[3] != round(row[3], 1)
    area_sum = sum(r[2] for code, r in areas.items() if code)
    total_row = areas[None]
    assert total_row[2] == pytest.approx(area_sum, rel=1e-12)
    assert "Ufullstendig" in total_row[1] or "Incomplete" in total_row[1]
    scored = [r for r in questions if r[-3] != "–"]
    assert len(scored) == 72 and len(questions) == 75
    assert {r[-3] for r in questions if r[0] in {q.code for q in spec.questions[-3:]}} == {"–"}
    sheet = workbook["Delområder"]
    assert sheet["D2"].number_format == "0.0"
    assert workbook["Fokusområder"]["C2"].number_format == "0"


def test_an_area_with_nothing_scored_shows_a_dash_never_zero(team):
    evaluation = team.draft
    spec = evaluation.framework.spec
    first_area = spec.areas[0]
    add_scores(
        evaluation,
        {
            q.code: {d.code: 2 for d in q.scheme.dimensions}
            for q in spec.questions
            if spec.area_of_question(q.code).code != first_area.code
        },
    )
    report = build_report(evaluation)
    body = render_body(report)
    assert "incomplete-badge" in body
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    row = next(workbook["Fokusområder"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert row[0] == first_area.code and row[2] == "–"
    subarea = next(workbook["Delområder"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert subarea[3] == "–"


def test_changes_between_versions_are_data_and_read_as_sentences(team):
    evaluation = team.draft
    spec = evaluation.framework.spec
    add_scores(
        evaluation,
        {spec.questions[0].code: {d.code: 2 for d in spec.questions[0].scheme.dimensions}},
    )
    before = report_to_data(build_report(evaluation))
    Score.objects.filter(evaluation=evaluation).update(
        levels={d.code: 3 for d in spec.questions[0].scheme.dimensions}
    )
    area = FocusArea.objects.get(framework=team.framework, code="1")
    Finding.objects.create(
        evaluation=evaluation, focus_area=area, kind="strength", text="Ny styrke"
    )
    Priority.objects.create(evaluation=evaluation, text="Nytt mål")
    evaluation.revision += 1
    evaluation.save()
    after = report_to_data(build_report(evaluation))
    found = snapshot.changes(before, after)
    codes = [c["code"] for c in found]
    assert codes == ["total", "area", "finding_added", "way_forward"]
    assert json.loads(json.dumps(found)) == found
    sentences = [snapshot.describe_change(c, "nb") for c in found]
    assert sentences[0].startswith("Total points") or sentences[0].startswith("Poeng")
    assert "Ny styrke" in sentences[2]
    assert snapshot.changes(after, after) == []
    removed = snapshot.changes(after, before)
    assert "finding_removed" in [c["code"] for c in removed]
