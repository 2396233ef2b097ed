"""The report's outputs: every PDF the app writes is tagged (PDF/UA-1: structure tree, language,
title, chart alt texts); the report as a Word document, read back with python-docx, with the
same access rules as the PDF; the charts and figures a consultant's report needs."""

import io
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.improvement.exports import plan_pdf
from kommunekompass.improvement.measures import indicator_decimals
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports import charts
from kommunekompass.reports import published as published_files
from kommunekompass.reports.data import build_report, report_from_data
from kommunekompass.reports.render import render_body, render_html, render_pdf
from kommunekompass.reports.shapes import unscored
from kommunekompass.reports.templatetags.report_charts import labelled_svg
from kommunekompass.reports.word import render_docx
from tests.test_improvement_exports import TODAY, project  # noqa: F401 - a fixture
from tests.test_published_reports import published  # noqa: F401 - a fixture

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def structure(content: bytes) -> dict:
    """What a tagged PDF's catalog says about itself, and the /Alt of its figures."""
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    alts, figures = [], 0

    def walk(node) -> None:
        nonlocal figures
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            figures += 1
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(catalog["/StructTreeRoot"])
    return {
        "marked": bool(catalog["/MarkInfo"]["/Marked"]),
        "lang": str(catalog["/Lang"]),
        "title": reader.metadata.title,
        "figures": figures,
        "alts": alts,
        "outline": [item.title for item in reader.outline if not isinstance(item, list)],
    }


def assert_tagged(content: bytes, language: str, title_part: str) -> dict:
    found = structure(content)
    assert found["marked"] is True
    assert found["lang"] == language
    assert title_part in found["title"]
    assert found["figures"] == len(found["alts"])  # every figure has its alternative text
    assert all(alt.strip() for alt in found["alts"])
    return found


def test_the_draft_and_the_published_report_pdfs_are_tagged(published):  # noqa: F811
    w = published
    draft = render_pdf(build_report(w.nordhei_draft))
    found = assert_tagged(draft, "nb", "Nordhei kommune")
    assert found["outline"]  # bookmarks from the headings

    published_files.store_missing(w.version)  # the stored file, as publishing makes it
    w.version.refresh_from_db()
    stored = w.version.pdf.read()
    found = assert_tagged(stored, "nb", "Fjordvik kommune 2026")
    assert found["figures"] >= 9  # radar, one history chart per area (alone in its group)
    assert any("Fjordvik kommune 2026" in alt for alt in found["alts"])


def test_the_project_plan_pdf_is_tagged(project):  # noqa: F811
    found = assert_tagged(plan_pdf(project, language="nb", today=TODAY), "nb", "Nærvær")
    assert found["figures"] == 1  # the indicator's chart
    assert "Sykefravær" in found["alts"][0]


def headings(document) -> list[tuple[int, str]]:
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name == "Title":
            found.append((0, paragraph.text))
        elif name.startswith("Heading "):
            found.append((int(name.split()[1]), paragraph.text))
    return found


def test_the_word_document_has_headings_tables_and_pictures_from_the_report(published):  # noqa: F811
    w = published
    report = report_from_data(w.version.data)
    with translation.override("nb"):
        document = Document(io.BytesIO(render_docx(report, version=w.version)))
    found = headings(document)
    assert found[0] == (0, "Fjordvik kommune 2026")
    assert (1, "Sammendrag") in found and (2, "Metode") in found
    assert (1, "Sammenligning med andre kommuner") in found
    for area in report.areas:
        assert (1, f"{area.spec.code}. {area.spec.name['nb']}") in found
    assert (2, "Svakheter") in found
    assert (1, "Veien videre") in found and (1, "Vedlegg: alle spørsmål") in found
    assert document.core_properties.language == "nb-NO"
    assert document.core_properties.title.startswith("Fjordvik kommune 2026")

    summary = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in summary.rows]
    assert rows[0] == ["Fokusområde", "Poeng", "Maks"]
    for row, area in zip(rows[1:], report.areas, strict=False):
        expected = "–" if unscored(area.result) else format_points(area.result.points, 0, "nb")
        assert row[0] == f"{area.spec.code}. {area.spec.name['nb']}"
        assert row[1].rstrip(" *") == expected
        assert row[2] == format_points(area.result.max_points, 0, "nb")
    assert rows[-1][1] == format_points(report.result.points, 0, "nb")

    # One picture per chart, each with its alternative text.
    pictures = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(pictures) == 1 + (len(report.group) > 1) + len(report.areas)
    assert all(alt and len(alt) > 20 for alt in pictures)
    assert "Fjordvik kommune 2026" in pictures[0]
    # The project's indicator, with one number of decimals (per cent: one).
    text = " ".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Sykefravær (%)" in text and "7,8" in text and "7,4" in text


def test_the_word_document_is_served_like_the_pdf(client, published):  # noqa: F811
    w = published
    url = reverse("reports:docx", args=[w.evaluation.pk])
    page = client.get(reverse("reports:report", args=[w.evaluation.pk])).content.decode()
    assert reverse("reports:version_docx", args=[w.evaluation.pk, 1]) in page
    # Anonymous: never renders; the stored file once a logged-in reader had it made.
    assert client.get(url).status_code == 503
    client.force_login(w.outsider)
    response = client.get(reverse("reports:version_docx", args=[w.evaluation.pk, 1]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert 'filename="fjordvik-kommune-2026-v1.docx"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert published_files.is_docx_stored(w.version)
    client.logout()
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # the stored file, not rendered again
    assert headings(Document(io.BytesIO(content)))[0] == (0, "Fjordvik kommune 2026")

    change_status(w.evaluation, "withdraw", w.eva, "Feil kommune")
    cache.clear()
    for name, args in (
        ("reports:docx", [w.evaluation.pk]),
        ("reports:version_docx", [w.evaluation.pk, 1]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404


def test_a_drafts_word_document_is_for_its_own_people_only(client, world):
    w = world
    url = reverse("reports:docx", args=[w.draft.pk])
    for user in (None, w.reader, w.nordhei_reader, w.outsider, w.otto):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(w.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="fjordvik-kommune-2026-utkast.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert "UTKAST" in document.sections[0].header.paragraphs[0].text


def test_the_report_command_writes_a_word_document(published, tmp_path):  # noqa: F811
    from django.core.management import call_command

    target = tmp_path / "report.docx"
    call_command(
        "report",
        str(published.evaluation.pk),
        "--format",
        "docx",
        "-o",
        str(target),
        stdout=io.StringIO(),
    )
    assert headings(Document(str(target)))[0] == (0, "Fjordvik kommune 2026")


# --- The report's look: pure functions and the HTML ---------------------------------------------


def test_the_ranking_names_every_municipality_with_its_axis_from_0():
    names = [f"Kommune {i}" for i in range(40)]
    totals = [700 - 5 * i for i in range(40)]
    figure = charts.ranking_figure(names, totals, 7, 600.0, average_label="Snitt", language="nb")
    axes = figure.axes[0]
    assert axes.get_xlim()[0] == 0
    assert [label.get_text() for label in axes.get_yticklabels()] == names
    svg = charts.ranking_chart(names, totals, 7, 600.0, average_label="Snitt", language="nb")
    assert all(f">{name}<" in svg for name in names)
    assert "Snitt: 600" in svg


def test_radar_labels_wrap_and_are_legible():
    assert (
        charts.wrap_label("8. Lederskap og medarbeiderskap") == "8. Lederskap og\nmedarbeiderskap"
    )
    assert charts.wrap_label("Kort") == "Kort"
    figure = charts.radar_figure(
        ["1. Offentlighet og demokrati", "2. B", "3. C"],
        [50, 60, 70],
        None,
        name="X",
        group_label="Y",
    )
    labels = figure.axes[0].get_xticklabels()
    assert all(label.get_fontsize() >= 10 for label in labels)
    assert labels[0].get_text() == "1. Offentlighet\nog demokrati"


def test_an_inline_chart_is_one_labelled_image():
    html = labelled_svg('<svg viewBox="0 0 1 1"><text>1</text></svg>', 'Points <&> "x"')
    assert html.startswith('<svg role="img" aria-label="Points &lt;&amp;&gt; &quot;x&quot;"')
    assert "<title>Points &lt;&amp;&gt; &quot;x&quot;</title>" in html


def test_the_web_contents_are_numbered_once_and_the_cover_is_for_print(published):  # noqa: F811
    report = report_from_data(published.version.data)
    with translation.override("nb"):
        web = render_body(report)
        printed = render_html(report, standalone=True)
    contents = web[web.index('<nav class="toc"') : web.index("</nav>")]
    assert "<ol" not in contents and 'class="toc-list"' in contents
    assert ">8. Lederskap og medarbeiderskap<" in contents  # the area's own number, once
    assert "print-cover" in printed and "print-cover" not in web
    assert 'role="img" aria-label="' in web  # the inline charts carry their text


@pytest.mark.parametrize(
    "kind, unit, values, decimals",
    [
        ("sick_leave", "%", [D("7.8"), D("7.4000"), D("6.5")], 1),
        ("sick_leave", "%", [D("7"), D("8")], 1),  # 7,0 beside 8,0
        ("custom", "%", [D("12.25")], 1),
        ("presence", "", [D("92.6")], 1),
        ("experienced_quality", "", [D("0.8235"), D("1")], 2),
        ("deviations_reported", "", [D("12"), D("30"), None], 0),
        ("custom", "kr", [D("1500"), D("1250.5")], 1),
        ("custom", "", [D("3.14159")], 2),  # at most two
        ("custom", "", [], 0),
    ],
)
def test_an_indicator_has_one_number_of_decimals(kind, unit, values, decimals):
    assert indicator_decimals(kind, unit, values) == decimals
