"""Comparison groups, the comparison page and a municipality's history."""

from fractions import Fraction

import pytest
from django.urls import reverse

from kommunekompass.comparisons.groups import (
    UnknownGroup,
    get_group,
    latest_evaluations,
    report_group,
)
from kommunekompass.comparisons.history import municipality_rounds
from kommunekompass.comparisons.models import ComparisonGroup
from kommunekompass.evaluations.models import Evaluation, ReportedPoints
from kommunekompass.frameworks.models import FocusArea, Framework, SubArea
from tests.factories import make_evaluation, make_municipality


def reported(evaluation, level, points):
    """Give the evaluation points per area or sub-area, as an import does (the evaluation's
    stored summary follows its revision)."""
    evaluation.result_level = level
    evaluation.revision += 1
    evaluation.save(update_fields=["result_level", "revision"])
    nodes = FocusArea if level == "area" else SubArea
    by_code = dict(
        nodes.objects.filter(framework=evaluation.framework_id).values_list("code", "pk")
    )
    field = "focus_area_id" if level == "area" else "subarea_id"
    ReportedPoints.objects.bulk_create(
        ReportedPoints(evaluation=evaluation, points=value, **{field: by_code[code]})
        for code, value in points.items()
    )
    return evaluation


AREAS = {str(code): 50 for code in range(1, 9)}


@pytest.fixture
def group_world(db, kommunekompass_framework):
    old = Framework.objects.get(key="kommunekompass", version="2012")
    small = make_municipality("Lillevik kommune", "9911", county="Vestland", population=3000)
    large = make_municipality("Storby kommune", "9912", county="Viken", population=80000)
    swede = make_municipality(
        "Exempelby kommun", "0999", country="SE", county="Skåne", population=12000
    )
    for municipality, base in ((small, 40), (large, 60), (swede, 55)):
        earlier = make_evaluation(
            municipality, kommunekompass_framework, status="published", year=2019
        )
        reported(earlier, "area", {code: base - 10 for code in AREAS})
        latest = make_evaluation(
            municipality, kommunekompass_framework, status="published", year=2023
        )
        reported(latest, "area", {code: base for code in AREAS})
    oldest = make_evaluation(small, old, status="published", year=2014)
    reported(oldest, "area", {"2": 20, **{c: 10 for c in "134578"}, "6": 30})
    make_evaluation(large, kommunekompass_framework, status="draft", year=2026)
    return {"small": small, "large": large, "swede": swede, "framework": kommunekompass_framework}


def keys(evaluations):
    return sorted((e.municipality.name, e.year) for e in evaluations)


def test_groups_select_the_latest_published_evaluation_of_each_member(group_world):
    framework = group_world["framework"]
    assert keys(latest_evaluations(get_group("all"), framework)) == [
        ("Exempelby kommun", 2023),
        ("Lillevik kommune", 2023),
        ("Storby kommune", 2023),
    ]
    assert [
        e.municipality.name for e in latest_evaluations(get_group("country-SE"), framework)
    ] == ["Exempelby kommun"]
    assert [
        e.municipality.name for e in latest_evaluations(get_group("county-Viken"), framework)
    ] == ["Storby kommune"]
    small = latest_evaluations(get_group("population-0-5000"), framework)
    assert [e.municipality.name for e in small] == ["Lillevik kommune"]
    custom = ComparisonGroup.objects.create(name="Vennskapskommuner")
    custom.municipalities.add(group_world["small"], group_world["swede"])
    assert keys(latest_evaluations(get_group(f"custom-{custom.pk}"), framework)) == [
        ("Exempelby kommun", 2023),
        ("Lillevik kommune", 2023),
    ]
    for bad in ("country-DK", "population-1-2", "custom-999", "nonsense"):
        with pytest.raises(UnknownGroup):
            get_group(bad)


def test_a_history_carries_an_earlier_framework_version_over_with_its_mapping(group_world):
    rounds = municipality_rounds(group_world["small"], group_world["framework"])
    assert [(r.year, r.version, r.mapped) for r in rounds] == [
        (2014, "2012", True),
        (2019, "2020", False),
        (2023, "2020", False),
    ]
    # Area 2 of 2012 (accessibility, user orientation) became area 5 of 2020.
    assert rounds[0].areas["5"] == Fraction(20)
    assert rounds[0].areas["7"] == Fraction(30)  # 2012's area 6, the employer, is now 7
    assert "revidert i 2020" in rounds[0].note["nb"]


def test_the_comparison_page_ranks_and_averages_the_group(client, group_world, evaluator):
    client.force_login(evaluator)
    url = reverse("comparisons:comparison")
    page = client.get(url, {"group": "all", "municipality": group_world["large"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Storby kommune") < html.index("Exempelby kommun") < html.index("Lillevik")
    assert "3 kommuner" in html
    assert "<strong>413</strong> av 800" in html  # (480 + 440 + 320) / 3 = 413.3
    assert 'class="highlight"' in html and "<svg" in html
    by_name = client.get(url, {"group": "all", "sort": "name"}).content.decode()
    assert by_name.index("Exempelby") < by_name.index("Lillevik") < by_name.index("Storby")
    assert client.get(url, {"group": "country-DK"}).status_code == 404


def test_the_history_page_shows_every_round_and_the_version_break(client, group_world, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("comparisons:history", args=[group_world["small"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for year in ("2014", "2019", "2023"):
        assert year in html
    assert "revidert i 2020" in html  # the note about the framework change
    assert "<svg" in html and "2026" not in html  # drafts are not part of the history


@pytest.mark.parametrize("name", ["comparisons:comparison", "comparisons:history"])
def test_anonymous_visitors_see_the_published_results(client, group_world, name):
    args = [group_world["small"].pk] if name.endswith("history") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "2026" not in response.content.decode()  # drafts are not part of it


def test_the_comparison_page_keeps_its_query_count_flat(
    client, group_world, evaluator, django_assert_max_num_queries
):
    client.force_login(evaluator)
    client.get(reverse("comparisons:comparison"))  # computes and stores the summaries
    with django_assert_max_num_queries(10):
        client.get(reverse("comparisons:comparison"))


def test_the_report_compares_with_the_chosen_group(client, group_world, world):
    from kommunekompass.reports.data import build_report

    evaluation = world.published  # Fjordvik 2023, in the group world's framework
    report = build_report(evaluation)
    assert report.group_key == "all" and report.standing.size == 4
    swedish = build_report(evaluation, "country-SE")
    assert sorted(m.name for m in swedish.group) == ["Exempelby kommun", "Fjordvik kommune"]
    assert "Sverige" in swedish.group_name
    # The published report keeps the group it was published with; another group is a live
    # comparison, on "compare with today", for the evaluation's team.
    page = client.get(reverse("reports:report", args=[evaluation.pk]), {"group": "country-SE"})
    assert "kommuner i Sverige" not in page.content.decode()
    client.force_login(world.eva)
    today = client.get(reverse("reports:today", args=[evaluation.pk]), {"group": "country-SE"})
    assert "kommuner i Sverige" in today.content.decode()


def test_the_evaluator_sets_the_reports_default_group(client, group_world, world):
    from kommunekompass.reports.data import build_report

    url = reverse("comparisons:report_group", args=[world.draft.pk])
    client.force_login(world.coordinator)
    assert client.post(url, {"group": "country-SE"}).status_code == 403
    client.force_login(world.eva)
    assert client.post(url, {"group": "nonsense"}).status_code == 302
    assert report_group(world.draft).key == "all"
    client.post(url, {"group": "country-SE"})
    assert report_group(world.draft).key == "country-SE"
    # The report compares with the chosen group, unless another is asked for.
    draft = Evaluation.objects.get(pk=world.draft.pk)
    assert build_report(draft).group_key == "country-SE"
    assert build_report(draft, "all").group_key == "all"
    assert build_report(draft, "nonsense").group_key == "country-SE"
    # The overview's form shows the chosen group.
    page = client.get(reverse("evaluations:detail", args=[world.draft.pk])).content.decode()
    assert '<option value="country-SE" selected>' in page
