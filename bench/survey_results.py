"""Benchmark: a survey's results page and .xlsx export at 5,000 responses (issue 14).

    .venv/bin/python bench/survey_results.py [--responses 5000] [--repeat 10] [--keep]

Fresh temporary data dir, SQLite, in-process (Django's test client: server time without HTTP),
logged in as a site administrator. No demo data: the script migrates and builds two surveys
from the experienced-quality template (5 statements on the scale with F and O, 1 free text),
each with 4 units and 2 periods, through the services; the answers are bulk-inserted (drawn
from a fixed seed, a free text from every fifth respondent):

- the large survey with --responses responses,
- a small one with 50 responses.

For each it prints the median and worst of --repeat requests of the results page and of the
export, and the SQL queries of one request. The query counts of the large and the small survey
must be equal (constant in the number of answers); the script exits 1 when they are not.

The floor, measured in the same run on the same data:
- page: the one GROUP BY that adds up the sums per statement, unit and period, run alone,
  plus the arithmetic (surveys.results_of without the page around it);
- export: openpyxl writing a workbook of as many rows (results and free texts) of 9 columns,
  from constants.
"""

import argparse
import io
import random
import statistics
import sys
import time

from common import fresh_data_dir, setup_django


def build(label: str, responses: int, seed: int):
    import datetime

    from kommunekompass.evaluations.models import Municipality
    from kommunekompass.surveys import services
    from kommunekompass.surveys.models import Answer, Response, Statement

    municipality, _created = Municipality.objects.get_or_create(
        country="NO", number="9901", defaults={"name": "Fjordvik kommune"}
    )
    survey = services.create_survey(
        None, municipality, title=label, audience="service_users", template="experienced_quality"
    )
    units = [services.add_unit(None, survey, f"Enhet {n}") for n in range(1, 5)]
    periods = []
    for name, starts, ends in [
        ("Vår", datetime.date(2025, 3, 1), datetime.date(2025, 5, 31)),
        ("Høst", datetime.date(2025, 9, 1), datetime.date(2025, 11, 30)),
    ]:
        period = services.open_period(None, survey, name, starts, ends)
        periods.append(period)
        if name == "Vår":
            period.closed_on = ends
            period.save()
    statements = list(survey.statements.all())
    draw = random.Random(seed)
    rows = Response.objects.bulk_create(
        Response(
            survey=survey,
            period=periods[n % 2],
            unit=units[n % 4],
            answered_on=datetime.date(2025, 10, 1),
        )
        for n in range(responses)
    )
    answers = []
    for n, response in enumerate(rows):
        for statement in statements:
            if statement.kind == Statement.Kind.TEXT:
                if n % 5 == 0:
                    text = f"Tekst {n}"
                    answers.append(Answer(response=response, statement=statement, text=text))
                continue
            f = draw.randint(3, 6)
            answers.append(
                Answer(
                    response=response,
                    statement=statement,
                    expectation=f,
                    experience=max(1, f - draw.randint(0, 2)),
                )
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return survey, len(answers)


def timed(call, repeat: int) -> tuple[float, float]:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def queries_of(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def get(client, url):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: status {response.status_code}")
        return response

    return call


def floor_workbook(rows: int, columns: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for n in range(rows):
        sheet.append([f"text {n}"] * 3 + [n] * (columns - 3))
    workbook.save(io.BytesIO())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    args = parser.parse_args()

    data_dir = fresh_data_dir(args.keep)
    setup_django(data_dir)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    from kommunekompass.surveys.results import results_of

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    admin = get_user_model().objects.create_superuser("bench", password="bench-password-1")
    client = Client()
    client.force_login(admin)

    start = time.perf_counter()
    large, large_answers = build("Stor undersøkelse", args.responses, 14)
    small, small_answers = build("Liten undersøkelse", 50, 15)
    print(
        f"built: {args.responses} responses ({large_answers} answers) and 50 responses "
        f"({small_answers} answers) in {time.perf_counter() - start:.1f} s"
    )

    figures = {}
    for name, survey in [("large", large), ("small", small)]:
        page = get(client, reverse("surveys:results", args=[survey.pk]))
        export = get(client, reverse("surveys:results_xlsx", args=[survey.pk]))
        figures[name] = {
            "page": (*timed(page, args.repeat), queries_of(page)),
            "xlsx": (*timed(export, args.repeat), queries_of(export)),
        }
    workbook = load_workbook(
        io.BytesIO(get(client, reverse("surveys:results_xlsx", args=[large.pk]))().content)
    )
    rows = sum(sheet.max_row for sheet in workbook.worksheets)
    floor_page = timed(lambda: results_of(large, "nb"), args.repeat)
    floor_xlsx = timed(lambda: floor_workbook(rows, 9), args.repeat)

    print(f"\nresults page and export, median / worst of {args.repeat} (ms), queries")
    for name, label in [("large", f"{args.responses} responses"), ("small", "50 responses")]:
        for kind in ("page", "xlsx"):
            median, worst, queries = figures[name][kind]
            print(f"  {label:>15} {kind:4}: {median:8.1f} / {worst:8.1f} ms, {queries:3d} queries")
    print(f"  floor, page (results_of alone, {args.responses}): {floor_page[0]:8.1f} ms")
    print(f"  floor, xlsx (openpyxl, {rows} rows of constants): {floor_xlsx[0]:8.1f} ms")
    print(
        f"  page / floor: {figures['large']['page'][0] / floor_page[0]:.2f}, "
        f"xlsx / floor: {figures['large']['xlsx'][0] / floor_xlsx[0]:.2f}"
    )
    constant = all(
        figures["large"][kind][2] == figures["small"][kind][2] for kind in ("page", "xlsx")
    )
    verdict = "yes" if constant else "NO"
    print(f"\nquery count constant from 50 to {args.responses} responses: {verdict}")
    return 0 if constant else 1


if __name__ == "__main__":
    sys.exit(main())
