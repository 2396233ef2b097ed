"""Every chart carries its figures as text (WCAG 1.1.1): the inline SVG is one image, named
by a <title> that lists what the chart shows, in the reader's number format."""

import re

from kommunekompass.comparisons.charts import distribution_chart, rounds_chart
from kommunekompass.reports.charts import history_chart, radar_chart, ranking_chart


def title_of(svg: str) -> str:
    opening = re.match(r"<svg[^>]*>", svg).group(0)
    assert 'role="img"' in opening
    label_id = re.search(r'aria-labelledby="([^"]+)"', opening).group(1)
    return re.search(rf'<title id="{label_id}">([^<]*)</title>', svg).group(1)


def test_the_radar_lists_each_area_for_the_municipality_and_the_group():
    svg = radar_chart(
        ["Styring", "Tjenester"], [62.5, 40.0], [55.0, 48.0], name="Fjordvik", group_label="Snitt"
    )
    assert (
        title_of(svg)
        == "Fjordvik: Styring 62 %; Tjenester 40 %. Snitt: Styring 55 %; Tjenester 48 %."
    )


def test_the_history_ranking_and_rounds_name_every_figure():
    history = history_chart([2020, 2023], [61.0, 72.0], [False, True], 100, salt="h1")
    assert title_of(history) == "2020 61; 2023 72 (max 100)"
    ranking = ranking_chart(
        ["Fjordvik", "Nordhei"], [512.4, 498.0], 0, 505.2, average_label="Gjennomsnitt"
    )
    assert title_of(ranking) == "Fjordvik 512; Nordhei 498; Gjennomsnitt: 505"
    rounds = rounds_chart([2012, 2020], [410.0, 520.0], ["2012", "2020"], 800, language="en")
    assert title_of(rounds) == "2012 410; 2020 520"


def test_the_distribution_counts_the_totals_in_each_fifth_of_the_scale():
    svg = distribution_chart([100.0, 150.0, 700.0, 800.0], 700.0, 800.0, label="Fjordvik: 700")
    assert (
        title_of(svg) == "0–160: 2; 160–320: 0; 320–480: 0; 480–640: 0; 640–800: 2; Fjordvik: 700"
    )


def test_text_in_a_title_is_escaped():
    svg = radar_chart(["A<b>"], [10.0], None, name="X & Y", group_label="")
    assert "X &amp; Y: A&lt;b&gt; 10 %." in svg


def test_the_indicator_chart_lists_measurements_baseline_target_and_direction():
    from kommunekompass.improvement.charts import indicator_chart

    svg = indicator_chart(
        [("2026-09", 7.2), ("2026-10", 6.9)],
        baseline=7.8,
        target=6.5,
        unit="%",
        higher_is_better=False,
        language="en",
    )
    assert title_of(svg) == (
        "2026-09 7.2 %; 2026-10 6.9 %; Baseline: 7.8; Target: 6.5; Lower is better"
    )
