"""The report as an editable Word document (.docx), from the same Report as the web page, the
PDF and the workbook (a published version: from its snapshot).

Real headings (Heading 1-3, so Word's contents and navigation pane work), tables as tables,
charts as PNG pictures drawn from the same matplotlib figures as the PDF's (reports.figures),
each with its alternative text, in the active language. A draft says so at the head of every
page.
"""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.improvement.templatetags.programme import fixed, signed
from kommunekompass.lib.charts import png
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports import figures
from kommunekompass.reports.render import standing_text
from kommunekompass.reports.shapes import Report, unscored
from kommunekompass.reports.word_parts import (
    add_facts,
    add_picture,
    add_table,
    contents_field,
    footer_text,
    header_text,
    page_break,
    set_language,
    set_page,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def node_points(node, decimals: int, language: str) -> str:
    """A node's points as the report shows them; "–" when nothing below it is scored."""
    return "–" if unscored(node) else format_points(node.points, decimals, language)


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "–"


def _cover(document, report: Report, language: str, framework_name: str, version) -> None:
    info = report.evaluation
    if report.is_draft:
        document.add_paragraph(_("DRAFT – not published")).runs[0].bold = True
    document.add_paragraph(_("Evaluation report"), style="Subtitle")
    document.add_heading(f"{info.municipality_name} {info.year}", level=0)
    document.add_paragraph(f"{framework_name} {info.framework.version}", style="Subtitle")
    total = document.add_paragraph()
    score = total.add_run(node_points(report.result, 0, language))
    score.bold = True
    score.font.size = Pt(28)
    total.add_run(
        f" {_('of')} {format_points(report.result.max_points, 0, language)} {_('points')}"
    )
    if report.incomplete:
        total.add_run(f" ({_('Incomplete')})").bold = True
        document.add_paragraph(
            _(
                "Incomplete: not every question is scored, so the points are lower than a "
                "complete evaluation would give."
            )
        )
    county = f", {info.municipality_county}" if info.municipality_county else ""
    facts = [
        (_("Municipality"), f"{info.municipality_name} ({info.municipality_number}{county})"),
        (_("Framework"), f"{framework_name} {info.framework.version}"),
        (_("Year"), str(info.year)),
        (_("Date"), _date(info.date)),
        (_("Evaluators"), ", ".join(report.evaluators) or "–"),
    ]
    if version is not None:
        published = _date(localtime(version.published_at).date() if version.published_at else None)
        facts.append(
            (
                _("Version"),
                _("Version %(number)s, published %(date)s")
                % {"number": version.number, "date": published},
            )
        )
    add_facts(document, facts)
    if report.missing:
        document.add_paragraph(_("Not scored") + ": " + ", ".join(report.missing))


def _summary(document, report: Report, language: str) -> None:
    document.add_heading(_("Summary"), level=1)
    rows = [
        [
            f"{area.spec.code}. {pick_text(area.spec.name, language)}",
            node_points(area.result, 0, language) + (" *" if area.result.missing else ""),
            format_points(area.result.max_points, 0, language),
        ]
        for area in report.areas
    ]
    add_table(
        document,
        [_("Focus area"), _("Points"), _("Max")],
        rows,
        numeric={1, 2},
        footer=[
            _("Total"),
            node_points(report.result, 0, language),
            format_points(report.result.max_points, 0, language),
        ],
        widths=[120, 27, 27],
    )
    if report.missing:
        document.add_paragraph(
            "* " + _("Some questions in the area are not scored; see the list above.")
        )
    document.add_heading(_("Method"), level=2)
    if not report.interviews:
        document.add_paragraph(_("No interviews are recorded."))
        return
    document.add_paragraph(
        _(
            "The points are set by the evaluators on the basis of interviews and documents. "
            "Interviewed:"
        )
    )
    rows = []
    for item in report.interviews:
        when = _date(item.first)
        if item.first and item.last and item.last != item.first:
            when = f"{when} – {_date(item.last)}"
        rows.append([item.label, str(item.count), when])
    add_table(
        document, [_("Group"), _("Interviews"), _("When")], rows, numeric={1}, widths=[75, 27, 72]
    )


def _comparison(document, report: Report, language: str) -> None:
    document.add_heading(_("Comparison with other municipalities"), level=1)
    radar = figures.radar(report, language)
    add_picture(
        document,
        png(radar.draw()),
        radar.alt,
        width_mm=150,
        caption=_(
            "Points per focus area in per cent of the maximum, against the average of %(group)s."
        )
        % {"group": report.group_name},
    )
    ranking = figures.ranking(report, language)
    if ranking is None:
        document.add_paragraph(standing_text(report, language))
        return
    add_picture(
        document,
        png(ranking.draw()),
        ranking.alt,
        width_mm=140 if ranking.tall else 170,
        caption=standing_text(report, language),
    )


def _projects_table(document, entries) -> None:
    rows = []
    for entry in entries:
        if not entry.indicators:
            rows.append([entry.title, entry.status_label, _("No indicators"), "", "", ""])
        for row in entry.indicators:
            change = signed(row.change, row.places)
            if row.improved:
                change += " ▲"
            elif row.worsened:
                change += " ▼"
            rows.append(
                [
                    entry.title,
                    entry.status_label,
                    f"{row.name} ({row.unit})" if row.unit else row.name,
                    fixed(row.baseline, row.places),
                    fixed(row.latest, row.places),
                    change,
                ]
            )
    add_table(
        document,
        [
            _("Project"),
            _("Status"),
            _("Indicator"),
            _("Baseline"),
            _("Latest"),
            pgettext("difference", "Change"),
        ],
        rows,
        numeric={3, 4, 5},
    )


def _areas(document, report: Report, language: str) -> None:
    for area in report.areas:
        name = f"{area.spec.code}. {pick_text(area.spec.name, language)}"
        document.add_heading(name, level=1)
        rows = [
            [
                f"{subarea.code} {pick_text(subarea.name, language)}",
                node_points(node, 1, language)
                + (" *" if node is not None and node.missing and not unscored(node) else ""),
                format_points(subarea.max_points, 0, language),
            ]
            for subarea, node in area.subareas
        ]
        add_table(
            document,
            [_("Sub-area"), _("SUM"), _("Max")],
            rows,
            numeric={1, 2},
            footer=[
                name,
                node_points(area.result, 0, language),
                format_points(area.result.max_points, 0, language),
            ],
            widths=[120, 27, 27],
        )
        history = figures.history(area, language)
        caption = _("The area's points at each evaluation")
        if report.version_note:
            caption += ". " + pick_text(report.version_note, language)
        add_picture(document, png(history.draw()), history.alt, width_mm=95, caption=caption)
        if area.result.missing:
            document.add_paragraph(_("Not scored") + ": " + ", ".join(area.result.missing))
        for group in area.findings:
            document.add_heading(group.heading, level=2)
            if not group.items:
                document.add_paragraph("–")
            for finding in group.items:
                document.add_paragraph(finding.text, style="List Bullet")
        if area.earlier_projects:
            document.add_heading(
                _("Improvement work since the evaluation in %(evaluation)s")
                % {"evaluation": report.previous_year},
                level=2,
            )
            _projects_table(document, area.earlier_projects)


def _forecast(document, report: Report) -> None:
    if not report.forecast:
        return
    document.add_heading(_("Demographic forecast"), level=1)
    forecast = report.forecast_result
    if forecast is None:
        document.add_paragraph(str(report.forecast.get("unavailable", "")))
        return
    document.add_paragraph(
        _("The forecast's table and chart are in the report's PDF and on its web page.")
    )


def _way_forward(document, report: Report, language: str) -> None:
    document.add_heading(_("The way forward"), level=1)
    if report.priorities:
        for text in report.priorities:
            document.add_paragraph(text, style="List Number")
    else:
        document.add_paragraph(_("No priorities are recorded yet."))
    if not report.has_projects:
        return
    document.add_heading(_("Improvement projects that answer this evaluation"), level=2)
    for area in report.areas:
        if area.projects:
            document.add_heading(
                f"{area.spec.code}. {pick_text(area.spec.name, language)}", level=3
            )
            _projects_table(document, area.projects)


def _appendix(document, report: Report, language: str) -> None:
    document.add_heading(_("Appendix: every question"), level=1)
    info = report.evaluation
    if info.result_level != "question":
        document.add_paragraph(
            _(
                "The results of this evaluation are known per %(level)s only (imported from an "
                "earlier report), so there are no question scores to show."
            )
            % {"level": info.result_level_label}
        )
    for row in report.questions:
        line = document.add_paragraph()
        line.paragraph_format.space_after = 0
        line.add_run(row.spec.code).bold = True
        line.add_run(" " + pick_text(row.spec.text, language))
        points = (
            format_points(row.result.points, 1, language) if row.result.scored else _("Missing")
        )
        levels = dict(row.levels)
        dimensions = ", ".join(
            f"{pick_text(d.name, language)}: "
            + ("–" if levels.get(d.code) is None else str(levels[d.code]))
            for d in row.spec.dimensions
        )
        maximum = format_points(row.spec.max_points, 1, language)
        score = document.add_paragraph(f"{points} / {maximum} {_('points')} · {dimensions}")
        score.paragraph_format.space_after = 0 if row.reason else None
        if row.reason:
            document.add_paragraph(row.reason)


def render_docx(report: Report, *, version=None) -> bytes:
    """The report as a .docx file, in the active language."""
    language = get_language() or "nb"
    info = report.evaluation
    framework_name = pick_text(info.framework.name, language)
    document = Document()
    set_page(document)
    set_language(document, language)
    title = f"{info.municipality_name} {info.year} – {framework_name}"
    document.core_properties.title = title
    document.core_properties.subject = _("Evaluation report")
    document.core_properties.author = ", ".join(report.evaluators)
    footer_text(document, title)
    if report.is_draft:
        header_text(document, _("DRAFT – not published"))

    _cover(document, report, language, framework_name, version)
    page_break(document)
    contents = document.add_paragraph(_("Contents"), style="TOC Heading")
    contents.runs[0].bold = True
    contents_field(
        document, _("Update the field (F9 in Word) to show the contents with page numbers.")
    )
    page_break(document)
    _summary(document, report, language)
    _comparison(document, report, language)
    _areas(document, report, language)
    _forecast(document, report)
    _way_forward(document, report, language)
    _appendix(document, report, language)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
