"""`kommunekompass import-evaluation FILE.zip [--municipality NUMBER]`: a bundle that another
instance exported, checked whole, then written all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from kommunekompass.bundles.format import BundleError
from kommunekompass.bundles.importing import import_file

# What the summary counts (the bundle's list members), in words.
COUNTED = {
    "scores": ngettext_lazy("%(count)d score", "%(count)d scores", "count"),
    "reported_points": ngettext_lazy(
        "%(count)d reported point sum", "%(count)d reported point sums", "count"
    ),
    "findings": ngettext_lazy("%(count)d finding", "%(count)d findings", "count"),
    "interviews": ngettext_lazy("%(count)d interview", "%(count)d interviews", "count"),
    "evidence": ngettext_lazy("%(count)d evidence file", "%(count)d evidence files", "count"),
    "way_forward": ngettext_lazy(
        "%(count)d priority of the way forward", "%(count)d priorities of the way forward", "count"
    ),
    "history": ngettext_lazy("%(count)d history entry", "%(count)d history entries", "count"),
    "review_comments": ngettext_lazy(
        "%(count)d review comment", "%(count)d review comments", "count"
    ),
    "published_versions": ngettext_lazy(
        "%(count)d published version", "%(count)d published versions", "count"
    ),
}


def counted(name: str, count: int) -> str:
    """`count` of the bundle member `name`, in words (a member this version does not know
    is shown by its name)."""
    if name in COUNTED:
        return COUNTED[name] % {"count": count}
    return f"{count} {name}"


class Command(BaseCommand):
    help = (
        "Import an evaluation bundle made by export-evaluation. Everything is checked first "
        "(format version, checksums, the framework version, the municipality); nothing is "
        "written on an error. People not found here by user name or e-mail are created "
        "inactive, without a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.zip")
        parser.add_argument(
            "--municipality",
            metavar="NUMBER",
            help="the municipality (number) to import into, if not the bundle's own",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="the user the history names as the importer"
        )

    def handle(self, *args, file, municipality=None, user=None, **options):
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user, is_active=True).first()
            if acting is None:
                raise CommandError(_("There is no active user %(user)s.") % {"user": user})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        try:
            with path.open("rb") as stream:
                summary = import_file(
                    stream,
                    user=acting,
                    municipality_number=municipality,
                    progress=lambda step: self.stdout.write(f"… {step}"),
                )
        except BundleError as error:
            member = f" [{error.member}]" if error.member else ""
            raise CommandError(
                _("%(error)s%(member)s Nothing was imported.") % {"error": error, "member": member}
            ) from error
        evaluation = summary.evaluation
        counts = ", ".join(counted(name, count) for name, count in summary.counts.items())
        self.stdout.write(_("Imported: %(counts)s.") % {"counts": counts})
        if summary.created_users:
            self.stdout.write(
                _("Created inactive, without a password (give them access in the admin): %(users)s")
                % {"users": ", ".join(summary.created_users)}
            )
        for note in summary.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported evaluation %(id)s: %(evaluation)s.")
                % {"id": evaluation.pk, "evaluation": evaluation}
            )
        )
