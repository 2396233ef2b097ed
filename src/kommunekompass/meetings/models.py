"""A council meeting where the councillors vote on the way forward of a published evaluation.

A meeting lists options (the published findings, or the focus areas); each phone that joins is
one voice (one per device and meeting: a unique constraint) and gives up to `Meeting.VOTES`
votes, one per option at most. Closing it stores the ranking as the evaluation's way forward.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Evaluation, Finding, Priority, PublishedVersion
from kommunekompass.frameworks.models import FocusArea


class MeetingSubject(models.TextChoices):
    FINDINGS = "findings", _("Challenges and weaknesses")
    FOCUS_AREAS = "focus_areas", _("Focus areas")


class Meeting(models.Model):
    Subject = MeetingSubject
    VOTES = 3  # each voice gives up to three votes, at most one per option

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="meetings")
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=6)
    subject = models.CharField(_("vote on"), max_length=16, choices=Subject.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(closed_at__isnull=True),
                name="meeting_code_open_unique",
            ),
            models.CheckConstraint(
                condition=Q(subject__in=MeetingSubject.values), name="meeting_subject_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.code}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Option(models.Model):
    """One thing to vote on: a finding of the published version, or a focus area. After closing
    it holds its rank and votes, and the priority of the way forward it became."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    text = models.TextField()
    heading = models.CharField(max_length=300, blank=True)  # focus area / kind of the finding
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveIntegerField(null=True, blank=True)
    votes = models.PositiveIntegerField(null=True, blank=True)
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="option_position_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Voice(models.Model):
    """One device in one meeting. Only a random id from its cookie: nothing about the person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="voices")
    device = models.CharField(max_length=64)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "device"], name="voice_device_unique")
        ]

    def __str__(self) -> str:
        return f"voice {self.pk} of meeting {self.meeting_id}"  # never the device id


class Vote(models.Model):
    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="cast")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voice", "option"], name="vote_once_per_option")
        ]

    def __str__(self) -> str:
        return f"vote {self.pk}"
