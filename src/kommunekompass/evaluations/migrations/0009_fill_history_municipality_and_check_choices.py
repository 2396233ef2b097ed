"""Every history entry names its municipality (taken from its evaluation), and the choice
fields that get a check constraint next hold only their choices."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

CHOICES = {
    # model: (field, allowed values)
    "AuditEntry": (
        "action",
        {
            "created", "details_changed", "score", "finding_added", "finding_changed",
            "finding_deleted", "finding_moved", "interview_added", "interview_changed",
            "interview_deleted", "evidence_added", "evidence_changed", "evidence_deleted",
            "comparison_group", "way_forward", "team", "status", "comment_added",
            "comment_answered", "comment_resolved", "approved", "withdrawn",
            "membership_granted", "membership_changed", "membership_revoked",
        },
    ),
    "Finding": ("kind", {"strength", "challenge", "weakness"}),
    "Interview": (
        "role",
        {
            "mayor", "chief_executive", "department_heads", "unit_leaders", "staff_leaders",
            "union_representatives",
        },
    ),
    "Membership": ("role", {"coordinator", "reader"}),
    "Municipality": ("country", {"NO", "SE"}),
}


def fill_and_check(apps, schema_editor):
    AuditEntry = apps.get_model("evaluations", "AuditEntry")
    Evaluation = apps.get_model("evaluations", "Evaluation")
    AuditEntry.objects.filter(municipality__isnull=True, evaluation__isnull=False).update(
        municipality_id=Subquery(
            Evaluation.objects.filter(pk=OuterRef("evaluation_id")).values("municipality_id")[:1]
        )
    )
    problems = [
        f"history entry {pk} belongs to no evaluation and no municipality"
        for pk in AuditEntry.objects.filter(municipality__isnull=True).values_list("pk", flat=True)
    ]
    for model_name, (field, allowed) in CHOICES.items():
        model = apps.get_model("evaluations", model_name)
        for pk, value in model.objects.exclude(**{f"{field}__in": allowed}).values_list(
            "pk", field
        ):
            problems.append(f"{model_name} {pk} has the unknown {field} {value!r}")
    if problems:
        raise RuntimeError(
            "This database holds rows that the new rules refuse. Correct them (e.g. in the "
            "admin of the previous version), then migrate again:\n  " + "\n  ".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0008_review_comments_reviewers_and_history_by_municipality"),
    ]

    operations = [
        migrations.RunPython(fill_and_check, migrations.RunPython.noop),
    ]
