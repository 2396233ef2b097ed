"""Four eyes: the review page, and writing, answering and resolving review comments.

Comments are written on a question (scoring page), a finding (findings page) or the whole
evaluation (review page) while it is in review; the add form works with HTMX (the question's
or finding's comment list is swapped in) and without (a redirect back to where it was sent
from). Only the team and named reviewers see any of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import AnswerForm, CommentForm
from kommunekompass.evaluations.history_display import question_label
from kommunekompass.evaluations.models import Finding, ReviewComment
from kommunekompass.evaluations.services import review as service
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.evaluations.services.workflow import four_eyes, may_approve
from kommunekompass.frameworks.models import Question


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def comments_with_people(queryset):
    return queryset.select_related(
        "author", "answered_by", "resolved_by", "question", "finding__focus_area"
    )


@login_required
def review_page(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "review")
    comments = list(
        comments_with_people(ReviewComment.objects.filter(evaluation=evaluation)).order_by(
            "created_at", "id"
        )
    )
    team = service.team_ids(evaluation)
    user = request.user
    spec = evaluation.framework.spec
    language = get_language() or "nb"
    for comment in comments:
        if comment.question is not None:
            area = spec.area_of_question(comment.question.code)
            comment.area_code = area.code if area is not None else ""
            comment.question_label = question_label(comment.question.code, spec, language)
        comment.can_answer = (
            (user.is_superuser or user.pk in team)
            and not comment.is_resolved
            and evaluation.status in ("draft", "in_review")
        )
        comment.can_resolve = (
            service.may_resolve(comment, evaluation, user)
            and not comment.is_resolved
            and evaluation.status in ("draft", "in_review")
        )
    return render(
        request,
        "evaluations/review.html",
        {
            "evaluation": evaluation,
            "access": access,
            "comments": comments,
            "open_count": sum(1 for c in comments if c.is_open),
            "answered_count": sum(1 for c in comments if c.state == "answered"),
            "resolved_count": sum(1 for c in comments if c.is_resolved),
            "can_comment": evaluation.status == "in_review",
            "comment_form": CommentForm(),
            "answer_form": AnswerForm(),
            "may_approve": may_approve(evaluation, user),
            "four_eyes": four_eyes(),
        },
    )


@require_POST
@login_required
def comment_add(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "review")
    form = CommentForm(request.POST)
    fallback = reverse("evaluations:review", args=[pk])
    question = finding = None
    if form.is_valid():
        if form.cleaned_data["question"]:
            question = Question.objects.filter(
                framework_id=evaluation.framework_id, code=form.cleaned_data["question"]
            ).first()
            if question is None:
                raise Http404(_("No such question in this framework."))
        if form.cleaned_data["finding"]:
            finding = get_object_or_404(
                Finding.objects.select_related("focus_area"),
                pk=form.cleaned_data["finding"],
                evaluation=evaluation,
            )
        try:
            service.add_comment(
                evaluation=evaluation,
                user=request.user,
                text=form.cleaned_data["text"],
                question=question,
                finding=finding,
            )
        except ServiceError as error:
            message, status = str(error), 409
        else:
            message, status = _("The comment is saved."), 200
    else:
        message, status = _("Not saved: write the comment."), 422
    if is_htmx(request) and (question is not None or finding is not None):
        comments = comments_with_people(
            ReviewComment.objects.filter(
                evaluation=evaluation,
                **({"question": question} if question is not None else {"finding": finding}),
            )
        )
        evaluation.refresh_from_db(fields=["status", "revision"])
        return render(
            request,
            "evaluations/_comments.html",
            {
                "evaluation": evaluation,
                "comments": comments,
                "question_code": question.code if question is not None else "",
                "finding_id": finding.pk if finding is not None else "",
                "target": (
                    f"comments-q-{question.code.replace('.', '-')}"
                    if question is not None
                    else f"comments-finding-{finding.pk}"
                ),
                "can_comment": evaluation.status == "in_review",
                "message": message,
                "failed": status != 200,
                "next": request.POST.get("next", ""),
            },
            status=status,
        )
    if status == 200:
        messages.success(request, message)
    else:
        messages.error(request, message)
    return redirect(_back(request, fallback))


def _comment(request, pk, comment_id):
    evaluation, access = get_evaluation(request.user, pk, "review")
    comment = get_object_or_404(ReviewComment, pk=comment_id, evaluation=evaluation)
    return evaluation, comment


@require_POST
@login_required
def comment_answer(request, pk, comment_id):
    evaluation, comment = _comment(request, pk, comment_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved: write the answer."))
    else:
        try:
            service.answer_comment(
                comment=comment, user=request.user, answer=form.cleaned_data["answer"]
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The answer is saved."))
    return redirect(_back(request, reverse("evaluations:review", args=[pk])))


@require_POST
@login_required
def comment_resolve(request, pk, comment_id):
    evaluation, comment = _comment(request, pk, comment_id)
    try:
        service.resolve_comment(comment=comment, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The comment is resolved."))
    return redirect(_back(request, reverse("evaluations:review", args=[pk])))
