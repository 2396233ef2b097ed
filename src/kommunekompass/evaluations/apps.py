from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

EVALUATORS_GROUP = "Evaluators"
EVALUATOR_PERMISSIONS = ["add_evaluation", "add_municipality", "change_municipality"]


def ensure_evaluators_group(sender, **kwargs):
    """The Evaluators group: its members may create municipalities and evaluations."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    group, _created = Group.objects.get_or_create(name=EVALUATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="evaluations", codename__in=EVALUATOR_PERMISSIONS
        )
    )


class EvaluationsConfig(AppConfig):
    """Municipalities and their evaluations against a framework."""

    name = "kommunekompass.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        post_migrate.connect(ensure_evaluators_group, sender=self)
