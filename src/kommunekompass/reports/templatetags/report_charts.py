"""Charts in the printed report: SVG as an image, which WeasyPrint draws as vector graphics
faster than an inline SVG whose every element it would style like HTML."""

import base64

from django import template

register = template.Library()


@register.filter
def svg_image(svg: str) -> str:
    """An inline <svg> document as a data: URI for <img src>."""
    if 'xmlns="http://www.w3.org/2000/svg"' not in svg[:300]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@register.filter
def node_points(node, decimals=0) -> str:
    """A node's points for display; "–" when nothing below it is scored (never a false 0)."""
    from django.utils.translation import get_language

    from kommunekompass.lib.numbers import format_points
    from kommunekompass.reports.shapes import unscored

    if unscored(node):
        return "–"
    return format_points(node.points, int(decimals), get_language() or "nb")


@register.filter
def is_unscored(node) -> bool:
    from kommunekompass.reports.shapes import unscored

    return unscored(node)


@register.filter
def labelled_svg(svg: str, label: str):
    """An inline <svg> chart that assistive technology reads as one image with `label` as its
    text (role="img", aria-label, and a <title> for those that read it). A chart that already
    carries its figures as a text alternative (lib.charts.svg with a description) keeps them,
    after the label."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if not svg:
        return ""
    text = escape(label or "")
    opening_end = svg.index(">", svg.index("<svg")) + 1
    opening, rest = svg[:opening_end], svg[opening_end:]
    described = re.match(r'<title id="[^"]*">(.*?)</title>', rest, re.S)
    if 'role="img"' in opening and described:
        opening = re.sub(r' role="img" aria-labelledby="[^"]*"', "", opening, count=1)
        rest = rest[described.end() :]
        text = f"{text}: {described.group(1)}" if text else described.group(1)
    opening = opening.replace("<svg", f'<svg role="img" aria-label="{text}"', 1)
    return mark_safe(f"{opening}<title>{text}</title>{rest}")  # noqa: S308
