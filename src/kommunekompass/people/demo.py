"""The demo's people: an address and a profile for every demo user, an invitation that waits
(so the people page shows one, and its mail lies in the mail folder), and the mail folder."""

from django.conf import settings
from django.contrib.auth import get_user_model

from kommunekompass.evaluations.models import Municipality
from kommunekompass.people import services
from kommunekompass.people.models import Invitation, Profile

DEMO_DOMAIN = "kommunekompass.example"
# Invited by the coordinator of Fjordvik as a reader; not accepted yet.
INVITED = ("lise.leser@fjordvik.example", "Lise", "Leser")


def demo_user_names() -> dict[str, tuple[str, str]]:
    """User names the demo makes here, with their (first name, last name), for the demo guard."""
    email, first, last = INVITED
    return {email: (first, last)}


def load_demo_people(users: dict) -> bool:
    """Addresses, profiles and the waiting invitation; True when something was created."""
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        settings.MAIL_DIR.mkdir(mode=0o700, exist_ok=True)
    for username, user in users.items():
        if not user.email:
            user.email = f"{username}@{DEMO_DOMAIN}"
            user.save(update_fields=["email"])
        Profile.objects.get_or_create(user=user)
    email, first, last = INVITED
    if get_user_model().objects.filter(email=email).exists():
        return False
    services.invite(
        user=users["coordinator"],
        municipality=Municipality.objects.get(country="NO", number="9901"),
        email=email,
        role="reader",
        language=settings.LANGUAGE_CODE,
        first_name=first,
        last_name=last,
    )
    return Invitation.objects.filter(email=email).exists()
