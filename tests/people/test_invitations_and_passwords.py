"""The invitation link (once, within seven days, sets the password), changing one's own
password, and resetting a forgotten one by mail (no enumeration, throttled)."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kommunekompass.people import services
from kommunekompass.people.invitations import token_hash
from kommunekompass.people.models import AccountEvent, Invitation, Profile
from tests.factories import PASSWORD

User = get_user_model()
NEW_PASSWORD = "Fjord-kompass-2026"


def invite(world, mailoutbox, capture, language="en", email="kari@example.org"):
    with capture(execute=True):
        invitation = services.invite(
            user=world.coordinator,
            municipality=world.fjordvik,
            email=email,
            role="reader",
            language=language,
            first_name="Kari",
        )
    token = re.search(r"/people/invitation/([A-Za-z0-9]+)/", mailoutbox[-1].body).group(1)
    return invitation, token


def test_the_link_sets_the_password_once(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = invite(world, mailoutbox, django_capture_on_commit_callbacks)
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    url = reverse("people:invitation", args=[token])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url)
    assert page.status_code == 200
    assert "invited you to Fjordvik kommune" in page.content.decode()
    response = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 422
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    account = User.objects.get(email="kari@example.org")
    assert account.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AccountEvent.objects.filter(person=account, action="accepted").exists()
    assert client.get("/").status_code == 200  # logged in
    # Used up: the link works no more, also for someone else.
    client.logout()
    assert client.get(url).status_code == 404
    response = client.post(url, {"new_password1": "Other-pass-2026", "new_password2": "x"})
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_an_expired_or_unknown_link_is_refused(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = invite(world, mailoutbox, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert client.get(reverse("people:invitation", args=[token])).status_code == 404
    assert client.get(reverse("people:invitation", args=["x" * 43])).status_code == 404
    assert not User.objects.get(email="kari@example.org").has_usable_password()


def test_a_deactivated_account_cannot_accept(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, mailoutbox, django_capture_on_commit_callbacks)
    User.objects.filter(email="kari@example.org").update(is_active=False)
    assert client.get(reverse("people:invitation", args=[token])).status_code == 404


def test_switching_language_while_signed_in_keeps_it_for_mails(world, client_factory):
    client = client_factory(world.reader)
    client.get(reverse("set_language", args=["en"]) + "?next=/")
    assert Profile.objects.get(user=world.reader).language == "en"
    assert services.language_of(world.reader) == "en"
    assert services.language_of(world.admin) == settings.LANGUAGE_CODE


def test_everyone_changes_their_own_password(world, client_factory):
    client = client_factory(world.reader)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200  # the form again, with its error
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    world.reader.refresh_from_db()
    assert world.reader.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still logged in


def test_each_password_field_names_its_error_and_help_text(world, client_factory):
    """aria-describedby of every field points at elements that are on the page."""
    client = client_factory(world.reader)
    html = client.post(reverse("password_change"), {}).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert len(described) == 3
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in html, id_


def test_changing_a_password_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_page_links_to_the_reset(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "Forgotten your password?" in page


def test_a_forgotten_password_is_reset_by_mail_in_the_users_language(world, client, mailoutbox):
    world.reader.email = "reader@example.org"
    world.reader.save()
    Profile.objects.create(user=world.reader, language="nb")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("password_reset"), {"email": "READER@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reader@example.org"]
    assert 'lang="nb"' in mail.alternatives[0][0] and mail.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)
    response = client.get(link)  # Django moves the token into the session
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    world.reader.refresh_from_db()
    assert world.reader.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 200  # used: "this link cannot be used"
    assert "cannot be used" in client.get(link).content.decode()


def test_the_reset_reveals_nothing_about_addresses(world, client, mailoutbox):
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    world.reader.email = "reader@example.org"
    world.reader.save()
    known = client.post(reverse("password_reset"), {"email": "reader@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]


@pytest.mark.parametrize("same", ["address", "email"])
def test_resets_are_throttled(world, client, mailoutbox, same):
    """Five requests an hour from one address, and for one e-mail address; beyond that the
    page answers as always, and no mail goes out."""
    world.reader.email = "reader@example.org"
    world.reader.save()
    for number in range(7):
        address = "10.0.0.1" if same == "address" else f"10.0.1.{number}"
        response = client.post(
            reverse("password_reset"), {"email": "reader@example.org"}, REMOTE_ADDR=address
        )
        assert response.status_code == 302
    assert len(mailoutbox) == 5
