"""`kommunekompass serve`: migrate the database, then serve the app with waitress.

Behind a reverse proxy that ends TLS, list the proxy's addresses in
KOMMUNEKOMPASS_TRUSTED_PROXIES: from those addresses the X-Forwarded-For, -Proto, -Host and
-Port headers are believed (the client's address becomes REMOTE_ADDR, https the scheme); from
any other address they are removed before the app sees the request, so nobody can claim to
have come over https or from another address.

Beside the web server runs one worker thread of the job queue (see lib/jobs.py), so that one
command is a whole instance; `--no-worker` leaves the jobs to `kommunekompass worker`
processes (the production set-up, where several app servers share one database).
"""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kommunekompass.lib import jobs

TRUSTED_PROXY_HEADERS = {
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-forwarded-port",
}


def trust_proxies(application, proxies):
    """Wrap a WSGI application: forwarded headers count only from the addresses in `proxies`.

    waitress itself trusts a single address; this takes a list, and leaves the parsing and
    the removal of the headers to waitress's own middleware."""
    from waitress.proxy_headers import proxy_headers_middleware

    proxies = frozenset(proxies)
    believed = proxy_headers_middleware(
        application, trusted_proxy="*", trusted_proxy_headers=TRUSTED_PROXY_HEADERS
    )
    stripped = proxy_headers_middleware(application, trusted_proxy=None, clear_untrusted=True)

    def app(environ, start_response):
        if environ.get("REMOTE_ADDR") in proxies:
            return believed(environ, start_response)
        return stripped(environ, start_response)

    return app


def start_worker_thread() -> threading.Thread:
    """One job worker in a daemon thread (it stops with the server)."""
    thread = threading.Thread(target=jobs.make_worker().run, name="job-worker", daemon=True)
    thread.start()
    return thread


class Command(BaseCommand):
    help = "Apply database migrations and serve Kommunekompass over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            help="Run no job worker beside the server (run `kommunekompass worker` instead).",
        )

    def handle(self, *args, host, port, threads, worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if worker and jobs.stores_in_database():
            start_worker_thread()
            self.stdout.write("A worker thread runs the job queue beside the server.")
        from waitress import serve

        from kommunekompass.wsgi import application

        proxies = settings.TRUSTED_PROXIES
        if proxies:
            self.stdout.write(f"Trusting forwarded headers from: {', '.join(proxies)}")
        self.stdout.write(f"Kommunekompass is running on http://{host}:{port}/ (Ctrl+C stops it)")
        serve(
            trust_proxies(application, proxies),
            host=host,
            port=port,
            threads=threads,
            ident="kommunekompass",
            # The wrapper above decides whom to believe; waitress must not strip the headers
            # of a trusted proxy before it does.
            clear_untrusted_proxy_headers=False,
        )
