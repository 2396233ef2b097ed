"""`kommunekompass import-results FILE`: import earlier results, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kommunekompass.imports import pending
from kommunekompass.imports.access import PERMISSION, may_import
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable
from kommunekompass.lib.numbers import format_points


class Command(BaseCommand):
    help = (
        "Import results (per question, sub-area or area, or totals alone; one or many "
        "municipalities and years) from a CSV or .xlsx file. Everything is checked first; "
        "nothing is written on an error. --user names who imports (and must hold the "
        "permission imports.import_results); without it, it is a system import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", nargs="?")
        parser.add_argument("--framework", default="kommunekompass")
        parser.add_argument(
            "--framework-version", dest="framework_version", default="2020", metavar="VERSION"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and show, write nothing")
        parser.add_argument(
            "--user", metavar="USERNAME", help="who imports (needs imports.import_results)"
        )
        parser.add_argument(
            "--clean-pending",
            action="store_true",
            help="remove uploads that waited for confirmation more than a day",
        )

    def handle(self, *args, file, framework, framework_version, dry_run, user, **options):
        if options["clean_pending"]:
            removed = pending.clean_pending()
            self.stdout.write(f"{removed} waiting upload(s) removed.")
            if not file:
                return
        if not file:
            raise CommandError("Give a FILE to import (or --clean-pending).")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"There is no user {user}.")
            if not importer.is_active or not may_import(importer):
                raise CommandError(
                    f"{user} may not import results (the permission {PERMISSION} is needed)."
                )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        bars = []

        def progress(done, total):
            if not bars:
                bars.append(
                    tqdm(total=total, desc="Writing", unit="evaluation", file=self.stderr._out)
                )
            bars[0].update(done - bars[0].n)

        try:
            outcome = import_results(
                path.read_bytes(),
                path.name,
                default_framework=(framework, framework_version),
                dry_run=dry_run,
                user=importer,
                progress=progress,
            )
        except FileUnreadable as error:
            raise CommandError(str(error), returncode=1) from error
        finally:
            for bar in bars:
                bar.close()
        plan = outcome.plan
        self.stdout.write(
            f"{path.name}: {plan.dialect}, {plan.rows} rows, SHA-256 {outcome.sha256}"
        )
        for problem in plan.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {problem}"))
        if plan.errors:
            for problem in plan.errors:
                self.stderr.write(self.style.ERROR(str(problem)))
            if plan.more_errors:
                self.stderr.write(self.style.ERROR(plan.more_errors_text()))
            raise CommandError(f"{plan.error_count} error(s); nothing was imported.", returncode=1)
        for evaluation in plan.evaluations:
            self.stdout.write(
                f"  {evaluation.municipality_name} {evaluation.year} "
                f"({evaluation.framework_key} {evaluation.framework_version}, per "
                f"{evaluation.level}): {format_points(evaluation.total, 0, 'en')} of "
                f"{format_points(evaluation.max_points, 0, 'en')}"
                + (f", {len(evaluation.missing)} missing" if evaluation.missing else "")
            )
        verb = "would be imported (dry run, nothing written)" if dry_run else "imported"
        by = f" by {importer.get_username()}" if importer else " (system import)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(plan.evaluations)} evaluation(s) {verb}"
                + ("" if dry_run else f"{by}, import {outcome.batch_id}")
                + "."
            )
        )
