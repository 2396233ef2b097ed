"""An evaluation's settings: creating it, its details, its team and reviewers, and deleting a
draft made by mistake. Each with its history. (The way forward is in services.way_forward;
the comparison group of its report is kept by the comparisons app:
comparisons.services.set_report_group.)"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Interview,
    Priority,
    ReportLanguage,
)
from kommunekompass.evaluations.services.base import (
    ServiceError,
    StaleEdit,
    actor,
    lock,
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


def details_seen(evaluation) -> str:
    """What the details form was opened with (year, date, framework): the details' version.
    A change made from a page opened before someone else changed them is refused."""
    date = evaluation.date.isoformat() if evaluation.date else ""
    return f"{evaluation.year}|{date}|{evaluation.framework_id}|{evaluation.report_language}"


def framework_in_use(evaluation) -> list[str]:
    """What ties the evaluation to its framework's areas and questions, named for a person
    (empty: the framework may still be changed)."""
    ties = [
        (evaluation.scores.exists(), _("scores")),
        (evaluation.reported.exists(), _("reported points")),
        (evaluation.findings.exists(), _("findings")),
        (
            Interview.questions.through.objects.filter(interview__evaluation=evaluation).exists(),
            _("interviews linked to questions"),
        ),
        (
            Evidence.questions.through.objects.filter(evidence__evaluation=evaluation).exists(),
            _("evidence linked to questions"),
        ),
        (
            Priority.focus_areas.through.objects.filter(priority__evaluation=evaluation).exists(),
            _("priorities linked to focus areas"),
        ),
        (evaluation.review_comments.exists(), _("review comments")),
    ]
    return [str(name) for present, name in ties if present]


def _details(evaluation) -> dict:
    return {
        "year": evaluation.year,
        "date": evaluation.date.isoformat() if evaluation.date else None,
        "framework": str(evaluation.framework),
        "report_language": evaluation.report_language,
    }


def change_details(
    *, evaluation, user, date, year=None, framework=None, report_language=None, seen=None
) -> bool:
    """The evaluation's year, date, framework and report language, while it is a draft. The
    framework only while nothing refers to its areas and questions (no scores, findings or
    links); the municipality, framework and year stay unique. `seen` is `details_seen` of the
    page the change was made on (None: not checked); None for year, framework or
    report_language keeps it. False when nothing changed."""
    if year is not None and not 2000 <= int(year) <= 2100:
        raise ServiceError(_("Give a year between 2000 and 2100."), field="year")
    if report_language is not None and report_language not in ReportLanguage.values:
        raise ServiceError(_("Choose one of the report languages."), field="report_language")
    try:
        with transaction.atomic():
            current = lock_for_change(evaluation)
            if current.status != Evaluation.Status.DRAFT:
                raise ServiceError(
                    _(
                        "The details are changed while the evaluation is a draft. Send it "
                        "back to draft first."
                    )
                )
            if seen is not None and seen != details_seen(current):
                raise StaleEdit(
                    _(
                        "Not saved: someone else changed the details after you opened the "
                        "page. Their version is shown."
                    )
                )
            year = current.year if year is None else int(year)
            framework = current.framework if framework is None else framework
            if framework.pk != current.framework_id:
                in_use = framework_in_use(current)
                if in_use:
                    raise ServiceError(
                        _("The framework can no longer be changed: the evaluation has %(what)s.")
                        % {"what": ", ".join(in_use)},
                        field="framework",
                    )
            language = current.report_language if report_language is None else report_language
            if (year, date, framework.pk, language) == (
                current.year,
                current.date,
                current.framework_id,
                current.report_language,
            ):
                return False
            if (
                Evaluation.objects.filter(
                    municipality_id=current.municipality_id, framework=framework, year=year
                )
                .exclude(pk=current.pk)
                .exists()
            ):
                raise ServiceError(_exists_message(current.municipality, year), field="year")
            old = _details(current)
            current.year, current.date, current.framework = year, date, framework
            current.report_language = language
            current.save(update_fields=["year", "date", "framework", "report_language"])
            new = _details(current)
            old, new = (
                {k: v for k, v in old.items() if v != new[k]},
                {k: v for k, v in new.items() if v != old[k]},
            )
            record(current, user, AuditEntry.Action.DETAILS, "", old, new)
    except IntegrityError:
        raise ServiceError(_exists_message(evaluation.municipality, year), field="year") from None
    evaluation.year, evaluation.date, evaluation.framework = year, date, framework
    evaluation.report_language = language
    return True


def draft_contents(evaluation) -> dict[str, int]:
    """What deleting the draft deletes with it, counted (for the confirmation and history)."""
    return {
        "interviews": evaluation.interviews.count(),
        "evidence": evaluation.evidence.count(),
        "findings": evaluation.findings.count(),
        "priorities": evaluation.priorities.count(),
    }


def deletion_refused(evaluation) -> str:
    """Why this evaluation may not be deleted, for a person; empty when it may."""
    if evaluation.published_version or evaluation.versions.exists():
        return _(
            "It has been published, and published versions are kept for good. Withdraw it instead."
        )
    if evaluation.status != Evaluation.Status.DRAFT:
        return _("Only a draft can be deleted. Send it back to draft, or withdraw it.")
    if evaluation.scores.exists() or evaluation.reported.exists():
        return _("It has scores, which are kept. Withdraw it instead.")
    if evaluation.review_comments.exists():
        return _("It has review comments, which are kept for good. Withdraw it instead.")
    return ""


def delete_draft(*, evaluation, user) -> None:
    """Delete a draft that has no scores and was never published (a duplicate, a mistake),
    with its interviews, evidence, findings and way forward. Its history is kept, in the
    municipality's history, with an entry for the deletion; its evidence files leave the
    storage after the commit."""
    with transaction.atomic():
        current = lock(evaluation)
        reason = deletion_refused(current)
        if reason:
            raise ServiceError(reason)
        files = [(e.file.storage, e.file.name) for e in current.evidence.all() if e.file]
        old = {**_details(current), **draft_contents(current)}
        subject = str(current)
        AuditEntry.objects.filter(evaluation=current).update(evaluation=None)
        current.delete()
        record(
            None,
            user,
            AuditEntry.Action.EVALUATION_DELETED,
            subject,
            old,
            None,
            municipality=current.municipality,
        )
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


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
