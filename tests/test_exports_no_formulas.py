"""Every workbook the app writes stores what people typed as text: a reason, finding, name or
title that begins with "=", "+", "-" or "@" is never a formula, and is kept exactly. Numbers
stay numbers. Walks the live report workbook of a draft, the stored workbook of a published
version, and the improvement programme's status workbook.

Older data may hold control characters a workbook cannot carry; they are written visibly as
[U+000B] and the download still answers."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kommunekompass.evaluations.models import Evaluation, Finding, Interview, Priority, Score
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.exports import programme_xlsx
from kommunekompass.improvement.models import (
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
)
from kommunekompass.lib.xlsx import visible_controls
from tests.factories import make_user
from tests.test_snapshot import add_scores, publish

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
TODAY = datetime.date(2026, 11, 22)


def hostile(index: int, what: str = "") -> str:
    """A formula-looking text; `what` makes it unique where several fields share a sheet."""
    text = HOSTILE[index % len(HOSTILE)]
    return f"{text} {what}" if what else text


@pytest.fixture
def typed(world, settings, tmp_path):
    """Fjordvik's draft 2026 with every text people type in it that a workbook shows made
    hostile: the municipality's name, the evaluators' names, reasons, findings, priorities,
    interview participants, and a programme with hostile projects, milestones, indicators and
    group members."""
    settings.MEDIA_ROOT = tmp_path
    w = world
    w.second = make_user("second", evaluator=True)
    w.draft.evaluators.add(w.second)
    w.texts = {}
    w.fjordvik.name = hostile(0, "kommune")
    w.fjordvik.save(update_fields=["name"])
    w.eva.first_name = hostile(1, "Eva")
    w.eva.save(update_fields=["first_name"])
    questions = w.framework.spec.questions
    add_scores(w.draft, {q.code: {d.code: 2 for d in q.scheme.dimensions} for q in questions})
    for index, score in enumerate(Score.objects.filter(evaluation=w.draft).order_by("pk")[:8]):
        score.reason = hostile(index)
        score.save(update_fields=["reason"])
    w.reasons = [hostile(i) for i in range(8)]
    area = FocusArea.objects.get(framework=w.framework, code="8")
    w.findings = [hostile(i, f"finding {i}") for i in range(4)]
    for index, text in enumerate(w.findings):
        kind = ("strength", "challenge", "weakness", "weakness")[index]
        Finding.objects.create(evaluation=w.draft, focus_area=area, kind=kind, text=text)
    Priority.objects.create(evaluation=w.draft, text=hostile(2, "priority"), position=1)
    Interview.objects.create(
        evaluation=w.draft, role="mayor", participants=hostile(3, "participants")
    )

    programme = Programme.objects.create(municipality=w.fjordvik)
    w.project = Project.objects.create(
        programme=programme,
        title=hostile(0, "project"),
        status="running",
        evaluation=w.published,
        project_leader=hostile(1, "leader"),
        unit=hostile(2, "unit"),
        background=hostile(3, "background"),
    )
    Milestone.objects.create(
        project=w.project,
        number="MP1",
        milestone=hostile(0, "milestone"),
        measurable_result=hostile(1, "result"),
        date=TODAY,
    )
    indicator = Indicator.objects.create(
        project=w.project,
        kind="custom",
        name=hostile(2, "indicator"),
        unit=hostile(3, "unit"),
        baseline=Decimal("7.8"),
        target=Decimal("6.5"),
    )
    Measurement.objects.create(
        indicator=indicator, period_end=datetime.date(2026, 9, 30), value=Decimal("7.4")
    )
    GroupMember.objects.create(
        programme=programme,
        group="project",
        name=hostile(0, "member"),
        title=hostile(1, "title"),
        party="management",
        function="project_leader",
    )
    w.programme = programme
    w.programme_texts = [
        hostile(0, "project"),
        hostile(1, "leader"),
        hostile(2, "unit"),
        hostile(0, "milestone"),
        hostile(1, "result"),
        hostile(2, "indicator"),
        hostile(3, "unit"),
        hostile(0, "member"),
        hostile(1, "title"),
    ]
    return w


def cells(content: bytes):
    """Every cell of every sheet, as openpyxl reads it back."""
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_no_formulas(content: bytes) -> list:
    """No cell is a formula, in openpyxl's reading and in the sheets' XML; returns the values."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    values = []
    for cell in cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        values.append(cell.value)
    return values


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_report_texts(values, w) -> None:
    for text in [*w.reasons, *w.findings, hostile(0, "kommune")]:
        assert text in values, text
    assert any(isinstance(v, str) and hostile(1, "Eva") in v for v in values)  # evaluators
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert 800 in numbers and 2026 in numbers  # the maximum and the year stay numbers


def test_the_live_report_workbook_keeps_every_text_as_text(client, typed):
    w = typed
    client.force_login(w.eva)
    values = assert_no_formulas(download(client, reverse("reports:xlsx", args=[w.draft.pk])))
    assert_report_texts(values, w)


def test_the_published_versions_stored_workbook_keeps_every_text_as_text(
    client, typed, django_capture_on_commit_callbacks
):
    w = typed
    with django_capture_on_commit_callbacks(execute=True):
        version = publish(w.draft, w.eva, w.second)
    version.refresh_from_db()
    assert version.xlsx, "the workflow stores the files when it publishes"
    stored = version.xlsx.open("rb").read()
    assert_report_texts(assert_no_formulas(stored), w)
    # Anyone downloads exactly that file.
    served = download(client, reverse("reports:version_xlsx", args=[w.draft.pk, 1]))
    assert served == stored


def test_the_programme_status_workbook_keeps_every_text_as_text(typed):
    w = typed
    values = assert_no_formulas(programme_xlsx(w.programme, today=TODAY, language="en"))
    for text in w.programme_texts:
        assert text in values, text
    assert 7.8 in values and 6.5 in values and 7.4 in values  # the figures stay numbers
    assert datetime.datetime(2026, 9, 30) in values  # dates stay dates


def test_control_characters_of_older_data_are_written_visibly(client, typed, settings):
    """Text stored before the forms refused control characters: the workbook still answers,
    showing each as [U+000B]."""
    w = typed
    # (No NUL: PostgreSQL text cannot hold it, so no older data can.)
    Score.objects.filter(evaluation=w.draft, reason=w.reasons[0]).update(reason="a\x0bb\x01c\x1b")
    Finding.objects.filter(text=w.findings[0]).update(text="=x\x0b")
    Project.objects.filter(pk=w.project.pk).update(title="Nærvær\x0c")
    client.force_login(w.eva)
    values = assert_no_formulas(download(client, reverse("reports:xlsx", args=[w.draft.pk])))
    assert "a[U+000B]b[U+0001]c[U+001B]" in values
    assert "=x[U+000B]" in values
    values = assert_no_formulas(programme_xlsx(w.programme, today=TODAY, language="en"))
    assert "Nærvær[U+000C]" in values


def test_visible_controls_leaves_tabs_and_line_ends_alone():
    assert visible_controls("a\tb\nc\rd") == "a\tb\nc\rd"
    assert visible_controls("\x00\x08\x0b\x0c\x0e\x1f") == (
        "[U+0000][U+0008][U+000B][U+000C][U+000E][U+001F]"
    )


def test_an_evaluation_left_as_it_was(typed):
    """The fixture changed nothing but texts: the draft is still a draft."""
    assert Evaluation.objects.get(pk=typed.draft.pk).status == "draft"
