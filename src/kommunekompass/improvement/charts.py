"""An indicator's measurements as an SVG chart, in the look of the report's charts.

No database access: the function takes plain labels and numbers. Text stays text (see
lib.charts.RC), numbers use the language's decimal separator.
"""

from __future__ import annotations

import math

from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kommunekompass.lib.charts import ACCENT, INK, MUTED, RC, figures, number, svg

TARGET = "#1e7b4c"  # the report's green (strengths)


def decimals_needed(values: list[float], most: int = 3) -> int:
    """The fewest decimals (up to `most`) that show every value as it is stored."""
    for decimals in range(most + 1):
        if all(math.isclose(round(v, decimals), v, abs_tol=1e-9) for v in values):
            return decimals
    return most


def indicator_chart(
    points: list[tuple[str, float]],
    *,
    baseline: float | None,
    target: float | None,
    unit: str,
    higher_is_better: bool,
    language: str = "nb",
    salt: str = "indicator",
) -> str:
    """The measured values as a line over the period labels (in order), with the baseline as a
    dashed grey line and the target as a dashed green one."""
    labels = [label for label, _value in points]
    values = [float(value) for _label, value in points]
    references = [v for v in (baseline, target) if v is not None]
    decimals = decimals_needed(values + references)
    with translation.override(language), rc_context(RC):
        figure = Figure(figsize=(6.4, 3.0))
        rotate = len(labels) > 6
        figure.subplots_adjust(left=0.11, right=0.8, top=0.9, bottom=0.27 if rotate else 0.14)
        axes = figure.add_subplot()
        positions = list(range(len(values)))

        if values:
            axes.plot(positions, values, color=ACCENT, marker="o", linewidth=2, markersize=5)
            # Many points: label only the first and the last, the axis gives the rest.
            labelled = positions if len(values) <= 8 else [0, len(values) - 1]
            for x in labelled:
                value = values[x]
                axes.annotate(
                    number(value, decimals, language),
                    (x, value),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=INK,
                    xytext=(0, 5),
                    textcoords="offset points",
                )
        else:
            axes.text(
                0.5,
                0.5,
                _("No measurements yet"),
                transform=axes.transAxes,
                ha="center",
                va="center",
                color=MUTED,
                fontsize=10,
            )

        everything = values + references
        low, high = (min(everything), max(everything)) if everything else (0.0, 1.0)
        span = (high - low) or abs(high) or 1.0
        axes.set_ylim(low - span * 0.25, high + span * 0.3)
        axes.set_xlim(-0.5, max(len(values), 1) - 0.5)
        axes.set_xticks(positions)
        axes.set_xticklabels(
            labels, rotation=45 if rotate else 0, ha="right" if rotate else "center"
        )
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ticks = [float(t) for t in axes.get_yticks()]
        tick_decimals = decimals_needed(ticks)
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: number(value, tick_decimals, language))
        )
        if unit:
            axes.set_ylabel(unit)

        # Reference lines, labelled to the right of the plot; the higher label sits above its
        # line and the lower one below, so the two do not overlap when they lie close.
        drawn = [
            (value, label, colour)
            for value, label, colour in (
                (baseline, _("Baseline"), MUTED),
                (target, _("Target"), TARGET),
            )
            if value is not None
        ]
        for value, label, colour in drawn:
            axes.axhline(value, color=colour, linestyle="--", linewidth=1.4)
            if len(drawn) < 2:
                above = True
            elif baseline == target:
                above = colour == TARGET
            else:
                above = value == max(baseline, target)
            axes.annotate(
                f"{label}: {number(value, decimals, language)}",
                (1.0, value),
                xycoords=("axes fraction", "data"),
                ha="left",
                va="bottom" if above else "top",
                fontsize=8,
                color=INK if colour == MUTED else colour,
                xytext=(4, 1 if above else -1),
                textcoords="offset points",
            )

        axes.set_title(
            ("↑ " + _("Higher is better")) if higher_is_better else ("↓ " + _("Lower is better")),
            loc="left",
            fontsize=7.5,
            color=MUTED,
        )
        axes.grid(axis="y", color=MUTED, alpha=0.3, linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
        # The text alternative: every measurement, the baseline and the target, the direction.
        parts = [figures(zip(labels, values, strict=True), decimals, language, unit=f" {unit}")]
        parts += [f"{label}: {number(value, decimals, language)}" for value, label, _c in drawn]
        parts.append(_("Higher is better") if higher_is_better else _("Lower is better"))
        return svg(figure, salt, "; ".join(part for part in parts if part))
