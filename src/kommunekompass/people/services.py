"""The one write path of people: invitations, roles, accounts, languages and reminder choices.

Roles change only through the services of the apps that keep them
(evaluations.services.memberships, improvement.services), so every change is in their
history; what happens to an account (invited, joined, deactivated) is an AccountEvent. Each
function takes the acting user and checks the rules of people.rules first.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Membership
from kommunekompass.evaluations.services import memberships
from kommunekompass.evaluations.services.base import ServiceError, person
from kommunekompass.improvement import services as improvement
from kommunekompass.lib.mail import send_mail_later
from kommunekompass.people import rules
from kommunekompass.people.invitations import INVITATION_DAYS, new_token, token_hash
from kommunekompass.people.models import AccountEvent, Invitation, Profile


def profile_of(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def language_of(user) -> str:
    """The language the person chose (for mails and reminders), else the site's."""
    profile = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    languages = {code for code, _name in settings.LANGUAGES}
    return profile if profile in languages else settings.LANGUAGE_CODE


def set_language(user, language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ServiceError(_("Unknown language."), field="language")
    Profile.objects.update_or_create(user=user, defaults={"language": language})


def set_preferences(user, choices: dict) -> Profile:
    fields = {"remind_review", "remind_published", "remind_milestones"}
    fields |= {"remind_measurements", "remind_invitations"}
    unknown = set(choices) - fields
    if unknown:
        raise ValueError(f"Not reminder choices: {sorted(unknown)}")
    profile, _created = Profile.objects.update_or_create(user=user, defaults=choices)
    return profile


def _event(municipality, by, person_user, action) -> AccountEvent:
    return AccountEvent.objects.create(
        municipality=municipality,
        person=person_user,
        person_name=person(person_user) or person_user.email,
        by=by,
        by_name=person(by),
        action=action,
    )


def _check_grant(user, municipality, role) -> None:
    if not rules.may_manage_people(user, municipality):
        raise PermissionDenied(_("Only the municipality's coordinators may do this."))
    if not rules.may_grant(user, municipality, role):
        raise ServiceError(_("Choose coordinator or reader."), field="role")


def _account_for(email: str):
    """The account with this address (the oldest, if several), or None."""
    User = get_user_model()
    return User.objects.filter(email__iexact=email).order_by("pk").first()


def _new_account(email: str, first_name: str, last_name: str, language: str):
    User = get_user_model()
    username = email.lower()[:150]
    if User.objects.filter(username=username).exists():
        base, number = username[:140], 2
        while User.objects.filter(username=f"{base}-{number}").exists():
            number += 1
        username = f"{base}-{number}"
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()  # the invitation's link sets the password
    user.save()
    Profile.objects.create(user=user, language=language)
    return user


def invite(
    *, user, municipality, email, role, language, first_name="", last_name="", base_url=None
):
    """Give the person with `email` the `role` in `municipality`.

    A new address gets an account without a password and an invitation by mail whose link
    sets the password (valid for INVITATION_DAYS days, once). An address that has an account
    already gets the role on that account (no second account): by mail, a new invitation if
    they never set a password, else a note that they have access. Returns the invitation, or
    None when no invitation was needed.
    """
    email = (email or "").strip()
    if not email:
        raise ServiceError(_("Write the e-mail address."), field="email")
    _check_grant(user, municipality, role)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ServiceError(_("Unknown language."), field="language")
    now = timezone.now()
    token = None
    with transaction.atomic():
        account = _account_for(email)
        if account is not None and not account.is_active:
            raise ServiceError(
                _("The account of %(email)s is deactivated; an administrator may reactivate it.")
                % {"email": email},
                field="email",
            )
        if account is None:
            account = _new_account(email, first_name.strip(), last_name.strip(), language)
        memberships.grant_membership(
            user=user, person_user=account, municipality=municipality, role=role
        )
        invitation = None
        if not account.has_usable_password():
            token = new_token()
            invitation = Invitation.objects.create(
                municipality=municipality,
                user=account,
                email=email,
                role=role,
                invited_by=user,
                invited_by_name=person(user),
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
            )
            _event(municipality, user, account, AccountEvent.Action.INVITED)
        context = {
            "person": account,
            "municipality": municipality,
            "role": Membership.Role(role),
            "inviter": person(user),
            "base_url": (base_url or settings.SITE_URL).rstrip("/"),
            "token": token,
            "days": INVITATION_DAYS,
        }
        template = "people/mail/invitation" if token else "people/mail/access_granted"
        recipient_language = language_of(account)
        send_mail_later(template, context, email, recipient_language)
    return invitation


def invitation_for(token: str) -> Invitation | None:
    """The invitation whose link holds `token`, if it may still be used."""
    invitation = (
        Invitation.objects.filter(token_hash=token_hash(token or ""))
        .select_related("user", "municipality")
        .first()
    )
    if invitation is None or invitation.is_accepted or invitation.is_expired():
        return None
    if not invitation.user.is_active or invitation.user.has_usable_password():
        return None
    return invitation


def accept_invitation(*, token: str, password: str):
    """Set the invited person's password (validated by the form before); the link is used up.
    Returns the account, or None when the link is unknown, used or expired."""
    return _use_invitation(token, password)


def accept_invitation_by_sign_in(*, token: str):
    """The invited person signed in with single sign-on (sso links the provider's subject to
    the account): the link is used up, no password is set. Returns the account, or None when
    the link is unknown, used or expired."""
    return _use_invitation(token, None)


def _use_invitation(token: str, password: str | None):
    with transaction.atomic():
        invitation = invitation_for(token)
        if invitation is None:
            return None
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.is_accepted:
            return None
        account = invitation.user
        if password is not None:
            account.set_password(password)
            account.save(update_fields=["password"])
        now = timezone.now()
        Invitation.objects.filter(user=account, accepted_at__isnull=True).update(accepted_at=now)
        _event(invitation.municipality, account, account, AccountEvent.Action.ACCEPTED)
    return account


def change_role(*, user, membership, role) -> bool:
    if not rules.may_change_person(user, membership.user, membership.municipality):
        raise PermissionDenied(_("You may not change this person's roles."))
    _check_grant(user, membership.municipality, role)
    return memberships.change_membership(user=user, membership=membership, role=role)


def remove_role(*, user, membership) -> None:
    if not rules.may_change_person(user, membership.user, membership.municipality):
        raise PermissionDenied(_("You may not change this person's roles."))
    memberships.revoke_membership(user=user, membership=membership)


def unlink_programme_role(*, user, member, municipality) -> None:
    """Take the account off a group member of the programme (the member stays in the group)."""
    if member.programme.municipality_id != municipality.pk or member.user is None:
        raise ServiceError(_("No such programme role."))
    if not rules.may_change_person(user, member.user, municipality):
        raise PermissionDenied(_("You may not change this person's roles."))
    improvement.change_member(user, member, {"user": None})


def set_active(*, user, person_user, municipality, active: bool) -> bool:
    """Deactivate (no login, no mails, no reminders) or reactivate an account."""
    if not rules.may_deactivate(user, person_user, municipality):
        raise PermissionDenied(_("You may not deactivate this account."))
    with transaction.atomic():
        User = get_user_model()
        current = User.objects.select_for_update().get(pk=person_user.pk)
        if current.is_active == active:
            return False
        current.is_active = active
        current.save(update_fields=["is_active"])
        action = AccountEvent.Action.REACTIVATED if active else AccountEvent.Action.DEACTIVATED
        _event(municipality, user, current, action)
    person_user.is_active = active
    return True
