"""`kommunekompass demo`: a ready-to-try installation. Safe to run again and again.

It refuses a database that holds anything but demo data (core/demo_guard.py) unless --force,
and never runs with KOMMUNEKOMPASS_SECURE=1: the demo users' passwords are public.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from kommunekompass.core.demo_guard import foreign_data
from kommunekompass.evaluations.apps import EVALUATORS_GROUP
from kommunekompass.evaluations.demo import (
    load_demo_evaluations,
    load_synthetic_comparison,
    publish_demo_evaluations,
    revise_demo_evaluations,
    unfrozen_published,
)
from kommunekompass.evaluations.models import Membership, Municipality
from kommunekompass.evaluations.services.workflow import freeze_published_many
from kommunekompass.frameworks.loader import load_shipped_frameworks
from kommunekompass.imports.applying import import_results
from kommunekompass.improvement.demo import load_demo_programme
from kommunekompass.lib import jobs
from kommunekompass.meetings.demo import load_demo_meeting
from kommunekompass.people.demo import demo_user_names, load_demo_people
from kommunekompass.surveys.demo import load_demo_survey

FREEZE_BATCH = 50  # evaluations frozen together

MIDTRE_GAULDAL = (
    Path(__file__).resolve().parents[3] / "imports" / "examples" / "midtre-gauldal-2023.csv"
)

# username, password, first name, last name, role, municipality number. Demo only: the
# passwords are printed here and in the README. The project leader and the steering group
# member have no membership: their access comes from their place in Fjordvik's programme
# groups (improvement.demo links them).
DEMO_USERS = [
    ("admin", "kompass-admin", "Ada", "Administrator", "admin", None),
    ("evaluator", "kompass-evaluator", "Eva", "Evaluator", "evaluator", None),
    ("coordinator", "kompass-coordinator", "Kari", "Koordinator", "coordinator", "9901"),
    ("reader", "kompass-reader", "Rolf", "Representant", "reader", "9901"),
    ("reader-nordhei", "kompass-reader", "Nina", "Nordhei", "reader", "9902"),
    ("project-leader", "kompass-leader", "Per", "Prosjektleder", "project_leader", None),
    ("steering", "kompass-steering", "Tone", "Tillitsvalgt", "steering", None),
]


def demo_names() -> dict[str, tuple[str, str]]:
    """Every user name the demo makes, with its (first name, last name): the demo users and
    the person it invites."""
    return {row[0]: (row[2], row[3]) for row in DEMO_USERS} | demo_user_names()


class Command(BaseCommand):
    help = "Migrate, load the shipped frameworks, demo users and demo evaluations (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the demo to a database that holds other data too (never in production).",
        )

    def handle(self, *args, force=False, **options):
        if settings.KOMMUNEKOMPASS_SECURE:
            raise CommandError(
                _(
                    "The demo does not run with KOMMUNEKOMPASS_SECURE=1: its users' passwords "
                    "are public. Use a separate data directory without that setting to try the "
                    "app."
                )
            )
        found = foreign_data({row[0]: (row[2], row[3]) for row in DEMO_USERS} | demo_user_names())
        if found and not force:
            raise CommandError(
                _(
                    "This database holds more than the demo data, so the demo leaves it "
                    "alone:\n  %(found)s\nUse an empty KOMMUNEKOMPASS_DATA_DIR (or DATABASE_URL) "
                    "for the demo, or --force to add the demo users and their public passwords "
                    "to this database."
                )
                % {"found": "\n  ".join(found)}
            )
        call_command("migrate", interactive=False, verbosity=0)
        for outcome in load_shipped_frameworks():
            framework = outcome.framework
            self.stdout.write(
                (
                    _("Framework %(key)s %(version)s: loaded")
                    if outcome.created
                    else _("Framework %(key)s %(version)s: already loaded")
                )
                % {"key": framework.key, "version": framework.version}
            )
        with transaction.atomic():
            users = self.create_users()
            evaluator, approver = users["evaluator"], users["admin"]
            for evaluation, created in load_demo_evaluations(evaluators=[evaluator]):
                self.stdout.write(
                    (
                        _("Evaluation %(municipality)s %(year)s: created")
                        if created
                        else _("Evaluation %(municipality)s %(year)s: already there")
                    )
                    % {"municipality": evaluation.municipality, "year": evaluation.year}
                )
            self.create_memberships(users)
            created = load_synthetic_comparison()
            self.stdout.write(
                _("Synthetic comparison evaluations: %(count)d created") % {"count": created}
                if created
                else _("Synthetic comparison evaluations: already there")
            )
            self.import_midtre_gauldal()
            # Published as in the app: sent to review by the evaluator, approved and published
            # by the administrator. The programme's projects answer the published findings.
            for evaluation in publish_demo_evaluations(evaluator, approver):
                self.stdout.write(
                    _("Published %(municipality)s %(year)s: v1")
                    % {"municipality": evaluation.municipality, "year": evaluation.year}
                )
            created = load_demo_programme(users, datetime.date.today())
            self.stdout.write(
                _("Improvement programme Fjordvik: created")
                if created
                else _("Improvement programme Fjordvik: already there")
            )
            created = load_demo_survey(users, datetime.date.today())
            self.stdout.write(
                _("Survey of home care in Fjordvik, two periods: created")
                if created
                else _("Survey of home care in Fjordvik, two periods: already there")
            )
            if load_demo_people(users):
                self.stdout.write(
                    _("Invited lise.leser@fjordvik.example; the mail is in %(place)s")
                    % {"place": settings.MAIL_DIR}
                    if not settings.EMAIL_HOST
                    else _("Invited lise.leser@fjordvik.example; the mail server has the mail")
                )
            self.freeze_published()
            for evaluation in revise_demo_evaluations(evaluator, approver):
                self.stdout.write(
                    _(
                        "Reopened, corrected and published %(municipality)s %(year)s again: "
                        "v%(version)s"
                    )
                    % {
                        "municipality": evaluation.municipality,
                        "year": evaluation.year,
                        "version": evaluation.published_version,
                    }
                )
            if load_demo_meeting(users):
                self.stdout.write(_("Council meeting on Fjordvik's way forward: held and closed"))
        # The published versions' files, the open data and the invitation's mail are jobs:
        # run them now, so the demo is whole when the command ends.
        if jobs.stores_in_database():
            self.stdout.write(_("Running the queued jobs (the published files, open data, mail)"))
            jobs.run_until_empty()

    def freeze_published(self) -> None:
        """Every published evaluation gets its published version (the synthetic set is
        created as published; its reports are served from the snapshots like any other)."""
        pending = list(unfrozen_published())
        if not pending:
            return
        # In batches (the snapshots of a batch are made together; all of them are published
        # already, so a batch gives what freezing them one by one gives).
        with tqdm(
            total=len(pending),
            desc=_("Freezing"),
            unit=_("evaluation"),
            file=self.stderr._out,
        ) as bar:
            for start in range(0, len(pending), FREEZE_BATCH):
                chunk = pending[start : start + FREEZE_BATCH]
                freeze_published_many(chunk)
                bar.update(len(chunk))
        self.stdout.write(
            _("Published evaluations frozen as version 1: %(count)d") % {"count": len(pending)}
        )

    def create_users(self) -> dict:
        User = get_user_model()
        evaluators = Group.objects.get(name=EVALUATORS_GROUP)
        users = {}
        for username, password, first, last, role, _number in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(password)
                user.save()
            if role == "evaluator":
                user.groups.add(evaluators)
            users[username] = user
            self.stdout.write(
                (
                    _("User %(username)s / %(password)s (%(role)s): created")
                    if created
                    else _("User %(username)s / %(password)s (%(role)s): already there")
                )
                % {"username": username, "password": password, "role": role}
            )
        return users

    def create_memberships(self, users: dict) -> None:
        for username, _password, _first, _last, role, number in DEMO_USERS:
            if number is None:
                continue
            municipality = Municipality.objects.get(country="NO", number=number)
            Membership.objects.get_or_create(
                user=users[username], municipality=municipality, defaults={"role": role}
            )

    def import_midtre_gauldal(self) -> None:
        """The seed's real figures for Midtre Gauldal 2023, through the importer itself."""
        Municipality.objects.get_or_create(
            country="NO",
            number="5027",
            defaults={"name": "Midtre Gauldal kommune", "county": "Trøndelag", "population": 6300},
        )
        outcome = import_results(
            MIDTRE_GAULDAL.read_bytes(),
            MIDTRE_GAULDAL.name,
            default_framework=("kommunekompass", "2020"),
        )
        if outcome.written:
            self.stdout.write(_("Imported %(file)s") % {"file": MIDTRE_GAULDAL.name})
            for warning in outcome.plan.warnings:
                self.stdout.write("  " + _("warning: %(warning)s") % {"warning": warning})
        else:
            self.stdout.write(_("%(file)s: already imported") % {"file": MIDTRE_GAULDAL.name})
