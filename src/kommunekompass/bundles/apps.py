from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    """Whole evaluations that travel: export one to a bundle (.zip) and import it elsewhere.
    It writes through evaluations and comparisons; its one model is the upload on its way
    through the job queue (BundleImport)."""

    name = "kommunekompass.bundles"
    verbose_name = _("Evaluation bundles")
