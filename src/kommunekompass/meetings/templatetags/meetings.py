"""The council meetings of an evaluation, shown on its way-forward page (a lower app's page:
evaluations' template includes this tag, it imports nothing of meetings)."""

from django import template

from kommunekompass.meetings.access import may_hold
from kommunekompass.meetings.models import Meeting

register = template.Library()


@register.inclusion_tag("meetings/_evaluation_meetings.html", takes_context=True)
def council_meetings(context, evaluation, access):
    """Nothing for those who may not hold a meeting; else the evaluation's meetings (one
    query) and, for a published evaluation, the button that opens one."""
    if not hasattr(evaluation, "user_membership") or not may_hold(evaluation, access):
        return {"show": False}
    return {
        "show": True,
        "evaluation": evaluation,
        "meetings": list(Meeting.objects.filter(evaluation=evaluation)[:10]),
    }
