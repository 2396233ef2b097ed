"""A survey's results, read in a fixed number of queries however many answers it has: the
database adds up the sums per statement, unit and period (one GROUP BY), and
surveys.arithmetic turns sums into O, F, K and intervals.

The anonymity rule is applied here, once, for the page, the export and the indicator: a
group (a unit in a period, or a whole period) shows figures and free texts only when it has at
least the survey's threshold of respondents; free texts only when the owner has not withheld
them, and only per period (never per unit).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Count, F, IntegerField, Sum

from kommunekompass.surveys.arithmetic import Figures, Sums, figures, shown
from kommunekompass.surveys.models import Answer, Response, Statement


@dataclass
class Cell:
    respondents: int
    figures: Figures | None  # None: too few respondents, withheld


@dataclass
class Line:
    label: str
    cells: list[Cell]  # one per period


@dataclass
class UnitResults:
    """The results of a unit, or of a background group (then `unit` is the group's name)."""

    unit: object
    lines: list[Line]
    respondents: list[int]  # per period

    @property
    def name(self) -> str:
        return getattr(self.unit, "name", self.unit)


@dataclass
class PeriodTotal:
    respondents: int
    experience: float | None
    expectation: float | None
    quality: float | None


@dataclass
class Results:
    survey: object
    periods: list
    units: list
    statements: list
    respondents: list[int]  # per period
    overall: list[Line]  # per statement, all units
    totals: list[Cell]  # per period: all statements and units pooled
    by_unit: list[UnitResults]
    by_group: list[UnitResults] = field(default_factory=list)
    texts: list[tuple[object, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def period_totals(self) -> list[tuple[object, Cell]]:
        return list(zip(self.periods, self.totals, strict=True))

    @property
    def any_shown(self) -> bool:
        return any(cell.figures is not None for cell in self.totals)


def _sums(survey):
    """{(statement, period, unit, group): Sums} from one GROUP BY."""
    answers = Answer.objects.filter(
        response__survey=survey,
        statement__kind=Statement.Kind.SCALE,
        experience__isnull=False,
    )
    if survey.asks_expectation:
        answers = answers.filter(expectation__isnull=False)
    product = {"output_field": IntegerField()}
    rows = answers.values(
        "statement_id", "response__period_id", "response__unit_id", "response__group"
    ).annotate(
        n=Count("id"),
        o=Sum("experience"),
        f=Sum("expectation"),
        oo=Sum(F("experience") * F("experience"), **product),
        ff=Sum(F("expectation") * F("expectation"), **product),
        of=Sum(F("experience") * F("expectation"), **product),
    )
    return {
        (
            row["statement_id"],
            row["response__period_id"],
            row["response__unit_id"],
            row["response__group"],
        ): Sums(
            row["n"], row["o"] or 0, row["f"] or 0, row["oo"] or 0, row["ff"] or 0, row["of"] or 0
        )
        for row in rows
    }


def _respondents(survey) -> dict:
    rows = (
        Response.objects.filter(survey=survey)
        .values("period_id", "unit_id", "group")
        .annotate(n=Count("id"))
    )
    return {(row["period_id"], row["unit_id"], row["group"]): row["n"] for row in rows}


def _cell(sums: Sums, respondents: int, survey, *, pooled: bool = False) -> Cell:
    """A group's figures, or only its count below the threshold. A pooled cell (all statements
    together) has no interval: one respondent's pairs are not independent of each other."""
    if not shown(respondents, survey.threshold):
        return Cell(respondents, None)
    result = figures(sums, survey.asks_expectation)
    return Cell(respondents, replace(result, low=None, high=None) if pooled else result)


def results_of(survey, language: str = "nb", *, with_texts: bool = True) -> Results:
    periods = list(survey.periods.all())
    units = list(survey.units.all())
    statements = list(survey.statements.all())
    scale = [s for s in statements if s.kind == Statement.Kind.SCALE]
    sums = _sums(survey)
    counts = _respondents(survey)

    def total(statement_ids, period, unit=None, group=None) -> Sums:
        """The sums of the statements in the period, of one unit or group, or of all."""
        result = Sums()
        for (s, p, u, g), value in sums.items():
            if s in statement_ids and p == period.pk:
                if (unit is None or u == unit.pk) and (group is None or g == group):
                    result = result + value
        return result

    def respondents(period, unit=None, group=None) -> int:
        return sum(
            n
            for (p, u, g), n in counts.items()
            if p == period.pk and (unit is None or u == unit.pk) and (group is None or g == group)
        )

    def section(unit=None, group=None) -> UnitResults:
        numbers = [respondents(p, unit, group) for p in periods]
        lines = [
            Line(
                label[s.pk],
                [
                    _cell(total({s.pk}, p, unit, group), n, survey)
                    for p, n in zip(periods, numbers, strict=True)
                ],
            )
            for s in scale
        ]
        lines.append(
            Line(
                "",
                [
                    _cell(total(scale_ids, p, unit, group), n, survey, pooled=True)
                    for p, n in zip(periods, numbers, strict=True)
                ],
            )
        )
        return UnitResults(unit if unit is not None else group, lines, numbers)

    scale_ids = {s.pk for s in scale}
    label = {s.pk: s.text_in(language, survey.language) for s in statements}
    everyone = section()
    results = Results(
        survey,
        periods,
        units,
        statements,
        respondents=everyone.respondents,
        overall=everyone.lines[:-1],
        totals=everyone.lines[-1].cells,
        by_unit=[section(unit=unit) for unit in units],
        by_group=[section(group=group) for group in survey.groups],
    )
    if with_texts:
        results.texts = _texts(survey, periods, everyone.respondents, label)
    return results


def _texts(survey, periods, per_period, label):
    """The free texts of each period that may be shown, sorted by text (not by when they came
    in, which could point to a respondent)."""
    if survey.withhold_free_text:
        return []
    allowed = [p.pk for p, n in zip(periods, per_period, strict=True) if shown(n, survey.threshold)]
    if not allowed:
        return []
    rows = (
        Answer.objects.filter(
            response__survey=survey,
            response__period_id__in=allowed,
            statement__kind=Statement.Kind.TEXT,
        )
        .exclude(text="")
        .order_by("statement__number", "text")
        .values_list("response__period_id", "statement_id", "text")
    )
    by_period = {pk: [] for pk in allowed}
    for period_id, statement_id, text in rows:
        by_period[period_id].append((label[statement_id], text))
    return [(p, by_period[p.pk]) for p in periods if by_period.get(p.pk)]


def period_total(survey, period) -> PeriodTotal | None:
    """The period's pooled figures (all statements and units), or None below the threshold."""
    results = results_of(survey, with_texts=False)
    index = [p.pk for p in results.periods].index(period.pk)
    cell = results.totals[index]
    if cell.figures is None:
        return None
    f = cell.figures
    return PeriodTotal(cell.respondents, f.experience, f.expectation, f.quality)
