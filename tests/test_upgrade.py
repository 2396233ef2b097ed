"""Upgrades that do not break: a database of a released version, holding that release's demo
data, migrated to the current code keeps every figure and its main pages answer.

Each folder of tests/upgrade/ with a `migrations.json` is a release (made by
tests/upgrade/make_release_fixture.py). tests/upgrade/check_upgrade.py does the upgrade in a
process of its own, on a new empty database: a temporary SQLite file, or, when the suite runs
on PostgreSQL (DATABASE_URL), a new database on the same server, dropped afterwards.
"""

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import pytest

UPGRADE = Path(__file__).resolve().parent / "upgrade"
RELEASES = sorted(path.parent for path in UPGRADE.glob("*/migrations.json"))

# Figures a later migration changes on purpose, by their place in expected.json (as the diff
# names it), with the reason: e.g. {"rows / people.reminder": "0004 removes stale reminders"}.
# Empty: an upgrade changes nothing a release stored or computed.
CHANGED_ON_PURPOSE: dict[str, str] = {}


@contextmanager
def empty_database(data_dir: Path):
    """The environment for a process that gets a new, empty database of the suite's kind."""
    env = os.environ | {
        "KOMMUNEKOMPASS_DATA_DIR": str(data_dir),
        "KOMMUNEKOMPASS_ALLOWED_HOSTS": "testserver",
        "KOMMUNEKOMPASS_SECURE": "0",
        "KOMMUNEKOMPASS_JOBS": "immediate",
        "KOMMUNEKOMPASS_DB_CONN_MAX_AGE": "0",
    }
    url = os.environ.get("DATABASE_URL")
    if not url:
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    name = f"kommunekompass_upgrade_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": urlsplit(url)._replace(path=f"/{name}").geturl()}
    finally:
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=RELEASES, ids=[release.name for release in RELEASES])
def upgraded(request, tmp_path_factory):
    """(the release's folder, what check_upgrade.py read after the upgrade)."""
    release = request.param
    data_dir = tmp_path_factory.mktemp(f"upgrade-{release.name}")
    output = data_dir / "after-upgrade.json"
    with empty_database(data_dir) as env:
        finished = subprocess.run(
            [sys.executable, str(UPGRADE / "check_upgrade.py"), str(release), str(output)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    if finished.returncode != 0:
        pytest.fail(
            f"Upgrading a database of release {release.name} failed "
            f"(exit status {finished.returncode}):\n{finished.stderr[-6000:]}",
            pytrace=False,
        )
    return release, json.loads(output.read_text())


def flatten(value, path: str = "") -> dict:
    """{"evaluations / NO-9901 kommunekompass-2020 2026 / total": "…", …}"""
    if isinstance(value, dict):
        flat = {}
        for key, inner in value.items():
            flat |= flatten(inner, f"{path} / {key}" if path else str(key))
        return flat
    return {path: value}


def as_decimals(*values) -> str:
    """ " (509.17 -> 503.61)" for points written as exact fractions, else ""."""
    try:
        numbers = [Fraction(value) for value in values if isinstance(value, str)]
    except ValueError:
        return ""
    if len(numbers) != len(values):
        return ""
    return f" ({' -> '.join(f'{float(number):.2f}' for number in numbers)})"


def differences(expected: dict, got: dict) -> list[str]:
    expected, got = flatten(expected), flatten(got)
    lines = []
    for path, value in expected.items():
        if path in CHANGED_ON_PURPOSE:
            continue
        if path not in got:
            lines.append(f"{path}: gone (was {value!r})")
        elif got[path] != value:
            lines.append(f"{path}: {value!r} -> {got[path]!r}{as_decimals(value, got[path])}")
    # Figures the release did not have (the rows of a model added since) are not compared.
    return lines


def test_the_release_migrations_are_all_in_the_code():
    """A released migration renamed or deleted (also by squashing without keeping the
    originals) leaves that release's databases without a way up."""
    from django.db.migrations.loader import MigrationLoader

    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for release in RELEASES:
        applied = json.loads((release / "migrations.json").read_text())["applied"]
        missing = [f"{app}.{name}" for app, name in applied if (app, name) not in on_disk]
        assert not missing, (
            f"Release {release.name} applied migrations the code no longer has: {missing}. "
            "Never rename or delete a released migration; keep a squashed migration's "
            "originals until no supported release needs them."
        )


def test_every_figure_of_the_release_is_kept(upgraded):
    release, after = upgraded
    expected = json.loads((release / "expected.json").read_text())
    expected.pop("release")
    changed = differences(expected, after["figures"])
    shown = "\n  ".join(changed[:60])
    more = f"\n  … and {len(changed) - 60} more" if len(changed) > 60 else ""
    assert not changed, (
        f"Upgrading release {release.name} changed {len(changed)} figures "
        f"(expected -> after the upgrade):\n  {shown}{more}\n"
        "A migration changed data it should keep. If that is on purpose, name the figure in "
        "CHANGED_ON_PURPOSE in tests/test_upgrade.py with the reason."
    )


def test_the_main_pages_answer_after_the_upgrade(upgraded):
    release, after = upgraded
    wrong = {
        name: f"{got} (expected {expected})"
        for name, (expected, got) in after["pages"].items()
        if got != expected
    }
    assert not wrong, f"After upgrading release {release.name}: {wrong}"
