"""Benchmark: the improvement programme's pages, exports and measurement import (issue 6).

    .venv/bin/python bench/improvement_pages.py [--repeat 20] [--projects 60] [--rows 5000]

Fresh temporary data dir with the demo data (`kommunekompass demo`), SQLite, in-process
(Django's test client, server time without HTTP), logged in as the demo user `coordinator`.

1. The programme dashboard of Fjordvik (number 9901), the page of the demo project with the
   most content and the page of its indicator with the most measurements: median and worst
   of --repeat runs and the SQL queries of one request, first with the demo data (3 projects),
   then after adding synthetic projects (bulk_create) up to --projects, each with 4
   milestones, 3 risks, a focus area and 2 monthly indicators of 12 measurements. The query
   count should not grow with the programme; the growth of the dashboard is printed.
2. The plan PDF of that project: median of 5 runs.
3. The programme status workbook (.xlsx): median of 5 runs, at 3 and at --projects projects.
4. import_measurements() of a CSV (semicolon, decimal comma, "Måned;Verdi", months from
   2000-01) and an .xlsx of the same --rows rows, each into a new indicator: rows per second
   (median of 3); then the same files with one bad row at the end, which must write nothing.
"""

import argparse
import datetime
import io
import os
import platform
import shutil
import statistics
import sys
import time

from common import fresh_data_dir, load_demo, setup_django

USER = "coordinator"
MUNICIPALITY_NUMBER = "9901"  # Fjordvik


def request_ms(client, url: str) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: status {response.status_code}")
    return elapsed, response


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, worst ms, queries of one request), after one warm-up request."""
    request_ms(client, url)
    times = [request_ms(client, url)[0] for _ in range(repeat)]
    return statistics.median(times), max(times), count_queries(client, url)


# --- data ---------------------------------------------------------------------------------------


def pick_project(programme):
    """The demo project with the most content: rows of the plan first, then its text."""
    from django.db.models import Count

    from kommunekompass.improvement.models import Measurement, Project

    def content(project) -> tuple[int, int]:
        rows = (
            project.n_decisions
            + project.n_milestones
            + project.n_risks
            + project.n_indicators
            + project.n_findings
            + Measurement.objects.filter(indicator__project=project).count()
        )
        text = sum(
            len(getattr(project, name))
            for name in (
                "background",
                "goal",
                "frames",
                "scope",
                "reports",
                "quality_assurance",
                "main_activities",
                "evaluation_report",
            )
        )
        return rows, text

    projects = Project.objects.filter(programme=programme).annotate(
        n_decisions=Count("decisions", distinct=True),
        n_milestones=Count("milestones", distinct=True),
        n_risks=Count("risks", distinct=True),
        n_indicators=Count("indicators", distinct=True),
        n_findings=Count("findings", distinct=True),
    )
    return max(projects, key=content)


def describe_project(project) -> str:
    from kommunekompass.improvement.models import Measurement

    measurements = Measurement.objects.filter(indicator__project=project).count()
    return (
        f"{project.decisions.count()} decision points, {project.milestones.count()} milestones, "
        f"{project.risks.count()} risks, {project.indicators.count()} indicators with "
        f"{measurements} measurements, {project.findings.count()} findings"
    )


def add_projects(programme, total: int, today: datetime.date) -> int:
    """Synthetic projects up to `total` in the programme; returns how many were added."""
    from decimal import Decimal

    from django.db import transaction

    from kommunekompass.frameworks.models import FocusArea
    from kommunekompass.improvement.models import (
        Indicator,
        Measurement,
        Milestone,
        Project,
        Risk,
    )
    from kommunekompass.improvement.periods import month_end

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    # the last 12 month ends before today, oldest first
    year, month = today.year, today.month
    months = []
    for _ in range(12):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(month_end(year, month))
    months.reverse()

    existing = Project.objects.filter(programme=programme)
    count = total - existing.count()
    if count <= 0:
        return 0
    area_ids = list(
        FocusArea.objects.filter(projects__programme=programme)
        .distinct()
        .values_list("pk", flat=True)
    ) or list(FocusArea.objects.values_list("pk", flat=True)[:10])
    statuses = [choice for choice, _label in Project.Status.choices]
    with transaction.atomic():
        projects = Project.objects.bulk_create(
            Project(
                programme=programme,
                title=f"Benchmark project {i:03d}: better follow-up of the service",
                status=statuses[i % len(statuses)],
                background="Background of the benchmark project. " * 8,
                goal="Goal of the benchmark project. " * 4,
                project_leader=f"Leader {i:03d}",
                responsible_leader="Rådmann",
                unit=f"Unit {i % 7}",
                starts=day(-200 + i),
                ends=day(200 + i),
            )
            for i in range(count)
        )
        Project.focus_areas.through.objects.bulk_create(
            Project.focus_areas.through(project=p, focusarea_id=area_ids[i % len(area_ids)])
            for i, p in enumerate(projects)
        )
        Milestone.objects.bulk_create(
            Milestone(
                project=p,
                number=f"M{n + 1}",
                milestone=f"Milestone {n + 1} of {p.title[:20]}",
                # one reached, one overdue, one due within 30 days, one later
                date=day((-90, -10 - i % 20, 5 + i % 20, 120)[n]),
                measurable_result="A measurable result",
                reached=n == 0,
            )
            for i, p in enumerate(projects)
            for n in range(4)
        )
        Risk.objects.bulk_create(
            Risk(
                project=p,
                factor=f"Risk {n + 1}",
                likelihood=1 + (i + n) % 5,
                impact=1 + (i * 2 + n) % 5,
                measure="A measure",
            )
            for i, p in enumerate(projects)
            for n in range(3)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                project=p,
                kind=Indicator.Kind.CUSTOM,
                name=f"Indicator {n + 1} of project {i:03d}",
                unit="%",
                higher_is_better=n == 0,
                baseline=Decimal("10.0"),
                target=Decimal("12.0") if n == 0 else Decimal("8.0"),
                frequency=Indicator.Frequency.MONTHLY,
            )
            for i, p in enumerate(projects)
            for n in range(2)
        )
        Measurement.objects.bulk_create(
            (
                Measurement(
                    indicator=indicator,
                    period_end=end,
                    value=Decimal(10) + Decimal((k * 7 + j * 3) % 9 - 4) / 4,
                )
                for k, indicator in enumerate(indicators)
                for j, end in enumerate(months)
            ),
            batch_size=2000,
        )
    return count


# --- the measurement import ----------------------------------------------------------------------


def month_rows(count: int) -> list[tuple[str, float]]:
    rows = []
    for i in range(count):
        year, month = 2000 + i // 12, i % 12 + 1
        rows.append((f"{year:04d}-{month:02d}", round(5 + (i * 37 % 1000) / 100, 2)))
    return rows


def csv_bytes(rows, bad: bool) -> bytes:
    lines = ["Måned;Verdi"]
    lines += [f"{period};{value:.2f}".replace(".", ",") for period, value in rows]
    if bad:
        lines.append(f"{next_month(rows[-1][0])};ikke målt")
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, bad: bool) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Måned", "Verdi"])
    for period, value in rows:
        sheet.append([period, value])
    if bad:
        sheet.append([next_month(rows[-1][0]), "ikke målt"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def next_month(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


def new_indicator(project, name: str):
    from kommunekompass.improvement.models import Indicator

    return Indicator.objects.create(
        project=project,
        kind=Indicator.Kind.CUSTOM,
        name=name,
        unit="%",
        frequency=Indicator.Frequency.MONTHLY,
    )


def import_benchmark(project, rows_count: int, runs: int) -> None:
    from kommunekompass.improvement.measurement_import import import_measurements

    rows = month_rows(rows_count)
    files = {
        "CSV": (csv_bytes(rows, bad=False), csv_bytes(rows, bad=True), "maalinger.csv"),
        ".xlsx": (xlsx_bytes(rows, bad=False), xlsx_bytes(rows, bad=True), "maalinger.xlsx"),
    }
    print(
        f"\nMeasurement import of {rows_count:,} monthly rows ({rows[0][0]} .. {rows[-1][0]}), "
        f"each run into a new indicator; median of {runs}:"
    )
    for label, (good, bad, filename) in files.items():
        times, stored = [], []
        for run in range(runs):
            indicator = new_indicator(project, f"Import {label} {run}")
            start = time.perf_counter()
            outcome = import_measurements(indicator, good, filename)
            times.append(time.perf_counter() - start)
            stored.append(indicator.measurements.count())
            if outcome.problems:
                print(f"  {label}: PROBLEMS {outcome.problems[:3]}")
        seconds = statistics.median(times)
        check = "ok" if all(n == rows_count for n in stored) else "WRONG"
        print(
            f"  {label:<6} {len(good):>9,} bytes  {seconds:6.3f} s  {rows_count / seconds:8,.0f} "
            f"rows/s  stored {stored[-1]:,} ({check})"
        )
        indicator = new_indicator(project, f"Import {label} bad")
        start = time.perf_counter()
        outcome = import_measurements(indicator, bad, filename)
        seconds = time.perf_counter() - start
        stored = indicator.measurements.count()
        verdict = "nothing written" if stored == 0 and not outcome.written else "WROTE ROWS"
        print(
            f"  {label:<6} + 1 bad row at the end: {seconds:6.3f} s, "
            f"{len(outcome.problems)} problem(s), measurements afterwards {stored} ({verdict})"
        )
        for problem in outcome.problems[:2]:
            print(f"         {problem}")


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per page (20)")
    parser.add_argument("--projects", type=int, default=60, help="projects after growth (60)")
    parser.add_argument("--rows", type=int, default=5000, help="rows of the import files (5000)")
    parser.add_argument("--exports", type=int, default=5, help="runs of PDF and .xlsx (5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()

    data_dir = fresh_data_dir(keep=args.keep)
    try:
        load_demo(data_dir)
        setup_django(data_dir)
        import django
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from kommunekompass.evaluations.models import Municipality
        from kommunekompass.improvement.models import Programme, Project

        print(
            f"improvement_pages on {platform.platform()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"{connection.vendor}, {datetime.date.today().isoformat()}"
        )
        print("times are server time in-process (Django test client), ms unless told")

        municipality = Municipality.objects.get(number=MUNICIPALITY_NUMBER)
        programme = Programme.objects.get(municipality=municipality)
        project = pick_project(programme)
        indicator = max(project.indicators.all(), key=lambda i: (i.measurements.count(), -i.pk))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=USER))
        urls = {
            "dashboard": f"/improvement/{municipality.pk}/",
            "project page": f"/improvement/projects/{project.pk}/",
            "indicator page": f"/improvement/indicators/{indicator.pk}/",
        }
        print(
            f"\n{municipality.name} (id {municipality.pk}); project {project.pk} "
            f"“{project.title}”: {describe_project(project)}; indicator {indicator.pk} "
            f"“{indicator.name}” ({indicator.measurements.count()} measurements)"
        )

        measured = {}
        xlsx = {}
        for stage in ("demo", "grown"):
            if stage == "grown":
                start = time.perf_counter()
                added = add_projects(programme, args.projects, timezone.localdate())
                made = time.perf_counter() - start
                print(
                    f"\nadded {added} synthetic projects (4 milestones, 3 risks, 2 indicators "
                    f"x 12 measurements each) in {made:.1f} s"
                )
            projects = Project.objects.filter(programme=programme).count()
            print(f"\n{projects} projects; median and worst of {args.repeat} runs")
            results = {}
            for name, url in urls.items():
                results[name] = measure(client, url, args.repeat)
                median, worst, queries = results[name]
                print(
                    f"  {name:<16} {url:<32} median {median:7.1f}  worst {worst:7.1f}  "
                    f"queries {queries:3d}"
                )
            measured[projects] = results

            url = f"/improvement/{municipality.pk}/status.xlsx"
            request_ms(client, url)
            times, response = [], None
            for _ in range(args.exports):
                elapsed, response = request_ms(client, url)
                times.append(elapsed)
            xlsx[projects] = (statistics.median(times), len(response.content))
            print(
                f"  {'status.xlsx':<16} {url:<32} median {xlsx[projects][0]:7.1f}  "
                f"(of {args.exports})  queries {count_queries(client, url):3d}  "
                f"{xlsx[projects][1]:,} bytes"
            )

        small, large = min(measured), max(measured)
        print(f"\nGrowth from {small} to {large} projects (median time ratio; queries):")
        for name in urls:
            ratio = measured[large][name][0] / measured[small][name][0]
            before, after = measured[small][name][2], measured[large][name][2]
            same = "the same" if before == after else f"GROW {before} -> {after}"
            print(f"  {name:<16} x{ratio:.2f}; queries {same}")
        print(f"  {'status.xlsx':<16} x{xlsx[large][0] / xlsx[small][0]:.2f}")

        from pypdf import PdfReader

        url = f"/improvement/projects/{project.pk}/plan.pdf"
        request_ms(client, url)  # warm up: fonts, template cache
        times = []
        for _ in range(args.exports):
            elapsed, response = request_ms(client, url)
            times.append(elapsed)
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
        print(
            f"\nPlan PDF of project {project.pk} ({url}): median of {args.exports} "
            f"{statistics.median(times) / 1000:.2f} s, worst {max(times) / 1000:.2f} s; "
            f"{pages} pages, {len(response.content):,} bytes; queries "
            f"{count_queries(client, url)}"
        )

        import_benchmark(project, args.rows, runs=3)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
