"""The catalogue of bad input (docs/reliability.md, "Bad input"): each class of bad file, what
happens, and the message, for result files and measurement files. A refused file writes
nothing; an accepted one imports exactly what it says."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from kommunekompass.evaluations.models import Evaluation, ReportedPoints
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable
from kommunekompass.improvement.measurement_import import import_measurements
from kommunekompass.improvement.models import Indicator, Measurement, Programme, Project
from tests.factories import make_municipality

KK = ("kommunekompass", "2020")
H = "kommunenummer;år;kode;poeng\n"
Q = "kommunenummer;år;kode;poeng;system;omfang;resultat\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def municipalities(db, kommunekompass_framework):
    make_municipality("Fjordvik kommune", "9901")
    make_municipality("Midtre Gauldal kommune", "5027")


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def areas(number="9901", year="2022", points=10):
    return "".join(f"{number};{year};{area};{points}\n" for area in range(1, 9))


# (id, file bytes or text, limits to set, "error" | "warning", the message expected)
RESULTS = [
    (
        "comma-separated-with-decimal-commas",
        "kommunenummer,år,kode,poeng\n9901,2022,1.4,6,7\n",
        {},
        "error",
        "feil.csv, row 2: the row has 5 cells but the header has 4: if the file uses decimal "
        "commas, separate the columns with semicolons or quote the numbers.",
    ),
    (
        "more-cells-than-headers-semicolons",
        H + "9901;2022;1;6;7\n",
        {},
        "error",
        "row 2: the row has 5 cells but the header has 4: give every column a header",
    ),
    (
        "sub-area-next-to-questions",
        Q + "9901;2022;1.1.1;;2;2;2\n9901;2022;1.2;5;;;\n",
        {},
        "error",
        "row 3: Fjordvik kommune 2022 has its results per question, but none of the parts of "
        "1.2 is given: its 5 points would be lost.",
    ),
    (
        "area-next-to-sub-areas",
        H + "9901;2022;1.1;5\n9901;2022;2;50\n",
        {},
        "error",
        "row 3: Fjordvik kommune 2022 has its results per sub-area, but none of the parts of 2",
    ),
    (
        "stated-sum-with-parts-missing",
        H + "9901;2022;1.1;5\n9901;2022;1;50\n",
        {},
        "error",
        "row 3: Fjordvik kommune 2022: the file says 1 is 50, but not all of its parts are "
        "given (missing: 1.2, 1.3, 1.4, 1.5)",
    ),
    (
        "total-with-areas-missing",
        H + "9901;2022;1;50\n9901;2022;total;400\n",
        {},
        "error",
        "the file says the total is 400, but not all of its parts are given",
    ),
    (
        "question-with-points-not-levels",
        Q + "9901;2022;1.1.1;3;;;\n",
        {},
        "error",
        "row 2, column “poeng”: 1.1.1 is a question: give its levels (system, scope, result), "
        "not points",
    ),
    (
        "question-without-levels",
        Q + "9901;2022;1.1.1;;;;\n",
        {},
        "error",
        "row 2, column “kode”: question 1.1.1 has no levels: give system, scope, result.",
    ),
    (
        "question-with-some-levels",
        Q + "9901;2022;1.1.1;;2;;\n",
        {},
        "error",
        "question 1.1.1 has no level for scope, result: give every level.",
    ),
    (
        "windows-1252-undefined-byte",
        H.encode("cp1252") + b"9901;2022;1;5\x81\n",
        {},
        "error",
        "feil.csv: row 2, byte 42 of the file (0x81) is no character in Windows-1252, and the "
        "file is not UTF-8 either (row 1, byte 15). Tried: UTF-8, Windows-1252.",
    ),
    (
        "invalid-utf-8-after-bom",
        b"\xef\xbb\xbf" + H.encode() + b"9901;2022;1;5\xff\n",
        {},
        "error",
        "is not valid UTF-8 with BOM",
    ),
    (
        "field-over-128-kb",
        H + "9901;2022;1;" + "5" * (129 * 1024) + "\n",
        {},
        "error",
        "row 2, column “poeng”: the cell holds 129 KB; a cell may hold at most 128 KB.",
    ),
    (
        "nul-in-a-text",
        H + "9901;2022;1;5\x00\n",
        {},
        "error",
        "row 2, column “poeng”: the control character U+0000 at position 2 is not allowed",
    ),
    (
        "vertical-tab-in-a-text",
        H + "9901;20\x0b22;1;5\n",
        {},
        "error",
        "row 2, column “år”: the control character U+000B at position 3",
    ),
    (
        "escape-in-a-text",
        H + "9901;2022;\x1b1;5\n",
        {},
        "error",
        "column “kode”: the control character U+001B at position 1",
    ),
    ("del-in-a-text", H + "9901;2022;1;5\x7f\n", {}, "error", "U+007F at position 2"),
    ("c1-control-in-a-text", H + "9901;2022;1;\x855\n", {}, "error", "U+0085 at position 1"),
    (
        "control-character-in-a-header",
        "kommunenummer;år\x07;kode;poeng\n9901;2022;1;5\n",
        {},
        "error",
        "row 1, column “header 2”: the control character U+0007",
    ),
    (
        "name-contradicts-number",
        "kommunenummer;kommune;år;kode;poeng\n" + areas().replace("9901;", "9901;Oslo;"),
        {},
        "warning",
        "row 2, column “kommune”: the name “Oslo” is not that of municipality 9901, Fjordvik "
        "kommune; the number is used.",
    ),
    (
        "year-with-decimals",
        H + "9901;2061,5;1;5\n",
        {},
        "error",
        "row 2, column “år”: “2061,5” is not a whole year.",
    ),
    (
        "year-out-of-range",
        H + "9901;1890;1;5\n",
        {},
        "error",
        "“1890” is not a year between 1990 and 2100.",
    ),
    ("year-not-a-number", H + "9901;to tusen;1;5\n", {}, "error", "“to tusen” is not a year."),
    ("year-blank", H + "9901;;1;5\n", {}, "error", "row 2, column “år”: The year is missing."),
    (
        "header-only",
        H,
        {},
        "error",
        "row 1: The file has a header but no rows below it: nothing to import.",
    ),
    (
        "second-points-column",
        "kommunenummer;år;kode;poeng;sum\n9901;2022;1;5;6\n",
        {},
        "error",
        "row 1, column “sum”: columns “poeng” and “sum” both give the points: keep one of them.",
    ),
    (
        "total-given-twice",
        H + areas() + "9901;2022;total;80\n9901;2022;sum;80\n",
        {},
        "error",
        "row 11, column “kode”: sum for Fjordvik kommune 2022 is given twice (rows 10 and 11).",
    ),
    (
        "code-given-twice",
        H + "9901;2022;1;50\n9901;2022;1;51\n",
        {},
        "error",
        "1 for Fjordvik kommune 2022 is given twice (rows 2 and 3).",
    ),
    (
        "multi-line-record-keeps-line-numbers",
        'kommunenummer;år;kode;poeng;begrunnelse\n9901;2022;1;50;"two\nlines"\n9901;2022;2;500;x\n',
        {},
        "error",
        "row 4, column “poeng”: 500 points for 2 is outside 0–100.",
    ),
    (
        "more-errors-than-listed",
        H + "".join(f"1234;2022;{a};5\n" for a in range(1, 9)),
        {"max_errors": 5},
        "error",
        "… and 3 more errors.",
    ),
    (
        "utf-16-without-bom",
        (H + "9901;2022;1;5\n").encode("utf-16-le"),
        {},
        "error",
        "the file holds NUL bytes, so it is not a CSV text file (it may be UTF-16 without a "
        "byte order mark)",
    ),
    ("empty-file", b"", {}, "error", "feil.csv: the file is empty."),
    ("only-blank-lines", "\n \n\r\n;;;\n", {}, "error", "feil.csv: the file is empty."),
    (
        "header-typo",
        "kommunenumer;år;kode;poeng\n9901;2022;1;5\n",
        {},
        "error",
        "The file has no column for municipality number (headers not recognised: “kommunenumer”).",
    ),
    (
        "no-points-column",
        "kommunenummer;år;kode\n9901;2022;1\n",
        {},
        "error",
        "The file has no column for points",
    ),
    (
        "unknown-municipality-number",
        H + "1234;2022;1;5\n",
        {},
        "error",
        "row 2, column “kommunenummer”: No municipality NO 1234 is known.",
    ),
    (
        "blank-municipality-number",
        H + ";2022;1;5\n",
        {},
        "error",
        "No municipality NO (blank) is known.",
    ),
    (
        "unknown-country",
        "kommunenummer;land;år;kode;poeng\n9901;XX;2022;1;5\n",
        {},
        "error",
        "No municipality XX 9901",
    ),
    (
        "unknown-question-code",
        Q + "9901;2022;1.1.9;;1;1;1\n",
        {},
        "error",
        "row 2, column “kode”: “1.1.9” is not a code of kommunekompass 2020.",
    ),
    ("blank-code", H + "9901;2022;;5\n", {}, "error", "“” is not a code of kommunekompass 2020."),
    (
        "level-out-of-range",
        Q + "9901;2022;1.1.1;;4;1;1\n",
        {},
        "error",
        "row 2, column “system”: 4 is not a level of system (allowed: 0, 1, 2, 3).",
    ),
    ("level-not-a-number", Q + "9901;2022;1.1.1;;høy;1;1\n", {}, "error", "“høy” is not a level."),
    (
        "negative-points",
        H + "9901;2022;1.1;-1\n",
        {},
        "error",
        "-1 points for 1.1 is outside 0–20.",
    ),
    (
        "points-over-maximum",
        H + "9901;2022;1;101\n",
        {},
        "error",
        "101 points for 1 is outside 0–100.",
    ),
    ("points-nan", H + "9901;2022;1;NaN\n", {}, "error", "“NaN” is not a number."),
    ("points-infinite", H + "9901;2022;1;inf\n", {}, "error", "“inf” is not a number."),
    (
        "points-with-thousands-separators",
        H + "9901;2022;1;1 234,5\n",
        {},
        "error",
        "1234.5 points for 1 is outside 0–100.",
    ),
    ("points-blank", H + "9901;2022;1;\n", {}, "error", "No points for 1."),
    (
        "unknown-framework",
        "kommunenummer;år;rammeverk;versjon;kode;poeng\n9901;2022;caf;1999;1;5\n",
        {},
        "error",
        "No framework “caf 1999” is loaded.",
    ),
    (
        "unclosed-quote",
        H + '9901;2022;"1;5\n9901;2022;2;5\n',
        {},
        "error",
        "row 2, column “kode”: “1;5\n9901;2022;2;5",
    ),
    (
        "file-over-the-size-limit",
        H + areas(),
        {"max_bytes": 100},
        "error",
        "feil.csv: the file holds 1 KB; a file may hold at most 1 KB.",
    ),
    (
        "more-rows-than-the-limit",
        H + areas(),
        {"max_rows": 5},
        "error",
        "feil.csv: the file has more than 5 rows (row 7); split it into smaller files.",
    ),
    (
        "more-cells-in-a-row-than-the-limit",
        H + "9901;2022;1;5" + ";x" * 20 + "\n",
        {"max_cells": 10},
        "error",
        "row 2: the row has 24 cells; a row may have at most 10.",
    ),
    (
        "xlsx-zip-bomb",
        zip_bomb,
        {},
        "error",
        "feil.csv: the workbook's part xl/worksheets/sheet1.xml is packed",
    ),
    (
        "xlsx-unpacking-over-the-limit",
        lambda: workbook(["kommunenummer", "år", "kode", "poeng"], ["9901", 2022, "1", 5]),
        {"max_unpacked_bytes": 1000},
        "error",
        "the workbook unpacks to",
    ),
    ("xlsx-broken", b"PK\x03\x04broken", {}, "error", "feil.csv: not a readable .xlsx file"),
    (
        "xlsx-control-character",
        lambda: workbook(["kommunenummer", "år", "kode", "poeng"], ["9901", 2022, "1", "5\x7f"]),
        {},
        "error",
        "row 2, column “poeng”: the control character U+007F",
    ),
    (
        "xlsx-year-with-decimals",
        lambda: workbook(["kommunenummer", "år", "kode", "poeng"], ["9901", 2061.5, "1", 5]),
        {},
        "error",
        "row 2, column “år”: “2061.5” is not a whole year.",
    ),
    (
        "xlsx-empty-sheet",
        lambda: workbook(),
        {},
        "error",
        "feil.csv: the first sheet is empty.",
    ),
    (
        "existing-evaluation",
        "EXISTING",
        {},
        "error",
        "row 2, column “år”: Fjordvik kommune already has a kommunekompass 2020 evaluation for "
        "2022.",
    ),
]


def run_results(data, settings, limits):
    settings.RESULT_IMPORT_LIMITS = {**settings.RESULT_IMPORT_LIMITS, **limits}
    if callable(data):
        data = data()
    if data == "EXISTING":
        assert import_results((H + areas()).encode(), "first.csv", default_framework=KK).written
        data = H + areas()
    if isinstance(data, str):
        data = data.encode("utf-8")
    before = Evaluation.objects.count()
    try:
        outcome = import_results(data, "feil.csv", default_framework=KK)
    except FileUnreadable as error:
        assert Evaluation.objects.count() == before
        return [str(error)], [], False
    if outcome.plan.errors:
        assert not outcome.written and Evaluation.objects.count() == before
    errors = [str(p) for p in outcome.plan.errors]
    if outcome.plan.more_errors:
        errors.append(outcome.plan.more_errors_text())
    return errors, [str(p) for p in outcome.plan.warnings], outcome.written


@pytest.mark.parametrize(
    ("data", "limits", "kind", "expected"),
    [case[1:] for case in RESULTS],
    ids=[case[0] for case in RESULTS],
)
def test_a_bad_results_file_is_refused_with_its_row_and_column(
    municipalities, settings, data, limits, kind, expected
):
    errors, warnings, written = run_results(data, settings, limits)
    found = errors if kind == "error" else warnings
    assert any(expected in message for message in found), (errors, warnings)
    if kind == "warning":
        assert written and not errors


ACCEPTED = [
    (
        "utf-8-with-bom",
        b"\xef\xbb\xbf" + (H + areas()).encode(),
        "CSV, semicolon-separated, UTF-8 with BOM",
    ),
    ("utf-16-with-bom", (H + areas()).encode("utf-16"), "CSV, semicolon-separated, UTF-16"),
    ("windows-1252", (H + areas()).encode("cp1252"), "CSV, semicolon-separated, Windows-1252"),
    ("tab-separated", (H + areas()).replace(";", "\t").encode(), "CSV, tab-separated, UTF-8"),
    ("old-mac-line-ends", (H + areas()).replace("\n", "\r").encode(), "CSV, semicolon-separated"),
    ("blank-cells-after-the-last-column", (H + areas()).replace("\n", ";;\n").encode(), "CSV"),
    (
        "quoted-decimal-commas-in-a-comma-separated-file",
        (H + areas()).replace(";", ",").replace(",10\n", ',"10,0"\n').encode(),
        "CSV, comma-separated, UTF-8",
    ),
]


@pytest.mark.parametrize(
    ("data", "dialect"), [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_what_offices_write_is_read_exactly(municipalities, data, dialect):
    outcome = import_results(data, "ok.csv", default_framework=KK)
    assert outcome.written, [str(p) for p in outcome.plan.errors]
    assert outcome.plan.dialect.startswith(dialect)
    evaluation = Evaluation.objects.get()
    assert evaluation.result_level == "area"
    assert sorted(ReportedPoints.objects.values_list("points", flat=True)) == [10] * 8


def test_a_total_alone_is_imported_as_a_total_only_result(municipalities):
    outcome = import_results(
        (H + "5027;2019;total;612,5\n").encode(), "t.csv", default_framework=KK
    )
    assert outcome.written
    evaluation = Evaluation.objects.get()
    assert evaluation.result_level == "total"
    [total] = ReportedPoints.objects.filter(evaluation=evaluation)
    assert (total.subarea, total.focus_area, total.points, total.code) == (
        None,
        None,
        612.5,
        "total",
    )


# Measurements

M = "Periode;Verdi\n"


@pytest.fixture
def sick_leave(db):
    from kommunekompass.evaluations.models import Municipality

    municipality = Municipality.objects.create(name="Fjordvik kommune", number="9999", country="NO")
    programme = Programme.objects.create(municipality=municipality)
    project = Project.objects.create(programme=programme, title="Nærvær")
    return Indicator.objects.create(
        project=project, kind="sick_leave", name="Sykefravær", unit="%", higher_is_better=False
    )


MEASUREMENTS = [
    (
        "date-in-a-bad-format",
        M + "2026/13/01;9\n",
        {},
        "Row 2, column “Periode”: “2026/13/01” is not a period",
    ),
    (
        "duplicate-period-rows",
        M + "2026-Q1;9\n31.03.2026;8\n",
        {},
        "Rows 2 and 3, column “Periode”: both are the period ending 2026-03-31.",
    ),
    (
        "comma-separated-with-decimal-commas",
        "Periode,Verdi\n2026-Q1,9,1\n",
        {},
        "Row 2: the row has 3 cells but the header has 2: if the file uses decimal commas",
    ),
    (
        "control-character",
        M + "2026-Q1;9\x0b\n",
        {},
        "Row 2, column “Verdi”: the control character U+000B at position 2",
    ),
    ("value-nan", M + "2026-Q1;nan\n", {}, "Row 2, column “Verdi”: “nan” is not a number."),
    ("header-only", M, {}, "The file has no measurements (no rows below the headers)."),
    (
        "second-value-column",
        "Periode;Verdi;Sykefravær\n2026-Q1;9;9\n",
        {},
        "columns “Verdi” and “Sykefravær” both give the value",
    ),
    (
        "more-rows-than-the-limit",
        M + "".join(f"{year}-Q1;9\n" for year in range(2000, 2020)),
        {"max_rows": 10},
        "målinger.csv: the file has more than 10 rows (row 12); split it into smaller files.",
    ),
    (
        "file-over-the-size-limit",
        M + "2026-Q1;9\n" * 10,
        {"max_bytes": 50},
        "a file may hold at most 1 KB",
    ),
    (
        "more-problems-than-listed",
        M + "".join(f"x{n};9\n" for n in range(12)),
        {"max_errors": 10},
        "… and 2 more problems.",
    ),
    (
        "windows-1252-undefined-byte",
        M.encode() + b"2026-Q1;9\x81\n",
        {},
        "0x81) is no character in Windows-1252",
    ),
]


@pytest.mark.parametrize(
    ("data", "limits", "expected"),
    [case[1:] for case in MEASUREMENTS],
    ids=[case[0] for case in MEASUREMENTS],
)
def test_a_bad_measurements_file_is_refused_with_its_row_and_column(
    sick_leave, settings, data, limits, expected
):
    settings.MEASUREMENT_IMPORT_LIMITS = {**settings.MEASUREMENT_IMPORT_LIMITS, **limits}
    data = data.encode() if isinstance(data, str) else data
    outcome = import_measurements(sick_leave, data, "målinger.csv")
    assert not outcome.written and not Measurement.objects.exists()
    assert any(expected in problem for problem in outcome.problems), outcome.problems


def test_the_catalogue_has_at_least_forty_classes():
    assert len(RESULTS) + len(ACCEPTED) + len(MEASUREMENTS) >= 40
