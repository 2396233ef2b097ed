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
from decimal import Decimal

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


def overdue(milestones: list[tuple[datetime.date | None, bool]], today: datetime.date) -> int:
    """How many milestones are past their date without being reached."""
    return sum(
        1 for date, reached in milestones if date is not None and date < today and not reached
    )


def due_within(
    milestones: list[tuple[datetime.date | None, bool]], today: datetime.date, days: int = 30
) -> int:
    """How many unreached milestones fall due in the next `days` days."""
    end = today + datetime.timedelta(days=days)
    return sum(
        1
        for date, reached in milestones
        if date is not None and today <= date <= end and not reached
    )


def missing_parties(parties: list[str]) -> list[str]:
    """The tripartite parties that have nobody in a group (empty when all three take part)."""
    present = set(parties)
    return [party for party in TRIPARTITE if party not in present]
