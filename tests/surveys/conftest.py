"""A Fjordvik survey of experienced quality on top of the improvement programme's world: two
units, an open period, and a way to add respondents quickly (through the service)."""

import datetime

import pytest

from kommunekompass.improvement.models import Indicator
from kommunekompass.surveys import services
from kommunekompass.surveys.models import Statement


def answer(survey, period, unit, pairs, text=""):
    """One respondent: `pairs` is a list of (F, O) for the survey's scale statements in order."""
    statements = list(survey.statements.all())
    scale = [s for s in statements if s.kind == Statement.Kind.SCALE]
    given = [
        services.Given(s, expectation=f, experience=o)
        for s, (f, o) in zip(scale, pairs, strict=False)
    ]
    free = [s for s in statements if s.kind == Statement.Kind.TEXT]
    if text and free:
        given.append(services.Given(free[0], text=text))
    return services.submit_response(survey, period, unit, given)


@pytest.fixture
def surveyed(programme):
    w = programme
    w.survey = services.create_survey(
        w.coordinator,
        w.fjordvik,
        title="Hjemmetjenesten 2026",
        audience="service_users",
        template="experienced_quality",
    )
    w.home = services.add_unit(w.coordinator, w.survey, "Hjemmetjenesten sør")
    w.nursing = services.add_unit(w.coordinator, w.survey, "Solbakken sykehjem")
    w.period = services.open_period(
        w.coordinator,
        w.survey,
        "Høst 2026",
        datetime.date(2026, 9, 1),
        datetime.date(2026, 11, 30),
    )
    w.k_indicator = Indicator.objects.create(
        project=w.project, kind="experienced_quality", name="Opplevd kvalitet", unit="K"
    )
    return w
