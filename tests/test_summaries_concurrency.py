"""Two requests that find the same evaluation's summary missing (an import and a publication
reading the same comparison group, as bench/topology.py found on PostgreSQL) both store it: the
second replaces the first instead of failing on the primary key (a 500)."""

import threading

import pytest
from django.db import connection, transaction

from kommunekompass.evaluations import summaries
from kommunekompass.evaluations.models import Evaluation, EvaluationSummary
from tests.factories import make_evaluation, make_municipality, make_user
from tests.test_import_concurrency import in_parallel, one_writer_at_a_time_on_sqlite


@pytest.mark.django_db(transaction=True)
def test_two_requests_storing_the_same_missing_summary_both_succeed(
    kommunekompass_framework, monkeypatch
):
    evaluator = make_user("eva", evaluator=True)
    municipality = make_municipality("Fjordvik kommune", "9901")
    pk = make_evaluation(
        municipality, kommunekompass_framework, evaluators=[evaluator], status="published"
    ).pk
    EvaluationSummary.objects.filter(evaluation_id=pk).delete()
    if connection.vendor == "sqlite":
        # SQLite's writers take turns (and the shared-memory test database refuses a second
        # one): nothing to race there.
        one_writer_at_a_time_on_sqlite(monkeypatch, summaries, "summaries_for")
    else:
        # Both have read that the summary is missing before either computes and stores it.
        barrier = threading.Barrier(2, timeout=20)
        real = summaries.results_for

        def together(*args, **kwargs):
            barrier.wait()
            return real(*args, **kwargs)

        monkeypatch.setattr(summaries, "results_for", together)

    def store():
        with transaction.atomic():
            evaluation = Evaluation.objects.select_related("framework").get(pk=pk)
            return summaries.summaries_for([evaluation])[pk].total

    first, second = in_parallel(store, store)
    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert first == second
    assert EvaluationSummary.objects.filter(evaluation_id=pk).count() == 1
