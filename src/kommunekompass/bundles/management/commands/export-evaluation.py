"""`kommunekompass export-evaluation ID -o FILE.zip`: one evaluation, whole, as a bundle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.bundles.exporting import ExportError, export_evaluation
from kommunekompass.evaluations.models import Evaluation


class Command(BaseCommand):
    help = (
        "Write one evaluation, with its scores, findings, interviews, evidence files, way "
        "forward, history, review comments and published versions, to a bundle (.zip) that "
        "import-evaluation reads into another instance. See docs/bundle-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("evaluation", metavar="ID", type=int)
        parser.add_argument("-o", "--output", metavar="FILE.zip", required=True)

    def handle(self, *args, evaluation, output, **options):
        found = Evaluation.objects.select_related("municipality", "framework").filter(pk=evaluation)
        found = found.first()
        if found is None:
            raise CommandError(_("There is no evaluation %(id)s.") % {"id": evaluation})
        self.stdout.write(
            _("Collecting %(evaluation)s (%(framework)s %(version)s)")
            % {
                "evaluation": found,
                "framework": found.framework.key,
                "version": found.framework.version,
            }
        )
        try:
            content = export_evaluation(found)
        except ExportError as error:
            raise CommandError(str(error)) from error
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror}.") from error
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Wrote %(file)s (%(count)d byte).",
                    "Wrote %(file)s (%(count)d bytes).",
                    len(content),
                )
                % {"file": output, "count": len(content)}
            )
        )
