"""Template filters for evaluations."""

from django import template

from kommunekompass.evaluations.models import ResultLevel

register = template.Library()


@register.filter
def result_level(code) -> str:
    """ "subarea" -> "delområde": the level an evaluation's results are known at."""
    return dict(ResultLevel.choices).get(code, code)
