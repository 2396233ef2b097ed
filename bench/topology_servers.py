"""The processes of the topology benchmark (bench/topology.py), all on 127.0.0.1 and all ours:
a private PostgreSQL (initdb in a temporary folder), moto's S3 server, `kommunekompass serve`
and `kommunekompass worker`. Each is started in its own process group and stopped by its own
id (never by name).

Not a test module: bench/topology.py and tests/test_topology.py import it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Browser, free_port

KOMMUNEKOMPASS = [sys.executable, "-m", "kommunekompass"]


def _stop(process: subprocess.Popen | None, sig=signal.SIGTERM, wait: float = 20) -> None:
    """Stop one process we started (and its process group, ours alone, if it will not go);
    with `wait` 0, only send the signal."""
    if process is None or process.poll() is not None:
        return
    if process.returncode is None and not getattr(process, "signalled", False):
        process.send_signal(sig)
        process.signalled = True
    if not wait:
        return
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU time used so far by a process and its live children (Linux /proc; 0 elsewhere)."""
    if pid is None:
        return 0.0
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid in (int(stat.parent.name), int(fields[1])):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _wait_for(check, what: str, process: subprocess.Popen, log: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited (status {process.returncode}); see {log}")
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer in {wait:g} s; see {log}")


# --- PostgreSQL ---------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder; an error if there is none (a missing
    PostgreSQL must fail the benchmark and its test, not skip them)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for candidate in [*reversed(found), os.path.dirname(shutil.which("initdb") or "")]:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise RuntimeError("PostgreSQL's initdb and pg_ctl were not found (/usr/lib/postgresql/*/bin)")


class Postgres:
    """A private PostgreSQL server in a temporary folder, on a free port of 127.0.0.1, trusting
    local connections of the user `kommunekompass` (as scripts/test does). Run as root, its
    commands run as the user `postgres`."""

    USER = "kommunekompass"

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.bin = postgres_bin()
        # Its own folder in the temporary dir (made by start): the user postgres must reach it.
        self.folder: Path | None = None
        self.started = False

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr}")

    def start(self) -> Postgres:
        self.folder = Path(tempfile.mkdtemp(prefix="kommunekompass-pg-"))
        self.data = self.folder / "pgdata"
        self.log = self.folder / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.USER, "-A", "trust", "-E", "UTF8")
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c max_connections=200 -c shared_buffers=256MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")
        self.started = True
        return self

    def cpu_seconds(self) -> float:
        """CPU time of the postmaster and its backends."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, AttributeError):
            return 0.0
        return tree_cpu_seconds(pid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{self.USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            extra = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{extra}')
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            # Immediate: the data is thrown away, no need for a checkpoint.
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.started = False
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


# --- moto's S3 server ---------------------------------------------------------------------------


class S3Server:
    """moto's standalone S3 server as its own process, with one private bucket."""

    BUCKET = "kommunekompass-bench"
    REGION = "eu-north-1"
    KEY_ID = "bench-key"
    SECRET = "bench-secret"

    def __init__(self, folder: Path):
        self.port = free_port()
        self.log = folder / "moto.log"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for(
            lambda: Browser(self.port, timeout=2).get("/")[0] == 200,
            "moto's S3 server",
            self.process,
            self.log,
            60,
        )
        self.client().create_bucket(
            Bucket=self.BUCKET, CreateBucketConfiguration={"LocationConstraint": self.REGION}
        )
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.KEY_ID,
            aws_secret_access_key=self.SECRET,
            region_name=self.REGION,
        )

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.process.pid if self.process else None)

    def env(self) -> dict[str, str]:
        return {
            "KOMMUNEKOMPASS_S3_BUCKET": self.BUCKET,
            "KOMMUNEKOMPASS_S3_ENDPOINT_URL": self.endpoint,
            "KOMMUNEKOMPASS_S3_ACCESS_KEY_ID": self.KEY_ID,
            "KOMMUNEKOMPASS_S3_SECRET_ACCESS_KEY": self.SECRET,
            "KOMMUNEKOMPASS_S3_REGION": self.REGION,
        }

    def stop(self) -> None:
        _stop(self.process)


# --- The app's processes ------------------------------------------------------------------------


def app_env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of one app process: its own data dir, and `extra` (the database, the
    object store, the shared secret key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNEKOMPASS_")}
    env.pop("DATABASE_URL", None)
    env.update(
        KOMMUNEKOMPASS_DATA_DIR=str(data_dir),
        KOMMUNEKOMPASS_ALLOWED_HOSTS="127.0.0.1,localhost",
        KOMMUNEKOMPASS_DEBUG="0",
        DJANGO_SETTINGS_MODULE="kommunekompass.settings",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_command(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """A `kommunekompass` command to its end; its output on failure."""
    done = subprocess.run(
        [*KOMMUNEKOMPASS, *args], env=env, capture_output=True, text=True, **kwargs
    )
    if done.returncode:
        raise RuntimeError(f"kommunekompass {' '.join(args)}: {done.stdout}\n{done.stderr}")
    return done


class AppProcess:
    """`kommunekompass serve ...` or `kommunekompass worker`, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.args = args
        self.env = env
        self.log = log_dir / f"{name}.log"
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @classmethod
    def server(cls, name, env, log_dir, *, workers: int = 1, threads: int = 8, worker=True):
        port = free_port()
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
        if workers > 1:
            args += ["--workers", str(workers)]
        args += ["--no-migrate"] + ([] if worker else ["--no-worker"])
        made = cls(name, args, env, log_dir)
        made.port = port
        return made

    def start(self, wait: float = 90) -> AppProcess:
        return self.launch().ready(wait)

    def launch(self) -> AppProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*KOMMUNEKOMPASS, *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def ready(self, wait: float = 90) -> AppProcess:
        """Wait until the server answers (a worker: at once)."""
        if self.port is not None:
            _wait_for(
                lambda: Browser(self.port, timeout=5).get("/m/")[0] == 200,
                self.name,
                self.process,
                self.log,
                wait,
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float:
        """CPU time of the process and its children (gunicorn's workers)."""
        return tree_cpu_seconds(self.process.pid if self.process else None)

    def log_lines(self, *needles: str) -> list[str]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if any(n in line for n in needles)]

    def stop(self, wait: bool = True) -> None:
        # waitress and the worker stop on SIGINT, gunicorn on SIGTERM (all let work finish).
        sig = signal.SIGINT if "--workers" not in self.args else signal.SIGTERM
        _stop(self.process, sig, wait=20 if wait else 0)
