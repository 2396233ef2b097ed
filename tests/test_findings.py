import pytest
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Finding


@pytest.fixture
def eva(client, world):
    client.force_login(world.eva)
    return client


def findings_url(world, area="6"):
    return reverse("evaluations:findings", args=[world.draft.pk, area])


def add(client, world, kind, text, questions=(), area="6"):
    ids = [world.framework.questions.get(code=c).pk for c in questions]
    return client.post(findings_url(world, area), {"kind": kind, "text": text, "questions": ids})


def texts(world, kind):
    return list(
        Finding.objects.filter(evaluation=world.draft, kind=kind)
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_it_adds_findings_of_three_kinds_linked_to_questions(eva, world):
    assert add(eva, world, "strength", "Godt avvikssystem", ["6.3.1"]).status_code == 302
    add(eva, world, "challenge", "Lite brukermedvirkning", ["6.3.3"])
    add(eva, world, "weakness", "Ingen innovasjonsstrategi", ["6.3.2", "6.1.1"])
    page = eva.get(findings_url(world)).content.decode()
    assert "Styrker" in page and "Utfordringer" in page and "Svakheter" in page
    assert "Godt avvikssystem" in page and "Ingen innovasjonsstrategi" in page
    weakness = Finding.objects.get(kind="weakness")
    assert sorted(q.code for q in weakness.questions.all()) == ["6.1.1", "6.3.2"]
    entry = AuditEntry.objects.get(action="finding_added", new__text="Godt avvikssystem")
    assert entry.new["questions"] == ["6.3.1"] and entry.user == world.eva


def test_it_refuses_a_question_of_another_area_and_an_empty_text(eva, world):
    response = add(eva, world, "strength", "Feil område", ["1.1.1"])
    assert response.status_code == 422
    assert not Finding.objects.exists()
    response = add(eva, world, "strength", "   ")
    assert response.status_code == 422
    assert not Finding.objects.exists()


def test_it_refuses_an_unknown_kind(eva, world):
    assert add(eva, world, "opportunity", "Tekst").status_code == 422
    assert not Finding.objects.exists()


def test_findings_are_ordered_by_hand(eva, world):
    for text in ("A", "B", "C"):
        add(eva, world, "strength", text)
    c = Finding.objects.get(text="C")
    move = reverse("evaluations:finding_move", args=[world.draft.pk, c.pk])
    eva.post(move, {"direction": "up"})
    assert texts(world, "strength") == ["A", "C", "B"]
    eva.post(move, {"direction": "up"})
    eva.post(move, {"direction": "up"})  # already first: nothing happens
    assert texts(world, "strength") == ["C", "A", "B"]
    eva.post(
        reverse("evaluations:finding_move", args=[world.draft.pk, c.pk]), {"direction": "down"}
    )
    assert texts(world, "strength") == ["A", "C", "B"]
    assert AuditEntry.objects.filter(action="finding_moved").count() == 3


def test_it_edits_a_finding_with_a_version_check(eva, world):
    add(eva, world, "challenge", "Første tekst")
    finding = Finding.objects.get()
    url = reverse("evaluations:finding_edit", args=[world.draft.pk, finding.pk])
    ok = eva.post(url, {"kind": "weakness", "text": "Ny tekst", "version": 1})
    assert ok.status_code == 302
    finding.refresh_from_db()
    assert (finding.kind, finding.text, finding.version) == ("weakness", "Ny tekst", 2)
    stale = eva.post(url, {"kind": "challenge", "text": "Utdatert", "version": 1})
    assert stale.status_code == 409
    assert "noen andre endret" in stale.content.decode()
    assert "Utdatert" in stale.content.decode()  # the lost text is shown to the user
    finding.refresh_from_db()
    assert finding.text == "Ny tekst"
    change = AuditEntry.objects.get(action="finding_changed")
    assert change.old["text"] == "Første tekst" and change.new["text"] == "Ny tekst"


def test_it_deletes_a_finding_and_keeps_it_in_the_history(eva, world):
    add(eva, world, "weakness", "Skal bort")
    finding = Finding.objects.get()
    eva.post(reverse("evaluations:finding_delete", args=[world.draft.pk, finding.pk]))
    assert not Finding.objects.exists()
    entry = AuditEntry.objects.get(action="finding_deleted")
    assert entry.old["text"] == "Skal bort" and entry.new is None


def test_a_finding_of_another_evaluation_is_404(eva, world):
    area = world.framework.areas.get(code="1")
    other = Finding.objects.create(
        evaluation=world.nordhei_draft, focus_area=area, kind="strength", text="Nordhei"
    )
    url = reverse("evaluations:finding_edit", args=[world.draft.pk, other.pk])
    assert eva.get(url).status_code == 404
    assert eva.post(url, {"kind": "weakness", "text": "x", "version": 1}).status_code == 404
    other.refresh_from_db()
    assert other.text == "Nordhei"
