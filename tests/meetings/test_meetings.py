"""Council meetings: opening from a published evaluation, anonymous votes (one voice per device,
changed and never duplicated, also at the same moment), the presenter's tally, closing into the
way forward, and a project started from the first priority. With who may not."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Finding, Priority
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.meetings import services
from kommunekompass.meetings.codes import ALPHABET, LENGTH
from kommunekompass.meetings.models import Meeting, Option, Voice, Vote
from tests.conftest import shipped
from tests.factories import make_evaluation, make_municipality, make_user
from tests.test_publish_concurrency import run_together


@pytest.fixture
def findings(world):
    area = FocusArea.objects.get(framework=world.framework, code="8")
    other = FocusArea.objects.get(framework=world.framework, code="2")
    rows = [
        Finding.objects.create(evaluation=world.published, focus_area=area, kind=kind, text=text)
        for kind, text in [
            ("weakness", "For høyt sykefravær"),
            ("challenge", "Lite brukermedvirkning"),
            ("strength", "Godt lederprogram"),  # not voted on
        ]
    ]
    rows.append(
        Finding.objects.create(
            evaluation=world.published, focus_area=other, kind="challenge", text="Svak styring"
        )
    )
    return rows


@pytest.fixture
def meeting(world, findings):
    return services.open_meeting(evaluation=world.published, user=world.eva, subject="findings")


def voter(meeting) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(reverse("meetings:vote", args=[meeting.code]))
    return client


def vote(client, meeting, *options):
    return client.post(
        reverse("meetings:vote", args=[meeting.code]), {"options": [o.pk for o in options]}
    )


def counts(meeting) -> dict[str, int]:
    options, _voices = services.tally(meeting)
    return {o.text: o.count for o in options}


def test_opening_lists_the_challenges_and_weaknesses_under_a_readable_code(world, meeting):
    assert len(meeting.code) == LENGTH and set(meeting.code) <= set(ALPHABET)
    assert meeting.is_open and meeting.version == world.published.versions.get()
    assert [o.text for o in meeting.options.all()] == [
        "Svak styring",
        "Lite brukermedvirkning",
        "For høyt sykefravær",
    ]
    areas = services.open_meeting(evaluation=world.published, user=world.eva, subject="focus_areas")
    assert areas.options.count() == world.framework.areas.count()
    assert areas.code != meeting.code


def test_two_open_meetings_never_share_a_code(world, meeting):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            evaluation=world.published,
            version=meeting.version,
            code=meeting.code,
            subject="findings",
        )
    meeting.closed_at = meeting.opened_at
    meeting.save()
    Meeting.objects.create(  # a closed meeting's code may come again
        evaluation=world.published, version=meeting.version, code=meeting.code, subject="findings"
    )


def test_votes_are_counted_once_per_device_and_changed_not_added(meeting):
    first, second, third = meeting.options.all()
    anna, bo, cecilie = voter(meeting), voter(meeting), voter(meeting)
    assert vote(anna, meeting, first, second).status_code == 302
    assert vote(bo, meeting, first).status_code == 302
    assert vote(cecilie, meeting, third).status_code == 302
    assert vote(anna, meeting, second, third).status_code == 302  # Anna changes her mind
    assert vote(anna, meeting, second, third).status_code == 302  # and sends it twice
    assert counts(meeting) == {first.text: 1, second.text: 1, third.text: 2}
    assert Voice.objects.filter(meeting=meeting).count() == 3
    assert Vote.objects.filter(voice__meeting=meeting).count() == 4
    assert services.tally(meeting)[1] == 3


def test_the_cookie_is_signed_http_only_and_scoped_to_the_meeting(meeting):
    client = Client()
    response = client.get(reverse("meetings:vote", args=[meeting.code]))
    cookie = response.cookies[f"kk_meeting_{meeting.pk}"]
    assert cookie["httponly"] and cookie["path"] == f"/m/{meeting.code}/"
    assert cookie["samesite"] == "Lax"
    client.cookies[f"kk_meeting_{meeting.pk}"] = "forged-device"  # not signed: a new voice
    vote(client, meeting, meeting.options.first())
    assert not Voice.objects.filter(device="forged-device").exists()
    assert Voice.objects.filter(meeting=meeting).count() == 1


def test_refused_votes_change_nothing(meeting, world):
    areas = services.open_meeting(evaluation=world.published, user=world.eva, subject="focus_areas")
    client = voter(areas)
    response = vote(client, areas, *areas.options.all()[:4])  # four: one too many
    assert response.status_code == 422 and b"Choose at most 3" in response.content
    response = vote(client, areas, meeting.options.first())  # another meeting's option
    assert response.status_code == 422 and b"Unknown choice" in response.content
    assert not Vote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_votes_from_one_device_at_the_same_moment_make_one_voice():
    framework = shipped("kommunekompass")
    municipality = make_municipality()
    eva = make_user("eva", evaluator=True)
    evaluation = make_evaluation(
        municipality, framework, evaluators=[eva], status="published", year=2024
    )
    area = FocusArea.objects.get(framework=framework, code="8")
    for text in ["A", "B", "C", "D"]:
        Finding.objects.create(evaluation=evaluation, focus_area=area, kind="weakness", text=text)
    meeting = services.open_meeting(evaluation=evaluation, user=eva, subject="findings")
    a, b, c, d = meeting.options.order_by("position")
    for round_number in range(5):
        device = f"device-{round_number}"
        outcomes = run_together(
            lambda device=device: services.cast(meeting=meeting, device=device, option_ids=[a.pk]),
            lambda device=device: services.cast(
                meeting=meeting, device=device, option_ids=[b.pk, c.pk]
            ),
        )
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
        voice = Voice.objects.get(meeting=meeting, device=device)
        assert set(voice.votes.values_list("option_id", flat=True)) in ({a.pk}, {b.pk, c.pk})
    assert Voice.objects.filter(meeting=meeting).count() == 5
    connection.close()


def test_the_phone_page_and_a_vote_keep_few_queries(meeting, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("meetings:vote", args=[meeting.code])).status_code == 200
    option = meeting.options.first()
    with django_assert_max_num_queries(12):  # savepoints included
        assert vote(client, meeting, option).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_vote_while_closing_is_in_the_result_or_refused():
    framework = shipped("kommunekompass")
    eva = make_user("eva", evaluator=True)
    evaluation = make_evaluation(
        make_municipality(), framework, evaluators=[eva], status="published", year=2024
    )
    area = FocusArea.objects.get(framework=framework, code="8")
    Finding.objects.create(evaluation=evaluation, focus_area=area, kind="weakness", text="A")
    for _round in range(4):
        meeting = services.open_meeting(evaluation=evaluation, user=eva, subject="findings")
        option = meeting.options.get()
        services.cast(meeting=meeting, device="early", option_ids=[option.pk])
        outcomes = run_together(
            lambda m=meeting, o=option: services.cast(meeting=m, device="late", option_ids=[o.pk]),
            lambda m=meeting: services.close_meeting(meeting=m, user=eva),
        )
        assert outcomes[1][0] == "ok", outcomes
        option.refresh_from_db()
        if outcomes[0][0] == "ok":
            assert option.votes == 2
        else:
            assert isinstance(outcomes[0][1], services.MeetingClosed)
            assert option.votes == 1 and not Voice.objects.filter(device="late", meeting=meeting)
    connection.close()


def test_the_presenter_polls_the_counts_every_two_seconds_and_never_shows_who(
    meeting, world, client_factory, django_assert_max_num_queries
):
    first = meeting.options.first()
    vote(voter(meeting), meeting, first)
    client = client_factory(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_assert_max_num_queries(12):
        page = client.get(reverse("meetings:presenter", args=[meeting.pk]))
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and meeting.code in html and "<svg" in html
    assert "<script" not in html.split("</head>")[1]
    with django_assert_max_num_queries(8):
        tally = client.get(reverse("meetings:tally", args=[meeting.pk]))
    assert 'data-count="1"' in tally.content.decode()
    assert "1 voice" in tally.content.decode()
    assert Voice.objects.get().device not in html + tally.content.decode()


def test_joining_with_the_code(meeting):
    client = Client()
    typed = meeting.code.lower()[:3] + " " + meeting.code.lower()[3:]
    response = client.get(reverse("meetings:join"), {"code": typed})
    assert response.status_code == 302 and response.url == f"/m/{meeting.code}/"
    assert client.get(reverse("meetings:join"), {"code": "ZZZZZZ"}).status_code == 404
    assert client.get(reverse("meetings:join")).status_code == 200


def test_closing_stores_the_ranking_as_the_way_forward(meeting, world):
    Priority.objects.create(evaluation=world.published, text="Typed by hand", position=1)
    styring, medvirkning, fravaer = meeting.options.all()
    for choice in [(fravaer, styring), (fravaer,), (fravaer, medvirkning), (styring,)]:
        vote(voter(meeting), meeting, *choice)
    client = Client()
    client.force_login(world.eva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("meetings:close", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert not meeting.is_open and meeting.closed_by == world.eva
    texts = list(world.published.priorities.values_list("text", flat=True))
    assert len(texts) == 3
    assert texts[0].startswith("For høyt sykefravær (3 votes in the council meeting of")
    assert texts[1].startswith("Svak styring (2 votes")
    assert texts[2].startswith("Lite brukermedvirkning (1 vote in")
    ranked = list(Option.objects.filter(meeting=meeting, rank__isnull=False).order_by("rank"))
    assert [(o.text, o.votes) for o in ranked] == [
        ("For høyt sykefravær", 3),
        ("Svak styring", 2),
        ("Lite brukermedvirkning", 1),
    ]
    assert ranked[0].priority.text == texts[0]
    entry = AuditEntry.objects.filter(evaluation=world.published, action="way_forward").get()
    assert entry.old == {"priorities": ["Typed by hand"]}
    assert entry.new["priorities"] == texts
    # Each priority is linked to the finding it was voted as.
    first = world.published.priorities.order_by("position").first()
    assert [f.text for f in first.findings.all()] == ["For høyt sykefravær"]
    assert len(entry.new["links"]) == 3
    # Closed: no more votes, and a second close changes nothing.
    late = Client()
    assert vote(late, meeting, styring).status_code == 404
    assert Vote.objects.filter(voice__meeting=meeting).count() == 6
    client.post(reverse("meetings:close", args=[meeting.pk]))
    assert AuditEntry.objects.filter(action="way_forward").count() == 1
    history = client.get(reverse("evaluations:history", args=[world.published.pk]))
    assert f"Voted in the council meeting {meeting.code}: 4 voices." in history.content.decode()


def test_a_project_started_from_the_first_priority_carries_its_finding(
    meeting, world, findings, client_factory
):
    vote(voter(meeting), meeting, Option.objects.get(meeting=meeting, finding=findings[0]))
    services.close_meeting(meeting=meeting, user=world.coordinator)
    client = client_factory(world.coordinator)
    page = client.get(reverse("meetings:presenter", args=[meeting.pk])).content.decode()
    link = re.search(r'href="(/improvement/\d+/projects/new/\?finding=\d+)"', page).group(1)
    assert link.endswith(f"?finding={findings[0].pk}")
    form = client.get(link).context["form"]
    assert form.initial["findings"] == [findings[0].pk]
    data = {
        "title": "Nærvær",
        "status": "planned",
        "evaluation": world.published.pk,
        "findings": [findings[0].pk],
        "focus_areas": [findings[0].focus_area_id],
    }
    response = client.post(link, data)
    from kommunekompass.improvement.models import Project

    project = Project.objects.get(title="Nærvær")
    assert response.status_code == 302
    assert list(project.findings.all()) == [findings[0]]


# Who may: open, present, poll and close. Readers 403; others 404; anonymous to the login.
HOLDERS = ["admin", "eva", "coordinator"]
REFUSED = {"reader": 403, "otto": 404, "nordhei_reader": 404, "outsider": 404}


@pytest.mark.parametrize("who", HOLDERS + list(REFUSED) + ["anonymous"])
def test_who_may_open_present_and_close(who, world, findings, client_factory):
    client = Client() if who == "anonymous" else client_factory(getattr(world, who))
    opened = services.open_meeting(evaluation=world.published, user=world.eva, subject="findings")
    urls = [
        ("get", reverse("meetings:open", args=[world.published.pk])),
        ("get", reverse("meetings:presenter", args=[opened.pk])),
        ("get", reverse("meetings:tally", args=[opened.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url
        elif who in HOLDERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == REFUSED[who], url
    before = Meeting.objects.count()
    response = client.post(
        reverse("meetings:open", args=[world.published.pk]), {"subject": "focus_areas"}
    )
    close = client.post(reverse("meetings:close", args=[opened.pk]))
    opened.refresh_from_db()
    if who in HOLDERS:
        assert response.status_code == 302 and Meeting.objects.count() == before + 1
        assert not opened.is_open
    else:
        assert Meeting.objects.count() == before and opened.is_open
        assert not Priority.objects.exists()
        if who != "anonymous":
            assert response.status_code == close.status_code == REFUSED[who]


def test_no_meeting_from_a_draft(world, client_factory):
    client = client_factory(world.eva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("meetings:open", args=[world.draft.pk]), {"subject": "focus_areas"}
    )
    assert response.status_code == 422 and not Meeting.objects.exists()
    assert b"published evaluation" in response.content


def test_the_way_forward_page_offers_a_meeting_to_holders_only(world, meeting, client_factory):
    url = reverse("evaluations:way_forward", args=[world.published.pk])
    assert (
        reverse("meetings:open", args=[world.published.pk])
        in client_factory(world.coordinator).get(url).content.decode()
    )
    reader_page = client_factory(world.reader).get(url).content.decode()
    assert "council-meetings" not in reader_page
