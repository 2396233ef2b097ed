"""Turning a Report into HTML (web and print) and PDF (WeasyPrint)."""

from __future__ import annotations

import textwrap

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.forecasts.display import chart as forecast_chart
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports import charts
from kommunekompass.reports.data import Report


def _percent(points, maximum) -> float:
    return float(points) / float(maximum) * 100 if maximum else 0.0


def chart_svgs(report: Report, language: str) -> dict:
    """All charts of the report as inline SVG strings."""
    name = f"{report.evaluation.municipality_name} {report.evaluation.year}"
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
            [point.year for point in area.history],
            [float(point.points) for point in area.history],
            [point.current for point in area.history],
            float(area.result.max_points),
            versions=[point.version for point in area.history],
            salt=f"history-{area.spec.code}",
            language=language,
        )
        for area in report.areas
    }
    highlight = next(i for i, m in enumerate(report.group) if m.key == report.evaluation.id)
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
    municipality = report.evaluation.municipality_name
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


def report_context(report: Report, language: str | None = None, *, version=None) -> dict:
    """What the report's templates need. `version`: the published version shown (its number
    and date appear on the cover), None for a live report."""
    language = language or get_language() or "nb"
    svgs = chart_svgs(report, language)
    for area in report.areas:
        area.history_svg = svgs["histories"][area.spec.code]
    forecast = report.forecast_result
    return {
        "report": report,
        "info": report.evaluation,
        "version": version,
        "forecast": forecast,
        "forecast_svg": forecast_chart(forecast, salt="report-forecast") if forecast else "",
        "framework_name": pick_text(report.framework.name, language),
        "radar_svg": svgs["radar"],
        "ranking_svg": svgs["ranking"],
        "standing_text": standing_text(report, language),
    }


def render_body(report: Report, *, version=None) -> str:
    """The report's content for the web page (without the site's layout), in the active
    language. A published version's body never changes, so it can be cached."""
    return render_to_string("reports/_report_body.html", report_context(report, version=version))


def render_html(report: Report, request=None, *, standalone: bool = False, version=None) -> str:
    """The report as HTML: inside the site's layout, or as a standalone document for print."""
    if standalone:
        context = {**report_context(report, version=version), "charts_as_images": True}
        return render_to_string("reports/report_print.html", context, request)
    body = render_body(report, version=version)
    context = {"report": report, "info": report.evaluation, "body": body, "version": version}
    return render_to_string("reports/report_page.html", context, request)


def html_to_pdf(html: str) -> bytes:
    from kommunekompass.lib.pdf import html_to_pdf as safe_html_to_pdf

    return safe_html_to_pdf(html)


def render_pdf(report: Report, *, version=None) -> bytes:
    return html_to_pdf(render_html(report, standalone=True, version=version))
