"""The mixed workload of the topology benchmark (bench/topology.py): virtual users, each a
thread with keep-alive connections to every app server, sending its requests to the servers in
turn (round-robin per request: any request may land on any server, so sessions, CSRF cookies,
the cache and the files must be shared), and what each was told, for the checks afterwards.

Not a test module: bench/topology.py imports it.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from common import response_version, save_fields

# The actions and their weights (reading and scoring are most of the traffic). Publishing and
# importing are paced instead: one more becomes due every so often (see Paced), and the next
# virtual user free takes it, as the pool of prepared evaluations and the renderings the
# worker can do in the run are finite.
WEIGHTS = {
    "read report": 40,
    "download PDF": 12,
    "score": 35,
    "vote": 13,
}
PACED = ("publish", "import")
# Statuses each action expects; anything else (and 0, a failed connection) is an error. A 409
# (the question changed since the client saw it) is expected and counted apart.
EXPECTED = {
    "read report": {200},
    "download PDF": {200},
    "score": {200, 409},
    "vote": {302},
    "publish": {302},
    "import": {302},
    "floor": {200},
}
# Share of scores given to a question another virtual user owns (a rare conflict, 409).
FOREIGN_QUESTION = 0.05
SHA_FIELD_RE = re.compile(rb'name="sha256" value="([0-9a-f]+)"')


STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class Client:
    """One cookie jar and one keep-alive connection per server; each request goes to the next
    server in turn."""

    def __init__(
        self,
        ports: list[int],
        cookies: dict | None = None,
        timeout: float = 120,
        *,
        share: Client | None = None,
    ):
        if share is not None:  # the same connections (one browser), its own cookie jar
            self.conns, self.used = share.conns, share.used
        else:
            self.conns = [
                http.client.HTTPConnection("127.0.0.1", p, timeout=timeout) for p in ports
            ]
            self.used = [False] * len(ports)  # has the connection served a response?
        self.cookies = dict(cookies or {})
        self.turn = 0
        self.requests = 0
        self.reconnects = 0

    def request(self, method, path, body: bytes | None = None, headers=None, server=None):
        """(status, body, headers); status 0 when the connection failed. To the next server
        in turn, or to the server numbered `server`."""
        index = self.turn % len(self.conns) if server is None else server
        self.turn += server is None
        self.last = index
        self.requests += 1
        send = dict(headers or {})
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self.conns[index]
        for attempt in (1, 2):
            try:
                conn.request(method, path, body=body, headers=send)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError) as error:
                conn.close()
                # The server closed an idle keep-alive connection (gunicorn after a few
                # seconds) before reading the request: a browser sends it again on a new
                # connection, and so does this client, once, and counts it.
                if attempt == 1 and self.used[index] and isinstance(error, STALE):
                    self.used[index] = False
                    self.reconnects += 1
                    continue
                return 0, repr(error).encode(), {}
        self.used[index] = not response.will_close
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, data, response.headers

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, headers=None, server=None):
        send = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), send, server)

    @property
    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def close(self):
        for conn in self.conns:
            conn.close()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- The import (one function: the import flow is about to become a job) ----------------------


def results_file(number: str, name: str, year: int, rows: list, seed: int) -> bytes:
    """A results file of one evaluation: every question with a level per dimension."""
    rng = random.Random(seed)
    lines = ["kommunenummer;kommune;år;kode;" + ";".join(rows[0][1])]
    for code, dimensions in rows:
        levels = ";".join(str(rng.randint(0, 3)) for _ in dimensions)
        lines.append(f"{number};{name};{year};{code};{levels}")
    return ("\n".join(lines) + "\n").encode()


RUN_STATE_RE = re.compile(rb'id="import-run" data-state="([a-z]+)"')
RUNNING = {"waiting", "checking", "importing"}
POLL_SECONDS = 1.0  # the page itself asks every 2 s
RUN_TIMEOUT = 300


def follow_run(client: Client, path: str):
    """Ask for the run's page (its fragment, as HTMX does), on any server, until the run is
    no longer waiting, checking or importing: (status, state, page)."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        status, page, _headers = client.request("GET", path, headers={"HX-Request": "true"})
        found = RUN_STATE_RE.search(page) if status == 200 else None
        if found is None:
            return (status if status != 200 else 599), "", page
        state = found[1].decode()
        if state not in RUNNING or time.monotonic() > deadline:
            return status, state, page
        time.sleep(POLL_SECONDS)


def import_results_file(client: Client, framework_id: int, filename: str, data: bytes):
    """Import a results file as a user does: upload (302 to the run's page), follow the page
    while the worker checks it, confirm (302 back), follow it while the worker imports. Every
    request goes to the next server in turn: the waiting upload is in the shared storage and
    the run in the database. Returns (status, detail): 302 when imported, otherwise the failing
    step's status and what it answered."""
    body, content_type = multipart(
        {"framework": str(framework_id), "csrfmiddlewaretoken": client.csrf},
        {"file": (filename, data)},
    )
    status, page, headers = client.request(
        "POST", "/imports/", body, {"Content-Type": content_type}
    )
    run_path = headers.get("Location", "") if headers else ""
    if status != 302 or not run_path.startswith("/imports/runs/"):
        return (status if status != 302 else 599), f"upload: {status} {page[:300]!r}"
    status, state, page = follow_run(client, run_path)
    sha = SHA_FIELD_RE.search(page)
    if state != "checked" or not sha:
        return (status if status != 200 else 598), f"check: {state or status} {page[:300]!r}"
    fields = {"sha256": sha[1].decode(), "csrfmiddlewaretoken": client.csrf}
    status, page, headers = client.post(f"{run_path}confirm/", fields)
    if status != 302:
        return status, f"confirm: {status} {page[:300]!r}"
    status, state, page = follow_run(client, run_path)
    if state != "imported":
        return (status if status != 200 else 597), f"import: {state or status} {page[:300]!r}"
    return 302, f"imported: {run_path}"


# --- Shared state -------------------------------------------------------------------------------


class Paced:
    """A finite pool handed out at a steady pace: item k is due `k * interval` seconds after
    the start (the first at once)."""

    def __init__(self, items: list, interval: float):
        self.items = list(items)
        self.interval = interval
        self.taken = 0
        self.start: float | None = None
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.start is None or self.taken >= len(self.items):
                return None
            if time.perf_counter() < self.start + self.taken * self.interval:
                return None
            self.taken += 1
            return self.items[self.taken - 1]


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    outcomes: dict = field(default_factory=lambda: defaultdict(Counter))  # ok / 409 / error
    requests: int = 0
    errors: list = field(default_factory=list)

    def merge(self, other: Stats) -> None:
        for name, values in other.latencies.items():
            self.latencies[name].extend(values)
        for name, counts in other.outcomes.items():
            self.outcomes[name].update(counts)
        self.requests += other.requests
        self.errors.extend(other.errors)


@dataclass
class Told:
    """What the servers told the clients they did: checked against the database afterwards."""

    saves: list = field(default_factory=list)  # [evaluation, code, version, levels, reason]
    ballots: dict = field(default_factory=dict)  # virtual user -> last ballot taken
    published: list = field(default_factory=list)
    imported: list = field(default_factory=list)  # [number, year]
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- A virtual user -----------------------------------------------------------------------------


class VirtualUser:
    def __init__(self, number, ports, world, told: Told, pools: dict, users: int):
        self.number = number
        self.world = world
        self.told = told
        self.pools = pools
        self.rng = random.Random(number)
        self.anonymous = Client(ports)
        sessions = world["sessions"]
        # One connection per server for the user's three cookie jars, as one browser has (and
        # waitress accepts 100 connections at most).
        self.evaluator = Client(
            ports, {"sessionid": sessions["evaluator"][number]}, share=self.anonymous
        )
        self.admin = Client(ports, {"sessionid": sessions["admin"][number]}, share=self.anonymous)
        questions = [(e, c) for e, codes in sorted(world["scores"].items()) for c in codes]
        self.all_questions = questions
        self.own = questions[number::users] or questions
        self.seen = {(e, c): v[0] for e, codes in world["scores"].items() for c, v in codes.items()}
        self.saves = 0
        self.stats = Stats()

    def setup(self) -> None:
        """The CSRF cookies of the three clients (as a browser gets them with its first page)."""
        draft = next(iter(self.world["scores"]))
        for client, path in (
            (self.evaluator, f"/evaluations/{draft}/"),
            (self.admin, "/imports/"),
            (self.anonymous, f"/m/{self.world['meeting']['code']}/"),
        ):
            status, _body, _headers = client.get(path)
            if status != 200 or "csrftoken" not in client.cookies:
                raise RuntimeError(f"virtual user {self.number}: {path} gave {status}")

    def pick(self) -> str:
        names = list(WEIGHTS)
        return self.rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]

    def act(self, name: str, record: bool) -> bool:
        """Do one action; False when it is not due (publishing, importing)."""
        action = getattr(self, "do_" + name.replace(" ", "_").lower())
        before = self.requests()
        started = time.perf_counter()
        outcome = action()
        if outcome is None:
            return False
        status, detail = outcome
        elapsed = time.perf_counter() - started
        if record:
            self.stats.latencies[name].append(elapsed)
            self.stats.requests += self.requests() - before
            if status not in EXPECTED[name]:
                kind = "error"
            elif status == 409:
                kind = "409"
            else:
                kind = "ok"
            self.stats.outcomes[name][kind] += 1
        if status not in EXPECTED[name]:
            self.stats.errors.append((name, status, str(detail)[:300]))
        return True

    def requests(self) -> int:
        return self.anonymous.requests + self.evaluator.requests + self.admin.requests

    # The actions: each returns (status, detail), or None when it is not due.

    def do_floor(self):
        status, body, _h = self.anonymous.get("/m/")
        return status, body[:100]

    def do_read_report(self):
        pk = self.rng.choice(self.world["public"])
        status, body, _h = self.anonymous.get(f"/reports/{pk}/")
        return status, body[:200]

    def do_download_pdf(self):
        pk = self.rng.choice(self.world["pdf"])
        status, body, _h = self.anonymous.get(f"/reports/{pk}/pdf/")
        if status == 200 and not body.startswith(b"%PDF"):
            return 597, f"not a PDF: {body[:100]!r}"
        return status, body[:200] if status != 200 else ""

    def do_score(self):
        mine = self.rng.random() >= FOREIGN_QUESTION
        evaluation, code = self.rng.choice(self.own if mine else self.all_questions)
        dimensions = self.world["scores"][evaluation][code][1]
        level = self.rng.randint(0, 3)
        self.saves += 1
        reason = f"Virtual user {self.number}, save {self.saves}: {code} at level {level}."
        seen = self.seen[(evaluation, code)]
        fields = save_fields(dimensions, level, reason, seen, self.evaluator.csrf)
        path = f"/evaluations/{evaluation}/questions/{code}/"
        status, body, _h = self.evaluator.post(path, fields, {"HX-Request": "true"})
        version = response_version(body)
        if status == 200:
            if version != seen + 1:
                return 596, f"saved, but version {version} after {seen}"
            self.seen[(evaluation, code)] = version
            levels = {d: level for d in dimensions}
            with self.told.lock:
                self.told.saves.append([evaluation, code, version, levels, reason])
        elif status == 409 and version is not None:
            self.seen[(evaluation, code)] = version
        return status, body[:200] if status not in (200, 409) else ""

    def do_vote(self):
        options = self.world["meeting"]["options"]
        chosen = sorted(set(self.rng.sample(options, self.rng.randint(1, min(3, len(options))))))
        fields = [("csrfmiddlewaretoken", self.anonymous.csrf)] + [("options", o) for o in chosen]
        status, body, _h = self.anonymous.request(
            "POST",
            f"/m/{self.world['meeting']['code']}/",
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status == 302:
            with self.told.lock:
                self.told.ballots[self.number] = chosen
        return status, body[:200]

    def do_publish(self):
        pk = self.pools["publish"].take()
        if pk is None:
            return None
        fields = {
            "action": "publish",
            "note": "",
            "confirm_missing": "on",
            "csrfmiddlewaretoken": self.admin.csrf,
        }
        status, body, _h = self.admin.post(f"/evaluations/{pk}/status/", fields)
        if status == 302:
            with self.told.lock:
                self.told.published.append(pk)
        return status, body[:200]

    def do_import(self):
        target = self.pools["import"].take()
        if target is None:
            return None
        number, name, year = target
        data = results_file(number, name, year, self.world["import_rows"], seed=int(number))
        status, detail = import_results_file(
            self.admin, self.world["framework"], f"resultater-{number}.csv", data
        )
        if status == 302:
            with self.told.lock:
                self.told.imported.append([number, year])
        return status, detail

    def close(self):
        for client in (self.anonymous, self.evaluator, self.admin):
            client.close()


# --- The run ------------------------------------------------------------------------------------


@dataclass
class Phase:
    stats: Stats
    wall: float
    client_cpu: float
    machine_busy: float | None


def _cpu_times():
    try:
        values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def run_phase(users: list[VirtualUser], seconds: float, warmup: float, step) -> Phase:
    """Every virtual user in its own thread does `step(user, record)`'s actions as fast as the
    servers answer: `warmup` seconds not counted, then `seconds` measured (an action started
    before the end is counted; the wall time runs until the last has finished)."""
    barrier = threading.Barrier(len(users) + 1)
    marks: dict[str, float] = {}
    ends: list[float] = []
    lock = threading.Lock()

    def loop(user: VirtualUser):
        barrier.wait()
        while (now := time.perf_counter()) < marks["end"]:
            step(user, now >= marks["start"])
        with lock:
            ends.append(time.perf_counter())

    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    marks.update(start=now + warmup, end=now + warmup + seconds)
    for pool in users[0].pools.values():
        pool.start = marks["start"]
    barrier.wait()
    time.sleep(max(0.0, marks["start"] - time.perf_counter()))
    cpu0, machine0 = time.process_time(), _cpu_times()
    for thread in threads:
        thread.join()
    cpu1, machine1 = time.process_time(), _cpu_times()
    stats = Stats()
    for user in users:
        stats.merge(user.stats)
        user.stats = Stats()
    busy = None
    if machine0 and machine1 and machine1[1] > machine0[1]:
        busy = (machine1[0] - machine0[0]) / (machine1[1] - machine0[1])
    return Phase(stats, max(ends) - marks["start"], cpu1 - cpu0, busy)


def mixed_step(user: VirtualUser, record: bool) -> None:
    """A publication or an import if one is due, else an action by weight."""
    if not any(user.act(name, record) for name in PACED):
        user.act(user.pick(), record)


def floor_step(user: VirtualUser, record: bool) -> None:
    user.act("floor", record)
