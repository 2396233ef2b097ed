"""The group a report compares with: a built-in key or a real reference to a custom group,
changed through one service that records the history."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from kommunekompass.comparisons.groups import UnknownGroup, report_group
from kommunekompass.comparisons.models import ComparisonGroup, ReportGroup
from kommunekompass.comparisons.services import set_report_group
from kommunekompass.evaluations.models import AuditEntry, Evaluation


@pytest.fixture
def custom(world):
    group = ComparisonGroup.objects.create(name="Vennskapskommuner")
    group.municipalities.add(world.fjordvik, world.nordhei)
    return group


def history(evaluation):
    return list(
        AuditEntry.objects.filter(evaluation=evaluation, action="comparison_group")
        .order_by("id")
        .values_list("subject", "old", "new")
    )


def test_without_a_choice_the_report_compares_with_all(world):
    assert report_group(world.draft).key == "all"
    assert not ReportGroup.objects.exists()


def test_a_built_in_group_is_kept_by_key_and_the_change_recorded(world):
    revision = world.draft.revision
    group = set_report_group(world.draft, "country-SE", world.eva)
    assert group.key == "country-SE"
    row = ReportGroup.objects.get(evaluation=world.draft)
    assert (row.key, row.custom_group) == ("country-SE", None)
    assert report_group(world.draft).key == "country-SE"
    [(subject, old, new)] = history(world.draft)
    assert old == {"group": "all", "name": "alle evaluerte kommuner"}
    assert new["group"] == "country-SE" and subject == new["name"]
    entry = AuditEntry.objects.get(evaluation=world.draft, action="comparison_group")
    assert entry.user == world.eva
    world.draft.refresh_from_db()
    assert world.draft.revision == revision + 1  # cached pages of the evaluation are stale


def test_a_custom_group_is_a_real_reference(world, custom):
    set_report_group(world.draft, "country-NO", world.eva)
    set_report_group(world.draft, f"custom-{custom.pk}", world.eva)
    row = ReportGroup.objects.get(evaluation=world.draft)
    assert (row.key, row.custom_group) == ("", custom)
    group = report_group(world.draft)
    assert (group.key, group.name, group.custom_group_id) == (
        f"custom-{custom.pk}",
        "Vennskapskommuner",
        custom.pk,
    )
    assert [(old["group"], new["group"]) for _s, old, new in history(world.draft)] == [
        ("all", "country-NO"),
        ("country-NO", f"custom-{custom.pk}"),
    ]
    # Back to a built-in group: the reference goes.
    set_report_group(world.draft, "all", world.eva)
    row.refresh_from_db()
    assert (row.key, row.custom_group) == ("all", None)


def test_choosing_the_same_group_again_records_nothing(world):
    set_report_group(world.draft, "country-NO", world.eva)
    set_report_group(world.draft, "country-NO", world.eva)
    set_report_group(world.published, "all", world.eva)
    assert len(history(world.draft)) == 1 and history(world.published) == []


@pytest.mark.parametrize("key", ["nonsense", "country-DK", "custom-999", "custom-", ""])
def test_an_unknown_group_is_refused_and_nothing_written(world, key):
    with pytest.raises(UnknownGroup):
        set_report_group(world.draft, key, world.eva)
    assert not ReportGroup.objects.exists() and history(world.draft) == []


def test_a_custom_group_in_use_cannot_be_deleted(world, custom):
    set_report_group(world.draft, f"custom-{custom.pk}", world.eva)
    with pytest.raises(ProtectedError), transaction.atomic():
        custom.delete()
    assert ComparisonGroup.objects.filter(pk=custom.pk).exists()
    unused = ComparisonGroup.objects.create(name="Ubrukt")
    unused.delete()  # a group no report uses goes


@pytest.mark.parametrize(
    "fields", [{"key": ""}, {"key": "custom-3"}, {"key": "all", "custom": True}]
)
def test_the_database_keeps_a_row_to_a_built_in_key_or_a_custom_group(world, custom, fields):
    row = ReportGroup(evaluation=world.draft, key=fields["key"])
    if fields.get("custom"):
        row.custom_group = custom
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_the_migration_carries_the_old_keys_over(world, custom):
    migration = importlib.import_module("kommunekompass.comparisons.migrations.0002_report_group")
    other = Evaluation.objects.create(
        municipality=world.nordhei, framework=world.framework, year=2019
    )
    gone = Evaluation.objects.create(
        municipality=world.nordhei, framework=world.framework, year=2018
    )
    keys = {
        world.draft: "county-Vestland",
        world.published: f"custom-{custom.pk}",
        other: "all",
        gone: "custom-999",
    }
    for evaluation, key in keys.items():
        Evaluation.objects.filter(pk=evaluation.pk).update(comparison_group=key)
    migration.carry_over(apps, None)
    assert report_group(world.draft).key == "county-Vestland"
    assert ReportGroup.objects.get(evaluation=world.published).custom_group == custom
    assert not ReportGroup.objects.filter(evaluation__in=[other, gone]).exists()
    assert report_group(gone).key == "all"  # as the report fell back before
