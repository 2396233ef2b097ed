"""People run by the municipality itself: a coordinator invites a new reader, who opens the
link from the mail folder, chooses a password and reads the published report; a person who
forgot their password resets it through the mail folder and logs in."""

import re

import pytest
from playwright.sync_api import expect

from kommunekompass.people.models import Invitation
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


@pytest.fixture
def mail_folder(settings, tmp_path):
    """Mails as the demo and development write them: files in the data dir's mail folder."""
    folder = tmp_path / "mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = folder
    return folder


def link_in_mail(folder, to, pattern):
    mails = [path.read_text() for path in sorted(folder.glob("*.log"))]
    mails = [mail for mail in mails if f"To: {to}" in mail]
    assert mails, f"no mail to {to} in {folder}"
    return re.search(pattern, mails[-1]).group(0)


def test_a_coordinator_invites_a_reader_who_reads_the_published_report(
    page, browser, live_server, world, mail_folder
):
    log_in(page, live_server, "coordinator", PASSWORD)
    page.click("nav.site-nav a[href='/people/']")
    expect(page.locator("h1")).to_contain_text("Fjordvik kommune")
    page.fill("#id_email", "lise.leser@example.org")
    page.fill("#id_first_name", "Lise")
    page.fill("#id_last_name", "Leser")
    page.select_option("#id_role", "reader")
    page.select_option("#id_language", "nb")
    page.click("#invite-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("lise.leser@example.org")
    expect(page.locator(".people-table")).to_contain_text("Lise Leser")
    assert Invitation.objects.filter(email="lise.leser@example.org").count() == 1

    link = link_in_mail(
        mail_folder,
        "lise.leser@example.org",
        re.escape(live_server.url) + r"/people/invitation/\S+/",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = context.new_page()
    reader.goto(link)
    expect(reader.locator("h1")).to_be_visible()
    reader.fill("#id_new_password1", "Lese-kompass-2026")
    reader.fill("#id_new_password2", "Lese-kompass-2026")
    reader.click("#invitation-form button[type=submit]")
    reader.wait_for_url(f"{live_server.url}/")
    reader.click(f"main a[href='/evaluations/{world.published.pk}/']")
    expect(reader.locator("h1")).to_contain_text("Fjordvik kommune")
    reader.goto(f"{live_server.url}/reports/{world.published.pk}/")
    expect(reader.locator(".report h1")).to_have_text("Fjordvik kommune 2023")
    # The link is used up.
    reader.goto(link)
    expect(reader.locator("h1")).not_to_contain_text("Kommunekompass")
    context.close()


def test_a_forgotten_password_is_reset_through_the_mail_folder(
    page, live_server, world, mail_folder
):
    world.reader.email = "reader@example.org"
    world.reader.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("main a[href='/accounts/password/forgotten/']")
    page.fill("#id_email", "reader@example.org")
    page.click("#password-reset-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/password/forgotten/sent/")
    link = link_in_mail(
        mail_folder,
        "reader@example.org",
        re.escape(live_server.url) + r"/accounts/password/reset/\S+/",
    )
    page.goto(link)
    page.fill("#id_new_password1", "Nytt-passord-2026")
    page.fill("#id_new_password2", "Nytt-passord-2026")
    page.click("#password-reset-confirm-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/password/reset/done/")
    page.click("main a.button")
    log_in(page, live_server, "reader", "Nytt-passord-2026")
    expect(page.locator(".site-header")).to_contain_text("Reader")
