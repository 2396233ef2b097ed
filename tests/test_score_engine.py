from fractions import Fraction

import pytest

from kommunekompass.frameworks.validation import validate_framework_text
from kommunekompass.lib.numbers import format_points, round_points
from kommunekompass.scoring.engine import ScoreError, find, score_framework, walk
from tests.frameworks_for_tests import MINIMAL


@pytest.fixture
def spec():
    result = validate_framework_text(MINIMAL)
    assert result.ok, result.problems
    return result.spec


def test_it_derives_question_points_from_weighted_levels(spec):
    result = score_framework(spec, {"1.2.1": {"system": 1, "scope": 3}})
    # 10 points * (1 * 1/2 + 2 * 3/3) / (1 + 2) = 25/3
    assert find(result, "1.2.1").points == Fraction(25, 3)
    assert find(result, "1.2").points == Fraction(25, 3)


def test_it_splits_a_subarea_maximum_equally_between_its_questions(spec):
    result = score_framework(spec, {})
    assert [q.max_points for q in find(result, "1.1").children] == [Fraction(20, 3)] * 3


def test_it_sums_exactly_and_lists_unscored_questions_as_missing(spec):
    levels = {
        "1.1.1": {"system": 2, "scope": 3},
        "1.1.2": {"system": 2, "scope": 0},
        "1.2.1": {"system": 1, "scope": 3},
    }
    result = score_framework(spec, levels)
    subarea = find(result, "1.1")
    assert subarea.points == Fraction(20, 3) + Fraction(20, 9)
    assert subarea.missing == ("1.1.3",)
    assert subarea.scored_count == 2 and subarea.question_count == 3
    assert find(result, "1.1.3").points is None
    assert result.points == Fraction(155, 9)
    assert result.missing == ("1.1.3",)
    assert not result.complete


def test_it_treats_a_question_with_one_dimension_unset_as_missing(spec):
    result = score_framework(spec, {"1.2.1": {"system": 2}})
    assert find(result, "1.2.1").points is None
    assert "1.2.1" in result.missing
    assert result.points == 0


def test_it_rejects_a_question_code_not_in_the_framework(spec):
    with pytest.raises(ScoreError) as error:
        score_framework(spec, {"9.9.9": {"system": 1, "scope": 0}})
    assert error.value.code == "unknown-question"
    assert "9.9.9" in str(error.value)


def test_it_rejects_a_level_outside_the_scale(spec):
    with pytest.raises(ScoreError) as error:
        score_framework(spec, {"1.2.1": {"system": 1, "scope": 2}})
    assert error.value.code == "unknown-level"
    assert "1.2.1" in str(error.value) and "scope" in str(error.value)


@pytest.mark.parametrize("bad", [True, "1", 1.0, None])
def test_it_rejects_levels_that_are_not_whole_numbers(spec, bad):
    with pytest.raises(ScoreError):
        score_framework(spec, {"1.2.1": {"system": bad, "scope": 0}})


def test_it_rejects_an_unknown_dimension(spec):
    with pytest.raises(ScoreError) as error:
        score_framework(spec, {"1.2.1": {"result": 1}})
    assert error.value.code == "unknown-dimension"


def test_walk_visits_every_summary_node(spec):
    codes = [node.code for node in walk(score_framework(spec, {}))]
    assert codes == ["total", "A", "1", "1.1", "1.2"]


@pytest.mark.parametrize(
    ("value", "decimals", "language", "shown"),
    [
        (Fraction(20, 3), 1, "nb", "6,7"),
        (Fraction(20, 3), 1, "en", "6.7"),
        (Fraction(1, 4), 1, "nb", "0,3"),  # half up, not to even
        (Fraction(123, 2), 0, "nb", "62"),  # Midtre Gauldal area 1: 61,5 is shown as 62
        (Fraction(5), 1, "nb", "5,0"),
        (Fraction(0), 0, "nb", "0"),
        (Fraction(2800), 0, "en", "2800"),
        (None, 1, "nb", "–"),
    ],
)
def test_it_rounds_only_for_display(value, decimals, language, shown):
    assert format_points(value, decimals, language) == shown


def test_round_points_is_exact_at_the_halfway_point():
    # 0.15 cannot be held exactly in binary floating point; as a fraction it rounds up.
    assert str(round_points(Fraction(15, 100), 1)) == "0.2"
    assert str(round_points(Fraction(-15, 100), 1)) == "-0.2"


def test_results_reported_per_subarea_sum_up_and_name_what_is_missing(spec):
    from kommunekompass.scoring.engine import score_reported

    result = score_reported(spec, "subarea", {"1.1": Fraction(67, 10)})
    assert result.points == Fraction(67, 10)
    assert find(result, "1.1").points == Fraction(67, 10)
    assert result.missing == ("1.2",)
    full = score_reported(spec, "subarea", {"1.1": Fraction(20), "1.2": Fraction(10)})
    assert full.points == full.max_points == 30 and full.complete


def test_results_reported_per_area_are_checked_against_the_maximum(spec):
    from kommunekompass.scoring.engine import score_reported

    assert score_reported(spec, "area", {"1": Fraction(25)}).points == 25
    with pytest.raises(ScoreError) as error:
        score_reported(spec, "area", {"1": Fraction(31)})
    assert error.value.code == "points-out-of-range"
    with pytest.raises(ScoreError):
        score_reported(spec, "area", {"1.1": Fraction(5)})
