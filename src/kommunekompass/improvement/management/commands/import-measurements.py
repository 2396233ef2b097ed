"""`kommunekompass import-measurements INDICATOR_ID FILE`: an indicator's measurements, all or
nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.improvement.models import Indicator
from kommunekompass.improvement.services import import_measurements


class Command(BaseCommand):
    help = (
        "Import an indicator's measurements (a period and a value per row; for experienced "
        "quality K, or O and F) from a CSV or .xlsx file. Every row is checked first; nothing "
        "is written on an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("indicator", metavar="INDICATOR_ID", type=int)
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="check and show, write nothing")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the user the programme's history names as having imported the file",
        )

    def handle(self, *args, indicator, file, dry_run, user=None, **options):
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user, is_active=True).first()
            if acting is None:
                raise CommandError(_("There is no active user %(user)s.") % {"user": user})
        found = Indicator.objects.select_related("project").filter(pk=indicator).first()
        if found is None:
            raise CommandError(_("There is no indicator %(id)s.") % {"id": indicator})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        outcome = import_measurements(acting, found, path.read_bytes(), path.name, dry_run=dry_run)
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(self.style.ERROR(problem))
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was imported.",
                    "%(count)d problems; nothing was imported.",
                    outcome.problem_count,
                )
                % {"count": outcome.problem_count},
                returncode=1,
            )
        summary = _("%(created)d new, %(updated)d changed measurements for %(indicator)s") % {
            "created": outcome.created,
            "updated": outcome.updated,
            "indicator": found,
        }
        if outcome.unchanged:
            summary += " " + _("(%(count)d unchanged)") % {"count": outcome.unchanged}
        if dry_run:
            summary += " " + _("(dry run, nothing written)")
        self.stdout.write(self.style.SUCCESS(summary + "."))
