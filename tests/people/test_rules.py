"""Who may grant what: the rules of people.rules as a matrix, and the services refusing what
the rules refuse (the database unchanged)."""

import pytest
from django.core.exceptions import PermissionDenied

from kommunekompass.evaluations.models import Membership
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.people import rules, services
from tests.factories import make_user


@pytest.fixture
def people(world):
    world.nordhei_coordinator = make_user("nordheicoord", coordinator_of=world.nordhei)
    world.staff = make_user("staff")
    world.staff.is_staff = True
    world.staff.save()
    Membership.objects.create(user=world.staff, municipality=world.fjordvik, role="reader")
    world.both = make_user("both", reader_of=world.fjordvik)
    Membership.objects.create(user=world.both, municipality=world.nordhei, role="reader")
    return world


@pytest.mark.parametrize(
    "actor, fjordvik, nordhei",
    [
        ("admin", True, True),
        ("coordinator", True, False),
        ("nordhei_coordinator", False, True),
        ("reader", False, False),
        ("eva", False, False),
        ("outsider", False, False),
    ],
)
def test_who_manages_the_people_of_which_municipality(people, actor, fjordvik, nordhei):
    user = getattr(people, actor)
    assert rules.may_manage_people(user, people.fjordvik) is fjordvik
    assert rules.may_manage_people(user, people.nordhei) is nordhei
    expected = {"coordinator", "reader"} if fjordvik else set()
    assert set(rules.grantable_roles(user, people.fjordvik)) == expected


def test_nobody_grants_site_administrator_or_evaluator_here(people):
    for actor in (people.admin, people.coordinator):
        assert not rules.may_grant(actor, people.fjordvik, "admin")
        assert not rules.may_grant(actor, people.fjordvik, "evaluator")
        with pytest.raises(ServiceError):
            services.invite(
                user=actor,
                municipality=people.fjordvik,
                email="new@example.org",
                role="superuser",
                language="nb",
            )
    assert not Membership.objects.filter(user__email="new@example.org").exists()


@pytest.mark.parametrize(
    "actor, person, change, deactivate",
    [
        ("admin", "reader", True, True),
        ("admin", "both", True, True),
        ("admin", "staff", True, True),
        ("admin", "admin", False, False),  # nobody changes themselves
        ("coordinator", "reader", True, True),
        ("coordinator", "both", True, False),  # works in Nordhei too
        ("coordinator", "staff", False, False),
        ("coordinator", "admin", False, False),
        ("coordinator", "coordinator", False, False),
        ("coordinator", "eva", True, False),  # an evaluator works elsewhere
        ("nordhei_coordinator", "reader", False, False),  # another municipality
        ("reader", "both", False, False),
    ],
)
def test_who_may_change_and_deactivate_whom_in_fjordvik(people, actor, person, change, deactivate):
    actor, person = getattr(people, actor), getattr(people, person)
    assert rules.may_change_person(actor, person, people.fjordvik) is change
    assert rules.may_deactivate(actor, person, people.fjordvik) is deactivate


def test_a_coordinator_cannot_change_people_of_another_municipality(people):
    membership = Membership.objects.get(user=people.nordhei_reader)
    with pytest.raises(PermissionDenied):
        services.change_role(user=people.coordinator, membership=membership, role="coordinator")
    with pytest.raises(PermissionDenied):
        services.remove_role(user=people.coordinator, membership=membership)
    with pytest.raises(PermissionDenied):
        services.invite(
            user=people.coordinator,
            municipality=people.nordhei,
            email="x@example.org",
            role="reader",
            language="nb",
        )
    membership.refresh_from_db()
    assert membership.role == "reader"
    assert not Membership.objects.filter(user__email="x@example.org").exists()


def test_a_coordinator_cannot_touch_a_staff_account(people):
    membership = Membership.objects.get(user=people.staff)
    with pytest.raises(PermissionDenied):
        services.change_role(user=people.coordinator, membership=membership, role="coordinator")
    with pytest.raises(PermissionDenied):
        services.set_active(
            user=people.coordinator,
            person_user=people.staff,
            municipality=people.fjordvik,
            active=False,
        )
    people.staff.refresh_from_db()
    assert people.staff.is_active
    assert Membership.objects.get(user=people.staff).role == "reader"
