"""`kommunekompass import-statistics FILE`: load a population projection or a cost table."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.forecasts.access import PERMISSION, may_load_statistics
from kommunekompass.forecasts.models import SourceKind
from kommunekompass.forecasts.services import load_statistics
from kommunekompass.forecasts.statfiles import Refused


class Command(BaseCommand):
    help = (
        "Load statistics for the demographic forecast: a population projection (SSB or SCB "
        "JSON-stat 2.0, SSB CSV) or a cost table (CSV or .xlsx; docs/forecast.md). Everything "
        "is checked first; nothing is stored on an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--kind", choices=["population", "costs"])
        parser.add_argument("--dry-run", action="store_true", help="check, store nothing")
        parser.add_argument(
            "--downloaded", metavar="YYYY-MM-DD", help="the day the table was downloaded"
        )
        parser.add_argument("--user", metavar="USERNAME", help=f"who loads it (needs {PERMISSION})")

    def handle(self, *args, file, kind, dry_run, downloaded, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        loader = None
        if user:
            loader = get_user_model().objects.filter(username=user).first()
            if loader is None:
                raise CommandError(_("There is no user %(user)s.") % {"user": user})
            if not loader.is_active or not may_load_statistics(loader):
                raise CommandError(
                    _("%(user)s may not load statistics (%(permission)s is needed).")
                    % {"user": user, "permission": PERMISSION}
                )
        try:
            day = datetime.date.fromisoformat(downloaded) if downloaded else None
        except ValueError:
            raise CommandError(
                _("--downloaded %(value)s: give a date as YYYY-MM-DD.") % {"value": downloaded}
            ) from None
        try:
            outcome = load_statistics(
                loader,
                path.read_bytes(),
                path.name,
                kind=kind,
                downloaded_on=day,
                dry_run=dry_run,
                system=loader is None,
            )
        except Refused as error:
            raise CommandError(str(error), returncode=1) from None
        found = outcome.found
        self.stdout.write(
            ngettext(
                "%(file)s: %(kind)s, %(dialect)s, %(count)d figure, SHA-256 %(sha256)s",
                "%(file)s: %(kind)s, %(dialect)s, %(count)d figures, SHA-256 %(sha256)s",
                found.rows,
            )
            % {
                "file": path.name,
                "kind": SourceKind(found.kind).label,
                "dialect": found.dialect,
                "count": found.rows,
                "sha256": outcome.sha256,
            }
        )
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(self.style.ERROR(problem))
            count = len(found.problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was loaded.",
                    "%(count)d problems; nothing was loaded.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS(_("The file is good (dry run, nothing stored).")))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Loaded as source %(id)s.") % {"id": outcome.source.pk})
            )
