"""The people page of a municipality: who sees it, inviting, changing and removing roles,
deactivating accounts, unlinking a programme role; the database asserted after each."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Membership
from kommunekompass.improvement.models import GroupMember, ProgrammeChange
from kommunekompass.improvement.services import add_member
from kommunekompass.people.models import AccountEvent, Invitation, Profile
from tests.factories import make_user

User = get_user_model()


def people_url(world, municipality=None):
    return reverse("people:people", args=[(municipality or world.fjordvik).pk])


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def english(client_factory):
    def make(user):
        client = client_factory(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_the_people_page_lists_every_role(world, english, django_assert_max_num_queries):
    world.draft.reviewers.add(world.otto)
    leader = make_user("leader")
    add_member(
        None,
        world.fjordvik,
        {
            "group": "project",
            "name": "Lea Leder",
            "party": "management",
            "function": "project_leader",
            "user": leader,
        },
    )
    client = english(world.coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(people_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "People of Fjordvik kommune" in page
    for name in ("Coordinator", "Reader", "Eva", "Otto", "Leader"):
        assert name in page
    assert "Nordheireader" not in page  # of another municipality
    assert "Project leader" in page and "Reviewer" in page and "Evaluator" in page


@pytest.mark.parametrize("who", ["reader", "eva", "otto", "outsider", "nordhei_reader"])
def test_others_get_not_found(world, client_factory, who):
    client = client_factory(getattr(world, who))
    assert client.get(people_url(world)).status_code == 404
    response = client.post(
        reverse("people:invite", args=[world.fjordvik.pk]),
        {"email": "a@example.org", "role": "reader", "language": "nb"},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="a@example.org").exists()


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(people_url(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("people:index")).status_code == 302


def test_the_index_leads_a_coordinator_to_their_municipality(world, client_factory):
    response = client_factory(world.coordinator).get(reverse("people:index"))
    assert response.status_code == 302 and response["Location"] == people_url(world)
    assert client_factory(world.admin).get(reverse("people:index")).status_code == 200
    assert client_factory(world.reader).get(reverse("people:index")).status_code == 404


def test_a_coordinator_invites_a_new_reader(world, english, mailoutbox, on_commit):
    client = english(world.coordinator)
    with on_commit(execute=True):
        response = client.post(
            reverse("people:invite", args=[world.fjordvik.pk]),
            {
                "email": "Kari@Example.org",
                "first_name": "Kari",
                "last_name": "Nordmann",
                "role": "reader",
                "language": "nb",
            },
        )
    assert response.status_code == 302
    account = User.objects.get(email="Kari@Example.org")
    assert account.username == "kari@example.org"
    assert not account.has_usable_password()
    assert Membership.objects.get(user=account, municipality=world.fjordvik).role == "reader"
    assert Profile.objects.get(user=account).language == "nb"
    invitation = Invitation.objects.get(user=account)
    assert invitation.invited_by == world.coordinator and invitation.accepted_at is None
    assert AuditEntry.objects.filter(
        municipality=world.fjordvik, action="membership_granted", subject="Kari Nordmann"
    ).exists()
    assert AccountEvent.objects.filter(person=account, action="invited").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["Kari@Example.org"]
    # In the language chosen for the person (bokmål), not the inviter's (English).
    assert " leser." in mail.body and 'lang="nb"' in mail.alternatives[0][0]
    assert "/people/invitation/" in mail.body
    html = mail.alternatives[0]
    assert html[1] == "text/html" and "/people/invitation/" in html[0]
    page = client.get(people_url(world)).content.decode()
    assert "Kari Nordmann" in page and "Invited" in page


def test_re_inviting_an_existing_address_adds_the_role(world, english, mailoutbox, on_commit):
    world.nordhei_reader.email = "nr@example.org"
    world.nordhei_reader.save()
    client = english(world.coordinator)
    with on_commit(execute=True):
        response = client.post(
            reverse("people:invite", args=[world.fjordvik.pk]),
            {"email": "NR@example.org", "role": "reader", "language": "en"},
        )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="nr@example.org").count() == 1
    assert Membership.objects.filter(user=world.nordhei_reader).count() == 2
    assert not Invitation.objects.exists()  # they have a password: a note, no link
    assert len(mailoutbox) == 1 and "/accounts/login/" in mailoutbox[0].body


def test_inviting_someone_who_has_a_role_already_is_refused(world, english, mailoutbox):
    world.reader.email = "reader@example.org"
    world.reader.save()
    response = english(world.coordinator).post(
        reverse("people:invite", args=[world.fjordvik.pk]),
        {"email": "reader@example.org", "role": "coordinator", "language": "en"},
    )
    assert response.status_code == 422
    assert "has a role in Fjordvik kommune already" in response.content.decode()
    assert Membership.objects.get(user=world.reader).role == "reader"
    assert not mailoutbox


def test_a_bad_invitation_names_the_field(world, english):
    response = english(world.coordinator).post(
        reverse("people:invite", args=[world.fjordvik.pk]),
        {"email": "not an address", "role": "admin", "language": "nb"},
    )
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert User.objects.count() == 7


def test_a_coordinator_changes_and_removes_a_role(world, client_factory):
    client = client_factory(world.coordinator)
    membership = Membership.objects.get(user=world.reader)
    url = reverse("people:role_change", args=[world.fjordvik.pk, membership.pk])
    assert client.post(url, {"role": "coordinator"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "coordinator"
    assert AuditEntry.objects.filter(action="membership_changed", new={"role": "coordinator"})
    url = reverse("people:role_remove", args=[world.fjordvik.pk, membership.pk])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="membership_revoked").count() == 1


def test_roles_of_another_municipality_are_not_found(world, client_factory):
    client = client_factory(world.coordinator)
    membership = Membership.objects.get(user=world.nordhei_reader)
    for url in (
        reverse("people:role_change", args=[world.fjordvik.pk, membership.pk]),
        reverse("people:role_change", args=[world.nordhei.pk, membership.pk]),
        reverse("people:role_remove", args=[world.fjordvik.pk, membership.pk]),
    ):
        assert client.post(url, {"role": "coordinator"}).status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == "reader"


def test_a_coordinator_may_not_change_themselves_or_an_administrator(world, client_factory):
    Membership.objects.create(user=world.admin, municipality=world.fjordvik, role="reader")
    client = client_factory(world.coordinator)
    for person in (world.coordinator, world.admin):
        membership = Membership.objects.get(user=person, municipality=world.fjordvik)
        url = reverse("people:role_change", args=[world.fjordvik.pk, membership.pk])
        assert client.post(url, {"role": "reader"}).status_code == 403
        url = reverse("people:role_remove", args=[world.fjordvik.pk, membership.pk])
        assert client.post(url).status_code == 403
    assert Membership.objects.get(user=world.coordinator).role == "coordinator"
    assert Membership.objects.filter(user=world.admin).exists()


def test_deactivating_and_reactivating_an_account(world, client_factory):
    client = client_factory(world.coordinator)
    url = reverse("people:account_active", args=[world.fjordvik.pk, world.reader.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    world.reader.refresh_from_db()
    assert not world.reader.is_active
    # Logged out: the deactivated person gets the public front page, not their home.
    assert not client_factory(world.reader).get(reverse("home")).wsgi_request.user.is_authenticated
    assert client.post(url, {"active": "1"}).status_code == 302
    world.reader.refresh_from_db()
    assert world.reader.is_active
    actions = list(AccountEvent.objects.values_list("action", flat=True))
    assert actions == ["reactivated", "deactivated"]


def test_deactivating_is_refused_for_people_elsewhere_and_strangers(world, client_factory):
    client = client_factory(world.coordinator)
    # An evaluator on Fjordvik's team works elsewhere too: only an administrator deactivates.
    url = reverse("people:account_active", args=[world.fjordvik.pk, world.eva.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    # Someone with no role in Fjordvik is not one of its people.
    url = reverse("people:account_active", args=[world.fjordvik.pk, world.nordhei_reader.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    assert User.objects.filter(is_active=False).count() == 0
    url = reverse("people:account_active", args=[world.fjordvik.pk, world.eva.pk])
    assert client_factory(world.admin).post(url, {"active": "0"}).status_code == 302
    world.eva.refresh_from_db()
    assert not world.eva.is_active


def test_unlinking_a_programme_role_goes_through_the_programme(world, client_factory):
    leader = make_user("leader")
    member = add_member(
        None,
        world.fjordvik,
        {
            "group": "project",
            "name": "Lea",
            "party": "management",
            "function": "project_leader",
            "user": leader,
        },
    )
    url = reverse("people:programme_role_remove", args=[world.nordhei.pk, member.pk])
    assert client_factory(world.admin).post(url).status_code == 404  # wrong municipality
    url = reverse("people:programme_role_remove", args=[world.fjordvik.pk, member.pk])
    assert client_factory(world.reader).post(url).status_code == 404
    assert client_factory(world.coordinator).post(url).status_code == 302
    member.refresh_from_db()
    assert member.user is None
    assert ProgrammeChange.objects.filter(action="member_changed", subject="Lea").exists()
    assert GroupMember.objects.filter(pk=member.pk).exists()


def test_pages_refuse_get_for_changes(world, client_factory):
    client = client_factory(world.coordinator)
    url = reverse("people:invite", args=[world.fjordvik.pk])
    assert client.get(url).status_code == 405
