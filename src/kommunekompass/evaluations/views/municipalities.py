"""Municipalities: the list (evaluators add new ones there) and changing one. A site
administrator changes every field of any municipality; a coordinator changes the county and
population of their own (see services.municipalities). Evaluators see every municipality but
change none they do not coordinate (403); anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import is_evaluator
from kommunekompass.evaluations.forms import MunicipalityCoordinatorForm, MunicipalityForm
from kommunekompass.evaluations.models import Membership, Municipality
from kommunekompass.evaluations.services import municipalities as service
from kommunekompass.evaluations.services.base import ServiceError, StaleEdit


def may_edit_municipality(user, municipality) -> str:
    """ "all" (a site administrator), "coordinator" (county and population) or ""."""
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "all"
    coordinator = Membership.objects.filter(
        user=user, municipality=municipality, role=Membership.Role.COORDINATOR
    ).exists()
    return "coordinator" if coordinator else ""


@login_required
def municipality_list(request):
    if not is_evaluator(request.user):
        raise PermissionDenied(_("Only evaluators may manage municipalities."))
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluations.add_municipality"):
            raise PermissionDenied
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in service.FIELDS}
            try:
                municipality = service.add_municipality(user=request.user, **values)
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("%(name)s is added.") % {"name": municipality.name})
                return redirect("evaluations:municipalities")
    municipalities = Municipality.objects.annotate(evaluation_count=Count("evaluations"))
    return render(
        request,
        "evaluations/municipality_list.html",
        {
            "municipalities": municipalities,
            "form": form,
            "may_edit_all": request.user.is_superuser,
        },
        status=422 if form.errors else 200,
    )


@login_required
def municipality_edit(request, municipality_id):
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    may = may_edit_municipality(request.user, municipality)
    if not may:
        if is_evaluator(request.user):
            raise PermissionDenied(_("Only a site administrator may change this municipality."))
        raise Http404(_("No such municipality."))
    form_class = MunicipalityForm if may == "all" else MunicipalityCoordinatorForm
    form = form_class(request.POST or None, instance=municipality)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            fields = service.FIELDS if may == "all" else service.COORDINATOR_FIELDS
            values = {name: form.cleaned_data[name] for name in fields}
            # The form may have set the new values on the instance: the service reads the row.
            stored = Municipality.objects.get(pk=municipality.pk)
            try:
                changed = service.change_municipality(
                    municipality=stored,
                    user=request.user,
                    seen=form.cleaned_data["seen"] or None,
                    **values,
                )
            except StaleEdit as error:
                messages.error(request, str(error))
                form = form_class(instance=Municipality.objects.get(pk=municipality.pk))
                status = 409
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                if changed:
                    messages.success(request, _("%(name)s is saved.") % {"name": stored.name})
                return redirect("evaluations:municipality_edit", municipality_id=stored.pk)
    municipality = Municipality.objects.get(pk=municipality.pk)
    return render(
        request,
        "evaluations/municipality_form.html",
        {"municipality": municipality, "form": form, "may": may},
        status=status,
    )
