import datetime
from decimal import Decimal as D

import pytest

from kommunekompass.improvement.measures import (
    ELECTED,
    EMPLOYEE,
    MANAGEMENT,
    UNION,
    due_within,
    experienced_quality,
    indicator_status,
    missing_parties,
    overdue,
    presence,
)

TODAY = datetime.date(2026, 11, 22)


def test_experienced_quality_is_experience_over_expectation():
    assert experienced_quality(D("4.2"), D("4.8")) == D("0.875")
    assert experienced_quality(D("5"), D("4")) > 1  # better than expected
    with pytest.raises(ValueError):
        experienced_quality(D("4"), D("0"))


def test_presence_is_the_reverse_of_sick_leave():
    assert presence(D("9.1")) == D("90.9")
    with pytest.raises(ValueError):
        presence(D("101"))


def test_an_indicator_where_lower_is_better_improves_when_it_falls():
    quarters = [
        (datetime.date(2026, 3, 31), D("9.1")),
        (datetime.date(2026, 9, 30), D("7.8")),
        (datetime.date(2026, 6, 30), D("8.4")),
    ]
    status = indicator_status(D("9.1"), D("7.5"), quarters, higher_is_better=False)
    assert status.latest == D("7.8") and status.change == D("-1.3")
    assert status.improved is True and status.on_target is False
    reached = indicator_status(D("9.1"), D("8.0"), quarters, higher_is_better=False)
    assert reached.on_target is True


def test_an_indicator_where_higher_is_better():
    status = indicator_status(D("0.8"), D("1.0"), [(TODAY, D("1.05"))], higher_is_better=True)
    assert status.improved and status.on_target
    assert indicator_status(D("1"), None, [], True).latest is None


def test_milestones_overdue_and_due_soon():
    milestones = [
        (datetime.date(2026, 10, 1), False),  # overdue
        (datetime.date(2026, 10, 2), True),  # reached
        (datetime.date(2026, 12, 1), False),  # due within 30 days
        (datetime.date(2027, 3, 1), False),
        (None, False),
    ]
    assert overdue(milestones, TODAY) == 1
    assert due_within(milestones, TODAY) == 1


def test_a_group_shows_which_of_the_three_parties_is_missing():
    assert missing_parties([ELECTED, MANAGEMENT, UNION, EMPLOYEE]) == []
    assert missing_parties([MANAGEMENT, EMPLOYEE]) == [ELECTED, UNION]
