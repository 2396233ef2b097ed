"""`kommunekompass render-published [--missing | --all] [EVALUATION ...]`: render and store the
files (PDF, workbook and Word document) of published versions from their snapshots, with a
progress bar.

Versions published through the workflow have their files; those an import made
(`import-results`) or `freeze-published` froze have none, and an anonymous request for one is
answered 503 until they are rendered. Run this after an import. `--missing` (the default)
renders the files a version lacks, `--all` every version's files anew."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext, ngettext
from tqdm import tqdm

from kommunekompass.evaluations.models import PublishedVersion
from kommunekompass.evaluations.services.workflow import store_files
from kommunekompass.reports.published import (
    FILE_KINDS,
    is_docx_stored,
    is_stored,
    store_docx,
    store_missing,
)

log = logging.getLogger("kommunekompass.reports")


def all_stored(version: PublishedVersion) -> bool:
    return is_stored(version) and is_docx_stored(version)


def render_docx(version: PublishedVersion, *, again: bool) -> bool:
    """The Word document, stored beside the other files. False if its rendering failed: logged
    (the command names the version)."""
    try:
        store_docx(version, again=again)
    except Exception:
        log.exception("Rendering the Word document of %s failed", version)
        return False
    return True


def render_again(version: PublishedVersion) -> bool:
    """Render the version's files anew from its snapshot, under its row lock, and remove the
    files they replace. True when all three are stored."""
    with transaction.atomic():
        locked = PublishedVersion.objects.select_for_update().get(pk=version.pk)
        old = {kind: getattr(locked, kind).name for kind in FILE_KINDS}
        store_files(locked)
    for kind, name in old.items():
        field = getattr(locked, kind)
        if name and field.name != name:
            field.storage.delete(name)
    version.refresh_from_db(fields=list(FILE_KINDS))
    return render_docx(version, again=True) and all_stored(version)


class Command(BaseCommand):
    help = (
        "Render the missing files (PDF, workbook and Word document) of published versions "
        "from their snapshots, e.g. after an import; --all renders every version's files anew."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "evaluations",
            nargs="*",
            type=int,
            metavar="EVALUATION",
            help="only the versions of these evaluations (ids)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--missing",
            action="store_true",
            help="render only the files that are not stored (the default)",
        )
        mode.add_argument(
            "--all",
            action="store_true",
            help="render every version's files anew, replacing those stored",
        )

    def handle(self, *args, evaluations, **options):
        versions = PublishedVersion.objects.defer("data").order_by("evaluation_id", "number")
        if evaluations:
            known = set(
                versions.filter(evaluation_id__in=evaluations).values_list(
                    "evaluation_id", flat=True
                )
            )
            unknown = sorted(set(evaluations) - known)
            if unknown:
                raise CommandError(
                    gettext("No published version of evaluation(s) %(ids)s.")
                    % {"ids": ", ".join(str(pk) for pk in unknown)}
                )
            versions = versions.filter(evaluation_id__in=evaluations)
        chosen = [v for v in versions if options["all"] or not all_stored(v)]
        rendered, failed = 0, []
        for version in tqdm(
            chosen,
            desc=gettext("Rendering"),
            unit=" " + gettext("version"),
            file=self.stderr._out,
        ):
            if options["all"]:
                ok = render_again(version)
            else:
                store_missing(version)
                ok = render_docx(version, again=False) and all_stored(version)
            if ok:
                rendered += 1
            else:
                failed.append(version)
        self.stdout.write(
            ngettext(
                "%(count)d published version rendered.",
                "%(count)d published versions rendered.",
                rendered,
            )
            % {"count": rendered}
        )
        if failed:
            names = ", ".join(
                gettext("evaluation %(id)s version %(number)s")
                % {"id": v.evaluation_id, "number": v.number}
                for v in failed
            )
            raise CommandError(
                gettext("Could not render (see the log): %(versions)s") % {"versions": names}
            )
