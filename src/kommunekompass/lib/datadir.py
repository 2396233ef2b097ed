"""The data directory holds the database, uploads and the secret key: only its owner may read it.

A directory or key file made here is private from the start (0700 and 0600). One that exists
already is left as it is, because its owner may have reasons; if others may read it, the
caller gets a warning to pass on.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def _readable_by_others(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & (stat.S_IRWXG | stat.S_IRWXO))


def make_private_dir(path: Path) -> list[str]:
    """Create `path` (and missing parents) with mode 0700; return warnings about an existing
    directory that others may read."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        path.chmod(0o700)  # mkdir's mode is reduced by the umask; be exact
        return []
    if _readable_by_others(path):
        mode = stat.filemode(path.stat().st_mode)
        return [
            f"The data directory {path} ({mode}) may be read by other users of this machine; "
            f"it holds the database and the secret key. Consider: chmod 700 {path}"
        ]
    return []


def read_or_create_secret_key(path: Path) -> tuple[str, list[str]]:
    """The secret key kept in `path`: made once with mode 0600 (never readable by others, not
    even for a moment); return (key, warnings)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        warnings = []
        if _readable_by_others(path):
            warnings.append(
                f"The secret key file {path} may be read by other users of this machine. "
                f"Consider: chmod 600 {path}"
            )
        return path.read_text().strip(), warnings
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    return path.read_text().strip(), []
