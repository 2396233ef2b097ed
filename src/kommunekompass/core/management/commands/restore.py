"""`kommunekompass restore DIR`: a backup made by `kommunekompass backup` into an empty
instance (core/backups). Everything is checked before anything is changed: the manifest and
every checksum, the migrations (a backup newer than this code is refused; an older one is
migrated forward), the database vendor, and that the database and the file storage are empty."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from kommunekompass.core.backups import database
from kommunekompass.core.backups.files import copy_in, stored_names
from kommunekompass.core.backups.manifest import FILES_DIR, BackupError, read_verified
from kommunekompass.core.management.commands.backup import named

SECRET_KEY_VARIABLE = "KOMMUNEKOMPASS_SECRET_KEY"


class Command(BaseCommand):
    # Nothing here needs the URLs or templates checked: start at once.
    requires_system_checks = []
    help = (
        "Restore a backup made by `kommunekompass backup` into an empty instance (empty "
        "database, empty file storage) of the same database kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="the backup's folder")

    def handle(self, *args, folder, **options):
        try:
            self.restore(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error

    def restore(self, folder: Path) -> None:
        manifest = read_verified(folder)
        self.refuse_unless_it_fits(manifest)

        self.stdout.write(_("Restoring the database (%(vendor)s)…") % {"vendor": manifest.vendor})
        database.load(folder / manifest.database_file)
        pending = database.pending_after_load()
        if pending:
            self.stdout.write(
                ngettext(
                    "The backup was made before %(count)d migration of this version: applying "
                    "it now.",
                    "The backup was made before %(count)d migrations of this version: applying "
                    "them now.",
                    len(pending),
                )
                % {"count": len(pending)}
            )
            call_command("migrate", verbosity=0)

        for item in tqdm(manifest.files, desc=_("Files"), unit=_("file"), file=self.stderr._out):
            copy_in(item["name"], folder / FILES_DIR / item["name"])
        self.stdout.write(self.restore_secret_key(folder, manifest))
        missing = manifest.data.get("missing_files") or []
        if missing:
            self.stderr.write(
                ngettext(
                    "The backup lacks %(count)d file the database names (it was not in the "
                    "storage when the backup was made): %(names)s",
                    "The backup lacks %(count)d files the database names (they were not in the "
                    "storage when the backup was made): %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "names": named(missing)}
            )
        self.stdout.write(
            ngettext(
                "Restored from %(path)s (made %(created)s by version %(version)s): the database "
                "and %(count)d file.",
                "Restored from %(path)s (made %(created)s by version %(version)s): the database "
                "and %(count)d files.",
                len(manifest.files),
            )
            % {
                "path": folder,
                "created": manifest.data["created_at"],
                "version": manifest.data["app_version"],
                "count": len(manifest.files),
            }
        )

    def refuse_unless_it_fits(self, manifest) -> None:
        vendor = database.vendor()
        if manifest.vendor != vendor:
            raise BackupError(
                _(
                    "The backup holds a %(backup)s database and this instance uses %(here)s: a "
                    "backup is restored into the same kind of database. Restore it into a "
                    "%(backup)s instance, or move the data between instances with "
                    "`kommunekompass export-evaluation` and `import-evaluation`."
                )
                % {"backup": manifest.vendor, "here": vendor}
            )
        unknown = database.unknown_migrations(manifest.migrations)
        if unknown:
            raise BackupError(
                _(
                    "The backup was made by a newer version of Kommunekompass: this version does "
                    "not have its migration %(migration)s. Upgrade Kommunekompass first."
                )
                % {"migration": ".".join(unknown[0])}
            )
        held = database.what_the_database_holds()
        if held:
            raise BackupError(
                _(
                    "This instance's database is not empty, so nothing was restored: %(held)s. "
                    "Restore into a new, empty database."
                )
                % {"held": named(held)}
            )
        stored = []
        for name in stored_names():
            stored.append(name)
            if len(stored) > 3:
                break
        if stored:
            raise BackupError(
                _(
                    "This instance's file storage is not empty, so nothing was restored: it holds "
                    "%(names)s. Restore into an empty storage."
                )
                % {"names": ", ".join(stored)}
            )

    def restore_secret_key(self, folder: Path, manifest) -> str:
        if not manifest.has_secret_key:
            return _(
                "The backup holds no secret key: sessions and open invitation links of the old "
                "instance do not work here."
            )
        key = (folder / manifest.data["secret_key"]["file"]).read_text()
        if os.environ.get(SECRET_KEY_VARIABLE):
            if os.environ[SECRET_KEY_VARIABLE] == key:
                return _("The secret key in %(variable)s is the backup's.") % {
                    "variable": SECRET_KEY_VARIABLE
                }
            return _(
                "%(variable)s is set here and is not the backup's key, so the backup's key was "
                "not restored: sessions and open invitation links of the old instance do not "
                "work here. Set %(variable)s to the key in %(path)s to keep them."
            ) % {
                "variable": SECRET_KEY_VARIABLE,
                "path": folder / manifest.data["secret_key"]["file"],
            }
        path = Path(settings.DATA_DIR) / "secret_key"
        path.unlink(missing_ok=True)  # the new instance's own key, used for nothing yet
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key)
        return _("The secret key is restored to %(path)s.") % {"path": path}
