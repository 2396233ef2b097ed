"""Hypothesis: whatever bytes or cells a file holds, the readers and the importers raise nothing
but their own error (FileUnreadable), and write nothing when they find an error."""

import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import HEADERS, FileUnreadable, read_table
from kommunekompass.improvement.measurement_import import MEASUREMENT_HEADERS, plan_measurements
from tests.factories import make_municipality

KK = ("kommunekompass", "2020")
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEADER = "kommunenummer;år;kode;poeng;system;omfang;resultat;kommune\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read_or_refuse(data: bytes, headers=None):
    try:
        return read_table(data, "x.csv", headers)
    except FileUnreadable:
        return None


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_read_or_refused(data):
    read_or_refuse(data)
    read_or_refuse(b"PK\x03\x04" + data)
    table = read_or_refuse(data, MEASUREMENT_HEADERS)
    if table is not None:
        plan_measurements(table, "sick_leave")


cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["9901", "2022", "1", "1.1", "1.1.1", "total", "6,7", "-1", "NaN", ""]),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@FUZZ
@given(st.lists(st.lists(cells, min_size=0, max_size=10), max_size=12))
def test_arbitrary_csv_cells_import_or_are_refused_and_nothing_is_written_on_an_error(
    db_with_municipality, rows
):
    text = HEADER + "\n".join(";".join(cell.replace(";", ",") for cell in row) for row in rows)
    before = Evaluation.objects.count()
    try:
        outcome = import_results(
            text.encode("utf-8", "surrogatepass"), "x.csv", default_framework=KK
        )
    except FileUnreadable:
        assert Evaluation.objects.count() == before
        return
    if outcome.plan.errors:
        assert not outcome.written and Evaluation.objects.count() == before
    else:
        assert Evaluation.objects.count() == before + len(outcome.plan.evaluations)


xlsx_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.text(max_size=30).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t)),
    st.sampled_from(["9901", "2022", "1", "1.1", "total", "6,7"]),
)


@FUZZ
@given(st.lists(st.lists(xlsx_cells, max_size=9), max_size=10))
def test_arbitrary_xlsx_cells_import_or_are_refused_and_nothing_is_written_on_an_error(
    db_with_municipality, rows
):
    book = Workbook()
    book.active.append(HEADER.strip().split(";"))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    before = Evaluation.objects.count()
    try:
        outcome = import_results(buffer.getvalue(), "x.xlsx", default_framework=KK)
    except FileUnreadable:
        assert Evaluation.objects.count() == before
        return
    if outcome.plan.errors:
        assert not outcome.written and Evaluation.objects.count() == before
    table = read_table(buffer.getvalue(), "x.xlsx", MEASUREMENT_HEADERS)
    plan_measurements(table, "experienced_quality")


@pytest.fixture
def db_with_municipality(db, kommunekompass_framework):
    make_municipality("Fjordvik kommune", "9901")


def test_the_result_headers_are_the_readers_default():
    assert read_table(b"kode;poeng\n1;5\n", "x.csv").columns == {"code": "kode", "points": "poeng"}
    assert "points" in HEADERS
