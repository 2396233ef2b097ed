"""Who may export and import whole evaluations.

Export: the evaluation's team (its evaluators), the municipality's coordinators and site
administrators; 404 for everyone else (named reviewers included: a bundle holds everything,
history and all). Import: site administrators only, into any municipality; 404 for everyone
else. A bundle's checksums find damage but are no signature: a hand-made bundle could name its
importer on the team or carry published versions, so only those who may already do everything
may import one.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import access_for, with_roles
from kommunekompass.evaluations.models import Evaluation, Membership, Municipality


def may_export(user, evaluation: Evaluation) -> bool:
    """`evaluation` annotated by evaluations.access.with_roles (else one query more)."""
    if not user.is_authenticated:
        return False
    if not hasattr(evaluation, "user_is_evaluator"):
        evaluation = with_roles(Evaluation.objects.filter(pk=evaluation.pk), user).get()
    access = access_for(user, evaluation)
    return access.manage or evaluation.user_membership == Membership.Role.COORDINATOR


def get_exportable(user, pk) -> Evaluation:
    evaluation = (
        with_roles(Evaluation.objects.filter(pk=pk), user)
        .select_related("municipality", "framework")
        .defer("framework__document", "framework__source")
        .first()
    )
    if evaluation is None or not may_export(user, evaluation):
        raise Http404(_("No such evaluation."))
    return evaluation


def import_targets(user):
    """The municipalities the user may import into (none: may not import)."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.none()


def may_import(user) -> bool:
    return user.is_authenticated and user.is_superuser
