"""The forecast's arithmetic: properties that hold for any population and cost table."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunekompass.forecasts import arithmetic
from kommunekompass.forecasts.arithmetic import CostTable, forecast, need

GROUPS = ((0, 5), (6, 15), (16, 66), (67, 79), (80, None))
SERVICES = ("care", "school", "kindergarten")

kroner = st.integers(min_value=0, max_value=500_000).map(lambda k: Fraction(k, 100))
costs_strategy = st.fixed_dictionaries(
    {(group, service): kroner for group in GROUPS for service in SERVICES}
).map(lambda table: CostTable(GROUPS, SERVICES, table))
# Single years of age 0..90 (90 meaning 90 and older), for 2022..2026.
ages = [(age, age) for age in range(90)] + [(90, None)]
year_population = st.fixed_dictionaries({age: st.integers(0, 500) for age in ages})
populations = st.fixed_dictionaries({year: year_population for year in range(2022, 2027)})


@given(populations, costs_strategy)
def test_the_sum_over_services_is_the_row_sum(population, costs):
    result = forecast(population, costs, 2023, 4)
    for year in result.years:
        assert result.year_sum(year) == sum(result.change(year, s) for s in SERVICES)
    assert result.period_sum() == sum(result.year_sum(year) for year in result.years)
    assert result.early_sum() == sum(result.year_sum(year) for year in result.years[:4])


@given(year_population, costs_strategy)
def test_a_population_that_does_not_change_gives_zero(people, costs):
    result = forecast({year: people for year in range(2022, 2027)}, costs, 2023, 4)
    assert all(result.change(y, s) == 0 for y in result.years for s in SERVICES)


@given(populations, costs_strategy)
def test_doubling_every_cost_doubles_every_figure(population, costs):
    single = forecast(population, costs, 2023, 4)
    double = forecast(population, costs.scaled(2), 2023, 4)
    for year in single.years:
        for service in SERVICES:
            assert double.change(year, service) == 2 * single.change(year, service)


@given(
    year_population,
    costs_strategy,
    st.sampled_from(ages),
    st.sampled_from(ages),
    st.integers(0, 500),
)
def test_moving_people_changes_need_by_the_cost_difference(people, costs, source, target, moved):
    moved = min(moved, people[source])
    after = dict(people)
    after[source] -= moved
    after[target] += moved
    before_need, after_need = need(people, costs), need(after, costs)
    group_of = {age: next(g for g in GROUPS if arithmetic.contains(g, age)) for age in ages}
    for service in SERVICES:
        difference = costs.cost(group_of[target], service) - costs.cost(group_of[source], service)
        assert after_need[service] - before_need[service] == moved * difference


def test_the_figures_are_in_thousand_kroner_and_exact():
    costs = CostTable(((0, None),), ("care",), {((0, None), "care"): Fraction(1001, 3)})
    result = forecast({2022: {(0, None): 10}, 2023: {(0, None): 13}}, costs, 2023, 1)
    assert result.change(2023, "care") == Fraction(3 * 1001, 3 * 1000)


def test_a_missing_year_or_a_group_across_the_cost_groups_is_refused():
    costs = CostTable(GROUPS, ("care",), {(g, "care"): 1 for g in GROUPS})
    with pytest.raises(arithmetic.MissingYear) as missing:
        forecast({2023: {(0, 0): 1}}, costs, 2023, 1)
    assert missing.value.year == 2022
    with pytest.raises(arithmetic.AgeGroupMismatch) as mismatch:
        need({(4, 7): 10}, costs)
    assert mismatch.value.group == (4, 7)


def test_rounding_is_for_display_halves_away_from_zero():
    assert arithmetic.rounded(Fraction(5, 2)) == 3
    assert arithmetic.rounded(Fraction(-5, 2)) == -3
    assert arithmetic.rounded(Fraction(249, 100)) == 2
