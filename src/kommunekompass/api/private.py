"""The part of the API that depends on who calls: evaluations as the caller may see them
(drafts included where their role allows), the caller's own account, and importing results
and measurements. The access rules are the pages' (evaluations.access, imports.access,
improvement.access): 404 for what the caller may not see, 403 for what they may see but not
do, 401 without a valid token where one is needed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kommunekompass.api.auth import OptionalToken, TokenAuth, caller
from kommunekompass.api.figures import LEVELS, figures
from kommunekompass.api.public import Paging, figure_out, page_of, result_out, wanted_levels
from kommunekompass.api.published import rows
from kommunekompass.api.schemas import (
    Error,
    EvaluationList,
    EvaluationOut,
    ImportOut,
    IndicatorOut,
    LiveResult,
    MeasurementImportOut,
    Problems,
    ResultOut,
    UserOut,
)
from kommunekompass.evaluations.access import (
    get_evaluation,
    is_evaluator,
    result_visible_evaluations,
)
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.imports.access import may_import
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable, limits
from kommunekompass.improvement import services as improvement_services
from kommunekompass.improvement.access import get_project
from kommunekompass.improvement.measurement_import import limits as measurement_limits
from kommunekompass.improvement.models import Indicator

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


def _refused(detail: str, errors: list[dict]):
    return Status(422, {"detail": detail, "errors": errors})


class ResultImportQuery(Schema):
    dry_run: bool = False
    framework: str | None = None  # where the file names none
    framework_version: str | None = None


@writing.post(
    "/imports/results",
    response={200: ImportOut, 201: ImportOut, 401: Error, 403: Error, 422: Problems},
    summary="Import published results from a CSV or .xlsx file (all or nothing)",
)
def import_result_file(request, query: Query[ResultImportQuery], file: File[UploadedFile]):
    user = request.auth
    if not may_import(user):
        raise PermissionDenied(_("Only those allowed to import results may do so."))
    if file.size > limits().max_bytes:
        return _refused(
            _("The file is too large."), [{"field": "file", "message": _("The file is too large.")}]
        )
    default = None
    if query.framework:
        default = (query.framework, query.framework_version or "")
    try:
        outcome = import_results(
            file.read(), file.name, default_framework=default, dry_run=query.dry_run, user=user
        )
    except FileUnreadable as error:
        return _refused(str(error), [{"field": "file", "message": str(error)}])
    plan = outcome.plan
    if not plan.ok:
        errors = [{"row": p.row, "column": p.column, "message": p.message} for p in plan.errors]
        if plan.more_errors:
            errors.append(
                {"message": _("… and %(count)s more errors") % {"count": plan.more_errors}}
            )
        return _refused(_("Nothing was imported. Correct the file and try again."), errors)
    answer = {
        "written": outcome.written,
        "dry_run": query.dry_run,
        "evaluations": len(plan.evaluations),
        "evaluation_ids": outcome.evaluation_ids,
        "batch_id": outcome.batch_id,
        "warnings": [
            {"row": p.row, "column": p.column, "message": p.message} for p in plan.warnings
        ],
    }
    return Status(201 if outcome.written else 200, answer)


def _indicator(user, indicator_id: int, need: str):
    indicator = get_object_or_404(Indicator.objects.only("id", "project_id"), pk=indicator_id)
    project, _access = get_project(user, indicator.project_id, need)
    indicator = Indicator.objects.get(pk=indicator_id)
    indicator.project = project
    return indicator


@writing.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorOut, 401: Error, 404: Error},
    summary="An indicator of an improvement project, with its measurements",
)
def indicator(request, indicator_id: int):
    found = _indicator(request.auth, indicator_id, "read")
    return {
        "id": found.pk,
        "name": found.name,
        "kind": found.kind,
        "unit": found.unit,
        "project_id": found.project_id,
        "municipality": found.project.programme.municipality.number,
        "measurements": [
            {
                "period_end": m.period_end,
                "value": m.value,
                "experience": m.experience,
                "expectation": m.expectation,
            }
            for m in found.measurements.order_by("period_end")
        ],
    }


@writing.post(
    "/indicators/{indicator_id}/measurements",
    response={200: MeasurementImportOut, 401: Error, 403: Error, 404: Error, 422: Problems},
    summary="Import an indicator's measurements from a CSV or .xlsx file (all or nothing)",
)
def import_measurement_file(
    request, indicator_id: int, file: File[UploadedFile], dry_run: bool = False
):
    found = _indicator(request.auth, indicator_id, "edit")
    if file.size > measurement_limits().max_bytes:
        return _refused(
            _("The file is too large."), [{"field": "file", "message": _("The file is too large.")}]
        )
    outcome = improvement_services.import_measurements(
        request.auth, found, file.read(), file.name, dry_run=dry_run
    )
    if outcome.problems:
        return _refused(
            _("Nothing was imported. Correct the file and try again."),
            [{"message": problem} for problem in outcome.problems],
        )
    return {
        "written": outcome.written,
        "dry_run": dry_run,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }
