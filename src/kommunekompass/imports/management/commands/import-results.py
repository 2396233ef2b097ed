"""`kommunekompass import-results FILE`: import earlier results, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable
from kommunekompass.scoring.display import format_points


class Command(BaseCommand):
    help = (
        "Import results (per question, sub-area or area; one or many municipalities and years) "
        "from a CSV or .xlsx file. Everything is checked first; nothing is written on an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--framework", default="kommunekompass")
        parser.add_argument(
            "--framework-version", dest="framework_version", default="2020", metavar="VERSION"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and show, write nothing")

    def handle(self, *args, file, framework, framework_version, dry_run, **options):
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
                progress=progress,
            )
        except FileUnreadable as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in bars:
                bar.close()
        plan = outcome.plan
        self.stdout.write(f"{path.name}: {plan.dialect}, {plan.rows} rows")
        for problem in plan.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {problem}"))
        if plan.errors:
            for problem in plan.errors:
                self.stderr.write(self.style.ERROR(str(problem)))
            raise CommandError(f"{len(plan.errors)} error(s); nothing was imported.", returncode=1)
        for evaluation in plan.evaluations:
            self.stdout.write(
                f"  {evaluation.municipality_name} {evaluation.year} "
                f"({evaluation.framework_key} {evaluation.framework_version}, per "
                f"{evaluation.level}): {format_points(evaluation.total, 0, 'en')} of "
                f"{format_points(evaluation.max_points, 0, 'en')}"
                + (f", {len(evaluation.missing)} missing" if evaluation.missing else "")
            )
        verb = "would be imported (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"{len(plan.evaluations)} evaluation(s) {verb}."))
