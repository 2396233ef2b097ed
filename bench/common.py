"""Shared pieces of the benchmark scripts: a fresh data dir with the demo data, a draft evaluation,
gunicorn processes, a small keep-alive HTTP client (standard library only) and a load runner.

Not a test module: the scripts in this folder import it (`python bench/<script>.py`).
"""

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
EVALUATOR = ("evaluator", "kompass-evaluator")
VERSION_RE = re.compile(rb'name="version" value="(\d+)"')
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks stop the gunicorn processes."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# --- data ---------------------------------------------------------------------------------------


def fresh_data_dir(keep: bool) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kommunekompass-bench-"))
    if keep:
        print(f"data dir (kept): {path}")
    return path


def app_env(data_dir: Path, settings: str = "kommunekompass.settings") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the benchmarks are about SQLite
    env.update(
        KOMMUNEKOMPASS_DATA_DIR=str(data_dir),
        KOMMUNEKOMPASS_ALLOWED_HOSTS="127.0.0.1,localhost",
        KOMMUNEKOMPASS_DEBUG="0",
        DJANGO_SETTINGS_MODULE=settings,
    )
    return env


def load_demo(data_dir: Path) -> None:
    """`kommunekompass demo` in the data dir: migrate, frameworks, demo users and evaluations."""
    subprocess.run(
        [sys.executable, "-m", "kommunekompass", "demo"],
        env=app_env(data_dir),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_django(data_dir: Path) -> None:
    """Django in this process, on the same database as the servers."""
    os.environ.update(app_env(data_dir))
    import django

    django.setup()


def create_draft(name: str, number: str, scored: bool):
    """A draft evaluation of a new municipality, assigned to `evaluator`; every question scored
    (levels 2, version 1) when `scored`. Returns the evaluation."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kommunekompass.evaluations.models import Evaluation, Municipality, Score
    from kommunekompass.frameworks.models import Framework

    with transaction.atomic():
        framework = Framework.objects.get(key="kommunekompass", version="2020")
        municipality = Municipality.objects.create(name=name, number=number, country="NO")
        evaluation = Evaluation.objects.create(
            municipality=municipality, framework=framework, year=2026, status="draft"
        )
        evaluation.evaluators.add(get_user_model().objects.get(username=EVALUATOR[0]))
        if scored:
            spec = framework.spec
            Score.objects.bulk_create(
                Score(
                    evaluation=evaluation,
                    question=question,
                    levels={d.code: 2 for d in spec.question(question.code).scheme.dimensions},
                    reason=f"Benchmark: starting score of {question.code}.",
                )
                for question in framework.questions.all()
            )
    return evaluation


def question_dimensions(evaluation) -> dict[str, list[str]]:
    """{question code: [dimension codes]} in the framework's order."""
    return {
        q.code: [d.code for d in q.scheme.dimensions] for q in evaluation.framework.spec.questions
    }


# --- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn master on 127.0.0.1, its output (Django's log included) in a file."""

    def __init__(self, name, app, env, log_dir: Path, workers=2, worker_class="gthread", threads=4):
        self.name = name
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--keep-alive",
            "10",
            "--timeout",
            "120",
            "--pythonpath",
            str(BENCH_DIR),
            "--log-level",
            "warning",
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str = "/accounts/login/", wait: float = 30) -> "Gunicorn":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", ready_path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer in {wait} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the master; it stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own process group only
            self.process.wait(timeout=5)

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the master and its live workers (Linux /proc); None elsewhere."""
        if self.process is None:
            return None
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        try:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                pid, ppid = int(stat.parent.name), int(fields[1])
                if self.process.pid in (pid, ppid):
                    total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            return None
        return total / tick

    def log_lines_containing(self, text: str) -> list[str]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if text in line]


# --- HTTP client --------------------------------------------------------------------------------


class Browser:
    """One keep-alive connection with its own cookie jar (http.client reopens it if closed)."""

    def __init__(self, port: int, cookies: dict | None = None, timeout: float = 120):
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies = dict(cookies or {})

    def request(self, method, path, fields=None, headers=None) -> tuple[int, bytes]:
        """(status, body); status 0 when the connection failed."""
        send = dict(headers or {})
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=send)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as error:
            self.conn.close()
            return 0, repr(error).encode()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, data

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        return self.request("POST", path, fields=fields, headers=headers)

    def login(self, username: str, password: str) -> None:
        status, body = self.get("/accounts/login/")
        match = TOKEN_RE.search(body)
        if status != 200 or not match:
            raise RuntimeError(f"login page: status {status}")
        fields = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": match[1].decode(),
        }
        status, _body = self.post("/accounts/login/", fields)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: status {status}")

    def close(self) -> None:
        self.conn.close()


def save_fields(dimensions, level: int, reason: str, version: int, token: str) -> dict:
    fields = {f"level_{code}": str(level) for code in dimensions}
    fields.update(reason=reason, version=str(version), csrfmiddlewaretoken=token)
    return fields


def response_version(body: bytes) -> int | None:
    match = VERSION_RE.search(body)
    return int(match[1]) if match else None


# --- load ---------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, measured window only
    statuses: Counter = field(default_factory=Counter)
    wall: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this (client) process during the window
    server_cpu: float | None = None  # CPU seconds of the gunicorn processes during the window
    machine_busy: float | None = None  # share of all CPUs busy during the window, 0..1

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def count(self, *codes) -> int:
        return sum(n for status, n in self.statuses.items() if status in codes)

    @property
    def rps(self) -> float:
        return self.requests / self.wall if self.wall else 0.0

    def percentile_ms(self, p: int) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs, from /proc/stat (Linux); None elsewhere."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def run_load(
    name: str,
    clients: int,
    seconds: float,
    warmup: float,
    make_step: Callable[[int], Callable[[], int]],
    server: Gunicorn | None = None,
) -> LoadResult:
    """`clients` threads, each calling its own step() (one request, returns the status) as
    fast as it can: `warmup` seconds not counted, then `seconds` measured. Requests started
    before the end are counted; the wall time runs until the last of them has finished."""
    result = LoadResult(name)
    steps = [make_step(i) for i in range(clients)]
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    marks: dict[str, float] = {}
    ends: list[float] = []

    def worker(step):
        barrier.wait()
        start, end = marks["start"], marks["end"]
        latencies, statuses = [], Counter()
        while (now := time.perf_counter()) < end:
            status = step()
            done = time.perf_counter()
            if now >= start:
                latencies.append(done - now)
                statuses[status] += 1
        with lock:
            result.latencies.extend(latencies)
            result.statuses.update(statuses)
            ends.append(time.perf_counter())

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in steps]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    marks["start"] = now + warmup
    marks["end"] = now + warmup + seconds
    barrier.wait()
    time.sleep(max(0.0, marks["start"] - time.perf_counter()))
    cpu0, machine0 = time.process_time(), _cpu_times()
    server0 = server.cpu_seconds() if server else None
    for thread in threads:
        thread.join()
    cpu1, machine1 = time.process_time(), _cpu_times()
    server1 = server.cpu_seconds() if server else None
    if server0 is not None and server1 is not None:
        result.server_cpu = server1 - server0
    result.wall = max(ends) - marks["start"]
    result.client_cpu = cpu1 - cpu0
    if machine0 and machine1 and machine1[1] > machine0[1]:
        result.machine_busy = (machine1[0] - machine0[0]) / (machine1[1] - machine0[1])
    return result


def format_table(results: list[LoadResult], ok: dict[str, tuple[int, ...]]) -> str:
    head = (
        f"{'':34} {'requests':>8} {'errors':>6} {'409':>5} {'req/s':>8} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'server CPU':>10} {'client CPU':>10} {'all CPUs busy':>13}"
    )
    lines = [head]
    for r in results:
        errors = r.requests - r.count(*ok[r.name]) - r.count(409)
        machine = f"{r.machine_busy:.0%}" if r.machine_busy is not None else "n/a"
        server = f"{r.server_cpu / r.wall:.0%}" if r.server_cpu is not None else "n/a"
        lines.append(
            f"{r.name:34} {r.requests:8d} {errors:6d} {r.count(409):5d} {r.rps:8.1f} "
            f"{r.percentile_ms(50):7.1f} {r.percentile_ms(95):7.1f} "
            f"{server:>10} {r.client_cpu / r.wall:10.0%} {machine:>13}"
        )
    return "\n".join(lines)
