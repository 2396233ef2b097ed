"""Writing through the API, for every role (the roles of tests/test_api_access.py): scores,
findings, interviews, the evaluation's steps and its review comments. The rules are the
pages' (tests/test_evaluation_access.py): 401 without a token, 404 for those who may not see
the evaluation (a reader and a draft, the other municipality), 403 for those who may see but
not change (a reader of a published evaluation, the coordinator), the team and the site
administrator allowed. The database and the history entry are checked after every write."""

import json

import pytest
from openapi_spec_validator import validate

from kommunekompass.evaluations.models import AuditEntry, Finding, Interview, ReviewComment, Score
from tests.test_api_access import ROLES, call, statuses, tokens  # noqa: F401

Q = "1.1.1"
LEVELS = {"system": 2, "scope": 1, "result": 3}


def send(client, tokens, role, method, url, body=None):
    extra = {"content_type": "application/json"}
    if body is not None:
        extra["data"] = json.dumps(body)
    return call(client, tokens, role, method, url, **extra)


def every_role(client, tokens, method, url, body, roles=ROLES):
    """Each role's status; `body` may be a function of the role (e.g. the version to send)."""
    return [
        send(client, tokens, role, method, url, body(role) if callable(body) else body).status_code
        for role in roles
    ]


def entries(evaluation, action):
    return list(AuditEntry.objects.filter(evaluation=evaluation, action=action).order_by("pk"))


def version_of(evaluation):
    score = Score.objects.filter(evaluation=evaluation, question__code=Q).first()
    return score.version if score else 0


def test_scoring_follows_the_scoring_page(client, programme, tokens):
    w = programme
    url = f"/api/evaluations/{w.draft.pk}/scores/{Q}"
    assert statuses(client, tokens, "get", f"/api/evaluations/{w.draft.pk}/scores") == [
        401, 404, 200, 200, 404, 200,
    ]  # fmt: skip

    def body(role):
        return {"levels": LEVELS, "reason": f"Reason of {role}", "version": version_of(w.draft)}

    assert every_role(client, tokens, "put", url, body) == [401, 404, 403, 200, 404, 200]
    score = Score.objects.get(evaluation=w.draft, question__code=Q)
    assert (score.levels, score.reason, score.version) == (LEVELS, "Reason of admin", 2)
    written = entries(w.draft, AuditEntry.Action.SCORE)
    assert [(e.user, e.subject) for e in written] == [(w.eva, Q), (w.admin, Q)]
    assert written[1].new == {"levels": LEVELS, "reason": "Reason of admin"}

    # what the client read is stale: 409 with the current score, nothing written
    response = send(client, tokens, "eva", "put", url, {**body("eva"), "version": 1})
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    assert response.json()["current"]["reason"] == "Reason of admin"
    assert Score.objects.get(pk=score.pk).reason == "Reason of admin"
    # the same again: saved, nothing changed
    response = send(client, tokens, "eva", "put", url, body("admin"))
    assert response.status_code == 200 and response.json()["saved"] is False
    assert len(entries(w.draft, AuditEntry.Action.SCORE)) == 2

    # published: a reader sees it, nobody changes it
    published = f"/api/evaluations/{w.published.pk}/scores/{Q}"
    assert every_role(client, tokens, "put", published, body("x")) == [
        401, 403, 403, 403, 404, 403,
    ]  # fmt: skip
    assert not Score.objects.filter(evaluation=w.published).exists()


def test_a_refused_score_names_the_field(client, programme, tokens):
    w = programme
    url = f"/api/evaluations/{w.draft.pk}/scores/{Q}"

    def refused(body):
        response = send(client, tokens, "eva", "put", url, body)
        assert response.status_code == 422, response.content
        return {error["field"] for error in response.json()["errors"]}

    assert refused({"levels": {**LEVELS, "scope": 7}, "reason": "x", "version": 0}) == {
        "levels.scope"
    }
    assert refused({"levels": LEVELS, "reason": "", "version": 0}) == {"reason"}
    assert refused({"levels": {"colour": 1}, "reason": "x", "version": 0}) == {"levels.colour"}
    assert refused({"levels": LEVELS, "reason": "x\x0by", "version": 0}) == {"reason"}
    assert refused({"levels": LEVELS, "reason": "x"}) == {"version"}  # the schema's own check
    assert (
        send(client, tokens, "eva", "put", url.replace(Q, "9.9.9"), {"version": 0}).status_code
        == 404
    )
    assert not Score.objects.filter(evaluation=w.draft).exists()


def test_findings_follow_the_findings_page(client, programme, tokens):
    w = programme
    base = f"/api/evaluations/{w.draft.pk}/findings"
    body = {"focus_area": "1", "kind": "strength", "text": "Good", "questions": ["1.1.1"]}
    assert every_role(client, tokens, "post", base, body) == [401, 404, 403, 201, 404, 201]
    added = Finding.objects.filter(evaluation=w.draft, text="Good").order_by("pk")
    assert [f.position for f in added] == [1, 2]
    assert [q.code for q in added[0].questions.all()] == ["1.1.1"]
    assert len(entries(w.draft, AuditEntry.Action.FINDING_ADDED)) == 2

    finding = added[0]
    url = f"{base}/{finding.pk}"
    change = {"kind": "weakness", "text": "Not so good", "questions": [], "version": 1}
    assert every_role(client, tokens, "put", url, change, ROLES[:-1]) == [401, 404, 403, 200, 404]
    finding.refresh_from_db()
    assert (finding.kind, finding.text, finding.version) == ("weakness", "Not so good", 2)
    assert entries(w.draft, AuditEntry.Action.FINDING_CHANGED)[0].user == w.eva
    # stale version: 409, nothing written
    assert send(client, tokens, "admin", "put", url, change).status_code == 409
    assert Finding.objects.get(pk=finding.pk).version == 2

    refused = send(client, tokens, "eva", "post", base, {**body, "questions": ["2.1.1"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "questions"
    refused = send(client, tokens, "eva", "post", base, {**body, "kind": "opinion"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "kind"
    refused = send(client, tokens, "eva", "post", base, {**body, "focus_area": "99"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "focus_area"

    assert every_role(client, tokens, "delete", url, None, ROLES[:-1]) == [401, 404, 403, 204, 404]
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert entries(w.draft, AuditEntry.Action.FINDING_DELETED)[0].user == w.eva
    # a reader sees the published findings and changes none
    published = f"/api/evaluations/{w.published.pk}/findings"
    assert statuses(client, tokens, "get", published) == [401, 200, 200, 200, 404, 200]
    assert every_role(client, tokens, "post", published, body) == [401, 403, 403, 403, 404, 403]


def test_interviews_follow_the_interview_pages(client, programme, tokens):
    w = programme
    base = f"/api/evaluations/{w.draft.pk}/interviews"
    body = {"role": "department_heads", "date": "2026-03-02", "held": True, "notes": "Notes"}
    assert statuses(client, tokens, "get", base) == [401, 404, 200, 200, 404, 200]
    assert every_role(client, tokens, "post", base, body) == [401, 404, 403, 201, 404, 201]
    interview = Interview.objects.filter(evaluation=w.draft).order_by("pk").first()
    assert (interview.role, str(interview.date), interview.held) == (
        "department_heads",
        "2026-03-02",
        True,
    )
    assert len(entries(w.draft, AuditEntry.Action.INTERVIEW_ADDED)) == 2

    url = f"{base}/{interview.pk}"
    change = {**body, "notes": "Better notes", "version": 1}
    assert send(client, tokens, "eva", "put", url, change).status_code == 200
    assert Interview.objects.get(pk=interview.pk).notes == "Better notes"
    assert send(client, tokens, "admin", "put", url, change).status_code == 409
    assert len(entries(w.draft, AuditEntry.Action.INTERVIEW_CHANGED)) == 1

    refused = send(client, tokens, "eva", "post", base, {**body, "date": None})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "date"
    assert send(client, tokens, "coordinator", "delete", url).status_code == 403
    assert send(client, tokens, "eva", "delete", url).status_code == 204
    assert not Interview.objects.filter(pk=interview.pk).exists()
    # the notes are for the team: a reader of the published evaluation is refused
    published = f"/api/evaluations/{w.published.pk}/interviews"
    assert statuses(client, tokens, "get", published) == [401, 403, 200, 200, 404, 200]


def test_an_evaluation_goes_through_review_to_publication(client, programme, tokens, settings):
    w = programme
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base = f"/api/evaluations/{w.draft.pk}"
    status = f"{base}/status"
    submit = {"action": "submit"}
    assert every_role(client, tokens, "post", status, submit, ROLES[:4]) == [401, 404, 403, 200]
    w.draft.refresh_from_db()
    assert (w.draft.status, w.draft.submitted_by) == ("in_review", w.eva)
    assert entries(w.draft, AuditEntry.Action.STATUS)[-1].subject == "submit"
    assert send(client, tokens, "eva", "post", status, submit).status_code == 409  # in review

    comments = f"{base}/comments"
    assert statuses(client, tokens, "get", comments) == [401, 404, 403, 200, 404, 200]
    body = {"text": "Why level 3?", "question": Q}
    assert every_role(client, tokens, "post", comments, body, ["coordinator", "admin"]) == [
        403,
        201,
    ]
    comment = ReviewComment.objects.get(evaluation=w.draft)
    assert (comment.author, comment.question.code) == (w.admin, Q)
    refused = send(client, tokens, "admin", "post", comments, {"text": "?", "question": "9.9"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "question"

    # the submitter may not approve; an open comment holds publishing back
    publish = {"action": "publish", "confirm_missing": True}
    assert send(client, tokens, "eva", "post", status, publish).status_code == 409
    assert send(client, tokens, "admin", "post", status, publish).status_code == 409
    answer = f"{comments}/{comment.pk}/answer"
    assert (
        send(client, tokens, "eva", "post", answer, {"answer": "See the notes."}).status_code == 200
    )
    assert ReviewComment.objects.get(pk=comment.pk).answered_by == w.eva
    resolve = f"{comments}/{comment.pk}/resolve"
    assert send(client, tokens, "eva", "post", resolve).status_code == 403  # the submitter
    assert send(client, tokens, "admin", "post", resolve).status_code == 200
    assert ReviewComment.objects.get(pk=comment.pk).is_resolved
    assert [e.action for e in w.draft.audit.order_by("pk")][-3:] == [
        AuditEntry.Action.COMMENT_ADDED,
        AuditEntry.Action.COMMENT_ANSWERED,
        AuditEntry.Action.COMMENT_RESOLVED,
    ]

    # unscored questions need confirm_missing; then the administrator approves and publishes
    response = send(client, tokens, "admin", "post", status, {"action": "publish"})
    assert response.status_code == 409 and "not scored" in response.json()["detail"]
    assert send(client, tokens, "coordinator", "post", status, publish).status_code == 403
    response = send(client, tokens, "admin", "post", status, publish)
    assert response.status_code == 200
    assert response.json() == {
        "id": w.draft.pk, "status": "published", "published_version": 1, "submitted_by": "Eva",
    }  # fmt: skip
    w.draft.refresh_from_db()
    assert w.draft.versions.get().approved_by_name == "Admin"
    assert entries(w.draft, AuditEntry.Action.APPROVED)[0].user == w.admin

    # reopening needs the reason
    refused = send(client, tokens, "eva", "post", status, {"action": "reopen"})
    assert refused.status_code == 409
    reopen = {"action": "reopen", "note": "A score in 1.1 was wrong."}
    assert every_role(client, tokens, "post", status, reopen, ROLES[:4]) == [401, 403, 403, 200]
    w.draft.refresh_from_db()
    assert w.draft.status == "draft"
    assert entries(w.draft, AuditEntry.Action.STATUS)[-1].note == "A score in 1.1 was wrong."
    refused = send(client, tokens, "eva", "post", status, {"action": "delete"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "action"
    assert (
        send(client, tokens, "nordhei_reader", "post", status, {"action": "x"}).status_code == 404
    )


def test_returning_to_draft_needs_the_review_right(client, programme, tokens):
    w = programme
    status = f"/api/evaluations/{w.draft.pk}/status"
    assert send(client, tokens, "eva", "post", status, {"action": "submit"}).status_code == 200
    back = {"action": "return"}
    assert every_role(client, tokens, "post", status, back, ROLES[:3] + ["admin"]) == [
        401, 404, 403, 200,
    ]  # fmt: skip
    w.draft.refresh_from_db()
    assert w.draft.status == "draft"


def test_the_openapi_document_lists_the_writing_endpoints(client, db):
    document = client.get("/api/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert "put" in paths["/api/evaluations/{evaluation_id}/scores/{question_code}"]
    assert (
        "409"
        in paths["/api/evaluations/{evaluation_id}/scores/{question_code}"]["put"]["responses"]
    )
    for path in [
        "/api/evaluations/{evaluation_id}/findings",
        "/api/evaluations/{evaluation_id}/interviews",
        "/api/evaluations/{evaluation_id}/status",
        "/api/evaluations/{evaluation_id}/comments/{comment_id}/resolve",
        "/api/projects/{project_id}/milestones/{milestone_id}",
        "/api/indicators/{indicator_id}/measurement",
    ]:
        assert path in paths, path


@pytest.mark.parametrize("method", ["put", "post"])
def test_a_session_does_not_write(client, programme, method):
    client.force_login(programme.eva)
    url = f"/api/evaluations/{programme.draft.pk}/scores/{Q}"
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code in (401, 405)
    assert not Score.objects.exists()
