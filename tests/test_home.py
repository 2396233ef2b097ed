"""The home page of every role: the evaluations one works on or reads, the reviews that wait,
and one's improvement programme with projects, milestones due and overdue, and indicators off
target; with the queries that say the domain behind it."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.improvement import measures
from kommunekompass.improvement.models import Indicator, Measurement, Milestone, Project
from tests.factories import make_user
from tests.improvement_world import TODAY


@pytest.fixture
def home(programme, monkeypatch):
    """The programme world, with the home page's today fixed; a milestone due in three days,
    one in ten (not yet shown), one reached, and a draft in review sent by Eva to Rita."""
    monkeypatch.setattr("kommunekompass.core.views.today", lambda: TODAY)
    w = programme
    w.due = Milestone.objects.create(
        project=w.project,
        number="MP2",
        milestone="Tiltak valgt",
        date=TODAY + datetime.timedelta(3),
    )
    Milestone.objects.create(
        project=w.project, number="MP3", milestone="Senere", date=TODAY + datetime.timedelta(10)
    )
    Milestone.objects.create(
        project=w.project,
        number="MP0",
        milestone="Nådd",
        date=TODAY - datetime.timedelta(20),
        reached=True,
    )
    w.rita = make_user("rita")
    w.draft.reviewers.add(w.rita)
    Evaluation.objects.filter(pk=w.draft.pk).update(status="in_review", submitted_by=w.eva)
    return w


def page(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def report_link(evaluation):
    return reverse("reports:report", args=[evaluation.pk])


def detail_link(evaluation):
    return f'href="{reverse("evaluations:detail", args=[evaluation.pk])}"'


def review_link(evaluation):
    return reverse("evaluations:review", args=[evaluation.pk])


def programme_link(w):
    return reverse("improvement:dashboard", args=[w.fjordvik.pk])


def test_the_evaluator_sees_the_evaluations_of_the_team_but_no_programme(client, home):
    html = page(client, home.eva)
    assert detail_link(home.draft) in html and detail_link(home.published) in html
    assert detail_link(home.nordhei_draft) not in html
    # Eva sent the draft to review: under the four-eyes rule someone else approves it.
    assert "Reviews waiting for you" not in html
    assert programme_link(home) not in html  # evaluators do not see the programme
    assert reverse("comparisons:groups") in html and reverse("front_page") in html


def test_a_named_reviewer_sees_the_review_that_waits(client, home):
    html = page(client, home.rita)
    assert "Reviews waiting for you" in html and review_link(home.draft) in html


def test_without_four_eyes_the_submitter_has_the_review_waiting_too(client, home, settings):
    settings.KOMMUNEKOMPASS_FOUR_EYES = False
    assert review_link(home.draft) in page(client, home.eva)


def test_the_coordinator_sees_drafts_and_the_programme(client, home):
    html = page(client, home.coordinator)
    assert detail_link(home.draft) in html and detail_link(home.published) in html
    assert programme_link(home) in html and "Nærvær i hjemmetjenesten" in html
    assert "Reviews waiting for you" not in html
    assert reverse("comparisons:group_create") in html  # coordinators define groups


def test_the_reader_sees_published_results_and_reads_the_programme(client, home):
    html = page(client, home.reader)
    assert detail_link(home.published) in html and report_link(home.published) in html
    assert detail_link(home.draft) not in html
    assert programme_link(home) in html
    assert reverse("comparisons:group_create") not in html  # readers do not define groups


@pytest.mark.parametrize("role", ["leader", "steering"])
def test_project_leaders_and_the_steering_group_reach_their_programme(client, home, role):
    html = page(client, getattr(home, role))
    assert "There are no evaluations you can see yet" not in html
    assert programme_link(home) in html
    assert reverse("improvement:project", args=[home.project.pk]) in html
    overdue = html[html.index("Milestones overdue") : html.index("Milestones due in")]
    assert "Kartlegging ferdig" in overdue and "Nov. 12, 2026" in overdue
    assert "Nådd" not in overdue
    due = html[html.index("Milestones due in") : html.index("Indicators off target")]
    assert "Tiltak valgt" in due and "Senere" not in due
    off_target = html[html.index("Indicators off target") :]
    assert reverse("improvement:indicator", args=[home.indicator.pk]) in off_target
    assert "7.20" in off_target and "6.50" in off_target


@pytest.mark.parametrize("role", ["outsider", "nordhei_reader", "otto"])
def test_people_of_elsewhere_see_nothing_of_fjordvik(client, home, role):
    html = page(client, getattr(home, role))
    assert programme_link(home) not in html and "Nærvær" not in html
    assert detail_link(home.draft) not in html and detail_link(home.published) not in html
    assert review_link(home.draft) not in html


def test_the_home_page_keeps_its_query_count_flat(client, home, django_assert_max_num_queries):
    client.force_login(home.coordinator)
    with django_assert_max_num_queries(18) as few:
        client.get(reverse("home"))
    baseline = len(few)
    for number in range(5):
        project = Project.objects.create(programme=home.programme, title=f"Prosjekt {number}")
        Milestone.objects.create(project=project, number="1", milestone="Frist", date=TODAY)
        indicator = Indicator.objects.create(
            project=project, name=f"Mål {number}", target=Decimal(5), baseline=Decimal(1)
        )
        Measurement.objects.create(indicator=indicator, period_end=TODAY, value=Decimal(2))
    with django_assert_max_num_queries(baseline):
        html = client.get(reverse("home")).content.decode()
    assert "Prosjekt 4" in html and "Mål 4" in html


# --- the queries behind it ---------------------------------------------------------------------


def test_milestones_due_and_overdue_say_the_domain(home):
    milestones = Milestone.objects.filter(project=home.project)
    assert [m.number for m in milestones.overdue(TODAY)] == ["MP1"]
    assert [m.number for m in milestones.due_within(7, TODAY)] == ["MP2"]
    assert [m.number for m in milestones.due_within(10, TODAY)] == ["MP2", "MP3"]
    assert list(Milestone.objects.in_programmes_of([home.nordhei])) == []


def test_evaluations_awaiting_review_by_a_person(home):
    assert list(Evaluation.objects.awaiting_review_by(home.rita)) == [home.draft]
    assert list(Evaluation.objects.awaiting_review_by(home.eva)) == []
    assert list(Evaluation.objects.awaiting_review_by(home.eva, four_eyes=False)) == [home.draft]
    assert list(Evaluation.objects.awaiting_review_by(home.admin)) == [home.draft]
    assert list(Evaluation.objects.awaiting_review_by(home.coordinator)) == []


@pytest.mark.parametrize(
    ("target", "latest", "higher_is_better", "off"),
    [
        (Decimal("6.5"), Decimal("7.2"), False, True),
        (Decimal("6.5"), Decimal("6.5"), False, False),
        (Decimal(90), Decimal(91), True, False),
        (Decimal(90), Decimal(89), True, True),
        (None, Decimal(89), True, False),
    ],
)
def test_off_target_is_pure_logic(target, latest, higher_is_better, off):
    values = [(datetime.date(2026, 1, 1), Decimal(0)), (datetime.date(2026, 6, 30), latest)]
    assert measures.is_off_target(target, values, higher_is_better) is off
    assert measures.is_off_target(target, [], higher_is_better) is False


def test_home_lists_the_persons_open_reminders_until_dismissed(client, db):
    """What send-reminders stored for a person waits on their home page until dismissed;
    nobody else's reminders show."""
    from django.utils import timezone

    from kommunekompass.people.models import Reminder

    user, other = make_user("remindme"), make_user("someoneelse")
    mine = Reminder.objects.create(
        user=user,
        kind=Reminder.Kind.choices[0][0],
        subject="test:1",
        period="p1",
        label="Milepæl for Fjordvik",
    )
    Reminder.objects.create(
        user=other,
        kind=Reminder.Kind.choices[0][0],
        subject="test:2",
        period="p1",
        label="Ikke din påminnelse",
    )
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'id="reminders"' in page
    assert "Milepæl for Fjordvik" in page
    assert "Ikke din påminnelse" not in page
    Reminder.objects.filter(pk=mine.pk).update(dismissed_at=timezone.now())
    assert 'id="reminders"' not in client.get("/").content.decode()
