"""Benchmark and check: the app as several processes on one machine, under a mixed workload,
beside the same workload on one process with SQLite.

    .venv/bin/python bench/topology.py [--users 50] [--seconds 60] [--only topology|single]

The topology, all on 127.0.0.1 and started here: a private PostgreSQL (initdb in a temporary
folder), moto's S3 server (its own process, one bucket), two app servers (`kommunekompass serve
--workers W --threads T --no-migrate --no-worker`: gunicorn, each with its own data dir; the
secret key shared by the environment) and one `kommunekompass worker`. The single process:
`kommunekompass serve` (waitress, 8 threads, a job worker thread beside it) on SQLite with its
files in the data dir. Each loads the demo (`kommunekompass demo`; `--lean`: a small data set
instead, see bench/topology_db.py) and then what the workload needs.

--users virtual users (threads), each with its own sessions (anonymous, evaluator, site
administrator), send every request to the next server in turn: any request may land on any
server. First the floor: GET /m/ (the join page of a meeting: the same servers, middleware and
templates, no query) for --floor-seconds. Then the mix for --seconds after --warmup: reading a
published report, downloading a stored PDF, scoring a question (HTMX, with the version seen;
a 409 is counted apart), voting in an open council meeting, publishing an evaluation in review
(a job renders its PDF, workbook and Word document into the store) and importing a results file
(upload, preview, confirm); publishing and importing are paced (one more due every
--seconds / pool size).

Afterwards, once the job queue has drained (--drain-timeout), the database is checked against
what the clients were told (bench/topology_db.py): no error (every response an expected
status), no lost write (every save with its version and value, every device's last ballot,
every import's evaluation), every job done exactly once (each published version's files made by
one successful job and stored once; no job left waiting, running or failed; no job run twice).
Exits 1 when an invariant fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import stop_on_sigterm  # noqa: E402
from topology_load import (  # noqa: E402
    PACED,
    WEIGHTS,
    Paced,
    Phase,
    Told,
    VirtualUser,
    floor_step,
    mixed_step,
    run_phase,
)
from topology_servers import AppProcess, Postgres, S3Server, app_env, run_command  # noqa: E402

BENCH = Path(__file__).resolve().parent
RUNNING_RE = re.compile(r"Task id=(\S+) .*state=RUNNING")
STAMPED_RE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ INFO Task id=(\S+) .*state=RUNNING")


@dataclass
class Outcome:
    name: str
    setup: str
    load_seconds: float = 0.0
    floor: Phase | None = None
    mix: Phase | None = None
    verdict: dict = field(default_factory=dict)
    server_cpu: float | None = None
    other_cpu: dict = field(default_factory=dict)
    reconnects: int = 0

    @property
    def errors(self) -> list:
        found = list(self.floor.stats.errors) if self.floor else []
        return found + (list(self.mix.stats.errors) if self.mix else [])

    @property
    def failures(self) -> list[str]:
        v = self.verdict
        found = [f"{len(self.errors)} error(s)"] if self.errors else []
        if not v.get("drained"):
            found.append(f"the queue did not drain in {v.get('drain_seconds', 0):.0f} s")
        return found + v.get("lost", []) + v.get("jobs", [])


def database(command: str, env: dict[str, str], payload: dict) -> dict:
    """bench/topology_db.py in its own process with the app's settings."""
    done = subprocess.run(
        [sys.executable, str(BENCH / "topology_db.py"), command],
        input=json.dumps(payload),
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(
            f"topology_db.py {command}: {done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_data(env: dict[str, str], args) -> tuple[dict, float]:
    """The demo (or the lean set) and the workload's data: (the world, seconds taken)."""
    started = time.perf_counter()
    if not args.lean:
        run_command(["demo"], env)
    pools = pool_sizes(args)
    world = database(
        "prepare",
        env,
        {
            "lean": args.lean,
            "drafts": max(1, min(8, args.users // 6)),
            "publish": pools["publish"],
            "imports": pools["import"],
            "users": args.users,
            "timeout": args.drain_timeout,
        },
    )
    return world, time.perf_counter() - started


def pool_sizes(args) -> dict[str, int]:
    """How many evaluations are published and files imported in the measured window."""
    return {
        "publish": max(1, int(args.seconds // 10)),
        "import": max(1, int(args.seconds // 4)),
    }


def once_each(new_jobs: list, processes: list[AppProcess]) -> list[str]:
    """Each job enqueued during the run claimed by one worker (the row's worker ids) and
    started once (its "state=RUNNING" line in the workers' logs, read once the queue is
    empty)."""
    started = Counter()
    for process in processes:
        lines = process.log_lines("state=RUNNING")
        stamped = [m[1] for line in lines if (m := STAMPED_RE.search(line))]
        # The worker process logs each line twice, with the app's format (time first) and
        # plainly; the worker thread beside waitress plainly only.
        started.update(stamped or [m[1] for line in lines if (m := RUNNING_RE.search(line))])
    return [
        f"job {pk} ({task}): claimed by {claimed}, started {started[pk]} time(s)"
        for pk, task, claimed in new_jobs
        if len(claimed) != 1 or started[pk] != 1
    ]


def drive(name, setup, ports, world, args, processes, load_seconds, others=()) -> Outcome:
    """The floor, then the mix, then the checks."""
    outcome = Outcome(name, setup, load_seconds)
    mark = time.perf_counter()
    told = Told()
    sizes = pool_sizes(args)
    pools = {
        "publish": Paced(world["publish"], args.seconds / sizes["publish"]),
        "import": Paced(world["imports"], args.seconds / sizes["import"]),
    }
    users = [VirtualUser(i, ports, world, told, pools, args.users) for i in range(args.users)]
    for user in users:
        user.setup()
    outcome.floor = run_phase(users, args.floor_seconds, 1, floor_step)
    cpu0 = sum(p.cpu_seconds() for p in processes)
    others0 = {name: p.cpu_seconds() for name, p in others}
    outcome.mix = run_phase(users, args.seconds, args.warmup, mixed_step)
    outcome.server_cpu = sum(p.cpu_seconds() for p in processes) - cpu0
    outcome.other_cpu = {name: p.cpu_seconds() - others0[name] for name, p in others}
    for user in users:
        user.close()
    outcome.reconnects = sum(
        c.reconnects for u in users for c in (u.anonymous, u.evaluator, u.admin)
    )
    dead = [p.name for p in processes if not p.alive()]
    if dead:
        raise RuntimeError(f"processes gone during the run: {dead}")
    records = {
        "world": world,
        "saves": told.saves,
        "ballots": list(told.ballots.values()),
        "published": told.published,
        "imported": told.imported,
        "timeout": args.drain_timeout,
    }
    outcome.verdict = database("verify", processes[0].env, records)
    outcome.verdict["check_seconds"] = time.perf_counter() - mark
    outcome.verdict["jobs"] += once_each(outcome.verdict["new_jobs"], processes)
    outcome.verdict["saves"] = len(told.saves)
    outcome.verdict["ballots"] = len(told.ballots)
    outcome.verdict["published"] = len(told.published)
    outcome.verdict["imported"] = len(told.imported)
    return outcome


def run_topology(args, folder: Path) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    postgres = Postgres()
    s3 = S3Server(folder)
    processes: list[AppProcess] = []
    try:
        postgres.start()
        s3.start()
        shared = {
            "DATABASE_URL": postgres.create_database("kommunekompass"),
            "KOMMUNEKOMPASS_SECRET_KEY": secrets.token_urlsafe(50),
            **s3.env(),
        }
        world, load_seconds = load_data(app_env(folder / "setup", shared), args)
        for number in (1, 2):
            processes.append(
                AppProcess.server(
                    f"app-{number}",
                    app_env(folder / f"app-{number}", shared),
                    folder,
                    workers=args.workers,
                    threads=args.threads,
                    worker=False,
                )
            )
        processes.append(
            AppProcess("worker", ["worker"], app_env(folder / "worker", shared), folder)
        )
        for process in processes:
            process.launch()  # all at once: each loads Django
        for process in processes:
            process.ready()
        setup = (
            f"PostgreSQL (private, 127.0.0.1), 2 app servers x gunicorn {args.workers} workers x "
            f"{args.threads} threads, 1 worker process, moto S3 server"
        )
        ports = [p.port for p in processes if p.port]
        others = [("PostgreSQL", postgres), ("S3 server", s3)]
        return drive("topology", setup, ports, world, args, processes, load_seconds, others)
    finally:
        for process in processes:
            process.stop(wait=False)  # all at once, then wait for each
        for process in processes:
            process.stop()
        s3.stop()
        postgres.stop()


def run_single(args, folder: Path) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    env = app_env(folder / "single", {})
    server = None
    try:
        world, load_seconds = load_data(env, args)
        server = AppProcess.server("single", env, folder, workers=1, threads=8, worker=True)
        server.start()
        setup = (
            "SQLite, 1 process (waitress 8 threads + a job worker thread), files in the data dir"
        )
        return drive("single", setup, [server.port], world, args, [server], load_seconds)
    finally:
        if server is not None:
            server.stop()


# --- Output -------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[94] * 1000


def p50(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


def action_row(phase: Phase, name: str) -> str:
    stats = phase.stats
    if name == "all actions":
        latencies = [v for values in stats.latencies.values() for v in values]
        counts = {k: sum(c[k] for c in stats.outcomes.values()) for k in ("ok", "409", "error")}
    else:
        latencies, counts = stats.latencies.get(name, []), stats.outcomes.get(name, {})
    done = len(latencies)
    return (
        f"{done:7d} {counts.get('error', 0):5d} {counts.get('409', 0):4d} "
        f"{done / phase.wall:7.1f} {p50(latencies):7.0f} {p95(latencies):7.0f}"
    )


def report(outcomes: list[Outcome], args) -> str:
    lines = [
        f"topology: {args.users} virtual users, {args.seconds:g} s measured "
        f"(+{args.warmup:g} s warm-up), every request to the next server in turn; "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    ]
    for o in outcomes:
        data = "lean data set" if args.lean else "demo"
        lines.append(
            f"  {o.name:8}: {o.setup}; {data} + workload data loaded in {o.load_seconds:.0f} s"
        )
    head = "  actions   err  409   per s  p50 ms  p95 ms"
    lines.append("")
    lines.append(f"{'':24}" + " | ".join(f"{o.name:^44}" for o in outcomes))
    lines.append(f"{'action (weight)':24}" + " |".join(head for _ in outcomes))
    for name in [*WEIGHTS, *PACED, "all actions"]:
        label = f"{name} ({WEIGHTS[name]})" if name in WEIGHTS else name
        label = f"{name} (paced)" if name in PACED else label
        lines.append(f"{label:24}" + " | ".join(f" {action_row(o.mix, name)}" for o in outcomes))
    lines.append(
        f"{'floor: GET /m/':24}" + " | ".join(f" {action_row(o.floor, 'floor')}" for o in outcomes)
    )
    lines.append("")
    for o in outcomes:
        mix, v = o.mix, o.verdict
        all_latencies = [x for values in mix.stats.latencies.values() for x in values]
        server = f"{o.server_cpu / mix.wall:.0%}" if o.server_cpu is not None else "n/a"
        busy = f"{mix.machine_busy:.0%}" if mix.machine_busy is not None else "n/a"
        floor_rate = len(o.floor.stats.latencies["floor"]) / o.floor.wall
        rate = len(all_latencies) / mix.wall
        lines += [
            f"{o.name}:",
            f"  HTTP requests {mix.stats.requests} ({mix.stats.requests / mix.wall:.1f}/s; "
            f"{o.reconnects} sent again on a new connection after an idle keep-alive one "
            "was closed); "
            f"actions/s against the floor's requests/s: {rate:.1f} / {floor_rate:.1f} = "
            f"{rate / floor_rate:.2f}",
            f"  CPU (% of one core): app processes {server}, "
            + "".join(f"{k} {v / mix.wall:.0%}, " for k, v in o.other_cpu.items())
            + f"client {mix.client_cpu / mix.wall:.0%}; all CPUs busy {busy}",
            f"  errors: {len(o.errors)}" + "".join(f"\n    {e}" for e in o.errors[:8]),
            f"  lost writes: {len(v.get('lost', []))} (saves told: {v.get('saves')} on "
            f"{v.get('questions')} questions; devices voted: {v.get('ballots')}; imports "
            f"confirmed: {v.get('imported')})"
            + "".join(f"\n    {p}" for p in v.get("lost", [])[:8]),
            f"  jobs exactly once: {'yes' if not v.get('jobs') else 'NO'} (published: "
            f"{v.get('published')}, files stored: {v.get('files')}; queue drained "
            f"{'in' if v.get('drained') else 'NOT in'} {v.get('drain_seconds', 0):.1f} s after the "
            f"run; job rows {v.get('statuses')}, {len(v.get('new_jobs', []))} new)"
            + "".join(f"\n    {p}" for p in v.get("jobs", [])[:8]),
        ]
    failed = [f"{o.name}: {f}" for o in outcomes for f in o.failures]
    lines.append("OK: every invariant holds" if not failed else "FAILED: " + "; ".join(failed))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--floor-seconds", type=float, default=10)
    parser.add_argument("--only", choices=["topology", "single"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--lean", action="store_true", help="a small data set, not the demo")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    folder = Path(tempfile.mkdtemp(prefix="kommunekompass-topology-"))
    outcomes = []
    try:
        if args.only in (None, "topology"):
            outcomes.append(run_topology(args, folder / "topology"))
        if args.only in (None, "single"):
            outcomes.append(run_single(args, folder / "single"))
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(report(outcomes, args))
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
