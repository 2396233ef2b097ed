"""`kommunekompass worker`: run the queue's jobs (rendering published files, open data, mails,
reminders) until stopped; `--batch` runs what is due and exits.

It is django-tasks-db's `db_worker` on every queue, with a line in the log for each job that
starts, succeeds or fails. Run as many as you like (each takes its jobs under a row lock);
Ctrl+C or SIGTERM lets the running job finish first."""

import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kommunekompass.lib import jobs


class Command(BaseCommand):
    help = "Run the job queue's worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs that are due, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: 1).",
        )

    def handle(self, *args, batch, interval, verbosity, **options):
        handler = logging.StreamHandler(self.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        level = logging.WARNING if verbosity == 0 else logging.INFO
        for name in ("django_tasks", "django_tasks_db", "kommunekompass.lib.jobs"):
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.addHandler(handler)
        worker = jobs.make_worker(batch=batch, interval=interval)
        if not batch:
            worker.configure_signals()
        self.stdout.write(_("The worker runs the job queue (Ctrl+C stops it)."))
        worker.run()
