"""Migration 0007: reported points' loose codes become references to sub-area and area rows."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from kommunekompass.evaluations.models import Evaluation, ReportedPoints
from kommunekompass.frameworks.models import FocusArea, SubArea
from tests.factories import make_municipality

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")

BEFORE = [("evaluations", "0006_published_versions_and_guards")]
AFTER = [("evaluations", "0007_reported_points_references")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before(kommunekompass_framework):
    """Evaluations with reported points as codes, in the schema before the migration."""
    municipality = make_municipality()
    old = migrate(BEFORE)
    OldEvaluation = old.get_model("evaluations", "Evaluation")
    OldPoints = old.get_model("evaluations", "ReportedPoints")

    def evaluation(year, level, points):
        made = OldEvaluation.objects.create(
            municipality_id=municipality.pk,
            framework_id=kommunekompass_framework.pk,
            year=year,
            result_level=level,
            status="published",
        )
        OldPoints.objects.bulk_create(
            OldPoints(evaluation_id=made.pk, code=code, points=value)
            for code, value in points.items()
        )
        return made.pk

    yield evaluation
    migrate(AFTER)  # leave the database as the other tests expect it


@pytest.mark.django_db(transaction=True)
def test_codes_become_references_to_the_frameworks_rows(before, kommunekompass_framework):
    by_subarea = before(2019, "subarea", {"1.1": 10, "1.2": "7.5"})
    by_area = before(2015, "area", {"1": 40, "8": 55})
    migrate(AFTER)
    rows = ReportedPoints.objects.filter(evaluation=by_subarea).select_related("subarea")
    assert sorted((r.subarea.code, float(r.points), r.focus_area_id) for r in rows) == [
        ("1.1", 10.0, None),
        ("1.2", 7.5, None),
    ]
    assert {r.subarea.framework_id for r in rows} == {kommunekompass_framework.pk}
    areas = ReportedPoints.objects.filter(evaluation=by_area).select_related("focus_area")
    assert sorted((r.focus_area.code, r.subarea_id) for r in areas) == [("1", None), ("8", None)]
    # The results read from the references are those of before.
    from kommunekompass.evaluations.scores import evaluation_result

    # (Read without the columns later migrations add: the schema is that of 0007.)
    result = evaluation_result(Evaluation.objects.defer("report_language").get(pk=by_area))
    assert result.points == 95 and "2" in result.missing
    # The database keeps one node per row, and each node once per evaluation.
    subarea = SubArea.objects.get(framework=kommunekompass_framework, code="2.1")
    area = FocusArea.objects.get(framework=kommunekompass_framework, code="2")
    for fields in ({}, {"subarea": subarea, "focus_area": area}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportedPoints.objects.create(evaluation_id=by_area, points=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedPoints.objects.create(
            evaluation_id=by_area, points=1, focus_area=areas[0].focus_area
        )


@pytest.mark.django_db(transaction=True)
def test_a_code_that_names_nothing_in_the_framework_is_refused(before):
    before(2019, "subarea", {"1.1": 10, "9.9": 3})
    with pytest.raises(RuntimeError, match=r"Fjordvik kommune 2019\): code “9.9”"):
        migrate(AFTER)
    # Correcting the row lets the migration pass.
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    old.get_model("evaluations", "ReportedPoints").objects.filter(code="9.9").delete()
