"""The report's charts, drawn with matplotlib (see lib.charts). No database access: each
function takes plain numbers and labels.

Each chart has a `*_figure` function that draws the matplotlib figure, so the web page and the
PDF (SVG, text kept as text) and the Word document (PNG) show the same drawing; the
`*_chart` functions give the SVG.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib import rc_context
from matplotlib.figure import Figure

from kommunekompass.lib.charts import ACCENT, GROUP, INK, MUTED, RC, figures, number, svg

# Radar labels: wrapped to this many characters a line, in this size (points). The chart is
# printed about 150 mm wide (a scale of 0.85), so 10 pt labels print at about 8.5 pt.
RADAR_LABEL_WIDTH = 16
RADAR_LABEL_SIZE = 10


def wrap_label(text: str, width: int = RADAR_LABEL_WIDTH) -> str:
    """A long label on several lines of at most `width` characters (a longer word stays whole)."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=True) or text


def radar_figure(
    labels: list[str],
    values: list[float],
    averages: list[float] | None,
    *,
    name: str,
    group_label: str,
    language: str = "nb",
) -> Figure:
    """A radar of the areas, each as per cent of its maximum, with the group's average."""
    with rc_context(RC):
        figure = Figure(figsize=(7.0, 6.4))
        figure.subplots_adjust(left=0.2, right=0.8, top=0.86, bottom=0.2)
        axes = figure.add_subplot(projection="polar")
        count = len(labels)
        angles = [2 * math.pi * i / count for i in range(count)]
        closed = angles + angles[:1]
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_ylim(0, 100)
        axes.set_yticks([20, 40, 60, 80, 100])
        axes.set_yticklabels(["20", "40", "60", "80", "100"], color=MUTED, fontsize=8)
        axes.set_xticks(angles)
        axes.set_xticklabels([wrap_label(label) for label in labels], fontsize=RADAR_LABEL_SIZE)
        axes.tick_params(axis="x", pad=16)
        axes.plot(closed, values + values[:1], color=ACCENT, linewidth=2, label=name)
        axes.fill(closed, values + values[:1], color=ACCENT, alpha=0.15)
        if averages:
            axes.plot(
                closed,
                averages + averages[:1],
                color=GROUP,
                linewidth=2,
                linestyle="--",
                label=group_label,
            )
        axes.grid(color=MUTED, alpha=0.5)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncol=2,
            frameon=False,
            fontsize=RADAR_LABEL_SIZE,
        )
        return figure


def radar_chart(labels, values, averages, *, name, group_label, language="nb") -> str:
    figure = radar_figure(
        labels, values, averages, name=name, group_label=group_label, language=language
    )
    description = f"{name}: {figures(zip(labels, values, strict=True), 0, language, ' %')}."
    if averages:
        description += (
            f" {group_label}: {figures(zip(labels, averages, strict=True), 0, language, ' %')}."
        )
    return svg(figure, "radar", description)


def history_figure(
    years: list[int],
    points: list[float],
    current: list[bool],
    maximum: float,
    *,
    versions: list[str] | None = None,
    language: str = "nb",
) -> Figure:
    """Bars of one area's points at each evaluation, the current one highlighted. Where the
    framework version changes between two bars, a dashed line marks the break."""
    with rc_context(RC):
        figure = Figure(figsize=(3.4, 2.3))
        figure.subplots_adjust(left=0.12, right=0.98, top=0.95, bottom=0.12)
        axes = figure.add_subplot()
        positions = list(range(len(years)))
        colors = [ACCENT if is_current else MUTED for is_current in current]
        bars = axes.bar(positions, points, color=colors, width=0.6)
        for bar, value in zip(bars, points, strict=True):
            axes.annotate(
                number(value, 0, language),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 2),
                textcoords="offset points",
            )
        axes.set_xticks(positions)
        axes.set_xticklabels([str(y) for y in years])
        axes.set_ylim(0, maximum * 1.12)
        for index in range(1, len(years)):
            if versions and versions[index] != versions[index - 1]:
                axes.axvline(index - 0.5, color=INK, linestyle="--", linewidth=1)
                axes.annotate(
                    versions[index],
                    (index - 0.5, maximum * 1.08),
                    ha="left",
                    va="top",
                    fontsize=7,
                    color=INK,
                    xytext=(3, 0),
                    textcoords="offset points",
                )
        axes.axhline(maximum, color=MUTED, linewidth=0.8, linestyle=":")
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlim(-0.6, max(len(years), 3) - 0.4)
        return figure


def history_chart(years, points, current, maximum, *, salt, versions=None, language="nb") -> str:
    figure = history_figure(years, points, current, maximum, versions=versions, language=language)
    pairs = zip(years, points, strict=True)
    description = f"{figures(pairs, 0, language)} (max {number(maximum, 0, language)})"
    return svg(figure, salt, description)


# The ranking: one bar a municipality, named, its axis from 0. Its height grows with the group.
RANKING_WIDTH = 7.0  # inches
RANKING_ROW = 0.16  # inches a municipality
RANKING_MARGIN = 0.9  # inches above and below the bars (average label, axis)
RANKING_TALL = 24  # from this many municipalities the chart takes a page of its own in print


def ranking_height(count: int) -> float:
    return RANKING_MARGIN + RANKING_ROW * max(count, 3)


def ranking_figure(
    names: list[str],
    totals: list[float],
    highlight: int,
    average: float | None,
    *,
    average_label: str,
    language: str = "nb",
) -> Figure:
    """The group's totals, highest first, as horizontal bars from 0, every municipality named,
    each bar with its points; this municipality (index `highlight`) marked."""
    with rc_context(RC):
        height = ranking_height(len(totals))
        figure = Figure(figsize=(RANKING_WIDTH, height))
        longest = max((len(n) for n in names), default=10)
        left = min(0.4, (0.35 + 0.065 * longest) / RANKING_WIDTH)
        figure.subplots_adjust(left=left, right=0.95, top=1 - 0.45 / height, bottom=0.4 / height)
        axes = figure.add_subplot()
        positions = list(range(len(totals)))
        colors = [ACCENT if i == highlight else MUTED for i in positions]
        axes.barh(positions, totals, color=colors, height=0.75)
        axes.invert_yaxis()  # highest at the top
        axes.set_yticks(positions)
        axes.set_yticklabels(names, fontsize=8)
        marked = axes.get_yticklabels()[highlight]
        marked.set_fontweight("bold")
        marked.set_color(ACCENT)
        for index, value in enumerate(totals):
            axes.annotate(
                number(value, 0, language),
                (value, index),
                ha="left",
                va="center",
                fontsize=7,
                fontweight="bold" if index == highlight else "normal",
                color=ACCENT if index == highlight else INK,
                xytext=(2, 0),
                textcoords="offset points",
            )
        top = max(totals, default=0) or 1
        axes.set_xlim(0, top * 1.1)  # from 0: the bars' lengths compare honestly
        axes.set_ylim(len(totals) - 0.5, -0.5)
        if average is not None:
            axes.axvline(average, color=GROUP, linestyle="--", linewidth=1.5)
            axes.annotate(
                f"{average_label}: {number(average, 0, language)}",
                (average, -0.5),
                ha="center",
                va="bottom",
                fontsize=8,
                color=INK,
                xytext=(0, 3),
                textcoords="offset points",
                annotation_clip=False,
            )
        axes.tick_params(axis="y", length=0)
        axes.spines[["top", "right"]].set_visible(False)
        axes.xaxis.set_major_formatter(lambda value, _position: number(value, 0, language))
        return figure


def ranking_chart(names, totals, highlight, average, *, average_label, language="nb") -> str:
    figure = ranking_figure(
        names, totals, highlight, average, average_label=average_label, language=language
    )
    description = figures(zip(names, totals, strict=True), 0, language)
    if average is not None:
        description += f"; {average_label}: {number(average, 0, language)}"
    return svg(figure, "ranking", description)
