"""Publishing while someone saves a score: the save lands before the snapshot (and is in it) or
is refused after it; never a score saved after the snapshot into a published evaluation.

Both take the evaluation's row lock (select_for_update; on SQLite the immediate transactions
serialize writers), so they happen one after the other whatever the timing.
"""

import threading

import pytest
from django.db import connection

from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.models import Evaluation, PublishedVersion, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.services.base import EvaluationReadOnly
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.evaluations.services.workflow import change_status
from tests.conftest import shipped
from tests.factories import make_municipality, make_user

ROUNDS = 6


def run_together(*functions):
    """Start the functions in threads at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            outcomes[index] = ("ok", function())
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


@pytest.fixture
def slow_snapshot(monkeypatch):
    """A snapshot that takes a moment, so a save tries to land while it is being made."""
    import time

    builder = snapshots._builder

    def build(evaluation):
        data = builder(evaluation)
        time.sleep(0.05)
        return data

    monkeypatch.setattr(snapshots, "_builder", build)


@pytest.mark.django_db(transaction=True)
def test_a_score_saved_while_publishing_is_in_the_snapshot_or_refused(slow_snapshot):
    framework = shipped("kommunekompass")
    municipality = make_municipality()
    eva = make_user("eva", evaluator=True)
    otto = make_user("otto", evaluator=True)
    question = framework.questions.get(code="1.1.1")
    seen = {"saved": 0, "refused": 0}
    for round_number in range(ROUNDS):
        evaluation = Evaluation.objects.create(
            municipality=municipality, framework=framework, year=2000 + round_number
        )
        evaluation.evaluators.add(eva)
        evaluation.reviewers.add(otto)
        change_status(evaluation, "submit", eva)

        def publish(evaluation=evaluation):
            return change_status(evaluation, "publish", otto, confirm_missing=True)

        def save(evaluation=evaluation):
            return save_score(
                evaluation=Evaluation.objects.get(pk=evaluation.pk),
                question=question,
                levels={"system": 3, "scope": 3, "result": 3},
                reason="Full pott",
                expected_version=0,
                user=eva,
            )

        functions = (publish, save) if round_number % 2 else (save, publish)
        outcomes = dict(
            zip(
                ("publish", "save") if round_number % 2 else ("save", "publish"),
                run_together(*functions),
                strict=True,
            )
        )
        assert outcomes["publish"][0] == "ok", outcomes["publish"]
        version = PublishedVersion.objects.get(evaluation=evaluation)
        stored = Score.objects.filter(evaluation=evaluation).first()
        kind, value = outcomes["save"]
        if kind == "ok":
            assert value.saved and stored is not None
            # Saved before the snapshot: the published figures hold it.
            assert version.data["total"] == str(evaluation_result(evaluation).points)
            assert version.data["total"] != "0"
            seen["saved"] += 1
        else:
            assert isinstance(value, EvaluationReadOnly), value
            assert stored is None and version.data["total"] == "0"
            seen["refused"] += 1
        assert Evaluation.objects.get(pk=evaluation.pk).status == "published"
    assert seen["saved"] + seen["refused"] == ROUNDS
