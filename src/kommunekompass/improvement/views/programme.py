"""The programme of a municipality: the list of programmes, the dashboard, the groups, and the
programme status as a spreadsheet."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.models import Membership
from kommunekompass.improvement import services
from kommunekompass.improvement.access import get_municipality, visible_municipalities
from kommunekompass.improvement.dashboard import build_dashboard, group_rows
from kommunekompass.improvement.forms import GroupMemberForm, add_errors
from kommunekompass.improvement.history import change_lines
from kommunekompass.improvement.models import GroupMember, Programme, ProgrammeChange


def today() -> datetime.date:
    return timezone.localdate()


@login_required
def programme_list(request):
    municipalities = visible_municipalities(request.user).annotate(
        has_programme=Exists(Programme.objects.filter(municipality=OuterRef("pk")))
    )
    if request.user.is_superuser:
        # Administrators see every municipality that has a programme or people of its own.
        municipalities = municipalities.filter(
            Q(has_programme=True) | Exists(Membership.objects.filter(municipality=OuterRef("pk")))
        )
    municipalities = list(municipalities.order_by("name"))
    if len(municipalities) == 1 and not request.user.is_superuser:
        return redirect("improvement:dashboard", municipality_id=municipalities[0].pk)
    return render(request, "improvement/programme_list.html", {"municipalities": municipalities})


@login_required
def dashboard(request, municipality_id):
    municipality, access = get_municipality(request.user, municipality_id)
    board = build_dashboard(municipality, today())
    return render(
        request,
        "improvement/dashboard.html",
        {"municipality": municipality, "access": access, "board": board, "today": today()},
    )


@login_required
def groups(request, municipality_id):
    need = "manage" if request.method == "POST" else "read"
    municipality, access = get_municipality(request.user, municipality_id, need)
    form = GroupMemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_member(request.user, municipality, form.member_fields())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The member is added."))
                return redirect("improvement:groups", municipality_id=municipality.pk)
        status = 422
    members = list(
        GroupMember.objects.filter(programme__municipality=municipality).select_related("user")
    )
    return render(
        request,
        "improvement/groups.html",
        {
            "municipality": municipality,
            "access": access,
            "groups": group_rows(members),
            "form": form,
        },
        status=status,
    )


def _member(request, municipality_id, member_id):
    municipality, access = get_municipality(request.user, municipality_id, "manage")
    member = get_object_or_404(
        GroupMember.objects.select_related("user"),
        pk=member_id,
        programme__municipality=municipality,
    )
    return municipality, access, member


@login_required
def member_edit(request, municipality_id, member_id):
    municipality, access, member = _member(request, municipality_id, member_id)
    form = GroupMemberForm(request.POST or None, instance=member)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_member(request.user, member, form.member_fields())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The member is saved."))
                return redirect("improvement:groups", municipality_id=municipality.pk)
        status = 422
    return render(
        request,
        "improvement/row_form.html",
        {
            "municipality": municipality,
            "form": form,
            "heading": _("Change the member %(name)s") % {"name": member.name},
            "back": redirect("improvement:groups", municipality_id=municipality.pk).url,
        },
        status=status,
    )


@require_POST
@login_required
def member_delete(request, municipality_id, member_id):
    municipality, access, member = _member(request, municipality_id, member_id)
    services.remove_member(request.user, member)
    messages.success(request, _("The member is removed."))
    return redirect("improvement:groups", municipality_id=municipality.pk)


@login_required
def status_xlsx(request, municipality_id):
    from kommunekompass.improvement.exports import programme_xlsx

    municipality, access = get_municipality(request.user, municipality_id)
    programme = Programme.objects.filter(municipality=municipality).first()
    if programme is None:
        raise Http404(_("The municipality has no programme yet."))
    data = programme_xlsx(programme, today=today(), language=get_language() or "nb")
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"programme-status-{municipality.number}-{today():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


HISTORY_PAGE_SIZE = 50


@login_required
def history(request, municipality_id):
    """The programme's history, newest first, as readable lines."""
    municipality, access = get_municipality(request.user, municipality_id)
    changes = ProgrammeChange.objects.filter(programme__municipality=municipality).order_by(
        "-at", "-id"
    )
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [(change, change_lines(change.action, change.old, change.new)) for change in page]
    return render(
        request,
        "improvement/history.html",
        {"municipality": municipality, "access": access, "page": page, "entries": entries},
    )
