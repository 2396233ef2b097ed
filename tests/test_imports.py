"""Importing results: every dialect offices write, every kind of bad input, all or nothing."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

import kommunekompass
from kommunekompass.evaluations.models import Evaluation, ReportedPoints, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import parse_number
from kommunekompass.scoring.engine import find
from tests.factories import make_municipality

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"
KK = ("kommunekompass", "2020")


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in English; the site's default language is Norwegian.
    with translation.override("en"):
        yield


@pytest.fixture
def municipalities(db, kommunekompass_framework):
    return {
        "mg": make_municipality("Midtre Gauldal kommune", "5027", county="Trøndelag"),
        "fv": make_municipality("Fjordvik kommune", "9901"),
        "se": make_municipality("Exempelby kommun", "0999", country="SE"),
    }


def run(text: str | bytes, name="resultater.csv", **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_results(data, name, default_framework=KK, **options)


def messages(outcome):
    return [str(p) for p in outcome.plan.errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6,7", "6.7"),
        ("6.7", "6.7"),
        (" 19,8 ", "19.8"),
        ("1 234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("62", "62"),
        ("", None),
    ],
)
def test_numbers_are_read_as_offices_write_them(text, expected):
    assert parse_number(text) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize("text", ["seks", "6,7,1", "6..7", "--1"])
def test_a_number_that_does_not_parse_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_it_imports_the_seeds_midtre_gauldal_figures_and_flags_the_stated_area_2_sum(
    municipalities,
):
    outcome = run(EXAMPLE.read_bytes(), EXAMPLE.name)
    assert outcome.written and outcome.plan.ok
    [warning] = outcome.plan.warnings
    assert warning.row == 12 and "77" in warning.message and "73.1" in warning.message
    evaluation = Evaluation.objects.get(municipality=municipalities["mg"])
    assert (evaluation.year, evaluation.result_level, evaluation.status) == (
        2023,
        "subarea",
        "published",
    )
    result = evaluation_result(evaluation)
    assert float(find(result, "1").points) == pytest.approx(61.5)
    assert float(find(result, "2").points) == pytest.approx(73.1)  # the parts, not 77
    assert result.complete and ReportedPoints.objects.filter(evaluation=evaluation).count() == 35


DIALECT_ROWS = [("9901", "2022", "1", "61,5"), ("9901", "2022", "2", "70")]


def dialect_file(delimiter, decimal, header, encoding, bom=False):
    lines = [delimiter.join(header)]
    for number, year, code, points in DIALECT_ROWS:
        lines.append(delimiter.join([number, year, code, points.replace(",", decimal)]))
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize(
    ("delimiter", "decimal", "header", "encoding", "bom"),
    [
        (";", ",", ["kommunenummer", "år", "kode", "poeng"], "utf-8", False),
        (";", ",", ["Kommunenummer", "År", "Kode", "Poeng"], "utf-8", True),
        (",", ".", ["municipality number", "year", "code", "points"], "utf-8", False),
        (";", ",", ["kommunenummer", "år", "område", "poäng"], "cp1252", False),
        (";", ".", ["Kommunkod", "År", "Kod", "Poäng"], "cp1252", False),
        ("\t".replace("\t", ";"), ",", ["knr", "år", "kode", "poengsum"], "utf-8", True),
    ],
)
def test_it_reads_every_dialect(municipalities, delimiter, decimal, header, encoding, bom):
    outcome = run(dialect_file(delimiter, decimal, header, encoding, bom))
    assert outcome.plan.ok, messages(outcome)
    evaluation = Evaluation.objects.get(municipality=municipalities["fv"], year=2022)
    assert evaluation.result_level == "area"
    assert float(evaluation_result(evaluation).points) == pytest.approx(131.5)


def test_it_reads_an_xlsx_workbook_with_question_levels(municipalities):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Kommunenummer", "Land", "År", "Kode", "System", "Omfang", "Resultat", "Begrunnelse"]
    )
    sheet.append(["0999", "SE", 2021, "6.3.1", 3, 2, 1, "Bra avvikssystem"])
    sheet.append(["0999", "SE", 2021, "6.3.2", 1, 1, 1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = run(buffer.getvalue(), "resultat.xlsx")
    assert outcome.plan.ok, messages(outcome)
    evaluation = Evaluation.objects.get(municipality=municipalities["se"])
    assert evaluation.result_level == "question"
    score = Score.objects.get(evaluation=evaluation, question__code="6.3.1")
    assert score.levels == {"system": 3, "scope": 2, "result": 1}
    assert score.reason == "Bra avvikssystem"
    assert len(evaluation_result(evaluation).missing) == 73


BAD = [
    (
        "kommunenummer;år;kode;poeng\n1234;2022;1;50\n",
        "row 2, column “kommunenummer”",
        "No municipality NO 1234",
    ),
    ("kommunenummer;år;kode;poeng\n9901;2022;9;50\n", "row 2, column “kode”", "“9” is not a code"),
    ("kommunenummer;år;kode;poeng\n9901;2022;1;101\n", "row 2, column “poeng”", "outside 0–100"),
    ("kommunenummer;år;kode;poeng\n9901;2022;1.1;-1\n", "row 2, column “poeng”", "outside 0–20"),
    (
        "kommunenummer;år;kode;poeng\n9901;2022;1;seks\n",
        "row 2, column “poeng”",
        "“seks” is not a number",
    ),
    (
        "kommunenummer;år;kode;poeng\n9901;2022;1;50\n9901;2022;1;51\n",
        "row 3, column “kode”",
        "given twice (rows 2 and 3)",
    ),
    ("kommunenummer;år;kode;poeng\n9901;to tusen;1;50\n", "row 2, column “år”", "is not a year"),
    (
        "kommunenummer;år;kode;system;omfang;resultat\n9901;2022;1.1.1;4;1;1\n",
        "row 2, column “system”",
        "4 is not a level",
    ),
    ("kommunenummer;år;kode\n9901;2022;1\n", "row 1", "no column for points"),
    ("kommunenummer;år;kode;poeng\n9901;2022;total;801\n", "row 2", "outside 0–800"),
]


@pytest.mark.parametrize(("text", "where", "message"), BAD)
def test_bad_input_names_file_row_and_column_and_writes_nothing(
    municipalities, text, where, message
):
    good = "9901;2021;1;50\n"  # a good row in the same file is not written either
    lines = text.splitlines()
    text = "\n".join([lines[0], good.strip(), *lines[1:]]) + "\n"
    where = where.replace("row 2", "row 3").replace("rows 2 and 3", "rows 3 and 4")
    outcome = run(text, "feil.csv")
    assert not outcome.written
    errors = messages(outcome)
    assert errors, "expected an error"
    if "twice" in message:
        assert any("row 4" in e and "given twice (rows 3 and 4)" in e for e in errors), errors
    else:
        assert any(e.startswith(f"feil.csv, {where}") and message in e for e in errors), errors
    assert not Evaluation.objects.exists()


def test_an_existing_evaluation_is_reported_once(municipalities):
    text = "kommunenummer;år;kode;poeng\n9901;2022;1;50\n9901;2022;2;50\n"
    assert run(text).written
    again = run(text)
    assert [e.row for e in again.plan.errors] == [2]
    assert "already has" in again.plan.errors[0].message
    assert Evaluation.objects.count() == 1


def test_a_dry_run_shows_the_plan_and_writes_nothing(municipalities):
    outcome = run(EXAMPLE.read_bytes(), EXAMPLE.name, dry_run=True)
    assert outcome.plan.ok and not outcome.written
    [planned] = outcome.plan.evaluations
    assert (planned.municipality_name, planned.year, planned.level) == (
        "Midtre Gauldal kommune",
        2023,
        "subarea",
    )
    assert not Evaluation.objects.exists()


def test_many_municipalities_and_years_in_one_file(municipalities):
    text = "kommunenummer;land;år;kode;poeng\n" + "".join(
        f"{number};{country};{year};{area};{10 * area}\n"
        for number, country in (("9901", "NO"), ("5027", "NO"), ("0999", "SE"))
        for year in (2015, 2019)
        for area in range(1, 9)
    )
    outcome = run(text)
    assert outcome.written and len(outcome.plan.evaluations) == 6
    assert Evaluation.objects.filter(result_level="area").count() == 6


def test_the_command_line_imports_and_refuses(municipalities, tmp_path):
    out = io.StringIO()
    call_command("import-results", str(EXAMPLE), "--dry-run", stdout=out)
    assert "would be imported (dry run" in out.getvalue()
    assert "row 12" in out.getvalue()
    assert not Evaluation.objects.exists()
    call_command("import-results", str(EXAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    assert Evaluation.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("kommunenummer;år;kode;poeng\n9901;2022;1;500\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-results", str(bad), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_line_refuses_a_header_only_file_and_shows_a_contradicting_name(
    municipalities, tmp_path
):
    header_only = tmp_path / "tom.csv"
    header_only.write_text("kommunenummer;år;kode;poeng\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error") as raised:
        call_command("import-results", str(header_only), stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert "has a header but no rows" in err.getvalue()
    named = tmp_path / "navn.csv"
    named.write_text(
        "kommunenummer;kommune;år;kode;poeng\n"
        + "".join(f"9901;Oslo;2022;{area};10\n" for area in range(1, 9))
    )
    out = io.StringIO()
    call_command("import-results", str(named), "--dry-run", stdout=out)
    assert "the name “Oslo” is not that of municipality 9901, Fjordvik kommune" in out.getvalue()


def test_the_command_line_refuses_an_unreadable_file_with_a_message(municipalities, tmp_path):
    bad = tmp_path / "feil.csv"
    bad.write_bytes(b"kommunenummer;\xe5r;kode;poeng\n9901;2022;1;\x81\n")
    with pytest.raises(CommandError, match="0x81") as raised:
        call_command("import-results", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert raised.value.returncode == 1


def test_the_command_line_attributes_the_import_and_checks_the_permission(municipalities, tmp_path):
    from django.contrib.auth.models import Permission

    from kommunekompass.imports.models import ImportBatch
    from tests.factories import make_user

    eva = make_user("eva", evaluator=True)
    with pytest.raises(CommandError, match="may not import results"):
        call_command("import-results", str(EXAMPLE), "--user", "eva", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no user"):
        call_command("import-results", str(EXAMPLE), "--user", "nobody", stdout=io.StringIO())
    assert not Evaluation.objects.exists()
    eva.user_permissions.add(Permission.objects.get(codename="import_results"))
    out = io.StringIO()
    call_command("import-results", str(EXAMPLE), "--user", "eva", stdout=out, stderr=io.StringIO())
    assert "1 evaluation(s) imported by eva" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert (batch.imported_by, batch.file_name) == (eva, EXAMPLE.name)
    assert batch.evaluations.get().municipality == municipalities["mg"]


def test_a_system_import_from_the_command_line_has_no_importer(municipalities):
    from kommunekompass.imports.models import ImportBatch

    out = io.StringIO()
    call_command("import-results", str(EXAMPLE), stdout=out, stderr=io.StringIO())
    assert "(system import)" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert batch.imported_by is None and len(batch.sha256) == 64


def test_the_command_line_cleans_waiting_uploads(db, settings, tmp_path):
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from kommunekompass.imports import pending

    settings.MEDIA_ROOT = tmp_path
    old = default_storage.save(f"{pending.FOLDER}/old-0123456789abcdef.upload", ContentFile(b"x"))
    os.utime(default_storage.path(old), (time.time() - 2 * 24 * 60 * 60,) * 2)
    out = io.StringIO()
    call_command("import-results", "--clean-pending", stdout=out)
    assert "1 waiting upload(s) removed" in out.getvalue() and not default_storage.exists(old)


def test_a_sum_that_disagrees_with_its_parts_is_named_in_the_readers_numbers(db):
    """Midtre Gauldal's file says area 2 is 77 where its parts add up to 73.1: the warning
    writes the figures as the language does (73,1 in bokmål, 73.1 in English)."""
    from django.utils import translation

    from kommunekompass.imports.applying import import_results
    from tests.factories import make_municipality

    make_municipality("Midtre Gauldal kommune", "5027")
    for language, figure in (("nb", "73,1"), ("en", "73.1")):
        with translation.override(language):
            outcome = import_results(
                EXAMPLE.read_bytes(), EXAMPLE.name, default_framework=KK, dry_run=True
            )
            plan = outcome.plan
            assert plan.errors == [], plan.errors
            warnings = [str(warning) for warning in plan.warnings]
        assert any("is 77, but its parts" in w or "er 77, men" in w for w in warnings), warnings
        assert any(figure in w for w in warnings), warnings
