"""The loop closes: closing a period writes the survey's figure into the indicator it feeds,
through the improvement services, with the survey named as its source."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kommunekompass.improvement.models import Indicator, Measurement, ProgrammeChange
from kommunekompass.surveys import services
from tests.surveys.conftest import answer

# Five respondents, one statement each: the hand-computed example of test_arithmetic, as (F, O).
EXAMPLE = [(5, 4), (5, 5), (4, 3), (6, 6), (6, 5)]


def test_closing_a_period_adds_a_k_measurement_with_its_source(surveyed):
    w = surveyed
    services.change_survey(w.coordinator, w.survey, indicator=w.k_indicator)
    for pair in EXAMPLE:
        answer(w.survey, w.period, w.home, [pair])
    services.close_period(w.leader, w.survey, w.period)
    measurement = Measurement.objects.get(indicator=w.k_indicator)
    assert measurement.period_end == w.period.ends
    assert measurement.value == Decimal("0.8846")
    assert measurement.experience == Decimal("4.600")
    assert measurement.expectation == Decimal("5.200")
    change = ProgrammeChange.objects.filter(project=w.project).latest("id")
    assert change.user == w.leader
    assert "Hjemmetjenesten 2026" in change.note and "5" in change.note
    w.period.refresh_from_db()
    assert w.period.closed_on is not None
    with pytest.raises(ValidationError):
        services.close_period(w.leader, w.survey, w.period)


def test_an_own_indicator_gets_the_value_and_too_few_respondents_add_nothing(surveyed):
    w = surveyed
    own = Indicator.objects.create(project=w.project, kind="custom", name="Trivsel")
    services.change_survey(w.coordinator, w.survey, indicator=own)
    for pair in EXAMPLE[:4]:
        answer(w.survey, w.period, w.home, [pair])
    services.close_period(w.coordinator, w.survey, w.period)
    assert not Measurement.objects.filter(indicator=own).exists()


def test_an_indicator_of_another_municipality_is_refused(surveyed):
    w = surveyed
    from kommunekompass.improvement.models import Programme, Project

    other = Programme.objects.create(municipality=w.nordhei)
    project = Project.objects.create(programme=other, title="Annet")
    foreign = Indicator.objects.create(project=project, name="Fremmed")
    with pytest.raises(ValidationError):
        services.change_survey(w.coordinator, w.survey, indicator=foreign)
