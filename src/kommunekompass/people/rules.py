"""Who may manage which people, and grant what. Denied by default.

- A site administrator (superuser) manages the people of every municipality.
- A municipality's coordinators manage the people of their own municipality only: 404 for
  every other municipality, so not even its people show.
- Roles given here are the municipality's: coordinator or reader (evaluations.Membership).
  Nobody becomes a site administrator or an evaluator through these pages (the admin and
  `createsuperuser` do that), and a role is always in the municipality of the page.
- Nobody changes, removes or deactivates themselves here (no one locks themselves out).
- A coordinator never changes a site administrator or staff account; deactivates only an
  account that has no role outside their municipality and is no evaluator (a person who
  works elsewhere too is deactivated by a site administrator).
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import is_evaluator
from kommunekompass.evaluations.models import Membership, Municipality
from kommunekompass.improvement.models import GroupMember

GRANTABLE_ROLES = (Membership.Role.COORDINATOR, Membership.Role.READER)


def is_coordinator(user, municipality) -> bool:
    return Membership.objects.filter(
        user=user, municipality=municipality, role=Membership.Role.COORDINATOR
    ).exists()


def may_manage_people(user, municipality) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_coordinator(user, municipality)


def managed_municipalities(user):
    """The municipalities whose people the user manages."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.COORDINATOR
    )


def get_managed_municipality(user, municipality_id) -> Municipality:
    """The municipality if the user manages its people; 404 otherwise."""
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    if not may_manage_people(user, municipality):
        raise Http404(_("No such municipality."))
    return municipality


def grantable_roles(user, municipality) -> tuple[str, ...]:
    """The roles `user` may give in `municipality`."""
    return GRANTABLE_ROLES if may_manage_people(user, municipality) else ()


def may_grant(user, municipality, role) -> bool:
    return role in grantable_roles(user, municipality)


def may_change_person(user, person, municipality) -> bool:
    """May change or remove `person`'s roles in `municipality`."""
    if not may_manage_people(user, municipality) or person.pk == user.pk:
        return False
    if user.is_superuser:
        return True
    return not (person.is_superuser or person.is_staff)


def works_elsewhere(person, municipality) -> bool:
    """Has a role outside `municipality`, or works as an evaluator."""
    if is_evaluator(person):
        return True
    if Membership.objects.filter(user=person).exclude(municipality=municipality).exists():
        return True
    return (
        GroupMember.objects.filter(user=person)
        .filter(~Q(programme__municipality=municipality))
        .exists()
    )


def may_deactivate(user, person, municipality) -> bool:
    """May deactivate (or reactivate) `person`'s account from `municipality`'s people page."""
    if not may_change_person(user, person, municipality):
        return False
    return user.is_superuser or not works_elsewhere(person, municipality)
