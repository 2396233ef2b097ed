"""The report's comparison group lives in comparisons.ReportGroup alone: the old string column
Evaluation.comparison_group goes.

comparisons 0002 copied the column into ReportGroup, but until this step the overview's form
still wrote the column and the report read it, so the column is what reports showed. It is
copied again here, just before it goes: every ReportGroup row is made to say what the column
says ("all", an empty key, or a custom group that no longer exists: no row, as the report
compared with all municipalities then too). Going back puts the column back from the rows.
"""

from django.db import migrations


def copy_column_to_report_groups(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    ComparisonGroup = apps.get_model("comparisons", "ComparisonGroup")
    ReportGroup = apps.get_model("comparisons", "ReportGroup")
    custom = set(ComparisonGroup.objects.values_list("pk", flat=True))
    rows = []
    for pk, key in Evaluation.objects.values_list("pk", "comparison_group"):
        kind, _sep, value = (key or "").partition("-")
        if key in ("", "all"):
            continue
        if kind == "custom":
            if value.isdigit() and int(value) in custom:
                rows.append(ReportGroup(evaluation_id=pk, custom_group_id=int(value)))
        else:
            rows.append(ReportGroup(evaluation_id=pk, key=key))
    ReportGroup.objects.all().delete()
    ReportGroup.objects.bulk_create(rows)


def copy_report_groups_to_column(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    ReportGroup = apps.get_model("comparisons", "ReportGroup")
    for row in ReportGroup.objects.all():
        key = f"custom-{row.custom_group_id}" if row.custom_group_id else row.key
        Evaluation.objects.filter(pk=row.evaluation_id).update(comparison_group=key)


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0002_report_group"),
        ("evaluations", "0011_total_only_results"),
    ]

    operations = [
        migrations.RunPython(copy_column_to_report_groups, copy_report_groups_to_column),
        migrations.RemoveField(model_name="evaluation", name="comparison_group"),
    ]
