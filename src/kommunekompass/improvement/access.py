"""Who may see and change a municipality's improvement programme. Denied by default.

- site administrator (superuser): everything, in every municipality;
- municipal coordinator (Membership): edits the programme, its groups, projects and indicators;
- project leader (a group member with the function "project leader", linked to the user's
  account): edits projects, plans, milestones, indicators and measurements;
- reader (Membership) and any other linked group member (steering group members): read;
- everyone else, evaluators included: 404, so not even the programme's existence shows.

Only administrators and coordinators manage the groups, because linking a member to an account
grants access.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Membership, Municipality
from kommunekompass.improvement.models import GroupMember, Project


@dataclass(frozen=True)
class ProgrammeAccess:
    read: bool = False
    edit: bool = False  # projects, plans, milestones, indicators, measurements
    manage: bool = False  # also the groups and who is linked to them


NO_ACCESS = ProgrammeAccess()


def access_for(user, municipality_id: int) -> ProgrammeAccess:
    if not user.is_authenticated:
        return NO_ACCESS
    if user.is_superuser:
        return ProgrammeAccess(read=True, edit=True, manage=True)
    role = (
        Membership.objects.filter(user=user, municipality_id=municipality_id)
        .values_list("role", flat=True)
        .first()
    )
    functions = set(
        GroupMember.objects.filter(
            user=user, programme__municipality_id=municipality_id
        ).values_list("function", flat=True)
    )
    coordinator = role == Membership.Role.COORDINATOR
    leader = GroupMember.Function.PROJECT_LEADER in functions
    return ProgrammeAccess(
        read=coordinator or leader or role is not None or bool(functions),
        edit=coordinator or leader,
        manage=coordinator,
    )


def _check(access: ProgrammeAccess, need: str) -> None:
    if not access.read:
        raise Http404(_("No such programme."))
    if need == "edit" and not access.edit:
        raise PermissionDenied(_("Only the coordinators and project leaders change the programme."))
    if need == "manage" and not access.manage:
        raise PermissionDenied(_("Only the municipality's coordinators may do this."))


def get_municipality(user, municipality_id, need: str = "read"):
    """The municipality and the user's access to its programme, if they may `need` it:
    "read", "edit" or "manage". 404 when they may not see it at all, 403 when only reading."""
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    access = access_for(user, municipality.pk)
    _check(access, need)
    return municipality, access


def get_project(user, project_id, need: str = "read"):
    project = (
        Project.objects.select_related("programme__municipality", "evaluation__municipality")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404(_("No such project."))
    access = access_for(user, project.programme.municipality_id)
    _check(access, need)
    return project, access


def visible_municipalities(user):
    """The municipalities whose programme the user may read."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(memberships__user=user) | Q(programme__members__user=user)
    ).distinct()
