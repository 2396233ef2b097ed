"""Projects: creating one (from a finding, too), its page with the whole plan, changing the plan
with a version check, the plan's rows (decision points, milestones, risks), and the plan PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.improvement import services
from kommunekompass.improvement.access import get_municipality, get_project
from kommunekompass.improvement.dashboard import chart_for, project_rows, projects_with_details
from kommunekompass.improvement.forms import (
    DecisionPointForm,
    MilestoneForm,
    ProjectForm,
    PublicForm,
    RiskForm,
    add_errors,
    model_fields,
    open_findings,
)
from kommunekompass.improvement.models import DecisionPoint, Milestone, Project, Risk
from kommunekompass.improvement.views.programme import today

# The plan's tables: URL segment -> (model, form, heading of the section)
ROWS = {
    "decisions": (DecisionPoint, DecisionPointForm, gettext_lazy("decision point")),
    "milestones": (Milestone, MilestoneForm, gettext_lazy("milestone")),
    "risks": (Risk, RiskForm, gettext_lazy("success factor or risk")),
}


def _initial_from_finding(request, municipality) -> dict:
    finding_id = request.GET.get("finding")
    if not finding_id:
        return {}
    finding = None
    if finding_id.isdigit():
        finding = open_findings(municipality).filter(pk=finding_id).first()
    if finding is None:
        raise Http404(_("No such challenge or weakness in a published evaluation."))
    title = finding.text if len(finding.text) <= 120 else finding.text[:117].rstrip() + "…"
    return {
        "title": title,
        "background": _("The evaluation %(evaluation)s found, in focus area %(area)s: %(text)s")
        % {"evaluation": finding.evaluation, "area": finding.focus_area, "text": finding.text},
        "evaluation": finding.evaluation_id,
        "findings": [finding.pk],
        "focus_areas": [finding.focus_area_id],
    }


@login_required
def project_create(request, municipality_id):
    municipality, access = get_municipality(request.user, municipality_id, "edit")
    form = ProjectForm(
        request.POST or None,
        municipality=municipality,
        initial=_initial_from_finding(request, municipality),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.start_project(
                    request.user,
                    municipality,
                    form.plan_fields(),
                    findings=form.cleaned_data["findings"],
                    focus_areas=form.cleaned_data["focus_areas"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("The project is created. Fill in the rest of the plan.")
                )
                return redirect("improvement:project", pk=project.pk)
        status = 422
    return render(
        request,
        "improvement/project_form.html",
        {"municipality": municipality, "access": access, "form": form, "project": None},
        status=status,
    )


@login_required
def project_detail(request, pk):
    project, access = get_project(request.user, pk)
    row = project_rows(projects_with_details(Project.objects.filter(pk=project.pk)), today())[0]
    language = get_language() or "nb"
    charts = [(item, chart_for(item.indicator, language)) for item in row.indicators]
    return render(
        request,
        "improvement/project_detail.html",
        {
            "municipality": project.programme.municipality,
            "project": project,
            "row": row,
            "access": access,
            "decisions": project.decisions.all(),
            "risks": project.risks.all(),
            "findings": project.findings.select_related("focus_area", "evaluation"),
            "project_group": project.programme.members.filter(group="project"),
            "forms": {kind: form() for kind, (_model, form, _label) in ROWS.items()},
            "public_form": PublicForm(initial={"public": not project.public}),
            "charts": charts,
            "today": today(),
        },
    )


@login_required
def project_edit(request, pk):
    project, access = get_project(request.user, pk, "edit")
    municipality = project.programme.municipality
    form = ProjectForm(request.POST or None, instance=project, municipality=municipality)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.change_plan(
                    request.user,
                    project,
                    form.plan_fields(),
                    version=form.cleaned_data["version"] or 0,
                    findings=form.cleaned_data["findings"],
                    focus_areas=form.cleaned_data["focus_areas"],
                )
            except ValidationError as error:
                add_errors(form, error)
            except services.StalePlan:
                messages.error(
                    request,
                    _(
                        "Not saved: someone else changed this plan after you opened it. Their "
                        "version is shown below; copy your changes in again."
                    ),
                )
                project = Project.objects.get(pk=project.pk)
                form = ProjectForm(instance=project, municipality=municipality)
                status = 409
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("improvement:project", pk=project.pk)
    return render(
        request,
        "improvement/project_form.html",
        {"municipality": municipality, "access": access, "form": form, "project": project},
        status=status,
    )


@require_POST
@login_required
def project_delete(request, pk):
    project, access = get_project(request.user, pk, "manage")
    municipality_id = project.programme.municipality_id
    services.delete_project(request.user, project)
    messages.success(request, _("The project “%(title)s” is deleted.") % {"title": project.title})
    return redirect("improvement:dashboard", municipality_id=municipality_id)


def _row_kind(kind):
    if kind not in ROWS:
        raise Http404(_("No such part of the plan."))
    return ROWS[kind]


@require_POST
@login_required
def row_add(request, pk, kind):
    project, access = get_project(request.user, pk, "edit")
    model, form_class, label = _row_kind(kind)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.add_row(request.user, project, model, model_fields(form))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The %(row)s is added.") % {"row": label})
            return redirect(reverse("improvement:project", args=[project.pk]) + f"#{kind}")
    return render(
        request,
        "improvement/row_form.html",
        {
            "municipality": project.programme.municipality,
            "project": project,
            "form": form,
            "heading": _("Add a %(row)s") % {"row": label},
            "back": reverse("improvement:project", args=[project.pk]),
        },
        status=422,
    )


def _row(request, pk, kind, row_id):
    project, access = get_project(request.user, pk, "edit")
    model, form_class, label = _row_kind(kind)
    row = get_object_or_404(model, pk=row_id, project=project)
    return project, row, form_class, label


@login_required
def row_edit(request, pk, kind, row_id):
    project, row, form_class, label = _row(request, pk, kind, row_id)
    form = form_class(request.POST or None, instance=row)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_row(request.user, row, model_fields(form))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The %(row)s is saved.") % {"row": label})
                return redirect(reverse("improvement:project", args=[project.pk]) + f"#{kind}")
        status = 422
    return render(
        request,
        "improvement/row_form.html",
        {
            "municipality": project.programme.municipality,
            "project": project,
            "form": form,
            "heading": _("Change the %(row)s") % {"row": label},
            "back": reverse("improvement:project", args=[project.pk]),
        },
        status=status,
    )


@require_POST
@login_required
def row_delete(request, pk, kind, row_id):
    project, row, form_class, label = _row(request, pk, kind, row_id)
    services.delete_row(request.user, row)
    messages.success(request, _("The %(row)s is deleted.") % {"row": label})
    return redirect(reverse("improvement:project", args=[project.pk]) + f"#{kind}")


@login_required
def plan_pdf(request, pk):
    from kommunekompass.improvement.exports import plan_pdf as render_plan

    project, access = get_project(request.user, pk)
    data = render_plan(project, language=get_language() or "nb", today=today())
    response = HttpResponse(data, content_type="application/pdf")
    name = f"project-plan-{project.pk}-{today():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def project_public(request, pk):
    """Show the project in published reports, or not: the coordinators' choice."""
    project, access = get_project(request.user, pk, "manage")
    form = PublicForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the project is shown in published reports."))
        return redirect("improvement:project", pk=project.pk)
    project = services.set_public(request.user, project, form.cleaned_data["public"])
    if project.public:
        messages.success(request, _("The project is shown in published reports."))
    else:
        messages.success(request, _("The project is no longer shown in published reports."))
    return redirect("improvement:project", pk=project.pk)
