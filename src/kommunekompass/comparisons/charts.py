"""The comparison pages' charts as SVG, drawn with matplotlib (see lib.charts): a
municipality's rounds and where a total stands among a group's. No database access (the
distribution chart is kept in the cache)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language
from matplotlib import rc_context
from matplotlib.figure import Figure

from kommunekompass.lib.charts import ACCENT, INK, MUTED, RC, figures, number, svg


def rounds_chart(
    years: list[int],
    totals: list[float],
    versions: list[str],
    maximum: float,
    *,
    language: str = "nb",
) -> str:
    """A municipality's total at each round; a dashed line where the framework changed."""
    with rc_context(RC):
        figure = Figure(figsize=(7.2, 2.8))
        figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.14)
        axes = figure.add_subplot()
        positions = list(range(len(years)))
        # One line per framework version: the line is broken where the framework changed.
        start = 0
        for index in range(1, len(years) + 1):
            if index == len(years) or versions[index] != versions[start]:
                axes.plot(
                    positions[start:index],
                    totals[start:index],
                    color=ACCENT,
                    marker="o",
                    linewidth=2,
                )
                start = index
        for x, value in zip(positions, totals, strict=True):
            axes.annotate(
                number(value, 0, language),
                (x, value),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 5),
                textcoords="offset points",
            )
        for index in range(1, len(years)):
            if versions[index] != versions[index - 1]:
                axes.axvline(index - 0.5, color=INK, linestyle="--", linewidth=1)
                axes.annotate(
                    versions[index],
                    (index - 0.5, maximum),
                    ha="left",
                    va="top",
                    fontsize=7,
                    xytext=(3, -2),
                    textcoords="offset points",
                )
        axes.set_xticks(positions)
        axes.set_xticklabels([str(y) for y in years])
        axes.set_ylim(0, maximum * 1.08)
        axes.set_xlim(-0.5, max(len(years), 2) - 0.5)
        axes.spines[["top", "right"]].set_visible(False)
        return svg(figure, "rounds", figures(zip(years, totals, strict=True), 0, language))


def distribution_chart(
    totals: list[float],
    highlight: float | None,
    maximum: float,
    *,
    label: str = "",
    language: str = "nb",
) -> str:
    """How the group's totals spread (a histogram), with one municipality's total marked."""
    with rc_context(RC):
        figure = Figure(figsize=(7.2, 2.6))
        figure.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.16)
        axes = figure.add_subplot()
        bins = [maximum * i / 20 for i in range(21)]
        axes.hist(totals, bins=bins, color=MUTED, edgecolor="white")
        if highlight is not None:
            axes.axvline(highlight, color=ACCENT, linewidth=2.5)
            axes.annotate(
                label,
                (highlight, axes.get_ylim()[1]),
                ha="left",
                va="top",
                fontsize=8,
                color=ACCENT,
                fontweight="bold",
                xytext=(4, -2),
                textcoords="offset points",
            )
        axes.set_xlim(0, maximum)
        axes.spines[["top", "right"]].set_visible(False)
        # The text alternative: how many totals fall in each fifth of the scale, and the mark.
        fifths = [maximum * i / 5 for i in range(6)]
        counts = [
            sum(1 for t in totals if low <= t < high or (high == maximum and t == maximum))
            for low, high in zip(fifths, fifths[1:], strict=False)
        ]
        description = "; ".join(
            f"{number(low, 0, language)}–{number(high, 0, language)}: {count}"
            for low, high, count in zip(fifths, fifths[1:], counts, strict=False)
        )
        if highlight is not None and label:
            description += f"; {label}"
        return svg(figure, "distribution", description)


def cached_distribution_chart(members, highlight, max_points) -> str:
    """The histogram of the members' totals (comparisons.ranking.Member), with `highlight`'s
    marked; drawn once per set of totals and kept in the cache. Empty without members."""
    if not members:
        return ""
    totals = tuple(sorted(float(m.total) for m in members))
    marked = float(highlight.total) if highlight else None
    label = highlight.name if highlight else ""
    language = get_language() or "nb"
    key = (
        "distribution:"
        + hashlib.sha256(
            repr((totals, marked, label, float(max_points), language)).encode()
        ).hexdigest()
    )
    chart = cache.get(key)
    if chart is None:
        chart = distribution_chart(
            list(totals), marked, float(max_points), label=label, language=language
        )
        cache.set(key, chart, 60 * 60)
    return chart
