"""People: each user's profile (language, which reminders they get), invitations to a
municipality, the history of accounts (invited, joined, deactivated), and reminders.

Roles themselves stay where they are kept: evaluations.Membership (coordinator, reader), the
evaluations' teams and reviewers, and the improvement programme's linked group members. This
app changes them only through those apps' services.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import MembershipRole, Municipality, choices_check


class Profile(models.Model):
    """What a person chose: their language (for mails and reminders) and their reminders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    remind_review = models.BooleanField(_("a review is requested of me"), default=True)
    remind_published = models.BooleanField(
        _("an evaluation of my municipality is published"), default=True
    )
    remind_milestones = models.BooleanField(
        _("a milestone is due in seven days or overdue"), default=True
    )
    remind_measurements = models.BooleanField(_("a measurement is due"), default=True)
    remind_invitations = models.BooleanField(
        _("someone I invited has not accepted yet"), default=True
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Not accepted and not expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An invitation by e-mail to a role in a municipality. Only a hash of its one-time token
    is kept (people.invitations); the link expires at `expires_at` and works once."""

    Role = MembershipRole

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by_name = models.CharField(_("invited by"), max_length=300, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("role", MembershipRole.choices, "invitation_role_valid"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.municipality}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class AccountAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Invitation accepted")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")


class AccountEvent(models.Model):
    """One change to a person's account seen from a municipality: invited, joined,
    deactivated, reactivated. (Role changes are in the municipality's role history,
    evaluations.AuditEntry.) Names are stored as they were, so the record stays readable."""

    Action = AccountAction

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="account_events"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    person_name = models.CharField(_("person"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AccountAction.choices)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-id"]
        constraints = [choices_check("action", AccountAction.choices, "account_event_action_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.person_name}"


class ReminderKind(models.TextChoices):
    REVIEW = "review", _("Review requested")
    PUBLISHED = "published", _("Evaluation published")
    MILESTONE_DUE = "milestone_due", _("Milestone due")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    MEASUREMENT_DUE = "measurement_due", _("Measurement due")
    INVITATION_PENDING = "invitation_pending", _("Invitation not accepted")


# Which profile choice turns each kind on.
PREFERENCE_OF_KIND = {
    ReminderKind.REVIEW: "remind_review",
    ReminderKind.PUBLISHED: "remind_published",
    ReminderKind.MILESTONE_DUE: "remind_milestones",
    ReminderKind.MILESTONE_OVERDUE: "remind_milestones",
    ReminderKind.MEASUREMENT_DUE: "remind_measurements",
    ReminderKind.INVITATION_PENDING: "remind_invitations",
}


class Reminder(models.Model):
    """One reminder to one person: of `kind`, about `subject` (e.g. "milestone:12"), for one
    due `period` (e.g. the milestone's date, the published version). The unique constraint
    makes sure nobody gets the same reminder twice, however often and however many
    `send-reminders` run at once. `label` and `details` hold the names it shows, as they were."""

    Kind = ReminderKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    subject = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    label = models.CharField(_("about"), max_length=400)
    details = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject", "period"], name="reminder_once"
            ),
            choices_check("kind", ReminderKind.choices, "reminder_kind_valid"),
        ]
        indexes = [models.Index(fields=["user", "dismissed_at"], name="reminder_open_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.label}"
