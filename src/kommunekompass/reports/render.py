"""Turning a Report into HTML (web and print) and PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.forecasts.display import chart as forecast_chart
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.charts import svg
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports import figures
from kommunekompass.reports.data import Report


def chart_svgs(report: Report, language: str) -> dict:
    """All charts of the report as inline SVG strings, with their alternative texts
    ("radar_alt", "ranking_alt", "history_alts")."""
    radar = figures.radar(report, language)
    ranking = figures.ranking(report, language)
    histories = {area.spec.code: figures.history(area, language) for area in report.areas}
    return {
        "radar": svg(radar.draw(), "radar"),
        "radar_alt": radar.alt,
        "histories": {
            code: svg(figure.draw(), f"history-{code}") for code, figure in histories.items()
        },
        "history_alts": {code: figure.alt for code, figure in histories.items()},
        "ranking": svg(ranking.draw(), "ranking") if ranking else "",
        "ranking_alt": ranking.alt if ranking else "",
        "ranking_tall": bool(ranking and ranking.tall),
    }


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
        area.history_alt = svgs["history_alts"][area.spec.code]
    forecast = report.forecast_result
    return {
        "report": report,
        "info": report.evaluation,
        "version": version,
        "forecast": forecast,
        "forecast_svg": forecast_chart(forecast, salt="report-forecast") if forecast else "",
        "framework_name": pick_text(report.framework.name, language),
        "radar_svg": svgs["radar"],
        "radar_alt": svgs["radar_alt"],
        "ranking_svg": svgs["ranking"],
        "ranking_alt": svgs["ranking_alt"],
        "ranking_tall": svgs["ranking_tall"],
        "standing_text": standing_text(report, language),
    }


def render_body(report: Report, *, version=None) -> str:
    """The report's content for the web page (without the site's layout), in the active
    language. A published version's body never changes, so it can be cached."""
    return render_to_string("reports/_report_body.html", report_context(report, version=version))


def render_html(report: Report, request=None, *, standalone: bool = False, version=None) -> str:
    """The report as HTML: inside the site's layout, or as a standalone document for print."""
    if standalone:
        context = {
            **report_context(report, version=version),
            "charts_as_images": True,
            "print_layout": True,
        }
        return render_to_string("reports/report_print.html", context, request)
    body = render_body(report, version=version)
    context = {"report": report, "info": report.evaluation, "body": body, "version": version}
    return render_to_string("reports/report_page.html", context, request)


def html_to_pdf(html: str) -> bytes:
    from kommunekompass.lib.pdf import html_to_pdf as safe_html_to_pdf

    return safe_html_to_pdf(html)


def render_pdf(report: Report, *, version=None) -> bytes:
    return html_to_pdf(render_html(report, standalone=True, version=version))
