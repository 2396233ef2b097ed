from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    """Whole evaluations that travel: export one to a bundle (.zip) and import it elsewhere.
    No models of its own; it reads and writes through evaluations and comparisons."""

    name = "kommunekompass.bundles"
    verbose_name = _("Evaluation bundles")
