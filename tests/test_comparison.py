from fractions import Fraction

from kommunekompass.comparisons.ranking import (
    Member,
    average_by_area,
    average_total,
    ranked,
    standing,
)


def member(key, total, areas=None):
    return Member(
        key=key,
        name=f"K{key}",
        year=2026,
        total=Fraction(total),
        areas=areas or {"1": Fraction(total)},
    )


def test_averages_are_exact():
    group = [member(1, 10, {"1": 10, "2": 0}), member(2, 15, {"1": 5, "2": 10})]
    assert average_by_area(group) == {"1": Fraction(15, 2), "2": Fraction(5)}
    assert average_total(group) == Fraction(25, 2)
    assert average_total([]) is None


def test_rank_and_percentile_with_ties():
    group = [member(1, 500), member(2, 600), member(3, 500), member(4, 400)]
    assert [m.key for m in ranked(group)] == [2, 1, 3, 4]
    s = standing(group, 1)
    assert (s.rank, s.size, s.below) == (2, 4, 1)
    assert s.percentile == Fraction(1, 3)
    assert standing(group, 2).percentile == 1
    assert standing(group, 4).rank == 4 and standing(group, 4).percentile == 0


def test_a_group_of_one():
    s = standing([member(1, 300)], 1)
    assert (s.rank, s.size, s.percentile) == (1, 1, 0)
