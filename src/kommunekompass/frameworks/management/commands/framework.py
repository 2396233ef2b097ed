"""`kommunekompass framework validate|list|load`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

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
                    self.style.SUCCESS(_("%(file)s: valid") % {"file": path})
                    + f" - {result.spec.key} {result.spec.version}: "
                    + _(
                        "%(perspectives)d perspectives, %(areas)d areas, %(subareas)d sub-areas, "
                        "%(questions)d questions, maximum %(points)s points"
                    )
                    % {
                        **counts,
                        "points": format_points(counts["max_points"], 0, get_language()),
                    }
                )
            else:
                failed += 1
                count = len(result.problems)
                self.stderr.write(
                    self.style.ERROR(
                        ngettext(
                            "%(file)s: %(count)d problem", "%(file)s: %(count)d problems", count
                        )
                        % {"file": path, "count": count}
                    )
                )
                for problem in result.problems:
                    line = problem.line if problem.line else "-"
                    self.stderr.write(f"{path}:{line}: {problem.code}: {problem.message}")
        if failed:
            raise CommandError(
                ngettext(
                    "%(failed)d of %(count)d file invalid.",
                    "%(failed)d of %(count)d files invalid.",
                    len(files),
                )
                % {"failed": failed, "count": len(files)},
                returncode=1,
            )

    def handle_list(self, **options):
        language = get_language()
        self.stdout.write(_("Shipped with this version of Kommunekompass:"))
        for path in shipped_framework_files():
            result = validate_framework_file(path)
            if result.ok:
                spec = result.spec
                sizes = _("%(areas)s areas %(questions)s questions  max %(points)s") % {
                    "areas": f"{len(spec.areas):>3}",
                    "questions": f"{len(spec.questions):>4}",
                    "points": f"{format_points(spec.max_points, 0, language):>6}",
                }
                self.stdout.write(
                    f"  {spec.key:<16} {spec.version:<8} {sizes}"
                    f"  {pick_text(spec.name, language)}  ({path.name})"
                )
            else:
                count = len(result.problems)
                self.stdout.write(
                    "  "
                    + ngettext(
                        "%(file)s: INVALID (%(count)d problem)",
                        "%(file)s: INVALID (%(count)d problems)",
                        count,
                    )
                    % {"file": path.name, "count": count}
                )
        self.stdout.write(_("Loaded in the database:"))
        from kommunekompass.frameworks.models import Framework

        try:
            loaded = list(Framework.objects.order_by("key", "version"))
        except DatabaseError:
            self.stdout.write(
                "  " + _("(the database is not set up yet: run `kommunekompass demo`)")
            )
            return
        if not loaded:
            self.stdout.write("  " + _("none"))
        for framework in loaded:
            when = _("loaded %(time)s") % {"time": f"{framework.loaded_at:%Y-%m-%d %H:%M}"}
            self.stdout.write(
                f"  {framework.key:<16} {framework.version:<8} {when}  {framework.localized()}"
            )

    def handle_load(self, files, shipped=False, **options):
        if shipped:
            files = [*files, *shipped_framework_files()]
        if not files:
            raise CommandError(_("Name a framework FILE, or give --shipped."), returncode=2)
        for path in files:
            try:
                outcome = load_framework_file(path)
            except FrameworkInvalid as error:
                for problem in error.problems:
                    self.stderr.write(
                        f"{path}:{problem.line or '-'}: {problem.code}: {problem.message}"
                    )
                raise CommandError(
                    _("%(file)s is invalid; nothing was loaded.") % {"file": path}, returncode=1
                ) from error
            except FrameworkConflict as error:
                raise CommandError(f"{path}: {error}", returncode=1) from error
            framework = outcome.framework
            names = {"key": framework.key, "version": framework.version}
            if outcome.added_languages:
                line = _("%(key)s %(version)s: already loaded, texts added in %(languages)s") % {
                    **names,
                    "languages": ", ".join(outcome.added_languages),
                }
            elif outcome.created:
                line = _("%(key)s %(version)s: loaded") % names
            else:
                line = _("%(key)s %(version)s: already loaded, unchanged") % names
            self.stdout.write(line)
