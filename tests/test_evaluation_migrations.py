"""The history migration: every entry gets the municipality of its evaluation, and rows the new
choice checks would refuse stop the migration with a message naming them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import shipped

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")

BEFORE = [("evaluations", "0006_published_versions_and_guards")]
AFTER = [("evaluations", "0010_history_municipality_required_and_choice_checks")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_history_entries_get_their_municipality_and_bad_choices_are_named():
    framework_id = shipped("kommunekompass").pk
    old = migrate(BEFORE)
    Municipality = old.get_model("evaluations", "Municipality")
    Evaluation = old.get_model("evaluations", "Evaluation")
    AuditEntry = old.get_model("evaluations", "AuditEntry")
    Interview = old.get_model("evaluations", "Interview")
    fjordvik = Municipality.objects.create(name="Fjordvik kommune", number="9901", country="NO")
    evaluation = Evaluation.objects.create(
        municipality=fjordvik, framework_id=framework_id, year=2026
    )
    entry = AuditEntry.objects.create(evaluation=evaluation, action="created")
    bad = Interview.objects.create(evaluation=evaluation, role="journalists")
    try:
        with pytest.raises(RuntimeError, match=r"Interview \d+ has the unknown role 'journalists'"):
            migrate(AFTER)
        Interview.objects.filter(pk=bad.pk).delete()
    finally:
        new = migrate(AFTER)
    assert new.get_model("evaluations", "AuditEntry").objects.get(pk=entry.pk).municipality_id == (
        fjordvik.pk
    )
