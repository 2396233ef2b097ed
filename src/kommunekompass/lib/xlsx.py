"""Writing .xlsx workbooks so that what people typed stays what they typed.

openpyxl stores a string that begins with "=" as a formula, and Excel and LibreOffice read text
beginning with "=", "+", "-" or "@" as one when it is not marked as text. Every workbook the app
writes therefore puts its cells through `append_row` (or `write_text`): a string is stored as a
string cell (`data_type = "s"`, an inline string in the file, never an `<f>` element), a number
as a number, a date as a date.

Control characters that XML 1.0 cannot hold (C0 except tab, line feed and carriage return)
make openpyxl refuse the whole workbook. The forms refuse them, but older data may hold them; a
workbook shows each visibly as [U+000B] instead of failing (docs/reliability.md).
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="E3F0F8")


def visible_controls(text: str) -> str:
    """`text` with each character a workbook cannot hold written as [U+000B]."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def write_text(cell, value: str) -> None:
    """Store `value` in `cell` as text, whatever it begins with."""
    cell.value = visible_controls(str(value))
    cell.data_type = "s"


def append_row(sheet, values) -> None:
    """Append a row: strings as text (never formulas), everything else as it is."""
    values = list(values)
    sheet.append([visible_controls(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = "s"


def new_sheet(workbook, title: str, headers: list[str], widths: list[int]):
    """A sheet with a bold, shaded header row, column widths and the header frozen."""
    sheet = workbook.create_sheet(title[:31])
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet
