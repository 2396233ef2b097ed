"""Comparison groups people define: the list of those one may see, creating, changing and
deleting one. Access -> form -> service -> response; the rules are in comparisons.access and
comparisons.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.comparisons.access import (
    get_group_for,
    may_change,
    may_define_groups,
    shareable_municipalities,
)
from kommunekompass.comparisons.forms import ComparisonGroupForm
from kommunekompass.comparisons.models import ComparisonGroup
from kommunekompass.comparisons.services import (
    GroupRefused,
    change_group,
    create_group,
    delete_group,
    reports_using,
)
from kommunekompass.evaluations.models import Municipality


@login_required
def group_list(request):
    groups = (
        ComparisonGroup.objects.visible_to(request.user)
        .select_related("municipality", "created_by")
        .prefetch_related("municipalities")
        .order_by("name", "pk")
    )
    rows = [{"group": g, "may_change": may_change(request.user, g)} for g in groups]
    return render(
        request,
        "comparisons/group_list.html",
        {"rows": rows, "may_define": may_define_groups(request.user)},
    )


def _form_page(request, form, group=None, status=200):
    return render(
        request,
        "comparisons/group_form.html",
        {
            "form": form,
            "group": group,
            "in_use": reports_using(group) if group else [],
            "changes": list(group.changes.order_by("-at", "-id")[:20]) if group else [],
        },
        status=status,
    )


def _service_args(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "visibility": data["visibility"],
        "municipality": data.get("municipality"),
        "members": data["members"],
    }


def _refused(form, error: GroupRefused) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@login_required
def group_create(request):
    if not may_define_groups(request.user):
        raise PermissionDenied(_("Only evaluators and coordinators define comparison groups."))
    shareable = shareable_municipalities(request.user)
    if request.method != "POST":
        return _form_page(request, ComparisonGroupForm(shareable=shareable))
    form = ComparisonGroupForm(request.POST, shareable=shareable)
    if form.is_valid():
        try:
            group = create_group(request.user, **_service_args(form))
        except GroupRefused as error:
            _refused(form, error)
        else:
            messages.success(request, _("The group “%(name)s” is saved.") % {"name": group.name})
            return redirect("comparisons:groups")
    return _form_page(request, form, status=422)


@login_required
def group_edit(request, pk):
    group = get_group_for(request.user, pk, "change")
    shareable = shareable_municipalities(request.user)
    if group.municipality_id:  # an administrator's choice stays choosable for the owner
        shareable = Municipality.objects.filter(
            Q(pk__in=shareable.values("pk")) | Q(pk=group.municipality_id)
        )
    if request.method != "POST":
        initial = {
            "version": group.version,
            "name": group.name,
            "visibility": group.visibility,
            "municipality": group.municipality_id,
            "municipalities": list(group.municipalities.values_list("pk", flat=True)),
        }
        return _form_page(request, ComparisonGroupForm(initial=initial, shareable=shareable), group)
    form = ComparisonGroupForm(request.POST, shareable=shareable)
    if form.is_valid():
        try:
            group = change_group(
                request.user,
                group,
                version=form.cleaned_data.get("version") or 0,
                **_service_args(form),
            )
        except GroupRefused as error:
            _refused(form, error)
        else:
            messages.success(request, _("The group “%(name)s” is saved.") % {"name": group.name})
            return redirect("comparisons:groups")
    return _form_page(request, form, group, status=422)


@require_POST
@login_required
def group_delete(request, pk):
    group = get_group_for(request.user, pk, "change")
    try:
        delete_group(request.user, group)
    except GroupRefused as error:
        messages.error(request, str(error))
        return redirect("comparisons:group_edit", pk=pk)
    messages.success(request, _("The group “%(name)s” is deleted.") % {"name": group.name})
    return redirect("comparisons:groups")
