"""Reading result files as offices write them. Pure: bytes in, a table out.

Accepted: .xlsx (the first sheet), and CSV separated by semicolons or commas, in UTF-8 (with or
without a byte order mark) or Windows-1252. Headers may be Norwegian, Swedish or English; each
is mapped to a canonical column name. Numbers may use a decimal comma or point.

The readers map headers with HEADERS (result files) unless given another mapping of canonical
name -> aliases, as other importers do (e.g. improvement.measurement_import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# canonical column -> the headers that mean it (compared in lower case, spaces collapsed)
HEADERS = {
    "municipality_number": [
        "kommunenummer",
        "kommunenr",
        "kommunenr.",
        "knr",
        "municipality number",
        "municipality_number",
        "kommunkod",
        "kommunnummer",
    ],
    "municipality": ["kommune", "kommunenavn", "municipality", "kommun", "kommunnamn"],
    "country": ["land", "country"],
    "year": ["år", "year", "årstall", "evalueringsår"],
    "framework": ["rammeverk", "framework", "ramverk"],
    "version": ["versjon", "version"],
    "code": ["kode", "code", "kod", "nr", "område", "delområde", "spørsmål", "fråga"],
    "points": ["poeng", "points", "poäng", "poengsum", "sum", "score"],
    "reason": ["begrunnelse", "reason", "motivering", "kommentar", "comment"],
    "system": ["system", "system/prosess", "system/process", "system/process (0-3)"],
    "scope": ["omfang", "scope", "omfattning"],
    "result": ["resultat", "result", "resultat/analyse", "result/analysis", "resultat/analys"],
}
Headers = dict[str, list[str]]


def _normalise(header) -> str:
    return re.sub(r"\s+", " ", str(header or "").strip().lower())


def _lookup_for(headers: Headers) -> dict[str, str]:
    return {_normalise(alias): key for key, aliases in headers.items() for alias in aliases}


_LOOKUP = _lookup_for(HEADERS)


class FileUnreadable(ValueError):
    """The file is not a spreadsheet or CSV file this reader understands."""


@dataclass
class Table:
    filename: str
    headers: list[str]  # as written in the file
    columns: dict[str, str]  # canonical name -> header as written
    rows: list[tuple[int, dict[str, str]]]  # (line or row number in the file, canonical -> text)
    unknown_headers: list[str] = field(default_factory=list)
    dialect: str = ""  # e.g. "CSV, semicolon, UTF-8 with BOM"


def canonical(header: str, headers: Headers | None = None) -> str | None:
    """The canonical column a header names (None: not one of `headers`; default HEADERS)."""
    lookup = _LOOKUP if headers is None else _lookup_for(headers)
    return lookup.get(_normalise(header))


def parse_number(text) -> Decimal | None:
    """A number as offices write it: "6,7", "6.7", " 19,8 ", "1 234,5", "1.234,5". Blank: None.

    Raises ValueError for anything else.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return Decimal(str(text))
    value = str(text).strip().replace("\u00a0", "").replace(" ", "")
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
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", value):
        raise ValueError(text)
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(text) from error


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "Windows-1252"


def _table(filename, header_row, body, dialect, headers: Headers | None = None) -> Table:
    lookup = _LOOKUP if headers is None else _lookup_for(headers)
    written = [str(h or "").strip() for h in header_row]
    keys = [lookup.get(_normalise(header)) for header in written]
    columns, unknown = {}, []
    for header, key in zip(written, keys, strict=True):
        if key is None:
            if header:
                unknown.append(header)
        elif key not in columns:
            columns[key] = header
    rows = []
    for number, cells in body:
        values = {}
        for key, cell in zip(keys, cells, strict=False):
            if key is not None and key not in values:
                values[key] = "" if cell is None else cell
        if any(str(v).strip() for v in values.values()):
            rows.append((number, values))
    return Table(filename, written, columns, rows, unknown, dialect)


def read_csv(data: bytes, filename: str, headers: Headers | None = None) -> Table:
    text, encoding = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    numbered = [(reader.line_num, row) for row in reader]
    numbered = [(n, row) for n, row in numbered if any(cell.strip() for cell in row)]
    if not numbered:
        raise FileUnreadable(f"{filename}: the file is empty.")
    (_, header_row), body = numbered[0], numbered[1:]
    name = "semicolon" if delimiter == ";" else "comma"
    return _table(filename, header_row, body, f"CSV, {name}-separated, {encoding}", headers)


def read_xlsx(data: bytes, filename: str, headers: Headers | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileUnreadable(f"{filename}: not a readable .xlsx file ({error}).") from error
    sheet = workbook.worksheets[0]
    numbered = [
        (number, list(row))
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(cell not in (None, "") for cell in row)
    ]
    workbook.close()
    if not numbered:
        raise FileUnreadable(f"{filename}: the first sheet is empty.")
    (_, header_row), body = numbered[0], numbered[1:]
    body = [
        (
            number,
            ["" if c is None else (str(c) if not isinstance(c, (int, float)) else c) for c in row],
        )
        for number, row in body
    ]
    return _table(filename, header_row, body, f"Excel workbook, sheet “{sheet.title}”", headers)


def read_table(data: bytes, filename: str, headers: Headers | None = None) -> Table:
    """Read a results file; the kind is told by its content (a .xlsx is a zip archive).

    `headers` maps canonical column names to the headers that mean them; None: HEADERS.
    """
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, filename, headers)
    if b"\x00" in data[:4096]:
        raise FileUnreadable(f"{filename}: not a CSV or .xlsx file.")
    return read_csv(data, filename, headers)
