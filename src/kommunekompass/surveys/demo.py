"""The demo's survey: Fjordvik's home-care users asked about experienced quality in two periods
of last year, answered by enough respondents to pass the threshold (and one small unit that
does not), and a current round open for answers. It feeds the K indicator of the programme's
project on home care: each closed period added its measurement. Made through the services, as
an owner would, with answers drawn from a fixed seed."""

from __future__ import annotations

import datetime
import random

from kommunekompass.evaluations.models import Municipality
from kommunekompass.improvement.models import Indicator
from kommunekompass.surveys import services
from kommunekompass.surveys.models import Statement, Survey

TITLE = "Brukerundersøkelse hjemmetjenesten"
# unit: respondents per period
UNITS = {"Hjemmetjenesten sør": 8, "Hjemmetjenesten nord": 7, "Dagsenteret": 3}
GROUPS = ["Under 67 år", "67–79 år", "80 år eller eldre"]
TEXTS = [
    "Hyggelige og flinke folk.",
    "Skulle ønske de hadde bedre tid.",
    "Vanskelig å vite hvem som kommer.",
    "Veldig fornøyd med hjelpen.",
]


def load_demo_survey(users: dict, today: datetime.date) -> bool:
    """True if created, False if it was there (or Fjordvik or its programme is missing)."""
    municipality = Municipality.objects.filter(country="NO", number="9901").first()
    if municipality is None or Survey.objects.of(municipality).filter(title=TITLE).exists():
        return False
    quality = (
        Indicator.objects.filter(
            project__programme__municipality=municipality, kind=Indicator.Kind.EXPERIENCED_QUALITY
        )
        .select_related("project__programme")
        .first()
    )
    if quality is None:
        return False
    coordinator = users.get("coordinator")
    survey = services.create_survey(
        coordinator,
        municipality,
        title=TITLE,
        audience="service_users",
        template="experienced_quality",
    )
    services.change_survey(coordinator, survey, indicator=quality, groups=GROUPS)
    units = [services.add_unit(coordinator, survey, name) for name in UNITS]
    statements = list(survey.statements.all())
    scale = [s for s in statements if s.kind == Statement.Kind.SCALE]
    free = [s for s in statements if s.kind == Statement.Kind.TEXT]
    draw = random.Random(14)
    year = today.year - 1
    rounds = [
        ("Vår " + str(year), datetime.date(year, 3, 1), datetime.date(year, 5, 31), 0),
        ("Høst " + str(year), datetime.date(year, 9, 1), datetime.date(year, 11, 30), 1),
    ]
    for name, starts, ends, better in rounds:
        period = services.open_period(coordinator, survey, name, starts, ends)
        for unit in units:
            for _ in range(UNITS[unit.name]):
                given = []
                for statement in scale:
                    expectation = draw.choice([4, 5, 5, 6, 6])
                    experience = max(1, min(6, expectation - draw.choice([0, 1, 1, 2]) + better))
                    given.append(services.Given(statement, expectation, experience))
                if free and draw.random() < 0.3:
                    given.append(services.Given(free[0], text=draw.choice(TEXTS)))
                group = draw.choice([*GROUPS, GROUPS[2], ""])
                services.submit_response(survey, period, unit, given, group=group)
        services.close_period(coordinator, survey, period)
    # The current round is open, to try answering through the open link or its QR code.
    services.open_period(
        coordinator,
        survey,
        f"Runde {today.year}",
        today - datetime.timedelta(days=30),
        today + datetime.timedelta(days=60),
    )
    return True
