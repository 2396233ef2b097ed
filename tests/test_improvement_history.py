"""The programme's history page and its formatter, the coordinators' choice of what is public,
the published report that shows only that, and the admin that only reads."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.improvement import services
from kommunekompass.improvement.history import Line, change_lines, json_value
from kommunekompass.improvement.models import Milestone, ProgrammeChange, Project
from tests.improvement_world import TODAY

# --- the formatter: pure, no database ----------------------------------------------------------


def test_values_are_shown_in_the_users_language():
    with translation.override("nb"):
        lines = change_lines(
            "plan_changed",
            {"status": "on_track", "starts": None, "public": False},
            {"status": "at_risk", "starts": "2026-11-22", "public": True},
        )
        public_label = capfirst(Project._meta.get_field("public").verbose_name)
    assert lines == [
        Line("Status", "I rute", "I faresonen"),
        Line("Starter", "–", "22. november 2026"),
        Line(str(public_label), "Nei", "Ja"),
    ]


def test_numbers_parties_and_accounts_are_readable():
    with translation.override("nb"):
        indicator = change_lines("indicator_changed", {"baseline": "7.8"}, {"baseline": "6.25"})
        member = change_lines(
            "member_changed",
            {"party": "union", "user": None},
            {"party": "elected", "user": {"id": 3, "name": "Kari Koordinator"}},
        )
        imported = change_lines(
            "measurements_imported",
            {"measurements": {"2026-09-30": "7.2"}},
            {"measurements": {"2026-09-30": "7", "2026-12-31": "6.8"}},
        )
    assert [(line.old, line.new) for line in indicator] == [("7,8", "6,25")]
    assert member[0].old == "Tillitsvalgt"
    assert member[1].new == "Kari Koordinator"
    assert [(line.label, line.old, line.new) for line in imported] == [
        ("30. september 2026", "7,2", "7"),
        ("31. desember 2026", "–", "6,8"),
    ]


def test_unchanged_and_empty_fields_are_left_out():
    assert (
        change_lines("milestone_added", {}, {"number": "MP1", "date": None, "basis": ""})
        == [Line("No.", "–", "MP1")]
        or len(change_lines("milestone_added", {}, {"number": "MP1", "date": None})) == 1
    )
    assert change_lines("risk_changed", {"impact": 3}, {"impact": 3}) == []


def test_json_values_keep_what_was_written():
    assert json_value(Decimal("7.2000")) == "7.2"
    assert json_value(Decimal("10")) == "10"
    assert json_value(datetime.date(2026, 11, 22)) == "2026-11-22"
    assert json_value(True) is True
    assert json_value(None) is None


# --- the history page ------------------------------------------------------------------------


@pytest.fixture
def changed(programme):
    """A few changes through the services."""
    w = programme
    services.change_plan(w.leader, w.project, {"status": "on_track"}, version=1)
    services.change_row(w.leader, w.milestone, {"reached": True, "date": TODAY})
    services.change_member(w.coordinator, w.member, {"user": w.reader, "party": "union"})
    services.save_measurement(w.leader, w.indicator, datetime.date(2026, 12, 31), Decimal("6.9"))
    return w


def history_url(w):
    return reverse("improvement:history", args=[w.fjordvik.pk])


def test_anonymous_people_are_sent_to_log_in(client, changed):
    response = client.get(history_url(changed))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["outsider", "eva", "nordhei_reader", "nordhei_coordinator"])
def test_strangers_do_not_learn_the_history_exists(client, changed, who):
    client.force_login(getattr(changed, who))
    assert client.get(history_url(changed)).status_code == 404


@pytest.mark.parametrize("who", ["steering", "reader", "leader", "coordinator", "admin"])
def test_the_programmes_people_read_the_history(
    client, changed, who, django_assert_max_num_queries
):
    client.force_login(getattr(changed, who))
    with django_assert_max_num_queries(12):
        response = client.get(history_url(changed))
    assert response.status_code == 200
    html = response.content.decode()
    # newest first, readable, in bokmål
    assert html.index("action-measurement_saved") < html.index("action-plan_changed")
    assert "Pågår" in html
    assert "I rute" in html  # the status label, not the key
    assert "22. november 2026" in html
    assert "Reader" in html  # the linked account's name
    for key in ("on_track", "{'", "True", "None", "2026-12-31", "project_leader"):
        assert key not in html, key


def test_the_history_is_paginated_newest_first(client, programme):
    w = programme
    for number in range(55):
        services.change_row(w.leader, w.risk, {"measure": f"Tiltak {number}"})
    client.force_login(w.reader)
    first = client.get(history_url(w))
    assert len(first.context["entries"]) == 50
    assert "Tiltak 54" in first.content.decode()
    second = client.get(history_url(w), {"page": 2})
    assert len(second.context["entries"]) == 5
    assert "Tiltak 0" in second.content.decode()


def test_history_of_deleted_things_stays_on_the_page(client, programme):
    w = programme
    services.delete_row(w.leader, Milestone.objects.get(pk=w.milestone.pk))
    services.delete_project(w.coordinator, w.project)
    client.force_login(w.coordinator)
    html = client.get(history_url(w)).content.decode()
    assert "Kartlegging ferdig" in html
    assert "Nærvær i hjemmetjenesten" in html
    assert ProgrammeChange.objects.filter(project=None).count() == 2


def test_the_views_write_through_the_services(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:row", args=[w.project.pk, "risks", w.risk.pk])
    client.post(url, {"factor": "Høyt arbeidspress", "likelihood": 4, "impact": 3, "measure": ""})
    change = ProgrammeChange.objects.get()
    assert (change.action, change.user, change.old, change.new) == (
        "risk_changed",
        w.leader,
        {"likelihood": 3},
        {"likelihood": 4},
    )
    client.post(reverse("improvement:measurement_delete", args=[w.indicator.pk, w.measurement.pk]))
    assert ProgrammeChange.objects.filter(action="measurement_deleted").count() == 1


# --- what is public --------------------------------------------------------------------------


def public_url(w):
    return reverse("improvement:project_public", args=[w.project.pk])


def test_a_coordinator_makes_a_project_public_and_back(client, programme):
    w = programme
    client.force_login(w.coordinator)
    page = client.get(reverse("improvement:project", args=[w.project.pk])).content.decode()
    assert 'id="public-form"' in page
    response = client.post(public_url(w), {"public": "1"})
    assert response.status_code == 302
    assert Project.objects.get(pk=w.project.pk).public
    change = ProgrammeChange.objects.get()
    assert (change.action, change.user, change.new) == (
        "publication_changed",
        w.coordinator,
        {"public": True},
    )
    client.post(public_url(w), {"public": "0"})
    assert not Project.objects.get(pk=w.project.pk).public
    assert ProgrammeChange.objects.count() == 2


@pytest.mark.parametrize("who", ["leader", "reader", "steering"])
def test_others_of_the_programme_may_not_choose_what_is_public(client, programme, who):
    w = programme
    client.force_login(getattr(w, who))
    assert client.post(public_url(w), {"public": "1"}).status_code == 403
    page = client.get(reverse("improvement:project", args=[w.project.pk])).content.decode()
    assert 'id="public-form"' not in page
    assert not Project.objects.get(pk=w.project.pk).public
    assert not ProgrammeChange.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "eva", "nordhei_coordinator"])
def test_strangers_may_not_even_see_the_project(client, programme, who):
    w = programme
    client.force_login(getattr(w, who))
    assert client.post(public_url(w), {"public": "1"}).status_code == 404
    assert not Project.objects.get(pk=w.project.pk).public


def test_anonymous_people_may_not_choose_either(client, programme):
    w = programme
    assert client.post(public_url(w), {"public": "1"}).status_code == 302
    assert not Project.objects.get(pk=w.project.pk).public


def test_the_dashboard_and_project_page_say_whether_a_project_is_public(client, programme):
    w = programme
    client.force_login(w.reader)
    dashboard = client.get(reverse("improvement:dashboard", args=[w.fjordvik.pk]))
    with translation.override("nb"):
        assert gettext("Not public") in dashboard.content.decode()
    Project.objects.filter(pk=w.project.pk).update(public=True)
    page = client.get(reverse("improvement:project", args=[w.project.pk])).content.decode()
    assert 'class="public-badge"' in page


def test_the_published_report_shows_public_projects_only(client, programme):
    w = programme
    private = services.start_project(
        w.coordinator,
        w.fjordvik,
        {"title": "Hemmelig omorganisering", "status": "at_risk"},
        findings=[w.weakness],
    )
    services.set_public(w.coordinator, w.project, True)
    # The published version is frozen: what is public shows in the next version.
    change_status(w.published, "reopen", w.eva, "Forbedringsarbeidet er i gang")
    change_status(w.published, "submit", w.eva)
    change_status(w.published, "publish", w.admin, confirm_missing=True)
    response = client.get(reverse("reports:report", args=[w.published.pk]))  # anonymous
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nærvær i hjemmetjenesten" in html
    assert private.title not in html
    assert "I faresonen" not in html  # the private project's status


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["programme", "project", "indicator", "programmechange", "groupmember"]
)
def test_the_admin_only_reads_the_programme(client, programme, model):
    w = programme
    client.force_login(w.admin)
    admin_client = client
    services.set_public(w.coordinator, w.project, True)
    objects = {
        "programme": w.programme,
        "project": w.project,
        "indicator": w.indicator,
        "programmechange": ProgrammeChange.objects.get(),
        "groupmember": w.member,
    }
    obj = objects[model]
    base = f"/admin/improvement/{model}/"
    if model != "groupmember":  # members are shown on their programme's page
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}add/").status_code in (403, 404)
    assert admin_client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code in (403, 404)
    assert type(obj).objects.filter(pk=obj.pk).exists()
