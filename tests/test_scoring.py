"""Scoring questions: the page, saving with HTMX, bad input, concurrent saves, audit."""

from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.scoring.engine import find

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def eva(client, world):
    client.force_login(world.eva)
    return client


def save_url(evaluation, code):
    return reverse("evaluations:save_question", args=[evaluation.pk, code])


def post_score(
    client, evaluation, code, system, scope, result, reason="Begrunnelse", version=0, htmx=True
):
    data = {
        "level_system": system,
        "level_scope": scope,
        "level_result": result,
        "reason": reason,
        "version": version,
    }
    return client.post(save_url(evaluation, code), data, **(HTMX if htmx else {}))


def test_the_scoring_page_shows_questions_guidance_rubric_and_progress(eva, world):
    response = eva.get(reverse("evaluations:area", args=[world.draft.pk, "6"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "6.3.1" in page and "kontinuerlig forbedring" in page
    assert "Veiledning til evaluator" in page
    assert "Gjennomarbeidet" in page  # a level label of system/process
    assert "0 av 9 spørsmål er vurdert" in page
    assert page.count('class="score-form"') == 9


def test_saving_a_question_updates_its_points_and_the_area_totals(eva, world):
    response = post_score(eva, world.draft, "7.3.1", 3, 2, 1, "Godt HMS-system, lite analyse.")
    assert response.status_code == 200
    html = response.content.decode()
    # 7.3 has 25 points over two questions: 12.5 * (3/3 + 2/3 + 1/3) / 3 = 8.33
    assert "8,3" in html and "Lagret." in html
    assert 'id="area-totals" hx-swap-oob="true"' in html
    assert "1 av 9 spørsmål er vurdert" in html
    score = Score.objects.get(evaluation=world.draft, question__code="7.3.1")
    assert score.levels == {"system": 3, "scope": 2, "result": 1}
    assert score.reason == "Godt HMS-system, lite analyse."
    assert score.version == 1 and score.updated_by == world.eva
    result = evaluation_result(world.draft)
    assert find(result, "7.3").points == Fraction(25, 2) * Fraction(2, 3)


def test_a_plain_form_post_redirects_back_to_the_question(eva, world):
    response = post_score(eva, world.draft, "1.1.1", 1, 1, 1, htmx=False)
    assert response.status_code == 302
    assert response.url.endswith(
        reverse("evaluations:area", args=[world.draft.pk, "1"]) + "#q-1-1-1"
    )


def test_a_level_outside_the_scale_is_refused_and_nothing_changes(eva, world):
    response = post_score(eva, world.draft, "1.1.1", 7, 1, 1)
    assert response.status_code == 422
    assert "7 er ikke et nivå" in response.content.decode()
    assert not Score.objects.exists()
    assert not AuditEntry.objects.filter(action="score").exists()


def test_levels_without_a_reason_are_refused(eva, world):
    response = post_score(eva, world.draft, "1.1.1", 1, 1, 1, reason="  ")
    assert response.status_code == 422
    assert "Skriv begrunnelsen" in response.content.decode()
    assert not Score.objects.exists()


def test_a_question_code_not_in_the_framework_is_404(eva, world):
    response = post_score(eva, world.draft, "9.9.9", 1, 1, 1)
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_a_published_evaluation_cannot_be_scored(eva, world):
    response = post_score(eva, world.published, "1.1.1", 1, 1, 1)
    assert response.status_code == 403
    assert "publisert" in response.content.decode()
    assert not Score.objects.filter(evaluation=world.published).exists()


def test_the_second_of_two_concurrent_saves_is_told_and_shown_the_current_value(client, world):
    client.force_login(world.eva)
    first = post_score(client, world.draft, "2.2.1", 2, 2, 2, "Eva sin vurdering", version=0)
    assert first.status_code == 200
    # A colleague opened the page at the same time, before Eva saved: version 0.
    world.draft.evaluators.add(world.otto)
    client.force_login(world.otto)
    second = post_score(client, world.draft, "2.2.1", 0, 0, 0, "Ottos vurdering", version=0)
    assert second.status_code == 409
    html = second.content.decode()
    assert "noen andre har lagret" in html
    assert "Eva sin vurdering" in html  # the current value is shown
    assert "Ottos vurdering" in html  # and the colleague's input is not lost
    score = Score.objects.get(evaluation=world.draft, question__code="2.2.1")
    assert score.reason == "Eva sin vurdering" and score.version == 1
    # With the current version, the colleague's save goes through.
    third = post_score(client, world.draft, "2.2.1", 0, 0, 0, "Ottos vurdering", version=1)
    assert third.status_code == 200
    score.refresh_from_db()
    assert score.reason == "Ottos vurdering" and score.version == 2


def test_every_change_is_kept_in_the_audit_history(eva, world):
    post_score(eva, world.draft, "1.2.1", 1, 1, 1, "Første")
    post_score(eva, world.draft, "1.2.1", 2, 1, 1, "Andre", version=1)
    post_score(eva, world.draft, "1.2.1", 2, 1, 1, "Andre", version=2)  # no change: no entry
    entries = list(AuditEntry.objects.filter(action="score").order_by("id"))
    assert len(entries) == 2
    assert entries[0].old is None
    assert entries[1].old == {"levels": {"system": 1, "scope": 1, "result": 1}, "reason": "Første"}
    assert entries[1].new == {"levels": {"system": 2, "scope": 1, "result": 1}, "reason": "Andre"}
    assert entries[1].user == world.eva and entries[1].subject == "1.2.1"
    history = eva.get(reverse("evaluations:history", args=[world.draft.pk])).content.decode()
    assert "Første" in history and "Andre" in history and "1.2.1" in history


def test_clearing_the_levels_makes_the_question_missing_again(eva, world):
    post_score(eva, world.draft, "1.4.1", 3, 3, 3, "Alt")
    response = post_score(eva, world.draft, "1.4.1", "", "", "", "", version=1)
    assert response.status_code == 200
    assert "1.4.1" in find(evaluation_result(world.draft), "total").missing


def test_the_scoring_page_query_count_does_not_grow_with_the_questions(
    eva, world, django_assert_max_num_queries
):
    for code, question in [(q.code, q) for q in world.framework.spec.questions]:
        levels = {d.code: 2 for d in question.scheme.dimensions}
        Score.objects.create(
            evaluation=world.draft,
            question=world.framework.questions.get(code=code),
            levels=levels,
            reason="x",
        )
    # Area 3 has 10 questions, area 5 has 9, area 4 has 9: the same queries for each (after
    # one page has filled the per-person caches, such as the header's reminder count).
    eva.get(reverse("evaluations:area", args=[world.draft.pk, "4"]))
    counts = []
    for area in ("3", "5"):
        with CaptureQueriesContext(connection) as queries:
            response = eva.get(reverse("evaluations:area", args=[world.draft.pk, area]))
            assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
    with django_assert_max_num_queries(20):
        post_score(eva, world.draft, "3.2.1", 3, 3, 3, "y", version=1)


def test_the_cached_scoring_page_shows_every_change_at_once(eva, world):
    url = reverse("evaluations:area", args=[world.draft.pk, "1"])
    assert "Første versjon" not in eva.get(url).content.decode()
    post_score(eva, world.draft, "1.1.1", 1, 1, 1, "Første versjon")
    assert "Første versjon" in eva.get(url).content.decode()
    post_score(eva, world.draft, "1.1.1", 2, 1, 1, "Andre versjon", version=1)
    page = eva.get(url).content.decode()
    assert "Andre versjon" in page and "Første versjon" not in page
    # An interview linked to the question shows too.
    interviews = reverse("evaluations:interviews", args=[world.draft.pk])
    eva.post(
        interviews,
        {
            "role": "mayor",
            "date": "2026-08-01",
            "held": "on",
            "questions": [world.framework.questions.get(code="1.1.1").pk],
        },
    )
    assert "Ordfører og formannskap (1. august 2026)" in eva.get(url).content.decode()


def test_each_person_gets_their_own_csrf_token_in_the_cached_page(world):
    from django.test import Client

    world.draft.evaluators.add(world.otto)
    url = reverse("evaluations:area", args=[world.draft.pk, "1"])
    tokens = []
    for person in (world.eva, world.otto):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        page = client.get(url).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert "__kommunekompass_csrf_token__" not in page
        response = client.post(
            save_url(world.draft, "1.2.1"),
            {
                "csrfmiddlewaretoken": token,
                "level_system": 1,
                "level_scope": 1,
                "level_result": 1,
                "reason": f"av {person.username}",
                "version": len(tokens),
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.content[:300]
        tokens.append(token)
    assert Score.objects.get(question__code="1.2.1").reason == "av otto"


def test_people_with_other_access_do_not_share_a_cached_page(client, world):
    url = reverse("evaluations:area", args=[world.draft.pk, "1"])
    client.force_login(world.eva)
    assert "score-form" in client.get(url).content.decode()  # cached for editors
    client.force_login(world.coordinator)
    assert "score-form" not in client.get(url).content.decode()  # read-only for coordinators
