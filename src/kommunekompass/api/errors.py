"""How the API refuses. Every refusal is JSON with a `detail`; refused input also lists
`errors`, each naming the field it is about (or the row and column of a file):

- 401: no valid token where one is needed;
- 403: the caller may see the thing but not do this (PermissionDenied, also "the evaluation
  is published and read-only");
- 404: the caller may not see the thing, or it does not exist;
- 409: the thing changed since the caller read it (a stale version), or its state does not
  allow the step now (TransitionError, a ServiceError that names no field);
- 422: the input is wrong: a page's form refused it, a service refused a field
  (ServiceError or Django's ValidationError naming it), or the body does not match the
  schema.

The checks are the pages': the API runs the same Django forms on the JSON it is sent
(`checked`) and calls the same services, so a value refused on a page is refused here with
the same message.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja.errors import ValidationError as SchemaError

from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.evaluations.services.workflow import TransitionError

NOT_SAVED = gettext_noop("Not saved: correct the fields named.")


class Refused(Exception):
    """Input refused: answered with `status` (422 unless told), the detail and the errors."""

    def __init__(self, detail: str, errors: list[dict], status: int = 422):
        super().__init__(detail)
        self.detail, self.errors, self.status = detail, errors, status


def field_error(field: str | None, message: str) -> Refused:
    return Refused(_(NOT_SAVED), [{"field": field, "message": str(message)}])


def form_errors(form, names: dict | None = None) -> list[dict]:
    """A bound form's errors, each with the field named as the API names it (`names` maps a
    form field to the API's name; the form's own errors have no field)."""
    found = []
    for field, messages in form.errors.items():
        name = None if field == NON_FIELD_ERRORS else (names or {}).get(field, field)
        found += [{"field": name, "message": str(message)} for message in messages]
    return found


def checked(form, names: dict | None = None):
    """The form's cleaned data, or Refused with its errors."""
    if not form.is_valid():
        raise Refused(_(NOT_SAVED), form_errors(form, names))
    return form.cleaned_data


def refuse_form(form, names: dict | None = None) -> Refused:
    return Refused(_(NOT_SAVED), form_errors(form, names))


def _schema_field(location) -> str | None:
    """The field a schema error is about, without where it came from ("body.payload.text"
    is "text", "query.limit" is "limit")."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:] or parts[1:]
    elif parts and parts[0] in {"query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or None


def install(api) -> None:
    """Answer the exceptions of the pages' checks and services as the API answers them."""

    def answer(request, status, detail, errors=None):
        body = {"detail": detail}
        if errors is not None:
            body["errors"] = errors
        return api.create_response(request, body, status=status)

    @api.exception_handler(PermissionDenied)
    def refused(request, exc):
        return answer(request, 403, str(exc) or "Forbidden")

    @api.exception_handler(Refused)
    def refused_input(request, exc):
        return answer(request, exc.status, exc.detail, exc.errors)

    @api.exception_handler(ServiceError)
    def service_error(request, exc):
        if exc.field:
            return answer(request, 422, str(exc), [{"field": exc.field, "message": str(exc)}])
        return answer(request, 409, str(exc))

    @api.exception_handler(TransitionError)
    def transition_error(request, exc):
        return answer(request, 409, str(exc))

    @api.exception_handler(DjangoValidationError)
    def validation_error(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": None, "message": message} for message in exc.messages]
        return answer(request, 422, _(NOT_SAVED), errors)

    @api.exception_handler(SchemaError)
    def schema_error(request, exc):
        errors = [
            {"field": _schema_field(error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return answer(request, 422, _(NOT_SAVED), errors)
