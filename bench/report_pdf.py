"""Benchmark: the PDF report of a fully scored 75-question evaluation, against the floor.

The floor is WeasyPrint alone turning that report's finished HTML (saved to a file) into PDF.
The report's own time adds gathering the data, drawing the charts and rendering the template.
Targets (issue 4): the whole report within 1.5x of the floor, and under 2 seconds.

    .venv/bin/python bench/report_pdf.py [--repeat 5]
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kk-bench-report-")
    os.environ["KOMMUNEKOMPASS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunekompass.settings"
    subprocess.run(
        [str(Path(sys.executable).parent / "kommunekompass"), "demo"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import django

    django.setup()
    from django.utils import translation
    from weasyprint import HTML

    from kommunekompass.evaluations.models import Evaluation
    from kommunekompass.reports.data import build_report
    from kommunekompass.reports.render import render_html, render_pdf

    translation.activate("nb")
    evaluation = Evaluation.objects.get(municipality__number="9901", year=2026)
    html_file = Path(data_dir) / "report.html"
    html_file.write_text(render_html(build_report(evaluation), standalone=True), encoding="utf-8")

    render_pdf(build_report(evaluation))  # warm up: fonts, matplotlib, template cache
    HTML(filename=str(html_file)).write_pdf()

    report_times, floor_times, phases = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = build_report(evaluation)
        gathered = time.perf_counter()
        html = render_html(report, standalone=True)
        rendered = time.perf_counter()
        pdf = HTML(string=html, base_url=".").write_pdf()
        done = time.perf_counter()
        report_times.append(done - start)
        phases.append((gathered - start, rendered - gathered, done - rendered))

        start = time.perf_counter()
        floor_pdf = HTML(filename=str(html_file)).write_pdf()
        floor_times.append(time.perf_counter() - start)

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    report_median = statistics.median(report_times)
    floor_median = statistics.median(floor_times)
    data_s, html_s, pdf_s = (statistics.median(p[i] for p in phases) for i in range(3))
    print(
        f"PDF report of {evaluation}: {pages} pages, {len(pdf):,} bytes "
        f"(floor PDF {len(floor_pdf):,} bytes); median of {args.repeat} runs"
    )
    print(f"  report (data + charts + template + WeasyPrint): {report_median:.2f} s")
    print(f"    data {data_s:.3f} s, charts and template {html_s:.3f} s, WeasyPrint {pdf_s:.2f} s")
    print(f"  floor (WeasyPrint on the saved HTML):           {floor_median:.2f} s")
    print(f"  ratio report / floor: {report_median / floor_median:.2f} (target <= 1.5)")
    print(f"  under 2 seconds: {'yes' if report_median < 2 else 'NO'}")


if __name__ == "__main__":
    main()
