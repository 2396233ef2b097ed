"""What comparisons show on other apps' pages, so those apps need not import comparisons.

`{% report_group_form evaluation access %}` on an evaluation's overview: the form that chooses
the group its report compares with, for those who may change the evaluation now.
"""

from django import template

from kommunekompass.comparisons.groups import group_choices, report_group

register = template.Library()


@register.inclusion_tag("comparisons/_report_group_form.html", takes_context=True)
def report_group_form(context, evaluation, access) -> dict:
    if not getattr(access, "edit", False):
        return {"show": False}
    return {
        "show": True,
        "evaluation": evaluation,
        "groups": group_choices(context["request"].user),
        "chosen": report_group(evaluation).key,
        "csrf_token": context.get("csrf_token"),
    }
