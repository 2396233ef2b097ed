"""Benchmark: the results importer against a floor, and where its time goes.

    .venv/bin/python bench/import_speed.py [--rows 15000]

Makes a fresh database, writes a --rows results file (question rows with levels, CSV), and in
the same run measures the floor (the same rows parsed with the csv module and bulk-inserted with
no validation) and the importer (read, check every row, write in one transaction, publish each
evaluation). Target (issue 5): the importer's rate at least a third of the floor's. Then it
times the importer's phases on a second copy of the file: reading, checking (planning), writing
the rows, and publishing (evaluations.services.workflow.publish_imported_many, once for all).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from comparisons_scale import (  # noqa: E402
    drop_database,
    floor_import,
    fresh_database,
    setup,
    write_results_file,
)


def municipalities_for(rows: int, offset: int) -> int:
    from kommunekompass.evaluations.models import Municipality

    count = rows // 75 + 1
    Municipality.objects.bulk_create(
        Municipality(name=f"Import {i:04d}", number=f"{i:04d}", country="NO")
        for i in range(offset, offset + count)
    )
    return count


def phases(rows: int) -> dict[str, float]:
    """The importer's phases, timed one by one, on a file of new municipalities."""
    from kommunekompass.evaluations.services import workflow
    from kommunekompass.imports import applying
    from kommunekompass.imports.applying import build_context, write_plan
    from kommunekompass.imports.parsing import limits, read_table
    from kommunekompass.imports.planning import plan_import

    count = municipalities_for(rows, 5000)
    path = Path(os.environ["KOMMUNEKOMPASS_DATA_DIR"]) / "results-2.csv"
    write_results_file(path, rows, count)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    renumbered = [lines[0]] + [f"{int(line[:4]) + 5000:04d}{line[4:]}" for line in lines[1:]]
    data = ("\n".join(renumbered) + "\n").encode()
    spent = {}
    start = time.perf_counter()
    table = read_table(data, path.name, limit=limits())
    spent["read (lib.tabular)"] = time.perf_counter() - start
    start = time.perf_counter()
    plan = plan_import(table, build_context(("kommunekompass", "2020")))
    spent["check (planning)"] = time.perf_counter() - start
    assert plan.ok, [str(p) for p in plan.errors[:5]]
    publishing = [0.0]
    real = workflow.publish_imported_many

    def timed(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            publishing[0] += time.perf_counter() - begun

    applying.publish_imported_many = timed
    try:
        start = time.perf_counter()
        write_plan(plan, None, None, sha256="0" * 64)
        written = time.perf_counter() - start
    finally:
        applying.publish_imported_many = real
    spent["write rows, history, batch"] = written - publishing[0]
    spent["publish (publish_imported_many)"] = publishing[0]
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=15_000)
    args = parser.parse_args()
    setup("import")
    from django.db import connection

    from kommunekompass.imports.applying import import_results

    fresh_database()
    rows = args.rows
    count = municipalities_for(rows, 0)
    path = Path(os.environ["KOMMUNEKOMPASS_DATA_DIR"]) / "results.csv"
    write_results_file(path, rows, count)
    floor = floor_import(path)
    start = time.perf_counter()
    outcome = import_results(
        path.read_bytes(), path.name, default_framework=("kommunekompass", "2020")
    )
    importer = time.perf_counter() - start
    assert outcome.written, [str(p) for p in outcome.plan.errors[:5]]
    evaluations = len(outcome.plan.evaluations)
    print(f"import_speed on {connection.vendor}: {rows:,} question rows, {evaluations} evaluations")
    print(f"  importer: {importer:6.2f} s, {rows / importer:8,.0f} rows/s")
    print(f"  floor:    {floor:6.2f} s, {rows / floor:8,.0f} rows/s (csv module + bulk insert)")
    ratio = floor / importer
    verdict = "met" if ratio >= 1 / 3 else "NOT MET"
    print(f"  importer / floor rate: {ratio:.2f} (target >= 0.33: {verdict})")
    spent = phases(rows)
    total = sum(spent.values())
    print(f"\nWhere the importer's time goes ({total:.2f} s on a second file of the same size):")
    for name, seconds in spent.items():
        print(f"  {name:<30} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    publishing = spent["publish (publish_imported_many)"]
    without = total - publishing
    print(
        f"  importer / floor rate without publishing: {floor / without:.2f} "
        f"(publishing {evaluations} evaluations at once takes {1000 * publishing:.0f} ms, "
        f"{1000 * publishing / evaluations:.1f} ms each)"
    )
    drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
