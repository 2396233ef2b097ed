"""Snapshot format 2 keeps the framework's texts by reference; format 1 holds a copy. The same
report in either format reads back to the same report and renders the same everywhere."""

import io
import json

import pytest
from openpyxl import load_workbook

from kommunekompass.evaluations.models import Finding, Priority, Score
from kommunekompass.frameworks.models import FocusArea, Framework, Question
from kommunekompass.reports import published, snapshot
from kommunekompass.reports.data import build_report, report_from_data, report_to_data
from kommunekompass.reports.frozen import UnknownSnapshotFormat
from kommunekompass.reports.render import render_body, render_html
from kommunekompass.reports.spreadsheet import render_xlsx
from kommunekompass.reports.texts import SnapshotFrameworkError


def through_json(data: dict) -> dict:
    return json.loads(json.dumps(data))


def scored(evaluation, level: int, count: int = 40) -> None:
    spec = evaluation.framework.spec
    Score.objects.filter(evaluation=evaluation).delete()
    questions = {q.code: q for q in evaluation.framework.questions.all()}
    Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            question=questions[q.code],
            levels={d.code: level for d in q.scheme.dimensions},
            reason=f"Grunn {q.code}",
        )
        for q in spec.questions[:count]
    )


@pytest.fixture
def report(world):
    evaluation = world.draft
    scored(evaluation, 2)
    area = FocusArea.objects.get(framework=world.framework, code="2")
    finding = Finding.objects.create(
        evaluation=evaluation, focus_area=area, kind="challenge", text="Svak brukerdialog"
    )
    finding.questions.add(Question.objects.get(framework=world.framework, code="2.1.1"))
    Priority.objects.create(evaluation=evaluation, text="Bedre brukerdialog", position=1)
    return build_report(evaluation)


def both_formats(report) -> tuple[dict, dict]:
    return (
        through_json(report_to_data(report, snapshot_format=1)),
        through_json(report_to_data(report, snapshot_format=2)),
    )


def sheets(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_both_formats_read_back_to_the_same_report(report):
    old, new = both_formats(report)
    assert (old["format"], new["format"]) == (1, 2)
    assert report_from_data(old) == report_from_data(new) == report


def test_both_formats_render_the_same_page_pdf_and_workbook(report, world):
    old, new = both_formats(report)
    version = world.published.versions.get()
    for kept in (None, version):
        assert render_body(report_from_data(old), version=kept) == render_body(
            report_from_data(new), version=kept
        )
        assert render_html(report_from_data(old), standalone=True, version=kept) == render_html(
            report_from_data(new), standalone=True, version=kept
        )
        assert sheets(render_xlsx(report_from_data(old), version=kept)) == sheets(
            render_xlsx(report_from_data(new), version=kept)
        )
    assert render_body(report_from_data(new)) == render_body(report)


def test_both_formats_compare_with_today_the_same(report, world):
    old, new = both_formats(report)
    scored(world.draft, 3)
    today = build_report(world.draft)
    rows = published.comparison_rows(report_from_data(new), today)
    assert rows == published.comparison_rows(report_from_data(old), today)
    assert any(row.changed for row in rows)


def test_changes_are_the_same_whatever_the_formats(report, world):
    before_old, before_new = both_formats(report)
    scored(world.draft, 3)
    area = FocusArea.objects.get(framework=world.framework, code="1")
    Finding.objects.create(evaluation=world.draft, focus_area=area, kind="strength", text="Ny")
    after_old, after_new = both_formats(build_report(world.draft))
    found = snapshot.changes(before_old, after_old)
    assert [c["code"] for c in found][:2] == ["total", "area"]
    assert snapshot.changes(before_new, after_new) == found
    # A version of format 1 followed by one of format 2, as after the change of format.
    assert snapshot.changes(before_old, after_new) == found
    assert snapshot.changes(before_new, after_old) == found


def test_format_2_is_much_smaller(report):
    old, new = both_formats(report)
    assert len(json.dumps(new)) * 2 < len(json.dumps(old))


def test_format_2_reads_its_texts_with_one_query(report, django_assert_num_queries):
    new = both_formats(report)[1]
    report_from_data(new)  # the texts are made once
    with django_assert_num_queries(1):
        report_from_data(new)


def test_a_framework_with_another_checksum_is_refused(report, world):
    old, new = both_formats(report)
    Framework.objects.filter(pk=world.framework.pk).update(checksum="0" * 64)
    with pytest.raises(SnapshotFrameworkError, match="checksum"):
        report_from_data(new)
    assert report_from_data(old) == report  # format 1 needs nothing from the framework


def test_a_missing_framework_version_is_refused(report):
    new = both_formats(report)[1]
    new["framework"]["version"] = "no-such-version"
    with pytest.raises(SnapshotFrameworkError, match="not loaded"):
        report_from_data(new)


def test_an_unknown_format_is_refused(report):
    new = both_formats(report)[1]
    with pytest.raises(UnknownSnapshotFormat):
        report_from_data({**new, "format": 3})
    with pytest.raises(UnknownSnapshotFormat):
        report_to_data(report, snapshot_format=3)
