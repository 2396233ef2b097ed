"""The scoring page of one focus area, and saving one question (HTMX, or a plain form post)."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import ScoreForm
from kommunekompass.evaluations.models import Evidence, Interview, ReviewComment, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.frameworks.models import Question
from kommunekompass.scoring.engine import find


@dataclass
class QuestionBlock:
    spec: object
    row: Question
    score: Score | None
    result: object
    form: ScoreForm
    interviews: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    message: str = ""
    conflict: Score | None = None
    attempted: dict | None = None
    comments: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "q-" + self.spec.code.replace(".", "-")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _initial(score: Score | None) -> dict:
    initial = {"version": score.version if score else 0, "reason": score.reason if score else ""}
    for code, value in (score.levels if score else {}).items():
        initial[f"level_{code}"] = value
    return initial


def _links(evaluation, questions) -> tuple[dict, dict]:
    """Interviews and evidence linked to these questions: {question id: [...]}, two queries."""
    interviews, evidence = {}, {}
    through = Interview.questions.through.objects.filter(
        interview__evaluation=evaluation, question__in=questions
    ).select_related("interview")
    for link in through:
        interviews.setdefault(link.question_id, []).append(link.interview)
    through = Evidence.questions.through.objects.filter(
        evidence__evaluation=evaluation, question__in=questions
    ).select_related("evidence")
    for link in through:
        evidence.setdefault(link.question_id, []).append(link.evidence)
    return interviews, evidence


def _comments(evaluation, access, questions) -> dict:
    """Review comments on these questions, for the team and reviewers: {question id: [...]}."""
    if not access.review:
        return {}
    comments = {}
    for comment in ReviewComment.objects.filter(
        evaluation=evaluation, question__in=questions
    ).select_related("author", "answered_by", "resolved_by"):
        comments.setdefault(comment.question_id, []).append(comment)
    return comments


def _area_context(evaluation, access, area_code: str) -> dict:
    spec = evaluation.framework.spec
    area = spec.area(area_code)
    if area is None:
        raise Http404(_("No focus area %(code)s in this framework.") % {"code": area_code})
    rows = {
        q.code: q
        for q in Question.objects.filter(
            framework_id=evaluation.framework_id, sub_area__focus_area__code=area_code
        )
    }
    scores = {
        s.question_id: s
        for s in Score.objects.filter(
            evaluation=evaluation, question__in=rows.values()
        ).select_related("updated_by")
    }
    result = evaluation_result(evaluation)
    interviews, evidence = _links(evaluation, list(rows.values()))
    comments = _comments(evaluation, access, list(rows.values()))
    blocks = []
    for question in area.questions:
        row = rows[question.code]
        score = scores.get(row.pk)
        blocks.append(
            QuestionBlock(
                spec=question,
                row=row,
                score=score,
                result=find(result, question.code),
                form=ScoreForm(initial=_initial(score), question_spec=question),
                interviews=interviews.get(row.pk, []),
                evidence=evidence.get(row.pk, []),
                comments=comments.get(row.pk, []),
            )
        )
    by_code = {b.spec.code: b for b in blocks}
    sections = [
        {"subarea": subarea, "blocks": [by_code[q.code] for q in subarea.questions]}
        for subarea in area.subareas
    ]
    return {
        "evaluation": evaluation,
        "access": access,
        "spec": spec,
        "area": area,
        "sections": sections,
        "area_result": find(result, area.code),
        "result": result,
        "can_comment": access.review and evaluation.status == "in_review",
    }


# Stands in for the CSRF token in cached page bodies; each response puts its own token in.
CSRF_PLACEHOLDER = "__kommunekompass_csrf_token__"
CACHE_SECONDS = 60 * 60


def _scoring_body(request, evaluation, access, area_code, context=None) -> str:
    """The area's questions, forms and totals as HTML, cached per revision of the evaluation.

    Everything in the body is the same for every person with the same access, so it is kept
    in the cache under the evaluation's revision (which every change moves on), the area, the
    language and the kind of access. Only the CSRF token differs per person: it is put in last.
    A body built from a given `context` (a form with errors, a conflict) is never cached.
    """
    key = ":".join(
        [
            "scoring-body",
            str(evaluation.pk),
            str(evaluation.revision),
            area_code,
            get_language() or "",
            "edit" if access.edit else "read",
            "work" if access.read_work else "scores",
            "review" if access.review else "",
        ]
    )
    body = cache.get(key) if context is None else None
    if body is None:
        cacheable = context is None
        context = context or _area_context(evaluation, access, area_code)
        body = render_to_string(
            "evaluations/_scoring_body.html", {**context, "csrf_token": CSRF_PLACEHOLDER}
        )
        if cacheable:
            cache.set(key, body, CACHE_SECONDS)
    return body.replace(CSRF_PLACEHOLDER, get_token(request))


def _scoring_response(request, evaluation, access, area, body, status=200):
    return render(
        request,
        "evaluations/scoring.html",
        {"evaluation": evaluation, "access": access, "area": area, "body": mark_safe(body)},
        status=status,
    )


@login_required
def scoring_page(request, pk, area_code):
    evaluation, access = get_evaluation(request.user, pk, "scores")
    area = evaluation.framework.spec.area(area_code)
    if area is None:
        raise Http404(_("No focus area %(code)s in this framework.") % {"code": area_code})
    body = _scoring_body(request, evaluation, access, area_code)
    return _scoring_response(request, evaluation, access, area, body)


def _render_block(request, evaluation, access, block, status):
    """The question block, and (for HTMX) the area's totals swapped in out of band."""
    area = evaluation.framework.spec.area_of_question(block.spec.code)
    if is_htmx(request):
        result = evaluation_result(evaluation)
        interviews, evidence = _links(evaluation, [block.row])
        block.result = find(result, block.spec.code)
        block.interviews = interviews.get(block.row.pk, [])
        block.evidence = evidence.get(block.row.pk, [])
        block.comments = _comments(evaluation, access, [block.row]).get(block.row.pk, [])
        context = {
            "evaluation": evaluation,
            "access": access,
            "area": area,
            "area_result": find(result, area.code),
            "result": result,
            "block": block,
            "can_comment": access.review and evaluation.status == "in_review",
        }
        html = render_to_string("evaluations/_question.html", context, request)
        html += render_to_string("evaluations/_area_totals.html", {**context, "oob": True}, request)
        return HttpResponse(html, status=status)
    # Without JavaScript: the whole page, with this question's errors or conflict shown.
    context = _area_context(evaluation, access, area.code)
    for section in context["sections"]:
        for index, other in enumerate(section["blocks"]):
            if other.spec.code == block.spec.code:
                block.result = other.result
                block.interviews, block.evidence = other.interviews, other.evidence
                block.comments = other.comments
                section["blocks"][index] = block
    body = _scoring_body(request, evaluation, access, area.code, context)
    return _scoring_response(request, evaluation, access, area, body, status)


@require_POST
@login_required
def save_question(request, pk, question_code):
    try:
        evaluation, access = get_evaluation(request.user, pk, "edit")
    except PermissionDenied as denied:
        if is_htmx(request):
            return HttpResponse(f'<p class="error" role="alert">{escape(denied)}</p>', status=403)
        raise
    spec = evaluation.framework.spec
    question_spec = spec.question(question_code)
    if question_spec is None:
        raise Http404(
            _("No question %(code)s in %(framework)s.")
            % {"code": question_code, "framework": evaluation.framework}
        )
    row = Question.objects.get(framework_id=evaluation.framework_id, code=question_code)
    form = ScoreForm(request.POST, question_spec=question_spec)

    def block(score, form, **extra):
        return QuestionBlock(
            spec=question_spec, row=row, score=score, result=None, form=form, **extra
        )

    current = Score.objects.filter(evaluation=evaluation, question=row).first()
    if not form.is_valid():
        message = _("Not saved: correct the marked fields.")
        return _render_block(
            request, evaluation, access, block(current, form, message=message), 422
        )
    try:
        outcome = save_score(
            evaluation=evaluation,
            question=row,
            levels=form.levels(),
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            user=request.user,
        )
    except PermissionDenied as denied:  # published or withdrawn while the user was editing
        if is_htmx(request):
            return HttpResponse(f'<p class="error" role="alert">{escape(denied)}</p>', status=403)
        raise
    if outcome.conflict:
        fresh = ScoreForm(initial=_initial(outcome.score), question_spec=question_spec)
        attempted = {"levels": form.levels(), "reason": form.cleaned_data["reason"]}
        conflict_block = block(
            outcome.score,
            fresh,
            conflict=outcome.score,
            attempted=attempted,
            message=_(
                "Not saved: someone else saved this question after you opened the page. "
                "Their version is shown; your input is kept below."
            ),
        )
        return _render_block(request, evaluation, access, conflict_block, 409)
    if not is_htmx(request):
        area = spec.area_of_question(question_code)
        url = reverse("evaluations:area", args=[evaluation.pk, area.code])
        return redirect(f"{url}#q-{question_code.replace('.', '-')}")
    saved_form = ScoreForm(initial=_initial(outcome.score), question_spec=question_spec)
    message = _("Saved.") if outcome.saved else _("No changes.")
    return _render_block(
        request, evaluation, access, block(outcome.score, saved_form, message=message), 200
    )
