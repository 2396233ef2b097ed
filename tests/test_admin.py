"""The admin: evaluation rows read-only; roles in a municipality through the services, so they
are in the municipality's history; frameworks read-only."""

import pytest
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Evaluation, Membership


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


READ_ONLY = [
    "evaluation",
    "score",
    "finding",
    "interview",
    "evidence",
    "priority",
    "reviewcomment",
    "auditentry",
    "publishedversion",
]


@pytest.mark.parametrize("model", READ_ONLY)
def test_evaluation_rows_are_read_only_in_the_admin(admin_client, world, model):
    assert admin_client.get(reverse(f"admin:evaluations_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:evaluations_{model}_add")).status_code == 403


def test_an_evaluation_cannot_be_changed_or_deleted_in_the_admin(admin_client, world):
    pk = world.draft.pk
    page = admin_client.get(reverse("admin:evaluations_evaluation_change", args=[pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = admin_client.post(
        reverse("admin:evaluations_evaluation_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Evaluation.objects.filter(pk=pk).exists()
    response = admin_client.post(
        reverse("admin:evaluations_evaluation_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )
    assert Evaluation.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("model", ["framework", "focusarea", "subarea", "question"])
def test_frameworks_are_read_only_in_the_admin(admin_client, world, model):
    assert admin_client.get(reverse(f"admin:frameworks_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:frameworks_{model}_add")).status_code == 403


def test_a_role_granted_changed_and_revoked_in_the_admin_is_in_the_history(admin_client, world):
    response = admin_client.post(
        reverse("admin:evaluations_membership_add"),
        {"user": world.outsider.pk, "municipality": world.fjordvik.pk, "role": "reader"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.outsider)
    assert membership.role == "reader"
    response = admin_client.post(
        reverse("admin:evaluations_membership_change", args=[membership.pk]),
        {"user": world.outsider.pk, "municipality": world.fjordvik.pk, "role": "coordinator"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "coordinator"
    response = admin_client.post(
        reverse("admin:evaluations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.outsider).exists()
    entries = AuditEntry.objects.filter(municipality=world.fjordvik, evaluation=None)
    assert list(entries.order_by("id").values_list("action", "user", "subject")) == [
        ("membership_granted", world.admin.pk, "Outsider"),
        ("membership_changed", world.admin.pk, "Outsider"),
        ("membership_revoked", world.admin.pk, "Outsider"),
    ]


def test_roles_edited_inline_on_the_municipality_go_through_the_services(admin_client, world):
    reader = Membership.objects.get(user=world.reader)
    coordinator = Membership.objects.get(user=world.coordinator)
    data = {
        "name": "Fjordvik kommune",
        "number": "9901",
        "county": "",
        "country": "NO",
        "population": "",
        "memberships-TOTAL_FORMS": "3",
        "memberships-INITIAL_FORMS": "2",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": coordinator.pk,
        "memberships-0-municipality": world.fjordvik.pk,
        "memberships-0-user": world.coordinator.pk,
        "memberships-0-role": "coordinator",
        "memberships-1-id": reader.pk,
        "memberships-1-municipality": world.fjordvik.pk,
        "memberships-1-user": world.reader.pk,
        "memberships-1-role": "coordinator",
        "memberships-1-DELETE": "",
        "memberships-2-municipality": world.fjordvik.pk,
        "memberships-2-user": world.outsider.pk,
        "memberships-2-role": "reader",
    }
    url = reverse("admin:evaluations_municipality_change", args=[world.fjordvik.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=world.reader).role == "coordinator"
    assert Membership.objects.get(user=world.outsider).role == "reader"
    data["memberships-1-DELETE"] = "on"
    data["memberships-TOTAL_FORMS"] = "2"
    del data["memberships-2-municipality"], data["memberships-2-user"], data["memberships-2-role"]
    assert admin_client.post(url, data).status_code == 302
    assert not Membership.objects.filter(user=world.reader).exists()
    actions = list(
        AuditEntry.objects.filter(municipality=world.fjordvik, evaluation=None)
        .order_by("id")
        .values_list("action", "subject")
    )
    assert actions == [
        ("membership_granted", "Outsider"),
        ("membership_changed", "Reader"),
        ("membership_revoked", "Reader"),
    ]


def test_the_admin_is_for_site_administrators_only(client, world):
    client.force_login(world.eva)
    response = client.get(reverse("admin:evaluations_membership_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
