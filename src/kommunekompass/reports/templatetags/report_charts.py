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
