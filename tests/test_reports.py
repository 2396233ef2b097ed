"""The report in its three forms, read back and checked against the database."""

import io
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kommunekompass.evaluations.models import Evaluation, Finding, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.frameworks.loader import load_shipped_frameworks
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports.data import build_report
from kommunekompass.reports.render import render_html, render_pdf, report_context
from kommunekompass.reports.spreadsheet import render_xlsx
from kommunekompass.scoring.engine import find
from tests.factories import make_evaluation, make_municipality


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module's read-only tests."""
    with django_db_blocker.unblock():
        call_command("demo", stdout=io.StringIO())
        yield
        # Leave the database as the other tests expect it: empty but for the frameworks.
        call_command("flush", interactive=False)
        load_shipped_frameworks()


@pytest.fixture
def fjordvik(demo_db, db):
    return Evaluation.objects.get(municipality__number="9901", year=2026)


@pytest.fixture(scope="module")
def fjordvik_pdf(demo_db, django_db_blocker):
    """The demo report's PDF, rendered once, as the text of each page."""
    with django_db_blocker.unblock():
        evaluation = Evaluation.objects.get(municipality__number="9901", year=2026)
        reader = PdfReader(io.BytesIO(render_pdf(build_report(evaluation))))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_has_the_totals_areas_and_findings_of_the_database(fjordvik, fjordvik_pdf):
    # fjordvik_pdf was rendered from the same database rows as `fjordvik` holds.
    text = flat(" ".join(fjordvik_pdf))
    result = evaluation_result(fjordvik)
    assert f"{format_points(result.points, 0)} av 800 poeng" in text
    assert "Fjordvik kommune 2026" in text
    for area in fjordvik.framework.spec.areas:
        assert f"{area.code}. {area.name['nb']}" in text
        node = find(result, area.code)
        for subarea in area.subareas:
            points = format_points(find(node, subarea.code).points, 1)
            assert f"{subarea.code} " in text and points in text
    for finding in Finding.objects.filter(evaluation=fjordvik)[:10]:
        assert flat(finding.text)[:40] in text
    assert "Styrker" in text and "Utfordringer" in text and "Svakheter" in text
    assert "Brukernes fokus og service" in text  # æøå survive the round trip
    assert "Veien videre" in text and "Vedlegg: alle spørsmål" in text


def test_the_pdf_has_page_numbers_a_table_of_contents_and_no_draft_mark(fjordvik_pdf):
    count = len(fjordvik_pdf)
    assert count > 10
    for number, page in enumerate(fjordvik_pdf, start=1):
        assert f"Side {number} av {count}" in page
        assert "UTKAST" not in page
    assert "Innhold" in fjordvik_pdf[1]
    assert "Sammenligning med andre kommuner" in fjordvik_pdf[1]


def test_the_pdf_places_the_municipality_in_its_comparison_group(fjordvik, fjordvik_pdf):
    report = build_report(fjordvik)
    text = flat(" ".join(fjordvik_pdf))
    assert f"nummer {report.standing.rank} av {report.standing.size}" in text
    # Fjordvik, 64 synthetic municipalities and Midtre Gauldal from the seed
    assert report.standing.size == 66


def test_the_report_shows_each_areas_earlier_evaluations(fjordvik):
    report = build_report(fjordvik)
    assert [entry[0] for entry in report.areas[0].history] == [2019, 2023, 2026]
    context = report_context(report)
    charts = [context["radar_svg"], context["ranking_svg"], *(a.history_svg for a in report.areas)]
    assert len(charts) == 1 + 1 + 8  # radar, ranking, one history chart per area
    assert all(c.startswith("<svg") and "<text" in c for c in charts)  # text kept as text
    assert render_html(report, standalone=True).count('src="data:image/svg+xml;base64,') == 10


def test_a_draft_report_says_draft_on_every_page_and_names_missing_questions(demo_db, db):
    draft = Evaluation.objects.get(municipality__number="9902")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(build_report(draft)))).pages]
    assert all("UTKAST" in page for page in pages)
    text = flat(" ".join(pages))
    result = evaluation_result(draft)
    assert f"{len(result.missing)} spørsmål er ikke vurdert" in text
    assert "4.1.1" in text and "Mangler" in text


def test_the_spreadsheet_holds_every_figure_as_a_number(fjordvik):
    workbook = load_workbook(io.BytesIO(render_xlsx(build_report(fjordvik))))
    assert workbook.sheetnames == ["Sammendrag", "Fokusområder", "Delområder", "Spørsmål", "Funn"]
    result = evaluation_result(fjordvik)

    areas = list(workbook["Fokusområder"].iter_rows(min_row=2, values_only=True))
    for row, area in zip(areas, fjordvik.framework.spec.areas, strict=False):
        assert row[0] == area.code
        # exact values; the rounding is the number format's
        # (openpyxl writes 16 significant digits; Excel keeps 15)
        assert row[2] == pytest.approx(float(find(result, area.code).points), rel=1e-15)
        assert row[3] == 100
    assert areas[-1][2] == pytest.approx(float(result.points), rel=1e-15)
    assert workbook["Fokusområder"]["C2"].number_format == "0"

    subareas = list(workbook["Delområder"].iter_rows(min_row=2, values_only=True))
    assert len(subareas) == 35
    first = fjordvik.framework.spec.subareas[0]
    assert subareas[0][1] == first.code
    assert subareas[0][3] == pytest.approx(float(find(result, first.code).points), rel=1e-15)
    assert workbook["Delområder"]["D2"].number_format == "0.0"

    questions = list(workbook["Spørsmål"].iter_rows(min_row=2, values_only=True))
    assert len(questions) == 75
    score = Score.objects.get(evaluation=fjordvik, question__code="6.3.1")
    row = next(r for r in questions if r[0] == "6.3.1")
    assert list(row[2:5]) == [score.levels["system"], score.levels["scope"], score.levels["result"]]
    assert row[-1] == score.reason

    findings = list(workbook["Funn"].iter_rows(min_row=2, values_only=True))
    assert len(findings) == Finding.objects.filter(evaluation=fjordvik).count()
    assert {r[1] for r in findings} == {"Styrker", "Utfordringer", "Svakheter"}


def test_a_caf_evaluation_is_reported_with_its_own_structure(db, caf_framework):
    municipality = make_municipality("Kvalitetsby kommune", "9950")
    evaluation = make_evaluation(municipality, caf_framework, status="published", year=2025)
    for code, levels in {
        "1.1.1": {"plan": 100, "do": 60, "check": 40, "act": 0},
        "9.2.1": {"trends": 80, "targets": 40},
    }.items():
        Score.objects.create(
            evaluation=evaluation,
            question=caf_framework.questions.get(code=code),
            levels=levels,
            reason=f"Grunn {code}",
        )
    report = build_report(evaluation)
    assert report.result.points == Fraction(110)
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages))
    assert "110 av 2800 poeng" in text
    assert "1. Ledelse" in text and "9. Resultater for hovedaktiviteter" in text
    assert "26 spørsmål er ikke vurdert" in text
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    header = next(workbook["Spørsmål"].iter_rows(max_row=1, values_only=True))
    assert {"plan", "do", "check", "act", "trends", "targets"} <= set(header)
    areas = list(workbook["Fokusområder"].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in areas[:9]] == [400, 400, 300, 600, 300, 200, 200, 200, 200]
    assert areas[0][2] == 50 and areas[8][2] == 60


def test_the_web_report_links_its_pdf_and_spreadsheet(client, fjordvik):
    # The demo's Fjordvik 2026 is published in two versions: the page links the latest one's
    # files, and the evaluation's own addresses serve those too.
    response = client.get(reverse("reports:report", args=[fjordvik.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("reports:version_pdf", args=[fjordvik.pk, 2]) in page
    assert reverse("reports:version_xlsx", args=[fjordvik.pk, 2]) in page
    pdf = client.get(reverse("reports:pdf", args=[fjordvik.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="fjordvik-kommune-2026-v2.pdf"' in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_report_command_renders_one_file_and_batches(fjordvik, tmp_path, capsys):
    out = io.StringIO()
    call_command(
        "report", str(fjordvik.pk), "--format", "xlsx", "-o", str(tmp_path / "one.xlsx"), stdout=out
    )
    assert (tmp_path / "one.xlsx").read_bytes()[:2] == b"PK"
    midtre_gauldal = Evaluation.objects.get(municipality__number="5027")
    call_command(
        "report",
        str(fjordvik.pk),
        str(midtre_gauldal.pk),
        "--format",
        "html",
        "-o",
        str(tmp_path / "all"),
        stdout=out,
    )
    files = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert files == [
        f"{fjordvik.pk}-fjordvik-kommune-2026.html",
        f"{midtre_gauldal.pk}-midtre-gauldal-kommune-2023.html",
    ]
    assert "per delområde" in (tmp_path / "all" / files[1]).read_text()
    assert "Rapporter: 100%" in capsys.readouterr().err  # the progress bar, in bokmål
    assert f"2 html-rapporter i {tmp_path / 'all'}" in out.getvalue()


def test_the_report_command_names_an_unknown_evaluation(db, tmp_path):
    from django.core.management.base import CommandError

    with translation.override("en"), pytest.raises(CommandError, match="No evaluation with id 999"):
        call_command("report", "999", "-o", str(tmp_path / "x.pdf"))


def test_the_report_is_built_in_a_fixed_number_of_queries(fjordvik, django_assert_max_num_queries):
    build_report(fjordvik)  # the first build stores the group's summaries
    # 66 municipalities in the group, 3 in Norway's population band: the same queries.
    # findings with their questions: one more; the attached forecast (forecasts): one more;
    # what the way forward's priorities answer (focus areas, findings): two more
    with django_assert_max_num_queries(20):
        build_report(fjordvik)
    with django_assert_max_num_queries(20):
        build_report(fjordvik, "population-5000-20000")
