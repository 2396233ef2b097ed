"""Making, checking and revoking personal API tokens (the one write path for ApiToken).

A token reads "kk_" + 43 URL-safe characters (256 random bits). The first 11 characters are
kept as its prefix; the whole token only as its SHA-256. Checking a token compares digests in
constant time and records when it was last used (at most once a minute, to spare the database).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from kommunekompass.api.models import ApiToken

PREFIX = "kk_"
PREFIX_LENGTH = 11  # "kk_" and 8 characters of the secret
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str, expires_at: datetime.datetime | None = None):
    """A new token for `user`: (the ApiToken row, the secret to show once)."""
    while True:
        secret = PREFIX + secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        digest=digest_of(secret),
        expires_at=expires_at,
    )
    return token, secret


def user_for(secret: str):
    """The active user the token `secret` acts for, or None (unknown, revoked, expired, or the
    user is inactive)."""
    if not secret.startswith(PREFIX) or len(secret) < PREFIX_LENGTH + 8:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user")
        .filter(prefix=secret[:PREFIX_LENGTH])
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, digest_of(secret)):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(user, token_id: int) -> ApiToken | None:
    """Revoke one of `user`'s own tokens; None if they have no such token."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            return None
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
