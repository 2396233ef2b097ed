"""Every API endpoint for every role: anonymous, reader of Fjordvik (A), coordinator of A,
the evaluator on A's team, a reader of Nordhei (B), and the site administrator. The access
rules are the pages' (tests/test_evaluation_access.py): 404 for what one may not see, 403 for
what one may see but not do, and 401 where a token is needed and none (or a bad one) is given.
A draft is never visible without the right."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kommunekompass.api.tokens import create_token
from kommunekompass.improvement.models import Measurement

ROLES = ["anonymous", "reader", "coordinator", "eva", "nordhei_reader", "admin"]


@pytest.fixture
def tokens(programme):
    w = programme
    return {
        role: None if role == "anonymous" else create_token(getattr(w, role), "test")[1]
        for role in ROLES + ["leader"]
    }


def call(client, tokens, role, method, url, **extra):
    if tokens.get(role):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {tokens[role]}"
    return getattr(client, method)(url, **extra)


def statuses(client, tokens, method, url, roles=ROLES, **extra):
    return [call(client, tokens, role, method, url, **extra).status_code for role in roles]


def test_public_endpoints_answer_everyone(client, programme, tokens):
    for url in [
        "/api/frameworks",
        "/api/frameworks/kommunekompass/2020",
        "/api/results",
        "/api/comparison-groups",
        "/api/rankings?group=all&include_incomplete=true",
        f"/api/evaluations/{programme.published.pk}",
        f"/api/evaluations/{programme.published.pk}/versions/1",
    ]:
        assert statuses(client, tokens, "get", url) == [200] * len(ROLES), url
    assert client.get("/api/frameworks/kommunekompass/1999").status_code == 404


def test_a_draft_is_seen_only_by_those_who_may(client, programme, tokens):
    w = programme
    draft = w.draft.pk
    #            anonymous reader coordinator eva nordhei admin
    seeing = [404, 404, 200, 200, 404, 200]
    assert statuses(client, tokens, "get", f"/api/evaluations/{draft}") == seeing
    assert statuses(client, tokens, "get", f"/api/evaluations/{draft}/live") == seeing
    # never published: no version for anyone
    assert statuses(client, tokens, "get", f"/api/evaluations/{draft}/versions/1") == [404] * 6
    for role, expected in zip(ROLES, seeing, strict=True):
        listed = call(client, tokens, role, "get", "/api/evaluations?limit=200").json()
        ids = {item["id"] for item in listed["items"]}
        assert (draft in ids) == (expected == 200), role
        assert w.nordhei_draft.pk not in ids or role == "admin", role
        assert w.published.pk in ids, role
    # nor in the published results, for anyone
    for role in ROLES:
        results = call(client, tokens, role, "get", "/api/results?limit=200").json()
        assert {item["evaluation_id"] for item in results["items"]} == {w.published.pk}


def test_live_figures_of_a_published_evaluation_need_the_scores_right(client, programme, tokens):
    url = f"/api/evaluations/{programme.published.pk}/live"
    assert statuses(client, tokens, "get", url) == [404, 200, 200, 200, 404, 200]


def test_a_session_is_not_a_token(client, programme):
    client.force_login(programme.coordinator)
    assert client.get(f"/api/evaluations/{programme.draft.pk}").status_code == 404
    assert client.get("/api/me").status_code == 401


def test_a_wrong_token_is_refused_even_on_public_endpoints(client, programme):
    for header in ["Bearer kk_wrongwrongwrongwrong", "Bearer ", "Basic abc"]:
        response = client.get("/api/frameworks", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_me_needs_a_token(client, programme, tokens):
    assert statuses(client, tokens, "get", "/api/me") == [401, 200, 200, 200, 200, 200]
    me = call(client, tokens, "coordinator", "get", "/api/me").json()
    assert me["memberships"] == [{"municipality": "9901", "country": "NO", "role": "coordinator"}]


RESULTS_CSV = (
    "kommunenummer;kommune;år;rammeverk;versjon;område;poeng\n"
    "9902;Nordhei kommune;2019;kommunekompass;2020;1;55\n"
)


def test_importing_results_needs_the_import_right(client, programme, tokens):
    def post(role):
        upload = SimpleUploadedFile("resultater.csv", RESULTS_CSV.encode(), "text/csv")
        return call(client, tokens, role, "post", "/api/imports/results", data={"file": upload})

    assert [post(role).status_code for role in ROLES[:-1]] == [401, 403, 403, 403, 403]


def test_measurements_follow_the_programme_rules(client, programme, tokens):
    w = programme
    url = f"/api/indicators/{w.indicator.pk}"
    assert statuses(client, tokens, "get", url) == [401, 200, 200, 404, 404, 200]

    def post(role):
        upload = SimpleUploadedFile("m.csv", b"periode;verdi\n2026-12-31;6,9\n", "text/csv")
        return call(client, tokens, role, "post", f"{url}/measurements", data={"file": upload})

    assert [post(role).status_code for role in ROLES] == [401, 403, 200, 404, 404, 200]
    assert post("leader").status_code == 200
    assert Measurement.objects.filter(indicator=w.indicator).count() == 2


def test_a_measurement_file_with_an_error_writes_nothing(client, programme, tokens):
    w = programme
    upload = SimpleUploadedFile(
        "m.csv", b"periode;verdi\n2026-12-31;6,9\n2027-03-31;mye\n", "text/csv"
    )
    response = call(
        client,
        tokens,
        "coordinator",
        "post",
        f"/api/indicators/{w.indicator.pk}/measurements",
        data={"file": upload},
    )
    assert response.status_code == 422
    body = json.loads(response.content)
    [error] = body["errors"]
    assert (error["row"], error["column"]) == (3, "verdi") and "mye" in error["message"]
    assert Measurement.objects.filter(indicator=w.indicator).count() == 1


def test_an_administrator_imports_results_all_or_nothing(client, programme, tokens):
    from pathlib import Path

    import kommunekompass.imports as imports_app
    from kommunekompass.evaluations.models import Evaluation
    from tests.factories import make_municipality

    midtre = make_municipality("Midtre Gauldal", "5027")
    example = Path(imports_app.__file__).parent / "examples" / "midtre-gauldal-2023.csv"
    url = "/api/imports/results?framework=kommunekompass&framework_version=2020"

    def post(content, name="r.csv", query=""):
        upload = SimpleUploadedFile(name, content, "text/csv")
        return call(client, tokens, "admin", "post", url + query, data={"file": upload})

    broken = example.read_bytes().replace(b";10,0", b";tio", 1)
    response = post(broken)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["row"] == 2 and error["column"] == "poeng"
    assert not Evaluation.objects.filter(municipality=midtre).exists()

    assert post(example.read_bytes(), query="&dry_run=true").status_code == 200
    assert not Evaluation.objects.filter(municipality=midtre).exists()
    response = post(example.read_bytes())
    assert response.status_code == 201
    created = Evaluation.objects.get(municipality=midtre)
    assert response.json()["evaluation_ids"] == [created.pk] and created.published_version == 1
    assert post(example.read_bytes()).status_code == 422  # already there: nothing written
    assert Evaluation.objects.filter(municipality=midtre).count() == 1
