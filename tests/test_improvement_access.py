"""Who may see and change a municipality's programme: every URL, every role.

Coordinators and project leaders edit, steering-group members and readers read, only
coordinators manage the groups, and nobody outside the municipality sees anything (404) —
evaluators included. Anonymous users are sent to log in."""

import pytest
from django.urls import reverse

from kommunekompass.improvement.models import DecisionPoint, Measurement, Project

EVERYONE = [
    "admin",
    "coordinator",
    "leader",
    "steering",
    "reader",
    "eva",
    "outsider",
    "nordhei_reader",
    "nordhei_coordinator",
]
READERS = {"admin", "coordinator", "leader", "steering", "reader"}
EDITORS = {"admin", "coordinator", "leader"}
MANAGERS = {"admin", "coordinator"}


def urls(w):
    """(name, url, who may: read/edit/manage) for every GET page."""
    m, p, i = w.fjordvik.pk, w.project.pk, w.indicator.pk
    return [
        (reverse("improvement:dashboard", args=[m]), READERS),
        (reverse("improvement:groups", args=[m]), READERS),
        (reverse("improvement:status_xlsx", args=[m]), READERS),
        (reverse("improvement:project", args=[p]), READERS),
        (reverse("improvement:plan_pdf", args=[p]), READERS),
        (reverse("improvement:indicator", args=[i]), READERS),
        (reverse("improvement:project_create", args=[m]), EDITORS),
        (reverse("improvement:project_edit", args=[p]), EDITORS),
        (reverse("improvement:row", args=[p, "milestones", w.milestone.pk]), EDITORS),
        (reverse("improvement:row", args=[p, "decisions", w.decision.pk]), EDITORS),
        (reverse("improvement:row", args=[p, "risks", w.risk.pk]), EDITORS),
        (reverse("improvement:indicator_create", args=[p]), EDITORS),
        (reverse("improvement:indicator_edit", args=[i]), EDITORS),
        (reverse("improvement:member", args=[m, w.member.pk]), MANAGERS),
    ]


def posts(w):
    """(url, data, who may) for every POST action."""
    m, p, i = w.fjordvik.pk, w.project.pk, w.indicator.pk
    return [
        (reverse("improvement:groups", args=[m]), {"name": "X"}, MANAGERS),
        (reverse("improvement:member", args=[m, w.member.pk]), {"name": "X"}, MANAGERS),
        (reverse("improvement:member_delete", args=[m, w.member.pk]), {}, MANAGERS),
        (reverse("improvement:project_create", args=[m]), {"title": ""}, EDITORS),
        (reverse("improvement:project_edit", args=[p]), {"title": ""}, EDITORS),
        (reverse("improvement:project_delete", args=[p]), {}, MANAGERS),
        (reverse("improvement:row_add", args=[p, "milestones"]), {}, EDITORS),
        (reverse("improvement:row", args=[p, "risks", w.risk.pk]), {}, EDITORS),
        (reverse("improvement:row_delete", args=[p, "decisions", w.decision.pk]), {}, EDITORS),
        (reverse("improvement:indicator_create", args=[p]), {}, EDITORS),
        (reverse("improvement:indicator", args=[i]), {"period": "x"}, EDITORS),
        (reverse("improvement:indicator_edit", args=[i]), {}, EDITORS),
        (reverse("improvement:indicator_delete", args=[i]), {}, EDITORS),
        (reverse("improvement:import", args=[i]), {}, EDITORS),
        (
            reverse("improvement:measurement_delete", args=[i, w.measurement.pk]),
            {},
            EDITORS,
        ),
    ]


@pytest.mark.parametrize("who", EVERYONE)
def test_it_shows_every_page_only_to_the_people_of_the_municipality(client, programme, who):
    client.force_login(getattr(programme, who))
    for url, allowed in urls(programme):
        response = client.get(url)
        if who in allowed:
            expected = 200
        elif who in READERS:
            expected = 403
        else:
            expected = 404
        assert response.status_code == expected, (who, url)


@pytest.mark.parametrize("who", sorted(set(EVERYONE) - EDITORS))
def test_it_refuses_every_change_from_those_who_may_not_make_it(client, programme, who):
    client.force_login(getattr(programme, who))
    for url, data, _allowed in posts(programme):
        response = client.post(url, data)
        assert response.status_code == (403 if who in READERS else 404), (who, url)
    # Nothing changed.
    assert Project.objects.filter(pk=programme.project.pk).exists()
    assert DecisionPoint.objects.filter(pk=programme.decision.pk).exists()
    assert Measurement.objects.filter(pk=programme.measurement.pk).exists()
    assert programme.programme.members.count() == 3


def test_it_lets_project_leaders_change_projects_but_not_the_groups(client, programme):
    client.force_login(programme.leader)
    for url, data, allowed in posts(programme):
        if "delete" in url and allowed is not MANAGERS:
            continue  # deleting is tried last, below
        response = client.post(url, data)
        if allowed is MANAGERS:
            assert response.status_code == 403, url
        else:
            assert response.status_code in (200, 302, 422), url
    url = reverse("improvement:indicator_delete", args=[programme.indicator.pk])
    assert client.post(url).status_code == 302
    assert Project.objects.filter(pk=programme.project.pk).exists()


def test_it_sends_anonymous_users_to_log_in(client, programme):
    for url, _allowed in urls(programme):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for url, data, _allowed in posts(programme):
        assert client.post(url, data).status_code == 302
    assert Project.objects.filter(pk=programme.project.pk).exists()


def test_it_lists_only_the_programmes_of_ones_own_municipalities(client, programme):
    client.force_login(programme.reader)
    response = client.get(reverse("improvement:list"))
    assert response.status_code == 302  # one municipality: straight to its dashboard
    assert response["Location"] == reverse("improvement:dashboard", args=[programme.fjordvik.pk])
    client.force_login(programme.outsider)
    response = client.get(reverse("improvement:list"))
    assert b"Fjordvik" not in response.content
    client.force_login(programme.admin)
    response = client.get(reverse("improvement:list"))
    assert b"Fjordvik" in response.content and b"Nordhei" in response.content


def test_it_answers_404_for_rows_of_another_project(client, programme):
    other = Project.objects.create(programme=programme.programme, title="Annet")
    client.force_login(programme.coordinator)
    url = reverse("improvement:row", args=[other.pk, "milestones", programme.milestone.pk])
    assert client.get(url).status_code == 404
    url = reverse("improvement:row", args=[other.pk, "nonsense", programme.milestone.pk])
    assert client.get(url).status_code == 404
    url = reverse("improvement:measurement_delete", args=[programme.indicator.pk + 999, 1])
    assert client.post(url).status_code == 404
