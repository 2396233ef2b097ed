"""The files part of a backup: every file of the storage (default_storage: the data dir's
uploads/ or the S3 bucket, through the storage API, so both work alike), copied out by name with
its size and SHA-256, and back into an empty storage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from kommunekompass.core.backups.manifest import CHUNK, BackupError, safe_name


def storage_kind() -> str:
    return "s3" if type(default_storage._wrapped).__name__ == "S3Storage" else "local"


def stored_names(folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folder by folder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # the local folder is not made until the first file
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(f"{folder}/{sub}" if folder else sub)


def copy_out(name: str, target: Path) -> tuple[int, str] | None:
    """Copy one stored file to `target`: (size, SHA-256), or None when it was removed from the
    storage after it was listed."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with default_storage.open(name, "rb") as source, target.open("wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
    except Exception:
        target.unlink(missing_ok=True)
        if not default_storage.exists(name):
            return None
        raise
    return size, digest.hexdigest()


def check_names(names: Iterable[str]) -> list[str]:
    """The names that cannot be kept as a path in the backup (refused, not guessed)."""
    return [name for name in names if not safe_name(name)]


def copy_in(name: str, source: Path) -> None:
    with source.open("rb") as handle:
        saved = default_storage.save(name, File(handle, name=name))
    if saved != name:
        raise BackupError(
            _("The storage kept %(name)s under another name (%(saved)s): it was not empty.")
            % {"name": name, "saved": saved}
        )


def referenced_files() -> set[str]:
    """The names of the files the database requires, as the default connection reads it: every
    evidence file and the stored PDF and workbook of every published version. (A version's Word
    document is rendered when first asked for and then stored: it is in the backup when it was
    in the storage, and rendered again from the snapshot when not.)"""
    from kommunekompass.evaluations.models import Evidence, PublishedVersion

    required = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    for pdf, xlsx in PublishedVersion.objects.values_list("pdf", "xlsx"):
        required.update(name for name in (pdf, xlsx) if name)
    return required
