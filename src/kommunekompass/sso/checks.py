"""`kommunekompass check`: a set-up in which nobody can log in is named."""

from django.conf import settings
from django.core import checks


def sign_in_possible(app_configs, **kwargs):
    if not settings.LOCAL_LOGIN and not settings.OIDC_PROVIDERS:
        return [
            checks.Error(
                "KOMMUNEKOMPASS_LOCAL_LOGIN=0 switches passwords off, but no single sign-on "
                "provider is configured (KOMMUNEKOMPASS_OIDC_PROVIDERS): nobody can log in.",
                id="sso.E001",
            )
        ]
    return []
