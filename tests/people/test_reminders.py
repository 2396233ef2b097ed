"""Reminders: each kind reaches the right people, by mail (text and HTML, in their language)
and in the app; `send-reminders` twice sends nothing new; choices are respected; the list and
preferences pages."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.improvement import measures
from kommunekompass.improvement.models import Indicator, Milestone
from kommunekompass.people import reminders, services
from kommunekompass.people.models import Invitation, Profile, Reminder
from tests.improvement_world import TODAY


@pytest.fixture
def due(programme):
    """The programme (an overdue milestone) plus one milestone due in five days, an indicator
    with no measurement for the last month, an evaluation in review, an invitation waiting
    four days; every person with an address."""
    w = programme
    for user in (w.admin, w.eva, w.otto, w.coordinator, w.reader, w.leader, w.steering):
        user.email = f"{user.username}@example.org"
        user.save()
    Profile.objects.create(user=w.reader, language="en")
    w.soon = Milestone.objects.create(
        project=w.project,
        number="MP2",
        milestone="Tiltak valgt",
        date=TODAY + datetime.timedelta(days=5),
    )
    Milestone.objects.create(  # later than seven days: not yet
        project=w.project,
        number="MP3",
        milestone="Evaluering",
        date=TODAY + datetime.timedelta(days=30),
    )
    w.monthly = Indicator.objects.create(
        project=w.project, name="Avvik meldt", frequency="monthly", baseline=Decimal(3)
    )
    w.draft.reviewers.add(w.otto)
    change_status(w.draft, "submit", w.eva)
    now = timezone.now()
    w.invitation = Invitation.objects.create(
        municipality=w.fjordvik,
        user=w.steering,
        email="new@example.org",
        role="reader",
        invited_by=w.coordinator,
        token_hash="x" * 64,
        created_at=now - datetime.timedelta(days=4),
        expires_at=now + datetime.timedelta(days=3),
    )
    return w


def kinds_of(user):
    return sorted(Reminder.objects.filter(user=user).values_list("kind", flat=True))


def test_each_kind_reaches_the_right_people(due, mailoutbox):
    created, mails = reminders.send_reminders(today=TODAY)
    w = due
    assert kinds_of(w.otto) == ["review"]  # a named reviewer
    assert kinds_of(w.eva) == []  # sent it to review himself
    assert kinds_of(w.reader) == ["published"]
    assert kinds_of(w.coordinator) == [
        "invitation_pending",
        "measurement_due",
        "milestone_due",
        "milestone_overdue",
        "published",
    ]
    assert kinds_of(w.leader) == ["measurement_due", "milestone_due", "milestone_overdue"]
    assert kinds_of(w.steering) == []  # reads the programme, is not responsible
    assert kinds_of(w.admin) == []
    assert created == Reminder.objects.count() == 10
    measurement = Reminder.objects.get(user=w.leader, kind="measurement_due")
    assert measurement.due == datetime.date(2026, 10, 31) and measurement.label == "Avvik meldt"
    # One mail a person, with a text and an HTML part.
    assert mails == len(mailoutbox) == 4
    by_address = {m.to[0]: m for m in mailoutbox}
    coordinator = by_address["coordinator@example.org"]
    assert "Tiltak valgt" in coordinator.body and "Kartlegging ferdig" in coordinator.body
    assert "Avvik meldt" in coordinator.body and "new@example.org" in coordinator.body
    assert coordinator.alternatives[0][1] == "text/html"
    assert 'lang="nb"' in coordinator.alternatives[0][0]  # the site's language by default
    reader = by_address["reader@example.org"]
    assert 'lang="en"' in reader.alternatives[0][0]
    assert "is published (version 1)" in reader.body  # in the reader's own language
    otto = by_address["otto@example.org"]
    assert (
        f"/evaluations/{w.draft.pk}/review/" in otto.body and "Fjordvik kommune 2026" in otto.body
    )
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 0


def test_running_twice_sends_nothing_new(due, mailoutbox):
    out = io.StringIO()
    with translation.override("en"):
        call_command("send-reminders", "--today", TODAY.isoformat(), stdout=out)
    assert "10 new, 4 mails sent" in out.getvalue()
    call_command("send-reminders", "--today", TODAY.isoformat(), stdout=out)
    assert "Påminnelser: 0 nye, 0 e-poster sendt" in out.getvalue()  # bokmål by default
    assert len(mailoutbox) == 4 and Reminder.objects.count() == 10


def test_a_reminder_is_stored_once_by_the_database(due):
    reminders.send_reminders(today=TODAY)
    first = Reminder.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            user=first.user,
            kind=first.kind,
            subject=first.subject,
            period=first.period,
            label="again",
        )
    # Two runs that both saw nothing taken (as at the same moment): the second stores nothing.
    dues = reminders.due_now(TODAY, timezone.now())
    Reminder.objects.all().delete()
    assert len(reminders.claim(dues, timezone.now())) == 10
    assert reminders.claim(dues, timezone.now()) == []


def test_a_milestone_moved_to_a_new_date_is_reminded_again(due, mailoutbox):
    reminders.send_reminders(today=TODAY)
    Milestone.objects.filter(pk=due.soon.pk).update(date=TODAY + datetime.timedelta(days=6))
    created, _mails = reminders.send_reminders(today=TODAY)
    assert created == 2  # the coordinator and the project leader


def test_people_get_only_what_they_chose(due, mailoutbox):
    services.set_preferences(due.coordinator, {"remind_milestones": False})
    services.set_preferences(due.reader, {"remind_published": False})
    due.leader.is_active = False
    due.leader.save()
    reminders.send_reminders(today=TODAY)
    assert kinds_of(due.coordinator) == ["invitation_pending", "measurement_due", "published"]
    assert kinds_of(due.reader) == []
    assert kinds_of(due.leader) == []


def test_a_failed_mail_is_tried_again(due, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.people.test_reminders.BrokenBackend"
    created, mails = reminders.send_reminders(today=TODAY)
    assert created == 10 and mails == 0
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 10
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_reminders(today=TODAY) == (0, 4)


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("The mail server is down")


def test_no_measurement_is_due_before_the_period_ends():
    assert measures.last_period_end("monthly", datetime.date(2026, 11, 22)) == datetime.date(
        2026, 10, 31
    )
    assert measures.last_period_end("quarterly", datetime.date(2026, 11, 22)) == datetime.date(
        2026, 9, 30
    )
    assert measures.last_period_end("quarterly", datetime.date(2026, 1, 1)) == datetime.date(
        2025, 12, 31
    )
    assert measures.last_period_end("yearly", datetime.date(2026, 6, 1)) == datetime.date(
        2025, 12, 31
    )
    due = measures.measurement_due
    assert due("quarterly", datetime.date(2026, 9, 30), datetime.date(2026, 11, 22)) is None
    assert due("quarterly", datetime.date(2026, 6, 30), datetime.date(2026, 11, 22)) == (
        datetime.date(2026, 9, 30)
    )
    assert due("monthly", None, datetime.date(2026, 3, 1)) == datetime.date(2026, 2, 28)
    with pytest.raises(ValueError):
        measures.last_period_end("weekly", datetime.date(2026, 1, 1))


def test_milestone_queries_say_what_is_due(due):
    assert set(Milestone.objects.due_within(7, TODAY)) == {due.soon}
    assert set(Milestone.objects.overdue(TODAY)) == {due.milestone}
    Milestone.objects.filter(pk=due.milestone.pk).update(reached=True)
    assert not Milestone.objects.overdue(TODAY).exists()
    due.project.status = "finished"
    due.project.save()
    assert not Milestone.objects.due_within(7, TODAY).exists()


# --- the pages -------------------------------------------------------------------------------


def test_the_list_shows_and_dismisses_ones_own_reminders(due, client_factory):
    reminders.send_reminders(today=TODAY)
    client = client_factory(due.reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("people:reminders")).content.decode()
    assert "is published (version 1)" in page
    assert '<span class="reminder-count">1</span>' in page  # the header's count
    mine = Reminder.objects.get(user=due.reader)
    others = Reminder.objects.filter(user=due.coordinator).first()
    assert client.post(reverse("people:dismiss", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.dismissed_at is None
    response = client.post(
        reverse("people:dismiss", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:reminders")
    mine.refresh_from_db()
    assert mine.dismissed_at is not None
    page = client.get(reverse("people:reminders")).content.decode()
    assert "Nothing waits for you." in page and "reminder-count" not in page
    assert list(reminders.open_reminders(due.reader)) == []


def test_the_reminder_pages_need_a_login(client):
    for url in (reverse("people:reminders"), reverse("people:preferences")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("people:dismiss", args=[1])).status_code == 302
    assert client.get(reverse("people:dismiss", args=[1])).status_code in (302, 405)


def test_the_preferences_page_saves_the_choices(world, client_factory):
    client = client_factory(world.reader)
    assert client.get(reverse("people:preferences")).status_code == 200
    response = client.post(reverse("people:preferences"), {"remind_published": "on"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=world.reader)
    assert profile.remind_published and not profile.remind_milestones
    assert not profile.remind_review and not profile.remind_measurements
