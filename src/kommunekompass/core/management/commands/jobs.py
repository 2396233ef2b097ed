"""`kommunekompass jobs`: the queue's failed jobs (and, with `--all`, the latest of every
state), newest first, with the error each failed with."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kommunekompass.lib import jobs


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
            self.stdout.write("No failed jobs." if not all else "The queue is empty.")
            return
        for row in found:
            when = timezone.localtime(row.finished_at or row.enqueued_at)
            state = row.status.lower()
            if row.status == "FAILED":
                state = "gave up" if row.gave_up else "failed, tried again"
            self.stdout.write(
                f"{when:%Y-%m-%d %H:%M:%S}  {row.name}({row.arguments})  "
                f"attempt {row.attempt} of {row.attempts}  {state}  {row.id}"
            )
            if row.error:
                self.stdout.write(f"    {row.error}")
