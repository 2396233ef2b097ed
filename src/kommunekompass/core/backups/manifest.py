"""The manifest of a backup (manifest.json): what is inside, and the checksum of every part.

Format version 1:

    {"format": "kommunekompass-backup", "format_version": 1,
     "app_version": "0.1.0", "created_at": "2026-12-02T10:15:00+00:00",
     "database": {"vendor": "sqlite" | "postgresql", "file": "database.sqlite3", "size": N,
                  "sha256": "..."},
     "migrations": [["evaluations", "0001_initial"], ...],
     "storage": "local" | "s3",
     "files": [{"name": "published/7/v1/....pdf", "size": N, "sha256": "..."}, ...],
     "missing_files": [names the database refers to that the storage did not have],
     "secret_key": {"file": "secret_key", "sha256": "..."} | null}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

FORMAT = "kommunekompass-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
SECRET_KEY_FILE = "secret_key"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, naming what is at fault."""


def app_version() -> str:
    try:
        return metadata.version("kommunekompass")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "unknown"


def sha256_of(path: Path) -> tuple[int, str]:
    """(size, SHA-256 in hex) of a file."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def safe_name(name: str) -> bool:
    """A storage name that stays inside files/ when used as a path there."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


@dataclass
class Manifest:
    data: dict

    @property
    def vendor(self) -> str:
        return self.data["database"]["vendor"]

    @property
    def database_file(self) -> str:
        return self.data["database"]["file"]

    @property
    def migrations(self) -> list[tuple[str, str]]:
        return [tuple(item) for item in self.data["migrations"]]

    @property
    def files(self) -> list[dict]:
        return self.data["files"]

    @property
    def has_secret_key(self) -> bool:
        return bool(self.data.get("secret_key"))

    def write(self, folder: Path) -> None:
        text = json.dumps(self.data, ensure_ascii=False, indent=1)
        (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def read_verified(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`, after checking that every part it names is
    there with its size and checksum. Raises BackupError naming the first file at fault."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(path)s is not a backup: it has no %(manifest)s.")
            % {"path": folder, "manifest": MANIFEST}
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["format"] == FORMAT
        version = data["format_version"]
        database = data["database"]
        assert database["vendor"] in DATABASE_FILES and database["file"]
        assert all(len(item) == 2 for item in data["migrations"])
        assert all({"name", "size", "sha256"} <= set(item) for item in data["files"])
    except (ValueError, KeyError, TypeError, AssertionError) as error:
        raise BackupError(
            _("%(path)s is not a Kommunekompass backup manifest (%(error)s).")
            % {"path": path, "error": type(error).__name__}
        ) from error
    if version != FORMAT_VERSION:
        raise BackupError(
            _(
                "%(path)s has format version %(found)s; this version of Kommunekompass reads "
                "version %(known)s."
            )
            % {"path": path, "found": version, "known": FORMAT_VERSION}
        )
    manifest = Manifest(data)
    parts = [(database["file"], database.get("size"), database["sha256"])]
    if manifest.has_secret_key:
        parts.append((data["secret_key"]["file"], None, data["secret_key"]["sha256"]))
    for item in data["files"]:
        if not safe_name(item["name"]):
            raise BackupError(
                _("The manifest names a file outside the backup: %(name)s") % {"name": item["name"]}
            )
        parts.append((f"{FILES_DIR}/{item['name']}", item["size"], item["sha256"]))
    for name, size, checksum in parts:
        check_part(folder, name, size, checksum)
    return manifest


def check_part(folder: Path, name: str, size: int | None, checksum: str) -> None:
    path = folder / name
    if not path.is_file():
        raise BackupError(_("The backup is incomplete: %(path)s is missing.") % {"path": path})
    found_size, found = sha256_of(path)
    if found != checksum or (size is not None and found_size != size):
        raise BackupError(
            _(
                "%(path)s is not the file that was backed up (its checksum differs): the backup "
                "is damaged or was changed. Nothing was restored."
            )
            % {"path": path}
        )
