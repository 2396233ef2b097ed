"""Benchmark: a council meeting with 50 voters on their phones.

    .venv/bin/python bench/meeting_votes.py [--voters 50] [--keep]
    DATABASE_URL=postgres://user@127.0.0.1:5432/postgres .venv/bin/python bench/meeting_votes.py

A fresh database (SQLite in a temporary data dir; with DATABASE_URL a new database on that
PostgreSQL server, dropped afterwards) with a published evaluation of six challenges and
weaknesses and an open meeting on them; `kommunekompass serve` (waitress) on 127.0.0.1.

1. The floor, in the same run: --voters clients each load the join page /m/ (the same server,
   middleware, sessions and template engine, no database query) five times at once.
2. The meeting: --voters clients, each its own keep-alive connection and cookie jar, load
   /m/CODE/ (the device cookie and the CSRF token) and vote at the same moment; then each
   changes its vote once (up to three choices). Meanwhile the presenter polls the tally.
3. After the last vote is answered, the presenter polls /meetings/ID/tally/ until every
   count and the number of voices match the ballots: the time it took is printed (target:
   within 2 s), and the database must hold exactly one voice per voter and every last vote
   (0 lost, 0 duplicated).

Prints p50/p95 of the votes and of the floor.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from common import TOKEN_RE, Browser, free_port, fresh_data_dir, stop_on_sigterm

KOMMUNEKOMPASS = [sys.executable, "-m", "kommunekompass"]
PRESENTER = ("coordinator", "bench-coordinator-1")
COUNT_RE = re.compile(rb'id="option-(\d+)".*?data-count="(\d+)"', re.S)
VOICES_RE = re.compile(rb'data-voices="(\d+)"')


def env_for(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        KOMMUNEKOMPASS_DATA_DIR=str(data_dir),
        KOMMUNEKOMPASS_ALLOWED_HOSTS="127.0.0.1,localhost",
        KOMMUNEKOMPASS_DEBUG="0",
        DJANGO_SETTINGS_MODULE="kommunekompass.settings",
    )
    return env


def fresh_postgres(url: str) -> tuple[str, str]:
    """(URL of a new database on the server of `url`, its name)."""
    import psycopg

    name = f"kk_bench_meeting_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict[str, str]) -> tuple[int, str, list[int]]:
    """Migrate, load the frameworks, and make the meeting: (meeting id, code, option ids)."""
    subprocess.run([*KOMMUNEKOMPASS, "migrate", "-v", "0"], env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from kommunekompass.evaluations.models import Evaluation, Finding, Membership, Municipality
    from kommunekompass.evaluations.services.workflow import freeze_published
    from kommunekompass.frameworks.loader import load_shipped_frameworks
    from kommunekompass.frameworks.models import Framework
    from kommunekompass.meetings import services

    load_shipped_frameworks()
    framework = Framework.objects.get(key="kommunekompass", version="2020")
    municipality = Municipality.objects.create(name="Benchvik kommune", number="9990", country="NO")
    user = get_user_model().objects.create_user(PRESENTER[0], password=PRESENTER[1])
    Membership.objects.create(user=user, municipality=municipality, role="coordinator")
    evaluation = Evaluation.objects.create(
        municipality=municipality, framework=framework, year=2026, status="published"
    )
    freeze_published(evaluation)
    for number, area in enumerate(framework.areas.order_by("position")[:6], start=1):
        Finding.objects.create(
            evaluation=evaluation,
            focus_area=area,
            kind="weakness" if number % 2 else "challenge",
            text=f"Benchmark finding {number}",
        )
    meeting = services.open_meeting(evaluation=evaluation, user=user, subject="findings")
    from django.db import connections

    connections.close_all()
    return meeting.pk, meeting.code, list(meeting.options.values_list("pk", flat=True))


def start_server(env: dict[str, str], data_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = (data_dir / "serve.log").open("ab")
    process = subprocess.Popen(
        [*KOMMUNEKOMPASS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited; see {data_dir / 'serve.log'}")
        if Browser(port, timeout=5).get("/m/")[0] == 200:
            return process, port
        time.sleep(0.3)
    raise RuntimeError("the server did not answer in 60 s")


def stop_server(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own process group only
            process.wait(timeout=5)


def ballot(voter: int, options: list[int], round_number: int) -> list[int]:
    """Up to three distinct options, different per voter and round (deterministic)."""
    size = 1 + (voter + round_number) % 3
    start = (voter * 7 + round_number * 3) % len(options)
    return [options[(start + k * 2) % len(options)] for k in range(size)]


def percentile_ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def together(count: int, work) -> list:
    """Run work(i) in `count` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return results


def tally(presenter: Browser, meeting_id: int) -> tuple[dict[int, int], int]:
    status, body = presenter.get(f"/meetings/{meeting_id}/tally/")
    if status != 200:
        raise RuntimeError(f"tally: status {status}")
    counts = {int(pk): int(n) for pk, n in COUNT_RE.findall(body)}
    return counts, int(VOICES_RE.search(body)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    args = parser.parse_args()
    stop_on_sigterm()
    data_dir = fresh_data_dir(args.keep)
    server_url = os.environ.get("DATABASE_URL")
    database = fresh_postgres(server_url) if server_url else None
    env = env_for(data_dir, database[0] if database else None)
    print(f"database: {'PostgreSQL' if database else 'SQLite'}; voters: {args.voters}")
    meeting_id, code, options = prepare(env)
    process, port = start_server(env, data_dir)
    try:
        # 1. The floor.
        def floor(_i):
            client, times = Browser(port), []
            for _ in range(5):
                start = time.perf_counter()
                status, _body = client.get("/m/")
                times.append(time.perf_counter() - start)
                assert status == 200, status
            client.close()
            return times

        floor_times = [t for times in together(args.voters, floor) for t in times]

        # 2. The meeting; the presenter polls every 2 s meanwhile, as the big screen does.
        presenter = Browser(port)
        presenter.login(*PRESENTER)
        polling = threading.Event()

        def poll():
            screen = Browser(port, cookies=presenter.cookies)
            while not polling.is_set():
                tally(screen, meeting_id)
                polling.wait(2)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        statuses: Counter = Counter()

        def voter(i):
            client, times, last = Browser(port), [], []
            status, body = client.get(f"/m/{code}/")
            token = TOKEN_RE.search(body)[1].decode()
            for round_number in (0, 1):
                last = ballot(i, options, round_number)
                fields = [("csrfmiddlewaretoken", token)] + [("options", str(o)) for o in last]
                start = time.perf_counter()
                status, _body = client.request(
                    "POST", f"/m/{code}/", fields=fields, headers={"Referer": ""}
                )
                times.append(time.perf_counter() - start)
                statuses[status] += 1
            client.close()
            return times, last

        started = time.perf_counter()
        outcomes = together(args.voters, voter)
        voting_wall = time.perf_counter() - started
        vote_times = [t for times, _last in outcomes for t in times]
        expected = Counter(o for _times, last in outcomes for o in last)

        # 3. The presenter view current?
        since = time.perf_counter()
        while True:
            counts, voices = tally(presenter, meeting_id)
            current = voices == args.voters and all(
                counts.get(o, 0) == expected.get(o, 0) for o in options
            )
            if current or time.perf_counter() - since > 10:
                break
            time.sleep(0.1)
        current_after = time.perf_counter() - since
        polling.set()
        poller.join(5)

        from kommunekompass.meetings.models import Voice, Vote

        stored_voices = Voice.objects.filter(meeting_id=meeting_id).count()
        stored = Counter(
            Vote.objects.filter(voice__meeting_id=meeting_id).values_list("option_id", flat=True)
        )
        lost = sum(expected.values()) - sum(stored.values())
        print(
            f"floor (GET /m/, {len(floor_times)} requests): "
            f"p50 {percentile_ms(floor_times, 50):.1f} ms, "
            f"p95 {percentile_ms(floor_times, 95):.1f} ms"
        )
        print(
            f"votes ({len(vote_times)} POSTs, statuses {dict(statuses)}, "
            f"{voting_wall:.2f} s): p50 {percentile_ms(vote_times, 50):.1f} ms, "
            f"p95 {percentile_ms(vote_times, 95):.1f} ms, "
            f"p95 / floor p95 {percentile_ms(vote_times, 95) / percentile_ms(floor_times, 95):.1f}x"
        )
        print(
            f"voices stored: {stored_voices} of {args.voters}; votes lost: {lost}; "
            f"counts match the ballots: {stored == expected}"
        )
        print(
            f"presenter view current {current_after * 1000:.0f} ms after the last vote "
            f"(target: within 2000 ms): {'yes' if current else 'NO'}"
        )
        ok = current and lost == 0 and stored == expected and stored_voices == args.voters
        ok = ok and set(statuses) == {302} and current_after <= 2
        print("OK" if ok else "FAILED")
        if not ok:
            sys.exit(1)
    finally:
        stop_server(process)
        if database:
            from django.db import connections

            connections.close_all()
            drop_postgres(server_url, database[1])


if __name__ == "__main__":
    main()
