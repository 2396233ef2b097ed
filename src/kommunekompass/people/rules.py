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

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

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


def working_elsewhere(municipality, user_ids) -> set[int]:
    """Those of `user_ids` who have a role outside `municipality` or work as evaluators
    (three queries, however many people)."""
    User = get_user_model()
    evaluators = User.objects.filter(pk__in=user_ids).filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="add_evaluation")
        | Q(user_permissions__codename="add_evaluation")
    )
    found = set(evaluators.values_list("pk", flat=True))
    found |= set(
        Membership.objects.filter(user_id__in=user_ids)
        .exclude(municipality=municipality)
        .values_list("user_id", flat=True)
    )
    found |= set(
        GroupMember.objects.filter(user_id__in=user_ids)
        .exclude(programme__municipality=municipality)
        .values_list("user_id", flat=True)
    )
    return found


def decisions(user, municipality, people) -> dict[int, tuple[bool, bool]]:
    """For each of `people` (users): (may change their roles, may deactivate them), in a few
    queries for the whole page. The same rules as may_change_person and may_deactivate."""
    manages = may_manage_people(user, municipality)
    elsewhere = working_elsewhere(municipality, [p.pk for p in people]) if manages else set()
    result = {}
    for person in people:
        change = manages and person.pk != user.pk
        if not user.is_superuser:
            change = change and not (person.is_superuser or person.is_staff)
        deactivate = change and (user.is_superuser or person.pk not in elsewhere)
        result[person.pk] = (change, deactivate)
    return result


def may_deactivate(user, person, municipality) -> bool:
    """May deactivate (or reactivate) `person`'s account from `municipality`'s people page."""
    return decisions(user, municipality, [person])[person.pk][1]
