"""Reported points refer to a sub-area or a focus area row instead of holding a loose code.

Each existing code is looked up among the sub-areas or areas of its evaluation's framework (the
evaluation's result level says which; the other kind is tried when it does not match). A code
that names neither is refused with a message: a person must decide what it meant.

Stored summaries (a cache) are cleared, to be computed again from the references: summaries now
leave out an area with nothing scored or reported (unknown, shown as "–") instead of giving it 0.
"""

import django.db.models.deletion
from django.db import migrations, models


def codes_to_references(apps, schema_editor):
    ReportedPoints = apps.get_model("evaluations", "ReportedPoints")
    SubArea = apps.get_model("frameworks", "SubArea")
    FocusArea = apps.get_model("frameworks", "FocusArea")
    subareas = {(s.framework_id, s.code): s.pk for s in SubArea.objects.all()}
    areas = {(a.framework_id, a.code): a.pk for a in FocusArea.objects.all()}
    unresolved = []
    rows = ReportedPoints.objects.select_related("evaluation__municipality").order_by("pk")
    for row in rows.iterator():
        evaluation = row.evaluation
        key = (evaluation.framework_id, row.code.strip())
        order = ("area", "subarea") if evaluation.result_level == "area" else ("subarea", "area")
        for kind in order:
            found = (subareas if kind == "subarea" else areas).get(key)
            if found is not None:
                if kind == "subarea":
                    row.subarea_id = found
                else:
                    row.focus_area_id = found
                row.save(update_fields=["subarea", "focus_area"])
                break
        else:
            unresolved.append(
                f"evaluation {evaluation.pk} ({evaluation.municipality.name} {evaluation.year}): "
                f"code “{row.code}”"
            )
    if unresolved:
        raise RuntimeError(
            "Reported points whose code is neither a sub-area nor an area of the evaluation's "
            "framework; correct or delete them, then migrate again:\n  " + "\n  ".join(unresolved)
        )
    _fire_deferred_checks(schema_editor)


def _fire_deferred_checks(schema_editor):
    # PostgreSQL refuses to alter a table with pending deferred foreign-key checks.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def clear_summaries(apps, schema_editor):
    apps.get_model("evaluations", "EvaluationSummary").objects.all().delete()


def references_to_codes(apps, schema_editor):
    ReportedPoints = apps.get_model("evaluations", "ReportedPoints")
    for row in ReportedPoints.objects.select_related("subarea", "focus_area").iterator():
        row.code = (row.subarea or row.focus_area).code
        row.save(update_fields=["code"])
    _fire_deferred_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0006_published_versions_and_guards"),
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportedpoints",
            name="focus_area",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reported_points",
                to="frameworks.focusarea",
                verbose_name="focus area",
            ),
        ),
        migrations.AddField(
            model_name="reportedpoints",
            name="subarea",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reported_points",
                to="frameworks.subarea",
                verbose_name="sub-area",
            ),
        ),
        migrations.RunPython(codes_to_references, references_to_codes),
        migrations.RunPython(clear_summaries, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="reportedpoints",
            name="reported_points_unique",
        ),
        migrations.RemoveField(
            model_name="reportedpoints",
            name="code",
        ),
        migrations.AddConstraint(
            model_name="reportedpoints",
            constraint=models.CheckConstraint(
                condition=models.Q(subarea__isnull=False, focus_area__isnull=True)
                | models.Q(subarea__isnull=True, focus_area__isnull=False),
                name="reported_points_one_node",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportedpoints",
            constraint=models.UniqueConstraint(
                fields=("evaluation", "subarea"), name="reported_points_subarea_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="reportedpoints",
            constraint=models.UniqueConstraint(
                fields=("evaluation", "focus_area"), name="reported_points_focus_area_unique"
            ),
        ),
    ]
