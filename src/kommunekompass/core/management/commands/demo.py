"""`kommunekompass demo`: a ready-to-try installation. Safe to run again and again."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kommunekompass.frameworks.loader import load_shipped_frameworks

# The demo users and their passwords are printed here and in the README. Demo only.
DEMO_USERS = [
    # username, password, first name, last name, superuser
    ("admin", "kompass-admin", "Ada", "Administrator", True),
    ("evaluator", "kompass-evaluator", "Eva", "Evaluator", False),
]


class Command(BaseCommand):
    help = "Migrate, load the shipped frameworks and create the demo users (idempotent)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        for outcome in load_shipped_frameworks():
            framework = outcome.framework
            state = "loaded" if outcome.created else "already loaded"
            self.stdout.write(f"Framework {framework.key} {framework.version}: {state}")
        User = get_user_model()
        for username, password, first, last, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(password)
                user.save()
            self.stdout.write(
                f"User {username} / {password}: {'created' if created else 'already there'}"
            )
