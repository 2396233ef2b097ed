"""The report's comparison group as a row of its own: a built-in group by key, a custom group by
reference. Carried over from Evaluation.comparison_group, which stays in place but is no longer
read (it is dropped in a later step).

A "custom-N" key whose group no longer exists is not carried over: the report compares such an
evaluation with all municipalities already (comparison groups fell back to "all"), and still
does. "all" needs no row.
"""

import django.db.models.deletion
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    ComparisonGroup = apps.get_model("comparisons", "ComparisonGroup")
    ReportGroup = apps.get_model("comparisons", "ReportGroup")
    custom = set(ComparisonGroup.objects.values_list("pk", flat=True))
    rows = []
    chosen = Evaluation.objects.exclude(comparison_group__in=["", "all"])
    for pk, key in chosen.values_list("pk", "comparison_group"):
        kind, _sep, value = key.partition("-")
        if kind == "custom":
            if value.isdigit() and int(value) in custom:
                rows.append(ReportGroup(evaluation_id=pk, custom_group_id=int(value)))
        else:
            rows.append(ReportGroup(evaluation_id=pk, key=key))
    ReportGroup.objects.bulk_create(rows)


def carry_back(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    ReportGroup = apps.get_model("comparisons", "ReportGroup")
    for row in ReportGroup.objects.all():
        key = f"custom-{row.custom_group_id}" if row.custom_group_id else row.key
        Evaluation.objects.filter(pk=row.evaluation_id).update(comparison_group=key)


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0001_initial"),
        ("evaluations", "0006_published_versions_and_guards"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportGroup",
            fields=[
                (
                    "evaluation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="report_group",
                        serialize=False,
                        to="evaluations.evaluation",
                    ),
                ),
                (
                    "key",
                    models.CharField(blank=True, max_length=100, verbose_name="built-in group"),
                ),
                (
                    "custom_group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="comparisons.comparisongroup",
                        verbose_name="comparison group",
                    ),
                ),
            ],
            options={
                "verbose_name": "comparison group of a report",
                "verbose_name_plural": "comparison groups of reports",
                "constraints": [
                    models.CheckConstraint(
                        condition=(
                            models.Q(custom_group__isnull=True)
                            & ~models.Q(key="")
                            & ~models.Q(key__startswith="custom-")
                        )
                        | models.Q(custom_group__isnull=False, key=""),
                        name="report_group_builtin_or_custom",
                    )
                ],
            },
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
