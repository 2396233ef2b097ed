"""Signing in with a provider's verified ID token: the one write path of sso.Identity."""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from kommunekompass.people import services as people
from kommunekompass.sso.config import Provider
from kommunekompass.sso.models import Identity

log = logging.getLogger("kommunekompass.sso")


class NotSetUp(Exception):
    """The provider's subject has no account here and none may be linked to it."""


def _verified(claims) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _account_by_verified_email(provider: Provider, claims):
    """The one active account with the address the provider verified, where the provider's
    settings allow linking that way; never by an address the provider did not verify."""
    email = (claims.get("email") or "").strip()
    if not (provider.link_verified_email and email and _verified(claims)):
        return None
    accounts = list(
        get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk")[:2]
    )
    return accounts[0] if len(accounts) == 1 else None


def sign_in(*, provider: Provider, claims, invitation_token: str | None = None, current_user=None):
    """The account that the ID token's issuer and subject sign in to. The first time, the
    subject is linked to the account of the person already logged in here (`current_user`,
    who proved both), to the invited account (the invitation is used up) or, if allowed, to
    the account with the verified e-mail address. Raises NotSetUp otherwise."""
    issuer, subject = claims["iss"], claims["sub"]
    now = timezone.now()
    with transaction.atomic():
        identity = (
            Identity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            if current_user is not None and identity.user_id != current_user.pk:
                raise NotSetUp("the subject is linked to another account")
            if not identity.user.is_active:
                raise NotSetUp("the account is deactivated")
            identity.last_sign_in_at = now
            identity.save(update_fields=["last_sign_in_at"])
            return identity.user
        account, linked_by = None, ""
        if current_user is not None and current_user.is_active:
            account, linked_by = current_user, "signed_in"
        if account is None and invitation_token:
            account, linked_by = (
                people.accept_invitation_by_sign_in(token=invitation_token),
                "invitation",
            )
        if account is None:
            account, linked_by = _account_by_verified_email(provider, claims), "verified_email"
        if account is None:
            raise NotSetUp("no account is linked to this subject")
        if Identity.objects.filter(user=account, issuer=issuer).exists():
            raise NotSetUp("the account is linked to another subject of this provider")
        try:
            with transaction.atomic():
                Identity.objects.create(
                    user=account,
                    provider=provider.name,
                    issuer=issuer,
                    subject=subject,
                    linked_at=now,
                    linked_by=linked_by,
                    last_sign_in_at=now,
                )
        except IntegrityError as error:  # the same subject linked at the same moment
            raise NotSetUp("the subject was linked at the same time") from error
    log.info(
        "Linked %s subject %s to account %s (%s)", provider.name, subject, account.pk, linked_by
    )
    return account
