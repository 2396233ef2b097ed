"""A survey's trend as an SVG chart: K (or the mean experience) per period, for all statements
together and for each statement. No database access; the page's table is its text version."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kommunekompass.lib.charts import ACCENT, INK, MUTED, RC, number, svg


def trend_chart(
    labels: list[str],
    total: list[float | None],
    statements: list[list[float | None]],
    *,
    quality: bool,
    language: str = "nb",
    salt: str = "survey",
) -> str:
    """`total` and each of `statements` hold one value per period label (None: not shown)."""
    with translation.override(language), rc_context(RC):
        figure = Figure(figsize=(6.4, 3.0))
        figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.16)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))

        def points(values):
            return [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]

        for values in statements:
            shown = points(values)
            if shown:
                xs, ys = zip(*shown, strict=True)
                axes.plot(xs, ys, color=MUTED, linewidth=1, marker="o", markersize=3)
        shown = points(total)
        if shown:
            xs, ys = zip(*shown, strict=True)
            axes.plot(xs, ys, color=ACCENT, linewidth=2.5, marker="o", markersize=6)
            for x, y in shown:
                axes.annotate(
                    number(y, 2, language),
                    (x, y),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=INK,
                    xytext=(0, 6),
                    textcoords="offset points",
                )
        else:
            axes.text(
                0.5,
                0.5,
                _("Too few respondents to show results"),
                transform=axes.transAxes,
                ha="center",
                va="center",
                color=MUTED,
            )
        if quality:
            axes.axhline(1.0, color=MUTED, linestyle="--", linewidth=1)
        axes.set_xticks(positions, labels)
        axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: number(v, 2, language)))
        axes.set_title(
            _("Experienced quality K = O / F per period")
            if quality
            else _("Mean experience per period"),
            fontsize=10,
            color=INK,
        )
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return svg(figure, salt)
