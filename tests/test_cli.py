"""The `kommunekompass` command, run as users run it: as a separate process."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kommunekompass.frameworks.loader import shipped_framework_files
from tests.frameworks_for_tests import MINIMAL, line_of


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
    assert "8 areas, 35 sub-areas, 75 questions, maximum 800 points" in result.stdout
    assert "9 areas, 28 sub-areas, 28 questions, maximum 2800 points" in result.stdout


def test_it_prints_every_problem_with_code_and_line(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = MINIMAL.replace('code: "1.1.2"', 'code: "1.1.1"').replace(
        "max_points: 30", "max_points: 40"
    )
    bad.write_text(text)
    result = run("framework", "validate", str(bad))
    assert result.returncode == 1
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
    first = run("demo")
    assert first.returncode == 0, first.stderr
    assert "Framework kommunekompass 2020: loaded" in first.stdout
    assert "User evaluator / kompass-evaluator (evaluator): created" in first.stdout
    assert "Evaluation Fjordvik kommune 2026: created" in first.stdout
    assert "Published Fjordvik kommune 2026: v1" in first.stdout
    assert "published Fjordvik kommune 2026 again: v2" in first.stdout
    assert "Published evaluations frozen as version 1: 194" in first.stdout
    assert "Freezing: 100%" in first.stderr
    second = run("demo")
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout and "already there" in second.stdout
    assert "Published" not in second.stdout and "Freezing" not in second.stderr

    listing = run("framework", "list")
    assert listing.returncode == 0, listing.stderr
    loaded = listing.stdout.split("Loaded in the database:")[1]
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
    assert "nothing was loaded" in refused.stderr
    good = tmp_path / "tiny.yaml"
    good.write_text(MINIMAL)
    loaded = run("framework", "load", str(good))
    assert loaded.returncode == 0, loaded.stderr
    assert "tiny 1: loaded" in loaded.stdout
    listing = run("framework", "list").stdout
    assert "tiny" in listing.split("Loaded in the database:")[1]
    assert "tiny" not in listing.split("Loaded in the database:")[0]
    assert run("framework", "load").returncode == 2  # neither a file nor --shipped
    shipped = run("framework", "load", "--shipped")
    assert shipped.returncode == 0, shipped.stderr
    assert "kommunekompass 2020: loaded" in shipped.stdout
    assert "caf 2020: loaded" in shipped.stdout


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
