"""Who may open, present and close a council meeting: the evaluation's team, the municipality's
coordinators and site administrators. Others who may read the evaluation (readers, named
reviewers) get 403; anyone else 404. Voting needs no account (see views.vote)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.models import Membership
from kommunekompass.meetings.models import Meeting


def may_hold(evaluation, access) -> bool:
    """`evaluation` as annotated by evaluations.access.with_roles."""
    return access.manage or evaluation.user_membership == Membership.Role.COORDINATOR


def get_evaluation_to_hold(user, pk):
    evaluation, access = get_evaluation(user, pk, "scores")
    if not may_hold(evaluation, access):
        raise PermissionDenied(_("Only the evaluation's team and coordinators hold meetings."))
    return evaluation, access


def get_meeting(user, meeting_id) -> Meeting:
    if not user.is_authenticated:
        raise Http404(_("No such meeting."))
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    evaluation, _access = get_evaluation_to_hold(user, meeting.evaluation_id)
    meeting.evaluation = evaluation
    return meeting
