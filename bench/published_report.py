"""Benchmark: a published report served anonymously by the real server, against a static floor.

    .venv/bin/python bench/published_report.py [--seconds 10] [--clients 4] [--keep]

Fresh temporary data dir with the demo data (`kommunekompass demo`), legacy published
evaluations frozen (`kommunekompass freeze-published`), then `kommunekompass serve` (waitress,
8 threads) on 127.0.0.1. Three URLs of Fjordvik 2026's published report, anonymously:

- the web page `/reports/ID/` (its body rendered once from the snapshot, then cached),
- the PDF `/reports/ID/pdf/` and the workbook `/reports/ID/xlsx/` (stored beforehand by
  `kommunekompass render-published ID`: anonymous requests never render).

The floor, measured in the same run by the same server: the same bytes as a static file
(WhiteNoise, `/static/bench/...`), which passes through none of the report's code. The server is
started twice: once to fetch the bytes, then with the static copies in place (WhiteNoise
indexes its files at start). Each URL is loaded by --clients keep-alive clients for --seconds
after a warm-up; requests/s and the ratio to its floor are printed. Target: each >= 0.5.
"""

import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import Browser, app_env, format_table, free_port, fresh_data_dir, load_demo, run_load

KOMMUNEKOMPASS = [sys.executable, "-m", "kommunekompass"]
TARGET = 0.5


class Server:
    """`kommunekompass serve` (waitress) on a free port, its output in a file."""

    def __init__(self, data_dir: Path):
        self.port = free_port()
        self.data_dir = data_dir
        self.process = None

    def start(self) -> "Server":
        log = (self.data_dir / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [*KOMMUNEKOMPASS, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=app_env(self.data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.data_dir / 'serve.log'}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer in 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own process group only
            self.process.wait(timeout=5)


def fetch(port: int, path: str) -> bytes:
    status, body = Browser(port).get(path)
    if status != 200:
        raise RuntimeError(f"{path}: status {status}")
    return body


def published_evaluation_id(data_dir: Path) -> int:
    code = (
        "from kommunekompass.evaluations.models import Evaluation;"
        "print(Evaluation.objects.get(municipality__number='9901', year=2026).pk)"
    )
    output = subprocess.run(
        [*KOMMUNEKOMPASS, "shell", "-c", code],
        env=app_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    args = parser.parse_args()

    data_dir = fresh_data_dir(args.keep)
    server = None
    try:
        load_demo(data_dir)
        subprocess.run(
            [*KOMMUNEKOMPASS, "freeze-published"],
            env=app_env(data_dir),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pk = published_evaluation_id(data_dir)
        # Anonymous requests never render: store the version's files first, as operators do.
        subprocess.run(
            [*KOMMUNEKOMPASS, "render-published", str(pk)],
            env=app_env(data_dir),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        urls = {
            "page": (f"/reports/{pk}/", "report.html"),
            "pdf": (f"/reports/{pk}/pdf/", "report.pdf"),
            "xlsx": (f"/reports/{pk}/xlsx/", "report.xlsx"),
        }

        # 1. The bytes each URL serves (the first requests render and store the files).
        server = Server(data_dir).start()
        static = data_dir / "static" / "bench"
        static.mkdir(parents=True, exist_ok=True)
        sizes = {}
        for name, (path, filename) in urls.items():
            content = fetch(server.port, path)
            (static / filename).write_bytes(content)
            sizes[name] = len(content)
        server.stop()

        # 2. The same server again, with the static copies in place.
        server = Server(data_dir).start()
        for path, filename in urls.values():
            fetch(server.port, path)  # warm: the page's body into the cache
            fetch(server.port, f"/static/bench/{filename}")

        def steps(path):
            def make_step(_index):
                browser = Browser(server.port)
                return lambda: browser.get(path)[0]

            return make_step

        results, ok = [], {}
        for name, (path, filename) in urls.items():
            for label, url in (
                (name, path),
                (f"{name} floor (static)", f"/static/bench/{filename}"),
            ):
                result = run_load(label, args.clients, args.seconds, args.warmup, steps(url))
                results.append(result)
                ok[label] = (200,)
        print(format_table(results, ok))
        print()
        print(
            f"{'':10} {'bytes':>10} {'req/s':>8} {'floor req/s':>12} {'ratio':>6}"
            f"  target >= {TARGET}"
        )
        for index, name in enumerate(urls):
            report, floor = results[2 * index], results[2 * index + 1]
            ratio = report.rps / floor.rps if floor.rps else 0
            verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
            print(
                f"{name:10} {sizes[name]:10,d} {report.rps:8.1f} {floor.rps:12.1f} "
                f"{ratio:6.2f}  {verdict}"
            )
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
