"""K = O / F and its 95 % interval (surveys.arithmetic), against a hand-computed example.

Five respondents, each giving (O experienced, F expected) on the scale 1-6:
    (4, 5), (5, 5), (3, 4), (6, 6), (5, 6)

    ΣO = 4 + 5 + 3 + 6 + 5 = 23             Ō = 23 / 5 = 4.6
    ΣF = 5 + 5 + 4 + 6 + 6 = 26             F̄ = 26 / 5 = 5.2
    K  = 4.6 / 5.2 = 0.884615...

    ΣO²  = 16 + 25 + 9 + 36 + 25 = 111      s_O² = (111 - 5·4.6²) / 4 = (111 - 105.8) / 4 = 1.3
    ΣF²  = 25 + 25 + 16 + 36 + 36 = 138     s_F² = (138 - 5·5.2²) / 4 = (138 - 135.2) / 4 = 0.7
    ΣOF  = 20 + 25 + 12 + 36 + 30 = 123     s_OF = (123 - 5·4.6·5.2) / 4 = (123 - 119.6) / 4 = 0.85

    Var(K) = (1/5) · ( s_O²/F̄² - 2·Ō·s_OF/F̄³ + Ō²·s_F²/F̄⁴ )
           = (1/5) · ( 1.3/27.04 - 2·4.6·0.85/140.608 + 21.16·0.7/731.1616 )
           = (1/5) · ( 0.0480769 - 0.0556156 + 0.0202585 )
           = (1/5) · 0.0127198 = 0.00254396
    SE     = √0.00254396 = 0.0504377
    95 %:    0.884615 ± 1.96 · 0.0504377 = 0.884615 ± 0.098858 = [0.785757, 0.983473]
"""

import math

import pytest

from kommunekompass.surveys.arithmetic import Sums, figures, mean_interval, quality, shown, sums_of

EXAMPLE = [(4, 5), (5, 5), (3, 4), (6, 6), (5, 6)]


def test_k_and_its_interval_match_the_hand_computed_example():
    sums = sums_of(EXAMPLE)
    assert sums == Sums(5, 23, 26, 111, 138, 123)
    result = quality(sums)
    assert result.n == 5
    assert result.experience == pytest.approx(4.6)
    assert result.expectation == pytest.approx(5.2)
    assert result.quality == pytest.approx(0.884615, abs=1e-6)
    assert result.low == pytest.approx(0.785757, abs=1e-5)
    assert result.high == pytest.approx(0.983473, abs=1e-5)


def test_sums_of_groups_add_up_to_the_sums_of_all():
    assert sums_of(EXAMPLE[:2]) + sums_of(EXAMPLE[2:]) == sums_of(EXAMPLE)


def test_no_spread_gives_a_zero_width_interval_and_one_answer_no_interval():
    same = quality(sums_of([(5, 5)] * 4))
    assert (same.quality, same.low, same.high) == (1.0, 1.0, 1.0)
    single = quality(sums_of([(4, 5)]))
    assert single.quality == pytest.approx(0.8)
    assert single.low is None and single.high is None
    assert quality(Sums()).quality is None


def test_a_survey_without_expectation_gets_the_mean_and_its_interval():
    # O = 4, 5, 6: mean 5, s² = 1, half width 1.96 · √(1/3) = 1.131607
    result = figures(sums_of([(4, None), (5, None), (6, None)]), asks_expectation=False)
    assert result == mean_interval(sums_of([(4, None), (5, None), (6, None)]))
    assert result.experience == 5
    assert result.quality is None
    assert result.low == pytest.approx(5 - 1.96 * math.sqrt(1 / 3))


def test_results_are_shown_from_the_threshold_on():
    assert not shown(4, 5)
    assert shown(5, 5)
