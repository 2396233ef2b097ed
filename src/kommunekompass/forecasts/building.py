"""A municipality's forecast from the stored statistics, and its JSON-ready form.

`build_forecast` picks the latest population source that has the municipality's figures in
the alternative (SSB for Norwegian municipalities, SCB for Swedish ones) and the latest cost
table (or the sources asked for), and runs the pure arithmetic. `ForecastResult` is plain data:
the page, the command line, the exports and the report all render it; `to_data` / `from_data`
keep it exactly (fractions as text) in a published version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from kommunekompass.forecasts import arithmetic
from kommunekompass.forecasts.models import (
    CostFigure,
    PopulationFigure,
    Publisher,
    StatisticsSource,
)

PUBLISHER_OF_COUNTRY = {"NO": Publisher.SSB, "SE": Publisher.SCB}
DEFAULT_ALTERNATIVE = "MMMM"


class ForecastUnavailable(ValueError):
    """The stored statistics cannot give this forecast; the message says what is missing."""


@dataclass(frozen=True)
class SourceInfo:
    kind: str
    publisher: str
    table_id: str
    title: str
    downloaded_on: datetime.date
    file_name: str
    sha256: str
    price_year: int | None

    @property
    def publisher_label(self) -> str:
        return str(dict(Publisher.choices).get(self.publisher, self.publisher))

    @classmethod
    def of(cls, source: StatisticsSource) -> SourceInfo:
        return cls(
            source.kind,
            source.publisher,
            source.table_id,
            source.title,
            source.downloaded_on,
            source.file_name,
            source.sha256,
            source.price_year,
        )


@dataclass(frozen=True)
class ForecastRow:
    year: int
    changes: list[Fraction]
    total: Fraction


@dataclass(frozen=True)
class ForecastResult:
    municipality_name: str
    municipality_number: str
    alternative: str
    start: int
    years: int
    services: list[tuple[str, str]]  # (code, name) in the cost table's order
    forecast: arithmetic.Forecast
    population_source: SourceInfo
    cost_source: SourceInfo

    @property
    def price_year(self) -> int | None:
        return self.cost_source.price_year

    @property
    def end(self) -> int:
        return self.start + self.years - 1

    @property
    def rows(self) -> list[ForecastRow]:
        codes = [code for code, _name in self.services]
        return [
            ForecastRow(
                year,
                [self.forecast.change(year, code) for code in codes],
                self.forecast.year_sum(year),
            )
            for year in self.forecast.years
        ]

    @property
    def period_sums(self) -> list[Fraction]:
        return [self.forecast.period_sum(code) for code, _name in self.services]

    @property
    def period_total(self) -> Fraction:
        return self.forecast.period_sum()

    @property
    def early_years(self) -> tuple[int, ...]:
        return self.forecast.early_years

    @property
    def early_sums(self) -> list[Fraction]:
        return [self.forecast.early_sum(code) for code, _name in self.services]

    @property
    def early_total(self) -> Fraction:
        return self.forecast.early_sum()

    @property
    def show_early(self) -> bool:
        return len(self.forecast.years) > len(self.early_years)


def alternatives_for(municipality) -> list[str]:
    publisher = PUBLISHER_OF_COUNTRY.get(municipality.country)
    found = (
        PopulationFigure.objects.filter(
            municipality_number=municipality.number, source__publisher=publisher
        )
        .values_list("alternative", flat=True)
        .distinct()
    )
    return sorted(set(found), key=lambda a: (a != DEFAULT_ALTERNATIVE, a))


def _population_source(municipality, alternative, source_id=None) -> StatisticsSource:
    figures = PopulationFigure.objects.filter(
        municipality_number=municipality.number,
        alternative=alternative,
        source__publisher=PUBLISHER_OF_COUNTRY.get(municipality.country),
    )
    if source_id is not None:
        figures = figures.filter(source_id=source_id)
    latest = figures.order_by("-source__loaded_at", "-source_id").values("source_id").first()
    if latest is None:
        raise ForecastUnavailable(
            _(
                "No population projection is loaded for %(municipality)s (%(number)s) in the "
                "alternative “%(alternative)s”."
            )
            % {
                "municipality": municipality.name,
                "number": municipality.number,
                "alternative": alternative,
            }
        )
    return StatisticsSource.objects.get(pk=latest["source_id"])


def _cost_source(source_id=None) -> StatisticsSource:
    sources = StatisticsSource.objects.filter(kind=StatisticsSource.Kind.COSTS)
    if source_id is not None:
        sources = sources.filter(pk=source_id)
    source = sources.order_by("-loaded_at", "-pk").first()
    if source is None:
        raise ForecastUnavailable(_("No cost table is loaded."))
    return source


def build_forecast(
    municipality,
    *,
    alternative: str,
    start: int,
    years: int,
    population_source_id=None,
    cost_source_id=None,
) -> ForecastResult:
    population_source = _population_source(municipality, alternative, population_source_id)
    cost_source = _cost_source(cost_source_id)
    costs = list(CostFigure.objects.filter(source=cost_source).order_by("position", "age_from"))
    services: list[tuple[str, str]] = []
    groups: list[arithmetic.AgeGroup] = []
    kroner = {}
    for figure in costs:
        group = (figure.age_from, figure.age_to)
        if (figure.service, figure.service_name) not in services:
            services.append((figure.service, figure.service_name))
        if group not in groups:
            groups.append(group)
        kroner[(group, figure.service)] = figure.kroner
    table = arithmetic.CostTable(tuple(groups), tuple(code for code, _n in services), kroner)
    population: dict[int, dict[arithmetic.AgeGroup, int]] = {}
    for age_from, age_to, year, persons in PopulationFigure.objects.filter(
        source=population_source,
        municipality_number=municipality.number,
        alternative=alternative,
        year__gte=start - 1,
        year__lte=start + years - 1,
    ).values_list("age_from", "age_to", "year", "persons"):
        population.setdefault(year, {})[(age_from, age_to)] = persons
    try:
        result = arithmetic.forecast(population, table, start, years)
    except arithmetic.MissingYear as missing:
        raise ForecastUnavailable(
            _(
                "The population projection (%(file)s) has no figures for %(year)s; the forecast "
                "from %(start)s needs the years %(first)s to %(last)s."
            )
            % {
                "file": population_source.file_name,
                "year": missing.year,
                "start": start,
                "first": start - 1,
                "last": start + years - 1,
            }
        ) from None
    except arithmetic.AgeGroupMismatch as mismatch:
        raise ForecastUnavailable(
            _(
                "The population's age group %(group)s does not fit the cost table's age groups "
                "(%(groups)s): download single years of age."
            )
            % {
                "group": arithmetic.group_label(mismatch.group),
                "groups": ", ".join(arithmetic.group_label(g) for g in groups),
            }
        ) from None
    return ForecastResult(
        municipality_name=municipality.name,
        municipality_number=municipality.number,
        alternative=alternative,
        start=start,
        years=years,
        services=services,
        forecast=result,
        population_source=SourceInfo.of(population_source),
        cost_source=SourceInfo.of(cost_source),
    )


# --- as data, for published versions ------------------------------------------------------------


def _source_data(info: SourceInfo) -> dict:
    return {
        "kind": info.kind,
        "publisher": info.publisher,
        "table_id": info.table_id,
        "title": info.title,
        "downloaded_on": info.downloaded_on.isoformat(),
        "file_name": info.file_name,
        "sha256": info.sha256,
        "price_year": info.price_year,
    }


def _source_from(data: dict) -> SourceInfo:
    return SourceInfo(
        **{**data, "downloaded_on": datetime.date.fromisoformat(data["downloaded_on"])}
    )


def to_data(result: ForecastResult) -> dict:
    forecast = result.forecast
    return {
        "municipality": {"name": result.municipality_name, "number": result.municipality_number},
        "alternative": result.alternative,
        "start": result.start,
        "years": result.years,
        "first_years": forecast.first_years,
        "services": [[code, name] for code, name in result.services],
        "changes": {
            str(year): {code: str(forecast.change(year, code)) for code in forecast.services}
            for year in forecast.years
        },
        "population_source": _source_data(result.population_source),
        "cost_source": _source_data(result.cost_source),
    }


def from_data(data: dict) -> ForecastResult:
    services = [(code, name) for code, name in data["services"]]
    years = tuple(int(year) for year in data["changes"])
    forecast = arithmetic.Forecast(
        tuple(code for code, _name in services),
        years,
        {
            int(year): {code: Fraction(value) for code, value in changes.items()}
            for year, changes in data["changes"].items()
        },
        data.get("first_years", 4),
    )
    return ForecastResult(
        municipality_name=data["municipality"]["name"],
        municipality_number=data["municipality"]["number"],
        alternative=data["alternative"],
        start=data["start"],
        years=data["years"],
        services=services,
        forecast=forecast,
        population_source=_source_from(data["population_source"]),
        cost_source=_source_from(data["cost_source"]),
    )


def attached_forecast_data(evaluation) -> dict | None:
    """The forecast attached to the evaluation as data: its figures, or the reason it cannot
    be made now ({"unavailable": message}); None when none is attached."""
    from kommunekompass.forecasts.models import AttachedForecast

    attached = AttachedForecast.objects.filter(evaluation_id=evaluation.pk).first()
    if attached is None:
        return None
    try:
        result = build_forecast(
            evaluation.municipality,
            alternative=attached.alternative,
            start=attached.start,
            years=attached.years,
        )
    except ForecastUnavailable as error:
        return {
            "unavailable": str(error),
            "alternative": attached.alternative,
            "start": attached.start,
            "years": attached.years,
        }
    return to_data(result)
