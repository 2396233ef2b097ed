"""`kommunekompass serve`: migrate the database, then serve the app with waitress."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply database migrations and serve Kommunekompass over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        call_command("migrate", interactive=False, verbosity=0)
        from waitress import serve

        from kommunekompass.wsgi import application

        self.stdout.write(f"Kommunekompass is running on http://{host}:{port}/ (Ctrl+C stops it)")
        serve(application, host=host, port=port, threads=threads, ident="kommunekompass")
