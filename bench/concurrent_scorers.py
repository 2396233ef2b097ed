"""Twenty evaluators saving scores at the same time on SQLite: no "database is locked", no lost
write.

    .venv/bin/python bench/concurrent_scorers.py [--seconds 60] [--scorers 20]

Makes a fresh data dir (temporary), loads the demo data, adds an unscored draft evaluation
assigned to `evaluator`, and starts gunicorn (gthread, 2 workers x 10 threads by default) on
SQLite. Each scorer thread logs in (its own session) and saves, as HTMX, the questions it owns
(the 74 questions dealt round-robin, so no two threads share a question), one after the other,
as fast as the server answers: changing levels and a reason with a counter, sending the version
it last saw. Counts attempts, saved (200), conflicts (409) and other errors, and "database is
locked" in any response body or gunicorn/Django log line.

Then checks, in the database, that every question's score is what the last successful save of
its thread sent (version, levels, reason), and that the audit history has one "score" entry per
successful save. Exits 1 if a "database is locked" was seen, a write was lost, or the audit
count differs.
"""

import argparse
import shutil
import sys
from collections import Counter

from common import (
    EVALUATOR,
    Browser,
    Gunicorn,
    app_env,
    create_draft,
    fresh_data_dir,
    load_demo,
    question_dimensions,
    response_version,
    run_load,
    save_fields,
    setup_django,
    stop_on_sigterm,
)

LOCKED = "database is locked"


class Scorer:
    """One evaluator's session, saving its own questions round and round."""

    def __init__(self, number, port, evaluation_pk, codes, dims):
        self.number = number
        self.browser = Browser(port)
        self.browser.login(*EVALUATOR)
        self.evaluation_pk = evaluation_pk
        self.codes = codes
        self.dims = dims
        self.n = 0
        self.seen = {code: 0 for code in codes}  # the version this thread last saw
        self.last = {}  # code: (version, levels, reason) of the last successful save
        self.saved_per_code = Counter()  # successful saves that changed something
        self.counts = Counter()
        self.locked_bodies = 0

    def step(self) -> int:
        code = self.codes[self.n % len(self.codes)]
        self.n += 1
        level = (self.n // len(self.codes)) % 4
        reason = f"Scorer {self.number}, save {self.n}: {code} at level {level}."
        fields = save_fields(
            self.dims[code], level, reason, self.seen[code], self.browser.cookies["csrftoken"]
        )
        path = f"/evaluations/{self.evaluation_pk}/questions/{code}/"
        status, body = self.browser.post(path, fields, {"HX-Request": "true"})
        if LOCKED.encode() in body:
            self.locked_bodies += 1
        version = response_version(body)
        if status == 200:
            if version == self.seen[code] + 1:
                self.saved_per_code[code] += 1
                self.last[code] = (version, {d: level for d in self.dims[code]}, reason)
            else:  # "No changes" cannot happen (the reason always changes), nor a jump
                self.counts["200 with unexpected version"] += 1
            self.seen[code] = version if version is not None else self.seen[code]
        elif status == 409 and version is not None:
            self.seen[code] = version
        return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long to save (60)")
    parser.add_argument("--scorers", type=int, default=20, help="scorer threads (20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=10, help="gthread threads/worker (10)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    stop_on_sigterm()

    data_dir = fresh_data_dir(args.keep)
    server = None
    try:
        load_demo(data_dir)
        setup_django(data_dir)
        from django.db import connections
        from django.db.models import Count

        from kommunekompass.evaluations.models import AuditEntry, Score

        draft = create_draft("Benchvik kommune", "9990", scored=False)
        dims = question_dimensions(draft)
        codes = list(dims)
        if not 0 < args.scorers <= len(codes):
            parser.error(f"1 to {len(codes)} scorers: each owns at least one question")
        connections.close_all()

        server = Gunicorn(
            "app",
            "kommunekompass.wsgi:application",
            app_env(data_dir),
            data_dir,
            workers=args.workers,
            worker_class="gthread",
            threads=args.threads,
        ).start()
        scorers = [
            Scorer(i, server.port, draft.pk, codes[i :: args.scorers], dims)
            for i in range(args.scorers)
        ]
        load = run_load(
            "save",
            clients=args.scorers,
            seconds=args.seconds,
            warmup=0,
            make_step=lambda i: scorers[i].step,
            server=server,
        )
        server.stop()
        log_locked = server.log_lines_containing(LOCKED)

        # What the threads believe they saved, against the database.
        expected = {code: last for s in scorers for code, last in s.last.items()}
        rows = {
            code: (version, levels, reason)
            for code, version, levels, reason in Score.objects.filter(evaluation=draft).values_list(
                "question__code", "version", "levels", "reason"
            )
        }
        lost = [code for code in codes if rows.get(code) != expected.get(code)]
        changed = sum(sum(s.saved_per_code.values()) for s in scorers)
        audit = AuditEntry.objects.filter(evaluation=draft, action=AuditEntry.Action.SCORE)
        audit_total = audit.count()
        audit_by_code = dict(audit.values_list("subject").annotate(n=Count("id")))
        saved_by_code = Counter()
        for s in scorers:
            saved_by_code.update(s.saved_per_code)
        audit_off = [c for c in codes if audit_by_code.get(c, 0) != saved_by_code.get(c, 0)]
    finally:
        if server:
            server.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    anomalies = Counter()
    for s in scorers:
        anomalies.update(s.counts)
    locked_bodies = sum(s.locked_bodies for s in scorers)
    saved, conflicts = load.count(200), load.count(409)
    others = {status: n for status, n in load.statuses.items() if status not in (200, 409)}
    locked = locked_bodies + len(log_locked)
    print(
        f"concurrent_scorers: {args.scorers} scorer threads (own sessions, own questions), "
        f"{args.seconds:g} s; gunicorn gthread, {args.workers} workers x {args.threads} threads, "
        "SQLite (WAL, immediate transactions, busy_timeout 30 s)"
    )
    print(f"attempts: {load.requests}")
    print(f"saved (200): {saved}")
    print(f"conflicts (409): {conflicts}")
    detail = ", ".join(f"status {k}: {v}" for k, v in sorted(others.items())) or "none"
    print(f"other errors: {sum(others.values())} ({detail})")
    for name, n in anomalies.items():
        print(f"  {name}: {n}")
    print(
        f"saves per second: {load.rps:.1f}, latency p50 {load.percentile_ms(50):.1f} ms, "
        f"p95 {load.percentile_ms(95):.1f} ms, max {max(load.latencies, default=0) * 1000:.0f} ms"
    )
    if load.server_cpu is not None and load.machine_busy is not None:
        print(
            f"CPU: gunicorn {load.server_cpu / load.wall:.0%} of one core, client "
            f"{load.client_cpu / load.wall:.0%}, all CPUs busy {load.machine_busy:.0%}"
        )
    print(f"{LOCKED}: {locked} (response bodies: {locked_bodies}, log lines: {len(log_locked)})")
    for line in log_locked[:5]:
        print(f"  {line}")
    print(f"lost writes: {len(lost)} (of {len(codes)} questions checked)")
    for code in lost[:10]:
        print(f"  {code}: database {rows.get(code)}, last save {expected.get(code)}")
    audit_ok = audit_total == changed and not audit_off
    print(
        f"audit entries (score): {audit_total}, successful saves that changed something: "
        f"{changed} -> {'equal' if audit_ok else 'DIFFERENT'}"
        + (f" (questions differing: {', '.join(audit_off)})" if audit_off else "")
    )
    return 1 if locked or lost or not audit_ok else 0


if __name__ == "__main__":
    sys.exit(main())
