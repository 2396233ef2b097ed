"""The group a report compares with: a built-in key or a real reference to a custom group,
changed through one service that records the history, from a form on the evaluation's
overview that the comparisons app provides."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.urls import reverse

from kommunekompass.comparisons.groups import UnknownGroup, report_group
from kommunekompass.comparisons.models import ComparisonGroup, ReportGroup
from kommunekompass.comparisons.services import set_report_group
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.evaluations.services.base import EvaluationReadOnly
from tests.conftest import shipped

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")


@pytest.fixture
def custom(world):
    group = ComparisonGroup.objects.create(name="Vennskapskommuner", visibility="public")
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
    assert old == {"key": "all", "name": "alle evaluerte kommuner"}
    assert new["key"] == "country-SE" and subject == new["name"]
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
    assert [(old["key"], new["key"]) for _s, old, new in history(world.draft)] == [
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
    assert len(history(world.draft)) == 1


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_a_published_or_withdrawn_evaluation_keeps_its_group(world, status):
    evaluation = world.published
    Evaluation.objects.filter(pk=evaluation.pk).update(status=status)
    revision = Evaluation.objects.get(pk=evaluation.pk).revision
    for key in ("country-NO", "all"):
        with pytest.raises(EvaluationReadOnly):
            set_report_group(evaluation, key, world.eva)
    assert not ReportGroup.objects.exists() and history(evaluation) == []
    assert Evaluation.objects.get(pk=evaluation.pk).revision == revision


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


BEFORE = [
    ("comparisons", "0001_initial"),
    ("evaluations", "0010_history_municipality_required_and_choice_checks"),
]
WITH_REPORT_GROUPS = [("comparisons", "0002_report_group")]
AFTER = [
    ("evaluations", "0012_drop_comparison_group_column"),
    ("comparisons", "0003_group_visibility_and_history"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_carry_the_old_keys_over_and_drop_the_column():
    """comparisons 0002 copies the column into ReportGroup; the overview went on writing the
    column until evaluations 0011, which copies it again and drops it."""
    framework_id = shipped("kommunekompass").pk
    old = migrate(BEFORE)
    Municipality = old.get_model("evaluations", "Municipality")
    OldEvaluation = old.get_model("evaluations", "Evaluation")
    OldGroup = old.get_model("comparisons", "ComparisonGroup")
    fjordvik = Municipality.objects.create(name="Fjordvik kommune", number="9901", country="NO")
    custom = OldGroup.objects.create(name="Vennskapskommuner")
    keys = {
        2026: "county-Vestland",
        2023: f"custom-{custom.pk}",
        2019: "all",
        2018: "custom-999",
        2017: "country-SE",
    }
    made = {
        year: OldEvaluation.objects.create(
            municipality=fjordvik, framework_id=framework_id, year=year, comparison_group=key
        ).pk
        for year, key in keys.items()
    }
    try:
        between = migrate(WITH_REPORT_GROUPS)
        rows = between.get_model("comparisons", "ReportGroup").objects
        assert rows.get(evaluation_id=made[2026]).key == "county-Vestland"
        # Chosen on the overview after comparisons 0002: only the column knew.
        between.get_model("evaluations", "Evaluation").objects.filter(pk=made[2017]).update(
            comparison_group="all"
        )
        between.get_model("evaluations", "Evaluation").objects.filter(pk=made[2019]).update(
            comparison_group="country-NO"
        )
    finally:
        migrate(AFTER)
    assert "comparison_group" not in {f.name for f in Evaluation._meta.get_fields()}
    by_year = {
        year: Evaluation.objects.defer("report_language").get(pk=pk) for year, pk in made.items()
    }
    assert report_group(by_year[2026]).key == "county-Vestland"
    assert ReportGroup.objects.get(evaluation=made[2023]).custom_group_id == custom.pk
    # Every group was offered to everyone before groups had a visibility: they stay public.
    assert ComparisonGroup.objects.get(pk=custom.pk).visibility == "public"
    assert report_group(by_year[2019]).key == "country-NO"
    assert report_group(by_year[2017]).key == "all"
    assert report_group(by_year[2018]).key == "all"  # as the report fell back before
    assert not ReportGroup.objects.filter(evaluation__in=[made[2017], made[2018]]).exists()


# The view on the evaluation's overview: who may choose the group.

ROLES = ["anonymous", "eva", "admin", "otto", "coordinator", "reader", "outsider"]
# Anonymous to the login page; Otto (an evaluator not on the team), the reader (a draft) and
# the outsider do not see the draft at all; the coordinator sees it but changes nothing.
REFUSED = {"anonymous": "login", "otto": 404, "coordinator": 403, "reader": 404, "outsider": 404}


def post(client, evaluation, key):
    return client.post(reverse("comparisons:report_group", args=[evaluation.pk]), {"group": key})


@pytest.mark.parametrize("role", ROLES)
def test_who_may_choose_the_reports_group(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    before = AuditEntry.objects.count()
    response = post(client, world.draft, "country-SE")
    if role in ("eva", "admin"):
        assert response.status_code == 302
        assert response.url == reverse("evaluations:detail", args=[world.draft.pk])
        assert report_group(world.draft).key == "country-SE"
        [(_subject, _old, new)] = history(world.draft)
        assert new["key"] == "country-SE"
        assert AuditEntry.objects.order_by("-id").first().user == getattr(world, role)
        return
    expected = REFUSED[role]
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    assert not ReportGroup.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_published_evaluations_group_is_refused_with_403(client, world):
    client.force_login(world.eva)
    response = post(client, world.published, "country-SE")
    assert response.status_code == 403
    assert not ReportGroup.objects.exists() and history(world.published) == []


def test_an_unknown_group_is_named_and_nothing_changes(client, world):
    client.force_login(world.eva)
    response = post(client, world.draft, "custom-999")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Sammenligningsgruppen finnes ikke." in page
    assert not ReportGroup.objects.exists() and history(world.draft) == []


def test_only_a_post_chooses_the_group(client, world):
    client.force_login(world.eva)
    url = reverse("comparisons:report_group", args=[world.draft.pk])
    assert client.get(url).status_code == 405
    assert not ReportGroup.objects.exists()


def test_the_overview_shows_the_form_only_to_those_who_may_change_it(client, world):
    url = reverse("evaluations:detail", args=[world.draft.pk])
    client.force_login(world.eva)
    page = client.get(url).content.decode()
    assert 'id="report-group-form"' in page
    assert reverse("comparisons:report_group", args=[world.draft.pk]) in page
    assert '<option value="all" selected>' in page
    client.force_login(world.coordinator)
    assert 'id="report-group-form"' not in client.get(url).content.decode()
    client.force_login(world.eva)
    published = client.get(reverse("evaluations:detail", args=[world.published.pk]))
    assert 'id="report-group-form"' not in published.content.decode()
