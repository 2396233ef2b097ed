"""Every evaluation URL for every role: the right people get the page, everyone else 403/404
(or the login page when anonymous), never the data."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from kommunekompass.evaluations.models import Evidence, Finding, Interview
from kommunekompass.frameworks.models import FocusArea

ROLES = ["anonymous", "admin", "eva", "otto", "coordinator", "reader", "nordhei_reader", "outsider"]

LOGIN = "login"  # expected: redirected to the login page


def client_for(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


@pytest.fixture
def material(world, settings, tmp_path):
    """An interview, a finding and an uploaded document on each evaluation."""
    settings.MEDIA_ROOT = tmp_path
    area = FocusArea.objects.get(framework=world.framework, code="1")
    made = {}
    for name in ("draft", "published"):
        evaluation = getattr(world, name)
        interview = Interview.objects.create(evaluation=evaluation, role="mayor", held=False)
        finding = Finding.objects.create(
            evaluation=evaluation, focus_area=area, kind="strength", text="Gode nettsider"
        )
        evidence = Evidence(evaluation=evaluation, title="Plan", content_type="application/pdf")
        evidence.file.save("plan.pdf", ContentFile(b"%PDF-1.4 secret"), save=True)
        made[name] = {"interview": interview, "finding": finding, "evidence": evidence}
    return made


def urls(world, material, name):
    evaluation = getattr(world, name)
    pk = evaluation.pk
    m = material[name]
    return {
        "detail": reverse("evaluations:detail", args=[pk]),
        "area": reverse("evaluations:area", args=[pk, "1"]),
        "findings": reverse("evaluations:findings", args=[pk, "1"]),
        "finding_edit": reverse("evaluations:finding_edit", args=[pk, m["finding"].pk]),
        "interviews": reverse("evaluations:interviews", args=[pk]),
        "interview": reverse("evaluations:interview_edit", args=[pk, m["interview"].pk]),
        "evidence": reverse("evaluations:evidence", args=[pk]),
        "download": reverse("evaluations:evidence_download", args=[pk, m["evidence"].pk]),
        "history": reverse("evaluations:history", args=[pk]),
        "report": reverse("reports:report", args=[pk]),
        "report_pdf": reverse("reports:pdf", args=[pk]),
        "report_xlsx": reverse("reports:xlsx", args=[pk]),
    }


# page: expected status for each role, in the order of ROLES
DRAFT_EXPECTED = {
    "detail": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "area": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "findings": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "finding_edit": [LOGIN, 200, 200, 404, 403, 404, 404, 404],
    "interviews": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "interview": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "evidence": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "download": [LOGIN, 200, 200, 404, 200, 404, 404, 404],
    "history": [LOGIN, 200, 200, 404, 403, 404, 404, 404],
    "report": [404, 200, 200, 404, 200, 404, 404, 404],
    "report_pdf": [404, 200, 200, 404, 200, 404, 404, 404],
    "report_xlsx": [404, 200, 200, 404, 200, 404, 404, 404],
}
PUBLISHED_EXPECTED = {
    "detail": [LOGIN, 200, 200, 404, 200, 200, 404, 404],
    "area": [LOGIN, 200, 200, 404, 200, 200, 404, 404],
    "findings": [LOGIN, 200, 200, 404, 200, 200, 404, 404],
    "finding_edit": [LOGIN, 403, 403, 404, 403, 403, 404, 404],
    "interviews": [LOGIN, 200, 200, 404, 200, 403, 404, 404],
    "interview": [LOGIN, 200, 200, 404, 200, 403, 404, 404],
    "evidence": [LOGIN, 200, 200, 404, 200, 403, 404, 404],
    "download": [LOGIN, 200, 200, 404, 200, 403, 404, 404],
    "history": [LOGIN, 200, 200, 404, 403, 403, 404, 404],
    "report": [200, 200, 200, 200, 200, 200, 200, 200],
    "report_pdf": [200, 200, 200, 200, 200, 200, 200, 200],
    "report_xlsx": [200, 200, 200, 200, 200, 200, 200, 200],
}

CASES = [
    (name, page, role, expected[ROLES.index(role)])
    for name, table in (("draft", DRAFT_EXPECTED), ("published", PUBLISHED_EXPECTED))
    for page, row in table.items()
    for role in ROLES
    for expected in [row]
]


@pytest.mark.parametrize(("evaluation", "page", "role", "expected"), CASES)
def test_it_gives_each_role_exactly_its_access(
    client, world, material, evaluation, page, role, expected
):
    url = urls(world, material, evaluation)[page]
    if evaluation == "published" and page in ("report_pdf", "report_xlsx"):
        # Its files stored, as publishing through the workflow (or render-published) does:
        # an anonymous request never renders them (tests/test_report_rendering_limits.py).
        from kommunekompass.reports.published import store_missing

        store_missing(world.published.versions.get(number=1))
    response = client_for(client, world, role).get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        return
    assert response.status_code == expected
    # Files (evidence downloads, a published version's PDF and workbook) are streamed.
    body = b"".join(response) if response.streaming else response.content
    if page in ("report_pdf", "report_xlsx") and expected == 200:
        return  # compressed files: their content is checked in test_reports
    if expected != 200:
        # Never the data: not the finding's text, not the document.
        assert b"Gode nettsider" not in body
        assert b"secret" not in body


POSTS = {
    "save": lambda w, pk: (
        reverse("evaluations:save_question", args=[pk, "1.1.1"]),
        {
            "level_system": "1",
            "level_scope": "1",
            "level_result": "1",
            "reason": "Forged",
            "version": "0",
        },
    ),
    "add_finding": lambda w, pk: (
        reverse("evaluations:findings", args=[pk, "1"]),
        {
            "kind": "weakness",
            "text": "Forged",
        },
    ),
    "add_interview": lambda w, pk: (
        reverse("evaluations:interviews", args=[pk]),
        {
            "role": "mayor",
            "participants": "Forged",
        },
    ),
    "add_evidence": lambda w, pk: (
        reverse("evaluations:evidence", args=[pk]),
        {
            "title": "Forged",
            "url": "https://example.no/forged",
        },
    ),
    "status": lambda w, pk: (reverse("evaluations:status", args=[pk]), {"action": "submit"}),
}


@pytest.mark.parametrize("action", sorted(POSTS))
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("otto", 404),  # an evaluator of another municipality: a forged post
        ("coordinator", 403),  # sees drafts, cannot change them
        ("reader", 404),
        ("outsider", 404),
    ],
)
def test_it_refuses_changes_from_anyone_but_the_team(client, world, action, role, expected):
    from kommunekompass.evaluations.models import AuditEntry, Evaluation

    url, data = POSTS[action](world, world.draft.pk)
    before = AuditEntry.objects.count()
    response = client_for(client, world, role).post(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected
    world.draft.refresh_from_db()
    assert world.draft.status == Evaluation.Status.DRAFT
    assert not world.draft.scores.exists()
    assert not world.draft.findings.exists()
    assert not world.draft.interviews.exists()
    assert not world.draft.evidence.exists()
    assert AuditEntry.objects.count() == before


def test_the_evaluation_list_shows_only_what_each_person_may_see(client, world):
    def listed(role):
        page = client_for(client, world, role).get(reverse("evaluations:list")).content.decode()
        client.logout()
        return {
            name
            for name in ("draft", "published", "nordhei_draft")
            if reverse("evaluations:detail", args=[getattr(world, name).pk]) in page
        }

    assert listed("admin") == {"draft", "published", "nordhei_draft"}
    assert listed("eva") == {"draft", "published"}
    assert listed("otto") == {"nordhei_draft"}
    assert listed("coordinator") == {"draft", "published"}
    assert listed("reader") == {"published"}
    assert listed("nordhei_reader") == set()
    assert listed("outsider") == set()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", LOGIN), ("eva", 200), ("admin", 200), ("coordinator", 403), ("outsider", 403)],
)
def test_only_evaluators_may_create_evaluations_and_municipalities(client, world, role, expected):
    for name in ("evaluations:create", "evaluations:municipalities"):
        response = client_for(client, world, role).get(reverse(name))
        if expected == LOGIN:
            assert response.status_code == 302
        else:
            assert response.status_code == expected


def test_result_visible_evaluations_are_the_working_ones_and_the_public_ones(world):
    from django.contrib.auth.models import AnonymousUser

    from kommunekompass.evaluations.access import result_visible_evaluations

    def visible(user):
        return {
            name
            for name in ("draft", "published", "nordhei_draft")
            if result_visible_evaluations(user).filter(pk=getattr(world, name).pk).exists()
        }

    assert visible(AnonymousUser()) == {"published"}
    assert visible(world.admin) == {"draft", "published", "nordhei_draft"}
    assert visible(world.eva) == {"draft", "published"}
    assert visible(world.otto) == {"nordhei_draft", "published"}
    assert visible(world.coordinator) == {"draft", "published"}
    assert visible(world.reader) == {"published"}
    assert visible(world.nordhei_reader) == {"published"}
    assert visible(world.outsider) == {"published"}
    # every evaluation once, however many roles lead to it
    world.draft.reviewers.add(world.eva)
    assert result_visible_evaluations(world.eva).count() == 2
