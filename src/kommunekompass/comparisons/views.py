"""The comparison page of a group, a municipality's history, and choosing the group an
evaluation's report compares with. The first two show published results only, which are
public; they still ask for a login, like the rest of the working app.

Only evaluations whose status is published count. A reopened evaluation (a new version under
way) drops out until it is published again: its draft scores are not public, and the figures of
its last published version are not kept in summaries. Results published with questions not
scored are marked incomplete, and the comparison page leaves them out unless `?incomplete=1`."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.comparisons import charts
from kommunekompass.comparisons.groups import (
    UnknownGroup,
    get_group,
    group_choices,
    group_rows,
)
from kommunekompass.comparisons.history import municipality_rounds
from kommunekompass.comparisons.ranking import average_by_area, average_total, ranked
from kommunekompass.comparisons.services import set_report_group
from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.models import Municipality
from kommunekompass.frameworks.models import Framework

PAGE_SIZE = 50


def _framework(request) -> Framework:
    frameworks = Framework.objects.defer("document", "source")
    chosen = request.GET.get("framework")
    if chosen:
        framework = frameworks.filter(pk=chosen).first() if chosen.isdigit() else None
        if framework is None:
            raise Http404(_("No such framework."))
        return framework
    framework = frameworks.filter(key="kommunekompass").order_by("-version").first()
    framework = framework or frameworks.order_by("key", "-version").first()
    if framework is None:
        raise Http404(_("No framework is loaded."))
    return framework


def _distribution_chart(members, highlight, spec) -> str:
    """The histogram of totals; drawn once per set of totals and kept in the cache."""
    if not members:
        return ""
    totals = tuple(sorted(float(m.total) for m in members))
    marked = float(highlight.total) if highlight else None
    label = highlight.name if highlight else ""
    key = (
        "distribution:"
        + hashlib.sha256(
            repr((totals, marked, label, float(spec.max_points), get_language())).encode()
        ).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        svg = charts.distribution_chart(
            list(totals), marked, float(spec.max_points), label=label, language=get_language()
        )
        cache.set(key, svg, 60 * 60)
    return svg


@login_required
def comparison_page(request):
    framework = _framework(request)
    spec = framework.spec
    try:
        group = get_group(request.GET.get("group") or "all")
    except UnknownGroup:
        raise Http404(_("No such comparison group.")) from None
    # Results published with questions not scored are left out unless asked for: their
    # totals are lower for want of scores, not of quality.
    include_incomplete = request.GET.get("incomplete") == "1"
    everyone = group_rows(group, framework)
    members = everyone if include_incomplete else [m for m in everyone if m.complete]
    # Rank by total; equal totals share the better rank.
    first_place = {}
    for position, member in enumerate(ranked(members), start=1):
        first_place.setdefault(member.total, position)
    rank = {m.key: first_place[m.total] for m in members}

    sort = request.GET.get("sort") or "total"
    area_codes = [a.code for a in spec.areas]
    if sort == "name":
        rows = sorted(members, key=lambda m: m.name)
    elif sort == "year":
        rows = sorted(members, key=lambda m: (-m.year, m.name))
    elif sort.startswith("area-") and sort[5:] in area_codes:
        code = sort[5:]  # areas with nothing scored last
        rows = sorted(members, key=lambda m: (code not in m.areas, -m.areas.get(code, 0), m.name))
    else:
        sort = "total"
        rows = ranked(members)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    averages = average_by_area(members)

    highlight_id = request.GET.get("municipality")
    highlight = next((m for m in members if str(m.municipality_id) == highlight_id), None)
    chart = _distribution_chart(members, highlight, spec)
    return render(
        request,
        "comparisons/comparison.html",
        {
            "framework": framework,
            "spec": spec,
            "group": group,
            "groups": group_choices(),
            "frameworks": Framework.objects.defer("document", "source").order_by("key", "version"),
            "page": page,
            "rows": [
                {
                    "member": m,
                    "rank": rank[m.key],
                    "areas": [m.areas.get(code) for code in area_codes],
                }
                for m in page.object_list
            ],
            "count": len(members),
            "include_incomplete": include_incomplete,
            "incomplete_count": sum(1 for m in everyone if not m.complete),
            # carried by the sorting and paging links
            "incomplete_param": "&incomplete=1" if include_incomplete else "",
            "average_total": average_total(members),
            "averages": [averages.get(code) for code in area_codes],
            "sort": sort,
            "chart": chart,
            "highlight": highlight,
            "language": get_language(),
        },
    )


@login_required
def history_page(request, municipality_id):
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    framework = _framework(request)
    spec = framework.spec
    rounds = municipality_rounds(municipality, framework)
    chart = ""
    if rounds:
        chart = charts.rounds_chart(
            [r.year for r in rounds],
            [float(r.total) for r in rounds],
            [r.version for r in rounds],
            float(spec.max_points),
            language=get_language() or "nb",
        )
    table = [
        {"area": area, "points": [r.areas.get(area.code) for r in rounds]} for area in spec.areas
    ]
    return render(
        request,
        "comparisons/history.html",
        {
            "municipality": municipality,
            "framework": framework,
            "spec": spec,
            "rounds": rounds,
            "table": table,
            "chart": chart,
            "version_note": next((r.note for r in rounds if r.mapped), {}),
            "incomplete": any(not r.complete for r in rounds),
        },
    )


@require_POST
@login_required
def report_group(request, pk):
    """The group the evaluation's report compares with; for its evaluators while it may
    change (a published version keeps the group it was published with)."""
    evaluation, _access = get_evaluation(request.user, pk, "edit")
    try:
        group = set_report_group(evaluation, request.POST.get("group", ""), request.user)
    except UnknownGroup:
        messages.error(request, _("No such comparison group."))
        return redirect("evaluations:detail", pk=pk)
    messages.success(request, _("The report now compares with %(group)s.") % {"group": group.name})
    return redirect("evaluations:detail", pk=pk)
