"""A survey's results as an .xlsx workbook, by the same anonymity rule as the page: a group
below the threshold shows only that it has too few respondents, and free texts appear only
where the page shows them. Text cells go through lib.xlsx, so they never become formulas."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kommunekompass.lib.xlsx import append_row, new_sheet
from kommunekompass.surveys.results import results_of


def _figures(cell, too_few: str) -> list:
    f = cell.figures
    if f is None:
        return [cell.respondents, too_few, None, None, None, None]

    def r(value, places):
        return None if value is None else round(value, places)

    return [
        cell.respondents,
        r(f.experience, 3),
        r(f.expectation, 3),
        r(f.quality, 4),
        r(f.low, 4),
        r(f.high, 4),
    ]


def results_workbook(survey, language: str = "nb") -> bytes:
    with translation.override(language):
        results = results_of(survey, language)
        too_few = _("Fewer than %(n)d respondents") % {"n": survey.threshold}
        workbook = Workbook()
        workbook.remove(workbook.active)
        headers = [
            _("Period"),
            _("Unit or group"),
            _("Statement"),
            _("Respondents"),
            _("O (experienced)"),
            _("F (expected)"),
            _("K = O / F"),
            _("95% interval, from"),
            _("95% interval, to"),
        ]
        sheet = new_sheet(workbook, _("Results"), headers, [16, 24, 50, 12, 12, 12, 10, 14, 14])
        everyone, all_statements = _("All units"), _("All statements")
        for index, period in enumerate(results.periods):
            for line in results.overall:
                append_row(
                    sheet,
                    [period.name, everyone, line.label, *_figures(line.cells[index], too_few)],
                )
            append_row(
                sheet,
                [period.name, everyone, all_statements, *_figures(results.totals[index], too_few)],
            )
            for unit_results in results.by_unit + results.by_group:
                for line in unit_results.lines:
                    append_row(
                        sheet,
                        [
                            period.name,
                            unit_results.name,
                            line.label or all_statements,
                            *_figures(line.cells[index], too_few),
                        ],
                    )
        if results.texts:
            texts = new_sheet(
                workbook, _("Free texts"), [_("Period"), _("Question"), _("Answer")], [16, 40, 80]
            )
            for period, items in results.texts:
                for question, text in items:
                    append_row(texts, [period.name, question, text])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
