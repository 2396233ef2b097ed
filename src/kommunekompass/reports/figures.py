"""The report's charts as figures with their alternative texts, made from a Report alone.

The web page and the PDF draw them as SVG, the Word document as PNG: `ReportFigure.draw()`
gives the same matplotlib figure to both. The alternative text says in words what the chart
shows (the PDF's structure tree and the Word picture's description carry it), in the active
language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.numbers import format_points
from kommunekompass.reports import charts
from kommunekompass.reports.data import AreaReport, Report
from kommunekompass.reports.shapes import unscored


@dataclass
class ReportFigure:
    key: str  # "radar", "ranking", "history-<area code>"
    draw: Callable[[], Figure]
    alt: str
    tall: bool = False  # takes a page of its own in print


def _percent(points, maximum) -> float:
    return float(points) / float(maximum) * 100 if maximum else 0.0


def area_label(area: AreaReport, language: str) -> str:
    return f"{area.spec.code}. {pick_text(area.spec.name, language)}"


def radar(report: Report, language: str) -> ReportFigure:
    name = f"{report.evaluation.municipality_name} {report.evaluation.year}"
    labels = [area_label(area, language) for area in report.areas]
    values = [_percent(area.result.points, area.result.max_points) for area in report.areas]
    averages = [
        _percent(area.group_average, area.result.max_points)
        for area in report.areas
        if area.group_average is not None
    ]
    group_label = _("Average, %(group)s") % {"group": report.group_name}

    def draw() -> Figure:
        return charts.radar_figure(
            labels, values, averages or None, name=name, group_label=group_label, language=language
        )

    parts = []
    for area, label in zip(report.areas, labels, strict=True):
        own = (
            "–"
            if unscored(area.result)
            else format_points(_percent(area.result.points, area.result.max_points), 0, language)
        )
        if area.group_average is None:
            parts.append(_("%(area)s: %(own)s %%") % {"area": label, "own": own})
        else:
            average = format_points(
                _percent(area.group_average, area.result.max_points), 0, language
            )
            parts.append(
                _("%(area)s: %(own)s %% (average %(average)s %%)")
                % {"area": label, "own": own, "average": average}
            )
    alt = _(
        "Radar chart of the points per focus area in per cent of the maximum, %(name)s against "
        "the average of %(group)s. %(areas)s."
    ) % {"name": name, "group": report.group_name, "areas": "; ".join(parts)}
    return ReportFigure("radar", draw, alt)


def ranking(report: Report, language: str) -> ReportFigure | None:
    """The group's totals; None when the municipality is alone in its group."""
    if len(report.group) < 2:
        return None
    names = [m.name for m in report.group]
    totals = [float(m.total) for m in report.group]
    highlight = next(i for i, m in enumerate(report.group) if m.key == report.evaluation.id)
    average = float(report.group_average_total) if report.group_average_total is not None else None
    average_label = _("Average")

    def draw() -> Figure:
        return charts.ranking_figure(
            names, totals, highlight, average, average_label=average_label, language=language
        )

    first, last = report.group[0], report.group[-1]
    alt = _(
        "Bar chart of the total points of the %(count)s municipalities in %(group)s, highest "
        "first, each named, the axis from 0. %(municipality)s has %(total)s points, number "
        "%(rank)s. Highest: %(first)s, %(first_total)s; lowest: %(last)s, %(last_total)s; "
        "average %(average)s."
    ) % {
        "count": len(report.group),
        "group": report.group_name,
        "municipality": report.evaluation.municipality_name,
        "total": format_points(report.group[highlight].total, 0, language),
        "rank": report.standing.rank,
        "first": first.name,
        "first_total": format_points(first.total, 0, language),
        "last": last.name,
        "last_total": format_points(last.total, 0, language),
        "average": format_points(report.group_average_total, 0, language),
    }
    return ReportFigure("ranking", draw, alt, tall=len(totals) >= charts.RANKING_TALL)


def history(area: AreaReport, language: str) -> ReportFigure:
    years = [point.year for point in area.history]
    points = [float(point.points) for point in area.history]
    current = [point.current for point in area.history]
    versions = [point.version for point in area.history]
    maximum = float(area.result.max_points)

    def draw() -> Figure:
        return charts.history_figure(
            years, points, current, maximum, versions=versions, language=language
        )

    figures = ", ".join(
        f"{point.year}: {format_points(point.points, 0, language)}" for point in area.history
    )
    alt = _(
        "Bar chart of the points of %(area)s at each evaluation (of %(maximum)s): %(figures)s."
    ) % {
        "area": area_label(area, language),
        "maximum": format_points(area.result.max_points, 0, language),
        "figures": figures,
    }
    return ReportFigure(f"history-{area.spec.code}", draw, alt)
