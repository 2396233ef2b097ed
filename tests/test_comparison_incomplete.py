"""Incomplete results in comparisons, and reopened evaluations: what the public pages count."""

import random
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from kommunekompass.evaluations.audit import touch
from kommunekompass.evaluations.demo import synthetic_levels
from kommunekompass.evaluations.models import Score
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import Question
from tests.factories import make_evaluation, make_municipality, make_user
from tests.test_comparisons import reported

ALL_AREAS = range(1, 9)


@pytest.fixture
def three(db, kommunekompass_framework):
    """Two complete results and one published with areas 5-8 not scored at all."""
    made = {}
    for name, number, points, areas in (
        ("Austvik kommune", "9921", 50, ALL_AREAS),
        ("Bergli kommune", "9922", 60, ALL_AREAS),
        ("Cedal kommune", "9923", 80, range(1, 5)),
    ):
        municipality = make_municipality(name, number)
        evaluation = make_evaluation(
            municipality, kommunekompass_framework, status="published", year=2024
        )
        reported(evaluation, "area", {str(code): points for code in areas})
        made[name.split()[0].lower()] = evaluation
    return made


def page(client, **params):
    response = client.get(reverse("comparisons:comparison"), {"group": "all", **params})
    assert response.status_code == 200
    return response.content.decode()


def public(html):
    """The page without its per-request CSRF tokens."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def footer(html):
    """The averages row: eight areas, then the total."""
    foot = html.split("<tfoot>")[1].split("</tfoot>")[0]
    return re.findall(r'<td class="num">([^<]*)</td>', foot)


def row_of(html, name):
    row = next(r for r in html.split("<tr") if name in r)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_incomplete_results_are_left_out_by_default_and_the_page_says_so(client, three, evaluator):
    client.force_login(evaluator)
    html = page(client)
    assert "Austvik" in html and "Bergli" in html and "Cedal" not in html
    choice = html.split('id="incomplete-choice"')[1].split("</p>")[0]
    assert "incomplete=1" in choice  # the way to include them
    assert 'name="incomplete" value="1">' in html  # the box, not ticked
    assert footer(html) == ["55"] * 8 + ["440"]
    assert "<strong>440</strong> av 800" in html


def test_included_incomplete_results_are_marked_and_count_in_ranks_and_averages(
    client, three, evaluator
):
    client.force_login(evaluator)
    html = page(client, incomplete="1")
    assert 'name="incomplete" value="1" checked>' in html
    cedal = next(r for r in html.split("<tr") if "Cedal" in r)
    assert 'class="status incomplete"' in cedal
    assert 'class="status incomplete"' not in next(r for r in html.split("<tr") if "Austvik" in r)
    # Rank, year, areas 1-8, total: the areas with nothing scored are a dash, never 0.
    assert row_of(html, "Cedal") == ["3", "2024"] + ["80"] * 4 + ["–"] * 4 + []
    # Only the areas the incomplete result has points for move; the others keep their average.
    assert footer(html) == ["63"] * 4 + ["55"] * 4 + ["400"]
    # The sorting links keep the choice.
    assert "incomplete=1&sort=name" in html
    leave_out = html.split('id="incomplete-choice"')[1].split("</p>")[0]
    assert "incomplete=1" not in leave_out


def test_a_municipalitys_history_marks_an_incomplete_round(client, three, evaluator):
    client.force_login(evaluator)
    municipality = three["cedal"].municipality
    html = client.get(reverse("comparisons:history", args=[municipality.pk])).content.decode()
    assert 'class="status incomplete"' in html
    area_5 = next(r for r in html.split("<tr>") if "<td>5." in r)
    assert re.findall(r'<td class="num">([^<]*)</td>', area_5) == ["–"]
    complete = three["austvik"].municipality
    other = client.get(reverse("comparisons:history", args=[complete.pk])).content.decode()
    assert 'class="status incomplete"' not in other


def scored(municipality, framework, year, strength, author):
    """An evaluation with every question scored, published through the workflow."""
    evaluation = make_evaluation(municipality, framework, year=year, evaluators=[author])
    questions = dict(Question.objects.filter(framework=framework).values_list("code", "pk"))
    levels = synthetic_levels(framework.spec, random.Random(year), strength)
    Score.objects.bulk_create(
        Score(evaluation=evaluation, question_id=questions[code], levels=value)
        for code, value in levels.items()
    )
    change_status(evaluation, "submit", author)
    with override_settings(KOMMUNEKOMPASS_FOUR_EYES=False):  # one evaluator, alone
        change_status(evaluation, "publish", author, confirm_missing=True)
    return evaluation


def test_a_reopened_evaluations_draft_scores_never_reach_the_comparison(
    client, kommunekompass_framework, evaluator
):
    eva = make_user("eva", evaluator=True)
    dalen = make_municipality("Dalen kommune", "9931")
    earlier = scored(dalen, kommunekompass_framework, 2020, 1.0, eva)
    latest = scored(dalen, kommunekompass_framework, 2024, 2.0, eva)
    scored(make_municipality("Elvebu kommune", "9932"), kommunekompass_framework, 2024, 1.5, eva)
    client.force_login(evaluator)
    published = page(client)
    assert row_of(published, "Dalen")[1] == "2024"

    change_status(latest, "reopen", eva, "New evidence for area 3")
    reopened = page(client)
    # The reopened evaluation drops out until it is published again; the municipality is
    # compared with its previous published round.
    assert row_of(reopened, "Dalen")[1] == "2020"
    history = client.get(reverse("comparisons:history", args=[dalen.pk])).content.decode()
    assert "2020" in history and "2024" not in history

    # Changing the draft's scores changes nothing public.
    Score.objects.filter(evaluation=latest).update(levels={"system": 3, "scope": 3, "result": 3})
    touch(latest)
    assert public(page(client)) == public(reopened)
    again = client.get(reverse("comparisons:history", args=[dalen.pk])).content.decode()
    assert public(again) == public(history)
    assert earlier.pk != latest.pk
