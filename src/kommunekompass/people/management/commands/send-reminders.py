"""kommunekompass send-reminders: store what is due and mail it. Safe to run every hour (see
the README for cron and a systemd timer): a reminder is kept once per person and due period,
so nobody gets the same one twice. `--enqueue` leaves the work to the job queue's worker."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.people.reminders import send_reminders, send_reminders_job


class Command(BaseCommand):
    help = (
        "Send the reminders that are due: reviews, publications, milestones, measurements, "
        "invitations not accepted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD), e.g. to try it on the demo.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the run in the job queue for the worker instead of running it here.",
        )

    def handle(self, *args, today=None, enqueue=False, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    _("--today: not a date (YYYY-MM-DD): %(value)s") % {"value": today}
                ) from None
        if enqueue:
            result = send_reminders_job.enqueue(today=day.isoformat() if day else None)
            self.stdout.write(_("Reminders: in the job queue (%(id)s)") % {"id": result.id})
            return
        created, mails = send_reminders(today=day)
        self.stdout.write(
            ngettext(
                "Reminders: %(created)d new, %(mails)d mail sent",
                "Reminders: %(created)d new, %(mails)d mails sent",
                mails,
            )
            % {"created": created, "mails": mails}
        )
