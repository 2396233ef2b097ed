"""`kommunekompass framework validate|list|load`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import get_language

from kommunekompass.frameworks.loader import (
    FrameworkConflict,
    load_framework_file,
    shipped_framework_files,
)
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.frameworks.validation import (
    FrameworkInvalid,
    summarize,
    validate_framework_file,
)
from kommunekompass.lib.numbers import format_points


class Command(BaseCommand):
    help = "Validate, list and load evaluation frameworks."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = actions.add_parser("validate", help="Check framework files and summarize them.")
        validate.add_argument("files", nargs="+", metavar="FILE")
        actions.add_parser("list", help="List the shipped and the loaded frameworks.")
        load = actions.add_parser("load", help="Validate a framework file and load it.")
        load.add_argument("files", nargs="*", metavar="FILE")
        load.add_argument(
            "--shipped",
            action="store_true",
            help="load every framework shipped with this version (a new installation)",
        )

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options)

    def handle_validate(self, files, **options):
        failed = 0
        for path in files:
            result = validate_framework_file(path)
            if result.ok:
                counts = summarize(result.spec)
                self.stdout.write(
                    self.style.SUCCESS(f"{path}: valid")
                    + f" - {result.spec.key} {result.spec.version}: "
                    f"{counts['perspectives']} perspectives, {counts['areas']} areas, "
                    f"{counts['subareas']} sub-areas, {counts['questions']} questions, "
                    f"maximum {format_points(counts['max_points'], 0, 'en')} points"
                )
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: {len(result.problems)} problem(s)"))
                for problem in result.problems:
                    line = problem.line if problem.line else "-"
                    self.stderr.write(f"{path}:{line}: {problem.code}: {problem.message}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) invalid.", returncode=1)

    def handle_list(self, **options):
        self.stdout.write("Shipped with this version of Kommunekompass:")
        for path in shipped_framework_files():
            result = validate_framework_file(path)
            if result.ok:
                spec = result.spec
                self.stdout.write(
                    f"  {spec.key:<16} {spec.version:<8} {len(spec.areas):>3} areas "
                    f"{len(spec.questions):>4} questions  "
                    f"max {format_points(spec.max_points, 0, 'en'):>6}"
                    f"  {pick_text(spec.name, get_language())}  ({path.name})"
                )
            else:
                self.stdout.write(f"  {path.name}: INVALID ({len(result.problems)} problems)")
        self.stdout.write("Loaded in the database:")
        from kommunekompass.frameworks.models import Framework

        try:
            loaded = list(Framework.objects.order_by("key", "version"))
        except DatabaseError:
            self.stdout.write("  (the database is not set up yet: run `kommunekompass demo`)")
            return
        if not loaded:
            self.stdout.write("  none")
        for framework in loaded:
            self.stdout.write(
                f"  {framework.key:<16} {framework.version:<8} loaded "
                f"{framework.loaded_at:%Y-%m-%d %H:%M}  {framework.localized()}"
            )

    def handle_load(self, files, shipped=False, **options):
        if shipped:
            files = [*files, *shipped_framework_files()]
        if not files:
            raise CommandError("Name a framework FILE, or give --shipped.", returncode=2)
        for path in files:
            try:
                outcome = load_framework_file(path)
            except FrameworkInvalid as error:
                for problem in error.problems:
                    self.stderr.write(
                        f"{path}:{problem.line or '-'}: {problem.code}: {problem.message}"
                    )
                raise CommandError(
                    f"{path} is invalid; nothing was loaded.", returncode=1
                ) from error
            except FrameworkConflict as error:
                raise CommandError(f"{path}: {error}", returncode=1) from error
            framework = outcome.framework
            verb = "loaded" if outcome.created else "already loaded, unchanged"
            if outcome.added_languages:
                verb = f"already loaded, texts added in {', '.join(outcome.added_languages)}"
            self.stdout.write(f"{framework.key} {framework.version}: {verb}")
