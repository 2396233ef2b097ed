"""{% sso_buttons %}: a sign-in button per configured provider (the login page, the
invitation page)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("sso/_buttons.html")
def sso_buttons(next_url="", invitation=""):
    return {
        "providers": list(settings.OIDC_PROVIDERS),
        "next_url": next_url,
        "invitation": invitation,
    }
