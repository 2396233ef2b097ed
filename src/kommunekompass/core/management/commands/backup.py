"""`kommunekompass backup -o DIR [--without-secret-key]`: the database and every stored file,
consistent, into a new folder, with a manifest of checksums (core/backups). Safe while the app
runs. Exits non-zero when a file the database names is missing from the storage."""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from kommunekompass.core.backups import database
from kommunekompass.core.backups.files import (
    check_names,
    copy_out,
    referenced_files,
    storage_kind,
    stored_names,
)
from kommunekompass.core.backups.manifest import (
    DATABASE_FILES,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    SECRET_KEY_FILE,
    BackupError,
    Manifest,
    app_version,
    sha256_of,
)

SHOWN = 10  # how many missing files the message names


def write_secret(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def named(names: list[str]) -> str:
    text = ", ".join(names[:SHOWN])
    more = len(names) - SHOWN
    return text + (" " + _("and %(count)d more") % {"count": more} if more > 0 else "")


class Command(BaseCommand):
    # Nothing here needs the URLs or templates checked: start at once.
    requires_system_checks = []
    help = (
        "Back up the database and every stored file into a new folder, with a manifest of "
        "checksums (see docs/deployment.md, Backups). Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="DIR",
            help="the folder to write; it must not exist or be empty",
        )
        parser.add_argument(
            "--without-secret-key",
            action="store_true",
            help=(
                "leave the secret key out (then sessions and open invitation links of this "
                "instance do not work after a restore)"
            ),
        )

    def handle(self, *args, output, without_secret_key=False, **options):
        folder = Path(output)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise CommandError(
                _("%(path)s is not empty: a backup goes into a new or empty folder.")
                % {"path": folder}
            )
        uploads = Path(settings.MEDIA_ROOT).resolve()
        if storage_kind() == "local" and folder.resolve().is_relative_to(uploads):
            raise CommandError(
                _(
                    "%(path)s is inside the file storage (%(uploads)s): the backup would copy "
                    "itself. Write it somewhere else, best on another machine or disk."
                )
                % {"path": folder, "uploads": uploads}
            )
        try:
            missing, summary = self.back_up(folder, without_secret_key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(summary)
        if missing:
            raise CommandError(
                ngettext(
                    "The backup is written, but %(count)d file the database names was not in "
                    "the storage, so it is not in the backup: %(names)s",
                    "The backup is written, but %(count)d files the database names were not in "
                    "the storage, so they are not in the backup: %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "names": named(missing)}
            )

    def back_up(self, folder: Path, without_secret_key: bool) -> tuple[list[str], str]:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # it holds the database: personal data, and maybe the key
        vendor = database.vendor()
        database_file = folder / DATABASE_FILES.get(vendor, "database")
        self.stdout.write(_("Backing up the database (%(vendor)s)…") % {"vendor": vendor})
        # First the database, then the files: every file the copy names exists by then.
        with database.dump(database_file):
            migrations = database.applied_migrations()
            required = referenced_files()
        database_size, database_sha = sha256_of(database_file)

        names = list(stored_names())
        unsafe = check_names(names)
        entries = []
        for name in tqdm(
            [name for name in names if name not in unsafe],
            desc=_("Files"),
            unit=_("file"),
            file=self.stderr._out,
        ):
            copied = copy_out(name, folder / FILES_DIR / name)
            if copied is not None:  # removed since it was listed: nothing named it
                entries.append({"name": name, "size": copied[0], "sha256": copied[1]})
        kept = {entry["name"] for entry in entries}
        missing = sorted(required - kept)

        secret = None
        if not without_secret_key:
            write_secret(folder / SECRET_KEY_FILE, settings.SECRET_KEY)
            secret = {"file": SECRET_KEY_FILE, "sha256": sha256_of(folder / SECRET_KEY_FILE)[1]}
        Manifest(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "database": {
                    "vendor": vendor,
                    "file": database_file.name,
                    "size": database_size,
                    "sha256": database_sha,
                },
                "migrations": [list(item) for item in migrations],
                "storage": storage_kind(),
                "files": entries,
                "missing_files": missing + unsafe,
                "secret_key": secret,
            }
        ).write(folder)
        files_size = sum(entry["size"] for entry in entries)
        summary = ngettext(
            "Backup written to %(path)s: the database (%(vendor)s, %(size)s) and %(count)d file "
            "(%(files_size)s).",
            "Backup written to %(path)s: the database (%(vendor)s, %(size)s) and %(count)d files "
            "(%(files_size)s).",
            len(entries),
        ) % {
            "path": folder,
            "vendor": vendor,
            "size": filesizeformat(database_size),
            "count": len(entries),
            "files_size": filesizeformat(files_size),
        }
        summary += " " + (
            _("It holds the secret key: keep it as secret as the key itself.")
            if secret
            else _("It holds no secret key.")
        )
        return missing + unsafe, summary
