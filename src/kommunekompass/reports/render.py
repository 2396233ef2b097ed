"""Turning a Report into HTML (web and print) and PDF (WeasyPrint)."""

from __future__ import annotations

import textwrap

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.reports import charts
from kommunekompass.reports.data import Report
from kommunekompass.scoring.display import format_points


def _percent(points, maximum) -> float:
    return float(points) / float(maximum) * 100 if maximum else 0.0


def chart_svgs(report: Report, language: str) -> dict:
    """All charts of the report as inline SVG strings."""
    name = f"{report.evaluation.municipality.name} {report.evaluation.year}"
    radar = charts.radar_chart(
        [
            textwrap.fill(f"{area.spec.code}. {pick_text(area.spec.name, language)}", 18)
            for area in report.areas
        ],
        [_percent(area.result.points, area.result.max_points) for area in report.areas],
        [
            _percent(area.group_average, area.result.max_points)
            for area in report.areas
            if area.group_average is not None
        ]
        or None,
        name=name,
        group_label=_("Average, %(group)s") % {"group": report.group_name},
        language=language,
    )
    histories = {
        area.spec.code: charts.history_chart(
            [year for year, _points, _current, _version in area.history],
            [float(points) for _year, points, _current, _version in area.history],
            [current for _year, _points, current, _version in area.history],
            float(area.result.max_points),
            versions=[version for _year, _points, _current, version in area.history],
            salt=f"history-{area.spec.code}",
            language=language,
        )
        for area in report.areas
    }
    highlight = next(i for i, m in enumerate(report.group) if m.key == report.evaluation.pk)
    if len(report.group) < 2:
        return {"radar": radar, "histories": histories, "ranking": ""}
    ranking = charts.ranking_chart(
        [m.name for m in report.group],
        [float(m.total) for m in report.group],
        highlight,
        float(report.group_average_total) if report.group_average_total is not None else None,
        average_label=_("Average"),
        language=language,
    )
    return {"radar": radar, "histories": histories, "ranking": ranking}


def standing_text(report: Report, language: str) -> str:
    s = report.standing
    municipality = report.evaluation.municipality.name
    if s.size <= 1:
        return _("%(municipality)s is the only evaluated municipality in the group so far.") % {
            "municipality": municipality
        }
    return _(
        "%(municipality)s has %(total)s points and is number %(rank)s of %(size)s in the "
        "comparison group (%(group)s): higher than %(percent)s %% of the others."
    ) % {
        "municipality": municipality,
        "total": format_points(report.result.points, 0, language),
        "rank": s.rank,
        "size": s.size,
        "group": report.group_name,
        "percent": format_points(s.percentile * 100, 0, language),
    }


def report_context(report: Report, language: str | None = None) -> dict:
    language = language or get_language() or "nb"
    svgs = chart_svgs(report, language)
    for area in report.areas:
        area.history_svg = svgs["histories"][area.spec.code]
    return {
        "report": report,
        "evaluation": report.evaluation,
        "framework_name": pick_text(report.spec.name, language),
        "radar_svg": svgs["radar"],
        "ranking_svg": svgs["ranking"],
        "standing_text": standing_text(report, language),
    }


def render_html(report: Report, request=None, *, standalone: bool = False) -> str:
    """The report as HTML: inside the site's layout, or as a standalone document for print."""
    context = {**report_context(report), "charts_as_images": standalone}
    template = "reports/report_print.html" if standalone else "reports/report_page.html"
    return render_to_string(template, context, request)


def html_to_pdf(html: str) -> bytes:
    from kommunekompass.lib.pdf import html_to_pdf as safe_html_to_pdf

    return safe_html_to_pdf(html)


def render_pdf(report: Report) -> bytes:
    return html_to_pdf(render_html(report, standalone=True))
