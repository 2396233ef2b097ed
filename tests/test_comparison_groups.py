"""Comparison groups people define: who may create, see, change and delete them, by picking
municipalities or by filters, private, shared with a municipality or public; each change in
the group's history; a group a report compares with is never deleted."""

import pytest
from django.conf import settings
from django.urls import reverse

from kommunekompass.comparisons.groups import UnknownGroup, group_choices
from kommunekompass.comparisons.models import ComparisonGroup, GroupChange, ReportGroup
from kommunekompass.comparisons.services import create_group, set_report_group
from tests.factories import make_municipality

ROLES = ["anonymous", "eva", "admin", "otto", "coordinator", "reader", "outsider"]


def client_as(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def groups(world):
    """A private group of Eva's, one she shares with Fjordvik, and a public one of Otto's."""
    w = world
    w.bergen = make_municipality("Bergen kommune", "4601", county="Vestland", population=290000)
    w.sunndal = make_municipality("Sunndal kommune", "1563", county="Møre og Romsdal")
    w.exempelby = make_municipality("Exempelby kommun", "0999", country="SE", population=12000)
    w.private = create_group(
        w.eva, name="Evas private", visibility="private", members=[w.fjordvik, w.bergen]
    )
    w.shared = create_group(
        w.eva,
        name="Fjordviks naboer",
        visibility="municipality",
        municipality=w.fjordvik,
        members=[w.fjordvik, w.sunndal],
    )
    w.public = create_group(
        w.otto, name="Alle i Vestland", visibility="public", members=[w.bergen, w.nordhei]
    )
    return w


def test_the_new_group_form_is_for_evaluators_coordinators_and_admins(client, world):
    url = reverse("comparisons:group_create")
    expected = {"anonymous": 302, "eva": 200, "admin": 200, "otto": 200, "coordinator": 200}
    for role in ROLES:
        client.logout()
        response = client_as(client, world, role).get(url)
        assert response.status_code == expected.get(role, 403), role
    client.logout()
    assert client.post(url, {"name": "x"}).status_code == 302  # to the login page
    assert not ComparisonGroup.objects.exists()


def test_an_evaluator_defines_a_group_by_picking_municipalities(client, world):
    extra = make_municipality("Bergen kommune", "4601")
    client_as(client, world, "eva")
    response = client.post(
        reverse("comparisons:group_create"),
        {
            "name": "Vennskapskommuner",
            "visibility": "private",
            "municipalities": [world.fjordvik.pk, extra.pk],
        },
    )
    assert response.status_code == 302
    group = ComparisonGroup.objects.get()
    assert (group.name, group.visibility, group.created_by, group.municipality) == (
        "Vennskapskommuner",
        "private",
        world.eva,
        None,
    )
    assert set(group.municipalities.all()) == {world.fjordvik, extra}
    [entry] = GroupChange.objects.all()
    assert (entry.action, entry.group, entry.user, entry.group_name) == (
        "created",
        group,
        world.eva,
        "Vennskapskommuner",
    )
    assert entry.new["members"] == ["Bergen kommune", "Fjordvik kommune"]


def test_a_group_by_filters_takes_every_municipality_that_matches(client, groups):
    client_as(client, groups, "coordinator")
    response = client.post(
        reverse("comparisons:group_create"),
        {
            "name": "Store i Vestland",
            "visibility": "private",
            "county": "Vestland",
            "band": "50000",
        },
    )
    assert response.status_code == 302
    group = ComparisonGroup.objects.get(name="Store i Vestland")
    assert list(group.municipalities.all()) == [groups.bergen]
    response = client.post(
        reverse("comparisons:group_create"),
        {
            "name": "Sverige",
            "visibility": "public",
            "country": "SE",
            "municipalities": [groups.fjordvik.pk],
        },
    )
    group = ComparisonGroup.objects.get(name="Sverige")
    assert set(group.municipalities.all()) == {groups.exempelby, groups.fjordvik}


def test_bad_input_is_refused_with_the_field_named(client, groups):
    client_as(client, groups, "otto")
    count = ComparisonGroup.objects.count()
    url = reverse("comparisons:group_create")
    nothing = client.post(url, {"name": "Tom", "visibility": "private", "county": "Finnmark"})
    assert nothing.status_code == 422
    assert "Pick at least one municipality" in nothing.content.decode()
    # Otto neither belongs to nor evaluates Fjordvik: he may not share a group with it.
    foreign = client.post(
        url,
        {
            "name": "Deling",
            "visibility": "municipality",
            "municipality": groups.fjordvik.pk,
            "municipalities": [groups.bergen.pk],
        },
    )
    assert foreign.status_code == 422
    assert ComparisonGroup.objects.count() == count


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", {"public"}),
        ("outsider", {"public"}),
        ("nordhei_reader", {"public"}),
        ("reader", {"public", "shared"}),
        ("coordinator", {"public", "shared"}),
        ("eva", {"public", "shared", "private"}),
        ("otto", {"public"}),
        ("admin", {"public", "shared", "private"}),
    ],
)
def test_who_sees_which_group_on_the_comparison_page(client, groups, role, sees):
    client_as(client, groups, role)
    comparison = reverse("comparisons:comparison")
    for name in ("public", "shared", "private"):
        group = getattr(groups, name)
        response = client.get(comparison, {"group": f"custom-{group.pk}"})
        assert response.status_code == (200 if name in sees else 404), name
        listed = f'value="custom-{group.pk}"' in client.get(comparison).content.decode()
        assert listed is (name in sees)


def test_the_list_shows_the_groups_one_sees_and_only_the_owner_changes_them(client, groups):
    html = client_as(client, groups, "coordinator").get(reverse("comparisons:groups"))
    html = html.content.decode()
    assert "Fjordviks naboer" in html and "Alle i Vestland" in html
    assert "Evas private" not in html
    assert reverse("comparisons:group_edit", args=[groups.shared.pk]) not in html
    assert client.get(reverse("comparisons:groups")).status_code == 200
    client.logout()
    assert client.get(reverse("comparisons:groups")).status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("otto", 404),
        ("reader", 403),
        ("coordinator", 403),
        ("eva", 200),
        ("admin", 200),
    ],
)
def test_who_may_change_a_group(client, groups, role, status):
    client_as(client, groups, role)
    url = reverse("comparisons:group_edit", args=[groups.shared.pk])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {
            "version": groups.shared.version,
            "name": "Nytt navn",
            "visibility": "public",
            "municipalities": [groups.bergen.pk],
        },
    )
    groups.shared.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert (groups.shared.name, groups.shared.visibility, groups.shared.municipality) == (
            "Nytt navn",
            "public",
            None,
        )
        assert list(groups.shared.municipalities.all()) == [groups.bergen]
        entry = GroupChange.objects.filter(group=groups.shared, action="changed").get()
        assert entry.old == {
            "name": "Fjordviks naboer",
            "visibility": "municipality",
            "municipality": "Fjordvik kommune",
            "members": ["Fjordvik kommune", "Sunndal kommune"],
        }
        assert entry.new["members"] == ["Bergen kommune"]
        page = client.get(url).content.decode()
        assert "Comparison group changed" in page and "Comparison group created" in page
    else:
        assert response.status_code == status
        assert groups.shared.name == "Fjordviks naboer"
        assert not GroupChange.objects.filter(action="changed").exists()


def test_a_change_from_an_old_version_is_refused(client, groups):
    client_as(client, groups, "eva")
    url = reverse("comparisons:group_edit", args=[groups.private.pk])
    fields = {"name": "Først", "visibility": "private", "municipalities": [groups.bergen.pk]}
    assert client.post(url, {**fields, "version": 1}).status_code == 302
    late = client.post(url, {**fields, "name": "Sist", "version": 1})
    assert late.status_code == 422 and "Someone else changed the group" in late.content.decode()
    groups.private.refresh_from_db()
    assert (groups.private.name, groups.private.version) == ("Først", 2)


def test_a_group_a_report_compares_with_is_not_deleted_and_says_why(client, groups):
    set_report_group(groups.draft, f"custom-{groups.private.pk}", groups.eva)
    client_as(client, groups, "eva")
    edit = reverse("comparisons:group_edit", args=[groups.private.pk])
    assert "Fjordvik kommune 2026" in client.get(edit).content.decode()
    response = client.post(
        reverse("comparisons:group_delete", args=[groups.private.pk]), follow=True
    )
    html = response.content.decode()
    assert "The group cannot be deleted" in html and "Fjordvik kommune 2026" in html
    assert ComparisonGroup.objects.filter(pk=groups.private.pk).exists()
    assert ReportGroup.objects.get(evaluation=groups.draft).custom_group == groups.private


def test_deleting_a_group_keeps_its_history(client, groups):
    delete = reverse("comparisons:group_delete", args=[groups.public.pk])
    client_as(client, groups, "eva")
    assert client.post(delete).status_code == 403  # Otto's group
    assert client.get(delete).status_code == 405
    client_as(client, groups, "otto")
    assert client.post(delete).status_code == 302
    assert not ComparisonGroup.objects.filter(pk=groups.public.pk).exists()
    actions = list(
        GroupChange.objects.filter(group_name="Alle i Vestland")
        .order_by("id")
        .values_list("action", "group", "user")
    )
    assert actions == [("created", None, groups.otto.pk), ("deleted", None, groups.otto.pk)]


def test_a_report_compares_only_with_a_group_its_evaluator_may_see(client, groups):
    with pytest.raises(UnknownGroup):
        set_report_group(groups.nordhei_draft, f"custom-{groups.private.pk}", groups.otto)
    client_as(client, groups, "otto")
    url = reverse("comparisons:report_group", args=[groups.nordhei_draft.pk])
    client.post(url, {"group": f"custom-{groups.private.pk}"})
    assert not ReportGroup.objects.filter(evaluation=groups.nordhei_draft).exists()
    client.post(url, {"group": f"custom-{groups.public.pk}"})
    assert ReportGroup.objects.get(evaluation=groups.nordhei_draft).custom_group == groups.public
    keys = {key for key, _name in group_choices(groups.otto)}
    assert f"custom-{groups.public.pk}" in keys and f"custom-{groups.private.pk}" not in keys


def test_the_database_keeps_a_shared_group_to_its_municipality(groups):
    from django.db import IntegrityError, transaction

    for visibility, municipality in (
        ("municipality", None),
        ("public", groups.fjordvik),
        ("secret", None),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ComparisonGroup.objects.create(
                name="x", visibility=visibility, municipality=municipality
            )
