"""`kommunekompass serve`: migrate the database, then serve the app with waitress.

`--workers N` (N > 1, Linux only) serves with gunicorn: N worker processes with `--threads`
threads each, behind the same proxy rules. The processes share sessions and the cache through
the database (or Redis), so any request may land on any of them.

With `--no-migrate` (several app servers on one database, migrated once by the operator with
`kommunekompass migrate`) it refuses to start while migrations are pending.

Behind a reverse proxy that ends TLS, list the proxy's addresses in
KOMMUNEKOMPASS_TRUSTED_PROXIES: from those addresses the X-Forwarded-For, -Proto, -Host and
-Port headers are believed (the client's address becomes REMOTE_ADDR, https the scheme); from
any other address they are removed before the app sees the request, so nobody can claim to
have come over https or from another address.

Beside the web server runs one worker thread of the job queue (see lib/jobs.py), so that one
command is a whole instance; `--no-worker` leaves the jobs to `kommunekompass worker`
processes (the production set-up, where several app servers share one database).
"""

import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

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
            "--workers",
            type=int,
            default=1,
            help="Worker processes; more than 1 runs gunicorn (Linux only). Default: 1 "
            "(waitress, one process).",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not apply migrations; refuse to serve while any is pending (several app "
            "servers: the operator runs `kommunekompass migrate` once).",
        )
        parser.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            help="Run no job worker beside the server (run `kommunekompass worker` instead).",
        )

    def prepare_database(self, *, migrate: bool) -> None:
        """Apply the migrations and make the cache table, or, with `migrate` False, refuse to
        go on while a migration is pending."""
        from kommunekompass.core.health import pending_migrations

        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
            return
        pending = pending_migrations()
        if pending:
            raise CommandError(
                ngettext(
                    "%(count)d migration is not applied (the first: %(first)s). Run "
                    "`kommunekompass migrate` once, then start the servers; or start `serve` "
                    "without --no-migrate to apply it here.",
                    "%(count)d migrations are not applied (the first: %(first)s). Run "
                    "`kommunekompass migrate` once, then start the servers; or start `serve` "
                    "without --no-migrate to apply them here.",
                    len(pending),
                )
                % {"count": len(pending), "first": pending[0]}
            )

    def handle(
        self, *args, host, port, threads, workers=1, no_migrate=False, worker=True, **options
    ):
        if workers < 1 or threads < 1:
            raise CommandError(gettext("--workers and --threads must be at least 1."))
        if workers > 1 and not sys.platform.startswith("linux"):
            raise CommandError(
                gettext(
                    "--workers runs gunicorn, which runs on Linux only; serve with one worker here."
                )
            )
        self.prepare_database(migrate=not no_migrate)
        from kommunekompass.wsgi import application

        # One process: a worker thread beside it runs the job queue. Several (gunicorn): the
        # operator runs `kommunekompass worker` on its own (docs/deployment.md).
        if worker and workers == 1 and jobs.stores_in_database():
            start_worker_thread()
            self.stdout.write(gettext("A worker thread runs the job queue beside the server."))

        proxies = settings.TRUSTED_PROXIES
        if proxies:
            self.stdout.write(
                gettext("Trusting forwarded headers from: %(proxies)s")
                % {"proxies": ", ".join(proxies)}
            )
        self.stdout.write(
            ngettext(
                "Kommunekompass is running on %(address)s with %(count)d worker process "
                "(Ctrl+C stops it)",
                "Kommunekompass is running on %(address)s with %(count)d worker processes "
                "(Ctrl+C stops it)",
                workers,
            )
            % {"address": f"http://{host}:{port}/", "count": workers}
        )
        self.stdout.flush()
        app = trust_proxies(application, proxies)
        if workers > 1:
            serve_with_gunicorn(app, host=host, port=port, workers=workers, threads=threads)
            return
        from waitress import serve

        serve(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="kommunekompass",
            # The wrapper above decides whom to believe; waitress must not strip the headers
            # of a trusted proxy before it does.
            clear_untrusted_proxy_headers=False,
        )


def serve_with_gunicorn(app, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI `app` (already wrapped by trust_proxies) with gunicorn's threaded workers.

    gunicorn believes X-Forwarded-Proto only from the trusted proxies too; the wrapper removes
    forwarded headers from anyone else before the app sees them, as with waitress."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", [f"{host}:{port}"])
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("forwarded_allow_ips", ",".join(settings.TRUSTED_PROXIES))
            self.cfg.set("proc_name", "kommunekompass")
            # A rendering of a large report may take a while; the proxy decides on patience.
            self.cfg.set("timeout", 300)
            self.cfg.set("accesslog", None)

        def load(self):
            return app

    Server().run()
