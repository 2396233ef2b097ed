"""Chart basics shared by every app's charts: colours, matplotlib settings, numbers in the
language's form, and a figure as inline SVG whose text stays text (it prints sharply and can be
searched). No database access."""

from __future__ import annotations

import html
import io
import re

from matplotlib import rc_context
from matplotlib.figure import Figure

ACCENT = "#0b5c8a"
GROUP = "#e0a030"
MUTED = "#9aa9b6"
INK = "#1d2a36"

RC = {
    "svg.fonttype": "none",  # keep text as <text>, not paths
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def number(value: float, decimals: int, language: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if language.startswith(("nb", "nn", "no", "sv")) else text


def png(figure: Figure, dpi: int = 150) -> bytes:
    """The figure as a PNG image (for documents that cannot hold SVG, such as .docx)."""
    buffer = io.BytesIO()
    with rc_context(RC):
        figure.savefig(
            buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None}
        )
    return buffer.getvalue()


def svg(figure: Figure, salt: str, description: str = "") -> str:
    """The figure as inline SVG. `description` is its text alternative with the figures (WCAG
    1.1.1): the SVG becomes one image (role="img") named by a <title> that holds it."""
    buffer = io.StringIO()
    with rc_context({**RC, "svg.hashsalt": salt}):
        # No bbox_inches="tight": it draws the figure twice. Margins are set per chart instead.
        figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG goes inline
    # Several charts share one page: make their element ids unique.
    svg = re.sub(r'id="([^"]+)"', rf'id="{salt}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{salt}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{salt}-\1"', svg)
    # Let the page size the chart: keep the viewBox, drop the fixed width and height.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    if description:
        title_id = f"{salt}-title"
        svg = re.sub(
            r"<svg([^>]*)>",
            lambda m: (
                f'<svg{m.group(1)} role="img" aria-labelledby="{title_id}">'
                f'<title id="{title_id}">{html.escape(description)}</title>'
            ),
            svg,
            count=1,
        )
    return svg


def figures(pairs, decimals: int, language: str, unit: str = "") -> str:
    """'label value unit; label value unit' for a chart's text alternative."""
    return "; ".join(f"{label} {number(value, decimals, language)}{unit}" for label, value in pairs)
