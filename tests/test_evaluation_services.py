"""The evaluation aggregate's services: each takes the user, writes in one transaction, records
the history entry, moves the revision on and refuses a published or withdrawn evaluation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError

from kommunekompass.comparisons.services import set_report_group
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Membership,
    Priority,
    Score,
)
from kommunekompass.evaluations.services import evidence as evidence_service
from kommunekompass.evaluations.services import findings as finding_service
from kommunekompass.evaluations.services import interviews as interview_service
from kommunekompass.evaluations.services import memberships as membership_service
from kommunekompass.evaluations.services import settings as settings_service
from kommunekompass.evaluations.services import way_forward as way_forward_service
from kommunekompass.evaluations.services.base import EvaluationReadOnly, ServiceError
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.evaluations.services.workflow import TransitionError, change_status
from kommunekompass.frameworks.models import FocusArea

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def revision(evaluation) -> int:
    return Evaluation.objects.get(pk=evaluation.pk).revision


def last_entry(evaluation=None, **filters) -> AuditEntry:
    entries = AuditEntry.objects.filter(**filters)
    if evaluation is not None:
        entries = entries.filter(evaluation=evaluation)
    return entries.order_by("-id").first()


def questions(world, *codes):
    return list(world.framework.questions.filter(code__in=codes))


def test_it_creates_an_evaluation_with_the_creator_on_the_team(world):
    evaluation = settings_service.create_evaluation(
        user=world.eva,
        municipality=world.nordhei,
        framework=world.framework,
        year=2027,
        evaluators=[world.otto],
    )
    assert set(evaluation.evaluators.all()) == {world.eva, world.otto}
    entry = last_entry(evaluation, action="created")
    assert entry.user == world.eva and entry.municipality == world.nordhei
    assert entry.new == {"team": ["Eva", "Otto"]}


def test_it_refuses_a_second_evaluation_with_the_same_identity(world):
    with pytest.raises(ServiceError) as refused:
        settings_service.create_evaluation(
            user=world.eva, municipality=world.fjordvik, framework=world.framework, year=2026
        )
    assert "Fjordvik kommune 2026" in str(refused.value)
    assert Evaluation.objects.filter(municipality=world.fjordvik, year=2026).count() == 1


def test_the_new_evaluation_form_names_the_existing_one(client, world):
    client.force_login(world.eva)
    response = client.post(
        "/evaluations/new/",
        {"municipality": world.fjordvik.pk, "framework": world.framework.pk, "year": 2026},
    )
    assert response.status_code == 200
    assert "Fjordvik kommune 2026" in response.content.decode()
    assert Evaluation.objects.filter(municipality=world.fjordvik, year=2026).count() == 1


def test_interviews_are_added_changed_and_deleted_with_history(world):
    before = revision(world.draft)
    interview = interview_service.add_interview(
        evaluation=world.draft,
        user=world.eva,
        role="mayor",
        date=datetime.date(2026, 3, 2),
        held=True,
        notes="Notat",
        questions=questions(world, "1.1.1"),
    )
    assert revision(world.draft) == before + 1
    added = last_entry(world.draft, action="interview_added")
    assert added.new["role"] == "mayor" and added.new["questions"] == ["1.1.1"]

    assert interview_service.change_interview(
        interview=interview, user=world.eva, expected_version=1, role="mayor", notes="Nytt"
    )
    interview.refresh_from_db()
    assert interview.notes == "Nytt" and interview.version == 2 and not interview.held
    changed = last_entry(world.draft, action="interview_changed")
    assert changed.old["notes"] == "Notat" and changed.new["notes"] == "Nytt"

    # A stale version changes nothing.
    assert not interview_service.change_interview(
        interview=interview, user=world.eva, expected_version=1, role="mayor", notes="Gammelt"
    )
    assert Interview.objects.get(pk=interview.pk).notes == "Nytt"

    with pytest.raises(ServiceError) as refused:
        interview_service.add_interview(
            evaluation=world.draft, user=world.eva, role="mayor", held=True
        )
    assert refused.value.field == "date"

    interview_service.delete_interview(interview=interview, user=world.eva)
    assert not Interview.objects.exists()
    assert last_entry(world.draft, action="interview_deleted").old["notes"] == "Nytt"


def test_evidence_is_added_changed_and_deleted_and_the_file_leaves_after_commit(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    item = evidence_service.add_evidence(
        evaluation=world.draft,
        user=world.eva,
        title="Plan",
        upload=upload,
        content_type="application/pdf",
        questions=questions(world, "1.1.1"),
    )
    path = tmp_path / item.file.name
    assert path.exists() and item.original_name == "plan.pdf" and item.added_by == world.eva
    assert last_entry(world.draft, action="evidence_added").new["file"] == "plan.pdf"

    evidence_service.change_evidence(evidence=item, user=world.eva, title="Planen", questions=[])
    entry = last_entry(world.draft, action="evidence_changed")
    assert entry.old["title"] == "Plan" and entry.new == {
        "title": "Planen",
        "file": "plan.pdf",
        "url": "",
        "questions": [],
    }

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_service.delete_evidence(evidence=item, user=world.eva)
    assert not Evidence.objects.exists()
    assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert last_entry(world.draft, action="evidence_deleted").old["title"] == "Planen"


def test_a_link_needs_no_file_and_not_both(world):
    with pytest.raises(ServiceError):
        evidence_service.add_evidence(evaluation=world.draft, user=world.eva, title="Ingenting")
    link = evidence_service.add_evidence(
        evaluation=world.draft, user=world.eva, title="Nettside", url="https://example.no"
    )
    evidence_service.change_evidence(
        evidence=link, user=world.eva, title="Nettside", url="https://example.no/ny"
    )
    assert Evidence.objects.get().url == "https://example.no/ny"


def test_team_details_and_way_forward_are_logged(world):
    assert settings_service.change_team(
        evaluation=world.draft, user=world.eva, evaluators=[world.eva], reviewers=[world.otto]
    )
    assert list(world.draft.reviewers.all()) == [world.otto]
    assert last_entry(world.draft, action="team").new == {
        "evaluators": ["Eva"],
        "reviewers": ["Otto"],
    }
    with pytest.raises(ServiceError):
        settings_service.change_team(
            evaluation=world.draft, user=world.eva, evaluators=[], reviewers=[]
        )

    assert settings_service.change_details(
        evaluation=world.draft, user=world.eva, date=datetime.date(2026, 11, 22)
    )
    assert last_entry(world.draft, action="details_changed").new == {"date": "2026-11-22"}

    first = way_forward_service.add_priority(evaluation=world.draft, user=world.eva, text="Ledelse")
    second = way_forward_service.add_priority(evaluation=world.draft, user=world.eva, text="HMS")
    way_forward_service.move_priority(priority=second, user=world.eva, direction="up")
    assert list(Priority.objects.values_list("text", flat=True)) == ["HMS", "Ledelse"]
    way_forward_service.change_priority(priority=first, user=world.eva, text="God ledelse")
    way_forward_service.delete_priority(priority=second, user=world.eva)
    assert list(Priority.objects.values_list("text", flat=True)) == ["God ledelse"]
    entries = AuditEntry.objects.filter(evaluation=world.draft, action="way_forward")
    assert entries.count() == 5
    assert entries.order_by("-id").first().old == {"priorities": ["HMS", "God ledelse"]}


def test_every_service_refuses_a_published_evaluation(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    published = world.published
    area = FocusArea.objects.get(framework=world.framework, code="1")
    finding = Finding.objects.create(
        evaluation=published, focus_area=area, kind="strength", text="Gode nettsider"
    )
    interview = Interview.objects.create(evaluation=published, role="mayor")
    priority = Priority.objects.create(evaluation=published, text="Ledelse", position=1)
    question = world.framework.questions.get(code="1.1.1")
    before = AuditEntry.objects.count()
    attempts = [
        lambda: save_score(
            evaluation=published,
            question=question,
            levels={"system": 1},
            reason="x",
            expected_version=0,
            user=world.eva,
        ),
        lambda: finding_service.add_finding(
            evaluation=published,
            focus_area=area,
            kind="strength",
            text="x",
            questions=[],
            user=world.eva,
        ),
        lambda: finding_service.delete_finding(finding=finding, user=world.eva),
        lambda: interview_service.add_interview(evaluation=published, user=world.eva, role="mayor"),
        lambda: interview_service.delete_interview(interview=interview, user=world.eva),
        lambda: evidence_service.add_evidence(
            evaluation=published, user=world.eva, title="x", url="https://example.no"
        ),
        lambda: settings_service.change_team(
            evaluation=published, user=world.eva, evaluators=[world.otto], reviewers=[]
        ),
        lambda: set_report_group(published, "country-NO", world.eva),
        lambda: way_forward_service.add_priority(evaluation=published, user=world.eva, text="x"),
        lambda: way_forward_service.delete_priority(priority=priority, user=world.eva),
        lambda: settings_service.change_details(evaluation=published, user=world.eva, date=None),
    ]
    for attempt in attempts:
        with pytest.raises(EvaluationReadOnly) as refused:
            attempt()
        assert "publisert" in str(refused.value)
    assert AuditEntry.objects.count() == before
    assert not Score.objects.filter(evaluation=published).exists()
    assert Finding.objects.filter(evaluation=published).count() == 1
    assert Interview.objects.filter(evaluation=published).count() == 1
    assert Priority.objects.filter(evaluation=published).count() == 1


def test_withdrawing_needs_a_reason_and_is_logged_and_an_evaluation_is_never_deleted(world):
    question = world.framework.questions.get(code="1.1.1")
    save_score(
        evaluation=world.draft,
        question=question,
        levels={"system": 1},
        reason="x",
        expected_version=0,
        user=world.eva,
    )
    with pytest.raises(ProtectedError):
        Evaluation.objects.get(pk=world.draft.pk).delete()
    with pytest.raises(TransitionError):
        change_status(world.draft, "withdraw", world.eva, "")
    change_status(world.draft, "withdraw", world.eva, "Feil kommune")
    world.draft.refresh_from_db()
    assert world.draft.status == "withdrawn"
    entry = last_entry(world.draft, action="withdrawn")
    assert entry.note == "Feil kommune" and entry.new == {"status": "withdrawn"}
    with pytest.raises(EvaluationReadOnly) as refused:
        way_forward_service.add_priority(evaluation=world.draft, user=world.eva, text="x")
    assert "withdrawn" in str(refused.value) or "trukket tilbake" in str(refused.value)


def test_a_withdrawn_published_evaluation_is_no_longer_public(world, client):
    assert world.published in Evaluation.objects.public()
    change_status(world.published, "withdraw", world.eva, "Trukket")
    assert world.published not in Evaluation.objects.public()
    assert client.get(f"/reports/{world.published.pk}/").status_code == 404


def test_memberships_are_granted_changed_and_revoked_in_the_municipality_history(world):
    membership = membership_service.grant_membership(
        user=world.admin, person_user=world.outsider, municipality=world.fjordvik, role="reader"
    )
    with pytest.raises(ServiceError):
        membership_service.grant_membership(
            user=world.admin,
            person_user=world.outsider,
            municipality=world.fjordvik,
            role="coordinator",
        )
    assert membership_service.change_membership(
        user=world.admin, membership=membership, role="coordinator"
    )
    membership_service.revoke_membership(user=world.admin, membership=membership)
    assert not Membership.objects.filter(user=world.outsider).exists()
    entries = AuditEntry.objects.filter(municipality=world.fjordvik, evaluation__isnull=True)
    assert [(e.action, e.subject, e.old, e.new) for e in entries.order_by("id")] == [
        ("membership_granted", "Outsider", None, {"role": "reader"}),
        ("membership_changed", "Outsider", {"role": "reader"}, {"role": "coordinator"}),
        ("membership_revoked", "Outsider", {"role": "coordinator"}, None),
    ]
    assert all(e.user == world.admin for e in entries)


def test_the_database_keeps_choice_fields_to_their_choices(world):
    from django.db import IntegrityError, transaction

    for model, values in [
        (Interview, {"evaluation": world.draft, "role": "journalists"}),
        (Membership, {"user": world.outsider, "municipality": world.fjordvik, "role": "boss"}),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(municipality=world.fjordvik, action="exploded")


def test_a_permission_error_is_what_a_view_turns_into_403():
    assert issubclass(EvaluationReadOnly, PermissionDenied)
