"""An invited account, as people.services.invite leaves it: no password, an open invitation."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from kommunekompass.people.invitations import new_token, token_hash
from kommunekompass.people.models import Invitation
from tests.factories import make_municipality, make_user


def invited_account(email="anna@fjordvik.example"):
    fjordvik = make_municipality()
    coordinator = make_user("coordinator", coordinator_of=fjordvik)
    account = get_user_model().objects.create_user("anna", email=email)
    account.set_unusable_password()
    account.save()
    token = new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        municipality=fjordvik,
        user=account,
        email=email,
        role="reader",
        invited_by=coordinator,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    return account, invitation, token
