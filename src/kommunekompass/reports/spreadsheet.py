"""The report as an .xlsx workbook: every figure as a real number, formatted for Excel.

Each figure is stored as its exact value (the float nearest the engine's fraction), and the
rounding the report shows is only a number format ("0.0" for sub-areas and questions, "0" for
areas and totals). So in Excel the sum of an area's sub-areas is the area, as it should be.
Number formats are written in Excel's neutral notation; Norwegian Excel shows them with a
decimal comma. Sheet names and headings follow the active language. A part with nothing
scored shows "–", never 0. Every text is stored as text (`lib.xlsx.append_row`): a reason that
begins with "=" is never a formula.
"""

from __future__ import annotations

import io
from fractions import Fraction

from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.xlsx import append_row, new_sheet
from kommunekompass.reports.shapes import Report, unscored

ONE_DECIMAL = "0.0"
WHOLE = "0"


UNSCORED = "–"


def exact(value):
    """An exact value (fraction or decimal) as the number Excel stores: full precision."""
    if value is None:
        return None
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _points(node):
    """A node's points, exact; "–" when nothing below it is scored."""
    return UNSCORED if unscored(node) else exact(node.points)


def _format(sheet, column: int, number_format: str) -> None:
    for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        for cell in row:
            cell.number_format = number_format


def render_xlsx(report: Report, *, version=None) -> bytes:
    language = get_language() or "nb"
    info = report.evaluation
    workbook = Workbook()
    workbook.remove(workbook.active)

    summary = new_sheet(workbook, _("Summary"), [_("Item"), _("Value")], [34, 60])
    framework = f"{pick_text(report.framework.name, language)} {report.framework.version}"
    rows = [
        (_("Municipality"), info.municipality_name),
        (_("Municipality number"), info.municipality_number),
        (_("Year"), info.year),
        (_("Framework"), framework),
        (_("Status"), _("DRAFT – not published") if report.is_draft else info.status_label),
    ]
    if version is not None:
        rows.append(
            (
                _("Version"),
                _("Version %(number)s, published %(date)s")
                % {
                    "number": version.number,
                    "date": date_format(localtime(version.published_at), "DATE_FORMAT"),
                },
            )
        )
    if report.incomplete:
        rows.append((_("Incomplete"), _("Not every question is scored.")))
    rows += [
        (_("Evaluators"), ", ".join(report.evaluators)),
        (_("Total points"), _points(report.result)),
        (_("Maximum"), exact(report.result.max_points)),
        (_("Questions scored"), report.result.scored_count),
        (_("Questions"), report.result.question_count),
        (_("Not scored"), ", ".join(report.missing)),
        (_("Rank in comparison group"), report.standing.rank),
        (_("Municipalities in comparison group"), report.standing.size),
    ]
    whole = {_("Total points"), _("Maximum")}
    for row in rows:
        append_row(summary, row)
        if row[0] in whole:
            summary.cell(row=summary.max_row, column=2).number_format = WHOLE

    areas = new_sheet(
        workbook,
        _("Focus areas"),
        [_("Code"), _("Focus area"), _("Points"), _("Max"), _("Group average"), _("Missing")],
        [8, 44, 10, 8, 16, 24],
    )
    for area in report.areas:
        append_row(
            areas,
            [
                area.spec.code,
                pick_text(area.spec.name, language),
                _points(area.result),
                exact(area.result.max_points),
                exact(area.group_average),
                ", ".join(area.result.missing),
            ],
        )
    append_row(
        areas,
        [
            None,
            _("Total") + (f" ({_('Incomplete')})" if report.incomplete else ""),
            _points(report.result),
            exact(report.result.max_points),
            exact(report.group_average_total),
        ],
    )
    for column in (3, 4, 5):
        _format(areas, column, WHOLE)

    subareas = new_sheet(
        workbook,
        _("Sub-areas"),
        [_("Focus area"), _("Code"), _("Sub-area"), _("Points"), _("Max"), _("Missing")],
        [10, 8, 52, 10, 8, 24],
    )
    for area in report.areas:
        for subarea, node in area.subareas:
            append_row(
                subareas,
                [
                    area.spec.code,
                    subarea.code,
                    pick_text(subarea.name, language),
                    _points(node),
                    exact(subarea.max_points),
                    ", ".join(node.missing) if node is not None else "",
                ],
            )
    _format(subareas, 4, ONE_DECIMAL)
    _format(subareas, 5, ONE_DECIMAL)

    questions = new_sheet(
        workbook,
        _("Questions"),
        [_("Code"), _("Question"), *report.dimension_codes, _("Points"), _("Max"), _("Reason")],
        [8, 60, *[10] * len(report.dimension_codes), 10, 8, 80],
    )
    for row in report.questions:
        levels = dict(row.levels)
        append_row(
            questions,
            [
                row.spec.code,
                pick_text(row.spec.text, language),
                *[levels.get(code) for code in report.dimension_codes],
                _points(row.result),
                exact(row.spec.max_points),
                row.reason,
            ],
        )
    first_points = 3 + len(report.dimension_codes)
    _format(questions, first_points, ONE_DECIMAL)
    _format(questions, first_points + 1, ONE_DECIMAL)
    for cells in questions.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(
                vertical="top", wrap_text=cell.column in (2, first_points + 2)
            )

    findings = new_sheet(
        workbook,
        _("Findings"),
        [_("Focus area"), _("Kind"), _("No."), _("Finding"), _("Questions")],
        [10, 14, 6, 90, 20],
    )
    for area in report.areas:
        for group in area.findings:
            for number, finding in enumerate(group.items, start=1):
                append_row(
                    findings,
                    [
                        area.spec.code,
                        group.heading,
                        number,
                        finding.text,
                        ", ".join(finding.questions),
                    ],
                )

    forecast = report.forecast_result
    if forecast is not None:
        from kommunekompass.forecasts.exports import add_sheet

        add_sheet(workbook, forecast, _("Demographic forecast"))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
