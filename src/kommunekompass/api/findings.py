"""Findings and interviews with a token, as on the findings and interviews pages: the same
forms check the input, the same access (evaluations.access.get_evaluation) and the same
services (evaluations.services.findings and .interviews) write it, with its history entry.
Questions are named by their codes; a change carries the version the client read (409 with
the current one on a conflict)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kommunekompass.api.auth import TokenAuth
from kommunekompass.api.errors import checked, field_error
from kommunekompass.api.schemas import Error, Problems
from kommunekompass.api.work_schemas import (
    FindingChange,
    FindingIn,
    FindingOut,
    InterviewChange,
    InterviewIn,
    InterviewOut,
    MoveIn,
)
from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import FindingForm, InterviewForm
from kommunekompass.evaluations.models import Finding, Interview
from kommunekompass.evaluations.services import findings as finding_service
from kommunekompass.evaluations.services import interviews as interview_service
from kommunekompass.frameworks.models import FocusArea

router = Router(auth=TokenAuth(), tags=["findings and interviews"])

REFUSED = {401: Error, 403: Error, 404: Error, 409: Error, 422: Problems}


def question_ids(form, codes: list[str]) -> list[int]:
    """The ids of the questions named by `codes`, among those the form offers."""
    offered = dict(form.fields["questions"].queryset.values_list("code", "pk"))
    unknown = [code for code in codes if code not in offered]
    if unknown:
        raise field_error(
            "questions", _("No such question here: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return [offered[code] for code in codes]


def finding_out(finding: Finding) -> dict:
    return {
        "id": finding.pk,
        "focus_area": finding.focus_area.code,
        "kind": finding.kind,
        "text": finding.text,
        "questions": sorted(q.code for q in finding.questions.all()),
        "position": finding.position,
        "version": finding.version,
    }


def _focus_area(evaluation, code: str) -> FocusArea:
    area = FocusArea.objects.filter(framework_id=evaluation.framework_id, code=code).first()
    if area is None:
        raise field_error(
            "focus_area", _("No focus area %(code)s in this framework.") % {"code": code}
        )
    return area


def _finding(user, evaluation_id: int, finding_id: int, need: str):
    evaluation, _access = get_evaluation(user, evaluation_id, need)
    finding = get_object_or_404(
        Finding.objects.select_related("focus_area"), pk=finding_id, evaluation=evaluation
    )
    return evaluation, finding


@router.get(
    "/evaluations/{evaluation_id}/findings",
    response={200: list[FindingOut], 401: Error, 404: Error},
    summary="The evaluation's strengths, challenges and weaknesses",
)
def findings(request, evaluation_id: int, focus_area: str | None = None):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "scores")
    found = Finding.objects.filter(evaluation=evaluation).select_related("focus_area")
    if focus_area:
        found = found.filter(focus_area__code=focus_area)
    return [finding_out(f) for f in found.prefetch_related("questions")]


@router.post(
    "/evaluations/{evaluation_id}/findings",
    response={201: FindingOut, **REFUSED},
    summary="Add a finding to a focus area",
)
def add_finding(request, evaluation_id: int, payload: FindingIn):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "edit")
    area = _focus_area(evaluation, payload.focus_area)
    form = FindingForm(focus_area=area)
    data = {"kind": payload.kind, "text": payload.text}
    data["questions"] = question_ids(form, payload.questions)
    form = FindingForm(data, focus_area=area)
    cleaned = checked(form)
    finding = finding_service.add_finding(
        evaluation=evaluation,
        focus_area=area,
        kind=cleaned["kind"],
        text=cleaned["text"],
        questions=list(cleaned["questions"]),
        user=request.auth,
    )
    return Status(201, finding_out(finding))


@router.put(
    "/evaluations/{evaluation_id}/findings/{finding_id}",
    response={200: FindingOut, **REFUSED},
    summary="Change a finding (with the version read)",
)
def change_finding(request, evaluation_id: int, finding_id: int, payload: FindingChange):
    evaluation, finding = _finding(request.auth, evaluation_id, finding_id, "edit")
    form = FindingForm(instance=finding, focus_area=finding.focus_area)
    data = {"kind": payload.kind, "text": payload.text, "version": payload.version}
    data["questions"] = question_ids(form, payload.questions)
    form = FindingForm(data, instance=finding, focus_area=finding.focus_area)
    cleaned = checked(form)
    changed = finding_service.change_finding(
        finding=finding,
        kind=cleaned["kind"],
        text=cleaned["text"],
        questions=list(cleaned["questions"]),
        expected_version=cleaned["version"] or 0,
        user=request.auth,
    )
    finding = Finding.objects.select_related("focus_area").get(pk=finding.pk)
    if not changed:
        return Status(409, {"detail": _("Not saved: someone else changed this finding.")})
    return finding_out(finding)


@router.delete(
    "/evaluations/{evaluation_id}/findings/{finding_id}",
    response={204: None, 401: Error, 403: Error, 404: Error},
    summary="Delete a finding",
)
def delete_finding(request, evaluation_id: int, finding_id: int):
    evaluation, finding = _finding(request.auth, evaluation_id, finding_id, "edit")
    finding_service.delete_finding(finding=finding, user=request.auth)
    return Status(204, None)


@router.post(
    "/evaluations/{evaluation_id}/findings/{finding_id}/move",
    response={200: FindingOut, **REFUSED},
    summary="Move a finding up or down in its column",
)
def move_finding(request, evaluation_id: int, finding_id: int, payload: MoveIn):
    evaluation, finding = _finding(request.auth, evaluation_id, finding_id, "edit")
    if payload.direction not in {"up", "down"}:
        raise field_error("direction", _("Unknown direction."))
    finding_service.move_finding(finding=finding, direction=payload.direction, user=request.auth)
    return finding_out(Finding.objects.select_related("focus_area").get(pk=finding.pk))


# --- interviews ------------------------------------------------------------------------------


def interview_out(interview: Interview) -> dict:
    return {
        "id": interview.pk,
        "role": interview.role,
        "date": interview.date,
        "held": interview.held,
        "participants": interview.participants,
        "notes": interview.notes,
        "questions": sorted(q.code for q in interview.questions.all()),
        "version": interview.version,
    }


def _interview_fields(evaluation, payload, instance=None) -> dict:
    """The interview form's cleaned fields, as the service takes them (the page's _fields)."""
    form = InterviewForm(instance=instance, evaluation=evaluation)
    data = {
        "role": payload.role,
        "date": payload.date.isoformat() if payload.date else "",
        "held": payload.held,
        "participants": payload.participants,
        "notes": payload.notes,
        "questions": question_ids(form, payload.questions),
    }
    if instance is not None:
        data["version"] = payload.version
    cleaned = checked(InterviewForm(data, instance=instance, evaluation=evaluation))
    fields = {name: cleaned[name] for name in ("role", "date", "held", "participants", "notes")}
    fields["questions"] = list(cleaned["questions"])
    return fields


@router.get(
    "/evaluations/{evaluation_id}/interviews",
    response={200: list[InterviewOut], 401: Error, 403: Error, 404: Error},
    summary="The evaluation's interviews, with their notes (for the team)",
)
def interviews(request, evaluation_id: int):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "work")
    return [interview_out(i) for i in evaluation.interviews.prefetch_related("questions")]


@router.post(
    "/evaluations/{evaluation_id}/interviews",
    response={201: InterviewOut, **REFUSED},
    summary="Add an interview, planned or held",
)
def add_interview(request, evaluation_id: int, payload: InterviewIn):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "edit")
    fields = _interview_fields(evaluation, payload)
    interview = interview_service.add_interview(evaluation=evaluation, user=request.auth, **fields)
    return Status(201, interview_out(interview))


@router.put(
    "/evaluations/{evaluation_id}/interviews/{interview_id}",
    response={200: InterviewOut, **REFUSED},
    summary="Change an interview (with the version read)",
)
def change_interview(request, evaluation_id: int, interview_id: int, payload: InterviewChange):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "edit")
    interview = get_object_or_404(Interview, pk=interview_id, evaluation=evaluation)
    fields = _interview_fields(evaluation, payload, interview)
    saved = interview_service.change_interview(
        interview=interview, user=request.auth, expected_version=payload.version, **fields
    )
    if not saved:
        return Status(409, {"detail": _("Not saved: someone else changed this interview.")})
    return interview_out(Interview.objects.get(pk=interview.pk))


@router.delete(
    "/evaluations/{evaluation_id}/interviews/{interview_id}",
    response={204: None, 401: Error, 403: Error, 404: Error},
    summary="Delete an interview",
)
def delete_interview(request, evaluation_id: int, interview_id: int):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "edit")
    interview = get_object_or_404(Interview, pk=interview_id, evaluation=evaluation)
    interview_service.delete_interview(interview=interview, user=request.auth)
    return Status(204, None)
