"""Municipalities, their people, and evaluations with interviews, evidence, scores, findings,
the way forward and results known per sub-area or area."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunekompass.frameworks.models import FocusArea, Framework, Question, SubArea


def choices_check(field: str, choices, name: str) -> models.CheckConstraint:
    """A check constraint that keeps a choice field to its choices in the database too."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": [value for value, _label in choices]}), name=name
    )


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    SWEDEN = "SE", _("Sweden")


class ReportLanguage(models.TextChoices):
    """The languages a report is written in (the site's languages)."""

    NB = "nb", _("Norwegian bokmål")
    NN = "nn", _("Norwegian nynorsk")
    SV = "sv", _("Swedish")
    EN = "en", _("English")


# A municipality's reports are in its country's language unless it says otherwise.
COUNTRY_LANGUAGE = {Country.NORWAY: ReportLanguage.NB, Country.SWEDEN: ReportLanguage.SV}


def country_language(country: str) -> str:
    return COUNTRY_LANGUAGE.get(country, ReportLanguage.NB)


class Municipality(models.Model):
    Country = Country
    ReportLanguage = ReportLanguage

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("municipality number"), max_length=8)
    county = models.CharField(_("county"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Left empty, it becomes the country's language when saved (NO: bokmål, SE: Swedish).
    report_language = models.CharField(
        _("report language"),
        max_length=5,
        choices=ReportLanguage.choices,
        blank=True,
        help_text=_("The language of its reports. Empty: the language of its country."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "number"], name="municipality_country_number_unique"
            ),
            choices_check("country", Country.choices, "municipality_country_valid"),
            choices_check(
                "report_language", ReportLanguage.choices, "municipality_report_language_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(number=""),
                name="municipality_name_and_number_given",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.report_language:
            self.report_language = country_language(self.country)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "report_language"}
        super().save(*args, **kwargs)

    def clean(self):
        # Before the check constraints are validated (ModelForm, admin): empty means default.
        super().clean()
        if not self.report_language:
            self.report_language = country_language(self.country)


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Municipal coordinator")
    READER = "reader", _("Reader")


class Membership(models.Model):
    """A person of a municipality: its coordinator (sees drafts) or a reader (published only).
    Granted, changed and revoked through evaluations.services.memberships (with history)."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="membership_unique"),
            choices_check("role", MembershipRole.choices, "membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class ResultLevel(models.TextChoices):
    QUESTION = "question", _("question")
    SUBAREA = "subarea", _("sub-area")
    AREA = "area", _("focus area")
    TOTAL = "total", _("total only")


class EvaluationQuerySet(models.QuerySet):
    """Queries that say the domain; use these instead of writing the filters again."""

    def published(self):
        """Evaluations whose current status is published (read-only, in comparisons)."""
        return self.filter(status=Evaluation.Status.PUBLISHED)

    def in_review(self):
        """Evaluations sent to review and waiting for approval."""
        return self.filter(status=Evaluation.Status.IN_REVIEW)

    def public(self):
        """Evaluations whose last published version anyone may read: published at least once
        and not withdrawn (a reopened evaluation stays public while its revision is under way).
        A published row without its frozen version is not public: `kommunekompass
        freeze-published` gives it one (the demo does so for its synthetic set)."""
        return self.filter(published_version__gt=0).exclude(status=Evaluation.Status.WITHDRAWN)

    def with_public_version(self):
        """Evaluations with at least one published version: their report is public, also
        while a revision is under way."""
        return self.filter(published_version__gt=0)

    def of(self, municipality):
        return self.filter(municipality=municipality)

    def latest_per_municipality(self, framework):
        """The latest published evaluation with `framework` (one version) of each municipality:
        the highest year, then the highest id. One query, backed by evaluation_latest_idx."""
        published = Evaluation.objects.published().filter(framework=framework)
        later = published.filter(municipality=models.OuterRef("municipality")).filter(
            models.Q(year__gt=models.OuterRef("year"))
            | models.Q(year=models.OuterRef("year"), pk__gt=models.OuterRef("pk"))
        )
        return self.published().filter(framework=framework).filter(~models.Exists(later))

    def awaiting_review_by(self, user, *, four_eyes: bool = True):
        """Evaluations in review that `user` may approve: those they are a named reviewer or on
        the team of (a site administrator: all), except, under the four-eyes rule, those they
        sent to review themselves."""
        if not user.is_authenticated:
            return self.none()
        waiting = self.filter(status=Evaluation.Status.IN_REVIEW)
        if not user.is_superuser:
            waiting = waiting.filter(
                models.Q(
                    pk__in=Evaluation.reviewers.through.objects.filter(user=user).values(
                        "evaluation_id"
                    )
                )
                | models.Q(
                    pk__in=Evaluation.evaluators.through.objects.filter(user=user).values(
                        "evaluation_id"
                    )
                )
            )
        if four_eyes:
            waiting = waiting.exclude(submitted_by=user)
        return waiting

    def with_framework(self):
        """With municipality and framework, without the framework's large text fields."""
        return self.select_related("municipality", "framework").defer(
            "framework__document", "framework__source"
        )


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Evaluation(models.Model):
    Status = EvaluationStatus

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="evaluations"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_evaluations",
        verbose_name=_("evaluator team"),
        blank=True,
    )
    # Named reviewers: besides the team, they read everything, comment while the evaluation
    # is in review and may approve (publish) it, but change nothing themselves.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="reviewed_evaluations",
        verbose_name=_("reviewers"),
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Counts every change to the evaluation's content; cached pages are keyed on it.
    revision = models.PositiveIntegerField(default=0)
    result_level = models.CharField(
        _("results known per"),
        max_length=16,
        choices=ResultLevel.choices,
        default=ResultLevel.QUESTION,
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Who sent it to review: under the four-eyes rule someone else approves and publishes.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to review by"),
    )
    # The number of the latest published version (0: never published). A reopened evaluation
    # keeps it, so its last published version stays public while the revision is under way.
    published_version = models.PositiveIntegerField(_("published version"), default=0)
    # The language its report is published in (its PDF and workbook, and the public page for a
    # visitor who chose no language). Left empty, it becomes the municipality's when saved.
    report_language = models.CharField(
        _("report language"), max_length=5, choices=ReportLanguage.choices, blank=True
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["municipality__name", "-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "framework", "year"], name="evaluation_identity_unique"
            ),
            choices_check("status", EvaluationStatus.choices, "evaluation_status_valid"),
            choices_check("result_level", ResultLevel.choices, "evaluation_result_level_valid"),
            choices_check(
                "report_language", ReportLanguage.choices, "evaluation_report_language_valid"
            ),
        ]
        indexes = [
            # "the latest published evaluation of each municipality" (comparisons.groups)
            models.Index(
                fields=["municipality", "framework", "status", "year"],
                name="evaluation_latest_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    def save(self, *args, **kwargs):
        if not self.report_language:
            self.report_language = self.municipality.report_language or country_language(
                self.municipality.country
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "report_language"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def has_public_version(self) -> bool:
        return self.published_version > 0

    @property
    def is_public(self) -> bool:
        """Its last published version may be read by anyone (see EvaluationQuerySet.public)."""
        return self.has_public_version and not self.is_withdrawn

    @property
    def is_locked(self) -> bool:
        """Published or withdrawn: its content changes no more (reopen a published one)."""
        return self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)

    @property
    def revision_under_way(self) -> bool:
        """Published before, and reopened since: the last version is public, a new one comes."""
        return self.has_public_version and not self.is_published


class InterviewRole(models.TextChoices):
    MAYOR = "mayor", _("Mayor and executive committee")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive and deputy")
    DEPARTMENT_HEADS = "department_heads", _("Department heads")
    UNIT_LEADERS = "unit_leaders", _("Unit and section leaders")
    STAFF_LEADERS = "staff_leaders", _("Staff leaders and HR")
    UNION_REPRESENTATIVES = "union_representatives", _("Chief union representatives")


class Interview(models.Model):
    """An interview of one of the groups the method names, planned or held."""

    Role = InterviewRole

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="interviews")
    role = models.CharField(_("interviewed group"), max_length=32, choices=Role.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    held = models.BooleanField(_("held"), default=False)
    participants = models.TextField(_("participants"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    questions = models.ManyToManyField(
        Question, blank=True, related_name="interviews", verbose_name=_("questions")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["date", "id"]
        constraints = [choices_check("role", InterviewRole.choices, "interview_role_valid")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.date or ''}".strip()


def evidence_upload_path(evidence: "Evidence", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{evidence.evaluation_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A document (uploaded file) or a link that scores rest on."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=evidence_upload_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    questions = models.ManyToManyField(
        Question, blank=True, related_name="evidence", verbose_name=_("questions")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Guards edits like Score.version: a change made on a stale page is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    """The levels given to one question, with the written reason. `version` guards edits."""

    # PROTECT: an evaluation with scores is never deleted (withdraw it instead).
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="scores")
    levels = models.JSONField(_("levels"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "question"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.question.code}"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    CHALLENGE = "challenge", _("Challenge")
    WEAKNESS = "weakness", _("Weakness")


class Finding(models.Model):
    Kind = FindingKind

    HEADINGS = {
        FindingKind.STRENGTH: _("Strengths"),
        FindingKind.CHALLENGE: _("Challenges"),
        FindingKind.WEAKNESS: _("Weaknesses"),
    }

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="findings")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("finding"))
    position = models.PositiveIntegerField(default=0)
    questions = models.ManyToManyField(
        Question, blank=True, related_name="findings", verbose_name=_("questions")
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["focus_area__position", "kind", "position", "id"]
        constraints = [choices_check("kind", FindingKind.choices, "finding_kind_valid")]

    def __str__(self) -> str:
        return self.text[:60]


class Priority(models.Model):
    """One priority of the way forward ("veien videre") the council chose after the report,
    in order (`position`), linked to the findings and focus areas it answers. Changed through
    evaluations.services.settings by the evaluation's team and the municipality's coordinators;
    a change after publishing shows in the next published version."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="priorities")
    text = models.TextField(_("priority"))
    position = models.PositiveIntegerField(default=0)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="priorities", verbose_name=_("focus areas")
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="priorities", verbose_name=_("findings it answers")
    )
    # Guards edits like Score.version: a change made on a stale page is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReportedPoints(models.Model):
    """Points of a sub-area or an area, for an evaluation known only at that level (imported
    from an earlier report), or its total, for one known only by its total (result level
    "total"). Question-level evaluations have Scores instead. At most one of `subarea` and
    `focus_area` is set, a node of the evaluation's framework; neither: the total (one per
    evaluation)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reported")
    subarea = models.ForeignKey(
        SubArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_points",
        verbose_name=_("sub-area"),
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_points",
        verbose_name=_("focus area"),
    )
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=4)

    class Meta:
        verbose_name = _("reported points")
        verbose_name_plural = _("reported points")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(subarea__isnull=False, focus_area__isnull=False),
                name="reported_points_at_most_one_node",
            ),
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=models.Q(subarea__isnull=True, focus_area__isnull=True),
                name="reported_points_total_unique",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "subarea"], name="reported_points_subarea_unique"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "focus_area"], name="reported_points_focus_area_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.code}: {self.points}"

    @property
    def code(self) -> str:
        node = self.subarea or self.focus_area
        return node.code if node is not None else "total"


class EvaluationSummary(models.Model):
    """An evaluation's total and area points, kept for fast comparisons of many evaluations.

    Computed by the engine; `revision` is the evaluation's revision it was computed at, so a
    summary older than its evaluation is recomputed before use (see evaluations.summaries).
    """

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    revision = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=12, decimal_places=4)
    max_points = models.DecimalField(max_digits=12, decimal_places=4)
    complete = models.BooleanField()
    # {area code: points as a decimal string}
    areas = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.total} / {self.max_points}"
