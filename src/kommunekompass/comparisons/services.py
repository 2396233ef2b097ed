"""Changing what comparisons keep about an evaluation: the group its report compares with.

The one write path for ReportGroup: it checks the group, writes in one transaction and records
the change in the evaluation's history.
"""

from django.db import transaction

from kommunekompass.comparisons.groups import Group, get_group, report_group
from kommunekompass.comparisons.models import ReportGroup
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation

# The history's action for a changed comparison group. Until the evaluations app lists it
# among AuditEntry.Action, the plain string is stored (the same value).
COMPARISON_GROUP = getattr(AuditEntry.Action, "COMPARISON_GROUP", "comparison_group")


def set_report_group(evaluation: Evaluation, key: str, user) -> Group:
    """Let the evaluation's report compare with the group `key` ("all", "country-NO",
    "custom-7", ...). Raises comparisons.groups.UnknownGroup for a key that names no group.
    Returns the group; choosing the group already chosen changes nothing."""
    group = get_group(key)
    with transaction.atomic():
        # One change at a time per evaluation, so the history's old value is the real one.
        list(Evaluation.objects.select_for_update().filter(pk=evaluation.pk).values_list("pk"))
        old = report_group(evaluation)
        if old.key == group.key:
            return group
        ReportGroup.objects.update_or_create(
            evaluation_id=evaluation.pk,
            defaults={
                "key": "" if group.custom_group_id else group.key,
                "custom_group_id": group.custom_group_id,
            },
        )
        record(
            evaluation,
            user,
            COMPARISON_GROUP,
            group.name,
            {"group": old.key, "name": old.name},
            {"group": group.key, "name": group.name},
        )
    return group
