"""Council meetings: opening one from a published evaluation, the presenter view for the big
screen (polled every 2 s), closing it; and the councillors' phone pages at /m/ (no account)."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.meetings import services
from kommunekompass.meetings.access import get_evaluation_to_hold, get_meeting
from kommunekompass.meetings.codes import new_device_id
from kommunekompass.meetings.forms import JoinForm, OpenMeetingForm
from kommunekompass.meetings.models import Meeting

COOKIE_SALT = "kommunekompass.meetings.device"
COOKIE_AGE = 60 * 60 * 24  # a day: a meeting lasts an evening


@login_required
def meeting_open(request, pk):
    evaluation, access = get_evaluation_to_hold(request.user, pk)
    form = OpenMeetingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.open_meeting(
                evaluation=evaluation, user=request.user, subject=form.cleaned_data["subject"]
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("meetings:presenter", meeting_id=meeting.pk)
    if request.method == "POST":
        status = 422
    return render(
        request,
        "meetings/open.html",
        {"evaluation": evaluation, "access": access, "form": form, "votes": Meeting.VOTES},
        status=status,
    )


def _join_url(request, meeting) -> str:
    return request.build_absolute_uri(reverse("meetings:vote", args=[meeting.code]))


def _tally_context(meeting) -> dict:
    options, voices = services.tally(meeting)
    most = max((o.count for o in options), default=0)
    for option in options:
        option.share = round(100 * option.count / most) if most else 0
    return {"meeting": meeting, "options": options, "voices": voices, "votes": Meeting.VOTES}


@login_required
def presenter(request, meeting_id):
    meeting = get_meeting(request.user, meeting_id)
    context = _tally_context(meeting)
    if meeting.is_open:
        join_url = _join_url(request, meeting)
        qr = segno.make(join_url, error="m")
        context["join_url"] = join_url
        context["join_short"] = request.build_absolute_uri(reverse("meetings:join"))
        # segno writes plain SVG of the URL only: no user text in it.
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=8, border=2, title=_("QR code")))  # noqa: S308
    else:
        context["ranked"] = [o for o in context["options"] if o.rank]
        context["ranked"].sort(key=lambda o: o.rank)
    return render(request, "meetings/presenter.html", context)


@require_GET
@login_required
def presenter_tally(request, meeting_id):
    meeting = get_meeting(request.user, meeting_id)
    return render(request, "meetings/_tally.html", _tally_context(meeting))


@require_POST
@login_required
def meeting_close(request, meeting_id):
    meeting = get_meeting(request.user, meeting_id)
    try:
        services.close_meeting(meeting=meeting, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The meeting is closed; its result is the way forward."))
    return redirect("meetings:presenter", meeting_id=meeting.pk)


# The councillors' side: no account, one voice per device (a signed, HttpOnly cookie).


def _cookie_name(meeting) -> str:
    return f"kk_meeting_{meeting.pk}"


def _device(request, meeting) -> str:
    return request.get_signed_cookie(
        _cookie_name(meeting), default="", salt=COOKIE_SALT, max_age=COOKIE_AGE
    )


def _keep_device(response, meeting, device) -> None:
    response.set_signed_cookie(
        _cookie_name(meeting),
        device,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        path=reverse("meetings:vote", args=[meeting.code]),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def join(request):
    form = JoinForm(request.GET or None)
    if request.GET and form.is_valid():
        code = form.cleaned_data["code"]
        if Meeting.objects.filter(code=code, closed_at__isnull=True).exists():
            return redirect("meetings:vote", code=code)
        form.add_error("code", _("No open meeting has this code."))
    status = 404 if request.GET else 200
    return render(request, "meetings/join.html", {"form": form}, status=status)


def vote(request, code):
    if code != code.upper():
        return redirect("meetings:vote", code=code.upper())
    meeting = (
        Meeting.objects.filter(code=code, closed_at__isnull=True)
        .select_related("evaluation__municipality")
        .first()
    )
    if meeting is None:
        form = JoinForm(initial={"code": code})
        return render(request, "meetings/join.html", {"form": form, "gone": True}, status=404)
    device = _device(request, meeting)
    error = ""
    status = 200
    if request.method == "POST":
        device = device or new_device_id()
        try:
            services.cast(
                meeting=meeting, device=device, option_ids=request.POST.getlist("options")
            )
        except ServiceError as failure:
            error, status = str(failure), 422
        else:
            response = redirect("meetings:vote", code=meeting.code)
            _keep_device(response, meeting, device)
            return response
    saved = services.my_votes(meeting, device)
    chosen = saved
    if status == 422:
        chosen = {int(i) for i in request.POST.getlist("options") if i.isdigit()}
    response = render(
        request,
        "meetings/vote.html",
        {
            "meeting": meeting,
            "options": meeting.options.order_by("position"),
            "chosen": chosen,
            "voted": bool(saved),
            "error": error,
            "votes": Meeting.VOTES,
        },
        status=status,
    )
    if not device:
        device = new_device_id()
    _keep_device(response, meeting, device)
    return response
