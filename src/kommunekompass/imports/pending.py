"""Uploads waiting to be checked and imported: kept in the shared file storage (the data
directory, or the S3 bucket, which every app server and worker sees) under a random name, with
the SHA-256 of their bytes on the run, and removed once imported or refused, or when older than
a day."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from kommunekompass.lib import storage

FOLDER = "imports/pending"
_NAME = re.compile(rf"{FOLDER}/[A-Za-z0-9_-]{{16,64}}\.upload")


def max_age() -> int:
    return int(getattr(settings, "IMPORT_PENDING_MAX_AGE", 24 * 60 * 60))


def waiting(folder: str = FOLDER) -> list[str]:
    """The stored names of the uploads that wait."""
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing uploaded yet
        return []
    return [f"{folder}/{name}" for name in files if name.endswith(".upload")]


def clean_pending(older_than: int | None = None) -> int:
    """Remove waiting uploads older than `older_than` seconds (default: the setting, a day);
    the number removed."""
    limit = timezone.now() - datetime.timedelta(
        seconds=max_age() if older_than is None else older_than
    )
    removed = 0
    # imports/ itself: where uploads waited before they were kept by the runs (to be swept).
    for name in waiting() + waiting("imports"):
        try:
            if default_storage.get_modified_time(name) < limit:
                default_storage.delete(name)
                removed += 1
        except Exception as error:
            if not storage.is_gone(error):
                raise
            continue  # removed meanwhile (imported, or cleaned by another request)
    return removed


def keep(data: bytes) -> tuple[str, str]:
    """Store an upload until it is imported: its stored name and the SHA-256 of its bytes."""
    name = default_storage.save(f"{FOLDER}/{secrets.token_urlsafe(16)}.upload", ContentFile(data))
    return name, sha256_of(data)


def keep_file(upload) -> tuple[str, str]:
    """`keep` for an uploaded file, streamed in chunks (a bundle may be hundreds of MB)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = default_storage.save(f"{FOLDER}/{secrets.token_urlsafe(16)}.upload", upload)
    return name, digest.hexdigest()


def open_checked(name: str, sha256: str):
    """The waiting upload, open for reading, if it is there with these bytes (else None)."""
    if not exists(name):
        return None
    stored = default_storage.open(name, "rb")
    digest = hashlib.sha256()
    try:
        for chunk in iter(lambda: stored.read(1024 * 1024), b""):
            digest.update(chunk)
    except Exception as error:
        stored.close()
        if storage.is_gone(error):  # removed meanwhile
            return None
        raise
    if digest.hexdigest() != sha256:
        stored.close()
        return None
    stored.seek(0)
    return stored


def read(name: str) -> bytes | None:
    """The bytes of a waiting upload (None when it is gone, or the name is not one of ours)."""
    if not exists(name):
        return None
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except Exception as error:
        if storage.is_gone(error):  # removed meanwhile
            return None
        raise


def exists(name: str) -> bool:
    return bool(_NAME.fullmatch(name or "")) and default_storage.exists(name)


def forget(name: str) -> None:
    if _NAME.fullmatch(name or ""):
        default_storage.delete(name)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
