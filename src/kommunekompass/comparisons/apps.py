from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComparisonsConfig(AppConfig):
    """Comparing municipalities and remembering their rounds: groups, rankings, histories."""

    name = "kommunekompass.comparisons"
    label = "comparisons"
    verbose_name = _("Comparisons")
