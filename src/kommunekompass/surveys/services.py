"""The one write path of surveys: building one, its periods, invitations and reminders, the
respondents' answers, and closing a period, which feeds the survey's indicator.

Each function validates first and writes in one transaction. Functions that an owner calls take
the acting user; the respondent's `submit_response` takes none: nobody is signed in, and
nothing that names the respondent is passed to it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.improvement import measures
from kommunekompass.improvement.measurement_import import PlannedMeasurement
from kommunekompass.improvement.models import Indicator
from kommunekompass.improvement.services import write_measurements
from kommunekompass.lib.mail import send_mail
from kommunekompass.surveys import results as survey_results
from kommunekompass.surveys.models import (
    LANGUAGE_CODES,
    Answer,
    Invitation,
    Period,
    Response,
    Statement,
    Survey,
    Unit,
)

TEMPLATE_DIR = Path(__file__).parent / "survey_templates"
TEMPLATES = ("experienced_quality", "staff")


def today() -> datetime.date:
    return timezone.localdate()


def load_template(key: str) -> dict:
    if key not in TEMPLATES:
        raise ValidationError({"template": _("No such survey template.")})
    return yaml.safe_load((TEMPLATE_DIR / f"{key}.yaml").read_text(encoding="utf-8"))


def _full_clean(instance, exclude=()):
    instance.full_clean(exclude=list(exclude), validate_unique=False)


# --- building ---------------------------------------------------------------------------------


def create_survey(user, municipality, *, title, audience, template="", language="nb", **fields):
    """A survey with the template's statements (or none, to add one's own)."""
    spec = load_template(template) if template else {}
    survey = Survey(
        municipality=municipality,
        title=title or spec.get("title", {}).get(language, ""),
        audience=audience,
        template=template,
        language=language,
        asks_expectation=spec.get("asks_expectation", True),
        scale_max=spec.get("scale_max", 6),
        created_by=user if user is not None and user.is_authenticated else None,
        **fields,
    )
    survey.groups = clean_groups(survey.groups or [])
    _full_clean(survey, exclude=["open_token"])
    with transaction.atomic():
        survey.save()
        Statement.objects.bulk_create(
            Statement(
                survey=survey,
                number=number,
                kind=item.get("kind", Statement.Kind.SCALE),
                texts={code: item[code] for code in LANGUAGE_CODES if item.get(code)},
            )
            for number, item in enumerate(spec.get("statements", []), start=1)
        )
    return survey


def change_survey(user, survey, **fields):
    """The owner's settings: title, threshold, free text withheld, the indicator fed."""
    allowed = {"title", "threshold", "withhold_free_text", "indicator", "language", "groups"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not settings of a survey: {sorted(unknown)}")
    indicator = fields.get("indicator")
    if indicator is not None and indicator.project.programme.municipality_id != (
        survey.municipality_id
    ):
        raise ValidationError({"indicator": _("The indicator belongs to another municipality.")})
    if "groups" in fields:
        fields["groups"] = clean_groups(fields["groups"])
    for field, value in fields.items():
        setattr(survey, field, value)
    _full_clean(survey)
    survey.save(update_fields=list(fields))
    return survey


def clean_groups(groups) -> list[str]:
    """The background groups, trimmed, without blanks and repeats."""
    cleaned = list(dict.fromkeys(g.strip() for g in groups if g and g.strip()))
    if any(len(g) > 100 for g in cleaned):
        raise ValidationError({"groups": _("A group's name is at most 100 characters.")})
    return cleaned


def add_statement(user, survey, texts: dict, kind=Statement.Kind.SCALE):
    texts = {code: (texts.get(code) or "").strip() for code in LANGUAGE_CODES}
    texts = {code: text for code, text in texts.items() if text}
    if not texts:
        raise ValidationError({"texts": _("Write the statement in at least one language.")})
    with transaction.atomic():
        last = (
            Statement.objects.select_for_update()
            .filter(survey=survey)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        statement = Statement(survey=survey, number=(last or 0) + 1, kind=kind, texts=texts)
        _full_clean(statement)
        statement.save()
    return statement


def add_unit(user, survey, name: str):
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the unit.")})
    if survey.units.filter(name=name).exists():
        raise ValidationError({"name": _("The survey already has this unit.")})
    unit = Unit(survey=survey, name=name)
    _full_clean(unit)
    unit.save()
    return unit


def open_period(user, survey, name: str, starts, ends):
    period = Period(survey=survey, name=name.strip(), starts=starts, ends=ends)
    if starts and ends and ends < starts:
        raise ValidationError({"ends": _("The period cannot end before it starts.")})
    if survey.periods.filter(closed_on__isnull=True).exists():
        raise ValidationError(_("Close the open period before opening a new one."))
    if survey.periods.filter(name=period.name).exists():
        raise ValidationError({"name": _("The survey already has a period of this name.")})
    _full_clean(period)
    period.save()
    return period


def open_period_of(survey):
    return survey.periods.filter(closed_on__isnull=True).first()


# --- invitations ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_link(invitation, email, survey, period, *, reminder: bool) -> None:
    token = secrets.token_urlsafe(24)
    invitation.token_hash = token_hash(token)
    send_mail(
        "surveys/mail/invitation",
        {
            "survey": survey,
            "period": period,
            "reminder": reminder,
            "path": reverse("surveys:respond_invited", args=[token]),
        },
        email,
        survey.language,
    )


def invite(user, survey, period, emails: list[str]) -> int:
    """Send a one-time link to each address (once per address and period). Returns how many
    were sent."""
    if not period.is_open:
        raise ValidationError(_("The period is closed."))
    cleaned, problems = [], []
    for line, email in enumerate(emails, start=1):
        email = email.strip().lower()
        if not email:
            continue
        try:
            Invitation._meta.get_field("email").run_validators(email)
        except ValidationError:
            problems.append(
                _("Line %(line)d: %(email)s is not an e-mail address.")
                % {
                    "line": line,
                    "email": email,
                }
            )
            continue
        cleaned.append(email)
    if problems:
        raise ValidationError({"emails": problems})
    known = set(period.invitations.exclude(email="").values_list("email", flat=True))
    sent = 0
    for email in dict.fromkeys(cleaned):
        if email in known:
            continue
        invitation = Invitation(survey=survey, period=period, email=email, sent_on=today())
        _send_link(invitation, email, survey, period, reminder=False)
        invitation.save()
        sent += 1
    return sent


def remind(user, survey, period) -> int:
    """A new one-time link to each invited address that has not answered. The earlier link of
    each stops working (only the newest token's hash is kept)."""
    if not period.is_open:
        raise ValidationError(_("The period is closed."))
    waiting = list(period.invitations.filter(answered=False).exclude(email=""))
    for invitation in waiting:
        _send_link(invitation, invitation.email, survey, period, reminder=True)
        invitation.reminded_on = today()
        invitation.save(update_fields=["token_hash", "reminded_on"])
    return len(waiting)


def invitation_for(token: str):
    """The unused invitation of the token, or None."""
    return (
        Invitation.objects.select_related("survey", "period")
        .filter(token_hash=token_hash(token), answered=False, period__closed_on__isnull=True)
        .first()
    )


# --- answering ------------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    """The one-time link was used already."""


@dataclass(frozen=True)
class Given:
    statement: Statement
    expectation: int | None = None
    experience: int | None = None
    text: str = ""


def submit_response(survey, period, unit, given: list[Given], *, group="", invitation=None):
    """Store one respondent's answers. With a one-time invitation, the invitation is marked
    answered and its address erased in the same transaction; nothing links the two."""
    if not period.is_open or period.survey_id != survey.pk or unit.survey_id != survey.pk:
        raise ValidationError(_("The survey is not open for answers."))
    if group and group not in survey.groups:
        raise ValidationError({"group": _("Choose one of the groups.")})
    for item in given:
        for value in (item.expectation, item.experience):
            if value is not None and not 1 <= value <= survey.scale_max:
                raise ValidationError(
                    _("Answers are numbers from 1 to %(top)d.") % {"top": survey.scale_max}
                )
    with transaction.atomic():
        if invitation is not None:
            updated = Invitation.objects.filter(pk=invitation.pk, answered=False).update(
                answered=True, email=""
            )
            if not updated:
                raise AlreadyAnswered
        response = Response.objects.create(
            survey=survey, period=period, unit=unit, group=group, answered_on=today()
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                statement=item.statement,
                expectation=item.expectation,
                experience=item.experience,
                text=item.text.strip(),
            )
            for item in given
            if item.experience is not None or item.expectation is not None or item.text.strip()
        )
    return response


# --- closing a period -----------------------------------------------------------------------


def _decimal(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def close_period(user, survey, period):
    """Close the period. When the survey feeds an indicator and the period has at least the
    threshold of respondents, its figure is written as the indicator's measurement of the period
    (K for experienced quality, else the mean experience), noting the survey as its source."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_open:
            raise ValidationError(_("The period is closed already."))
        period.closed_on = today()
        period.save(update_fields=["closed_on"])
        if survey.indicator_id:
            feed_indicator(user, survey, period)
    return period


def feed_indicator(user, survey, period):
    """Write the period's figure into the survey's indicator. Returns the import outcome, or
    None when the period has too few respondents."""
    indicator = Indicator.objects.select_related("project__programme").get(pk=survey.indicator_id)
    total = survey_results.period_total(survey, period)
    if total is None:
        return None
    experienced_quality = indicator.kind == Indicator.Kind.EXPERIENCED_QUALITY
    if experienced_quality and total.quality is not None:
        # K from the stored O and F, as the programme computes it (improvement.measures).
        experience = _decimal(total.experience, "0.001")
        expectation = _decimal(total.expectation, "0.001")
        planned = PlannedMeasurement(
            row=0,
            period_end=period.ends,
            value=measures.experienced_quality(experience, expectation).quantize(Decimal("0.0001")),
            experience=experience,
            expectation=expectation,
        )
    else:
        value = total.quality if total.quality is not None and survey.asks_expectation else None
        planned = PlannedMeasurement(
            row=0,
            period_end=period.ends,
            value=_decimal(value if value is not None else total.experience, "0.0001"),
        )
    note = _("From the survey “%(survey)s”, period %(period)s: %(n)d respondents") % {
        "survey": survey.title,
        "period": period.name,
        "n": total.respondents,
    }
    return write_measurements(user, indicator, [planned], note=note)
