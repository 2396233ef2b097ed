"""Granting, changing and revoking a person's role in a municipality (coordinator or reader).
Used by the admin; every change is in the municipality's history."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Membership, Municipality
from kommunekompass.evaluations.services.base import ServiceError, person


def _check_role(role) -> None:
    if role not in Membership.Role.values:
        raise ServiceError(_("Choose coordinator or reader."), field="role")


def grant_membership(*, user, person_user, municipality, role) -> Membership:
    _check_role(role)
    try:
        with transaction.atomic():
            Municipality.objects.select_for_update().get(pk=municipality.pk)
            if Membership.objects.filter(user=person_user, municipality=municipality).exists():
                raise ServiceError(
                    _("%(person)s has a role in %(municipality)s already; change it instead.")
                    % {"person": person(person_user), "municipality": municipality.name},
                    field="user",
                )
            membership = Membership.objects.create(
                user=person_user, municipality=municipality, role=role
            )
            record(
                None,
                user,
                AuditEntry.Action.MEMBERSHIP_GRANTED,
                person(person_user),
                None,
                {"role": role},
                municipality=municipality,
            )
    except IntegrityError:
        raise ServiceError(
            _("%(person)s has a role in %(municipality)s already; change it instead.")
            % {"person": person(person_user), "municipality": municipality.name},
            field="user",
        ) from None
    return membership


def change_membership(*, user, membership, role) -> bool:
    _check_role(role)
    with transaction.atomic():
        stored = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=membership.pk)
        )
        if stored.role == role:
            return False
        old = {"role": stored.role}
        stored.role = role
        stored.save(update_fields=["role"])
        record(
            None,
            user,
            AuditEntry.Action.MEMBERSHIP_CHANGED,
            person(stored.user),
            old,
            {"role": role},
            municipality=stored.municipality,
        )
    membership.role = role
    return True


def revoke_membership(*, user, membership) -> None:
    with transaction.atomic():
        stored = (
            Membership.objects.select_for_update()
            .select_related("user", "municipality")
            .get(pk=membership.pk)
        )
        old = {"role": stored.role}
        stored.delete()
        record(
            None,
            user,
            AuditEntry.Action.MEMBERSHIP_REVOKED,
            person(stored.user),
            old,
            None,
            municipality=stored.municipality,
        )
