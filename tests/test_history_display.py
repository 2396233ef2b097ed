"""The history as people read it: the pure formatter, and the history pages."""

from types import SimpleNamespace

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from kommunekompass.evaluations.history_display import describe
from kommunekompass.evaluations.services import memberships
from kommunekompass.evaluations.services.findings import add_finding, change_finding
from kommunekompass.evaluations.services.interviews import add_interview
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.loader import shipped_framework_files
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.frameworks.spec import spec_from_document


@pytest.fixture(scope="module")
def spec():
    """The Kommunekompass 2020 spec read from its file: the formatter needs no database."""
    path = next(p for p in shipped_framework_files() if p.name == "kommunekompass-2020.yaml")
    return spec_from_document(yaml.safe_load(path.read_text(encoding="utf-8")))


def entry(action, subject="", old=None, new=None, note=""):
    return SimpleNamespace(action=action, subject=subject, old=old, new=new, note=note)


def nb(entry_, spec_=None):
    with translation.override("nb"):
        return describe(entry_, spec_, "nb")


def test_a_status_change_shows_the_status_labels(spec):
    line = nb(entry("status", "submit", {"status": "draft"}, {"status": "in_review"}))
    assert line.rows == [("Status", "Utkast", "Til gjennomgang")]
    assert line.title.startswith("Status endret")


def test_a_score_shows_the_dimension_names_and_the_question_text(spec):
    line = nb(
        entry(
            "score",
            "1.1.1",
            None,
            {"levels": {"scope": 1, "system": 2, "result": 0}, "reason": "Strategi finnes"},
        ),
        spec,
    )
    assert line.title.startswith("Poeng endret: 1.1.1 Hvordan har kommunen beskrevet")
    assert len(line.title) < 120  # the short text, not the whole question
    # (The label "Levels" reads "Nivåer" once the lead merges the nb texts of this branch.)
    assert [row[1:] for row in line.rows] == [
        ("–", "System/prosess: 2, Omfang: 1, Resultat/analyse: 0"),
        ("–", "Strategi finnes"),
    ]
    assert line.rows[0][0] in ("Levels", "Nivåer") and line.rows[1][0] == "Begrunnelse"


def test_only_what_changed_is_listed(spec):
    line = nb(
        entry(
            "score",
            "1.1.1",
            {"levels": {"system": 1}, "reason": "Samme"},
            {"levels": {"system": 2}, "reason": "Samme"},
        ),
        spec,
    )
    assert [(old, new) for _label, old, new in line.rows] == [
        ("System/prosess: 1", "System/prosess: 2")
    ]


def test_a_finding_shows_its_area_kind_and_questions(spec):
    line = nb(
        entry(
            "finding_changed",
            "1 #12",
            {"kind": "strength", "text": "Gode nettsider", "questions": []},
            {"kind": "weakness", "text": "Gode nettsider", "questions": ["1.1.1"]},
        ),
        spec,
    )
    assert line.title == "Funn endret: Fokusområde 1. Offentlighet og demokrati"
    rows = {label: (old, new) for label, old, new in line.rows}
    assert rows["Type"] == ("Styrke", "Svakhet")
    assert rows["Spørsmål"][0] == "–"
    assert rows["Spørsmål"][1].startswith("1.1.1 Hvordan har kommunen")


def test_an_interview_shows_its_group_date_and_booleans(spec):
    line = nb(
        entry(
            "interview_added",
            "#3",
            None,
            {
                "role": "mayor",
                "date": "2026-11-22",
                "held": True,
                "participants": "",
                "notes": "Notat",
                "questions": [],
            },
        ),
        spec,
    )
    assert line.title.endswith("Ordfører og formannskap")
    rows = {label: new for label, _old, new in line.rows}
    assert rows["Dato"] == "22. november 2026"
    assert rows["Holdt"] == "Ja" and rows["Notater"] == "Notat" and rows["Deltakere"] == "–"


def test_membership_roles_and_a_comparison_group_show_their_names():
    line = nb(entry("membership_changed", "Kari", {"role": "reader"}, {"role": "coordinator"}))
    assert line.rows[0][1:] == ("Leser", "Kommunal koordinator")
    assert "Kari" in line.title
    group = nb(
        entry(
            "comparison_group", "", {"key": "all", "name": "Alle"}, {"key": "c:1", "name": "Norge"}
        )
    )
    assert [row[1:] for row in group.rows] == [("Alle", "Norge")]  # the key is not shown


def test_the_way_forward_is_a_numbered_list():
    line = nb(entry("way_forward", "add", {"priorities": []}, {"priorities": ["HMS", "Ledelse"]}))
    assert line.rows[0][1:] == ("–", "1. HMS\n2. Ledelse")


@pytest.fixture
def eva(client, world):
    client.force_login(world.eva)
    return client


def test_the_history_page_shows_readable_rows_and_no_keys(
    eva, world, django_assert_max_num_queries
):
    question = world.framework.questions.get(code="1.1.1")
    save_score(
        evaluation=world.draft,
        question=question,
        levels={"system": 2, "scope": 1, "result": 0},
        reason="Strategi finnes",
        expected_version=0,
        user=world.eva,
    )
    area = FocusArea.objects.get(framework=world.framework, code="1")
    finding = add_finding(
        evaluation=world.draft,
        focus_area=area,
        kind="strength",
        text="Gode nettsider",
        questions=[question],
        user=world.eva,
    )
    change_finding(
        finding=finding,
        kind="weakness",
        text="Gode nettsider",
        questions=[],
        expected_version=1,
        user=world.eva,
    )
    add_interview(evaluation=world.draft, user=world.eva, role="mayor", held=False)
    change_status(world.draft, "submit", world.eva)
    with django_assert_max_num_queries(12):
        response = eva.get(reverse("evaluations:history", args=[world.draft.pk]))
    page = response.content.decode()
    assert "Status" in page and "Utkast" in page and "Til gjennomgang" in page
    assert "System/prosess: 2, Omfang: 1, Resultat/analyse: 0" in page
    assert "Styrke" in page and "Svakhet" in page and "Ordfører og formannskap" in page
    for key in ("in_review", "questions: [", "&#x27;", "{", "strength", "weakness", "mayor"):
        assert key not in page.split('<table class="table history">')[-1], key


def test_the_history_page_is_for_the_team(client, world):
    url = reverse("evaluations:history", args=[world.draft.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for person, expected in [
        (world.otto, 404),
        (world.reader, 404),
        (world.outsider, 404),
        (world.coordinator, 403),
        (world.admin, 200),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == expected, person


def test_the_municipality_history_shows_roles_granted_changed_and_revoked(client, world):
    membership = memberships.grant_membership(
        user=world.admin, person_user=world.outsider, municipality=world.fjordvik, role="reader"
    )
    memberships.change_membership(user=world.admin, membership=membership, role="coordinator")
    url = reverse("evaluations:municipality_history", args=[world.fjordvik.pk])
    assert client.get(url).status_code == 302
    for person, expected in [
        (world.reader, 404),
        (world.eva, 404),
        (world.nordhei_reader, 404),
        (world.coordinator, 200),
        (world.admin, 200),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == expected, person
    page = client.get(url).content.decode()
    assert "Outsider" in page and "Leser" in page and "Kommunal koordinator" in page
    assert "reader" not in page.split('<table class="table history">')[-1]
