"""Reading tables from CSV and .xlsx files as offices write them. No app, no database.

Bytes in, a `Table` out: the header row mapped to canonical column names (each importer gives
its own mapping of canonical name -> headers that mean it), and every row below it with its
number in the file (the line number of a CSV record's first line, even when a quoted cell spans
lines; the row number of a sheet). What cannot be read at all raises `FileUnreadable` with a
message naming the file (and, for bytes that are no character, the row and byte). What is wrong
with a row or a cell is a `CellProblem` in `Table.problems`, naming the row and the column, for
the importer to report with its own findings:

- a row with more cells than the header (with a hint about decimal commas in comma-separated
  files), a cell larger than the limit, more cells in a row than the limit;
- a control character (C0 except tab, line feed and carriage return; DEL; C1) in a cell;
- two headers that mean the same column.

Accepted: .xlsx (the first sheet; its zip is checked for its declared unpacked size and
compression ratio before it is opened), and CSV separated by semicolons, commas or tabs, in
UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark, or Windows-1252.
Limits (`Limits`) bound the size of the file, the rows, the cells per row, the size of a cell
and the unpacked size of a workbook.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kommunekompass.lib.text import describe_character, find_control_character

Headers = Mapping[str, list[str]]  # canonical column -> the headers that mean it

# We check the size of every cell ourselves, with a message; the csv module's own limit
# (128 KiB by default) would raise a bare csv.Error instead.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024  # the file
    max_rows: int = 200_000  # rows below the header
    max_cells: int = 500  # cells in one row
    max_field_bytes: int = 128 * 1024  # one cell, in UTF-8
    max_unpacked_bytes: int = 200 * 1024 * 1024  # an .xlsx file's members, unpacked
    max_ratio: int = 100  # unpacked / packed size of a large .xlsx member
    max_errors: int = 200  # problems listed; the rest are counted

    @classmethod
    def from_mapping(cls, values: Mapping[str, int] | None) -> Limits:
        return cls(**{k: int(v) for k, v in (values or {}).items() if k in cls.__annotations__})


class FileUnreadable(ValueError):
    """The file cannot be read as a table: the message names the file and says why."""


@dataclass(frozen=True)
class CellProblem:
    row: int
    column: str | None  # the header as written, or None for the whole row
    message: str


@dataclass
class Table:
    filename: str
    headers: list[str]  # as written in the file
    columns: dict[str, str]  # canonical name -> header as written
    rows: list[tuple[int, dict]]  # (row number in the file, canonical name -> cell)
    unknown_headers: list[str] = field(default_factory=list)
    dialect: str = ""  # e.g. "CSV, semicolon-separated, UTF-8 with BOM"
    header_row: int = 1
    problems: list[CellProblem] = field(default_factory=list)


def normalise_header(header) -> str:
    return re.sub(r"\s+", " ", str(header or "").strip().lower())


def header_lookup(headers: Headers) -> dict[str, str]:
    return {normalise_header(alias): key for key, aliases in headers.items() for alias in aliases}


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _size(value: int) -> str:
    if value >= 1024 * 1024:
        return _("%(size)s MB") % {"size": number_format(round(value / (1024 * 1024), 1))}
    return _("%(size)s KB") % {"size": number_format(math.ceil(value / 1024))}


# --- Numbers -----------------------------------------------------------------------------------


def parse_number(text) -> Decimal | None:
    """A number as offices write it: "6,7", "6.7", " 19,8 ", "1 234,5", "1.234,5". Blank: None.

    Raises ValueError for anything else, also for NaN and infinities.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, (int, float, Decimal)):
        number = Decimal(str(text))
        if not number.is_finite():
            raise ValueError(text)
        return number
    value = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value:
        return None
    if "," in value and "." in value:
        # The last separator is the decimal one; the other groups thousands.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    else:
        value = value.replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", value) or len(value) > 40:
        raise ValueError(text)
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(text) from error


# --- Decoding ----------------------------------------------------------------------------------


def _where(data: bytes, position: int) -> dict:
    return {"row": data.count(b"\n", 0, position) + 1, "byte": position + 1}


def decode(data: bytes, filename: str) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding; FileUnreadable names the row and
    byte of the first byte that is no character in the encodings tried."""
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as error:
                raise FileUnreadable(
                    _(
                        "%(file)s: row %(row)s, byte %(byte)s of the file is not valid "
                        "%(encoding)s, though the file starts with its byte order mark."
                    )
                    % {"file": filename, "encoding": name, **_where(data, error.start)}
                ) from None
    sample = data[:4096]
    if sample and sample.count(0) * 10 >= len(sample):
        raise FileUnreadable(
            _(
                "%(file)s: the file holds NUL bytes, so it is not a CSV text file (it may be "
                "UTF-16 without a byte order mark): save it as CSV UTF-8 or .xlsx."
            )
            % {"file": filename}
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as not_utf8:
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as error:
            first = _where(data, not_utf8.start)
            raise FileUnreadable(
                _(
                    "%(file)s: row %(row)s, byte %(byte)s of the file (0x%(value)02X) is no "
                    "character in Windows-1252, and the file is not UTF-8 either (row "
                    "%(utf8_row)s, byte %(utf8_byte)s). Tried: UTF-8, Windows-1252. Save the "
                    "file as CSV UTF-8."
                )
                % {
                    "file": filename,
                    "value": data[error.start],
                    "utf8_row": first["row"],
                    "utf8_byte": first["byte"],
                    **_where(data, error.start),
                }
            ) from None


# --- Shared by both readers --------------------------------------------------------------------


class _Builder:
    """Maps the header, checks the cells, and collects the rows of one table."""

    def __init__(self, filename, header_cells, header_row, headers, limits, hint):
        self.filename, self.limits, self.hint = filename, limits, hint
        self.problems: list[CellProblem] = []
        self.header_row = header_row
        written = [self._header_text(cell, index) for index, cell in enumerate(header_cells)]
        while written and not written[-1]:
            written.pop()
        lookup = header_lookup(headers)
        self.written = written
        self.keys = [lookup.get(normalise_header(header)) for header in written]
        self.columns: dict[str, str] = {}
        self.unknown: list[str] = []
        for header, key in zip(written, self.keys, strict=True):
            if key is None:
                if header:
                    self.unknown.append(header)
            elif key in self.columns:
                self.problems.append(
                    CellProblem(
                        header_row,
                        header,
                        _(
                            "columns “%(first)s” and “%(second)s” both give the %(what)s: "
                            "keep one of them."
                        )
                        % {
                            "first": self.columns[key],
                            "second": header,
                            "what": key.replace("_", " "),
                        },
                    )
                )
            else:
                self.columns[key] = header
        self.rows: list[tuple[int, dict]] = []

    def _header_text(self, cell, index) -> str:
        text = "" if cell is None else str(cell).strip()
        if self._bad_text(text, self.header_row, _("header %(number)s") % {"number": index + 1}):
            return ""
        return text

    def column_name(self, index: int) -> str:
        if index < len(self.written) and self.written[index]:
            return self.written[index]
        return _("column %(number)s") % {"number": index + 1}

    def _bad_text(self, text: str, row: int, column: str) -> bool:
        """Report a cell too large or with a control character; True if it has either."""
        if len(text) * 4 > self.limits.max_field_bytes:
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > self.limits.max_field_bytes:
                self.problems.append(
                    CellProblem(
                        row,
                        column,
                        _("the cell holds %(size)s; a cell may hold at most %(limit)s.")
                        % {"size": _size(size), "limit": _size(self.limits.max_field_bytes)},
                    )
                )
                return True
        position = find_control_character(text)
        if position is not None:
            self.problems.append(
                CellProblem(
                    row,
                    column,
                    _(
                        "the control character %(character)s at position %(position)s is not "
                        "allowed in a text; remove it."
                    )
                    % {"character": describe_character(text[position]), "position": position + 1},
                )
            )
            return True
        return False

    def add(self, number: int, cells: list) -> None:
        """Check one row and keep its cells by canonical name (blank rows are skipped)."""
        length = len(cells)
        while length and (cells[length - 1] is None or cells[length - 1] == ""):
            length -= 1
        if not length:
            return
        if isinstance(cells[0], str) and length == 1 and not cells[0].strip():
            return
        if length > self.limits.max_cells:
            self.problems.append(
                CellProblem(
                    number,
                    None,
                    _("the row has %(cells)s cells; a row may have at most %(limit)s.")
                    % {"cells": _count(length), "limit": _count(self.limits.max_cells)},
                )
            )
            return
        width = len(self.written)
        if length > width and any(
            isinstance(cell, str) and cell.strip() or not isinstance(cell, str) and cell is not None
            for cell in cells[width:length]
        ):
            if self.hint:
                message = _(
                    "the row has %(cells)s cells but the header has %(header)s: if the file "
                    "uses decimal commas, separate the columns with semicolons or quote the "
                    "numbers."
                )
            else:
                message = _(
                    "the row has %(cells)s cells but the header has %(header)s: give every "
                    "column a header, or remove the extra cells."
                )
            values = {"cells": length, "header": width}
            self.problems.append(CellProblem(number, None, message % values))
            return
        values: dict = {}
        blank = True
        for index in range(min(length, width)):
            cell = cells[index]
            if isinstance(cell, str):
                if cell and self._bad_text(cell, number, self.column_name(index)):
                    cell = ""
                elif blank and cell.strip():
                    blank = False
            elif cell is not None:
                blank = False
            key = self.keys[index]
            if key is not None and key not in values:
                values[key] = "" if cell is None else cell
        if blank:
            return
        self.rows.append((number, values))
        if len(self.rows) > self.limits.max_rows:
            raise FileUnreadable(
                _(
                    "%(file)s: the file has more than %(limit)s rows (row %(row)s); split it "
                    "into smaller files."
                )
                % {"file": self.filename, "limit": _count(self.limits.max_rows), "row": number}
            )

    def table(self, dialect: str) -> Table:
        return Table(
            self.filename,
            self.written,
            self.columns,
            self.rows,
            self.unknown,
            dialect,
            self.header_row,
            self.problems,
        )


def _check_size(data: bytes, filename: str, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise FileUnreadable(
            _("%(file)s: the file holds %(size)s; a file may hold at most %(limit)s.")
            % {"file": filename, "size": _size(len(data)), "limit": _size(limits.max_bytes)}
        )
    if not data.strip():
        raise FileUnreadable(_("%(file)s: the file is empty.") % {"file": filename})


# --- CSV ---------------------------------------------------------------------------------------

_DELIMITERS = {";": "semicolon", ",": "comma", "\t": "tab"}


def _delimiter(text: str) -> str:
    """The separator that splits the first non-blank record into the most cells (semicolon,
    then tab, then comma when equal)."""
    first = ""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            first = line
            break
    best, most = ";", 1
    for candidate in (";", "\t", ","):
        try:
            cells = next(csv.reader([first], delimiter=candidate), [])
        except csv.Error:
            continue
        if len(cells) > most:
            best, most = candidate, len(cells)
    return best


def read_csv(data: bytes, filename: str, headers: Headers, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    _check_size(data, filename, limits)
    text, encoding = decode(data, filename)
    if not text.strip():
        raise FileUnreadable(_("%(file)s: the file is empty.") % {"file": filename})
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    builder = None
    last_line = 0
    try:
        for cells in reader:
            number, last_line = last_line + 1, reader.line_num
            if builder is None:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > limits.max_cells:
                    raise FileUnreadable(
                        _("%(file)s: the header has %(cells)s cells; at most %(limit)s.")
                        % {
                            "file": filename,
                            "cells": _count(len(cells)),
                            "limit": _count(limits.max_cells),
                        }
                    )
                builder = _Builder(filename, cells, number, headers, limits, delimiter == ",")
                continue
            builder.add(number, cells)
    except csv.Error as error:
        raise FileUnreadable(
            _("%(file)s: row %(row)s cannot be read as CSV (%(error)s).")
            % {"file": filename, "row": last_line + 1, "error": error}
        ) from None
    if builder is None:
        raise FileUnreadable(_("%(file)s: the file is empty.") % {"file": filename})
    kind = {
        ";": _("semicolon-separated"),
        ",": _("comma-separated"),
        "\t": _("tab-separated"),
    }[delimiter]
    return builder.table(_("CSV, %(kind)s, %(encoding)s") % {"kind": kind, "encoding": encoding})


# --- XLSX --------------------------------------------------------------------------------------


def check_workbook_zip(data: bytes, filename: str, limits: Limits) -> None:
    """Refuse an .xlsx file whose members would unpack to more than the limit, or one large
    member packed more tightly than real sheets are (a zip bomb), before anything unpacks it.
    The sizes are those the zip declares; the zip reader never unpacks more than declared."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise FileUnreadable(
            _("%(file)s: not a readable .xlsx file (%(error)s).")
            % {"file": filename, "error": error}
        ) from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes or len(members) > 10_000:
        raise FileUnreadable(
            _(
                "%(file)s: the workbook unpacks to %(size)s; at most %(limit)s is read. Save "
                "the data alone (one sheet) or as CSV."
            )
            % {
                "file": filename,
                "size": _size(unpacked),
                "limit": _size(limits.max_unpacked_bytes),
            }
        )
    for member in members:
        if member.file_size > 1024 * 1024 and (
            member.file_size > limits.max_ratio * max(member.compress_size, 1)
        ):
            raise FileUnreadable(
                _(
                    "%(file)s: the workbook's part %(part)s is packed %(ratio)s to 1, more "
                    "tightly than a real sheet is: it is refused unread."
                )
                % {
                    "file": filename,
                    "part": member.filename[:100],
                    "ratio": _count(member.file_size // max(member.compress_size, 1)),
                }
            )


def _xlsx_cell(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float, Decimal, datetime.date, datetime.time)):
        return value
    return str(value)


def read_xlsx(data: bytes, filename: str, headers: Headers, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    _check_size(data, filename, limits)
    check_workbook_zip(data, filename, limits)
    from openpyxl import load_workbook

    builder = None
    title = ""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise FileUnreadable(_("%(file)s: the workbook has no sheet.") % {"file": filename})
            sheet = workbook.worksheets[0]
            title = str(sheet.title)
            sheet.reset_dimensions()  # rows as long as their cells, not the declared width
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_xlsx_cell(cell) for cell in row[: limits.max_cells + 1]]
                if builder is None:
                    if not any(c not in (None, "") and str(c).strip() for c in cells):
                        continue
                    builder = _Builder(filename, cells, number, headers, limits, False)
                    continue
                if len(row) > limits.max_cells:
                    cells = list(row)  # reported as too long, with its real length
                builder.add(number, cells)
        finally:
            workbook.close()
    except FileUnreadable:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file  # noqa: BLE001
        raise FileUnreadable(
            _("%(file)s: not a readable .xlsx file (%(error)s).")
            % {"file": filename, "error": str(error)[:200] or type(error).__name__}
        ) from None
    if builder is None:
        raise FileUnreadable(_("%(file)s: the first sheet is empty.") % {"file": filename})
    return builder.table(_("Excel workbook, sheet “%(sheet)s”") % {"sheet": title})


def read_table(data: bytes, filename: str, headers: Headers, limits: Limits | None = None) -> Table:
    """Read a CSV or .xlsx file; the kind is told by its content (a .xlsx is a zip archive)."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, filename, headers, limits)
    return read_csv(data, filename, headers, limits)
