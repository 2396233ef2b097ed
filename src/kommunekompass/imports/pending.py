"""Uploads waiting for confirmation: kept in the data directory under a random token with the
SHA-256 of their bytes, and removed once confirmed or when older than a day."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def waiting_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_age() -> int:
    return int(getattr(settings, "IMPORT_PENDING_MAX_AGE", 24 * 60 * 60))


def clean_pending(older_than: int | None = None) -> int:
    """Remove waiting uploads older than `older_than` seconds (default: the setting, a day);
    the number removed."""
    limit = time.time() - (max_age() if older_than is None else older_than)
    removed = 0
    for path in waiting_dir().glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another request
            continue
    return removed


def keep(data: bytes) -> tuple[str, str]:
    """Store an upload until it is confirmed: its token and the SHA-256 of its bytes."""
    token = secrets.token_urlsafe(16)
    (waiting_dir() / f"{token}.upload").write_bytes(data)
    return token, hashlib.sha256(data).hexdigest()


def path_of(token: str) -> Path | None:
    """The waiting file of a token (None for anything that is not a token of ours)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return waiting_dir() / f"{token}.upload"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
