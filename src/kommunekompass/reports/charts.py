"""The report's charts as SVG, drawn with matplotlib (see lib.charts). No database access:
each function takes plain numbers and labels."""

from __future__ import annotations

import math

from matplotlib import rc_context
from matplotlib.figure import Figure

from kommunekompass.lib.charts import ACCENT, GROUP, INK, MUTED, RC, figures, number, svg


def radar_chart(
    labels: list[str],
    values: list[float],
    averages: list[float] | None,
    *,
    name: str,
    group_label: str,
    language: str = "nb",
) -> str:
    """A radar of the areas, each as per cent of its maximum, with the group's average."""
    with rc_context(RC):
        figure = Figure(figsize=(6.6, 5.6))
        figure.subplots_adjust(left=0.16, right=0.84, top=0.88, bottom=0.2)
        axes = figure.add_subplot(projection="polar")
        count = len(labels)
        angles = [2 * math.pi * i / count for i in range(count)]
        closed = angles + angles[:1]
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_ylim(0, 100)
        axes.set_yticks([20, 40, 60, 80, 100])
        axes.set_yticklabels(["20", "40", "60", "80", "100"], color=MUTED, fontsize=7)
        axes.set_xticks(angles)
        axes.set_xticklabels(labels, fontsize=7.5)
        axes.tick_params(axis="x", pad=14)
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
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
        description = f"{name}: {figures(zip(labels, values, strict=True), 0, language, ' %')}."
        if averages:
            description += (
                f" {group_label}: {figures(zip(labels, averages, strict=True), 0, language, ' %')}."
            )
        return svg(figure, "radar", description)


def history_chart(
    years: list[int],
    points: list[float],
    current: list[bool],
    maximum: float,
    *,
    salt: str,
    versions: list[str] | None = None,
    language: str = "nb",
) -> str:
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
        pairs = zip(years, points, strict=True)
        description = f"{figures(pairs, 0, language)} (max {number(maximum, 0, language)})"
        return svg(figure, salt, description)


def ranking_chart(
    names: list[str],
    totals: list[float],
    highlight: int,
    average: float | None,
    *,
    average_label: str,
    language: str = "nb",
) -> str:
    """The group's totals, highest first, with this municipality (index `highlight`) marked."""
    with rc_context(RC):
        figure = Figure(figsize=(7.2, 3.6))
        labelled = len(totals) <= 20
        figure.subplots_adjust(left=0.08, right=0.99, top=0.93, bottom=0.42 if labelled else 0.06)
        axes = figure.add_subplot()
        positions = list(range(len(totals)))
        colors = [ACCENT if i == highlight else MUTED for i in positions]
        axes.bar(positions, totals, color=colors, width=0.8)
        if average is not None:
            axes.axhline(average, color=GROUP, linestyle="--", linewidth=1.5)
            axes.annotate(
                f"{average_label}: {number(average, 0, language)}",
                (len(totals) - 0.5, average),
                ha="right",
                va="bottom",
                fontsize=8,
                color=INK,
                xytext=(0, 2),
                textcoords="offset points",
            )
        if labelled:
            axes.set_xticks(positions)
            axes.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
            marked = axes.get_xticklabels()[highlight]
            marked.set_fontweight("bold")
            marked.set_color(ACCENT)
        else:
            axes.set_xticks([])
        axes.annotate(
            number(totals[highlight], 0, language),
            (highlight, totals[highlight]),
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            color=ACCENT,
            xytext=(0, 2),
            textcoords="offset points",
        )
        low = min(totals) if totals else 0
        axes.set_ylim(max(0, low * 0.85 if len(totals) > 1 else 0), max(totals) * 1.12)
        axes.spines[["top", "right"]].set_visible(False)
        description = figures(zip(names, totals, strict=True), 0, language)
        if average is not None:
            description += f"; {average_label}: {number(average, 0, language)}"
        return svg(figure, "ranking", description)
