"""The `kommunekompass` command, run as users run it: as a separate process."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kommunekompass.frameworks.loader import shipped_framework_files
from tests.frameworks_for_tests import MINIMAL, line_of
from tests.once import runs_once

pytestmark = runs_once


@pytest.fixture
def run(tmp_path):
    env = {**os.environ, "KOMMUNEKOMPASS_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)  # each CLI test gets its own fresh SQLite database
    command = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")

    def run(*args, **variables):
        return subprocess.run(
            [command, *args], capture_output=True, text=True, env={**env, **variables}, timeout=120
        )

    return run


def test_it_validates_the_shipped_frameworks_and_prints_a_summary(run):
    result = run("framework", "validate", *map(str, shipped_framework_files()))
    assert result.returncode == 0, result.stderr
    # in bokmål unless told otherwise
    assert ": gyldig - kommunekompass 2020: " in result.stdout
    assert "8 områder, 35 delområder, 75 spørsmål, høyst 800 poeng" in result.stdout
    assert "9 områder, 28 delområder, 28 spørsmål, høyst 2800 poeng" in result.stdout
    swedish = run("framework", "validate", str(shipped_framework_files()[0]), "--language", "sv")
    assert ": giltig - caf 2020: " in swedish.stdout and "högst 2800 poäng" in swedish.stdout


def test_it_prints_every_problem_with_code_and_line(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = MINIMAL.replace('code: "1.1.2"', 'code: "1.1.1"').replace(
        "max_points: 30", "max_points: 40"
    )
    bad.write_text(text)
    result = run("framework", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}: 2 problemer" in result.stderr and "1 av 1 fil er ugyldig" in result.stderr
    assert f"{bad}:{line_of(text, 'max_points: 40')}: max-mismatch:" in result.stderr
    duplicate_line = line_of(text, 'code: "1.1.1"', occurrence=2)
    assert f"{bad}:{duplicate_line}: duplicate-code:" in result.stderr


def test_it_reports_malformed_yaml(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("framework: [unclosed\n")
    result = run("framework", "validate", str(bad))
    assert result.returncode == 1
    assert "yaml-syntax" in result.stderr


def test_demo_is_idempotent_and_lists_loaded_frameworks(run):
    first = run("demo")  # in bokmål, as the command line speaks unless told otherwise
    assert first.returncode == 0, first.stderr
    assert "Rammeverk kommunekompass 2020: lastet inn" in first.stdout
    assert "Bruker evaluator / kompass-evaluator (evaluator): opprettet" in first.stdout
    assert "Evaluering Fjordvik kommune 2026: opprettet" in first.stdout
    assert "Publiserte Fjordvik kommune 2026: v1" in first.stdout
    assert "publiserte Fjordvik kommune 2026 på nytt: v2" in first.stdout
    assert "Publiserte evalueringer frosset som versjon 1: 194" in first.stdout
    assert "Fryser: 100%" in first.stderr
    second = run("demo", "--language", "en")
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout and "already there" in second.stdout
    assert "Published" not in second.stdout and "Freezing" not in second.stderr

    listing = run("framework", "list")
    assert listing.returncode == 0, listing.stderr
    loaded = listing.stdout.split("Lastet inn i databasen:")[1]
    assert "kommunekompass   2020" in loaded and "caf" in loaded

    evaluations = run("evaluations", "--language", "en")
    assert evaluations.returncode == 0
    lines = evaluations.stdout.splitlines()
    assert lines[0].split() == ["id", "Municipality", "Year", "Framework", "Status"]
    assert any("Fjordvik kommune" in line and "Published" in line for line in lines)
    assert any("Nordhei kommune" in line and "Draft" in line for line in lines)


def test_framework_load_refuses_an_invalid_file_and_loads_a_valid_one(run, tmp_path):
    run("migrate")
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("max_points: 30", "max_points: 40"))
    refused = run("framework", "load", str(bad))
    assert refused.returncode == 1
    assert "ingenting ble lastet inn" in refused.stderr
    good = tmp_path / "tiny.yaml"
    good.write_text(MINIMAL)
    loaded = run("framework", "load", str(good))
    assert loaded.returncode == 0, loaded.stderr
    assert "tiny 1: lastet inn" in loaded.stdout
    listing = run("framework", "list", "--language", "en").stdout
    assert "tiny" in listing.split("Loaded in the database:")[1]
    assert "tiny" not in listing.split("Loaded in the database:")[0]
    assert run("framework", "load").returncode == 2  # neither a file nor --shipped
    shipped = run("framework", "load", "--shipped", "--language", "sv")
    assert shipped.returncode == 0, shipped.stderr
    assert "kommunekompass 2020: inläst" in shipped.stdout
    assert "caf 2020: inläst" in shipped.stdout


def test_evaluations_says_so_when_there_are_none(run):
    run("migrate")
    result = run("--language=en", "evaluations")
    assert result.returncode == 0 and "No evaluations yet." in result.stdout


def test_framework_list_works_before_the_database_exists(run):
    result = run("framework", "list")
    assert result.returncode == 0, result.stderr
    assert "kommunekompass" in result.stdout


def test_the_command_line_speaks_the_language_asked_for(run):
    """`--language` anywhere on the line, else KOMMUNEKOMPASS_LANGUAGE, else bokmål."""
    swedish = run("framework", "list", "--language", "sv")
    assert swedish.returncode == 0, swedish.stderr
    assert "Kommunkompassen" in swedish.stdout
    bokmal = run("framework", "list")
    assert "Kommunekompasset" in bokmal.stdout and "Kommunkompassen" not in bokmal.stdout
    english = run("framework", "list", KOMMUNEKOMPASS_LANGUAGE="en")
    assert "The Municipal Compass" in english.stdout
    unknown = run("framework", "list", "--language", "de")
    assert unknown.returncode != 0 and "Unknown language 'de'" in unknown.stderr
