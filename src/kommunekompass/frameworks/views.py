"""Browsing the loaded frameworks: their structure, questions, guidance and rubrics."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kommunekompass.frameworks.models import Framework
from kommunekompass.frameworks.spec import rubric_rows, schemes_used


@login_required
def framework_list(request):
    rows = [
        {"framework": framework, "spec": framework.spec}
        for framework in Framework.objects.order_by("key", "version")
    ]
    return render(request, "frameworks/framework_list.html", {"rows": rows})


@login_required
def framework_detail(request, key, version):
    framework = get_object_or_404(Framework, key=key, version=version)
    spec = framework.spec
    return render(
        request,
        "frameworks/framework_detail.html",
        {"framework": framework, "spec": spec, "rubric_tables": _rubric_tables(spec.areas)},
    )


@login_required
def area_detail(request, key, version, code):
    framework = get_object_or_404(Framework, key=key, version=version)
    spec = framework.spec
    area = spec.area(code)
    if area is None:
        raise Http404("No such focus area")
    areas = spec.areas
    index = areas.index(area)
    return render(
        request,
        "frameworks/area_detail.html",
        {
            "framework": framework,
            "spec": spec,
            "area": area,
            "previous_area": areas[index - 1] if index > 0 else None,
            "next_area": areas[index + 1] if index + 1 < len(areas) else None,
            "rubric_tables": _rubric_tables([area]),
        },
    )


def _rubric_tables(areas) -> list[dict]:
    return [{"scheme": scheme, "rows": rubric_rows(scheme)} for scheme in schemes_used(areas)]
