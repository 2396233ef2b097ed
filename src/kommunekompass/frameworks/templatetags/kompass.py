"""Template filters for framework texts and points in the active language."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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


@register.simple_tag
def framework_language_note(spec) -> str:
    """A note when the framework has no texts in the active language: which language its
    texts are shown in instead (bokmål, else English). Empty when it has them."""
    language = (get_language() or "nb").split("-")[0]
    shown = spec.text_language(language)
    if shown == language:
        return ""
    names = dict(settings.LANGUAGES)
    message = _("This framework has no texts in %(language)s; they are shown in %(shown)s.") % {
        "language": names.get(language, language),
        "shown": names.get(shown, shown),
    }
    return format_html('<p class="notice" role="note" lang="{}">{}</p>', language, message)
