from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """The quality programme after an evaluation: tripartite groups, improvement projects with
    their plans, effect goals and measured indicators."""

    name = "kommunekompass.improvement"
    label = "improvement"
    verbose_name = _("Improvement")
