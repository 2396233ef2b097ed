"""`kommunekompass import-evaluation FILE.zip [--municipality NUMBER]`: a bundle that another
instance exported, checked whole, then written all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kommunekompass.bundles.format import BundleError
from kommunekompass.bundles.importing import import_file


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
                raise CommandError(f"There is no active user {user}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
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
            raise CommandError(f"{error}{member} Nothing was imported.") from error
        evaluation = summary.evaluation
        counts = ", ".join(f"{count} {name}" for name, count in summary.counts.items())
        self.stdout.write(f"Imported: {counts}.")
        if summary.created_users:
            self.stdout.write(
                "Created inactive, without a password (give them access in the admin): "
                + ", ".join(summary.created_users)
            )
        for note in summary.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(f"Imported evaluation {evaluation.pk}: {evaluation}."))
