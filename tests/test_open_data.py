"""The open-data files: every published result at every level, as the published versions
froze them; made anew after a publication or a withdrawal; drafts and live scores never in
them; no text a spreadsheet would run as a formula."""

import csv
import io
import json
import random
from fractions import Fraction

import pytest
from django.conf import settings
from django.test import override_settings

from kommunekompass.api import opendata
from kommunekompass.evaluations.demo import synthetic_levels
from kommunekompass.evaluations.models import PublishedVersion, Score
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import Question
from tests.factories import make_evaluation, make_municipality, make_user

URL = "/open-data/kommunekompass-2020"


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def scored(municipality, framework, year, author, strength=1.5):
    evaluation = make_evaluation(municipality, framework, year=year, evaluators=[author])
    questions = dict(Question.objects.filter(framework=framework).values_list("code", "pk"))
    levels = synthetic_levels(framework.spec, random.Random(year), strength)
    Score.objects.bulk_create(
        Score(evaluation=evaluation, question_id=questions[code], levels=value)
        for code, value in levels.items()
    )
    return evaluation


def publish(evaluation, author, capture):
    change_status(evaluation, "submit", author)
    with override_settings(KOMMUNEKOMPASS_FOUR_EYES=False), capture(execute=True):
        change_status(evaluation, "publish", author, confirm_missing=True)


def read_csv(client):
    response = client.get(f"{URL}.csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark, for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_json(client):
    response = client.get(f"{URL}.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def snapshot_figures(evaluation) -> dict:
    """{code: points as text} of the total, perspectives, areas and sub-areas of the latest
    published version's snapshot ("" when nothing is scored)."""
    version = PublishedVersion.objects.get(
        evaluation=evaluation, number=evaluation.published_version
    )
    found = {}

    def walk(node):
        if "question" in node:
            return
        found[node["code"]] = node["points"]
        for child in node["children"]:
            walk(child)

    walk(version.data["result"])
    return found


@pytest.fixture
def eva(db):
    return make_user("eva", evaluator=True)


def test_the_files_hold_the_published_figures_and_follow_each_publication(
    client, kommunekompass_framework, eva, django_capture_on_commit_callbacks
):
    framework = kommunekompass_framework
    dalen = scored(make_municipality("Dalen kommune", "9931"), framework, 2024, eva)
    publish(dalen, eva, django_capture_on_commit_callbacks)
    assert opendata.path_of(framework, "csv").exists()  # made after the commit
    draft = scored(make_municipality("=Elvebu kommune", "9932"), framework, 2025, eva, 2.5)

    rows = read_csv(client)
    assert {row["evaluation_id"] for row in rows} == {str(dalen.pk)}
    published = snapshot_figures(dalen)
    for row in rows:
        if row["level"] != "question":
            assert Fraction(row["points_exact"]) == Fraction(published[row["code"]]), row["code"]
            assert float(row["points"]) == round(float(Fraction(row["points_exact"])), 4)
    levels = [row["level"] for row in rows]
    spec = framework.spec
    assert levels.count("total") == 1 and levels.count("area") == len(spec.areas)
    assert levels.count("subarea") == len(spec.subareas)
    assert levels.count("question") == len(spec.questions)
    assert levels.count("perspective") == len(spec.perspectives)

    # the draft's scores change, it is published: the file follows the publication
    publish(draft, eva, django_capture_on_commit_callbacks)
    rows = read_csv(client)
    assert {row["evaluation_id"] for row in rows} == {str(dalen.pk), str(draft.pk)}
    names = {row["municipality_name"] for row in rows}
    assert names == {"Dalen kommune", "'=Elvebu kommune"}  # never a formula
    document = read_json(client)
    assert {e["municipality"]["name"] for e in document["evaluations"]} == {
        "Dalen kommune",
        "=Elvebu kommune",
    }
    assert document["licence"]["url"] == "https://data.norge.no/nlod/no/2.0"

    # reopened and rescored: the file keeps the published figures, never the live ones
    with django_capture_on_commit_callbacks(execute=True):
        change_status(dalen, "reopen", eva, "Retting")
    Score.objects.filter(evaluation=dalen).update(levels={"system": 0, "scope": 0, "result": 0})
    totals = {
        r["evaluation_id"]: r["points_exact"] for r in read_csv(client) if r["level"] == "total"
    }
    assert Fraction(totals[str(dalen.pk)]) == Fraction(published["total"])

    # withdrawn: gone from the files
    with django_capture_on_commit_callbacks(execute=True):
        change_status(draft, "withdraw", eva, "Feil kommune")
    assert {row["evaluation_id"] for row in read_csv(client)} == {str(dalen.pk)}
    assert [e["evaluation_id"] for e in read_json(client)["evaluations"]] == [dalen.pk]


def test_a_draft_is_never_in_the_files(client, world):
    rows = read_csv(client)
    assert {row["evaluation_id"] for row in rows} == {str(world.published.pk)}
    # nothing scored: points are empty, never 0
    assert all(row["points"] == "" and row["points_exact"] == "" for row in rows)
    assert client.get("/open-data/nope-1.csv").status_code == 404
    assert client.get("/open-data/kommunekompass-2020.xml").status_code == 404


def test_the_description_page_is_public_and_linked_from_every_page(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/open-data/").content.decode()
    assert 'href="/open-data/kommunekompass-2020.csv"' in page
    assert 'href="/open-data/kommunekompass-2020.json"' in page
    assert "https://data.norge.no/nlod/no/2.0" in page and "NLOD" in page
    for column, _meaning in opendata.COLUMNS:
        assert f"<code>{column}</code>" in page
    front = client.get("/accounts/login/").content.decode()
    assert 'href="/open-data/"' in front and 'href="/api/docs"' in front


def test_a_batch_publication_queues_one_regeneration(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    from kommunekompass.evaluations.models import Evaluation

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            opendata.evaluation_saved(Evaluation, world.published, update_fields={"status"})
        opendata.evaluation_saved(Evaluation, world.published, update_fields={"revision"})
        opendata.evaluation_saved(Evaluation, world.draft, update_fields={"status"})
    assert len([c for c in callbacks if isinstance(c, opendata._Regeneration)]) == 1
