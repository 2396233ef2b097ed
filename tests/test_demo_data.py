"""The demo: fictional municipalities, one evaluation scored in full and published in two
versions, one draft; every published evaluation has its published version."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Finding,
    Membership,
    PublishedVersion,
    Score,
)
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.frameworks.loader import load_shipped_frameworks
from kommunekompass.improvement import measures
from kommunekompass.improvement.demo import load_demo_programme, quarter_ends_before
from kommunekompass.improvement.models import (
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it takes seconds); each test's own changes roll
    back with its transaction."""
    with django_db_blocker.unblock():
        call_command("demo", stdout=open("/dev/null", "w"))
        yield
        # Leave the database as the other tests expect it: empty but for the frameworks.
        call_command("flush", interactive=False)
        load_shipped_frameworks()


@pytest.fixture
def demo(demo_loaded, db):
    return None


def test_the_published_demo_evaluation_is_complete(demo):
    evaluation = Evaluation.objects.get(municipality__name="Fjordvik kommune", year=2026)
    assert evaluation.status == "published"
    result = evaluation_result(evaluation)
    assert result.complete and result.question_count == 75
    assert 0 < result.points < 800
    assert evaluation.interviews.filter(held=True).count() == 6
    assert evaluation.evidence.count() >= 6
    assert evaluation.findings.values("focus_area").distinct().count() == 8
    assert set(evaluation.findings.values_list("kind", flat=True)) == {
        "strength",
        "challenge",
        "weakness",
    }
    assert all(s.reason for s in evaluation.scores.all())
    assert evaluation.priorities.exists()


def test_every_published_demo_evaluation_has_its_version(demo):
    published = Evaluation.objects.published()
    assert published.count() == 64 * 3 + 2 + 1 + 1
    assert not published.filter(published_version=0).exists()
    for evaluation in published.prefetch_related("versions"):
        numbers = sorted(v.number for v in evaluation.versions.all())
        assert numbers == list(range(1, evaluation.published_version + 1)), evaluation
    # so every one of them is public, and only those
    assert set(Evaluation.objects.public()) == set(published)


def test_the_published_demo_evaluation_tells_the_story_of_its_versions(demo, client):
    from django.urls import reverse

    evaluation = Evaluation.objects.get(municipality__number="9901", year=2026)
    assert (evaluation.status, evaluation.published_version) == ("published", 2)
    first, second = evaluation.versions.order_by("number")
    # sent to review by the evaluator, approved and published by the administrator, twice
    for version in (first, second):
        assert version.submitted_by_name == "Eva Evaluator"
        assert version.published_by.username == "admin"
        assert version.approved_by_name == "Ada Administrator"
        assert not version.published_alone
    assert first.reason == "" and first.changes == []
    assert second.reason.startswith("Rettet poeng i 6.3.1 etter innspill fra tillitsvalgte")
    assert {c["code"] for c in second.changes} == {"total", "area"}
    assert [c["area"] for c in second.changes if c["code"] == "area"] == ["6"]
    assert Fraction(second.data["total"]) < Fraction(first.data["total"])
    # the corrected score, and the history of how it came about
    score = evaluation.scores.get(question__code="6.3.1")
    assert score.levels == {"system": 3, "scope": 1, "result": 2} and score.version == 2
    assert "tillitsvalgte" in score.reason
    steps = list(
        AuditEntry.objects.filter(evaluation=evaluation)
        .exclude(action="created")
        .order_by("id")
        .values_list("action", "subject", "user__username")
    )
    assert steps == [
        ("status", "submit", "evaluator"),
        ("status", "publish", "admin"),
        ("approved", "v1", "admin"),
        ("status", "reopen", "evaluator"),
        ("score", "6.3.1", "evaluator"),
        ("status", "submit", "evaluator"),
        ("status", "publish", "admin"),
        ("approved", "v2", "admin"),
        ("way_forward", "meeting", "coordinator"),  # the council's meeting (meetings.demo)
    ]
    # the public report is version 2, and says why it came
    page = client.get(reverse("reports:report", args=[evaluation.pk])).content.decode()
    assert "Rettet poeng i 6.3.1 etter innspill fra tillitsvalgte" in page
    # running the demo again publishes nothing more
    call_command("demo", stdout=open("/dev/null", "w"))
    assert evaluation.versions.count() == 2
    assert PublishedVersion.objects.count() == Evaluation.objects.published().count() + 1


def test_the_draft_demo_evaluation_is_in_progress(demo):
    evaluation = Evaluation.objects.get(municipality__name="Nordhei kommune")
    assert evaluation.status == "draft"
    result = evaluation_result(evaluation)
    assert 0 < result.scored_count < 75
    assert evaluation.interviews.filter(held=False).exists()


def test_the_demo_is_idempotent_and_gives_every_role_a_user(demo):
    before = Evaluation.objects.count()
    call_command("demo", stdout=open("/dev/null", "w"))
    # two demo evaluations, 64 synthetic municipalities x 3 rounds, 2 earlier Fjordvik rounds,
    # and Midtre Gauldal 2023 from the seed
    assert Evaluation.objects.count() == before == 2 + 64 * 3 + 2 + 1
    roles = set(Membership.objects.values_list("user__username", "role"))
    assert ("coordinator", "coordinator") in roles and ("reader", "reader") in roles
    fjordvik = Evaluation.objects.get(municipality__name="Fjordvik kommune", year=2026)
    evaluator = fjordvik.evaluators.get()
    assert evaluator.username == "evaluator"


def test_the_synthetic_comparison_data_is_labelled_and_deterministic(demo):
    synthetic = Evaluation.objects.filter(source="synthetic demo data")
    assert synthetic.values("municipality").distinct().count() == 64
    assert set(synthetic.values_list("municipality__country", flat=True)) == {"NO", "SE"}
    assert sorted(set(synthetic.values_list("year", "framework__version"))) == [
        (2016, "2012"),
        (2020, "2020"),
        (2024, "2020"),
    ]
    assert all(
        "(syntetisk)" in e.municipality.name for e in synthetic.select_related("municipality")
    )
    assert all(evaluation_result(e).complete for e in synthetic)
    first = sorted((e.municipality.name, e.year, evaluation_result(e).points) for e in synthetic)
    # Evaluations with scores or published versions are protected from deletion: remove
    # those first. (By id: a delete that joins the evaluations is very slow on PostgreSQL for
    # rows written in the same transaction, whose statistics the planner does not have.)
    ids = list(synthetic.values_list("pk", flat=True))
    Score.objects.filter(evaluation_id__in=ids).delete()
    PublishedVersion.objects.filter(evaluation_id__in=ids).delete()
    Evaluation.objects.filter(pk__in=ids).delete()
    call_command("demo", stdout=open("/dev/null", "w"))
    again = Evaluation.objects.filter(source="synthetic demo data")
    assert (
        sorted((e.municipality.name, e.year, evaluation_result(e).points) for e in again) == first
    )
    years = Evaluation.objects.filter(municipality__name="Fjordvik kommune").values_list(
        "year", flat=True
    )
    assert sorted(years) == [2019, 2023, 2026]


def test_the_seeds_midtre_gauldal_figures_come_in_through_the_importer(demo):
    evaluation = Evaluation.objects.get(municipality__number="5027", year=2023)
    assert evaluation.result_level == "subarea" and evaluation.source.startswith("import")
    assert round(float(evaluation_result(evaluation).points), 1) == 549.3  # the parts


PLAN_FIELDS = [
    "background",
    "goal",
    "frames",
    "scope",
    "reports",
    "project_leader",
    "responsible_leader",
    "unit",
    "quality_assurance",
    "main_activities",
]


def test_fjordvik_has_an_improvement_programme_in_tripartite_cooperation(demo):
    programme = Programme.objects.get(municipality__country="NO", municipality__number="9901")
    steering = programme.members.filter(group="steering").values_list("party", flat=True)
    project_group = programme.members.filter(group="project").values_list("party", flat=True)
    assert measures.missing_parties(list(steering)) == []
    assert measures.missing_parties(list(project_group)) == ["elected"]
    assert programme.members.filter(group="steering", function="chair", party="elected").exists()
    leader = GroupMember.objects.get(user__username="project-leader")
    assert (leader.programme, leader.function) == (programme, "project_leader")
    steering_member = GroupMember.objects.get(user__username="steering")
    assert (steering_member.group, steering_member.party) == ("steering", "union")
    # their access comes from the groups, not from a membership
    assert not Membership.objects.filter(user__username__in=["project-leader", "steering"])


def test_the_demo_projects_answer_the_published_evaluation(demo):
    evaluation = Evaluation.objects.get(municipality__number="9901", year=2026)
    projects = Project.objects.filter(programme__municipality__number="9901")
    assert projects.count() == 3
    assert set(projects.values_list("status", flat=True)) == {"running", "at_risk", "planned"}
    for project in projects:
        assert project.evaluation == evaluation
        assert all(getattr(project, field).strip() for field in PLAN_FIELDS), project
        assert project.evaluation_report == ""
        assert project.starts < project.ends
        assert 1 <= project.findings.count() <= 2
        assert set(project.findings.values_list("kind", flat=True)) <= {"challenge", "weakness"}
        assert {f.focus_area for f in project.findings.all()} <= set(project.focus_areas.all())
        assert 2 <= project.decisions.count() <= 3
        assert 3 <= project.milestones.count() <= 4
        assert 2 <= project.risks.count() <= 4
    # the dashboard has weaknesses left that no project answers
    assert Finding.objects.filter(
        evaluation=evaluation, kind="weakness", projects__isnull=True
    ).exists()


def test_the_demo_milestones_are_relative_to_today(demo):
    today = datetime.date.today()
    milestones = Milestone.objects.filter(project__programme__municipality__number="9901")
    pairs = list(milestones.values_list("date", "reached"))
    assert measures.overdue(pairs, today) >= 1
    assert measures.due_within(pairs, today, 30) >= 1
    late = milestones.get(reached=False, date__lt=today)
    assert 10 <= (today - late.date).days <= 20


def test_the_demo_indicators_measure_sick_leave_and_experienced_quality(demo):
    today = datetime.date.today()
    indicators = Indicator.objects.filter(project__programme__municipality__number="9901")
    assert {"sick_leave", "experienced_quality", "deviations_reported", "custom"} <= set(
        indicators.values_list("kind", flat=True)
    )
    sick_leave = indicators.get(kind="sick_leave")
    assert (sick_leave.unit, sick_leave.higher_is_better) == ("%", False)
    assert (sick_leave.baseline, sick_leave.target) == (Decimal("7.8"), Decimal("6.5"))
    dates = list(sick_leave.measurements.values_list("period_end", flat=True))
    assert dates == quarter_ends_before(today, 4) and dates[-1] < today
    quality = indicators.get(kind="experienced_quality")
    assert (quality.baseline, quality.target) == (Decimal("0.82"), Decimal("1.0"))
    assert quality.measurements.exists()
    for measurement in quality.measurements.all():
        k = measures.experienced_quality(measurement.experience, measurement.expectation)
        assert measurement.value == k.quantize(Decimal("0.0001"))


def test_quarter_ends_before_a_date():
    assert quarter_ends_before(datetime.date(2026, 11, 22), 4) == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
    ]
    # a quarter end itself is not before the day
    assert quarter_ends_before(datetime.date(2026, 3, 31), 1) == [datetime.date(2025, 12, 31)]
    assert quarter_ends_before(datetime.date(2026, 4, 1), 1) == [datetime.date(2026, 3, 31)]


def test_the_demo_programme_is_created_once(demo):
    models = [Programme, GroupMember, Project, Milestone, Indicator, Measurement]
    before = [model.objects.count() for model in models]
    call_command("demo", stdout=open("/dev/null", "w"))
    users = {u.username: u for u in get_user_model().objects.all()}
    assert load_demo_programme(users, datetime.date.today()) is False
    assert [model.objects.count() for model in models] == before


def test_one_demo_project_is_public_and_the_published_report_shows_only_it(demo, client):
    from django.urls import reverse

    from kommunekompass.improvement.models import ProgrammeChange

    projects = Project.objects.filter(programme__municipality__number="9901")
    public = projects.get(public=True)
    assert public.title == "Nærvær og ledelse i hjemmetjenesten"
    evaluation = Evaluation.objects.get(municipality__number="9901", year=2026)
    html = client.get(reverse("reports:report", args=[evaluation.pk])).content.decode()
    assert public.title in html
    for private in projects.filter(public=False):
        assert private.title not in html
    # the demo was built through the programme's services, so its history tells how
    changes = ProgrammeChange.objects.filter(programme=public.programme)
    assert changes.filter(action="publication_changed", project=public).count() == 1
    assert changes.filter(action="project_started").count() == projects.count()
    assert set(changes.values_list("user__username", flat=True)) == {"coordinator"}


def test_the_demo_holds_a_closed_council_meeting_whose_ranking_is_the_way_forward(demo):
    from kommunekompass.meetings.models import Meeting

    meeting = Meeting.objects.get()
    assert not meeting.is_open and meeting.evaluation.municipality.name == "Fjordvik kommune"
    ranked = list(meeting.options.filter(rank__isnull=False).order_by("rank"))
    assert ranked[0].votes >= ranked[-1].votes > 0 and ranked[0].finding is not None
    assert [p.pk for p in meeting.evaluation.priorities.all()] == [o.priority_id for o in ranked]
    assert meeting.voices.count() == 11


def test_the_demo_survey_has_two_periods_above_the_threshold_feeding_k(demo):
    from kommunekompass.surveys.models import Survey
    from kommunekompass.surveys.results import results_of

    survey = Survey.objects.get(municipality__number="9901")
    results = results_of(survey)
    assert [p.closed_on is not None for p in results.periods] == [True, True, False]
    assert all(cell.figures is not None for cell in results.totals[:2])
    assert survey.indicator.kind == "experienced_quality"
    closed = results.periods[:2]
    fed = survey.indicator.measurements.filter(period_end__in=[p.ends for p in closed])
    assert fed.count() == 2
    for measurement, cell in zip(fed, results.totals[:2], strict=True):
        assert abs(float(measurement.value) - cell.figures.quality) < 0.001
