"""The part of the API that depends on who calls: evaluations as the caller may see them
(drafts included where their role allows) and the caller's own account. (What changes things
is in scoring, findings, workflow, improvement and imports.) The access rules are the pages'
(evaluations.access): 404 for what the caller may not see, 403 for what they may see but not
do, 401 without a valid token where one is needed."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from kommunekompass.api.auth import OptionalToken, TokenAuth, caller
from kommunekompass.api.figures import LEVELS, figures
from kommunekompass.api.public import Paging, figure_out, page_of, result_out, wanted_levels
from kommunekompass.api.published import rows
from kommunekompass.api.schemas import (
    Error,
    EvaluationList,
    EvaluationOut,
    LiveResult,
    ResultOut,
    UserOut,
)
from kommunekompass.evaluations.access import (
    get_evaluation,
    is_evaluator,
    result_visible_evaluations,
)
from kommunekompass.evaluations.models import PublishedVersion
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.imports.access import may_import

router = Router(auth=OptionalToken(), tags=["evaluations"])
writing = Router(auth=TokenAuth(), tags=["with a token"])


def _municipality(evaluation) -> dict:
    m = evaluation.municipality
    return {"number": m.number, "name": m.name, "country": m.country, "county": m.county}


def _evaluation_out(evaluation) -> dict:
    return {
        "id": evaluation.pk,
        "municipality": _municipality(evaluation),
        "year": evaluation.year,
        "framework": evaluation.framework.key,
        "framework_version": evaluation.framework.version,
        "status": evaluation.status,
        "published_version": evaluation.published_version,
        "public": evaluation.is_public,
    }


class EvaluationFilters(Schema):
    municipality: str | None = None
    country: str | None = None
    year: int | None = None
    framework: str | None = None
    status: str | None = None


@router.get(
    "/evaluations",
    response={200: EvaluationList, 401: Error, 422: Error},
    summary="The evaluations the caller may see (without a token: the public ones)",
)
def evaluations(request, filters: Query[EvaluationFilters], paging: Query[Paging]):
    found = result_visible_evaluations(caller(request)).with_framework()
    if filters.municipality:
        found = found.filter(municipality__number=filters.municipality)
    if filters.country:
        found = found.filter(municipality__country=filters.country.upper())
    if filters.year:
        found = found.filter(year=filters.year)
    if filters.framework:
        found = found.filter(framework__key=filters.framework)
    if filters.status:
        found = found.filter(status=filters.status)
    found = found.order_by("municipality__name", "year", "pk")
    count, page = page_of(found, paging)
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [_evaluation_out(e) for e in page],
    }


@router.get(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationOut, 401: Error, 404: Error},
    summary="One evaluation, if the caller may see it",
)
def evaluation(request, evaluation_id: int):
    found, _access = get_evaluation(caller(request), evaluation_id, "result")
    return _evaluation_out(found)


@router.get(
    "/evaluations/{evaluation_id}/versions/{number}",
    response={200: ResultOut, 401: Error, 404: Error, 422: Error},
    summary="The figures of one published version, from its snapshot",
)
def published_version(request, evaluation_id: int, number: int, levels: str = ",".join(LEVELS)):
    wanted = wanted_levels(levels)
    found, _access = get_evaluation(caller(request), evaluation_id, "result")
    if not 1 <= number <= found.published_version:
        raise Http404(_("No such version."))
    versions = PublishedVersion.objects.filter(evaluation=found, number=number)
    return result_out(rows(versions, wanted, with_reasons="question" in wanted)[0])


@router.get(
    "/evaluations/{evaluation_id}/live",
    response={200: LiveResult, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="Today's figures, computed from the scores (drafts: for those who may see them)",
)
def live_result(request, evaluation_id: int, levels: str = ",".join(LEVELS)):
    wanted = wanted_levels(levels)
    found, _access = get_evaluation(caller(request), evaluation_id, "scores")
    result = evaluation_result(found)
    return {
        "evaluation_id": found.pk,
        "status": found.status,
        "live": True,
        "figures": [figure_out(f) for f in figures(result, found.framework.spec, wanted)],
    }


@writing.get("/me", response={200: UserOut, 401: Error}, summary="The token's user")
def me(request):
    user = request.auth
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "evaluator": is_evaluator(user),
        "may_import_results": may_import(user),
        "memberships": [
            {
                "municipality": m.municipality.number,
                "country": m.municipality.country,
                "role": m.role,
            }
            for m in user.memberships.select_related("municipality")
        ],
    }
