"""`kommunekompass jobs`: the queue's failed jobs (and, with `--all`, the latest of every
state), newest first, with the error each failed with."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunekompass.lib import jobs

# django-tasks' states, in words.
STATES = {
    "READY": gettext_lazy("waiting"),
    "RUNNING": gettext_lazy("running"),
    "SUCCESSFUL": gettext_lazy("done"),
    "FAILED": gettext_lazy("failed"),
}


def state_of(row: jobs.JobRow) -> str:
    if row.status == "FAILED":
        return _("gave up") if row.gave_up else _("failed, tried again")
    return str(STATES.get(row.status, row.status.lower()))


class Command(BaseCommand):
    help = "List the job queue's failed jobs (with --all: the latest jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="List jobs of every state.")
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args, all, limit, **options):
        if all:
            found = [jobs.describe(row) for row in jobs.rows()[:limit]]
        else:
            found = jobs.failed(limit)
        if not found:
            self.stdout.write(_("No failed jobs.") if not all else _("The queue is empty."))
            return
        for row in found:
            when = timezone.localtime(row.finished_at or row.enqueued_at)
            attempt = _("attempt %(attempt)d of %(attempts)d") % {
                "attempt": row.attempt,
                "attempts": row.attempts,
            }
            self.stdout.write(
                f"{when:%Y-%m-%d %H:%M:%S}  {row.name}({row.arguments})  "
                f"{attempt}  {state_of(row)}  {row.id}"
            )
            if row.error:
                self.stdout.write(f"    {row.error}")
