"""Reminders: what is due for whom, kept once per person and due period, listed in the app and
sent by mail (`kommunekompass send-reminders`, safe to run every hour).

What is due comes from the apps that own it (Evaluation.objects.in_review(),
Milestone.objects.due_within() and overdue(), Indicator.objects.measured() with
improvement.measures.measurement_due, Invitation.objects); this module only decides who hears
of it. A Reminder row is claimed before its mail is sent; the unique constraint on (user, kind,
subject, period) makes a second run, or two runs at once, find it taken.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from kommunekompass.evaluations.models import AuditEntry, Evaluation, Membership, PublishedVersion
from kommunekompass.improvement import measures
from kommunekompass.improvement.models import GroupMember, Indicator, Milestone
from kommunekompass.lib import jobs
from kommunekompass.lib.mail import send_mail
from kommunekompass.people.models import PREFERENCE_OF_KIND, Invitation, Profile, Reminder
from kommunekompass.people.services import language_of

logger = logging.getLogger(__name__)

Kind = Reminder.Kind

MILESTONE_DAYS = 7  # a milestone is announced this many days before its date
PUBLISHED_DAYS = 14  # versions published this long ago still reach those who were not told
INVITATION_WAIT_DAYS = 3  # the inviter hears of an invitation not accepted after this long
RETRY_MAIL_DAYS = 2  # a reminder whose mail failed is mailed again this long


@dataclass(frozen=True)
class Due:
    """One thing due, for the people in `user_ids`."""

    kind: str
    subject: str
    period: str
    label: str
    link: str
    user_ids: frozenset
    due: datetime.date | None = None
    details: dict = field(default_factory=dict, hash=False)


def open_reminders(user):
    """The person's reminders not dismissed yet, newest first."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(user=user, dismissed_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def _count_key(user_id) -> str:
    return f"people:open-reminders:{user_id}"


def open_count(user) -> int:
    """How many open reminders the person has (cached for a minute: it is on every page)."""
    key = _count_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = open_reminders(user).count()
        cache.set(key, count, 60)
    return count


def dismiss(user, reminder_id) -> bool:
    done = Reminder.objects.filter(pk=reminder_id, user=user, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
    cache.delete(_count_key(user.pk))
    return bool(done)


# --- who is responsible for what ----------------------------------------------------------


def _editors_by_municipality(municipality_ids) -> dict[int, set[int]]:
    """Coordinators and linked project leaders of each municipality's programme."""
    people = defaultdict(set)
    for municipality_id, user_id in Membership.objects.filter(
        municipality_id__in=municipality_ids, role=Membership.Role.COORDINATOR
    ).values_list("municipality_id", "user_id"):
        people[municipality_id].add(user_id)
    for municipality_id, user_id in GroupMember.objects.filter(
        programme__municipality_id__in=municipality_ids,
        function=GroupMember.Function.PROJECT_LEADER,
        user__isnull=False,
    ).values_list("programme__municipality_id", "user_id"):
        people[municipality_id].add(user_id)
    return people


def _reviews() -> list[Due]:
    sent = AuditEntry.objects.filter(
        evaluation=OuterRef("pk"), action=AuditEntry.Action.STATUS, new__status="in_review"
    ).order_by("-at", "-id")
    evaluations = (
        Evaluation.objects.in_review()
        .annotate(sent_entry=Subquery(sent.values("pk")[:1]))
        .select_related("municipality")
        .prefetch_related("evaluators", "reviewers")
    )
    found = []
    for evaluation in evaluations:
        people = {u.pk for u in evaluation.reviewers.all()}
        people |= {u.pk for u in evaluation.evaluators.all()}
        people.discard(evaluation.submitted_by_id)
        found.append(
            Due(
                Kind.REVIEW,
                f"evaluation:{evaluation.pk}",
                f"sent:{evaluation.sent_entry or 0}",
                str(evaluation),
                reverse("evaluations:review", args=[evaluation.pk]),
                frozenset(people),
            )
        )
    return found


def _published(now) -> list[Due]:
    versions = PublishedVersion.objects.filter(
        published_at__gte=now - datetime.timedelta(days=PUBLISHED_DAYS)
    ).select_related("evaluation__municipality")
    versions = list(versions.defer("data", "changes"))
    readers = defaultdict(set)
    for municipality_id, user_id in Membership.objects.filter(
        municipality_id__in={v.evaluation.municipality_id for v in versions}
    ).values_list("municipality_id", "user_id"):
        readers[municipality_id].add(user_id)
    return [
        Due(
            Kind.PUBLISHED,
            f"evaluation:{v.evaluation_id}",
            f"v{v.number}",
            str(v.evaluation),
            reverse("reports:version", args=[v.evaluation_id, v.number]),
            frozenset(readers[v.evaluation.municipality_id]),
            details={"version": v.number},
        )
        for v in versions
    ]


def _milestones(today) -> list[Due]:
    due = Milestone.objects.due_within(MILESTONE_DAYS, today)
    overdue = Milestone.objects.overdue(today)
    rows = [(Kind.MILESTONE_DUE, m) for m in due.select_related("project__programme")]
    rows += [(Kind.MILESTONE_OVERDUE, m) for m in overdue.select_related("project__programme")]
    editors = _editors_by_municipality({m.project.programme.municipality_id for _k, m in rows})
    return [
        Due(
            kind,
            f"milestone:{m.pk}",
            m.date.isoformat(),
            m.milestone,
            reverse("improvement:project", args=[m.project_id]),
            frozenset(editors[m.project.programme.municipality_id]),
            due=m.date,
            details={"project": m.project.title},
        )
        for kind, m in rows
    ]


def _measurements(today) -> list[Due]:
    indicators = Indicator.objects.measured().select_related("project__programme")
    found = []
    pending = []
    for indicator in indicators:
        due = measures.measurement_due(indicator.frequency, indicator.last_period, today)
        if due is not None:
            pending.append((indicator, due))
    editors = _editors_by_municipality({i.project.programme.municipality_id for i, _d in pending})
    for indicator, due in pending:
        found.append(
            Due(
                Kind.MEASUREMENT_DUE,
                f"indicator:{indicator.pk}",
                due.isoformat(),
                indicator.name,
                reverse("improvement:indicator", args=[indicator.pk]),
                frozenset(editors[indicator.project.programme.municipality_id]),
                due=due,
                details={"project": indicator.project.title},
            )
        )
    return found


def _invitations(now) -> list[Due]:
    waiting = Invitation.objects.pending(now).filter(
        created_at__lte=now - datetime.timedelta(days=INVITATION_WAIT_DAYS),
        invited_by__isnull=False,
    )
    return [
        Due(
            Kind.INVITATION_PENDING,
            f"invitation:{i.pk}",
            "pending",
            i.email,
            reverse("people:people", args=[i.municipality_id]),
            frozenset({i.invited_by_id}),
            due=timezone.localdate(i.expires_at),
            details={"municipality": i.municipality.name},
        )
        for i in waiting.select_related("municipality")
    ]


def due_now(today: datetime.date, now: datetime.datetime) -> list[Due]:
    """Everything due at `today` / `now`, with the people it concerns."""
    return (
        _reviews()
        + _published(now)
        + _milestones(today)
        + _measurements(today)
        + (_invitations(now))
    )


# --- keeping and sending -----------------------------------------------------------------


def _wanted(dues: list[Due]) -> list[tuple[int, Due]]:
    """(user id, due) for every active person who chose that kind of reminder (not those
    invited who have not set their password yet)."""
    user_ids = {user_id for due in dues for user_id in due.user_ids}
    active = set(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # invited, not joined yet
        .values_list("pk", flat=True)
    )
    choices = {p.user_id: p for p in Profile.objects.filter(user_id__in=user_ids)}
    wanted = []
    for due in dues:
        preference = PREFERENCE_OF_KIND[due.kind]
        for user_id in sorted(due.user_ids & active):
            profile = choices.get(user_id)
            if profile is None or getattr(profile, preference):
                wanted.append((user_id, due))
    return wanted


def claim(dues: list[Due], now) -> list[Reminder]:
    """The reminders that are new, each stored once; those stored before are left alone."""
    wanted = _wanted(dues)
    taken = set(
        Reminder.objects.filter(user_id__in={u for u, _d in wanted}).values_list(
            "user_id", "kind", "subject", "period"
        )
    )
    created = []
    for user_id, due in wanted:
        if (user_id, due.kind, due.subject, due.period) in taken:
            continue
        try:
            with transaction.atomic():
                created.append(
                    Reminder.objects.create(
                        user_id=user_id,
                        kind=due.kind,
                        subject=due.subject,
                        period=due.period,
                        label=due.label[:400],
                        details=due.details,
                        link=due.link,
                        due=due.due,
                        created_at=now,
                    )
                )
        except IntegrityError:  # another run claimed it a moment ago
            continue
        cache.delete(_count_key(user_id))
    return created


def send_pending_mails(now) -> int:
    """Mail every person their reminders not mailed yet (one mail each); returns the count of
    mails. The rows are claimed (marked mailed) in a locking transaction before the mail goes
    out, so two runs at once never mail the same reminder; a mail that fails gives its rows
    back, to be tried again on the next run, for RETRY_MAIL_DAYS days."""
    pending = (
        Reminder.objects.filter(
            emailed_at__isnull=True,
            dismissed_at__isnull=True,
            created_at__gte=now - datetime.timedelta(days=RETRY_MAIL_DAYS),
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "kind", "due", "id")
    )
    by_user = defaultdict(list)
    for reminder in pending:
        by_user[reminder.user].append(reminder)
    sent = 0
    for user, reminders in by_user.items():
        with transaction.atomic():
            mine = set(
                Reminder.objects.select_for_update()
                .filter(pk__in=[r.pk for r in reminders], emailed_at__isnull=True)
                .values_list("pk", flat=True)
            )
            Reminder.objects.filter(pk__in=mine).update(emailed_at=now)
        reminders = [r for r in reminders if r.pk in mine]
        if not reminders:
            continue
        try:
            send_mail(
                "people/mail/reminders",
                {"person": user, "reminders": reminders},
                user.email,
                language_of(user),
            )
        except Exception:
            logger.exception("Reminders to %s could not be mailed", user.get_username())
            Reminder.objects.filter(pk__in=mine).update(emailed_at=None)
            continue
        sent += 1
    return sent


def send_reminders(today=None, now=None) -> tuple[int, int]:
    """Store what is due and mail it: (new reminders, mails sent)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    created = claim(due_now(today, now), now)
    return len(created), send_pending_mails(now)


@jobs.job(attempts=1)
def send_reminders_job(today: str | None = None) -> dict:
    """`send-reminders` as a job of the queue (`send-reminders --enqueue`). Not tried again by
    the queue: the next hourly run is the retry, and a mail that failed is tried again then.
    Idempotent: a reminder is kept once per person, thing and due date."""
    day = datetime.date.fromisoformat(today) if today else None
    created, mails = send_reminders(today=day)
    return {"created": created, "mails": mails}
