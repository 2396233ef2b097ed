"""Reading a statistics file of either kind: the kind told by the content, unless given.

JSON is a population projection in JSON-stat 2.0 (jsonstat); a CSV or .xlsx file is a cost
table when its headers name kroner, a population projection when they name region, age and
year (tables). A file that is neither, or looks like both, is refused with advice.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kommunekompass.forecasts.jsonstat import read_jsonstat
from kommunekompass.forecasts.statfiles import COSTS, POPULATION, Refused, StatisticsFile
from kommunekompass.forecasts.tables import (
    COST_HEADERS,
    POPULATION_HEADERS,
    read_cost_table,
    read_population_table,
)
from kommunekompass.lib.tabular import FileUnreadable, decode, header_lookup, normalise_header

KINDS = (POPULATION, COSTS)


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


def guess_kind(data: bytes, file_name: str) -> str:
    if _looks_like_json(data):
        return POPULATION
    if data.startswith(b"PK\x03\x04"):
        from kommunekompass.lib.tabular import read_xlsx

        try:
            headers = read_xlsx(data, file_name, {}).headers
        except FileUnreadable as error:
            raise Refused(str(error)) from None
    else:
        try:
            text, _encoding = decode(data, file_name)
        except FileUnreadable as error:
            raise Refused(str(error)) from None
        lines = [line for line in text.splitlines() if line.strip()][:3]
        headers = [
            cell.strip().strip('"')
            for line in lines
            for cell in line.replace("\t", ";").replace(",", ";").split(";")
        ]
    normalised = {normalise_header(h) for h in headers}
    costs = header_lookup({"kroner": COST_HEADERS["kroner"]})
    population = header_lookup(
        {"age": POPULATION_HEADERS["age"], "year": POPULATION_HEADERS["year"]}
    )
    is_costs = bool(normalised & set(costs))
    is_population = {"age", "year"} <= {population[h] for h in normalised if h in population}
    if is_costs and not is_population:
        return COSTS
    if is_population and not is_costs:
        return POPULATION
    raise Refused(
        _(
            "%(file)s: cannot tell whether this is a population projection or a cost table. "
            "Give the kind (population or costs), and see docs/forecast.md for the formats."
        )
        % {"file": file_name}
    )


def read_statistics(data: bytes, file_name: str, kind: str | None = None) -> StatisticsFile:
    """Read and check a file; raises Refused when it cannot be read at all."""
    if not data.strip():
        raise Refused(_("%(file)s: the file is empty.") % {"file": file_name})
    kind = kind or guess_kind(data, file_name)
    if kind == COSTS:
        if _looks_like_json(data):
            raise Refused(
                _("%(file)s: a cost table is a CSV or .xlsx file (see docs/forecast.md).")
                % {"file": file_name}
            )
        return read_cost_table(data, file_name)
    if _looks_like_json(data):
        return read_jsonstat(data, file_name)
    return read_population_table(data, file_name)
