"""The yearly change in expenditure need per service area as an SVG line chart, in the look of
the report's charts (lib.charts). No database: plain labels and numbers."""

from __future__ import annotations

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kommunekompass.lib.charts import INK, MUTED, RC, svg

# Six services and more: colours that differ for most kinds of colour vision.
COLOURS = ["#0b5c8a", "#e0a030", "#1e7b4c", "#a3282f", "#6b4c9a", "#5b6b79", "#00a3c4", "#8c564b"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _thousands(value: float, language: str) -> str:
    text = f"{value:,.0f}"
    if language.startswith(("nb", "nn", "no", "sv")):
        return text.replace(",", "\u00a0").replace("-", "−")
    return text


def change_chart(
    years: list[int],
    series: list[tuple[str, list[float]]],
    *,
    unit_label: str,
    language: str = "nb",
    salt: str = "forecast",
) -> str:
    """One line per service area: the change in need from the year before, in 1000 kroner."""
    with rc_context(RC):
        figure = Figure(figsize=(7.2, 3.8))
        figure.subplots_adjust(left=0.11, right=0.98, top=0.93, bottom=0.3)
        axes = figure.add_subplot()
        for index, (name, values) in enumerate(series):
            axes.plot(
                years,
                values,
                color=COLOURS[index % len(COLOURS)],
                marker=MARKERS[index % len(MARKERS)],
                markersize=4,
                linewidth=1.8,
                label=name,
            )
        axes.axhline(0, color=INK, linewidth=0.8)
        axes.set_xticks(years)
        axes.set_xticklabels([str(y) for y in years], fontsize=8)
        axes.yaxis.set_major_locator(MaxNLocator(7))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _thousands(v, language)))
        axes.set_ylabel(unit_label, fontsize=8)
        axes.grid(axis="y", color=MUTED, alpha=0.4)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False, fontsize=8
        )
        return svg(figure, salt)
