"""Changing what comparisons keep: the group an evaluation's report compares with, and the
comparison groups users define.

The one write path for ReportGroup: it checks the group, refuses a published or withdrawn
evaluation, writes in one transaction and records the change in the evaluation's history.
The one write path for ComparisonGroup: create, change (with its version check) and delete,
each in one transaction with its GroupChange entry.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.comparisons.access import (
    may_change,
    may_define_groups,
    shareable_municipalities,
)
from kommunekompass.comparisons.groups import Group, UnknownGroup, get_group, report_group
from kommunekompass.comparisons.models import ComparisonGroup, GroupChange, ReportGroup
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.evaluations.services.base import ServiceError, actor, lock_for_change, person


def set_report_group(evaluation: Evaluation, key: str, user, *, check_visible=True) -> Group:
    """Let the evaluation's report compare with the group `key` ("all", "country-NO",
    "custom-7", ...). Raises comparisons.groups.UnknownGroup for a key that names no group,
    and evaluations.services.base.EvaluationReadOnly for a published or withdrawn evaluation
    (its published version keeps the group it was published with). Returns the group;
    choosing the group already chosen changes nothing."""
    group = get_group(key)
    if check_visible and user is not None and group.custom_group_id is not None:
        # A custom group only if the person may see it (a private group of someone else is
        # as unknown to them as a group that does not exist).
        if not ComparisonGroup.objects.visible_to(user).filter(pk=group.custom_group_id).exists():
            raise UnknownGroup(key)
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


# --- comparison groups that users define -----------------------------------------------------


class GroupRefused(ServiceError):
    """A group that may not be saved or deleted as asked, with a message naming the field."""


class GroupInUse(GroupRefused):
    """The group is the comparison group of a report (ReportGroup PROTECTs it)."""


class StaleGroup(GroupRefused):
    """Someone else changed the group after the version the user started from."""


MAX_MEMBERS = 1000


def _group_state(group: ComparisonGroup) -> dict:
    return {
        "name": group.name,
        "visibility": group.visibility,
        "municipality": group.municipality.name if group.municipality_id else "",
        "members": sorted(m.name for m in group.municipalities.all()),
    }


def _record_group(group, user, action, old=None, new=None, name=None) -> GroupChange:
    return GroupChange.objects.create(
        group=group if action != GroupChange.Action.DELETED else None,
        group_name=name or group.name,
        user=actor(user),
        user_name=person(user),
        at=timezone.now(),
        action=action,
        old=old or {},
        new=new or {},
    )


def _checked(user, name, visibility, municipality, members) -> tuple[str, list]:
    name = (name or "").strip()
    if not name:
        raise GroupRefused(_("Give the group a name."), "name")
    if len(name) > 200:
        raise GroupRefused(_("The name is longer than 200 characters."), "name")
    if visibility not in ComparisonGroup.Visibility.values:
        raise GroupRefused(_("Choose who sees the group."), "visibility")
    if visibility == ComparisonGroup.Visibility.MUNICIPALITY:
        if municipality is None:
            raise GroupRefused(
                _("Choose the municipality whose people see the group."), "municipality"
            )
        if not shareable_municipalities(user).filter(pk=municipality.pk).exists():
            raise GroupRefused(
                _("You may share a group only with a municipality you belong to or evaluate."),
                "municipality",
            )
    members = list({m.pk: m for m in members}.values())
    if not members:
        raise GroupRefused(
            _("Pick at least one municipality, or a filter that matches some."), "municipalities"
        )
    if len(members) > MAX_MEMBERS:
        raise GroupRefused(
            _("A group holds at most %(most)s municipalities.") % {"most": MAX_MEMBERS},
            "municipalities",
        )
    return name, members


def create_group(user, *, name, visibility, municipality=None, members=()) -> ComparisonGroup:
    """A new group owned by `user` (who must be allowed to define groups), with its history."""
    if not may_define_groups(user):
        raise PermissionDenied(_("Only evaluators and coordinators define comparison groups."))
    name, members = _checked(user, name, visibility, municipality, members)
    with transaction.atomic():
        group = ComparisonGroup.objects.create(
            name=name,
            visibility=visibility,
            municipality=municipality if visibility == "municipality" else None,
            created_by=actor(user),
        )
        group.municipalities.set(members)
        _record_group(group, user, GroupChange.Action.CREATED, new=_group_state(group))
    return group


def change_group(
    user, group: ComparisonGroup, *, version, name, visibility, municipality=None, members=()
) -> ComparisonGroup:
    """Change the group if it is still at `version` (StaleGroup otherwise); records what
    changed. Only its owner or a site administrator may."""
    if not may_change(user, group):
        raise PermissionDenied(_("Only the group's owner may change or delete it."))
    name, members = _checked(user, name, visibility, municipality, members)
    with transaction.atomic():
        current = ComparisonGroup.objects.select_for_update().get(pk=group.pk)
        if current.version != version:
            raise StaleGroup(
                _("Someone else changed the group while you edited it. Look at it again.")
            )
        old = _group_state(current)
        current.name = name
        current.visibility = visibility
        current.municipality = municipality if visibility == "municipality" else None
        current.version += 1
        current.save()
        current.municipalities.set(members)
        new = _group_state(current)
        changed = [key for key in new if old[key] != new[key]]
        if changed:
            _record_group(
                current,
                user,
                GroupChange.Action.CHANGED,
                {key: old[key] for key in changed},
                {key: new[key] for key in changed},
            )
    return current


def reports_using(group: ComparisonGroup) -> list[str]:
    """The reports that compare with the group, named as people know them."""
    rows = (
        ReportGroup.objects.filter(custom_group=group)
        .select_related("evaluation__municipality")
        .order_by("evaluation__municipality__name", "evaluation__year")
    )
    return [f"{row.evaluation.municipality.name} {row.evaluation.year}" for row in rows]


def delete_group(user, group: ComparisonGroup) -> None:
    """Delete the group, keeping its history; GroupInUse while a report compares with it."""
    if not may_change(user, group):
        raise PermissionDenied(_("Only the group's owner may change or delete it."))
    with transaction.atomic():
        current = ComparisonGroup.objects.select_for_update().get(pk=group.pk)
        in_use = reports_using(current)
        if in_use:
            raise GroupInUse(
                _(
                    "The group cannot be deleted: the report of %(reports)s compares with it. "
                    "A published report keeps its group for good; a draft's report can be given "
                    "another group on the evaluation's overview."
                )
                % {"reports": ", ".join(in_use)}
            )
        old = _group_state(current)
        name = current.name
        GroupChange.objects.filter(group=current).update(group=None)
        try:
            current.delete()
        except ProtectedError:  # a report chose it in the meantime
            raise GroupInUse(_("The group cannot be deleted: a report compares with it.")) from None
        _record_group(current, user, GroupChange.Action.DELETED, old=old, name=name)


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
