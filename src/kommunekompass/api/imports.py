"""Importing published results with a token: the same import as the upload page and
`kommunekompass import-results` (imports.applying.import_results), for those who may import
(imports.access.may_import). Checked first, written all or nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kommunekompass.api.auth import TokenAuth
from kommunekompass.api.errors import Refused
from kommunekompass.api.schemas import Error, ImportOut, Problems
from kommunekompass.imports.access import may_import
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable, limits

router = Router(auth=TokenAuth(), tags=["imports"])


def too_large() -> Refused:
    message = _("The file is too large.")
    return Refused(message, [{"field": "file", "message": message}])


class ResultImportQuery(Schema):
    dry_run: bool = False
    framework: str | None = None  # where the file names none
    framework_version: str | None = None


@router.post(
    "/imports/results",
    response={200: ImportOut, 201: ImportOut, 401: Error, 403: Error, 422: Problems},
    summary="Import published results from a CSV or .xlsx file (all or nothing)",
)
def import_result_file(request, query: Query[ResultImportQuery], file: File[UploadedFile]):
    user = request.auth
    if not may_import(user):
        raise PermissionDenied(_("Only those allowed to import results may do so."))
    if file.size > limits().max_bytes:
        raise too_large()
    default = None
    if query.framework:
        default = (query.framework, query.framework_version or "")
    try:
        outcome = import_results(
            file.read(), file.name, default_framework=default, dry_run=query.dry_run, user=user
        )
    except FileUnreadable as error:
        raise Refused(str(error), [{"field": "file", "message": str(error)}]) from None
    plan = outcome.plan
    if not plan.ok:
        errors = [{"row": p.row, "column": p.column, "message": p.message} for p in plan.errors]
        if plan.more_errors:
            errors.append(
                {"message": _("… and %(count)s more errors") % {"count": plan.more_errors}}
            )
        raise Refused(_("Nothing was imported. Correct the file and try again."), errors)
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
