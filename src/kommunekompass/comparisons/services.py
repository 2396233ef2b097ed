"""Changing what comparisons keep about an evaluation: the group its report compares with.

The one write path for ReportGroup: it checks the group, refuses a published or withdrawn
evaluation, writes in one transaction and records the change in the evaluation's history.
"""

from django.db import transaction

from kommunekompass.comparisons.groups import Group, get_group, report_group
from kommunekompass.comparisons.models import ComparisonGroup, ReportGroup
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.evaluations.services.base import actor, lock_for_change


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


def find_custom_group(name: str, municipalities) -> ComparisonGroup | None:
    """The custom group with this name and exactly these municipalities, if there is one."""
    wanted = {m.pk for m in municipalities}
    for group in ComparisonGroup.objects.filter(name=name).prefetch_related("municipalities"):
        if {m.pk for m in group.municipalities.all()} == wanted:
            return group
    return None


def restore_report_group(
    evaluation: Evaluation, user, *, key: str = "", custom_name: str = "", municipalities=()
) -> Group:
    """Give an evaluation that arrives whole (kommunekompass.bundles) the group it had: a
    built-in group by `key`, or a custom group by name and municipalities (found here, or made
    here with the municipalities this instance knows). No history entry: the evaluation's own
    history, brought along, already tells when its group was chosen. Call inside the import's
    transaction."""
    if custom_name:
        group = find_custom_group(custom_name, municipalities)
        if group is None:
            group = ComparisonGroup.objects.create(name=custom_name, created_by=actor(user))
            group.municipalities.set(municipalities)
        ReportGroup.objects.create(evaluation=evaluation, custom_group=group)
        return get_group(f"custom-{group.pk}")
    chosen = get_group(key or "all")
    if chosen.key != "all":
        ReportGroup.objects.create(evaluation=evaluation, key=chosen.key)
    return chosen
