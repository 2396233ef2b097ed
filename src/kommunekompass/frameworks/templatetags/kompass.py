"""Template filters for framework texts and points in the active language."""

from django import template
from django.utils.translation import get_language

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.numbers import format_points

register = template.Library()


@register.filter
def localized(text) -> str:
    """{nb: ..., en: ...} -> the text in the active language."""
    return pick_text(text, get_language())


@register.filter
def points(value, decimals=0) -> str:
    """Points rounded for display with the language's decimal separator: 6,7 in nb."""
    return format_points(value, int(decimals), get_language() or "nb")


@register.filter
def person(user) -> str:
    """A user's full name, else username; an en dash for nobody."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username


@register.filter
def anchor(code) -> str:
    """A code as it appears in HTML ids: "6.3.1" -> "6-3-1"."""
    return str(code).replace(".", "-")
