"""`kommunekompass import-statistics FILE`: load a population projection or a cost table."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kommunekompass.forecasts.access import PERMISSION, may_load_statistics
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
            raise CommandError(f"{file}: no such file.")
        loader = None
        if user:
            loader = get_user_model().objects.filter(username=user).first()
            if loader is None:
                raise CommandError(f"There is no user {user}.")
            if not loader.is_active or not may_load_statistics(loader):
                raise CommandError(f"{user} may not load statistics ({PERMISSION} is needed).")
        try:
            day = datetime.date.fromisoformat(downloaded) if downloaded else None
        except ValueError:
            raise CommandError(f"--downloaded {downloaded}: give a date as YYYY-MM-DD.") from None
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
            f"{path.name}: {found.kind}, {found.dialect}, {found.rows} figures, "
            f"SHA-256 {outcome.sha256}"
        )
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(self.style.ERROR(problem))
            raise CommandError(
                f"{len(found.problems)} problem(s); nothing was loaded.", returncode=1
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS("The file is good (dry run, nothing stored)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded as source {outcome.source.pk}."))
