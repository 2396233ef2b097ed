"""Property tests of the score engine on random frameworks of any shape and size."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kommunekompass.frameworks.spec import (
    AreaSpec,
    Dimension,
    FrameworkSpec,
    Level,
    PerspectiveSpec,
    QuestionSpec,
    Scheme,
    SubAreaSpec,
)
from kommunekompass.scoring.engine import QuestionResult, Result, score_framework, walk

maxima = st.one_of(
    st.integers(min_value=0, max_value=200).map(Fraction),
    st.fractions(min_value=0, max_value=150, max_denominator=12),
)


@st.composite
def schemes(draw, code):
    dimensions = []
    for index in range(draw(st.integers(1, 4))):
        values = sorted(draw(st.sets(st.integers(-3, 100), min_size=2, max_size=6)))
        dimensions.append(
            Dimension(
                code=f"d{index}",
                name={"nb": "d"},
                description={},
                weight=Fraction(draw(st.integers(1, 5))),
                levels=tuple(Level(v, {"nb": str(v)}, {}) for v in values),
            )
        )
    return Scheme(code, {"nb": code}, {}, "weighted-mean", tuple(dimensions))


@st.composite
def frameworks(draw):
    scheme_list = [draw(schemes(f"s{i}")) for i in range(draw(st.integers(1, 2)))]
    counter = iter(range(10_000))
    perspectives = []
    for p in range(draw(st.integers(1, 3))):
        areas = []
        for _ in range(draw(st.integers(1, 3))):
            area_code = f"a{next(counter)}"
            subareas = []
            for _ in range(draw(st.integers(1, 3))):
                sub_max = draw(maxima)
                count = draw(st.integers(1, 3))
                questions = tuple(
                    QuestionSpec(
                        code=f"q{next(counter)}",
                        text={"nb": "?"},
                        guidance={},
                        max_points=sub_max / count,
                        scheme=draw(st.sampled_from(scheme_list)),
                    )
                    for _ in range(count)
                )
                subareas.append(SubAreaSpec(f"s{next(counter)}", {"nb": "s"}, sub_max, questions))
            area_max = sum((s.max_points for s in subareas), Fraction(0))
            areas.append(
                AreaSpec(area_code, {"nb": "a"}, area_max, scheme_list[0], tuple(subareas))
            )
        perspectives.append(PerspectiveSpec(f"P{p}", {"nb": "p"}, tuple(areas)))
    return FrameworkSpec(
        "random", "1", ("nb",), {"nb": "r"}, {}, tuple(scheme_list), tuple(perspectives)
    )


@st.composite
def framework_and_levels(draw, coverage=None):
    coverage = st.booleans() if coverage is None else coverage
    framework = draw(frameworks())
    levels = {}
    for question in framework.questions:
        if draw(coverage):
            levels[question.code] = {
                d.code: draw(st.sampled_from([lv.value for lv in d.levels]))
                for d in question.scheme.dimensions
            }
    return framework, levels


def nodes(result: Result):
    for node in walk(result):
        yield node
        yield from (c for c in node.children if isinstance(c, QuestionResult))


def top_levels(framework):
    return {q.code: {d.code: d.top for d in q.scheme.dimensions} for q in framework.questions}


def bottom_levels(framework):
    return {q.code: {d.code: d.bottom for d in q.scheme.dimensions} for q in framework.questions}


@settings(max_examples=150, deadline=None)
@given(framework_and_levels())
def test_points_never_exceed_the_maximum_at_any_level(case):
    framework, levels = case
    for node in nodes(score_framework(framework, levels)):
        points = node.points or Fraction(0)
        assert 0 <= points <= node.max_points


@settings(max_examples=100, deadline=None)
@given(frameworks())
def test_all_top_levels_give_exactly_the_maximum(framework):
    result = score_framework(framework, top_levels(framework))
    for node in nodes(result):
        assert node.points == node.max_points
    assert result.points == framework.max_points
    assert result.complete


@settings(max_examples=100, deadline=None)
@given(frameworks())
def test_all_bottom_levels_give_zero(framework):
    result = score_framework(framework, bottom_levels(framework))
    assert all(node.points == 0 for node in nodes(result))
    assert result.complete


@settings(max_examples=150, deadline=None)
@given(framework_and_levels(coverage=st.just(True)), st.data())
def test_raising_one_level_never_lowers_any_total(case, data):
    framework, levels = case
    question = data.draw(st.sampled_from(framework.questions))
    dimension = data.draw(st.sampled_from(question.scheme.dimensions))
    current = levels[question.code][dimension.code]
    higher = [lv.value for lv in dimension.levels if lv.value > current]
    if not higher:
        return
    raised = {code: dict(v) for code, v in levels.items()}
    raised[question.code][dimension.code] = data.draw(st.sampled_from(higher))

    before = {n.code: n.points for n in nodes(score_framework(framework, levels))}
    after = {n.code: n.points for n in nodes(score_framework(framework, raised))}
    assert all(after[code] >= before[code] for code in before)


@settings(max_examples=150, deadline=None)
@given(framework_and_levels())
def test_sums_are_consistent_at_every_level(case):
    framework, levels = case
    result = score_framework(framework, levels)
    for node in walk(result):
        children = node.children
        assert node.points == sum((c.points or Fraction(0) for c in children), Fraction(0))
        assert node.max_points == sum((c.max_points for c in children), Fraction(0))
        child_missing = []
        for child in children:
            if isinstance(child, QuestionResult):
                child_missing += [] if child.scored else [child.code]
            else:
                child_missing += list(child.missing)
        assert list(node.missing) == child_missing
    scored = {code for code in levels}
    assert set(result.missing) == {q.code for q in framework.questions} - scored
