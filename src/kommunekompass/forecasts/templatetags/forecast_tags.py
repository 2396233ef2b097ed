from django import template

from kommunekompass.forecasts.display import thousands as thousands_text

register = template.Library()


@register.filter
def thousands(value) -> str:
    """A forecast figure in whole 1000 kroner, grouped as the language writes numbers."""
    return "–" if value is None else thousands_text(value)
