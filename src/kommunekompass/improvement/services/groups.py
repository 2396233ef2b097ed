"""The steering and project groups: members, their parties and functions, linked accounts."""

from __future__ import annotations

from django.db import transaction

from kommunekompass.improvement.models import ChangeAction, GroupMember
from kommunekompass.improvement.services.base import (
    differences,
    programme_of,
    record,
    set_fields,
    state,
    validate,
)

MEMBER_FIELDS = ("group", "name", "title", "party", "function", "user")

# --- the groups -------------------------------------------------------------------------------


def add_member(user, municipality, fields: dict) -> GroupMember:
    """Add a member to the steering or project group (with their account, if any)."""
    with transaction.atomic():
        programme = programme_of(municipality)
        member = GroupMember(programme=programme)
        set_fields(member, fields, MEMBER_FIELDS)
        validate(member)
        member.save()
        record(
            programme.pk,
            user,
            ChangeAction.MEMBER_ADDED,
            member.name,
            new=state(member, MEMBER_FIELDS),
        )
    return member


def change_member(user, member, fields: dict) -> GroupMember:
    """Change a member, their group, function or linked account."""
    with transaction.atomic():
        current = (
            GroupMember.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=member.pk)
        )
        old = state(current, MEMBER_FIELDS)
        set_fields(current, fields, MEMBER_FIELDS)
        validate(current)
        current.save()
        before, after = differences(old, state(current, MEMBER_FIELDS))
        if before or after:
            record(
                current.programme_id,
                user,
                ChangeAction.MEMBER_CHANGED,
                current.name,
                old=before,
                new=after,
            )
    return current


def remove_member(user, member) -> None:
    with transaction.atomic():
        current = (
            GroupMember.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=member.pk)
        )
        record(
            current.programme_id,
            user,
            ChangeAction.MEMBER_REMOVED,
            current.name,
            old=state(current, MEMBER_FIELDS),
        )
        current.delete()
