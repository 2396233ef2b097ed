"""What is kept of an evaluation: its history, its review comments and its published versions.
None of them is ever deleted with what it is about."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models.core import (
    Evaluation,
    Finding,
    Municipality,
    ReportLanguage,
    choices_check,
)
from kommunekompass.frameworks.models import Question


class AuditAction(models.TextChoices):
    CREATED = "created", _("Evaluation created")
    DETAILS = "details_changed", _("Evaluation details changed")
    SCORE = "score", _("Score changed")
    FINDING_ADDED = "finding_added", _("Finding added")
    FINDING_CHANGED = "finding_changed", _("Finding changed")
    FINDING_DELETED = "finding_deleted", _("Finding deleted")
    FINDING_MOVED = "finding_moved", _("Finding moved")
    INTERVIEW_ADDED = "interview_added", _("Interview added")
    INTERVIEW_CHANGED = "interview_changed", _("Interview changed")
    INTERVIEW_DELETED = "interview_deleted", _("Interview deleted")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_CHANGED = "evidence_changed", _("Evidence changed")
    EVIDENCE_DELETED = "evidence_deleted", _("Evidence deleted")
    COMPARISON_GROUP = "comparison_group", _("Comparison group changed")
    WAY_FORWARD = "way_forward", _("Way forward changed")
    TEAM = "team", _("Team changed")
    STATUS = "status", _("Status changed")
    COMMENT_ADDED = "comment_added", _("Review comment added")
    COMMENT_ANSWERED = "comment_answered", _("Review comment answered")
    COMMENT_RESOLVED = "comment_resolved", _("Review comment resolved")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MEMBERSHIP_GRANTED = "membership_granted", _("Role granted")
    MEMBERSHIP_CHANGED = "membership_changed", _("Role changed")
    MEMBERSHIP_REVOKED = "membership_revoked", _("Role revoked")
    EVALUATION_DELETED = "evaluation_deleted", _("Draft evaluation deleted")
    MUNICIPALITY_ADDED = "municipality_added", _("Municipality added")
    MUNICIPALITY_CHANGED = "municipality_changed", _("Municipality changed")
    IMPORTED = "imported", _("Imported from bundle")


class AuditEntry(models.Model):
    """One change to an evaluation or to a municipality's people: who, when, what, the old
    value and the new. Written only by the services (evaluations.audit.record); shown to people
    by evaluations.history_display, which turns the stored values into readable rows."""

    Action = AuditAction

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="audit", verbose_name=_("municipality")
    )
    # Empty for changes to the municipality itself and its people (memberships), and for the
    # entries of a draft that was deleted (they are kept, with the deletion's own entry).
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="audit", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit history")
        ordering = ["-at", "-id"]
        constraints = [choices_check("action", AuditAction.choices, "audit_entry_action_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"


class ReviewComment(models.Model):
    """A reviewer's remark on a question, a finding or the whole evaluation while it is in
    review; the team answers it and the commenter (or another reviewer) resolves it. Kept for
    good: returning to draft, publishing and reopening keep every comment."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="review_comments"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_comments"
    )
    # What the comment is about, as it read when written (stays if the finding is deleted).
    subject = models.CharField(_("about"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.text[:60]}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)

    @property
    def is_open(self) -> bool:
        """Neither answered nor resolved: it holds publishing back."""
        return not self.is_resolved and not self.is_answered

    @property
    def state(self) -> str:
        if self.is_resolved:
            return "resolved"
        return "answered" if self.is_answered else "open"


def published_file_path(version: "PublishedVersion", filename: str) -> str:
    return f"published/{version.evaluation_id}/v{version.number}/{filename}"


class PublishedVersion(models.Model):
    """One published version of an evaluation: a frozen snapshot, never changed afterwards.

    `data` holds everything the report shows (figures exact, as strings of fractions; findings;
    method; the way forward; the comparison group's figures and rank; the published projects),
    made by the snapshot builder that the reports app registers (see evaluations.snapshots).
    The web report, the PDF and the workbook of a published evaluation are made from it; the PDF
    and the workbook are rendered once and stored.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Names as they were, so the record stays readable if an account is removed.
    published_by_name = models.CharField(_("published by"), max_length=300, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=300, blank=True)
    # Who sent it to review. Under the four-eyes rule the approver (published_by) is another
    # person; with the rule off, the same person may do both (published_alone).
    submitted_by_name = models.CharField(_("sent to review by"), max_length=300, blank=True)
    # True when one person sent to review and published (the site allows it, and says so).
    published_alone = models.BooleanField(_("published without a second person"), default=False)
    reason = models.TextField(_("reason for the new version"), blank=True)
    # What changed since the previous version, as made by the snapshot builder.
    changes = models.JSONField(_("changes since the previous version"), default=list)
    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="+"
    )
    spec_checksum = models.CharField(_("framework checksum"), max_length=64)
    engine_version = models.CharField(_("score engine version"), max_length=20)
    complete = models.BooleanField(_("every question scored"))
    data = models.JSONField(_("snapshot"))
    pdf = models.FileField(_("PDF"), upload_to=published_file_path, blank=True)
    xlsx = models.FileField(_("workbook"), upload_to=published_file_path, blank=True)
    # The report language when it was published: its PDF and workbook are rendered in it.
    language = models.CharField(
        _("report language"), max_length=5, choices=ReportLanguage.choices, default="nb"
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="published_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="published_version_number_positive"
            ),
            choices_check("language", ReportLanguage.choices, "published_version_language_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} v{self.number}"
