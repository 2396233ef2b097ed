"""The public front page at `/` for visitors who are not logged in: the published reports by
municipality, searchable without JavaScript, and the comparison of published results; never a
draft or the improvement programme."""

import pytest
from django.conf import settings
from django.urls import reverse

from kommunekompass.improvement.models import Programme, Project
from tests.factories import make_evaluation, make_municipality
from tests.test_comparisons import group_world  # noqa: F401 (a fixture)


def front(client, **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def report(evaluation):
    return f'href="{reverse("reports:report", args=[evaluation.pk])}"'


def test_anonymous_visitors_find_the_published_reports_and_a_way_to_log_in(client, world):
    programme = Programme.objects.create(municipality=world.fjordvik)
    Project.objects.create(programme=programme, title="Hemmelig prosjekt")
    html = front(client)
    assert report(world.published) in html and "Fjordvik kommune" in html
    assert report(world.draft) not in html  # drafts never
    assert "Nordhei kommune" not in html  # nothing published
    assert "Hemmelig prosjekt" not in html  # the programme is not public
    assert f'href="{reverse("login")}"' in html
    assert "Welcome" not in html
    # The front page has an address of its own, for those who are logged in.
    assert client.get(reverse("front_page")).status_code == 200


def test_a_withdrawn_or_never_published_evaluation_is_not_listed(client, world):
    withdrawn = make_evaluation(world.nordhei, world.framework, status="published", year=2020)
    withdrawn.status = "withdrawn"
    withdrawn.save(update_fields=["status"])
    assert "Nordhei kommune" not in front(client)


@pytest.mark.parametrize(
    ("search", "found"),
    [("fjord", True), ("9901", True), ("Vestland", True), ("Nordhei", False), ("99019", False)],
)
def test_the_search_finds_by_name_number_or_county(client, world, search, found):
    world.fjordvik.county = "Vestland"
    world.fjordvik.save()
    html = front(client, q=search)
    assert (report(world.published) in html) is found
    assert f'value="{search}"' in html  # the form keeps what was asked
    if not found:
        assert "No municipality with a published report matches the search." in html


def test_it_compares_the_published_results(client, group_world):  # noqa: F811
    html = front(client)
    comparison = html[html.index('id="comparison"') :]
    # Storby 480, Exempelby 440, Lillevik 320 (their latest published rounds), drafts left out.
    assert comparison.index("Storby kommune") < comparison.index("Exempelby kommun")
    assert comparison.index("Exempelby kommun") < comparison.index("Lillevik kommune")
    assert "<svg" in comparison and "413" in comparison  # the average, (480 + 440 + 320) / 3
    assert reverse("comparisons:comparison") in comparison


def test_signed_in_people_get_their_home_with_a_link_to_the_front_page(client, world):
    client.force_login(world.reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Welcome" in html and reverse("front_page") in html
    public = client.get(reverse("front_page")).content.decode()
    assert report(world.published) in public and f'href="{reverse("home")}"' in public


def test_the_front_page_keeps_its_query_count_flat(
    client,
    group_world,
    django_assert_max_num_queries,  # noqa: F811
):
    client.get(reverse("home"))  # computes and stores the summaries
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("home"))
    baseline = len(few)
    framework = group_world["framework"]
    for number in range(30):
        municipality = make_municipality(f"Kommune {number:02d}", f"97{number:02d}")
        make_evaluation(municipality, framework, status="published", year=2023)
    client.get(reverse("home"))
    with django_assert_max_num_queries(baseline):
        html = client.get(reverse("home"), {"page": 2}).content.decode()
    assert "Kommune 29" in html  # 33 municipalities, 25 on a page
