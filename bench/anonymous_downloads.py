"""Benchmark: twenty anonymous report downloads at once, and a logged-in page meanwhile.

    .venv/bin/python bench/anonymous_downloads.py [--seconds 10] [--downloads 20] [--keep]

Fresh temporary data dir with the demo data (`kommunekompass demo`), legacy published
evaluations frozen (`kommunekompass freeze-published`), and only Fjordvik 2026's files
rendered (`kommunekompass render-published ID`); then `kommunekompass serve` (waitress,
8 threads, SQLite) on 127.0.0.1.

1. Alone: one logged-in evaluator loads the evaluation list `/evaluations/` for --seconds.
2. Under load: --downloads anonymous clients fire PDF downloads as fast as the server answers,
   half for Fjordvik 2026 (stored: 200) and half for a published version whose files are not
   stored (503: an anonymous request never starts a rendering), while the same evaluator loads
   the same page again for --seconds.

Prints the page's p50/p95 both times, the downloads' statuses, and the server's log lines
about rendering (there must be none from the downloads).
"""

import argparse
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter

from common import EVALUATOR, Browser, app_env, format_table, fresh_data_dir, load_demo, run_load
from published_report import KOMMUNEKOMPASS, Server


def ids(data_dir) -> tuple[int, int]:
    """(Fjordvik 2026, another published evaluation) ids."""
    code = (
        "from kommunekompass.evaluations.models import Evaluation;"
        "f = Evaluation.objects.get(municipality__number='9901', year=2026);"
        "o = Evaluation.objects.filter(published_version__gt=0).exclude(pk=f.pk).order_by('pk')"
        ".first();"
        "print(f.pk, o.pk)"
    )
    output = subprocess.run(
        [*KOMMUNEKOMPASS, "shell", "-c", code],
        env=app_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    first, second = output.stdout.strip().splitlines()[-1].split()
    return int(first), int(second)


def run(command, data_dir) -> None:
    subprocess.run(
        [*KOMMUNEKOMPASS, *command],
        env=app_env(data_dir),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class Downloads:
    """`count` anonymous clients downloading PDFs in a loop until stopped."""

    def __init__(self, port: int, paths: list[str], count: int):
        self.port = port
        self.paths = paths
        self.count = count
        self.statuses = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = []

    def _client(self, index: int) -> None:
        path = self.paths[index % len(self.paths)]
        browser = Browser(self.port)
        while not self.stop.is_set():
            status, _body = browser.get(path)
            with self.lock:
                self.statuses[status] += 1

    def start(self) -> "Downloads":
        for index in range(self.count):
            thread = threading.Thread(target=self._client, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def finish(self) -> Counter:
        self.stop.set()
        for thread in self.threads:
            thread.join(120)
        return self.statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--downloads", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    args = parser.parse_args()

    data_dir = fresh_data_dir(args.keep)
    server = None
    try:
        load_demo(data_dir)
        run(["freeze-published"], data_dir)
        stored, missing = ids(data_dir)
        run(["render-published", str(stored)], data_dir)
        server = Server(data_dir).start()

        page = "/evaluations/"

        def make_step(_index):
            browser = Browser(server.port)
            browser.login(*EVALUATOR)
            return lambda: browser.get(page)[0]

        alone = run_load("logged-in page alone", 1, args.seconds, args.warmup, make_step)

        paths = [f"/reports/{stored}/pdf/", f"/reports/{missing}/pdf/"]
        for path in paths:  # one of each first: the stored file's path into the cache
            Browser(server.port).get(path)
        downloads = Downloads(server.port, paths, args.downloads).start()
        time.sleep(1)  # the downloads are running
        loaded = run_load(
            f"logged-in page, {args.downloads} downloads",
            1,
            args.seconds,
            args.warmup,
            make_step,
        )
        statuses = downloads.finish()

        print(format_table([alone, loaded], {alone.name: (200,), loaded.name: (200,)}))
        print()
        print(
            f"logged-in page p50/p95: alone {alone.percentile_ms(50):.1f}/"
            f"{alone.percentile_ms(95):.1f} ms, with {args.downloads} anonymous downloads "
            f"{loaded.percentile_ms(50):.1f}/{loaded.percentile_ms(95):.1f} ms"
        )
        print(
            "anonymous downloads: "
            + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
            + f" (200 = the stored PDF of {stored}, 503 = {missing} not stored)"
        )
        unexpected = set(statuses) - {200, 503}
        if unexpected:
            print(f"UNEXPECTED statuses: {sorted(unexpected)}")
            sys.exit(1)
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
