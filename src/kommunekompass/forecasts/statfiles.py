"""What the statistics files hold, once read: shared by the JSON-stat and the table readers.

A reader returns a `StatisticsFile`: the kind, the publisher and table it names, and its rows,
or the problems found (each naming the file and the row and column or the JSON path). Nothing
here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

POPULATION = "population"
COSTS = "costs"

SSB, SCB, OWN = "ssb", "scb", "own"

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class PopulationRow:
    municipality: str
    alternative: str
    age_from: int
    age_to: int | None
    year: int
    persons: int


@dataclass(frozen=True)
class CostRow:
    age_from: int
    age_to: int | None
    service: str  # code
    service_name: str
    kroner: Decimal


@dataclass
class StatisticsFile:
    kind: str
    file_name: str
    publisher: str = OWN
    table_id: str = ""
    title: str = ""
    price_year: int | None = None
    dialect: str = ""
    population: list[PopulationRow] = field(default_factory=list)
    costs: list[CostRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return len(self.population) + len(self.costs)


class Refused(ValueError):
    """The file cannot be read at all (its message says why, naming the file)."""


# --- ages, regions, alternatives as the publishers write them -----------------------------------

_SINGLE = re.compile(r"^0*(\d{1,3})(?:\s*(?:år|years?|år\.?))?$", re.IGNORECASE)
_OPEN = re.compile(
    r"^0*(\d{1,3})\s*(?:\+|år\+|år og eldre|år eller eldre|år och äldre|år eller äldre"
    r"|years? and over|years? and older|\+ år|-)$",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^0*(\d{1,3})\s*[-–]\s*0*(\d{1,3})(?:\s*(?:år|years?))?$", re.IGNORECASE)


def parse_age(text: str) -> tuple[int, int | None] | None:
    """An age or age group: "017", "17 år", "105+", "105 år eller eldre", "100+ år", "0-5"."""
    value = " ".join(str(text).strip().split())
    if not value:
        return None
    # SSB writes a code and a label together in its CSV: "017 17 år".
    parts = value.split(" ", 1)
    if len(parts) == 2 and parts[0].isdigit():
        label = parse_age(parts[1])
        if label is not None and label[0] == int(parts[0]):
            return label
    match = _SINGLE.match(value)
    if match:
        age = int(match.group(1))
        return (age, age)
    match = _OPEN.match(value)
    if match:
        return (int(match.group(1)), None)
    match = _RANGE.match(value)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        return (low, high) if high >= low else None
    return None


def municipality_code(text: str) -> str:
    """ "5028", "K-5028", "5028 Melhus" or "0114 Upplands Väsby" -> "5028"; else the text."""
    value = str(text).strip()
    match = re.match(r"^(?:K-)?(\d{2,6})(?:\b|$)", value)
    return match.group(1) if match else value


def alternative_code(code: str, label: str = "") -> str:
    """ "Hovedalternativet (MMMM)" -> "MMMM"; otherwise the code as given."""
    for text in (label, code):
        match = re.search(r"\(([A-Z]{3,6})\)", str(text or ""))
        if match:
            return match.group(1)
    return str(code).strip()


_TOTAL_WORDS = ("begge kjønn", "i alt", "totalt", "total", "both sexes", "båda könen")


def is_total(code: str, label: str) -> bool:
    text = f"{code} {label}".lower()
    return str(code).strip() in {"0", "T", "TOT", "1+2", "999"} or any(
        word in text for word in _TOTAL_WORDS
    )


def publisher_from(text: str) -> str | None:
    value = str(text or "").lower()
    if "statistisk sentralbyrå" in value or "statistics norway" in value or value == "ssb":
        return SSB
    if "statistiska centralbyrån" in value or "statistics sweden" in value or value == "scb":
        return SCB
    return None


def table_id_from(text: str) -> str:
    """ "14288: Framskrevet folkemengde ..." -> "14288"."""
    match = re.match(r"^\s*(\d{5})\s*:", str(text or ""))
    return match.group(1) if match else ""


def capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [_("… and %(count)s more problems.") % {"count": more}]


def check_population(found: StatisticsFile, where) -> None:
    """Refuse overlapping age groups of the same region, alternative and year (a total beside
    its parts): `where(row)` names a row in the problem."""
    groups: dict[tuple, list[tuple[int, int | None]]] = {}
    for row in found.population:
        key = (row.municipality, row.alternative, row.year)
        groups.setdefault(key, [])
        age = (row.age_from, row.age_to)
        if age not in groups[key]:
            groups[key].append(age)
    for (municipality, _alternative, year), ages in groups.items():
        ages.sort(key=lambda a: a[0])
        for first, second in zip(ages, ages[1:], strict=False):
            if first[1] is None or first[1] >= second[0]:
                found.problems.append(
                    _(
                        "%(file)s: the age groups %(first)s and %(second)s overlap (region "
                        "%(region)s, %(year)s): the file holds a total beside its parts or two "
                        "groupings. Download single years of age (or one grouping) only."
                    )
                    % {
                        "file": found.file_name,
                        "first": _age_text(first),
                        "second": _age_text(second),
                        "region": municipality,
                        "year": year,
                    }
                )
                return


def _age_text(age) -> str:
    from kommunekompass.forecasts.arithmetic import group_label

    return group_label(age)
