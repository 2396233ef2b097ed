from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    """Evaluation frameworks: files shipped as data, validated, loaded and browsable."""

    name = "kommunekompass.frameworks"
    label = "frameworks"
    verbose_name = _("Frameworks")
