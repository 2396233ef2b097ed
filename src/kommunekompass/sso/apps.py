from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "kommunekompass.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        from kommunekompass.sso.checks import sign_in_possible

        checks.register(sign_in_possible)
