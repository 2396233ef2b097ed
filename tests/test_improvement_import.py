"""Importing an indicator's measurements: every period format, every check, all or nothing."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from kommunekompass.evaluations.models import Municipality
from kommunekompass.imports.parsing import read_table
from kommunekompass.improvement.measurement_import import (
    MEASUREMENT_HEADERS,
    import_measurements,
    plan_measurements,
)
from kommunekompass.improvement.models import Indicator, Measurement, Programme, Project
from kommunekompass.improvement.periods import parse_period, period_label

Q1, Q2, Q3, Q4 = (datetime.date(2026, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31)))


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in English; the site's default language is Norwegian.
    with translation.override("en"):
        yield


@pytest.fixture
def project(db):
    municipality = Municipality.objects.create(name="Fjordvik kommune", number="9999", country="NO")
    programme = Programme.objects.create(municipality=municipality)
    return Project.objects.create(programme=programme, title="Nærvær i hjemmetjenesten")


def indicator(project, kind="sick_leave", **fields):
    names = {"sick_leave": "Sykefravær", "experienced_quality": "Opplevd kvalitet"}
    return Indicator.objects.create(
        project=project,
        kind=kind,
        name=names.get(kind, kind),
        unit="%" if kind in ("sick_leave", "presence") else "",
        higher_is_better=kind != "sick_leave",
        **fields,
    )


@pytest.fixture
def sick_leave(project):
    return indicator(project)


def run(indicator, text: str | bytes, name="målinger.csv", **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_measurements(indicator, data, name, **options)


def plan(text: str, kind="custom"):
    return plan_measurements(read_table(text.encode("utf-8"), "x.csv", MEASUREMENT_HEADERS), kind)


def stored(indicator):
    return [(m.period_end, m.value) for m in indicator.measurements.order_by("period_end")]


# Periods


@pytest.mark.parametrize(
    ("cell", "end"),
    [
        (datetime.date(2026, 3, 31), Q1),
        (datetime.datetime(2026, 3, 31, 0, 0), Q1),
        ("2026-03-31 00:00:00", Q1),  # an .xlsx date cell as the reader gives it
        ("2026-03-31", Q1),
        ("31.03.2026", Q1),
        ("1.3.2026", datetime.date(2026, 3, 1)),
        ("2026-Q1", Q1),
        ("2026 Q1", Q1),
        ("2026q2", Q2),
        ("Q1 2026", Q1),
        ("q3-2026", Q3),
        ("1. kvartal 2026", Q1),
        ("4. Kvartal 2026", Q4),
        ("1. kv. 2026", Q1),
        ("2. KV. 2026", Q2),
        ("K1 2026", Q1),
        ("2026K1", Q1),
        ("2026-k3", Q3),
        ("2026-03", Q1),
        ("2026-02", datetime.date(2026, 2, 28)),
        ("02.2024", datetime.date(2024, 2, 29)),
        ("03.2026", Q1),
        ("2026", Q4),
        (2026, Q4),
        (2026.0, Q4),
        ("  2026-Q1 ", Q1),
    ],
)
def test_it_reads_every_period_format_as_the_end_of_the_period(cell, end):
    assert parse_period(cell) == end


@pytest.mark.parametrize(
    "cell",
    [
        "",
        None,
        "abc",
        "2026-Q5",
        "Q0 2026",
        "5. kvartal 2026",
        "K5 2026",
        "2026-13",
        "13.2026",
        "2026-02-30",
        "31.04.2026",
        "26",
        "20261",
        "mars 2026",
        "2026-Q1-Q2",
        True,
    ],
)
def test_it_refuses_what_is_not_a_period(cell):
    with pytest.raises(ValueError):
        parse_period(cell)


@pytest.mark.parametrize(
    ("date", "frequency", "nb", "en"),
    [
        (Q1, "quarterly", "1. kv. 2026", "Q1 2026"),
        (Q4, "quarterly", "4. kv. 2026", "Q4 2026"),
        (datetime.date(2026, 2, 28), "quarterly", "28.02.2026", "2026-02-28"),
        (datetime.date(2026, 3, 15), "quarterly", "15.03.2026", "2026-03-15"),
        (Q1, "monthly", "mars 2026", "March 2026"),
        (datetime.date(2026, 2, 28), "monthly", "februar 2026", "February 2026"),
        (datetime.date(2026, 5, 30), "monthly", "30.05.2026", "2026-05-30"),
        (Q4, "yearly", "2026", "2026"),
        (Q1, "yearly", "31.03.2026", "2026-03-31"),
        (Q1, "", "31.03.2026", "2026-03-31"),
    ],
)
def test_it_labels_a_period_in_both_languages(date, frequency, nb, en):
    assert period_label(date, frequency, "nb") == nb
    assert period_label(date, frequency, "nn") == nb
    assert period_label(date, frequency, "no") == nb
    assert period_label(date, frequency, "en") == en
    assert period_label(date, frequency, "sv") == en


# Importing


def test_it_imports_four_quarters_of_sick_leave_with_semicolons_and_decimal_commas(sick_leave):
    outcome = run(
        sick_leave,
        "\ufeffKvartal;Sykefravær %;Enhet\n1. kv. 2026;9,1;%\n2. kv. 2026;8,4;%\n"
        "3. kv. 2026;7,8;%\n4. kv. 2026;7,25;%\n",
    )
    assert outcome.problems == []
    assert (outcome.created, outcome.updated, outcome.written) == (4, 0, True)
    assert stored(sick_leave) == [(Q1, D("9.1")), (Q2, D("8.4")), (Q3, D("7.8")), (Q4, D("7.25"))]


def test_it_reads_windows_1252_and_commas(sick_leave):
    outcome = run(sick_leave, "Periode,Verdi\n2026-03-31,9.1\n".encode("cp1252"))
    assert outcome.created == 1 and stored(sick_leave) == [(Q1, D("9.1"))]


def test_it_imports_an_xlsx_workbook_with_date_cells_and_numbers(sick_leave):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Dato", "Sykefravær", "Merknad"])
    sheet.append([datetime.datetime(2026, 3, 31), 9.1, "etter omorganisering"])
    sheet.append([datetime.date(2026, 6, 30), 8, None])
    sheet.append(["3. kv. 2026", "7,8", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = run(sick_leave, buffer.getvalue(), "sykefravær.xlsx")
    assert outcome.problems == []
    assert stored(sick_leave) == [(Q1, D("9.1")), (Q2, D("8")), (Q3, D("7.8"))]


def test_it_computes_experienced_quality_from_o_and_f(project):
    quality = indicator(project, "experienced_quality", frequency="yearly")
    outcome = run(quality, "År;O;F;K\n2025;4,2;4,8;\n2026;5;4;1,25\n2027;;;0,95\n")
    assert outcome.problems == []
    assert outcome.created == 3
    first, second, third = quality.measurements.order_by("period_end")
    assert (first.value, first.experience, first.expectation) == (D("0.875"), D("4.2"), D("4.8"))
    assert first.period_end == datetime.date(2025, 12, 31)
    assert second.value == D("1.25")
    assert (third.value, third.experience, third.expectation) == (D("0.95"), None, None)


def test_it_rounds_k_to_four_decimals_and_accepts_a_stated_k_rounded_to_three(project):
    quality = indicator(project, "experienced_quality")
    outcome = run(quality, "Periode;O;F;K\n2026-Q1;4,1;4,7;0,872\n")
    assert outcome.problems == []
    assert quality.measurements.get().value == D("0.8723")


def test_it_refuses_k_that_does_not_match_o_over_f_and_an_expectation_of_zero(project):
    quality = indicator(project, "experienced_quality")
    outcome = run(quality, "Periode;O;F;K\n2026-Q1;4,2;4,8;0,9\n2026-Q2;4;0;\n2026-Q3;4;;\n")
    assert len(outcome.problems) == 3
    assert "Row 2, column “K”" in outcome.problems[0] and "0.8750" in outcome.problems[0]
    assert outcome.problems[1].startswith("Row 3, column “F”")
    assert outcome.problems[2].startswith("Row 4, column “F”")
    assert not quality.measurements.exists()


def test_it_writes_nothing_when_one_row_is_bad_and_names_the_row_and_column(sick_leave):
    outcome = run(sick_leave, "periode;verdi\n2026-Q1;9,1\n2026-Q2;8,4\n2026-Q3;abc\n2026-Q4;7\n")
    assert outcome.problems == ["Row 4, column “verdi”: “abc” is not a number."]
    assert (outcome.created, outcome.written) == (0, False)
    assert not Measurement.objects.exists()


def test_it_reports_every_problem_of_every_row(sick_leave):
    outcome = run(
        sick_leave,
        "Kvartal;Sykefravær\n2026-Q5;9,1\n;8\n2026-Q3;101\n2026-Q4;-1\n2027-Q1;\n2027-Q2;4,2\n",
    )
    assert outcome.problems == [
        "Row 2, column “Kvartal”: “2026-Q5” is not a period (write e.g. 31.03.2026, "
        "2026-03-31, 1. kv. 2026, 2026-Q1, 03.2026 or 2026).",
        "Row 3, column “Kvartal”: the period is missing.",
        "Row 4, column “Sykefravær”: “101”: A percentage lies between 0 and 100.",
        "Row 5, column “Sykefravær”: “-1”: A percentage lies between 0 and 100.",
        "Row 6, column “Sykefravær”: The value is missing.",
    ]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(("text", "ok"), [("3", True), ("0", True), ("2,5", False), ("-1", False)])
def test_it_counts_deviations_in_whole_numbers(project, text, ok):
    deviations = indicator(project, "deviations_reported")
    outcome = run(deviations, f"Måned;Antall\n2026-03;{text}\n")
    assert (outcome.problems == []) is ok
    if not ok:
        assert outcome.problems == [
            f"Row 2, column “Antall”: “{text}”: "
            "A number of deviations is a whole number, 0 or more."
        ]


def test_it_refuses_the_same_period_twice_naming_both_rows(sick_leave):
    outcome = run(sick_leave, "Periode;Verdi\n2026-Q1;9\n2026-Q2;8\n31.03.2026;7\n")
    assert outcome.problems == [
        "Rows 2 and 4, column “Periode”: both are the period ending 2026-03-31."
    ]
    assert not Measurement.objects.exists()
    with translation.override("nb"):
        [problem] = run(sick_leave, "Periode;Verdi\n2026-Q1;9\n31.03.2026;7\n").problems
    assert problem.endswith("31.03.2026.")


def test_it_updates_a_period_it_has_already_and_creates_the_new_ones(sick_leave):
    Measurement.objects.create(indicator=sick_leave, period_end=Q1, value=D("9.5"))
    Measurement.objects.create(indicator=sick_leave, period_end=Q2, value=D("8.4"))
    outcome = run(sick_leave, "Periode;Verdi\n2026-Q1;9,1\n2026-Q2;8,4\n2026-Q3;7,8\n")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert stored(sick_leave) == [(Q1, D("9.1")), (Q2, D("8.4")), (Q3, D("7.8"))]


def test_a_dry_run_counts_and_writes_nothing(sick_leave):
    Measurement.objects.create(indicator=sick_leave, period_end=Q1, value=D("9.5"))
    outcome = run(sick_leave, "Periode;Verdi\n2026-Q1;9,1\n2026-Q2;8,4\n", dry_run=True)
    assert (outcome.created, outcome.updated, outcome.written) == (1, 1, False)
    assert stored(sick_leave) == [(Q1, D("9.5"))]


def test_it_leaves_other_indicators_alone(project, sick_leave):
    other = indicator(project, "custom")
    Measurement.objects.create(indicator=other, period_end=Q1, value=D("1"))
    run(sick_leave, "Periode;Verdi\n2026-Q1;9,1\n")
    assert stored(other) == [(Q1, D("1"))] and stored(sick_leave) == [(Q1, D("9.1"))]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (
            "Verdi;Enhet\n9;%\n",
            "sick_leave",
            [
                "The file has no period (e.g. “periode”, “kvartal” or “dato”) column. "
                "Headers found: “Verdi”, “Enhet”."
            ],
        ),
        (
            "Periode;Kommentar\n2026-Q1;x\n",
            "custom",
            ["The file has no value (e.g. “verdi”) column. Headers found: “Periode”, “Kommentar”."],
        ),
        (
            "Periode;O\n2026-Q1;4\n",
            "experienced_quality",
            [
                "The file has no value column (“K”), nor both an experience (“O”) and an "
                "expectation (“F”) column; missing: “K”, “F”. Headers found: “Periode”, “O”."
            ],
        ),
    ],
)
def test_it_names_a_missing_column_and_the_headers_it_found(text, kind, expected):
    assert plan(text, kind).problems == expected


def test_it_refuses_a_file_without_rows_and_a_file_it_cannot_read(sick_leave):
    assert run(sick_leave, "Periode;Verdi\n").problems == [
        "The file has no measurements (no rows below the headers)."
    ]
    [problem] = run(sick_leave, b"PK\x03\x04 broken", "x.xlsx").problems
    assert "not a readable .xlsx file" in problem


def test_it_refuses_sick_leave_for_a_presence_indicator(project):
    presence = indicator(project, "presence")
    [problem] = run(presence, "Periode;Sykefravær\n2026-Q1;9\n").problems
    assert "“Sykefravær” holds sick leave" in problem
    assert run(presence, "Periode;Nærvær\n2026-Q1;91\n").created == 1


def test_result_headers_stay_the_default_of_the_reader():
    table = read_table("Kommunenummer;År;Periode\n5027;2023;x\n".encode(), "r.csv")
    assert table.columns == {"municipality_number": "Kommunenummer", "year": "År"}
    table = read_table(
        "Kommunenummer;År;Periode\n5027;2023;x\n".encode(), "r.csv", headers=MEASUREMENT_HEADERS
    )
    assert table.columns == {"period": "År"} and table.unknown_headers == ["Kommunenummer"]


# The command


def test_it_imports_from_the_command_line(sick_leave, tmp_path):
    path = tmp_path / "sykefravær.csv"
    path.write_text("Kvartal;Sykefravær\n2026-Q1;9,1\n2026-Q2;8,4\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import-measurements", str(sick_leave.pk), str(path), "--dry-run", stdout=out)
    assert "2 new, 0 changed measurements for Sykefravær" in out.getvalue()
    assert "dry run" in out.getvalue() and not Measurement.objects.exists()
    out = io.StringIO()
    with translation.override("nb"):  # as the command line speaks unless told otherwise
        call_command("import-measurements", str(sick_leave.pk), str(path), stdout=out)
    assert "2 nye, 0 endrede målinger for Sykefravær." in out.getvalue()
    assert stored(sick_leave) == [(Q1, D("9.1")), (Q2, D("8.4"))]


def test_the_command_shows_the_problems_and_fails(sick_leave, tmp_path):
    path = tmp_path / "sykefravær.csv"
    path.write_text("Kvartal;Sykefravær\n2026-Q1;abc\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem; nothing was imported") as raised:
        call_command("import-measurements", str(sick_leave.pk), str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "Row 2, column “Sykefravær”: “abc” is not a number." in err.getvalue()
    with pytest.raises(CommandError, match="no indicator"):
        call_command("import-measurements", "999999", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import-measurements", str(sick_leave.pk), str(tmp_path / "nothing.csv"))
