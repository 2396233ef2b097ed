"""Comparison groups: which municipalities an evaluation is compared with.

A group has a key that fits in a URL: "all", "country-NO", "county-Vestland",
"population-5000-20000", "custom-7". `latest_evaluations` gives, for a group and a framework
version, the latest published evaluation of each member municipality. `report_group` is the
group an evaluation's report compares with (a ReportGroup row; none: "all").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from kommunekompass.comparisons.models import ComparisonGroup, ReportGroup
from kommunekompass.comparisons.ranking import Member
from kommunekompass.evaluations.models import Evaluation, Municipality
from kommunekompass.evaluations.summaries import summaries_for

# Population bands (inhabitants, lower bound inclusive, upper bound exclusive).
POPULATION_BANDS = [(0, 5_000), (5_000, 20_000), (20_000, 50_000), (50_000, None)]


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    filter: Q
    custom_group_id: int | None = None  # for a custom group: its ComparisonGroup


class UnknownGroup(LookupError):
    pass


def _band_name(low: int, high: int | None) -> str:
    if high is None:
        return _("over %(low)s inhabitants") % {"low": f"{low:,}".replace(",", " ")}
    if low == 0:
        return _("under %(high)s inhabitants") % {"high": f"{high:,}".replace(",", " ")}
    return _("%(low)s–%(high)s inhabitants") % {
        "low": f"{low:,}".replace(",", " "),
        "high": f"{high:,}".replace(",", " "),
    }


def _band_filter(low: int, high: int | None) -> Q:
    condition = Q(population__gte=low)
    if high is not None:
        condition &= Q(population__lt=high)
    return condition


def get_group(key: str, user=None) -> Group:
    """The group with this key; raises UnknownGroup. With `user`, a custom group only if the
    user may see it (ComparisonGroupQuerySet.visible_to)."""
    kind, _sep, value = key.partition("-")
    if key == "all":
        return Group("all", _("all evaluated municipalities"), Q())
    if kind == "country" and value in dict(Municipality.Country.choices):
        label = dict(Municipality.Country.choices)[value]
        return Group(key, _("municipalities in %(country)s") % {"country": label}, Q(country=value))
    if kind == "county" and value:
        return Group(key, _("municipalities in %(county)s") % {"county": value}, Q(county=value))
    if kind == "population":
        for low, high in POPULATION_BANDS:
            if value == f"{low}-{high or ''}".rstrip("-"):
                return Group(key, _band_name(low, high), _band_filter(low, high))
    if kind == "custom" and value.isdigit():
        groups = (
            ComparisonGroup.objects.all()
            if user is None
            else (ComparisonGroup.objects.visible_to(user))
        )
        group = groups.filter(pk=int(value)).first()
        if group is not None:
            return _custom(group)
    raise UnknownGroup(key)


def population_bands() -> list[tuple[str, str]]:
    """The population bands as (key, name): "0-5000", "under 5 000 inhabitants"."""
    return [
        (f"{low}-{high or ''}".rstrip("-"), _band_name(low, high)) for low, high in POPULATION_BANDS
    ]


def matching(country: str = "", county: str = "", band: str = ""):
    """The municipalities that match the filters given (empty: not filtered by that); none
    when no filter is given."""
    if not (country or county or band):
        return Municipality.objects.none()
    condition = Q()
    if country:
        condition &= Q(country=country)
    if county:
        condition &= Q(county=county)
    if band:
        for low, high in POPULATION_BANDS:
            if band == f"{low}-{high or ''}".rstrip("-"):
                condition &= _band_filter(low, high)
                break
        else:
            return Municipality.objects.none()
    return Municipality.objects.filter(condition)


def _custom(group: ComparisonGroup) -> Group:
    return Group(f"custom-{group.pk}", group.name, Q(comparison_groups=group), group.pk)


def report_group(evaluation) -> Group:
    """The group the evaluation's report compares with: its ReportGroup, or "all" (also when a
    built-in key names a group that no longer exists, e.g. a county nobody is in)."""
    return report_groups([evaluation])[evaluation.pk]


def report_groups(evaluations) -> dict[int, Group]:
    """`report_group` of each evaluation, in one query: {evaluation id: group}."""
    rows = {
        row.evaluation_id: row
        for row in ReportGroup.objects.filter(
            evaluation__in=[e.pk for e in evaluations]
        ).select_related("custom_group")
    }
    return {e.pk: _chosen(rows.get(e.pk)) for e in evaluations}


def _chosen(row: ReportGroup | None) -> Group:
    if row is None:
        return get_group("all")
    if row.custom_group is not None:
        return _custom(row.custom_group)
    try:
        return get_group(row.key)
    except UnknownGroup:
        return get_group("all")


def group_choices(user) -> list[tuple[str, str]]:
    """Every group `user` can choose now: built-in ones, counties in use, the custom groups
    they may see."""
    choices = [("all", get_group("all").name)]
    for code, _label in Municipality.Country.choices:
        choices.append((f"country-{code}", get_group(f"country-{code}").name))
    for low, high in POPULATION_BANDS:
        key = f"population-{low}-{high or ''}".rstrip("-")
        choices.append((key, _band_name(low, high)))
    counties = (
        Municipality.objects.exclude(county="")
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )
    choices += [(f"county-{county}", get_group(f"county-{county}").name) for county in counties]
    custom = ComparisonGroup.objects.visible_to(user).order_by("name", "pk")
    choices += [(f"custom-{g.pk}", g.name) for g in custom.only("pk", "name")]
    return choices


def latest_evaluations(group: Group, framework) -> list[Evaluation]:
    """The latest published evaluation with `framework` of each municipality in the group."""
    evaluations = list(
        Evaluation.objects.latest_per_municipality(framework)
        .filter(municipality__in=Municipality.objects.filter(group.filter))
        .select_related("municipality")
        .only(
            "pk",
            "year",
            "revision",
            "result_level",
            "status",
            "framework_id",
            "municipality__name",
            "municipality__number",
            "municipality__country",
        )
        .order_by("municipality__name", "pk")
    )
    for evaluation in evaluations:
        evaluation.framework = framework  # one framework for all: no query, no copies
    return evaluations


def group_rows(group: Group, framework) -> list[Member]:
    """The group's latest published evaluations with their summaries, in one query (plus the
    computing of any summary that is missing or stale, which happens once per change)."""
    latest = Evaluation.objects.latest_per_municipality(framework).filter(
        municipality__in=Municipality.objects.filter(group.filter)
    )
    fields = (
        "pk",
        "municipality_id",
        "municipality__name",
        "year",
        "result_level",
        "revision",
        "summary__revision",
        "summary__total",
        "summary__areas",
        "summary__complete",
    )
    rows = list(latest.values_list(*fields))
    stale = [row[0] for row in rows if row[6] is None or row[6] != row[5]]
    if stale:
        evaluations = list(Evaluation.objects.filter(pk__in=stale).select_related("framework"))
        summaries_for(evaluations)
        rows = list(latest.values_list(*fields))
    return [
        Member(
            pk,
            name,
            year,
            total,
            # Floats are plenty for showing and averaging area points in a table, and they
            # are read four times faster than decimals; totals and ranks stay decimal.
            # An area with nothing scored (null) has no points: shown as "–", not 0.
            {code: float(points) for code, points in (areas or {}).items() if points is not None},
            municipality_id,
            level,
            complete,
        )
        for pk, municipality_id, name, year, level, _rev, _srev, total, areas, complete in rows
    ]
