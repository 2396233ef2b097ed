from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Importing earlier results from CSV and spreadsheet files, validated all or nothing."""

    name = "kommunekompass.imports"
    label = "imports"
    verbose_name = _("Imports")
