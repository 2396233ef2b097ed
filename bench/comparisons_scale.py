"""Benchmark: comparisons over many municipalities, and importing a large results file.

    .venv/bin/python bench/comparisons_scale.py [--sizes 70 700] [--requests 20] [--rows 50000]

For each size it makes a fresh database (SQLite in a temporary data dir, or PostgreSQL when
DATABASE_URL is set: a fresh database is then created on that server and dropped afterwards)
with that many municipalities x 3 rounds, every question scored, and times in-process (Django's
test client, server time without HTTP) the comparison page of all municipalities, the ranking
(the same page sorted by one area, second page), and one municipality's history page: median
and worst of --requests runs, and SQL queries per page.
Targets (issue 5): each under 200 ms, queries not growing with the municipalities, the time at
700 no more than twice the time at 70.

Then it imports a --rows results file (question rows with levels, CSV) with the importer, and,
in the same run, the floor: the same rows parsed with the csv module and bulk-inserted with no
validation. Target: at least a third of the floor's rows per second.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(size_label: str):
    data_dir = tempfile.mkdtemp(prefix=f"kk-bench-scale-{size_label}-")
    os.environ["KOMMUNEKOMPASS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunekompass.settings"
    import django

    django.setup()


def fresh_database():
    """Point Django at a new, empty database and migrate it."""
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        name = f"kk_bench_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = name
    else:
        connections["default"].close()
        path = Path(os.environ["KOMMUNEKOMPASS_DATA_DIR"]) / f"bench-{uuid.uuid4().hex[:8]}.db"
        connections["default"].settings_dict["NAME"] = str(path)
    call_command("migrate", verbosity=0, interactive=False)
    from kommunekompass.frameworks.loader import load_shipped_frameworks

    load_shipped_frameworks()


def drop_database():
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        name = connections["default"].settings_dict["NAME"]
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = "postgres"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def populate(count: int, seed: int = 7) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kommunekompass.evaluations.demo import synthetic_levels
    from kommunekompass.evaluations.models import Evaluation, Municipality, Score
    from kommunekompass.frameworks.models import Framework, Question

    rng = random.Random(seed)
    framework = Framework.objects.get(key="kommunekompass", version="2020")
    spec = framework.spec
    questions = {q.code: q.pk for q in Question.objects.filter(framework=framework)}
    with transaction.atomic():
        municipalities = Municipality.objects.bulk_create(
            Municipality(
                name=f"Benchmark {i:04d}",
                number=f"{i:04d}",
                country="NO" if i % 3 else "SE",
                county=f"Fylke {i % 11}",
                population=rng.randrange(1_000, 100_000),
            )
            for i in range(count)
        )
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(
                municipality=m,
                framework=framework,
                year=year,
                status="published",
                published_at=timezone.now(),
            )
            for m in municipalities
            for year in (2016, 2020, 2024)
        )
        scores = []
        for evaluation in evaluations:
            levels = synthetic_levels(spec, rng, rng.uniform(0.8, 2.6))
            scores += [
                Score(evaluation=evaluation, question_id=questions[code], levels=value)
                for code, value in levels.items()
            ]
        Score.objects.bulk_create(scores, batch_size=5000)
    # Fresh planner statistics, as the database's own maintenance (autovacuum on PostgreSQL)
    # would have them; without them PostgreSQL plans the "latest per municipality" query for
    # empty tables. ANALYZE is understood by SQLite and PostgreSQL alike.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url, requests: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: caches, stored summaries
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), max(times), len(queries)


def pages(count: int, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kommunekompass.evaluations.models import Municipality

    user = get_user_model().objects.create_user("bench", password="bench-pass-1")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    start = time.perf_counter()
    client.get("/comparisons/")  # the first view computes and stores every summary
    first = time.perf_counter() - start
    municipality = Municipality.objects.order_by("pk").first()
    results = {
        "comparison page (all)": measure(client, "/comparisons/?group=all", requests),
        "ranking (by area 3)": measure(client, "/comparisons/?group=all&sort=area-3", requests),
        "history of one municipality": measure(
            client, f"/comparisons/municipalities/{municipality.pk}/", requests
        ),
    }
    return {"first": first, "results": results}


def write_results_file(path: Path, rows: int, municipalities: int) -> None:
    from kommunekompass.frameworks.models import Framework

    spec = Framework.objects.get(key="kommunekompass", version="2020").spec
    codes = [q.code for q in spec.questions]
    rng = random.Random(11)
    lines = ["kommunenummer;år;kode;system;omfang;resultat"]
    written = 0
    for index in range(municipalities):
        for code in codes:
            if written == rows:
                break
            lines.append(
                f"{index:04d};2012;{code};{rng.randint(0, 3)};{rng.randint(0, 3)};"
                f"{rng.randint(0, 3)}"
            )
            written += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def floor_import(path: Path) -> float:
    """csv module + bulk insert of the same rows, no validation at all."""
    import csv

    from django.db import transaction
    from django.utils import timezone

    from kommunekompass.evaluations.models import Evaluation, Municipality, Score
    from kommunekompass.frameworks.models import Framework, Question

    framework = Framework.objects.get(key="kommunekompass", version="2020")
    questions = {q.code: q.pk for q in Question.objects.filter(framework=framework)}
    start = time.perf_counter()
    with transaction.atomic(), open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        municipalities = dict(Municipality.objects.values_list("number", "pk"))
        evaluations, scores = {}, []
        for number, year, code, system, scope, result in reader:
            key = (number, year)
            if key not in evaluations:
                evaluations[key] = Evaluation(
                    municipality_id=municipalities[number],
                    framework=framework,
                    year=int(year) + 1,
                    status="published",
                    published_at=timezone.now(),
                )
            scores.append((key, code, system, scope, result))
        Evaluation.objects.bulk_create(evaluations.values())
        Score.objects.bulk_create(
            (
                Score(
                    evaluation=evaluations[key],
                    question_id=questions[code],
                    levels={"system": int(system), "scope": int(scope), "result": int(result)},
                )
                for key, code, system, scope, result in scores
            ),
            batch_size=5000,
        )
    return time.perf_counter() - start


def import_benchmark(rows: int) -> None:
    from kommunekompass.evaluations.models import Municipality
    from kommunekompass.imports.applying import import_results

    municipalities = rows // 75 + 1
    Municipality.objects.bulk_create(
        Municipality(name=f"Import {i:04d}", number=f"{i:04d}", country="NO")
        for i in range(municipalities)
        if not Municipality.objects.filter(country="NO", number=f"{i:04d}").exists()
    )
    path = Path(os.environ["KOMMUNEKOMPASS_DATA_DIR"]) / "results.csv"
    write_results_file(path, rows, municipalities)
    floor = floor_import(path)
    start = time.perf_counter()
    outcome = import_results(
        path.read_bytes(), path.name, default_framework=("kommunekompass", "2020")
    )
    importer = time.perf_counter() - start
    assert outcome.written, [str(p) for p in outcome.plan.errors[:5]]
    print(f"\nImport of {rows:,} question rows ({len(outcome.plan.evaluations)} evaluations):")
    print(
        f"  importer (read, check every row, write in one transaction): {importer:6.2f} s, "
        f"{rows / importer:8,.0f} rows/s"
    )
    print(
        f"  floor (csv module + bulk insert, no validation):            {floor:6.2f} s, "
        f"{rows / floor:8,.0f} rows/s"
    )
    ratio = floor / importer
    print(
        f"  importer / floor rate: {ratio:.2f} (target >= 0.33: "
        f"{'met' if ratio >= 1 / 3 else 'NOT MET'})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[70, 700])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    setup("run")
    sys.path.insert(0, str(ROOT))
    from django.db import connection

    print(f"comparisons_scale on {connection.vendor}; times are server time in-process, ms")
    measured = {}
    for size in args.sizes:
        fresh_database()
        start = time.perf_counter()
        populate(size)
        made = time.perf_counter() - start
        outcome = pages(size, args.requests)
        measured[size] = outcome["results"]
        print(
            f"\n{size} municipalities x 3 rounds ({size * 3 * 75:,} scores; made in "
            f"{made:.1f} s; first comparison view, storing all summaries: "
            f"{outcome['first']:.2f} s)"
        )
        for name, (median, worst, queries) in outcome["results"].items():
            verdict = "ok" if median < 200 else "OVER 200 ms"
            print(
                f"  {name:<30} median {median:7.1f}  worst {worst:7.1f}  queries {queries:3d}"
                f"  {verdict}"
            )
        if size == args.sizes[-1]:
            import_benchmark(args.rows)
        drop_database()
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        print(f"\nGrowth from {small} to {large} municipalities (median time ratio, queries):")
        for name in measured[small]:
            ratio = measured[large][name][0] / measured[small][name][0]
            same = measured[large][name][2] == measured[small][name][2]
            print(
                f"  {name:<30} x{ratio:.2f} (target <= 2: {'met' if ratio <= 2 else 'NOT MET'})"
                f"; queries {'the same' if same else 'GROW'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
