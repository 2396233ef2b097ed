"""Changing what comparisons keep about an evaluation: the group its report compares with.

The one write path for ReportGroup: it checks the group, refuses a published or withdrawn
evaluation, writes in one transaction and records the change in the evaluation's history.
"""

from django.db import transaction

from kommunekompass.comparisons.groups import Group, get_group, report_group
from kommunekompass.comparisons.models import ReportGroup
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.evaluations.services.base import lock_for_change


def set_report_group(evaluation: Evaluation, key: str, user) -> Group:
    """Let the evaluation's report compare with the group `key` ("all", "country-NO",
    "custom-7", ...). Raises comparisons.groups.UnknownGroup for a key that names no group,
    and evaluations.services.base.EvaluationReadOnly for a published or withdrawn evaluation
    (its published version keeps the group it was published with). Returns the group;
    choosing the group already chosen changes nothing."""
    group = get_group(key)
    with transaction.atomic():
        # The evaluation's row lock: one change at a time, so the history's old value is the
        # real one, and none after publishing.
        current = lock_for_change(evaluation)
        old = report_group(current)
        if old.key == group.key:
            return group
        ReportGroup.objects.update_or_create(
            evaluation_id=current.pk,
            defaults={
                "key": "" if group.custom_group_id else group.key,
                "custom_group_id": group.custom_group_id,
            },
        )
        record(
            current,
            user,
            AuditEntry.Action.COMPARISON_GROUP,
            group.name,
            # The same shape as the entries written before ReportGroup existed: the key for
            # the record, the name for people (the history shows only the name).
            {"key": old.key, "name": old.name},
            {"key": group.key, "name": group.name},
        )
    return group
