"""The one-time token of an invitation: random (Django's crypto helpers), sent only in the
mail's link, and kept only as a keyed hash, so a copy of the database opens no account."""

from django.utils.crypto import get_random_string, salted_hmac

INVITATION_DAYS = 7
_SALT = "kommunekompass.people.invitation"
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def new_token() -> str:
    return get_random_string(43, _ALPHABET)  # about 256 bits


def token_hash(token: str) -> str:
    return salted_hmac(_SALT, token, algorithm="sha256").hexdigest()
