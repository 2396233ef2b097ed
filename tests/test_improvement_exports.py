"""The project plan as HTML and PDF (seed 003's template), and the programme as a workbook."""

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kommunekompass.evaluations.models import Evaluation, Finding, Municipality
from kommunekompass.improvement.charts import indicator_chart
from kommunekompass.improvement.exports import plan_html, plan_pdf, programme_xlsx
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
    Risk,
)

TODAY = datetime.date(2026, 11, 22)
QUARTERS = [
    (datetime.date(2025, 12, 31), D("9.1")),
    (datetime.date(2026, 3, 31), D("8.6")),
    (datetime.date(2026, 6, 30), D("8.1")),
    (datetime.date(2026, 9, 30), D("7.8")),
]


@pytest.fixture
def project(db, kommunekompass_framework):
    municipality = Municipality.objects.create(name="Fjordvik kommune", number="9999", country="NO")
    programme = Programme.objects.create(
        municipality=municipality, name="Kvalitetsprogrammet", started=datetime.date(2025, 9, 1)
    )
    P, F = GroupMember.Party, GroupMember.Function
    for group, name, party, function in [
        ("steering", "Siri Ordfører", P.ELECTED, F.CHAIR),
        ("steering", "Rune Rådmann", P.MANAGEMENT, F.MEMBER),
        ("steering", "Tone Tillitsvalgt", P.UNION, F.MEMBER),
        ("project", "Pia Prosjektleder", P.MANAGEMENT, F.PROJECT_LEADER),
        ("project", "Ola Tillitsvalgt", P.UNION, F.MEMBER),
        ("project", "Eli Ansatt", P.EMPLOYEE, F.SECRETARY),
    ]:
        GroupMember.objects.create(
            programme=programme,
            group=group,
            name=name,
            title="Rådgiver",
            party=party,
            function=function,
        )
    area = kommunekompass_framework.areas.order_by("position").first()
    evaluation = Evaluation.objects.create(
        municipality=municipality, framework=kommunekompass_framework, year=2026
    )
    finding = Finding.objects.create(
        evaluation=evaluation,
        focus_area=area,
        kind=Finding.Kind.WEAKNESS,
        text="Sykefraværet i hjemmetjenesten er høyt.",
    )
    project = Project.objects.create(
        programme=programme,
        title="Nærvær i hjemmetjenesten",
        status=Project.Status.AT_RISK,
        background="Sykefraværet har vært høyt i tre år.\n\nDet koster tjenesten mye.",
        goal="Sykefraværet skal ned til 7,5 %.",
        frames="Budsjett 200 000 kr.",
        scope="Hjemmetjenesten sone nord.",
        reports="Kvartalsvis rapport til styringsgruppen.",
        project_leader="Pia Prosjektleder",
        responsible_leader="Rune Rådmann",
        unit="Hjemmetjenesten",
        quality_assurance="Styringsgruppen godkjenner hver milepæl.",
        main_activities="Medarbeidersamtaler.\nTilrettelegging.",
        evaluation_report="Evalueres desember 2026.",
        starts=datetime.date(2025, 10, 1),
        ends=datetime.date(2026, 12, 31),
        evaluation=evaluation,
    )
    project.findings.add(finding)
    project.focus_areas.add(area)
    DecisionPoint.objects.create(
        project=project, number=1, decision="Oppstart", date=datetime.date(2025, 10, 1)
    )
    DecisionPoint.objects.create(
        project=project, number=2, decision="Videreføring", basis="Delrapport"
    )
    for number, name, date, reached in [
        ("M1", "Kartlegging ferdig", datetime.date(2026, 1, 15), True),
        ("M2", "Tiltak startet", datetime.date(2026, 10, 1), False),  # overdue
        ("M3", "Sluttrapport", datetime.date(2026, 12, 20), False),
    ]:
        Milestone.objects.create(
            project=project,
            number=number,
            milestone=name,
            date=date,
            measurable_result=f"Resultat {number}",
            reached=reached,
        )
    Risk.objects.create(project=project, factor="Lav oppslutning", likelihood=4, impact=3)
    Risk.objects.create(project=project, factor="Ledere bytter", likelihood=2, impact=5)
    indicator = Indicator.objects.create(
        project=project,
        kind=Indicator.Kind.SICK_LEAVE,
        name="Sykefravær",
        unit="%",
        higher_is_better=False,
        baseline=D("9.1"),
        target=D("7.5"),
    )
    for period_end, value in QUARTERS:
        Measurement.objects.create(indicator=indicator, period_end=period_end, value=value)
    return project


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_it_draws_an_indicator_chart_with_text_decimal_commas_and_reference_lines():
    points = [("31.03.2026", 9.1), ("30.06.2026", 8.4), ("30.09.2026", 7.8)]
    svg = indicator_chart(points, baseline=9.1, target=7.5, unit="%", higher_is_better=False)
    assert svg.startswith("<svg") and "<text" in svg
    assert "8,4" in svg and "7,5" in svg and "8.4" not in flat(re.sub(r"<[^>]+>", " ", svg))
    with translation.override("nb"):
        baseline, target = translation.gettext("Baseline"), translation.gettext("Target")
    assert baseline in svg and target in svg
    english = indicator_chart(
        points, baseline=9.1, target=7.5, unit="%", higher_is_better=False, language="en"
    )
    assert "Baseline: 9.1" in english and "Target: 7.5" in english


def test_it_draws_a_chart_without_measurements():
    svg = indicator_chart(
        [], baseline=0.8, target=1.0, unit="K", higher_is_better=True, language="en"
    )
    assert "No measurements yet" in svg and "Baseline" in svg and "Target" in svg


def test_it_renders_every_section_of_the_plan_numbered(project, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        html = plan_html(project, language="en", today=TODAY)
    text = flat(html)
    headings = [
        ("1", "Goals and frames"),
        ("1.1", "Background"),
        ("1.2", "Goal"),
        ("1.3", "Frames"),
        ("2", "Scope and limits"),
        ("2.2", "Reports and measurements"),
        ("3", "Organisation"),
        ("3.1", "Project management"),
        ("4", "Decision points, follow-up and milestones"),
        ("4.1", "Decision points"),
        ("4.2", "Milestones"),
        ("5", "Risk analysis and quality assurance"),
        ("5.1", "Critical success factors and risks"),
        ("5.2", "Quality assurance"),
        ("6", "Execution"),
        ("6.1", "Main activities"),
        ("7", "Measuring the benefit"),
        ("8", "Evaluation report"),
    ]
    positions = []
    for number, heading in headings:
        heading_html = f'<span class="no">{number}</span> {heading}<'
        match = re.search(re.escape(heading_html), text)
        assert match, (number, heading)
        positions.append(match.start())
    assert positions == sorted(positions)  # in the template's order
    assert "Not filled in yet." not in text  # every field is filled in
    # Multi-line text keeps its paragraphs and lines.
    assert "<p>Sykefraværet har vært høyt i tre år.</p>" in text
    assert "Medarbeidersamtaler.<br>Tilrettelegging." in text
    # The title block: municipality, status, period, the finding and its focus area.
    area = project.focus_areas.get()
    assert "Fjordvik kommune" in text and "Nærvær i hjemmetjenesten" in text
    assert "At risk" in text and "Oct. 1, 2025" in text and "Dec. 31, 2026" in text
    assert f"<strong>{area.code}</strong> Sykefraværet i hjemmetjenesten er høyt." in text
    # Only the project group, with party and function.
    assert "Pia Prosjektleder" in text and "Eli Ansatt" in text and "Secretary" in text
    assert "Siri Ordfører" not in text
    assert text.index("Pia Prosjektleder</td>") < text.index("Ola Tillitsvalgt</td>")
    # The indicator: latest 7.8, change -1.3 since the baseline, target 7.5 not reached.
    assert "Sykefravær" in text and "7.8" in text and "−1.3" in text
    assert text.count("data:image/svg+xml;base64,") == 1


def test_it_shows_empty_sections_as_not_filled_in(project):
    Project.objects.filter(pk=project.pk).update(background="", evaluation_report="")
    project.risks.all().delete()
    text = flat(plan_html(project, language="en", today=TODAY))
    assert text.count("Not filled in yet.") == 3


def test_it_marks_the_overdue_milestone(project):
    text = flat(plan_html(project, language="en", today=TODAY))
    rows = re.findall(r"<tr[^>]*>.*?</tr>", text[text.index("milestone-table") :])[:4]
    overdue = [row for row in rows if 'class="overdue"' in row]
    assert len(overdue) == 1 and "Tiltak startet" in overdue[0]
    assert "No – overdue" in overdue[0]
    assert "1 milestone is overdue." in text


def test_it_renders_the_plan_as_a_pdf(project):
    pdf = plan_pdf(project, language="nb", today=TODAY)
    assert pdf.startswith(b"%PDF")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    text = flat(" ".join(pages))
    assert "Nærvær i hjemmetjenesten" in text
    assert "Fjordvik kommune" in text
    assert "9,1" in text and "7,8" in text  # decimal commas in Norwegian


def test_it_exports_the_programme_as_a_workbook(project, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        data = programme_xlsx(project.programme, today=TODAY, language="en")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Projects", "Milestones", "Indicators", "Measurements", "Groups"]
    rows = {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}
    assert [len(rows[name]) - 1 for name in workbook.sheetnames] == [1, 3, 1, 4, 6]
    for name in workbook.sheetnames:
        assert workbook[name].freeze_panes == "A2"
        assert workbook[name]["A1"].font.b

    projects = workbook["Projects"]
    header = rows["Projects"][0]
    assert header[:3] == ("Project", "Status", "Project leader")
    (row,) = rows["Projects"][1:]
    assert row[0] == "Nærvær i hjemmetjenesten" and row[1] == "At risk"
    assert isinstance(row[4], datetime.date) and row[4].date() == datetime.date(2025, 10, 1)
    assert projects["E2"].is_date
    assert row[7:] == (1, 3, 1, 0, 1)  # reached, milestones, overdue, on target, indicators

    overdue = [r for r in rows["Milestones"][1:] if r[6] == "Yes"]
    assert [r[1] for r in overdue] == ["M2"]

    (indicator,) = rows["Indicators"][1:]
    assert indicator[1] == "Sykefravær" and indicator[4] == "No"
    assert indicator[5:9] == (9.1, 7.5, 7.8, pytest.approx(-1.3))
    assert indicator[9] == "No"

    measurements = rows["Measurements"][1:]
    assert [r[3] for r in measurements] == [9.1, 8.6, 8.1, 7.8]
    assert workbook["Measurements"]["C2"].is_date

    groups = {r[0] for r in rows["Groups"][1:]}
    assert groups == {"Steering group", "Project group"}


def test_it_translates_the_workbook_with_the_language(project):
    data = programme_xlsx(project.programme, today=TODAY, language="nb")
    workbook = load_workbook(io.BytesIO(data))
    with translation.override("nb"):
        assert workbook.sheetnames[0] == translation.gettext("Projects")
    assert len(workbook.sheetnames) == 5
