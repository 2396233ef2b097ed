"""The forecast table as CSV or .xlsx: the figures of the page, in 1000 kroner.

The workbook stores every figure exactly (the float nearest the fraction) with a whole-number
format, so Excel's own sums agree with the table's; texts go through lib.xlsx (never formulas).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kommunekompass.forecasts.arithmetic import rounded
from kommunekompass.lib.xlsx import append_row, new_sheet


def title(result) -> str:
    return _(
        "Estimated yearly change in the municipality's expenditure need (1000 kroner) per "
        "service area from population changes"
    )


def header(result) -> list[str]:
    return [_("Year"), *[name for _code, name in result.services], _("Sum")]


def table_rows(result, exact=False) -> list[list]:
    """The rows of the table: each year, then the period's sums (exact or rounded)."""
    show = (lambda v: v) if exact else rounded
    rows = [[row.year, *[show(v) for v in row.changes], show(row.total)] for row in result.rows]
    years = result.forecast.years
    rows.append(
        [
            _("Sum %(first)s–%(last)s") % {"first": years[0], "last": years[-1]},
            *[show(v) for v in result.period_sums],
            show(result.period_total),
        ]
    )
    if result.show_early:
        early = result.early_years
        rows.append(
            [
                _("Sum %(first)s–%(last)s") % {"first": early[0], "last": early[-1]},
                *[show(v) for v in result.early_sums],
                show(result.early_total),
            ]
        )
    return rows


def sources_lines(result) -> list[tuple[str, str]]:
    population, costs = result.population_source, result.cost_source
    return [
        (_("Municipality"), f"{result.municipality_name} ({result.municipality_number})"),
        (_("Projection alternative"), result.alternative),
        (_("Fixed prices"), str(result.price_year or "–")),
        (
            _("Population projection"),
            f"{population.publisher_label} {population.table_id}, {population.file_name}, "
            f"{_('downloaded')} {population.downloaded_on.isoformat()}, "
            f"SHA-256 {population.sha256}",
        ),
        (
            _("Cost table"),
            f"{costs.publisher_label}, {costs.file_name}, {_('downloaded')} "
            f"{costs.downloaded_on.isoformat()}, SHA-256 {costs.sha256}",
        ),
    ]


def render_csv(result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow([title(result)])
    writer.writerow(header(result))
    writer.writerows(table_rows(result))
    writer.writerow([])
    for label, value in sources_lines(result):
        writer.writerow([label, value])
    return buffer.getvalue()


def render_text(result) -> str:
    """A plain text table for the terminal."""
    rows = [header(result)] + [[str(cell) for cell in row] for row in table_rows(result)]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [title(result), ""]
    for row in rows:
        cells = [str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)]
        cells[0] = str(row[0]).ljust(widths[0])
        lines.append("  ".join(cells))
    lines.append("")
    lines += [f"{label}: {value}" for label, value in sources_lines(result)]
    return "\n".join(lines) + "\n"


def add_sheet(workbook, result, sheet_title: str | None = None) -> None:
    columns = header(result)
    sheet = new_sheet(
        workbook, sheet_title or _("Forecast"), columns, [16, *[14] * (len(columns) - 1)]
    )
    for row in table_rows(result, exact=True):
        append_row(sheet, [row[0], *[float(v) if v.denominator != 1 else int(v) for v in row[1:]]])
    for cells in sheet.iter_rows(min_row=2, min_col=2):
        for cell in cells:
            cell.number_format = "#,##0"
    append_row(sheet, [])
    append_row(sheet, [title(result)])
    for label, value in sources_lines(result):
        append_row(sheet, [label, value])


def render_xlsx(result) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, result)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
