"""Migration 0013: every municipality gets its country's report language, every evaluation its
municipality's, every published version its evaluation's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")

BEFORE = [("evaluations", "0012_drop_comparison_group_column")]
AFTER = [("evaluations", "0013_report_language")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_report_languages_come_from_the_country(kommunekompass_framework):
    old = migrate(BEFORE)
    Municipality = old.get_model("evaluations", "Municipality")
    Evaluation = old.get_model("evaluations", "Evaluation")
    Version = old.get_model("evaluations", "PublishedVersion")
    made = {}
    for country, number in (("NO", "9901"), ("SE", "9999")):
        municipality = Municipality.objects.create(name=number, number=number, country=country)
        evaluation = Evaluation.objects.create(
            municipality=municipality,
            framework_id=kommunekompass_framework.pk,
            year=2023,
            status="published",
            published_version=1,
        )
        Version.objects.create(
            evaluation=evaluation,
            number=1,
            published_at="2023-11-22T12:00:00Z",
            framework_id=kommunekompass_framework.pk,
            spec_checksum=kommunekompass_framework.checksum,
            engine_version="1",
            complete=True,
            data={},
        )
        made[country] = (municipality.pk, evaluation.pk)

    new = migrate(AFTER)
    Municipality = new.get_model("evaluations", "Municipality")
    Evaluation = new.get_model("evaluations", "Evaluation")
    Version = new.get_model("evaluations", "PublishedVersion")
    for country, language in (("NO", "nb"), ("SE", "sv")):
        municipality, evaluation = made[country]
        assert Municipality.objects.get(pk=municipality).report_language == language
        assert Evaluation.objects.get(pk=evaluation).report_language == language
        assert Version.objects.get(evaluation_id=evaluation).language == language
