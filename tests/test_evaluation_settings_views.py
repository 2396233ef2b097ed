"""The views added for the one write path: team and reviewers, details, way forward, deleting
interviews and evidence, changing evidence, withdrawing. Each for who may and who may not."""

import pytest
from django.urls import reverse

from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Interview,
    Priority,
)

ROLES = ["anonymous", "eva", "otto", "coordinator", "reader", "outsider"]
# Refused: anonymous to the login page; Otto (an evaluator not on the team), the reader (a
# draft) and the outsider do not see the draft at all; the coordinator sees but changes nothing
# except the way forward, which coordinators enter with the team.
REFUSED = {"anonymous": "login", "otto": 404, "coordinator": 403, "reader": 404, "outsider": 404}
WAY_FORWARD = {"way_forward", "priority_edit", "priority_move", "priority_delete"}


@pytest.fixture
def rows(world):
    draft = world.draft
    return {
        "interview": Interview.objects.create(evaluation=draft, role="mayor"),
        "evidence": Evidence.objects.create(
            evaluation=draft, title="Nettside", url="https://example.no"
        ),
        "priority": Priority.objects.create(evaluation=draft, text="HMS", position=1),
        "second": Priority.objects.create(evaluation=draft, text="Ledelse", position=2),
    }


def requests(world, rows):
    pk = world.draft.pk
    return {
        "team": (
            reverse("evaluations:team", args=[pk]),
            {"evaluators": [world.eva.pk], "reviewers": [world.otto.pk]},
            lambda: list(Evaluation.objects.get(pk=pk).reviewers.all()) == [world.otto],
        ),
        "details": (
            reverse("evaluations:details", args=[pk]),
            {"year": 2026, "date": "2026-11-22", "framework": world.framework.pk},
            lambda: str(Evaluation.objects.get(pk=pk).date) == "2026-11-22",
        ),
        "way_forward": (
            reverse("evaluations:way_forward", args=[pk]),
            {"text": "Ny prioritet"},
            lambda: Priority.objects.filter(text="Ny prioritet").exists(),
        ),
        "priority_edit": (
            reverse("evaluations:priority_edit", args=[pk, rows["priority"].pk]),
            {"text": "HMS og arbeidsmiljø"},
            lambda: Priority.objects.get(pk=rows["priority"].pk).text == "HMS og arbeidsmiljø",
        ),
        "priority_move": (
            reverse("evaluations:priority_move", args=[pk, rows["second"].pk]),
            {"direction": "up"},
            lambda: list(Priority.objects.values_list("text", flat=True)) == ["Ledelse", "HMS"],
        ),
        "priority_delete": (
            reverse("evaluations:priority_delete", args=[pk, rows["priority"].pk]),
            {},
            lambda: not Priority.objects.filter(pk=rows["priority"].pk).exists(),
        ),
        "interview_delete": (
            reverse("evaluations:interview_delete", args=[pk, rows["interview"].pk]),
            {},
            lambda: not Interview.objects.exists(),
        ),
        "evidence_edit": (
            reverse("evaluations:evidence_edit", args=[pk, rows["evidence"].pk]),
            {"title": "Kommunens nettside", "url": "https://example.no/om", "version": 1},
            lambda: Evidence.objects.get().title == "Kommunens nettside",
        ),
        "evidence_delete": (
            reverse("evaluations:evidence_delete", args=[pk, rows["evidence"].pk]),
            {},
            lambda: not Evidence.objects.exists(),
        ),
        "withdraw": (
            reverse("evaluations:status", args=[pk]),
            {"action": "withdraw", "note": "Feil kommune"},
            lambda: Evaluation.objects.get(pk=pk).status == "withdrawn",
        ),
    }


NAMES = [
    "team",
    "details",
    "way_forward",
    "priority_edit",
    "priority_move",
    "priority_delete",
    "interview_delete",
    "evidence_edit",
    "evidence_delete",
    "withdraw",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_it(client, world, rows, name, role):
    url, data, changed = requests(world, rows)[name]
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = AuditEntry.objects.count()
    response = client.post(url, data)
    if role == "eva" or (role == "coordinator" and name in WAY_FORWARD):
        assert response.status_code == 302
        assert changed()
        assert AuditEntry.objects.count() == before + 1
        assert AuditEntry.objects.order_by("-id").first().user == getattr(world, role)
        return
    expected = REFUSED[role]
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    assert not changed()
    assert AuditEntry.objects.count() == before


def test_the_way_forward_page_is_read_by_coordinators_and_readers_of_published(client, world):
    Priority.objects.create(evaluation=world.published, text="Styrke HMS", position=1)
    url = reverse("evaluations:way_forward", args=[world.published.pk])
    client.force_login(world.reader)
    page = client.get(url)
    assert page.status_code == 200 and "Styrke HMS" in page.content.decode()
    assert 'id="priority-form"' not in page.content.decode()
    client.force_login(world.nordhei_reader)
    assert client.get(url).status_code == 404


def test_changes_to_a_published_evaluation_are_refused_with_403(client, world):
    client.force_login(world.eva)
    priority = Priority.objects.create(evaluation=world.published, text="HMS", position=1)
    pk = world.published.pk
    assert (
        client.post(reverse("evaluations:way_forward", args=[pk]), {"text": "x"}).status_code == 403
    )
    assert (
        client.post(reverse("evaluations:priority_delete", args=[pk, priority.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("evaluations:team", args=[pk]), {"evaluators": [world.otto.pk]}
        ).status_code
        == 403
    )
    assert Priority.objects.filter(evaluation=world.published).count() == 1
    assert list(Evaluation.objects.get(pk=pk).evaluators.all()) == [world.eva]


def test_withdrawing_needs_a_reason(client, world):
    client.force_login(world.eva)
    client.post(reverse("evaluations:status", args=[world.draft.pk]), {"action": "withdraw"})
    assert Evaluation.objects.get(pk=world.draft.pk).status == "draft"
