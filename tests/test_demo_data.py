"""The demo: fictional municipalities, one published evaluation scored in full, one draft."""

import pytest
from django.core.management import call_command

from kommunekompass.evaluations.models import Evaluation, Membership
from kommunekompass.evaluations.scores import evaluation_result


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open("/dev/null", "w"))


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
    Evaluation.objects.filter(source="synthetic demo data").delete()
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
