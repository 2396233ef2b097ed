"""`kommunekompass report`: render evaluation reports as PDF, XLSX, DOCX (Word) or HTML, one or
many."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.evaluations.services.workflow import freeze_published
from kommunekompass.reports.data import build_report, report_from_data
from kommunekompass.reports.published import is_public
from kommunekompass.reports.render import render_html, render_pdf
from kommunekompass.reports.spreadsheet import render_xlsx
from kommunekompass.reports.views import report_filename
from kommunekompass.reports.word import render_docx

RENDERERS = {
    "pdf": lambda report, version: render_pdf(report, version=version),
    "xlsx": lambda report, version: render_xlsx(report, version=version),
    "docx": lambda report, version: render_docx(report, version=version),
    "html": lambda report, version: render_html(report, standalone=True, version=version).encode(
        "utf-8"
    ),
}


def report_and_version(evaluation):
    """A public evaluation's latest published version (legacy ones are frozen first), else the
    live report."""
    if evaluation.is_published and not evaluation.published_version:
        freeze_published(evaluation)
    if is_public(evaluation):
        version = PublishedVersion.objects.get(
            evaluation=evaluation, number=evaluation.published_version
        )
        return report_from_data(version.data), version
    return build_report(evaluation), None


class Command(BaseCommand):
    help = (
        "Render the report of one evaluation to a file, or of many (ids, --all or "
        "--published) into a folder, with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("evaluations", nargs="*", type=int, metavar="EVALUATION")
        parser.add_argument("--format", choices=sorted(RENDERERS), default="pdf")
        parser.add_argument("-o", "--output", required=True, help="a file, or a folder for many")
        parser.add_argument("--all", action="store_true", help="every evaluation")
        parser.add_argument("--published", action="store_true", help="every published one")
        # From the command line, `--language` is taken by kommunekompass.cli for every command
        # (the active language); from call_command it may be given here.
        parser.add_argument("--language", default=None, choices=["nb", "nn", "sv", "en"])

    def handle(self, *args, evaluations, format, output, language, **options):
        chosen = Evaluation.objects.select_related("municipality", "framework").order_by("id")
        if options["all"]:
            selected = list(chosen)
        elif options["published"]:
            selected = list(chosen.public())
        elif evaluations:
            found = {e.pk: e for e in chosen.filter(pk__in=evaluations)}
            unknown = [str(pk) for pk in evaluations if pk not in found]
            if unknown:
                raise CommandError(
                    _("No evaluation with id %(ids)s. `kommunekompass evaluations` lists them.")
                    % {"ids": ", ".join(unknown)}
                )
            selected = [found[pk] for pk in evaluations]
        else:
            raise CommandError(_("Name an evaluation id, or use --all or --published."))
        if not selected:
            raise CommandError(_("No evaluations to render."))

        target = Path(output)
        single = (
            len(selected) == 1
            and not target.is_dir()
            and not options["all"]
            and not (options["published"])
        )
        if not single:
            target.mkdir(parents=True, exist_ok=True)
        render = RENDERERS[format]
        with translation.override(language or translation.get_language() or "nb"):
            for evaluation in tqdm(
                selected,
                desc=_("Reports"),
                unit=_("report"),
                disable=single,
                file=self.stderr._out,
            ):
                content = render(*report_and_version(evaluation))
                path = target if single else target / self.filename(evaluation, format)
                path.write_bytes(content)
                if single:
                    size = formats.number_format(len(content), force_grouping=True)
                    self.stdout.write(
                        ngettext(
                            "%(file)s: %(size)s byte", "%(file)s: %(size)s bytes", len(content)
                        )
                        % {"file": path, "size": size}
                    )
            if not single:
                self.stdout.write(
                    ngettext(
                        "%(count)d %(format)s report in %(folder)s",
                        "%(count)d %(format)s reports in %(folder)s",
                        len(selected),
                    )
                    % {"count": len(selected), "format": format, "folder": target}
                )

    @staticmethod
    def filename(evaluation, extension: str) -> str:
        return f"{evaluation.pk}-{report_filename(evaluation, extension)}"
