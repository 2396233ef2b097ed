"""Upgrade a release's database to the current code, then read its figures and pages.

    python tests/upgrade/check_upgrade.py FIXTURE_DIR OUTPUT.json

Run by tests/test_upgrade.py in a process of its own, on an empty database given the usual
way (DATABASE_URL, or KOMMUNEKOMPASS_DATA_DIR for SQLite):

1. migrate to exactly the release's schema (the last migration of each app it applied);
2. load the release's rows through the models *of that schema* (the historical models of the
   migration state; today's models may have other fields by now);
3. `migrate` to the current code, as `kommunekompass migrate` does in production;
4. write to OUTPUT.json the figures (`figures.collect()`, by the current code) and the status
   of the main pages, for the test to compare with the release's `expected.json`.

Exits with status 3 and advice if the current code no longer has a migration the release
applied: a database of that release could not be migrated.
"""

import json
import lzma
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

CANNOT_UPGRADE = 3


def set_up_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunekompass.settings")
    import django

    django.setup()


def release_targets(fixture: Path) -> tuple[list, list]:
    migrations = json.loads((fixture / "migrations.json").read_text())
    return [tuple(node) for node in migrations["targets"]], [
        tuple(node) for node in migrations["applied"]
    ]


def unknown_migrations(loader, applied: list) -> list:
    return [node for node in applied if node not in loader.disk_migrations]


def historical_deserializer(state_apps):
    """Django's deserializer, finding each model in the given migration state."""
    from django.core.serializers import base
    from django.core.serializers.python import Deserializer

    class HistoricalDeserializer(Deserializer):
        def _get_model_from_node(self, model_identifier):
            try:
                return state_apps.get_model(model_identifier)
            except (LookupError, TypeError) as error:
                raise base.DeserializationError(
                    f"{model_identifier} is not a model of the release's schema"
                ) from error

    return HistoricalDeserializer


def _keep_times(model) -> None:
    """Let the model save the times it is given (the release's), not now. Changes only the
    migration state's copy of the model, which is thrown away."""
    for field in model._meta.local_concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            field.auto_now = field.auto_now_add = False


def load_rows(fixture: Path, state_apps) -> int:
    """The release's rows, inserted as they are (no save() or signals of today's models), in
    one transaction, the foreign keys checked at its end; then the id sequences are reset."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with lzma.open(fixture / "data.json.xz", "rt", encoding="utf-8") as handle:
        rows = json.load(handle)
    Deserializer = historical_deserializer(state_apps)
    by_model, relations = defaultdict(list), []
    for deserialized in Deserializer(rows):
        by_model[type(deserialized.object)].append(deserialized.object)
        relations += [
            (deserialized.object, name, values)
            for name, values in deserialized.m2m_data.items()
            if values
        ]
    with transaction.atomic():
        # Rows the release's migrations made on the empty database (none today) are in the
        # release's rows too, as the release kept them.
        for model in by_model:
            model._base_manager.all().delete()
        with connection.constraint_checks_disabled():
            for model, objects in by_model.items():
                _keep_times(model)
                model._base_manager.bulk_create(objects, batch_size=500)
            for instance, name, values in relations:
                getattr(instance, name).set(values)
        connection.check_constraints(table_names=[model._meta.db_table for model in by_model])
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_model))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return len(rows)


def page_statuses() -> dict:
    """The main pages as the people of the demo see them: {name: [expected, got]}."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from kommunekompass.evaluations.models import Evaluation, Municipality

    users = {user.username: user for user in get_user_model().objects.all()}
    fjordvik = Municipality.objects.get(country="NO", number="9901")
    published = (
        Evaluation.objects.filter(municipality=fjordvik, published_version__gte=2)
        .order_by("-year")
        .first()
    )
    draft = Evaluation.objects.filter(municipality__number="9902", status="draft").first()
    pages = [
        # name, user (None: anonymous), address, expected status
        ("front page", None, reverse("home"), 200),
        ("health, every migration applied", None, "/health/ready/", 200),
        ("published report", None, reverse("reports:report", args=[published.pk]), 200),
        ("first version", None, reverse("reports:version", args=[published.pk, 1]), 200),
        # The stored files are not in the fixture: an anonymous visitor is asked to wait...
        ("PDF, not stored", None, reverse("reports:pdf", args=[published.pk]), 503),
        # ... and a reader gets them rendered now, from the migrated snapshot: the Word
        # document (the same snapshot as the PDF, without starting Chromium).
        ("Word document rendered", "reader", reverse("reports:docx", args=[published.pk]), 200),
        ("comparison", None, reverse("comparisons:comparison"), 200),
        ("history", None, reverse("comparisons:history", args=[fjordvik.pk]), 200),
        ("API results", None, "/api/results", 200),
        ("home", "evaluator", reverse("home"), 200),
        ("overview", "evaluator", reverse("evaluations:detail", args=[published.pk]), 200),
        ("draft overview", "evaluator", reverse("evaluations:detail", args=[draft.pk]), 200),
        ("draft report", "evaluator", reverse("reports:report", args=[draft.pk]), 200),
        ("reader's report", "reader", reverse("reports:report", args=[published.pk]), 200),
        (
            "programme",
            "coordinator",
            reverse("improvement:dashboard", args=[fjordvik.pk]),
            200,
        ),
    ]
    statuses = {}
    for name, username, address, expected in pages:
        client = Client()
        if username:
            client.force_login(users[username])
        statuses[name] = [expected, client.get(address).status_code]
    return statuses


@contextmanager
def timed(timings: dict, name: str):
    """Seconds taken and seconds of CPU used (for a look when the test is slow)."""
    started = time.monotonic()
    cpu = time.process_time()
    yield
    timings[name] = round(time.monotonic() - started, 2), round(time.process_time() - cpu, 2)


def refuse(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(CANNOT_UPGRADE)


def main() -> None:
    fixture, output = Path(sys.argv[1]), Path(sys.argv[2])
    set_up_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from figures import collect

    targets, applied = release_targets(fixture)
    executor = MigrationExecutor(connection)
    unknown = unknown_migrations(executor.loader, applied)
    if unknown:
        refuse(
            "The current code no longer has these migrations of the release "
            f"{fixture.name}: {', '.join(f'{app}.{name}' for app, name in unknown)}.\n"
            "A database of that release cannot be migrated. Never rename or delete a "
            "released migration; keep a squashed migration's originals (and its `replaces`) "
            "until no supported release needs them."
        )
    replaced = [node for node in targets if node not in executor.loader.graph.nodes]
    if replaced:
        refuse(
            f"The release's last migrations {replaced} are replaced by a squashed migration, "
            "so this test cannot stop at the release's schema (a database of the release "
            "still migrates). Make the fixture of a release that has the squashed migration "
            "(tests/upgrade/make_release_fixture.py)."
        )
    timings = {}
    with timed(timings, "migrate to the release"):
        executor.migrate(targets, plan=executor.migration_plan(targets))
    state_apps = executor.loader.project_state(targets, at_end=True).apps
    with timed(timings, "load the release's rows"):
        load_rows(fixture, state_apps)
    with timed(timings, "migrate to the current code"):
        call_command("migrate", interactive=False, verbosity=0)
    with timed(timings, "figures"):
        figures = collect()
    with timed(timings, "pages"):
        pages = page_statuses()
    output.write_text(json.dumps({"figures": figures, "pages": pages, "timings": timings}))


if __name__ == "__main__":
    main()
