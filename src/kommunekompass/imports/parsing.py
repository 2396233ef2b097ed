"""Reading result files as offices write them: the result columns, over lib.tabular's reader.

Accepted: .xlsx (the first sheet), and CSV separated by semicolons, commas or tabs, in UTF-8
(with or without a byte order mark), UTF-16 with a byte order mark, or Windows-1252. Headers may
be Norwegian, Swedish or English; each is mapped to a canonical column name. Numbers may use a
decimal comma or point. The limits come from the settings (RESULT_IMPORT_LIMITS).
"""

from __future__ import annotations

from django.conf import settings

from kommunekompass.lib.tabular import (
    CellProblem,
    FileUnreadable,
    Headers,
    Limits,
    Table,
    header_lookup,
    normalise_header,
    parse_number,
)
from kommunekompass.lib.tabular import read_table as read_any_table

__all__ = [
    "HEADERS",
    "CellProblem",
    "FileUnreadable",
    "Limits",
    "Table",
    "canonical",
    "limits",
    "parse_number",
    "read_table",
]

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
_LOOKUP = header_lookup(HEADERS)


def limits() -> Limits:
    """The limits of a results import, from the settings."""
    return Limits.from_mapping(getattr(settings, "RESULT_IMPORT_LIMITS", None))


def canonical(header: str, headers: Headers | None = None) -> str | None:
    """The canonical column a header names (None: not one of `headers`; default HEADERS)."""
    lookup = _LOOKUP if headers is None else header_lookup(headers)
    return lookup.get(normalise_header(header))


def read_table(
    data: bytes, filename: str, headers: Headers | None = None, limit: Limits | None = None
) -> Table:
    """Read a results file (CSV or .xlsx, told by its content) with the result headers.

    `headers` maps canonical column names to the headers that mean them; None: HEADERS."""
    return read_any_table(
        data, filename, HEADERS if headers is None else headers, limit or limits()
    )
