import pytest
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Evaluation, Municipality, Score


@pytest.fixture
def eva(client, world):
    client.force_login(world.eva)
    return client


def status(client, evaluation, action, **extra):
    return client.post(
        reverse("evaluations:status", args=[evaluation.pk]), {"action": action, **extra}
    )


def test_an_evaluator_creates_an_evaluation_and_is_on_its_team(eva, world):
    response = eva.post(
        reverse("evaluations:create"),
        {
            "municipality": world.nordhei.pk,
            "framework": world.framework.pk,
            "year": 2027,
            "date": "2027-03-01",
            "evaluators": [world.otto.pk],
        },
    )
    evaluation = Evaluation.objects.get(year=2027)
    assert response.status_code == 302 and response.url.endswith(f"/evaluations/{evaluation.pk}/")
    assert set(evaluation.evaluators.all()) == {world.eva, world.otto}
    assert evaluation.status == "draft"
    assert AuditEntry.objects.filter(evaluation=evaluation, action="created").exists()


def test_creating_an_evaluation_validates_the_year(eva, world):
    response = eva.post(
        reverse("evaluations:create"),
        {
            "municipality": world.nordhei.pk,
            "framework": world.framework.pk,
            "year": 1850,
        },
    )
    assert response.status_code == 200
    assert "mellom 2000 og 2100" in response.content.decode()
    assert not Evaluation.objects.filter(year=1850).exists()


def test_an_evaluator_adds_a_municipality(eva, world):
    response = eva.post(
        reverse("evaluations:municipalities"),
        {
            "name": "Sjøbygd kommune",
            "number": "9903",
            "county": "Nordland",
            "country": "NO",
            "population": 4200,
        },
    )
    assert response.status_code == 302
    assert Municipality.objects.get(number="9903").name == "Sjøbygd kommune"
    duplicate = eva.post(
        reverse("evaluations:municipalities"),
        {
            "name": "Kopi",
            "number": "9903",
            "country": "NO",
        },
    )
    assert duplicate.status_code == 422  # refused, with the form and its message
    assert Municipality.objects.filter(number="9903").count() == 1


def test_draft_to_review_to_published_and_reopened_with_a_reason(eva, world, client_factory):
    evaluation = world.draft
    evaluation.reviewers.add(world.otto)  # four eyes: someone else approves
    otto = client_factory(world.otto)
    status(eva, evaluation, "submit")
    evaluation.refresh_from_db()
    assert evaluation.status == "in_review"

    # Unscored questions: publishing needs an explicit confirmation.
    status(otto, evaluation, "publish")
    evaluation.refresh_from_db()
    assert evaluation.status == "in_review"
    status(otto, evaluation, "publish", confirm_missing="on")
    evaluation.refresh_from_db()
    assert evaluation.status == "published" and evaluation.published_at

    status(eva, evaluation, "reopen")  # no reason given
    evaluation.refresh_from_db()
    assert evaluation.status == "published"
    status(eva, evaluation, "reopen", note="Feil i 6.3.1 må rettes")
    evaluation.refresh_from_db()
    assert evaluation.status == "draft" and evaluation.published_at is None

    entries = AuditEntry.objects.filter(evaluation=evaluation, action="status").order_by("id")
    assert [e.subject for e in entries] == ["submit", "publish", "reopen"]
    assert entries.last().note == "Feil i 6.3.1 må rettes" and entries.last().user == world.eva
    history = eva.get(reverse("evaluations:history", args=[evaluation.pk])).content.decode()
    assert "Feil i 6.3.1 må rettes" in history


def test_a_transition_that_does_not_fit_the_status_changes_nothing(eva, world):
    response = status(eva, world.draft, "publish", confirm_missing="on")
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == "draft"
    assert not AuditEntry.objects.filter(action="status").exists()
    assert status(eva, world.draft, "explode").status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == "draft"


def test_the_overview_shows_progress_per_area(eva, world):
    question = world.framework.questions.get(code="1.4.1")
    Score.objects.create(
        evaluation=world.draft,
        question=question,
        levels={"system": 3, "scope": 3, "result": 3},
        reason="Full pott",
    )
    page = eva.get(reverse("evaluations:detail", args=[world.draft.pk])).content.decode()
    assert "1 av 75 spørsmål er vurdert" in page
    assert "1. Offentlighet og demokrati" in page
    assert "Send til gjennomgang" in page


def test_the_result_page_of_a_draft_says_draft_and_names_the_missing_questions(eva, world):
    page = eva.get(reverse("reports:report", args=[world.draft.pk])).content.decode()
    assert "UTKAST" in page
    assert "75 spørsmål er ikke vurdert" in page


def test_the_published_result_is_public(client, world):
    from kommunekompass.evaluations.services.workflow import change_status

    question = world.framework.questions.get(code="1.4.1")
    Score.objects.create(
        evaluation=world.draft,
        question=question,
        levels={"system": 3, "scope": 3, "result": 3},
        reason="Full pott",
    )
    assert client.get(reverse("reports:report", args=[world.draft.pk])).status_code == 404
    change_status(world.draft, "submit", world.eva)
    change_status(world.draft, "publish", world.admin, confirm_missing=True)
    response = client.get(reverse("reports:report", args=[world.draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fjordvik kommune 2026" in page and "UTKAST" not in page
    assert "<strong>10</strong> av 800" in page
