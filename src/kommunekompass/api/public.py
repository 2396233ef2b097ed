"""The public part of the API: frameworks, published results (from the published versions'
snapshots), comparison groups that are public, and rankings. Anyone may call these; with a
token they answer the same (published results are the same for everyone)."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from kommunekompass.api.auth import OptionalToken
from kommunekompass.api.figures import LEVELS, decimal_points, exact
from kommunekompass.api.published import filtered, latest_public_versions, ordered, rows
from kommunekompass.api.schemas import (
    Error,
    FrameworkDetail,
    FrameworkList,
    GroupOut,
    Ranking,
    ResultList,
)
from kommunekompass.comparisons.groups import UnknownGroup, get_group, group_choices
from kommunekompass.comparisons.ranking import Member, ranked
from kommunekompass.evaluations.models import Municipality
from kommunekompass.frameworks.models import Framework

router = Router(auth=OptionalToken(), tags=["public"])

MAX_LIMIT = 200


class Paging(Schema):
    limit: int = 50
    offset: int = 0


def page_of(items, paging: Paging):
    """(count, the slice asked for); limit 1..MAX_LIMIT, offset >= 0 (else 422)."""
    if not 1 <= paging.limit <= MAX_LIMIT:
        raise HttpError(422, _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT})
    if paging.offset < 0:
        raise HttpError(422, _("offset must not be negative."))
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    return count, items[paging.offset : paging.offset + paging.limit]


def _framework_out(framework: Framework) -> dict:
    return {
        "key": framework.key,
        "version": framework.version,
        "name": framework.name,
        "checksum": framework.checksum,
        "max_points": float(framework.max_points),
    }


@router.get("/frameworks", response=FrameworkList, summary="The frameworks loaded")
def frameworks(request, paging: Query[Paging]):
    found = Framework.objects.defer("document", "source").order_by("key", "version")
    count, items = page_of(found, paging)
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [_framework_out(f) for f in items],
    }


def _framework(key: str, version: str) -> Framework:
    framework = Framework.objects.filter(key=key, version=version).first()
    if framework is None:
        raise Http404(_("No such framework."))
    return framework


@router.get(
    "/frameworks/{key}/{version}",
    response={200: FrameworkDetail, 404: Error},
    summary="A framework version with its structure and texts",
)
def framework_detail(request, key: str, version: str):
    framework = _framework(key, version)
    spec = framework.spec

    def question(q):
        return {
            "code": q.code,
            "text": dict(q.text),
            "guidance": dict(q.guidance or {}),
            "max_points": float(q.max_points),
            "dimensions": [
                {
                    "code": d.code,
                    "name": dict(d.name),
                    "levels": [{"value": lv.value, "label": dict(lv.label)} for lv in d.levels],
                }
                for d in q.scheme.dimensions
            ],
        }

    return {
        **_framework_out(framework),
        "description": framework.description or {},
        "perspectives": [
            {
                "code": p.code,
                "name": dict(p.name),
                "max_points": float(p.max_points),
                "areas": [
                    {
                        "code": a.code,
                        "name": dict(a.name),
                        "max_points": float(a.max_points),
                        "subareas": [
                            {
                                "code": s.code,
                                "name": dict(s.name),
                                "max_points": float(s.max_points),
                                "questions": [question(q) for q in s.questions],
                            }
                            for s in a.subareas
                        ],
                    }
                    for a in p.areas
                ],
            }
            for p in spec.perspectives
        ],
    }


class ResultFilters(Schema):
    municipality: str | None = None  # the municipality's number
    country: str | None = None
    year: int | None = None
    framework: str | None = None
    framework_version: str | None = None
    levels: str = "total,perspective,area"


def wanted_levels(text: str) -> tuple[str, ...]:
    levels = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [level for level in levels if level not in LEVELS]
    if unknown or not levels:
        raise HttpError(
            422,
            _("levels must be a comma-separated list of %(levels)s.")
            % {"levels": ", ".join(LEVELS)},
        )
    return levels


def figure_out(figure, reasons: dict | None = None) -> dict:
    out = {
        "level": figure.level,
        "code": figure.code,
        "parent": figure.parent,
        "name": figure.name,
        "points": decimal_points(figure.points),
        "points_exact": exact(figure.points),
        "max_points": decimal_points(figure.max_points),
        "levels": figure.levels,
    }
    if reasons is not None and figure.level == "question":
        out["reason"] = reasons.get(figure.code, "")
    return out


def result_out(row: dict) -> dict:
    reasons = row.get("reasons")
    return {
        "evaluation_id": row["evaluation_id"],
        "version": row["number"],
        "published_at": row["published_at"],
        "complete": row["complete"],
        "municipality": {
            "number": row["evaluation__municipality__number"],
            "name": row["evaluation__municipality__name"],
            "country": row["evaluation__municipality__country"],
            "county": row["evaluation__municipality__county"],
        },
        "year": row["evaluation__year"],
        "framework": row["framework__key"],
        "framework_version": row["framework__version"],
        "report_url": f"/reports/{row['evaluation_id']}/v/{row['number']}/",
        "figures": [figure_out(f, reasons) for f in row["figures"]],
    }


@router.get(
    "/results",
    response={200: ResultList, 422: Error},
    summary="Published results: the latest version of every public evaluation",
)
def results(request, filters: Query[ResultFilters], paging: Query[Paging]):
    levels = wanted_levels(filters.levels)
    versions = ordered(
        filtered(
            latest_public_versions(),
            **filters.dict(exclude={"levels"}),
        )
    )
    count, page = page_of(versions, paging)
    found = rows(page, levels, with_reasons="question" in levels)
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [result_out(row) for row in found],
    }


def public_group(key: str):
    """A built-in group, or a custom group its owner made public."""
    try:
        return get_group(key, user=AnonymousUser())
    except UnknownGroup:
        raise Http404(_("No such comparison group.")) from None


@router.get("/comparison-groups", response=list[GroupOut], summary="Public comparison groups")
def comparison_groups(request):
    found = []
    for key, _name in group_choices(AnonymousUser()):
        group = get_group(key)
        found.append(
            {
                "key": key,
                "name": group.name,
                "municipality_count": Municipality.objects.filter(group.filter).aggregate(
                    n=Count("pk", distinct=True)
                )["n"],
            }
        )
    return found


class RankingQuery(Schema):
    framework: str = "kommunekompass"
    framework_version: str | None = None
    group: str = "all"
    include_incomplete: bool = False


@router.get(
    "/rankings",
    response={200: Ranking, 404: Error},
    summary="The ranking of a comparison group by published total",
)
def ranking(request, query: Query[RankingQuery]):
    frameworks = Framework.objects.defer("document", "source").filter(key=query.framework)
    if query.framework_version:
        frameworks = frameworks.filter(version=query.framework_version)
    framework = frameworks.order_by("-version").first()
    if framework is None:
        raise Http404(_("No such framework."))
    group = public_group(query.group)
    versions = latest_public_versions().filter(
        framework=framework,
        evaluation__municipality__in=Municipality.objects.filter(group.filter),
    )
    latest = {}  # the latest public evaluation of each municipality
    for row in versions.order_by("evaluation__year", "evaluation_id").values(
        "evaluation_id",
        "number",
        "complete",
        "data__total",
        "evaluation__year",
        "evaluation__municipality_id",
        "evaluation__municipality__number",
        "evaluation__municipality__name",
        "evaluation__municipality__country",
        "evaluation__municipality__county",
    ):
        latest[row["evaluation__municipality_id"]] = row
    chosen = [r for r in latest.values() if query.include_incomplete or r["complete"]]
    members = [
        Member(
            r["evaluation_id"],
            r["evaluation__municipality__name"],
            r["evaluation__year"],
            Fraction(r["data__total"] or 0),
            {},
        )
        for r in chosen
    ]
    by_id = {r["evaluation_id"]: r for r in chosen}
    first_place = {}
    ordered_members = ranked(members)
    for position, member in enumerate(ordered_members, start=1):
        first_place.setdefault(member.total, position)
    return {
        "framework": framework.key,
        "framework_version": framework.version,
        "group": group.key,
        "group_name": group.name,
        "include_incomplete": query.include_incomplete,
        "count": len(members),
        "rows": [
            {
                "rank": first_place[m.total],
                "evaluation_id": m.key,
                "version": by_id[m.key]["number"],
                "municipality": {
                    "number": by_id[m.key]["evaluation__municipality__number"],
                    "name": by_id[m.key]["evaluation__municipality__name"],
                    "country": by_id[m.key]["evaluation__municipality__country"],
                    "county": by_id[m.key]["evaluation__municipality__county"],
                },
                "year": m.year,
                "total": decimal_points(m.total),
                "total_exact": exact(m.total),
                "complete": by_id[m.key]["complete"],
            }
            for m in ordered_members
        ],
    }
