from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Municipalities and their evaluations against a framework."""

    name = "kommunekompass.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")
