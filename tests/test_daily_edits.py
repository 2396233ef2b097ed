"""Daily edits without the admin (issue 12): a draft's details, deleting a draft made by
mistake, the evidence's version check, the way forward linked to findings and focus areas
(entered by coordinators too), and municipalities. Services and views, each with who may not."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Municipality,
    Priority,
)
from kommunekompass.evaluations.services import evidence as evidence_service
from kommunekompass.evaluations.services import municipalities as municipality_service
from kommunekompass.evaluations.services import settings as settings_service
from kommunekompass.evaluations.services import way_forward as way_forward_service
from kommunekompass.evaluations.services.base import ServiceError, StaleEdit
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.frameworks.models import FocusArea


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def area(world, code):
    return FocusArea.objects.get(framework=world.framework, code=code)


def finding(world, evaluation=None, code="3", text="Lite oppfølging av mål"):
    return Finding.objects.create(
        evaluation=evaluation or world.draft,
        focus_area=area(world, code),
        kind="challenge",
        text=text,
    )


def score(world, evaluation=None):
    save_score(
        evaluation=evaluation or world.draft,
        question=world.framework.questions.get(code="1.1.1"),
        levels={"system": 1},
        reason="x",
        expected_version=0,
        user=world.eva,
    )


# The details of a draft: year, date and framework.


def test_a_drafts_year_date_and_framework_change_with_history(world, caf_framework):
    seen = settings_service.details_seen(world.draft)
    assert settings_service.change_details(
        evaluation=world.draft,
        user=world.eva,
        year=2027,
        date=datetime.date(2027, 3, 1),
        framework=caf_framework,
        seen=seen,
    )
    stored = Evaluation.objects.get(pk=world.draft.pk)
    assert (stored.year, str(stored.date), stored.framework) == (2027, "2027-03-01", caf_framework)
    entry = AuditEntry.objects.filter(evaluation=stored, action="details_changed").get()
    assert entry.old["year"] == 2026 and entry.new["year"] == 2027
    assert entry.user == world.eva and "framework" in entry.new
    # A page opened before this change is refused, and nothing more is written.
    with pytest.raises(StaleEdit):
        settings_service.change_details(
            evaluation=stored, user=world.eva, year=2028, date=None, seen=seen
        )
    assert Evaluation.objects.get(pk=stored.pk).year == 2027


def test_the_framework_is_fixed_once_something_refers_to_it(world, caf_framework):
    finding(world)
    with pytest.raises(ServiceError) as refused:
        settings_service.change_details(
            evaluation=world.draft, user=world.eva, year=2026, date=None, framework=caf_framework
        )
    assert refused.value.field == "framework"
    assert Evaluation.objects.get(pk=world.draft.pk).framework == world.framework


def test_a_year_taken_by_another_evaluation_is_refused_by_name(world):
    with pytest.raises(ServiceError) as refused:
        settings_service.change_details(
            evaluation=world.draft, user=world.eva, year=2023, date=None
        )
    assert refused.value.field == "year" and "Fjordvik kommune 2023" in str(refused.value)
    assert not AuditEntry.objects.filter(action="details_changed").exists()


def test_details_change_only_in_draft(world):
    Evaluation.objects.filter(pk=world.draft.pk).update(status="in_review")
    world.draft.refresh_from_db()
    with pytest.raises(ServiceError):
        settings_service.change_details(
            evaluation=world.draft, user=world.eva, year=2027, date=None
        )
    assert Evaluation.objects.get(pk=world.draft.pk).year == 2026


def test_the_details_form_changes_the_framework_and_reports_a_stale_page(
    client, world, caf_framework
):
    client.force_login(world.eva)
    url = reverse("evaluations:details", args=[world.draft.pk])
    seen = settings_service.details_seen(world.draft)
    data = {"year": 2027, "date": "", "framework": caf_framework.pk, "seen": seen}
    assert client.post(url, data).status_code == 302
    stored = Evaluation.objects.get(pk=world.draft.pk)
    assert stored.year == 2027 and stored.framework == caf_framework
    client.post(url, {**data, "year": 2029})  # the same stale page again
    assert Evaluation.objects.get(pk=world.draft.pk).year == 2027
    page = client.get(reverse("evaluations:detail", args=[world.draft.pk])).content.decode()
    assert 'id="details-form"' in page


def test_the_overview_shows_the_details_form_only_in_draft(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.eva)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("evaluations:detail", args=[world.draft.pk]))
    assert 'id="details-form"' in page.content.decode()
    assert 'id="delete-draft"' in page.content.decode()
    client.force_login(world.coordinator)
    page = client.get(reverse("evaluations:detail", args=[world.draft.pk])).content.decode()
    assert 'id="details-form"' not in page and 'id="delete-draft"' not in page


# Deleting a draft made by mistake.


def test_a_draft_without_scores_is_deleted_and_its_history_kept(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    draft = world.draft
    Interview.objects.create(evaluation=draft, role="mayor")
    evidence = evidence_service.add_evidence(
        evaluation=draft,
        user=world.eva,
        title="Plan",
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        content_type="application/pdf",
    )
    path = tmp_path / evidence.file.name
    assert path.exists()
    entries = AuditEntry.objects.filter(evaluation=draft).count()
    with django_capture_on_commit_callbacks(execute=True):
        settings_service.delete_draft(evaluation=draft, user=world.eva)
    assert not Evaluation.objects.filter(pk=draft.pk).exists()
    assert not Interview.objects.exists() and not Evidence.objects.exists()
    assert not path.exists()
    kept = AuditEntry.objects.filter(municipality=world.fjordvik, evaluation__isnull=True)
    assert kept.count() == entries + 1
    deletion = kept.get(action="evaluation_deleted")
    assert deletion.subject == "Fjordvik kommune 2026" and deletion.user == world.eva
    assert deletion.old["interviews"] == 1 and deletion.old["evidence"] == 1


@pytest.mark.parametrize("case", ["scored", "published", "in_review"])
def test_deleting_is_refused_with_a_reason(world, case):
    evaluation = world.draft
    if case == "scored":
        score(world)
    elif case == "published":
        evaluation = world.published
    else:
        Evaluation.objects.filter(pk=evaluation.pk).update(status="in_review")
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        settings_service.delete_draft(evaluation=evaluation, user=world.eva)
    assert "withdraw" in str(refused.value).lower()
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()
    assert not AuditEntry.objects.filter(action="evaluation_deleted").exists()


ROLES = ["anonymous", "eva", "otto", "coordinator", "reader", "outsider"]
REFUSED = {"anonymous": "login", "otto": 404, "coordinator": 403, "reader": 404, "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_delete_a_draft(client, world, role):
    url = reverse("evaluations:delete", args=[world.draft.pk])
    if role != "anonymous":
        client.force_login(getattr(world, role))
    response = client.post(url)
    if role == "eva":
        assert response.status_code == 302
        assert not Evaluation.objects.filter(pk=world.draft.pk).exists()
        return
    expected = REFUSED[role]
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    assert Evaluation.objects.filter(pk=world.draft.pk).exists()


def test_the_deletion_page_says_what_goes_or_why_not(english, world):
    english.force_login(world.eva)
    Interview.objects.create(evaluation=world.draft, role="mayor")
    page = english.get(reverse("evaluations:delete", args=[world.draft.pk]))
    assert page.status_code == 200 and "1 interview" in page.content.decode()
    score(world)
    refused = english.get(reverse("evaluations:delete", args=[world.draft.pk]))
    assert refused.status_code == 403 and "It has scores" in refused.content.decode()
    assert english.post(reverse("evaluations:delete", args=[world.draft.pk])).status_code == 403
    published = english.get(reverse("evaluations:delete", args=[world.published.pk]))
    assert (
        published.status_code == 403 and "published versions are kept" in published.content.decode()
    )
    assert Evaluation.objects.filter(pk=world.draft.pk).exists()


# Evidence: a version check like scores have.


def test_a_stale_evidence_edit_is_refused(client, world):
    item = Evidence.objects.create(evaluation=world.draft, title="Nettside", url="https://a.no")
    assert evidence_service.change_evidence(
        evidence=item, user=world.eva, title="Nettsiden", expected_version=1
    )
    assert not evidence_service.change_evidence(
        evidence=item, user=world.eva, title="Utdatert", expected_version=1
    )
    item.refresh_from_db()
    assert item.title == "Nettsiden" and item.version == 2
    client.force_login(world.eva)
    url = reverse("evaluations:evidence_edit", args=[world.draft.pk, item.pk])
    stale = client.post(url, {"title": "Også utdatert", "url": "https://a.no", "version": 1})
    assert stale.status_code == 409 and "Også utdatert" in stale.content.decode()
    assert Evidence.objects.get(pk=item.pk).title == "Nettsiden"
    assert AuditEntry.objects.filter(action="evidence_changed").count() == 1


# The way forward: ordered priorities linked to findings and focus areas.


def test_priorities_link_findings_and_focus_areas_with_history(world):
    challenge = finding(world)
    priority = way_forward_service.add_priority(
        evaluation=world.draft,
        user=world.coordinator,
        text="Mål og oppfølging",
        focus_areas=[area(world, "3")],
        findings=[challenge],
    )
    assert [a.code for a in priority.focus_areas.all()] == ["3"]
    assert list(priority.findings.all()) == [challenge]
    entry = AuditEntry.objects.get(action="way_forward")
    assert entry.user == world.coordinator
    assert entry.new["priorities"] == ["Mål og oppfølging"]
    assert entry.new["links"][0].startswith("1. 3; 3 ")
    # A finding of another evaluation, or an area of another framework, is refused.
    other = finding(world, evaluation=world.nordhei_draft)
    with pytest.raises(ServiceError) as refused:
        way_forward_service.change_priority(
            priority=priority, user=world.eva, text="x", findings=[other]
        )
    assert refused.value.field == "findings"
    assert list(Priority.objects.get(pk=priority.pk).findings.all()) == [challenge]


def test_a_coordinator_enters_the_way_forward_on_its_page(
    client, world, django_assert_max_num_queries
):
    challenge = finding(world)
    client.force_login(world.coordinator)
    url = reverse("evaluations:way_forward", args=[world.draft.pk])
    response = client.post(
        url,
        {
            "text": "Bedre målstyring",
            "focus_areas": [area(world, "3").pk],
            "findings": [challenge.pk],
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get(evaluation=world.draft)
    assert priority.text == "Bedre målstyring" and list(priority.findings.all()) == [challenge]
    way_forward_service.add_priority(evaluation=world.draft, user=world.eva, text="HMS")
    with django_assert_max_num_queries(20):
        page = client.get(url)
    text = page.content.decode()
    assert 'id="priority-form"' in text and "Lite oppfølging av mål" in text
    edit = reverse("evaluations:priority_edit", args=[world.draft.pk, priority.pk])
    assert client.post(edit, {"text": "Bedre målstyring", "findings": []}).status_code == 302
    assert not Priority.objects.get(pk=priority.pk).findings.exists()


@pytest.mark.parametrize(
    "who, evaluation, expected",
    [
        ("reader", "published", 403),  # reads the way forward, changes nothing
        ("nordhei_reader", "published", 404),
        ("otto", "draft", 404),
        ("coordinator", "published", 403),  # published: reopened first
        ("coordinator", "nordhei_draft", 404),  # another municipality
    ],
)
def test_who_may_not_change_the_way_forward(client, world, who, evaluation, expected):
    client.force_login(getattr(world, who))
    url = reverse("evaluations:way_forward", args=[getattr(world, evaluation).pk])
    assert client.post(url, {"text": "Ny prioritet"}).status_code == expected
    assert not Priority.objects.exists()
    assert not AuditEntry.objects.filter(action="way_forward").exists()


def test_the_way_forward_of_a_published_version_is_frozen_and_the_next_carries_it(world):
    from kommunekompass.evaluations.models import PublishedVersion
    from kommunekompass.evaluations.services.workflow import change_status

    published = world.published
    first = PublishedVersion.objects.get(evaluation=published, number=1)
    before = dict(first.data)
    challenge = finding(world, evaluation=published)  # as it was published
    Evaluation.objects.filter(pk=published.pk).update(status="draft")
    published.refresh_from_db()
    way_forward_service.add_priority(
        evaluation=published,
        user=world.coordinator,
        text="Bedre målstyring",
        focus_areas=[area(world, "3")],
        findings=[challenge],
    )
    way_forward_service.add_priority(evaluation=published, user=world.coordinator, text="HMS")
    published.evaluators.add(world.otto)
    change_status(published, "submit", world.eva, "", confirm_missing=True)
    change_status(published, "publish", world.otto, "", confirm_missing=True)
    second = PublishedVersion.objects.get(evaluation=published, number=2)
    assert second.data["priorities"] == ["Bedre målstyring", "HMS"]
    assert second.data["priority_links"][0]["areas"] == ["3"]
    assert second.data["priority_links"][0]["findings"][0]["text"] == "Lite oppfølging av mål"
    assert second.data["priority_links"][1] == {"areas": [], "findings": []}
    assert any(change["code"] == "way_forward" for change in second.changes)
    first.refresh_from_db()
    assert first.data == before and first.data["priorities"] == []


# Municipalities.


def test_municipalities_are_added_and_changed_with_history(world):
    added = municipality_service.add_municipality(
        user=world.eva,
        name=" Sørvik kommune ",
        number="9903",
        county="",
        country="NO",
        population=None,
    )
    assert added.name == "Sørvik kommune"
    assert AuditEntry.objects.get(action="municipality_added").municipality == added
    with pytest.raises(ServiceError) as taken:
        municipality_service.add_municipality(
            user=world.eva, name="Kopi", number="9903", county="", country="NO", population=None
        )
    assert taken.value.field == "number"
    seen = municipality_service.municipality_seen(added)
    assert municipality_service.change_municipality(
        municipality=added, user=world.admin, seen=seen, county="Vestland", population=5100
    )
    entry = AuditEntry.objects.get(action="municipality_changed")
    assert entry.old == {"county": "", "population": None}
    assert entry.new == {"county": "Vestland", "population": 5100}
    with pytest.raises(StaleEdit):
        municipality_service.change_municipality(
            municipality=added, user=world.admin, seen=seen, population=1
        )
    assert Municipality.objects.get(pk=added.pk).population == 5100


def test_the_database_refuses_an_empty_name_or_number(world):
    from django.db import IntegrityError, transaction

    for values in ({"name": ""}, {"number": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Municipality.objects.filter(pk=world.fjordvik.pk).update(**values)


def test_a_site_administrator_changes_every_field(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    url = reverse("evaluations:municipality_edit", args=[world.nordhei.pk])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    data = {
        "name": "Nordhei",
        "number": "9912",
        "county": "Innlandet",
        "country": "NO",
        "population": "4200",
        "seen": municipality_service.municipality_seen(world.nordhei),
    }
    assert client.post(url, data).status_code == 302
    stored = Municipality.objects.get(pk=world.nordhei.pk)
    assert (stored.name, stored.number, stored.population) == ("Nordhei", "9912", 4200)
    taken = client.post(url, {**data, "number": "9901", "seen": ""})
    assert taken.status_code == 422
    assert Municipality.objects.get(pk=world.nordhei.pk).number == "9912"


def test_a_coordinator_changes_county_and_population_of_their_own_only(client, world):
    client.force_login(world.coordinator)
    url = reverse("evaluations:municipality_edit", args=[world.fjordvik.pk])
    response = client.post(
        url, {"county": "Vestland", "population": "5123", "name": "Ny", "number": "1"}
    )
    assert response.status_code == 302
    stored = Municipality.objects.get(pk=world.fjordvik.pk)
    assert (stored.county, stored.population) == ("Vestland", 5123)
    assert (stored.name, stored.number) == ("Fjordvik kommune", "9901")
    assert AuditEntry.objects.get(action="municipality_changed").user == world.coordinator
    history = client.get(reverse("evaluations:municipality_history", args=[world.fjordvik.pk]))
    assert "Vestland" in history.content.decode()
    other = reverse("evaluations:municipality_edit", args=[world.nordhei.pk])
    assert client.post(other, {"county": "X", "population": "1"}).status_code == 404


@pytest.mark.parametrize(
    "who, expected", [("eva", 403), ("reader", 404), ("outsider", 404), ("anonymous", "login")]
)
def test_who_may_not_change_a_municipality(client, world, who, expected):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    url = reverse("evaluations:municipality_edit", args=[world.fjordvik.pk])
    response = client.post(url, {"county": "X", "population": "1"})
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    assert Municipality.objects.get(pk=world.fjordvik.pk).county == ""
    assert not AuditEntry.objects.filter(action="municipality_changed").exists()


def test_an_evaluator_adds_a_municipality_in_the_history(client, world):
    client.force_login(world.eva)
    response = client.post(
        reverse("evaluations:municipalities"),
        {
            "name": "Sørvik kommune",
            "number": "9903",
            "country": "NO",
            "county": "",
            "population": "",
        },
    )
    assert response.status_code == 302
    added = Municipality.objects.get(number="9903")
    assert AuditEntry.objects.get(action="municipality_added", municipality=added).user == world.eva


def test_a_stale_priority_edit_is_refused_and_the_text_is_shown(client, world):
    priority = way_forward_service.add_priority(evaluation=world.draft, user=world.eva, text="HMS")
    assert way_forward_service.change_priority(
        priority=priority, user=world.eva, text="HMS-løft", expected_version=1
    )
    client.force_login(world.coordinator)
    url = reverse("evaluations:priority_edit", args=[world.draft.pk, priority.pk])
    stale = client.post(url, {"text": "Utdatert tekst", "version": 1})
    assert stale.status_code == 409 and "Utdatert tekst" in stale.content.decode()
    stored = Priority.objects.get(pk=priority.pk)
    assert stored.text == "HMS-løft" and stored.version == 2
    assert AuditEntry.objects.filter(action="way_forward").count() == 2
