"""The arithmetic of the improvement programme. Pure functions, no database.

- experienced quality K = O / F: experience divided by expectation (seed 001);
- presence is the reverse of sick leave: 100 % minus the sick-leave percentage;
- an indicator's change since its baseline, and whether it has reached its target, in the
  direction that counts as better for it;
- overdue milestones; whether all three parties take part in a group.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The three parties of the tripartite cooperation (trepartssamarbeid), and employees.
ELECTED = "elected"
MANAGEMENT = "management"
UNION = "union"
EMPLOYEE = "employee"
TRIPARTITE = (ELECTED, MANAGEMENT, UNION)


def experienced_quality(experience: Decimal, expectation: Decimal) -> Decimal:
    """K = O / F. Above 1: the service was experienced as better than expected."""
    if expectation <= 0:
        raise ValueError("The expectation must be above zero to compute K = O / F.")
    return experience / expectation


def presence(sick_leave_percent: Decimal) -> Decimal:
    """Presence (nærvær) in per cent from sick leave (sykefravær) in per cent."""
    if not 0 <= sick_leave_percent <= 100:
        raise ValueError("Sick leave must be a percentage between 0 and 100.")
    return Decimal(100) - sick_leave_percent


@dataclass(frozen=True)
class IndicatorStatus:
    latest: Decimal | None
    change: Decimal | None  # latest minus baseline
    improved: bool | None  # in the better direction since the baseline
    on_target: bool | None  # the target is reached (or passed, in the better direction)

    @property
    def worsened(self) -> bool:
        """Moved away from the baseline in the wrong direction (no change is not worse)."""
        return self.improved is False and self.change != 0


def indicator_status(
    baseline: Decimal | None,
    target: Decimal | None,
    values: list[tuple[datetime.date, Decimal]],
    higher_is_better: bool,
) -> IndicatorStatus:
    """How an indicator stands: its latest value against its baseline and its target."""
    if not values:
        return IndicatorStatus(None, None, None, None)
    latest = max(values, key=lambda item: item[0])[1]
    sign = 1 if higher_is_better else -1
    change = latest - baseline if baseline is not None else None
    improved = None if change is None else (sign * change > 0)
    on_target = None if target is None else (sign * (latest - target) >= 0)
    return IndicatorStatus(latest, change, improved, on_target)


def is_off_target(
    target: Decimal | None,
    values: list[tuple[datetime.date, Decimal]],
    higher_is_better: bool,
) -> bool:
    """The latest measurement has not reached the target (in the better direction). Without a
    target or a measurement nothing is off target."""
    return indicator_status(None, target, values, higher_is_better).on_target is False


def is_overdue(date: datetime.date | None, reached: bool, today: datetime.date) -> bool:
    """A milestone past its date without being reached."""
    return date is not None and date < today and not reached


def is_due_within(
    date: datetime.date | None, reached: bool, today: datetime.date, days: int = 30
) -> bool:
    """An unreached milestone that falls due in the next `days` days."""
    end = today + datetime.timedelta(days=days)
    return date is not None and today <= date <= end and not reached


def overdue(milestones: list[tuple[datetime.date | None, bool]], today: datetime.date) -> int:
    """How many milestones are past their date without being reached."""
    return sum(1 for date, reached in milestones if is_overdue(date, reached, today))


def due_within(
    milestones: list[tuple[datetime.date | None, bool]], today: datetime.date, days: int = 30
) -> int:
    """How many unreached milestones fall due in the next `days` days."""
    return sum(1 for date, reached in milestones if is_due_within(date, reached, today, days))


def last_period_end(frequency: str, today: datetime.date) -> datetime.date:
    """The end of the latest period of `frequency` ("monthly", "quarterly", "yearly") that has
    ended before `today`: measurements are stored at the end date of their period."""
    first_of_month = today.replace(day=1)
    if frequency == "monthly":
        return first_of_month - datetime.timedelta(days=1)
    if frequency == "quarterly":
        quarter_start = first_of_month.replace(month=(today.month - 1) // 3 * 3 + 1)
        return quarter_start - datetime.timedelta(days=1)
    if frequency == "yearly":
        return datetime.date(today.year - 1, 12, 31)
    raise ValueError(f"Unknown frequency: {frequency}")


def measurement_due(
    frequency: str, last_measured: datetime.date | None, today: datetime.date
) -> datetime.date | None:
    """The end of the period whose measurement is due now, or None when the indicator is
    measured up to its latest ended period. `last_measured` is the period end of its latest
    measurement (None before the first)."""
    due = last_period_end(frequency, today)
    if last_measured is not None and last_measured >= due:
        return None
    return due


def missing_parties(parties: list[str]) -> list[str]:
    """The tripartite parties that have nobody in a group (empty when all three take part)."""
    present = set(parties)
    return [party for party in TRIPARTITE if party not in present]


PERCENT_KINDS = ("sick_leave", "presence")
COUNT_KINDS = ("deviations_reported", "deviations_closed")
# How far a stated K may be from O / F (it is often rounded to three decimals).
K_TOLERANCE = Decimal("0.0005")
VALUE_PLACES = Decimal("0.0001")  # Measurement.value is Decimal(12, 4)
SCORE_PLACES = Decimal("0.001")  # experience and expectation are Decimal(8, 3)


def _(message: str) -> str:
    """Marks a message for translation (makemessages finds it); the caller translates it, so
    this module stays free of Django."""
    return message


class BadMeasurement(ValueError):
    """A measurement that cannot be right for its kind of indicator. `column` is the one at
    fault: "value", "experience" or "expectation". `message` is the untranslated text with
    %(name)s placeholders for `params`; the caller shows it in the user's language."""

    def __init__(self, message: str, column: str = "value", params: dict | None = None):
        super().__init__(message % params if params else message)
        self.message = message
        self.column = column
        self.params = params or {}


def measured_value(
    kind: str,
    value: Decimal | None,
    experience: Decimal | None = None,
    expectation: Decimal | None = None,
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """The (value, experience, expectation) to store for one measurement of `kind`, checked
    and rounded to the places the database keeps. Raises BadMeasurement.

    Experienced quality may be given as K itself or as the experience (O) and expectation (F)
    scores it is computed from; given both, they must agree. Percentages lie between 0 and 100;
    counts of deviations are whole numbers, not below 0.
    """
    if kind == "experienced_quality" and (experience is not None or expectation is not None):
        if experience is None:
            raise BadMeasurement(_("O and F are given together; O is missing."), "experience")
        if expectation is None:
            raise BadMeasurement(_("O and F are given together; F is missing."), "expectation")
        if experience < 0:
            raise BadMeasurement(_("The experience (O) cannot be below 0."), "experience")
        if expectation <= 0:
            raise BadMeasurement(
                _("The expectation (F) must be above 0 to compute K = O / F."), "expectation"
            )
        experience = experience.quantize(SCORE_PLACES, ROUND_HALF_UP)
        expectation = expectation.quantize(SCORE_PLACES, ROUND_HALF_UP)
        computed = experienced_quality(experience, expectation).quantize(
            VALUE_PLACES, ROUND_HALF_UP
        )
        if value is not None and abs(value - computed) > K_TOLERANCE:
            raise BadMeasurement(
                _("K = %(value)s does not match O / F = %(o)s / %(f)s = %(k)s."),
                params={"value": value, "o": experience, "f": expectation, "k": computed},
            )
        return computed, experience, expectation
    if value is None:
        if kind == "experienced_quality":
            raise BadMeasurement(_("Give either K, or both O and F."))
        raise BadMeasurement(_("The value is missing."))
    if kind in PERCENT_KINDS and not 0 <= value <= 100:
        raise BadMeasurement(_("A percentage lies between 0 and 100."))
    if kind in COUNT_KINDS and (value < 0 or value != value.to_integral_value()):
        raise BadMeasurement(_("A number of deviations is a whole number, 0 or more."))
    return value.quantize(VALUE_PLACES, ROUND_HALF_UP), None, None


# --- How many decimals an indicator's figures are shown with -----------------------------------

# Per cent (sick leave, presence, or any "%" unit): one decimal, as the statistics give it
# (7,4 %). Experienced quality K = O / F: two (0,82). Counts: whole numbers. Anything else:
# the fewest decimals (at most two) that show its figures as they were entered.
MOST_DECIMALS = 2


def _decimals_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def indicator_decimals(kind: str, unit: str, values) -> int:
    """The one number of decimals every figure of an indicator (baseline, target, measurements,
    change) is shown with, from its kind, its unit and its values (None left out)."""
    figures = [Decimal(str(v)) for v in values if v is not None]
    if kind in PERCENT_KINDS or (unit or "").strip() in ("%", "prosent", "procent", "per cent"):
        return 1
    if kind == "experienced_quality":
        return 2
    if kind in COUNT_KINDS:
        return 0 if all(f == f.to_integral_value() for f in figures) else 1
    return min(max((_decimals_of(f) for f in figures), default=0), MOST_DECIMALS)
