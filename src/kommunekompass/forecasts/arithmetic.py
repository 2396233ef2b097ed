"""The arithmetic of the demographic expenditure forecast. Pure: no Django, no database.

need(year, service) = Σ over age groups of population(group, year) × kroner(group, service)
change(year, service) = need(year, service) − need(year − 1, service)

Figures are exact (`Fraction`) throughout; the forecast gives them in 1000 kroner at the cost
table's fixed prices. Rounding is for display only, and sums are taken of the exact figures.

An age group is `(from, to)`, both inclusive, `to` None for "and older". The population may
come in single years of age or in groups; each of its groups must lie inside one group of the
cost table (`regroup`), else the figures cannot be matched and `AgeGroupMismatch` says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

AgeGroup = tuple[int, int | None]
THOUSAND = 1000


class AgeGroupMismatch(ValueError):
    """A population age group that lies in no cost group, or across two of them."""

    def __init__(self, group: AgeGroup):
        super().__init__(group)
        self.group = group


class MissingYear(ValueError):
    """The population has no figures for a year the forecast needs."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


def contains(outer: AgeGroup, inner: AgeGroup) -> bool:
    """Whether every age of `inner` lies in `outer`."""
    if inner[0] < outer[0]:
        return False
    if outer[1] is None:
        return True
    return inner[1] is not None and inner[1] <= outer[1]


def overlaps(first: AgeGroup, second: AgeGroup) -> bool:
    lo = max(first[0], second[0])
    highs = [h for h in (first[1], second[1]) if h is not None]
    return not highs or lo <= min(highs)


def group_label(group: AgeGroup) -> str:
    """ "0–5", "90+" or "7"."""
    low, high = group
    if high is None:
        return f"{low}+"
    if high == low:
        return str(low)
    return f"{low}–{high}"


@dataclass(frozen=True)
class CostTable:
    """Kroner per inhabitant for each age group and service area."""

    groups: tuple[AgeGroup, ...]
    services: tuple[str, ...]
    kroner: Mapping[tuple[AgeGroup, str], Fraction | Decimal | int]

    def cost(self, group: AgeGroup, service: str) -> Fraction:
        return Fraction(self.kroner[(group, service)])

    def scaled(self, factor) -> CostTable:
        return CostTable(
            self.groups,
            self.services,
            {key: Fraction(value) * Fraction(factor) for key, value in self.kroner.items()},
        )


def regroup(population: Mapping[AgeGroup, int], groups: Iterable[AgeGroup]) -> dict[AgeGroup, int]:
    """The population summed into the cost table's groups."""
    groups = list(groups)
    summed = {group: 0 for group in groups}
    for age, persons in population.items():
        home = next((group for group in groups if contains(group, age)), None)
        if home is None:
            raise AgeGroupMismatch(age)
        summed[home] += persons
    return summed


def need(population: Mapping[AgeGroup, int], costs: CostTable) -> dict[str, Fraction]:
    """The expenditure need per service area, in kroner, of one year's population."""
    grouped = regroup(population, costs.groups)
    return {
        service: sum(
            (grouped[group] * costs.cost(group, service) for group in costs.groups), Fraction(0)
        )
        for service in costs.services
    }


@dataclass(frozen=True)
class Forecast:
    """The yearly change in expenditure need per service area, in 1000 kroner, exact."""

    services: tuple[str, ...]
    years: tuple[int, ...]
    changes: Mapping[int, Mapping[str, Fraction]]
    first_years: int = 4

    def change(self, year: int, service: str) -> Fraction:
        return self.changes[year][service]

    def year_sum(self, year: int) -> Fraction:
        return sum((self.changes[year][s] for s in self.services), Fraction(0))

    def period_sum(self, service: str | None = None, years: Iterable[int] | None = None):
        chosen = self.years if years is None else tuple(years)
        if service is None:
            return sum((self.year_sum(year) for year in chosen), Fraction(0))
        return sum((self.changes[year][service] for year in chosen), Fraction(0))

    @property
    def early_years(self) -> tuple[int, ...]:
        return self.years[: self.first_years]

    def early_sum(self, service: str | None = None) -> Fraction:
        return self.period_sum(service, self.early_years)


def forecast(
    population_by_year: Mapping[int, Mapping[AgeGroup, int]],
    costs: CostTable,
    start: int,
    years: int,
    first_years: int = 4,
) -> Forecast:
    """The change in need for each year from `start` for `years` years, each from the year
    before (so the population of `start − 1` is needed too)."""
    needed = range(start - 1, start + years)
    for year in needed:
        if year not in population_by_year:
            raise MissingYear(year)
    needs = {year: need(population_by_year[year], costs) for year in needed}
    changes = {
        year: {
            service: (needs[year][service] - needs[year - 1][service]) / THOUSAND
            for service in costs.services
        }
        for year in range(start, start + years)
    }
    return Forecast(tuple(costs.services), tuple(range(start, start + years)), changes, first_years)


def rounded(value: Fraction) -> int:
    """The nearest whole number, halves away from zero (as a spreadsheet rounds)."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))
