"""Published totals are data too: a municipality and year known only by its total (the seed's
ranking of Swedish municipalities with totals 551-650) is a total-only result. Its total counts
in rankings and averages of totals; its areas are unknown and count in no area average."""

from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction

from kommunekompass.comparisons.groups import get_group, group_rows
from kommunekompass.comparisons.ranking import average_by_area, average_total, standing
from kommunekompass.evaluations.models import Evaluation, ReportedPoints
from kommunekompass.evaluations.summaries import summaries_for
from kommunekompass.imports.applying import import_results
from kommunekompass.scoring.engine import TOTAL_LEVEL, ScoreError, score_reported
from tests.factories import make_municipality

KK = ("kommunekompass", "2020")


def test_the_engine_knows_the_total_and_no_area(kommunekompass_framework):
    spec = kommunekompass_framework.spec
    result = score_reported(spec, TOTAL_LEVEL, {"total": Fraction(600)})
    assert (result.points, result.max_points, result.complete) == (600, 800, True)
    areas = [area for perspective in result.children for area in perspective.children]
    assert len(areas) == 8 and all(a.missing == (a.code,) and a.points == 0 for a in areas)
    assert not score_reported(spec, TOTAL_LEVEL, {}).complete
    with pytest.raises(ScoreError):
        score_reported(spec, TOTAL_LEVEL, {"total": Fraction(801)})
    with pytest.raises(ScoreError):
        score_reported(spec, TOTAL_LEVEL, {"1": Fraction(1)})


@pytest.fixture
def swedish_totals(db, kommunekompass_framework):
    """Midtre Gauldal with its areas; three Swedish municipalities with only their totals."""
    make_municipality("Midtre Gauldal kommune", "5027")
    for number, name in (("0101", "Ettby"), ("0102", "Tvåby"), ("0103", "Treby")):
        make_municipality(f"{name} kommun", number, country="SE")
    text = (
        "kommunenummer;land;år;kode;poeng\n"
        + "".join(f"5027;NO;2023;{area};70\n" for area in range(1, 9))
        + "0101;SE;2022;total;551\n0102;SE;2022;total;600,5\n0103;SE;2022;total;650\n"
    )
    outcome = import_results(text.encode(), "rangering.csv", default_framework=KK)
    assert outcome.written, [str(p) for p in outcome.plan.errors]
    return kommunekompass_framework


def test_a_total_only_result_is_stored_as_one_total_row(swedish_totals):
    evaluation = Evaluation.objects.get(municipality__number="0102")
    assert (evaluation.result_level, evaluation.status) == ("total", "published")
    [row] = ReportedPoints.objects.filter(evaluation=evaluation)
    assert (row.subarea_id, row.focus_area_id, row.points) == (None, None, 600.5)
    with pytest.raises(IntegrityError), transaction.atomic():  # one total per evaluation
        ReportedPoints.objects.create(evaluation=evaluation, points=1)


def test_its_summary_has_the_total_and_every_area_unknown(swedish_totals):
    evaluation = Evaluation.objects.select_related("framework").get(municipality__number="0103")
    summary = summaries_for([evaluation])[evaluation.pk]
    assert (float(summary.total), summary.complete) == (650.0, True)
    assert summary.unscored == frozenset(str(area) for area in range(1, 9))


def test_it_counts_in_ranks_and_total_averages_but_in_no_area_average(swedish_totals):
    members = group_rows(get_group("all"), swedish_totals)
    assert len(members) == 4 and all(m.complete for m in members)
    totals = {m.name: float(m.total) for m in members}
    assert totals["Tvåby kommun"] == 600.5
    assert float(average_total(members)) == pytest.approx((560 + 551 + 600.5 + 650) / 4)
    assert average_by_area(members) == {str(area): 70.0 for area in range(1, 9)}
    midtre = next(m for m in members if m.name.startswith("Midtre"))
    assert standing(members, midtre.key).rank == 3  # 650, 600.5, 560, 551
    assert next(m for m in members if m.name == "Ettby kommun").areas == {}
