"""Throughput of the scoring page and of saving one question, against a floor.

    .venv/bin/python bench/scoring_throughput.py [--clients 8] [--seconds 20] [--warmup 3]

Makes a fresh data dir (temporary), loads the demo data, adds a fully scored draft evaluation
assigned to `evaluator`, and starts two gunicorn servers with the same settings (gthread
worker class, 2 workers x 4 threads by default): one serving the app, one serving the floor
(bench/floor_app.py: a bare Django view behind the same middleware, returning a page of the
scoring page's exact bytes, no database). Then, with N client threads (keep-alive connection
each) for a bounded time each:

  (a) GET the scoring page of focus area 3 of the draft (fully scored, editable);
  (b) POST a save of one question as HTMX, each thread its own question, alternating levels and
      sending the version it expects (409 conflicts are counted apart);
  (c) GET the floor.

Prints requests, errors, requests per second, p50/p95 latency per case and the throughput
ratios page/floor and save/floor, and the SQL queries per scoring page (in-process, Django's
test client) for areas of different sizes. Target: the scoring page has at least half of the
floor's throughput; the queries per page do not grow with the number of questions.
"""

import argparse
import shutil
import sys

from common import (
    EVALUATOR,
    Browser,
    Gunicorn,
    app_env,
    create_draft,
    format_table,
    fresh_data_dir,
    load_demo,
    question_dimensions,
    response_version,
    run_load,
    save_fields,
    setup_django,
    stop_on_sigterm,
)


def query_counts(evaluation, areas) -> dict[str, tuple[int, int]]:
    """{area code: (questions, SQL queries)} for one GET of the scoring page, warm caches."""
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=EVALUATOR[0]))
    spec = evaluation.framework.spec
    counts = {}
    for code in areas:
        url = f"/evaluations/{evaluation.pk}/areas/{code}/"
        assert client.get(url).status_code == 200  # warm: framework spec, templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        counts[code] = (len(spec.area(code).questions), len(queries.captured_queries))
    connections.close_all()
    return counts


def save_query_count(evaluation, code, dimensions) -> int:
    """SQL queries of one HTMX save (a change) of question `code`, in-process."""
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kommunekompass.evaluations.models import Score

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=EVALUATOR[0]))
    url = f"/evaluations/{evaluation.pk}/questions/{code}/"
    counts = []
    for level in (3, 2):  # the first warms the caches, the second is counted
        version = Score.objects.get(evaluation=evaluation, question__code=code).version
        fields = save_fields(dimensions, level, f"Query count, level {level}.", version, "")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, fields, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code
        counts.append(len(queries.captured_queries))
    connections.close_all()
    return counts[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=20, help="measured s per case (20)")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured s per case (3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker (4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    stop_on_sigterm()

    data_dir = fresh_data_dir(args.keep)
    servers: list[Gunicorn] = []
    try:
        load_demo(data_dir)
        setup_django(data_dir)
        from kommunekompass.evaluations.models import Evaluation, Score

        draft = create_draft("Benchvik kommune", "9990", scored=True)
        fjordvik = Evaluation.objects.get(municipality__name="Fjordvik kommune", year=2026)
        dims = question_dimensions(draft)
        spec = draft.framework.spec
        area3 = [q.code for q in spec.area("3").questions]
        codes = area3 + [c for c in dims if c not in area3]  # thread i saves codes[i]
        if args.clients > len(codes):
            parser.error(f"at most {len(codes)} clients: each saves its own question")
        save_queries = save_query_count(draft, codes[-1], dims[codes[-1]])
        versions = dict(
            Score.objects.filter(evaluation=draft).values_list("question__code", "version")
        )
        all_areas = [a.code for a in spec.areas]
        counts = query_counts(draft, all_areas)
        counts_published = query_counts(fjordvik, ["3", "5"])

        gunicorn_options = dict(workers=args.workers, worker_class="gthread", threads=args.threads)
        wsgi = "kommunekompass.wsgi:application"
        app = Gunicorn("app", wsgi, app_env(data_dir), data_dir, **gunicorn_options)
        servers.append(app.start())

        login = Browser(app.port)
        login.login(*EVALUATOR)
        cookies = dict(login.cookies)
        page_path = f"/evaluations/{draft.pk}/areas/3/"
        status, page = login.get(page_path)
        if status != 200:
            raise RuntimeError(f"scoring page: status {status}")
        login.close()
        page_file = data_dir / "floor-page.html"
        page_file.write_bytes(page)

        floor_env = app_env(data_dir, settings="floor_settings")
        floor_env["FLOOR_PAGE"] = str(page_file)
        floor = Gunicorn("floor", "floor_app:application", floor_env, data_dir, **gunicorn_options)
        servers.append(floor.start(ready_path="/"))
        status, floor_page = Browser(floor.port, cookies).get("/")
        if status != 200 or len(floor_page) != len(page):
            raise RuntimeError(f"floor: status {status}, {len(floor_page)} bytes")

        def page_step(port, path):
            def make(i):
                browser = Browser(port, cookies)
                return lambda: browser.get(path)[0]

            return make

        def save_step(i):
            browser = Browser(app.port, cookies)
            code = codes[i]
            path = f"/evaluations/{draft.pk}/questions/{code}/"
            headers = {"HX-Request": "true", "X-CSRFToken": cookies["csrftoken"]}
            state = {"n": 0, "version": versions.get(code, 0)}

            def step():
                state["n"] += 1
                n = state["n"]
                reason = f"Benchmark thread {i}, save {n}."
                fields = save_fields(dims[code], n % 4, reason, state["version"], "")
                del fields["csrfmiddlewaretoken"]  # the header carries the token, as HTMX does
                status, body = browser.post(path, fields, headers)
                if status == 200:
                    state["version"] += 1  # what we expect; the response must agree
                    if response_version(body) != state["version"]:
                        return -200  # counted as an error: the version did not move by one
                elif status == 409:
                    state["version"] = response_version(body) or state["version"]
                return status

            return step

        run = dict(clients=args.clients, seconds=args.seconds, warmup=args.warmup)
        page_name, save_name, floor_name = (
            "scoring page, area 3 (GET)",
            "save one question (HTMX POST)",
            f"floor, {len(page)} B (GET)",
        )
        results = [
            run_load(page_name, make_step=page_step(app.port, page_path), server=app, **run),
            run_load(save_name, make_step=save_step, server=app, **run),
            run_load(floor_name, make_step=page_step(floor.port, "/"), server=floor, **run),
        ]
        locked = sum(len(s.log_lines_containing("database is locked")) for s in servers)
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    page_r, save_r, floor_r = results
    print(
        f"scoring_throughput: {args.clients} client threads, {args.seconds:g} s measured per case "
        f"(+{args.warmup:g} s warm-up); gunicorn gthread, {args.workers} workers x "
        f"{args.threads} threads, SQLite"
    )
    ok = {page_r.name: (200,), save_r.name: (200,), floor_r.name: (200,)}
    print(format_table(results, ok))
    page_ratio = page_r.rps / floor_r.rps
    save_ratio = save_r.rps / floor_r.rps
    print(
        f"throughput page/floor: {page_ratio:.2f}  "
        f"(target >= 0.50: {'met' if page_ratio >= 0.5 else 'NOT MET'})"
    )
    print(f"throughput save/floor: {save_ratio:.2f}")
    print(
        "SQL queries per scoring page (draft, editable): "
        + ", ".join(f"area {c}: {counts[c][1]} ({counts[c][0]} questions)" for c in ("3", "5"))
    )
    print(
        "  all areas: "
        + ", ".join(f"{c}: {q} ({n} q.)" for c, (n, q) in counts.items())
        + "; Fjordvik 2026 (published, with interviews and evidence): "
        + ", ".join(f"area {c}: {q}" for c, (n, q) in counts_published.items())
    )
    flat = len({q for _, q in counts.values()}) == 1
    print(f"  target, queries do not grow with the questions: {'met' if flat else 'NOT MET'}")
    print(f"SQL queries per save (HTMX, a change): {save_queries}")
    print(f"database is locked (gunicorn logs): {locked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
