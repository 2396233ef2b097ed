"""Who may define, see and change comparison groups. Denied by default.

- define (create) a group: evaluators, municipal coordinators and site administrators;
- see a group and compare with it: a public group everyone, anonymous visitors included; a
  group shared with a municipality the people of that municipality (coordinators and readers)
  and its owner; a private group its owner only (ComparisonGroupQuerySet.visible_to);
- change or delete a group: its owner and site administrators;
- share a group with a municipality: one the person belongs to or evaluates (administrators:
  any).

A person who may not see a group gets 404; one who sees it but may not change it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from kommunekompass.comparisons.models import ComparisonGroup
from kommunekompass.evaluations.access import is_evaluator
from kommunekompass.evaluations.models import Membership, Municipality


def may_define_groups(user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_evaluator(user)
        or Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()
    )


def may_change(user, group: ComparisonGroup) -> bool:
    return user.is_authenticated and (user.is_superuser or group.created_by_id == user.pk)


def get_group_for(user, pk, need: str = "read") -> ComparisonGroup:
    """The group if `user` may `need` it ("read" or "change"): 404 when they may not see it,
    403 when they see it but may not change it."""
    group = ComparisonGroup.objects.visible_to(user).filter(pk=pk).first()
    if group is None:
        raise Http404(_("No such comparison group."))
    if need == "change" and not may_change(user, group):
        raise PermissionDenied(_("Only the group's owner may change or delete it."))
    return group


def shareable_municipalities(user):
    """The municipalities `user` may share a group with."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(memberships__user=user) | Q(evaluations__evaluators=user)
    ).distinct()
