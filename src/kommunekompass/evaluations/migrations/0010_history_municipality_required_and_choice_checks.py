import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0009_fill_history_municipality_and_check_choices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audit",
                to="evaluations.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['created', 'details_changed', 'score', 'finding_added', 'finding_changed', 'finding_deleted', 'finding_moved', 'interview_added', 'interview_changed', 'interview_deleted', 'evidence_added', 'evidence_changed', 'evidence_deleted', 'comparison_group', 'way_forward', 'team', 'status', 'comment_added', 'comment_answered', 'comment_resolved', 'approved', 'withdrawn', 'membership_granted', 'membership_changed', 'membership_revoked'])), name='audit_entry_action_valid'),
        ),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['strength', 'challenge', 'weakness'])), name='finding_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='interview',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['mayor', 'chief_executive', 'department_heads', 'unit_leaders', 'staff_leaders', 'union_representatives'])), name='interview_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['coordinator', 'reader'])), name='membership_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='municipality',
            constraint=models.CheckConstraint(condition=models.Q(('country__in', ['NO', 'SE'])), name='municipality_country_valid'),
        ),
    ]
