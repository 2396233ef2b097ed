"""The improvement programme of a municipality (seeds 000, 001, 003).

A programme has a steering group and a project group whose members come from the three parties
of the tripartite cooperation (elected, management, union representatives) and employees. It
runs improvement projects (sub-projects), each with the plan of seed 003, linked to the
findings and focus areas it answers, and with indicators whose measurements show its effect.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Evaluation, Finding, Municipality
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement import measures


def choice_check(field: str, choices, name: str) -> models.CheckConstraint:
    """A check constraint that keeps `field` to the values of `choices`."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Programme(models.Model):
    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="programme"
    )
    name = models.CharField(_("name"), max_length=200, default=_("Quality programme"))
    started = models.DateField(_("started"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.name}"


class MemberGroup(models.TextChoices):
    STEERING = "steering", _("Steering group")
    PROJECT = "project", _("Project group")


class MemberParty(models.TextChoices):
    ELECTED = measures.ELECTED, _("Elected (folkevalgt)")
    MANAGEMENT = measures.MANAGEMENT, _("Management (leder)")
    UNION = measures.UNION, _("Union representative (tillitsvalgt)")
    EMPLOYEE = measures.EMPLOYEE, _("Employee")


class MemberFunction(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    PROJECT_LEADER = "project_leader", _("Project leader")
    MEMBER = "member", _("Member")


class GroupMember(models.Model):
    Group = MemberGroup
    Party = MemberParty
    Function = MemberFunction

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="members")
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    function = models.CharField(
        _("function"), max_length=16, choices=Function.choices, default=Function.MEMBER
    )
    # The member's account, if they use Kommunekompass: project leaders then edit the programme,
    # every other member reads it (see improvement.access).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_roles",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "function", "name"]
        constraints = [
            choice_check("group", MemberGroup, "groupmember_group_valid"),
            choice_check("party", MemberParty, "groupmember_party_valid"),
            choice_check("function", MemberFunction, "groupmember_function_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_party_display()})"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    FINISHED = "finished", _("Finished")


class Project(models.Model):
    Status = ProjectStatus

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    # 1 Goals and frames
    background = models.TextField(_("background"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    frames = models.TextField(_("frames"), blank=True)
    # 2 Scope and limits, reports and measurements
    scope = models.TextField(_("scope and limits"), blank=True)
    reports = models.TextField(_("reports and measurements"), blank=True)
    # 3 Organisation
    project_leader = models.CharField(_("project leader"), max_length=200, blank=True)
    responsible_leader = models.CharField(_("responsible leader"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    # 5 Quality assurance (risks are rows of their own), 6 execution, and the end
    quality_assurance = models.TextField(_("quality assurance"), blank=True)
    main_activities = models.TextField(_("main activities"), blank=True)
    evaluation_report = models.TextField(_("evaluation report"), blank=True)
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    # The evaluation whose findings the project answers; its report's way forward lists it.
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("answers the evaluation"),
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="projects", verbose_name=_("findings it answers")
    )
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="projects", verbose_name=_("focus areas")
    )
    # Chosen by the programme's coordinators: only public projects are shown in published
    # evaluation reports (improvement.loop).
    public = models.BooleanField(_("shown in published reports"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]
        constraints = [
            choice_check("status", ProjectStatus, "project_status_valid"),
            models.CheckConstraint(
                condition=Q(starts__isnull=True) | Q(ends__isnull=True) | Q(ends__gte=F("starts")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DecisionPoint(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("no."))
    decision = models.CharField(_("decision"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    basis = models.CharField(_("basis for the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("decision point")
        verbose_name_plural = _("decision points")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.decision}"


class MilestoneQuerySet(models.QuerySet):
    """Milestones that need someone: unreached, of projects that are not finished (the same
    rules as improvement.measures.is_due_within and is_overdue)."""

    def open(self):
        return self.filter(reached=False, date__isnull=False).exclude(
            project__status=ProjectStatus.FINISHED
        )

    def due_within(self, days: int, today):
        """Falling due from today to `days` days ahead."""
        return self.open().filter(date__gte=today, date__lte=today + timedelta(days=days))

    def overdue(self, today):
        """Past their date without being reached."""
        return self.open().filter(date__lt=today)

    def in_programmes_of(self, municipalities):
        return self.filter(project__programme__municipality__in=municipalities)


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    number = models.CharField(_("no."), max_length=16)
    milestone = models.CharField(_("milestone"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    measurable_result = models.CharField(_("measurable result"), max_length=300, blank=True)
    reached = models.BooleanField(_("reached"), default=False)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.milestone}"


class Risk(models.Model):
    """A critical success factor or risk: how likely, how bad, and what is done about it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    factor = models.CharField(_("success factor or risk"), max_length=300)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1-5)"), default=3)
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"), default=3)
    measure = models.CharField(_("measure"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-likelihood", "-impact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_likelihood_1_to_5",
                violation_error_message=_("Likelihood is a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5),
                name="risk_impact_1_to_5",
                violation_error_message=_("Impact is a number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return self.factor


class IndicatorKind(models.TextChoices):
    CUSTOM = "custom", _("Own indicator")
    SICK_LEAVE = "sick_leave", _("Sick leave (%)")
    PRESENCE = "presence", _("Presence (%)")
    EXPERIENCED_QUALITY = "experienced_quality", _("Experienced quality K = O / F")
    DEVIATIONS_REPORTED = "deviations_reported", _("Deviations reported")
    DEVIATIONS_CLOSED = "deviations_closed", _("Deviations closed")


class IndicatorFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class IndicatorQuerySet(models.QuerySet):
    def measured(self):
        """Of projects that are not finished, each with `last_period`: the end of the period
        of its latest measurement (None before the first), for measures.measurement_due."""
        return self.exclude(project__status=ProjectStatus.FINISHED).annotate(
            last_period=models.Max("measurements__period_end")
        )


class Indicator(models.Model):
    """An effect goal's measure (måling av nytteverdi): a baseline, a target and measurements."""

    Kind = IndicatorKind
    Frequency = IndicatorFrequency

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    organisation_unit = models.CharField(_("measured at (unit)"), max_length=200, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]
        constraints = [
            choice_check("kind", IndicatorKind, "indicator_kind_valid"),
            choice_check("frequency", IndicatorFrequency, "indicator_frequency_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField(_("end of period"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    # For experienced quality: the scores K = O / F was computed from.
    experience = models.DecimalField(
        _("experience (O)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    expectation = models.DecimalField(
        _("expectation (F)"), max_digits=8, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"], name="measurement_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_end})"


class ChangeAction(models.TextChoices):
    PROJECT_STARTED = "project_started", _("Project started")
    PLAN_CHANGED = "plan_changed", _("Plan changed")
    PROJECT_DELETED = "project_deleted", _("Project deleted")
    PUBLICATION_CHANGED = "publication_changed", _("Publication changed")
    DECISION_ADDED = "decision_added", _("Decision point added")
    DECISION_CHANGED = "decision_changed", _("Decision point changed")
    DECISION_DELETED = "decision_deleted", _("Decision point deleted")
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_CHANGED = "milestone_changed", _("Milestone changed")
    MILESTONE_DELETED = "milestone_deleted", _("Milestone deleted")
    RISK_ADDED = "risk_added", _("Success factor or risk added")
    RISK_CHANGED = "risk_changed", _("Success factor or risk changed")
    RISK_DELETED = "risk_deleted", _("Success factor or risk deleted")
    INDICATOR_ADDED = "indicator_added", _("Indicator added")
    INDICATOR_CHANGED = "indicator_changed", _("Indicator changed")
    INDICATOR_DELETED = "indicator_deleted", _("Indicator deleted")
    MEASUREMENT_SAVED = "measurement_saved", _("Measurement saved")
    MEASUREMENT_DELETED = "measurement_deleted", _("Measurement deleted")
    MEASUREMENTS_IMPORTED = "measurements_imported", _("Measurements imported")
    MEMBER_ADDED = "member_added", _("Group member added")
    MEMBER_CHANGED = "member_changed", _("Group member changed")
    MEMBER_REMOVED = "member_removed", _("Group member removed")


class ProgrammeChange(models.Model):
    """One change of the programme, as its history shows it: who did what to which subject,
    with the fields' values before and after (as JSON, read by improvement.history).

    Kept when the project or row it is about is deleted: the subject's text is stored, and the
    programme cannot be deleted while it has history.
    """

    Action = ChangeAction

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="changes")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    project_title = models.CharField(_("project"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_changes",
    )
    user_name = models.CharField(_("by"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    subject = models.CharField(_("subject"), max_length=400, blank=True)
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("programme change")
        verbose_name_plural = _("programme changes")
        ordering = ["-at", "-id"]
        constraints = [choice_check("action", ChangeAction, "programmechange_action_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.subject}"
