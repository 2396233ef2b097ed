"""Four eyes: review comments on questions and findings, the review page, and publishing as
the approval of a second person."""

import pytest
from django.urls import reverse

from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Finding,
    PublishedVersion,
    ReviewComment,
)
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import FocusArea
from tests.factories import make_user


@pytest.fixture
def review(world, client_factory):
    """The draft sent to review by Eva; Otto is its named reviewer; Rita is a second evaluator
    on the team."""
    world.rita = make_user("rita", evaluator=True)
    world.draft.evaluators.add(world.rita)
    world.draft.reviewers.add(world.otto)
    change_status(world.draft, "submit", world.eva)
    world.eva_client = client_factory(world.eva)
    world.otto_client = client_factory(world.otto)
    world.rita_client = client_factory(world.rita)
    for client in (world.eva_client, world.otto_client, world.rita_client):
        client.cookies["django_language"] = "en"
    return world


def status(client, evaluation, action, **extra):
    return client.post(
        reverse("evaluations:status", args=[evaluation.pk]), {"action": action, **extra}
    )


def comment(client, evaluation, text, **about):
    return client.post(
        reverse("evaluations:comment_add", args=[evaluation.pk]), {"text": text, **about}
    )


def current(evaluation) -> Evaluation:
    return Evaluation.objects.get(pk=evaluation.pk)


def test_the_submitter_may_not_publish_alone(review):
    response = status(review.eva_client, review.draft, "publish", confirm_missing="on")
    assert response.status_code == 302
    assert current(review.draft).status == "in_review"
    assert not PublishedVersion.objects.filter(evaluation=review.draft).exists()
    page = review.eva_client.get(response.url).content.decode()
    assert "someone else on the team or a named reviewer must approve" in page


def test_a_named_reviewer_approves_and_the_version_names_both_people(review):
    response = status(review.otto_client, review.draft, "publish", confirm_missing="on")
    assert response.status_code == 302
    evaluation = current(review.draft)
    assert evaluation.status == "published" and evaluation.published_version == 1
    version = PublishedVersion.objects.get(evaluation=review.draft)
    assert version.published_by == review.otto
    assert version.published_by_name == "Otto" and version.approved_by_name == "Otto"
    assert version.submitted_by_name == "Eva" and not version.published_alone
    approved = AuditEntry.objects.get(evaluation=review.draft, action="approved")
    assert approved.user == review.otto
    assert approved.new == {"version": 1, "submitted_by": "Eva", "approved_by": "Otto"}


def test_a_second_evaluator_on_the_team_may_approve_too(review):
    status(review.rita_client, review.draft, "publish", confirm_missing="on")
    assert current(review.draft).status == "published"
    assert PublishedVersion.objects.get(evaluation=review.draft).approved_by_name == "Rita"


def test_with_four_eyes_off_the_submitter_publishes_alone_and_the_version_says_so(review, settings):
    settings.KOMMUNEKOMPASS_FOUR_EYES = False
    status(review.eva_client, review.draft, "publish", confirm_missing="on")
    assert current(review.draft).status == "published"
    version = PublishedVersion.objects.get(evaluation=review.draft)
    assert version.published_alone and version.approved_by_name == ""
    assert version.published_by == review.eva and version.submitted_by_name == "Eva"
    assert not AuditEntry.objects.filter(evaluation=review.draft, action="approved").exists()


def test_unscored_questions_still_need_the_tick(review):
    status(review.otto_client, review.draft, "publish")
    assert current(review.draft).status == "in_review"


def test_open_comments_hold_publishing_back_until_answered(review):
    response = comment(
        review.otto_client,
        review.draft,
        "Begrunnelsen for 1.1.1 mangler kilde",
        question="1.1.1",
        next=reverse("evaluations:area", args=[review.draft.pk, "1"]) + "#q-1-1-1",
    )
    assert response.status_code == 302 and response.url.endswith("#q-1-1-1")
    note = ReviewComment.objects.get()
    assert note.question.code == "1.1.1" and note.author == review.otto and note.is_open
    assert note.subject == "1.1.1"

    response = status(review.otto_client, review.draft, "publish", confirm_missing="on")
    assert current(review.draft).status == "in_review"
    assert "1 review comment is open" in review.otto_client.get(response.url).content.decode()

    answer_url = reverse("evaluations:comment_answer", args=[review.draft.pk, note.pk])
    # Only the team answers.
    assert review.otto_client.post(answer_url, {"answer": "Nei"}).status_code == 403
    assert review.eva_client.post(answer_url, {"answer": ""}).status_code == 302
    note.refresh_from_db()
    assert note.answer == ""
    review.eva_client.post(answer_url, {"answer": "Kilde lagt til"})
    note.refresh_from_db()
    assert note.answer == "Kilde lagt til" and note.answered_by == review.eva
    assert note.state == "answered"

    status(review.otto_client, review.draft, "publish", confirm_missing="on")
    assert current(review.draft).status == "published"
    actions = list(
        AuditEntry.objects.filter(evaluation=review.draft)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == ["comment_added", "comment_answered", "status", "approved"]


def test_the_commenter_or_another_reviewer_resolves_but_not_the_submitter(review):
    comment(review.otto_client, review.draft, "Sjekk 1.1.2", question="1.1.2")
    note = ReviewComment.objects.get()
    url = reverse("evaluations:comment_resolve", args=[review.draft.pk, note.pk])
    assert review.eva_client.post(url).status_code == 403  # Eva sent it to review
    note.refresh_from_db()
    assert not note.is_resolved
    assert review.rita_client.post(url).status_code == 302  # on the team, not the submitter
    note.refresh_from_db()
    assert note.is_resolved and note.resolved_by == review.rita
    assert AuditEntry.objects.filter(action="comment_resolved", user=review.rita).exists()

    comment(review.eva_client, review.draft, "Egen merknad")
    own = ReviewComment.objects.get(text="Egen merknad")
    assert own.question is None and own.finding is None
    own_url = reverse("evaluations:comment_resolve", args=[review.draft.pk, own.pk])
    assert review.eva_client.post(own_url).status_code == 302  # the commenter resolves
    own.refresh_from_db()
    assert own.is_resolved


def test_comments_on_a_finding_with_htmx_and_the_subject_outlives_the_finding(review):
    area = FocusArea.objects.get(framework=review.framework, code="1")
    finding = Finding.objects.create(
        evaluation=review.draft, focus_area=area, kind="weakness", text="Svak innbyggerdialog"
    )
    response = review.otto_client.post(
        reverse("evaluations:comment_add", args=[review.draft.pk]),
        {"text": "Underbygg dette", "finding": finding.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="comments-finding-{finding.pk}"' in html and "Underbygg dette" in html
    note = ReviewComment.objects.get()
    assert note.finding == finding and note.subject == "1: Svak innbyggerdialog"
    page = review.eva_client.get(reverse("evaluations:findings", args=[review.draft.pk, "1"]))
    assert "Underbygg dette" in page.content.decode()
    # Deleting the finding (back in draft) keeps the comment with its subject.
    change_status(review.draft, "return", review.otto)
    from kommunekompass.evaluations.services.findings import delete_finding

    delete_finding(finding=finding, user=review.eva)
    note.refresh_from_db()
    assert note.finding is None and note.subject == "1: Svak innbyggerdialog"
    review_page = review.eva_client.get(reverse("evaluations:review", args=[review.draft.pk]))
    assert "Svak innbyggerdialog" in review_page.content.decode()


def test_a_question_comment_with_htmx_returns_the_question_comments(review):
    response = review.otto_client.post(
        reverse("evaluations:comment_add", args=[review.draft.pk]),
        {"text": "Hvorfor nivå 2?", "question": "1.1.1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="comments-q-1-1-1"' in response.content.decode()
    page = review.eva_client.get(reverse("evaluations:area", args=[review.draft.pk, "1"]))
    html = page.content.decode()
    assert "Hvorfor nivå 2?" in html and 'name="question" value="1.1.1"' in html


def test_comments_are_written_only_in_review_and_kept_through_return_and_reopen(review):
    comment(review.otto_client, review.draft, "Første runde", question="1.1.1")
    review.eva_client.post(
        reverse(
            "evaluations:comment_answer",
            args=[review.draft.pk, ReviewComment.objects.get().pk],
        ),
        {"answer": "Rettet"},
    )
    status(review.otto_client, review.draft, "return")
    assert current(review.draft).status == "draft"
    comment(review.otto_client, review.draft, "I utkast", question="1.1.1")
    assert ReviewComment.objects.count() == 1
    status(review.eva_client, review.draft, "submit")
    status(review.otto_client, review.draft, "publish", confirm_missing="on")
    status(review.eva_client, review.draft, "reopen", note="Ny runde")
    assert current(review.draft).status == "draft"
    assert ReviewComment.objects.filter(evaluation=review.draft).count() == 1


def test_the_overview_shows_who_sent_it_open_comments_and_who_may_approve(review):
    comment(review.otto_client, review.draft, "Sjekk", question="1.1.1")
    page = review.eva_client.get(reverse("evaluations:detail", args=[review.draft.pk]))
    html = page.content.decode()
    state = html[html.index('id="review-state"') :]
    state = state[: state.index("</dl>")]
    assert "Sent to review by" in state and "Eva" in state
    assert 'review/">1</a>' in state
    assert "Otto" in state and "Rita" in state
    assert 'value="publish"' not in html  # Eva may not approve her own submission
    otto = review.otto_client.get(reverse("evaluations:detail", args=[review.draft.pk]))
    assert 'value="publish"' in otto.content.decode()


def test_the_review_page_lists_every_comment_with_its_state(review, django_assert_max_num_queries):
    for code in ("1.1.1", "1.1.2", "1.2.1"):
        comment(review.otto_client, review.draft, f"Om {code}", question=code)
    notes = list(ReviewComment.objects.order_by("id"))
    review.eva_client.post(
        reverse("evaluations:comment_answer", args=[review.draft.pk, notes[1].pk]),
        {"answer": "Svar"},
    )
    review.otto_client.post(
        reverse("evaluations:comment_resolve", args=[review.draft.pk, notes[2].pk])
    )
    with django_assert_max_num_queries(20):
        response = review.otto_client.get(reverse("evaluations:review", args=[review.draft.pk]))
    html = response.content.decode()
    assert "Open: 1. Answered: 1. Resolved: 1." in html
    assert all(f"Om {code}" in html for code in ("1.1.1", "1.1.2", "1.2.1"))
    assert 'name="answer"' not in html  # Otto is not on the team: he does not answer


def test_a_reviewer_reads_everything_but_changes_nothing(review):
    otto = review.otto_client
    assert otto.get(reverse("evaluations:area", args=[review.draft.pk, "1"])).status_code == 200
    assert otto.get(reverse("evaluations:interviews", args=[review.draft.pk])).status_code == 200
    assert otto.get(reverse("evaluations:history", args=[review.draft.pk])).status_code == 403
    change_status(review.draft, "return", review.otto)
    response = otto.post(
        reverse("evaluations:save_question", args=[review.draft.pk, "1.1.1"]),
        {"level_system": 1, "reason": "x", "version": 0},
    )
    assert response.status_code == 403
    assert status(otto, review.draft, "submit").status_code == 403
    assert current(review.draft).status == "draft"


ROLES = ["anonymous", "admin", "eva", "otto", "coordinator", "reader", "nordhei_reader", "outsider"]
# On world.nordhei_draft (Otto's evaluation), Eva is an evaluator not on the team.
EXPECTED_REVIEW_PAGE = {
    "anonymous": "login",
    "admin": 200,
    "eva": 404,
    "otto": 200,
    "coordinator": 404,
    "reader": 404,
    "nordhei_reader": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_review_page_and_comment(client, world, role):
    evaluation = world.nordhei_draft
    change_status(evaluation, "submit", world.otto)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = reverse("evaluations:review", args=[evaluation.pk])
    response = client.get(url)
    expected = EXPECTED_REVIEW_PAGE[role]
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    before = ReviewComment.objects.count()
    posted = comment(client, evaluation, "Hei", question="1.1.1")
    if expected == "login":
        assert posted.status_code == 302 and "/login/" in posted.url
    elif expected == 200:
        assert posted.status_code == 302
        assert ReviewComment.objects.count() == before + 1
    else:
        assert posted.status_code == expected
    if expected != 200:
        assert ReviewComment.objects.count() == before


def test_the_coordinator_sees_the_evaluation_but_not_its_review(client, world):
    change_status(world.draft, "submit", world.eva)
    client.force_login(world.coordinator)
    assert client.get(reverse("evaluations:review", args=[world.draft.pk])).status_code == 403
    assert comment(client, world.draft, "Hei", question="1.1.1").status_code == 403
    assert status(client, world.draft, "publish", confirm_missing="on").status_code == 403
    assert not ReviewComment.objects.exists()
    assert current(world.draft).status == "in_review"
