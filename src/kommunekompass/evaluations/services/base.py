"""What every service of the evaluation aggregate shares: locking the evaluation's row, so
edits and publishing happen one after the other, and refusing changes to a locked evaluation."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation


class EvaluationReadOnly(PermissionDenied):
    """The evaluation is published or withdrawn: its content changes no more. A view that
    lets it pass answers 403 with the message."""

    def __init__(self, evaluation: Evaluation | None = None):
        if evaluation is not None and evaluation.is_withdrawn:
            message = _("The evaluation is withdrawn and read-only.")
        else:
            message = _("The evaluation is published and read-only. Reopen it to change it.")
        super().__init__(message)


class ServiceError(ValueError):
    """Refused input or a refused step, with a message for the person (names the field)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleEdit(ServiceError):
    """The change was made on a page opened before someone else changed the same thing: it is
    refused, and the page shows the stored version (a view answers 409)."""


def lock(evaluation) -> Evaluation:
    """The evaluation's row, locked until the transaction ends (call inside one). Publishing
    takes the same lock, so an edit either lands before the snapshot or is refused after it.
    On SQLite the immediate transactions serialize writers in the same way."""
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def lock_for_change(evaluation) -> Evaluation:
    """The locked row, or EvaluationReadOnly if its content may not change now."""
    current = lock(evaluation)
    if current.is_locked:
        raise EvaluationReadOnly(current)
    return current


def actor(user):
    """The user to store as the one who acted (None for the anonymous or the system)."""
    return user if getattr(user, "is_authenticated", False) else None


def person(user) -> str:
    """A person's name as it is stored in records that must stay readable."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()
