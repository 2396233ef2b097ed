"""The report as an .xlsx workbook: every figure as a real number, formatted for Excel.

Number formats are written in Excel's neutral notation ("0.0"); Norwegian Excel shows them
with a decimal comma. Sheet names and headings follow the active language.
"""

from __future__ import annotations

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.reports.data import Report
from kommunekompass.scoring.display import round_points

HEADER_FILL = PatternFill("solid", fgColor="E3F0F8")
ONE_DECIMAL = "0.0"
WHOLE = "0"


def _number(value, decimals: int):
    """An exact value as a number Excel stores, rounded as the report shows it."""
    if value is None:
        return None
    rounded = round_points(value, decimals)
    return int(rounded) if decimals == 0 else float(rounded)


def _sheet(workbook, title: str, headers: list[str], widths: list[int]):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _format(sheet, column: int, number_format: str) -> None:
    for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        for cell in row:
            cell.number_format = number_format


def render_xlsx(report: Report) -> bytes:
    language = get_language() or "nb"
    evaluation = report.evaluation
    workbook = Workbook()
    workbook.remove(workbook.active)

    summary = _sheet(workbook, _("Summary"), [_("Item"), _("Value")], [34, 60])
    rows = [
        (_("Municipality"), evaluation.municipality.name),
        (_("Municipality number"), evaluation.municipality.number),
        (_("Year"), evaluation.year),
        (_("Framework"), f"{pick_text(report.spec.name, language)} {evaluation.framework.version}"),
        (_("Status"), str(evaluation.get_status_display())),
        (_("Evaluators"), ", ".join(report.evaluators)),
        (_("Total points"), _number(report.result.points, 0)),
        (_("Maximum"), _number(report.result.max_points, 0)),
        (_("Questions scored"), report.result.scored_count),
        (_("Questions"), report.result.question_count),
        (_("Not scored"), ", ".join(report.missing)),
        (_("Rank in comparison group"), report.standing.rank),
        (_("Municipalities in comparison group"), report.standing.size),
    ]
    for row in rows:
        summary.append(row)

    areas = _sheet(
        workbook,
        _("Focus areas"),
        [_("Code"), _("Focus area"), _("Points"), _("Max"), _("Group average"), _("Missing")],
        [8, 44, 10, 8, 16, 24],
    )
    for area in report.areas:
        areas.append(
            [
                area.spec.code,
                pick_text(area.spec.name, language),
                _number(area.result.points, 0),
                _number(area.result.max_points, 0),
                _number(area.group_average, 0),
                ", ".join(area.result.missing),
            ]
        )
    areas.append(
        [
            None,
            _("Total"),
            _number(report.result.points, 0),
            _number(report.result.max_points, 0),
            _number(report.group_average_total, 0),
        ]
    )
    for column in (3, 4, 5):
        _format(areas, column, WHOLE)

    subareas = _sheet(
        workbook,
        _("Sub-areas"),
        [_("Focus area"), _("Code"), _("Sub-area"), _("Points"), _("Max"), _("Missing")],
        [10, 8, 52, 10, 8, 24],
    )
    for area in report.areas:
        for subarea, node in area.subareas:
            subareas.append(
                [
                    area.spec.code,
                    subarea.code,
                    pick_text(subarea.name, language),
                    _number(node.points, 1),
                    _number(node.max_points, 1),
                    ", ".join(node.missing),
                ]
            )
    _format(subareas, 4, ONE_DECIMAL)
    _format(subareas, 5, ONE_DECIMAL)

    questions = _sheet(
        workbook,
        _("Questions"),
        [_("Code"), _("Question"), *report.dimension_codes, _("Points"), _("Max"), _("Reason")],
        [8, 60, *[10] * len(report.dimension_codes), 10, 8, 80],
    )
    for row in report.questions:
        levels = dict(row.levels)
        questions.append(
            [
                row.spec.code,
                pick_text(row.spec.text, language),
                *[levels.get(code) for code in report.dimension_codes],
                _number(row.result.points, 1),
                _number(row.spec.max_points, 1),
                row.reason,
            ]
        )
    first_points = 3 + len(report.dimension_codes)
    _format(questions, first_points, ONE_DECIMAL)
    _format(questions, first_points + 1, ONE_DECIMAL)
    for cells in questions.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(
                vertical="top", wrap_text=cell.column in (2, first_points + 2)
            )

    findings = _sheet(
        workbook,
        _("Findings"),
        [_("Focus area"), _("Kind"), _("No."), _("Finding"), _("Questions")],
        [10, 14, 6, 90, 20],
    )
    for area in report.areas:
        for _kind, heading, items in area.findings:
            for number, finding in enumerate(items, start=1):
                findings.append(
                    [
                        area.spec.code,
                        heading,
                        number,
                        finding.text,
                        ", ".join(sorted(q.code for q in finding.questions.all())),
                    ]
                )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
