"""An evaluation's settings: creating it, its details, its team and reviewers, and the way
forward (the council's priorities). Each with its history. (The comparison group of its report
is kept by the comparisons app: comparisons.services.set_report_group.)"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation, Priority, ReportLanguage
from kommunekompass.evaluations.services.base import (
    ServiceError,
    actor,
    lock_for_change,
    person,
)


def _exists_message(municipality, year) -> str:
    return _("%(municipality)s %(year)s with this framework exists already.") % {
        "municipality": municipality.name,
        "year": year,
    }


def create_evaluation(*, user, municipality, framework, year, date=None, evaluators=()):
    """A new draft; the creating user is on its team. Refuses a second evaluation of the same
    municipality, framework version and year (checked in the transaction, and by the database
    if two people create it at the same moment)."""
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(_("Give a year between 2000 and 2100."), field="year")
    try:
        with transaction.atomic():
            if Evaluation.objects.filter(
                municipality=municipality, framework=framework, year=year
            ).exists():
                raise ServiceError(_exists_message(municipality, year))
            evaluation = Evaluation.objects.create(
                municipality=municipality, framework=framework, year=year, date=date
            )
            team = {*evaluators}
            if actor(user) is not None:
                team.add(user)
            evaluation.evaluators.set(team)
            record(
                evaluation,
                user,
                AuditEntry.Action.CREATED,
                str(evaluation),
                None,
                {"team": sorted(person(p) for p in team)},
            )
    except IntegrityError:
        raise ServiceError(_exists_message(municipality, year)) from None
    return evaluation


def change_details(*, evaluation, user, date, report_language=None) -> bool:
    """The evaluation's date and the language of its report (the year, municipality and
    framework are its identity). `report_language` None keeps it."""
    if report_language is not None and report_language not in ReportLanguage.values:
        raise ServiceError(_("Choose one of the report languages."), field="report_language")
    with transaction.atomic():
        current = lock_for_change(evaluation)
        old, new = {}, {}
        if current.date != date:
            old["date"] = current.date.isoformat() if current.date else None
            new["date"] = date.isoformat() if date else None
            current.date = date
        if report_language is not None and current.report_language != report_language:
            old["report_language"] = current.report_language
            new["report_language"] = report_language
            current.report_language = report_language
        if not new:
            return False
        current.save(update_fields=[*new])
        record(current, user, AuditEntry.Action.DETAILS, "", old, new)
    evaluation.date = current.date
    evaluation.report_language = current.report_language
    return True


def _names(users) -> list[str]:
    return sorted(person(u) for u in users)


def change_team(*, evaluation, user, evaluators, reviewers) -> bool:
    """Set the evaluator team and the named reviewers. The team may not become empty."""
    evaluators, reviewers = list(evaluators), list(reviewers)
    if not evaluators:
        raise ServiceError(_("The team needs at least one evaluator."), field="evaluators")
    with transaction.atomic():
        current = lock_for_change(evaluation)
        old = {
            "evaluators": _names(current.evaluators.all()),
            "reviewers": _names(current.reviewers.all()),
        }
        team = {u.pk for u in evaluators}
        reviewers = [u for u in reviewers if u.pk not in team]  # on the team reviews anyway
        new = {"evaluators": _names(evaluators), "reviewers": _names(reviewers)}
        if set(current.evaluators.values_list("pk", flat=True)) == team and set(
            current.reviewers.values_list("pk", flat=True)
        ) == {u.pk for u in reviewers}:
            return False
        current.evaluators.set(evaluators)
        current.reviewers.set(reviewers)
        record(current, user, AuditEntry.Action.TEAM, "", old, new)
    return True


# The way forward: the council's priorities, in order.


def _priorities(evaluation) -> list[str]:
    return list(Priority.objects.filter(evaluation=evaluation).values_list("text", flat=True))


def _record_way_forward(current, user, old: list[str], subject: str) -> None:
    record(
        current,
        user,
        AuditEntry.Action.WAY_FORWARD,
        subject,
        {"priorities": old},
        {"priorities": _priorities(current)},
    )


def _text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the priority."), field="text")
    return text


def add_priority(*, evaluation, user, text) -> Priority:
    text = _text(text)
    with transaction.atomic():
        current = lock_for_change(evaluation)
        old = _priorities(current)
        last = Priority.objects.filter(evaluation=current).aggregate(m=Max("position"))["m"]
        priority = Priority.objects.create(evaluation=current, text=text, position=(last or 0) + 1)
        _record_way_forward(current, user, old, "add")
    return priority


def change_priority(*, priority, user, text) -> Priority:
    text = _text(text)
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        old = _priorities(current)
        Priority.objects.filter(pk=priority.pk).update(text=text)
        priority.text = text
        if old != _priorities(current):
            _record_way_forward(current, user, old, "change")
    return priority


def delete_priority(*, priority, user) -> None:
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        old = _priorities(current)
        priority.delete()
        _record_way_forward(current, user, old, "delete")


def move_priority(*, priority, user, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ServiceError(_("Unknown direction."))
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        old = _priorities(current)
        rows = list(Priority.objects.filter(evaluation=current).order_by("position", "id"))
        index = next(i for i, p in enumerate(rows) if p.pk == priority.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _record_way_forward(current, user, old, "move")
