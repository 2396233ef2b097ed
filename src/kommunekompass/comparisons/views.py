"""The comparison page of a group, and a municipality's history. Both show published results
only, which are public; they still ask for a login, like the rest of the working app."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.comparisons.groups import (
    UnknownGroup,
    get_group,
    group_choices,
    latest_evaluations,
)
from kommunekompass.comparisons.history import municipality_rounds
from kommunekompass.comparisons.ranking import Member, average_by_area, average_total, ranked
from kommunekompass.evaluations.models import Municipality
from kommunekompass.evaluations.summaries import summaries_for
from kommunekompass.frameworks.models import Framework
from kommunekompass.reports import charts

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


@login_required
def comparison_page(request):
    framework = _framework(request)
    spec = framework.spec
    try:
        group = get_group(request.GET.get("group") or "all")
    except UnknownGroup:
        raise Http404(_("No such comparison group.")) from None
    evaluations = latest_evaluations(group, framework)
    summaries = summaries_for(evaluations)
    members = [
        Member(e.pk, e.municipality.name, e.year, summaries[e.pk].total, summaries[e.pk].areas)
        for e in evaluations
    ]
    by_id = {e.pk: e for e in evaluations}
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
        rows = sorted(members, key=lambda m: (-m.areas.get(sort[5:], 0), m.name))
    else:
        sort = "total"
        rows = ranked(members)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))

    highlight_id = request.GET.get("municipality")
    highlight = next(
        (m for m in members if str(by_id[m.key].municipality_id) == highlight_id), None
    )
    chart = ""
    if members:
        chart = charts.distribution_chart(
            [float(m.total) for m in members],
            float(highlight.total) if highlight else None,
            float(spec.max_points),
            label=highlight.name if highlight else "",
        )
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
                    "evaluation": by_id[m.key],
                    "rank": rank[m.key],
                    "areas": [m.areas.get(code) for code in area_codes],
                }
                for m in page.object_list
            ],
            "count": len(members),
            "average_total": average_total(members),
            "averages": [average_by_area(members).get(code) for code in area_codes],
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
        },
    )
