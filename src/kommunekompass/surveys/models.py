"""Surveys of users, residents and staff, answered without an account.

Anonymity is built into the tables:
- a Response holds the unit, the period and the date it came in (no time of day), and nothing
  that names the respondent: no user, no e-mail, no IP address, no link to the invitation;
- an Invitation (a one-time link sent by e-mail) keeps only a hash of its token; when it is
  used, its e-mail address is erased and it is marked answered, so reminders go to the others
  and nobody, not even someone reading the database, can see who answered;
- results are shown only for groups of at least the survey's threshold of respondents, which
  the database keeps at 3 or more.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Municipality
from kommunekompass.improvement.models import Indicator

LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("sv", "Svenska"), ("en", "English")]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOWEST_THRESHOLD = 3


def new_open_token() -> str:
    return secrets.token_urlsafe(12)


class Audience(models.TextChoices):
    SERVICE_USERS = "service_users", _("Users of a service")
    RESIDENTS = "residents", _("Residents")
    STAFF = "staff", _("Staff of a unit")


class SurveyQuerySet(models.QuerySet):
    def of(self, municipality):
        return self.filter(municipality=municipality)


class Survey(models.Model):
    Audience = Audience

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("who answers"), max_length=16, choices=Audience.choices)
    template = models.CharField(_("built from"), max_length=40, blank=True)
    language = models.CharField(
        _("language of the survey"), max_length=2, choices=LANGUAGES, default="nb"
    )
    asks_expectation = models.BooleanField(
        _("asks for expectation (F) as well as experience (O)"), default=True
    )
    scale_max = models.PositiveSmallIntegerField(_("highest value of the scale"), default=6)
    threshold = models.PositiveSmallIntegerField(
        _("fewest respondents for a result"),
        default=5,
        help_text=_("Results of a unit with fewer respondents are not shown (at least 3)."),
    )
    withhold_free_text = models.BooleanField(_("withhold free-text answers"), default=False)
    # Background groups a respondent may say they belong to (e.g. age bands), as the owner
    # wrote them. Results per group obey the threshold like those per unit.
    groups = models.JSONField(_("background groups"), default=list, blank=True)
    open_token = models.CharField(max_length=40, unique=True, default=new_open_token)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("feeds the indicator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=LOWEST_THRESHOLD),
                name="survey_threshold_at_least_3",
                violation_error_message=_("The threshold is at least 3 respondents."),
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2, scale_max__lte=10),
                name="survey_scale_2_to_10",
                violation_error_message=_("The scale ends at a value from 2 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="survey_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=LANGUAGE_CODES), name="survey_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatementKind(models.TextChoices):
    SCALE = "scale", _("Statement on the scale")
    TEXT = "text", _("Free text")


class Statement(models.Model):
    Kind = StatementKind

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveSmallIntegerField(_("no."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCALE)
    # The text in each language: {"nb": "...", "nn": "...", "sv": "...", "en": "..."}.
    texts = models.JSONField(_("texts"), default=dict)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="statement_number_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=StatementKind.values), name="statement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text_in('nb')}"

    def text_in(self, language: str, fallback: str = "nb") -> str:
        """The text in `language`, else in the survey's language, else any."""
        return (
            self.texts.get(language)
            or self.texts.get(fallback)
            or next((t for t in self.texts.values() if t), "")
        )


class Unit(models.Model):
    """Where the survey is answered: a nursing home, a school, a home-care district."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("unit"), max_length=200)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="survey_unit_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A round of the survey. Answers come in while it is open; its owner closes it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("period"), max_length=100)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=F("starts")),
                name="survey_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(closed_on__isnull=True),
                name="survey_one_open_period",
                violation_error_message=_("Close the open period before opening a new one."),
            ),
            models.UniqueConstraint(fields=["survey", "name"], name="survey_period_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Invitation(models.Model):
    """A one-time link sent by e-mail. Only the hash of its token is kept. Once used, the
    address is erased: `answered` says only that one of the invited answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered=False) | Q(email=""), name="invitation_answered_no_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {'answered' if self.answered else 'waiting'}"


class Response(models.Model):
    """One respondent's answers. Nothing here says who: no account, address, IP, link or
    time of day (see the module's docstring)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responses")
    group = models.CharField(_("background group"), max_length=100, blank=True)
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "period", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit}, {self.period}"


def _on_scale(field):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 10})


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    expectation = models.PositiveSmallIntegerField(_("expected (F)"), null=True, blank=True)
    experience = models.PositiveSmallIntegerField(_("experienced (O)"), null=True, blank=True)
    text = models.TextField(_("free text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "statement"], name="answer_one_per_statement"
            ),
            models.CheckConstraint(condition=_on_scale("expectation"), name="answer_f_on_scale"),
            models.CheckConstraint(condition=_on_scale("experience"), name="answer_o_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: F {self.expectation}, O {self.experience}"
