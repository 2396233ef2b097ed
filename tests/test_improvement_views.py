"""What the improvement pages do: projects from findings, the plan with a version check, its
rows, indicators and measurements, the dashboard, the groups, the exports, and the loop back
into the evaluation reports."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse

from kommunekompass.evaluations.models import Finding
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.improvement.models import (
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Project,
)
from tests.factories import make_evaluation
from tests.improvement_world import TODAY


def plan_data(project, **changes):
    data = {
        "title": project.title,
        "status": project.status,
        "evaluation": project.evaluation_id or "",
        "findings": [f.pk for f in project.findings.all()],
        "focus_areas": [a.pk for a in project.focus_areas.all()],
        "background": project.background,
        "version": project.version,
    }
    data.update(changes)
    return data


def test_it_starts_a_project_from_a_weakness_of_a_published_evaluation(client, programme):
    w = programme
    client.force_login(w.coordinator)
    url = reverse("improvement:project_create", args=[w.fjordvik.pk])
    response = client.get(url, {"finding": w.weakness.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "For høyt sykefravær"
    assert form.initial["findings"] == [w.weakness.pk]
    assert "For høyt sykefravær" in form.initial["background"]

    response = client.post(
        url, {"title": "Nærvær", "status": "planned", "findings": [w.weakness.pk]}
    )
    project = Project.objects.get(title="Nærvær")
    assert response.status_code == 302
    assert response["Location"] == reverse("improvement:project", args=[project.pk])
    assert project.evaluation == w.published  # taken from the finding
    assert [a.code for a in project.focus_areas.all()] == ["8"]  # the finding's area


def test_it_offers_no_project_for_findings_of_drafts_strengths_or_other_municipalities(
    client, programme
):
    w = programme
    client.force_login(w.coordinator)
    url = reverse("improvement:project_create", args=[w.fjordvik.pk])
    for finding in (w.draft_weakness, w.strength):
        assert client.get(url, {"finding": finding.pk}).status_code == 404
    assert client.get(url, {"finding": "abc"}).status_code == 404
    # Posting a draft's finding is refused by the form, not stored.
    response = client.post(
        url, {"title": "X", "status": "planned", "findings": [w.draft_weakness.pk]}
    )
    assert response.status_code == 422
    assert not Project.objects.filter(title="X").exists()


def test_it_refuses_a_plan_that_ends_before_it_starts(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:project_edit", args=[w.project.pk])
    data = plan_data(w.project, starts="2026-12-01", ends="2026-11-01", title="Endret")
    response = client.post(url, data)
    assert response.status_code == 422
    assert "kan ikke slutte før det starter" in response.content.decode()
    w.project.refresh_from_db()
    assert w.project.title == "Nærvær i hjemmetjenesten"


def test_it_saves_the_plan_and_refuses_a_stale_edit(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:project_edit", args=[w.project.pk])
    stale = plan_data(w.project, goal="Min versjon")
    response = client.post(url, plan_data(w.project, goal="Sykefravær under 6,5 %"))
    assert response.status_code == 302
    w.project.refresh_from_db()
    assert (w.project.goal, w.project.version) == ("Sykefravær under 6,5 %", 2)

    response = client.post(url, stale)  # opened before the save above
    assert response.status_code == 409
    w.project.refresh_from_db()
    assert w.project.goal == "Sykefravær under 6,5 %"
    assert "noen andre endret denne planen" in response.content.decode()


def test_it_adds_changes_and_deletes_rows_of_the_plan(client, programme):
    w = programme
    client.force_login(w.coordinator)
    url = reverse("improvement:row_add", args=[w.project.pk, "milestones"])
    response = client.post(url, {"number": "MP2", "milestone": "Ny struktur", "date": "2027-01-15"})
    assert response.status_code == 302
    added = Milestone.objects.get(number="MP2")
    url = reverse("improvement:row", args=[w.project.pk, "milestones", added.pk])
    response = client.post(
        url, {"number": "MP2", "milestone": "Ny struktur", "date": "2027-01-15", "reached": "on"}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.reached
    response = client.post(
        reverse("improvement:row_add", args=[w.project.pk, "risks"]),
        {"factor": "Turnover", "likelihood": "9", "impact": "2"},
    )
    assert response.status_code == 422  # the scale is 1-5
    url = reverse("improvement:row_delete", args=[w.project.pk, "milestones", added.pk])
    assert client.post(url).status_code == 302
    assert not Milestone.objects.filter(pk=added.pk).exists()


def test_the_project_page_shows_every_section_and_the_overdue_milestone(client, programme):
    w = programme
    client.force_login(w.steering)
    response = client.get(reverse("improvement:project", args=[w.project.pk]))
    html = response.content.decode()
    for section in (
        "goals",
        "scope",
        "organisation",
        "decisions",
        "milestones",
        "risks",
        "execution",
        "indicators",
        "evaluation-report",
    ):
        assert f'id="{section}"' in html
    assert 'id="overdue-notice"' in html
    assert "Kartlegging ferdig" in html and "For høyt sykefravær" in html
    assert "<svg" in html  # the indicator's chart
    assert "Endre planen" not in html  # reads only


def test_it_creates_a_sick_leave_indicator_with_its_defaults(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:indicator_create", args=[w.project.pk])
    response = client.post(url, {"kind": "sick_leave", "baseline": "120", "frequency": "quarterly"})
    assert response.status_code == 422
    response = client.post(
        url,
        {
            "kind": "sick_leave",
            "baseline": "8,1",
            "target": "6,5",
            "frequency": "quarterly",
            "organisation_unit": "Sykehjemmet",
            "higher_is_better": "on",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(organisation_unit="Sykehjemmet")
    assert indicator.name == "Sykefravær"
    assert (indicator.unit, indicator.higher_is_better) == ("%", False)
    assert indicator.baseline == Decimal("8.1")


def test_it_enters_measurements_by_hand_and_replaces_a_period(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:indicator", args=[w.indicator.pk])
    assert client.post(url, {"period": "2026-Q4", "value": "6,9"}).status_code == 302
    assert client.post(url, {"period": "4. kvartal 2026", "value": "6,4"}).status_code == 302
    stored = Measurement.objects.get(indicator=w.indicator, period_end=datetime.date(2026, 12, 31))
    assert stored.value == Decimal("6.4")
    response = client.post(url, {"period": "2027-Q1", "value": "101"})
    assert response.status_code == 422
    assert "mellom 0 og 100" in response.content.decode()
    response = client.post(url, {"period": "sometime", "value": "5"})
    assert response.status_code == 422
    assert w.indicator.measurements.count() == 2


def test_it_computes_experienced_quality_from_experience_and_expectation(client, programme):
    w = programme
    indicator = Indicator.objects.create(
        project=w.project, kind="experienced_quality", name="K", target=Decimal(1)
    )
    client.force_login(w.coordinator)
    url = reverse("improvement:indicator", args=[indicator.pk])
    response = client.post(url, {"period": "2026-06", "experience": "4,1", "expectation": "5"})
    assert response.status_code == 302
    assert indicator.measurements.get().value == Decimal("0.82")
    response = client.post(url, {"period": "2026-07", "experience": "4", "expectation": "0"})
    assert response.status_code == 422


def test_it_imports_measurements_all_or_nothing(client, programme):
    w = programme
    client.force_login(w.leader)
    url = reverse("improvement:import", args=[w.indicator.pk])
    bad = io.BytesIO("Kvartal;Sykefravær\n2025-Q4;7,6\n2026-Q1;sju\n".encode())
    bad.name = "sykefravær.csv"
    response = client.post(url, {"file": bad})
    assert response.status_code == 422
    assert "Rad 3, kolonne «Sykefravær»" in response.content.decode()
    assert w.indicator.measurements.count() == 1
    good = io.BytesIO("Kvartal;Sykefravær\n2025-Q4;7,6\n2026-Q1;7,9\n2026-Q3;7,1\n".encode())
    good.name = "sykefravær.csv"
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    values = dict(w.indicator.measurements.values_list("period_end", "value"))
    assert values[datetime.date(2026, 3, 31)] == Decimal("7.9")
    assert values[datetime.date(2026, 9, 30)] == Decimal("7.1")  # updated
    assert len(values) == 3


def test_the_dashboard_flags_what_needs_attention(client, programme):
    w = programme
    Milestone.objects.create(
        project=w.project, number="MP3", milestone="Snart", date=TODAY + datetime.timedelta(days=5)
    )
    Milestone.objects.create(
        project=w.project,
        number="MP4",
        milestone="Senere",
        date=TODAY + datetime.timedelta(days=45),
    )
    other = Finding.objects.create(
        evaluation=w.published, focus_area=w.weakness.focus_area, kind="challenge", text="Åpen"
    )
    client.force_login(w.reader)
    response = client.get(reverse("improvement:dashboard", args=[w.fjordvik.pk]))
    board = response.context["board"]
    assert [m.milestone for _p, m in board.overdue] == ["Kartlegging ferdig"]
    assert [m.milestone for _p, m in board.due_soon] == ["Snart"]
    assert [row.indicator.name for _p, row in board.off_target] == ["Sykefravær"]
    assert board.unanswered == [other]  # the weakness has its project
    running = dict((s, rows) for s, _label, rows in board.by_status)["running"]
    assert [row.project for row in running] == [w.project]
    steering, project_group = board.groups
    assert steering.missing == [str(GroupMember.Party.MANAGEMENT.label)]
    assert len(project_group.missing) == 2


def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, programme, django_assert_max_num_queries
):
    w = programme
    client.force_login(w.coordinator)
    url = reverse("improvement:dashboard", args=[w.fjordvik.pk])
    client.get(url)
    for n in range(5):
        project = Project.objects.create(programme=w.programme, title=f"P{n}")
        Milestone.objects.create(project=project, number="1", milestone="M", date=TODAY)
        Indicator.objects.create(project=project, name="I", target=Decimal(1))
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_dashboard_of_a_municipality_without_a_programme_is_empty(client, programme):
    client.force_login(programme.nordhei_coordinator)
    response = client.get(reverse("improvement:dashboard", args=[programme.nordhei.pk]))
    assert response.status_code == 200
    assert response.context["board"].programme is None
    assert (
        client.get(reverse("improvement:status_xlsx", args=[programme.nordhei.pk])).status_code
        == 404
    )


def test_it_adds_a_member_and_links_their_account(client, programme):
    w = programme
    client.force_login(w.coordinator)
    url = reverse("improvement:groups", args=[w.fjordvik.pk])
    data = {"group": "project", "name": "Nils", "party": "elected", "function": "member"}
    response = client.post(url, {**data, "username": "nobody"})
    assert response.status_code == 422
    assert (
        "No active user" in response.content.decode()
        or "Ingen aktiv bruker" in response.content.decode()
    )
    assert client.post(url, {**data, "username": "outsider"}).status_code == 302
    member = GroupMember.objects.get(name="Nils")
    assert member.user == w.outsider
    # A linked member reads the programme from now on.
    client.force_login(w.outsider)
    assert client.get(reverse("improvement:dashboard", args=[w.fjordvik.pk])).status_code == 200


def test_the_groups_page_shows_whether_all_three_parties_take_part(client, programme):
    w = programme
    GroupMember.objects.create(
        programme=w.programme, group="steering", name="R", party="management"
    )
    client.force_login(w.reader)
    response = client.get(reverse("improvement:groups", args=[w.fjordvik.pk]))
    steering, project_group = response.context["groups"]
    assert steering.missing == []
    assert "party-check ok" in response.content.decode()
    assert "party-check missing" in response.content.decode()


def test_it_exports_the_plan_as_pdf_and_the_programme_as_a_workbook(client, programme):
    w = programme
    client.force_login(w.reader)
    response = client.get(reverse("improvement:plan_pdf", args=[w.project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("improvement:status_xlsx", args=[w.fjordvik.pk]))
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 5


def test_the_report_lists_the_projects_answering_it_and_those_since_the_last_one(client, programme):
    w = programme
    html = client.get(reverse("reports:report", args=[w.published.pk])).content.decode()
    assert "Nærvær i hjemmetjenesten" not in html  # not public until the coordinators say so
    Project.objects.filter(pk=w.project.pk).update(public=True)
    # The published report is frozen: the projects started since show in its next version.
    change_status(w.published, "reopen", w.eva, "Prosjektene er i gang")
    change_status(w.published, "submit", w.eva)
    change_status(w.published, "publish", w.admin, confirm_missing=True)
    response = client.get(reverse("reports:report", args=[w.published.pk]))  # public
    html = response.content.decode()
    assert "Nærvær i hjemmetjenesten" in html
    assert "−0,6" in html or "-0.6" in html  # 7.2 against the baseline 7.8
    later = make_evaluation(w.fjordvik, w.framework, evaluators=[w.eva], year=2027)
    later.status = "published"
    later.save()
    client.force_login(w.eva)
    html = client.get(reverse("reports:report", args=[later.pk])).content.decode()
    area = html[html.index('id="area-8"') :]
    assert "Nærvær i hjemmetjenesten" in area[: area.index("</section>")]
    assert "2023" in area[: area.index("</section>")]


def test_the_findings_page_offers_projects_to_those_who_may_start_them(client, programme):
    w = programme
    url = reverse("evaluations:findings", args=[w.published.pk, "8"])
    client.force_login(w.coordinator)
    html = client.get(url).content.decode()
    start = reverse("improvement:project_create", args=[w.fjordvik.pk])
    assert f"{start}?finding={w.weakness.pk}" in html
    assert f"?finding={w.strength.pk}" not in html
    client.force_login(w.reader)
    assert start not in client.get(url).content.decode()
    client.force_login(w.coordinator)
    draft_url = reverse("evaluations:findings", args=[w.draft.pk, "8"])
    assert start not in client.get(draft_url).content.decode()
