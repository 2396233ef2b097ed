"""`kommunekompass survey-results SURVEY_ID --format xlsx -o FILE`: a survey's results as a
workbook, by the same anonymity rule as the results page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"There is no survey {survey}.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such folder.")
        path.write_bytes(results_workbook(found, language))
        self.stdout.write(self.style.SUCCESS(f"The results of {found} are written to {path}."))
