"""Make the upgrade test's fixture for a release: its schema, its demo data and its figures.

Run it from a checkout of the current code, pointing at a checkout of the release (its code
is what runs, not this checkout's; the script refuses otherwise):

    git worktree add /tmp/release <the release's tag or commit>
    .venv/bin/python tests/upgrade/make_release_fixture.py /tmp/release
    git worktree remove /tmp/release

Best with a virtualenv installed from the release's own `requirements.lock`. It loads the
release's demo (`kommunekompass demo`, about two minutes) into a new SQLite database in a
temporary data directory and writes `tests/upgrade/<version>-<commit>/`:

- `migrations.json`: the migrations the release applied, and the last one of each app;
- `data.json.xz`: the demo's rows (the project's apps, users and groups; not sessions, the
  cache, contenttypes, permissions, the job queue or login attempts), as `dumpdata` writes them;
- `expected.json`: the figures of `figures.collect()` computed by the release's code.

`tests/test_upgrade.py` builds a database at that release's schema from them, migrates it to
the current code and checks the figures and the main pages.
"""

import argparse
import io
import json
import lzma
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", type=Path, help="a checkout of the release")
    parser.add_argument("--name", help="the fixture's folder name (default: VERSION-COMMIT)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="a data directory to use and keep (default: a temporary one); the demo is "
        "idempotent, so a second run on it is quick",
    )
    return parser.parse_args()


def release_identity(release: Path) -> tuple[str, str]:
    import tomllib

    commit = subprocess.run(
        ["git", "-C", str(release), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    version = tomllib.loads((release / "pyproject.toml").read_text())["project"]["version"]
    return version, commit


def set_up_django(release: Path, data_dir: Path) -> None:
    """Django with the release's code on a SQLite database in `data_dir`."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["KOMMUNEKOMPASS_DATA_DIR"] = str(data_dir)
    os.environ["KOMMUNEKOMPASS_SECURE"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunekompass.settings"
    sys.path.insert(0, str(release / "src"))
    import django

    import kommunekompass

    loaded_from = Path(kommunekompass.__file__).resolve()
    if not loaded_from.is_relative_to((release / "src").resolve()):
        sys.exit(f"The code runs from {loaded_from}, not from the release at {release}.")
    django.setup()


def applied_migrations() -> dict:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    pending = [node for node in loader.graph.leaf_nodes() if node not in loader.applied_migrations]
    if pending:
        sys.exit(f"The release's database is not fully migrated: {pending}")
    return {
        "targets": sorted(loader.graph.leaf_nodes()),
        "applied": sorted(node for node in loader.applied_migrations if node in loader.graph.nodes),
    }


def dumped_rows() -> list[dict]:
    """The rows of the project's apps, users and groups. Group permissions and contenttypes
    are made again by `migrate` (their ids differ between databases), so they are left out."""
    from django.core.management import call_command
    from figures import project_models

    labels = [model._meta.label for model in project_models()]
    out = io.StringIO()
    call_command("dumpdata", *labels, format="json", stdout=out)
    rows = json.loads(out.getvalue())
    for row in rows:
        if row["model"] == "auth.group":
            row["fields"].pop("permissions")
        if row["model"] == "auth.user":
            if row["fields"].pop("user_permissions"):
                sys.exit(f"User {row['fields']['username']} has permissions of their own.")
    return rows


def write_fixture(target: Path, release: dict, migrations: dict, rows: list, figures: dict):
    target.mkdir(parents=True, exist_ok=True)
    # One migration per line.
    lists = ",\n".join(
        f'"{key}": [\n' + ",\n".join(f"  {json.dumps(list(node))}" for node in nodes) + "\n]"
        for key, nodes in migrations.items()
    )
    (target / "migrations.json").write_text(f'{{"release": {json.dumps(release)},\n{lists}\n}}\n')
    # One row per line: readable after `xz -d`, and xz packs repeated rows well.
    text = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"
    with lzma.open(target / "data.json.xz", "wt", encoding="utf-8", preset=9) as handle:
        handle.write(text)
    (target / "expected.json").write_text(
        json.dumps({"release": release, **figures}, indent=1, sort_keys=True, ensure_ascii=False)
        + "\n"
    )


def main() -> None:
    arguments = parse_arguments()
    release_path = arguments.release.resolve()
    version, commit = release_identity(release_path)
    name = arguments.name or f"{version}-{commit}"
    with tempfile.TemporaryDirectory(prefix="kommunekompass-release-") as temporary:
        data_dir = arguments.data_dir or Path(temporary)
        data_dir.mkdir(parents=True, exist_ok=True)
        set_up_django(release_path, data_dir)
        from django.core.management import call_command
        from figures import collect

        # Idempotent: on a data directory holding the release's demo already, quick.
        call_command("demo")
        import django

        release = {"version": version, "commit": commit, "django": django.get_version()}
        write_fixture(HERE / name, release, applied_migrations(), dumped_rows(), collect())
    print(f"Wrote {HERE / name}")


if __name__ == "__main__":
    main()
