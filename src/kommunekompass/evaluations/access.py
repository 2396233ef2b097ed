"""Who may see and do what with an evaluation. Denied by default.

- site administrator (superuser): everything;
- evaluator: the evaluations they are assigned to, across municipalities; members of the
  Evaluators group may also create municipalities and evaluations;
- named reviewer of an evaluation: reads everything of it, comments while it is in review,
  and may approve (publish) it or send it back to draft; changes nothing else;
- municipal coordinator: every evaluation of their municipality, drafts included, read-only
  except for the way forward, which coordinators enter with the team;
- reader (councillors, union representatives): the published evaluations of their municipality,
  read-only: overview, points and reasons per question, findings (not interview notes,
  evidence or history);
- anyone, logged in or not: the result page of a public evaluation (published at least once
  and not withdrawn; see EvaluationQuerySet.public).

A user who may not see an evaluation at all gets 404, so its existence is not revealed; one who
may see it but not do the thing asked gets 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation, Membership


def is_evaluator(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("evaluations.add_evaluation")
    )


def work_visible_evaluations(user):
    """Evaluations whose working material (scores, interviews, evidence) the user may see."""
    evaluations = Evaluation.objects.all()
    if not user.is_authenticated:
        return evaluations.none()
    if user.is_superuser:
        return evaluations
    coordinated = Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
    return evaluations.filter(
        Q(evaluators=user)
        | Q(reviewers=user)
        | Q(municipality__in=coordinated.values("municipality"))
    ).distinct()


def result_visible_evaluations(user):
    """Evaluations whose result the user may read: the working ones plus every public one."""
    public = Evaluation.objects.public()
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Evaluation.objects.all()
    # One filter of two subqueries: a union (`|`) of the public ones and the distinct working
    # ones is refused by Django ("Cannot combine a unique query with a non-unique query").
    return Evaluation.objects.filter(
        Q(pk__in=public.values("pk")) | Q(pk__in=work_visible_evaluations(user).values("pk"))
    )


@dataclass(frozen=True)
class EvaluationAccess:
    read_result: bool  # the result page
    read_scores: bool  # overview, scores with reasons, findings
    read_work: bool  # also interviews, evidence, and everything while in progress
    manage: bool  # assigned evaluator or administrator: status, history, editing
    read_only_reason: str = ""
    # On the team, a named reviewer, or administrator: comments in review, approves, sends back.
    review: bool = False
    # A coordinator of the evaluation's municipality: also enters the way forward.
    coordinator: bool = False

    @property
    def edit(self) -> bool:
        """May change scores, findings, interviews and evidence now."""
        return self.manage and not self.read_only_reason

    @property
    def edit_way_forward(self) -> bool:
        """May change the way forward now: the team and the municipality's coordinators, while
        the evaluation is a draft or in review (a published one is reopened first)."""
        return (self.manage or self.coordinator) and not self.read_only_reason


def with_roles(evaluations, user):
    """Annotate each evaluation with the user's roles in it, so access needs no more queries."""
    user_id = user.pk if user.is_authenticated else None
    return evaluations.annotate(
        user_is_evaluator=Exists(
            Evaluation.evaluators.through.objects.filter(
                evaluation_id=OuterRef("pk"), user_id=user_id
            )
        ),
        user_is_reviewer=Exists(
            Evaluation.reviewers.through.objects.filter(
                evaluation_id=OuterRef("pk"), user_id=user_id
            )
        ),
        user_membership=Subquery(
            Membership.objects.filter(
                municipality_id=OuterRef("municipality_id"), user_id=user_id
            ).values("role")[:1]
        ),
    )


def access_for(user, evaluation: Evaluation) -> EvaluationAccess:
    if not hasattr(evaluation, "user_is_evaluator"):
        evaluation = with_roles(Evaluation.objects.filter(pk=evaluation.pk), user).get()
    authenticated = user.is_authenticated
    manage = authenticated and (user.is_superuser or evaluation.user_is_evaluator)
    review = manage or (authenticated and evaluation.user_is_reviewer)
    membership = evaluation.user_membership if authenticated else None
    read_work = review or membership == Membership.Role.COORDINATOR
    reader = evaluation.is_published and membership is not None
    read_only = ""
    if evaluation.is_withdrawn:
        read_only = _("The evaluation is withdrawn and read-only.")
    elif evaluation.is_published:
        read_only = _("The evaluation is published and read-only. Reopen it to change it.")
    return EvaluationAccess(
        read_result=read_work or evaluation.is_public,
        read_scores=read_work or reader,
        read_work=read_work,
        manage=manage,
        read_only_reason=read_only,
        review=review,
        coordinator=membership == Membership.Role.COORDINATOR,
    )


def get_evaluation(user, pk, need: str) -> tuple[Evaluation, EvaluationAccess]:
    """The evaluation if `user` may `need` it: "result", "scores", "work", "review", "manage",
    "edit" or "way_forward" (change the way forward).

    Raises Http404 when the user may not see the evaluation at all, PermissionDenied when
    they may see it but not do this.
    """
    evaluation = (
        with_roles(Evaluation.objects.filter(pk=pk), user)
        .select_related("municipality", "framework")
        .defer("framework__document", "framework__source")
        .first()
    )
    if evaluation is None:
        raise Http404(_("No such evaluation."))
    access = access_for(user, evaluation)
    if not access.read_result:
        raise Http404(_("No such evaluation."))
    if need == "result":
        return evaluation, access
    if not access.read_scores:
        raise Http404(_("No such evaluation."))
    if need == "scores":
        return evaluation, access
    if need == "way_forward":
        if not (access.manage or access.coordinator):
            raise PermissionDenied(
                _("Only the evaluation's team and the municipality's coordinators may do this.")
            )
        if not access.edit_way_forward:
            raise PermissionDenied(access.read_only_reason)
        return evaluation, access
    if not access.read_work:
        raise PermissionDenied(_("Interview notes and evidence are for the evaluation team."))
    if need == "work":
        return evaluation, access
    if need == "review":
        if not access.review:
            raise PermissionDenied(_("Only the evaluation's team and reviewers may do this."))
        return evaluation, access
    if not access.manage:
        raise PermissionDenied(_("Only the evaluation's evaluators may do this."))
    if need == "edit" and not access.edit:
        raise PermissionDenied(access.read_only_reason)
    return evaluation, access


def member_published_evaluations(user):
    """Published evaluations of the municipalities the user belongs to as a reader."""
    if not user.is_authenticated:
        return Evaluation.objects.none()
    readable = Membership.objects.filter(user=user).values("municipality")
    return (
        Evaluation.objects.published()
        .filter(municipality__in=readable)
        .exclude(pk__in=work_visible_evaluations(user).values("pk"))
    )
