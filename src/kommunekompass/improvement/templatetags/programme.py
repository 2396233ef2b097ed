"""Template filters of the improvement pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def fixed(value, places):
    """A value with exactly `places` decimals, as the locale writes it: 7,0 · 0,8235."""
    if value in (None, ""):
        return "–"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    return number_format(number, decimal_pos=int(places))


@register.filter
def signed(value, decimals=2):
    """A change with its sign: +0,4 · −1,2 · 0."""
    if value in (None, ""):
        return "–"
    text = fixed(abs(Decimal(str(value))), decimals)
    if Decimal(str(value)) > 0:
        return f"+{text}"
    if Decimal(str(value)) < 0:
        return f"\u2212{text}"
    return text


@register.filter
def on_target_count(row) -> str:
    """“2 / 3”: indicators of a project row that have reached their target, of those with one."""
    with_target = [i for i in row.indicators if i.indicator.target is not None]
    reached = sum(1 for i in with_target if i.status.on_target)
    return f"{reached} / {len(with_target)}" if with_target else "–"


@register.filter
def presence(sick_leave):
    """Presence in per cent from sick leave in per cent."""
    from kommunekompass.improvement.measures import presence as from_sick_leave

    return None if sick_leave is None else from_sick_leave(Decimal(str(sick_leave)))


@register.simple_tag(takes_context=True)
def may_start_projects(context, evaluation) -> bool:
    """May the user start improvement projects from this evaluation's findings? Only from a
    published evaluation, and only those who change the municipality's programme. (A tag, so
    that the evaluations app's findings page needs no import of the improvement app.)"""
    from kommunekompass.improvement.access import access_for

    request = context.get("request")
    if request is None or not evaluation.is_published:
        return False
    return access_for(request.user, evaluation.municipality_id).edit
