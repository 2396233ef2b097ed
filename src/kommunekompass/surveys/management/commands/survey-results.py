"""`kommunekompass survey-results SURVEY_ID --format xlsx -o FILE`: a survey's results as a
workbook, by the same anonymity rule as the results page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kommunekompass.surveys.exports import results_workbook
from kommunekompass.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write a survey's results (O, F and K = O / F with their intervals per statement, unit "
        "and period; groups below the survey's threshold only counted) to an .xlsx file."
    )

    def add_arguments(self, parser):
        parser.add_argument("survey", metavar="SURVEY_ID", type=int)
        parser.add_argument("--format", choices=["xlsx"], default="xlsx", dest="file_format")
        parser.add_argument("-o", "--output", metavar="FILE", required=True)
        parser.add_argument("--language", choices=["nb", "nn", "sv", "en"], default="nb")

    def handle(self, *args, survey, file_format, output, language, **options):
        found = Survey.objects.filter(pk=survey).first()
        if found is None:
            raise CommandError(_("There is no survey %(id)s.") % {"id": survey})
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("%(folder)s: no such folder.") % {"folder": path.parent})
        path.write_bytes(results_workbook(found, language))
        self.stdout.write(
            self.style.SUCCESS(
                _("The results of %(survey)s are written to %(file)s.")
                % {"survey": found, "file": path}
            )
        )
