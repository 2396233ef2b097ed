"""{% sso_buttons %}: a sign-in button per configured provider (the login page, the
invitation page); {% sso_identities %}: the providers a person's account is linked to, with a
button to link the others (their preferences page)."""

from django import template
from django.conf import settings

from kommunekompass.sso.models import Identity

register = template.Library()


@register.inclusion_tag("sso/_buttons.html")
def sso_buttons(next_url="", invitation=""):
    return {
        "providers": list(settings.OIDC_PROVIDERS),
        "next_url": next_url,
        "invitation": invitation,
    }


@register.inclusion_tag("sso/_identities.html", takes_context=True)
def sso_identities(context):
    user = context["user"]
    providers = list(settings.OIDC_PROVIDERS)
    linked = set()
    if providers:
        linked = set(Identity.objects.filter(user=user).values_list("provider", flat=True))
    return {
        "linked": [provider for provider in providers if provider.name in linked],
        "unlinked": [provider for provider in providers if provider.name not in linked],
        "here": context["request"].path,
    }
