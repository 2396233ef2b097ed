"""The score engine.

Dimension levels -> question points -> sub-area -> area -> perspective -> total.

Pure functions, no database. Arithmetic is exact (fractions); rounding is for display only
(see `kommunekompass.lib.numbers`). A question without a level on every dimension of its
scheme is *missing*: it adds nothing to the points and is listed as missing at every level
above it, so a report can say so instead of counting it silently as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from kommunekompass.frameworks.spec import FrameworkSpec, QuestionSpec, Scheme

# Stored with every published version: which rules made its figures. Raise it whenever a
# change to this module could change a figure.
ENGINE_VERSION = "1"

# The levels given for one question: {dimension code: level value}.
QuestionLevels = Mapping[str, int]


class ScoreError(ValueError):
    """Levels that do not fit the framework: the message names the question and dimension."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class QuestionResult:
    code: str
    max_points: Fraction
    points: Fraction | None  # None while the question is not fully scored
    levels: Mapping[str, int]

    @property
    def scored(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class Result:
    """Points of one node of the framework tree (sub-area, area, perspective or total)."""

    code: str
    max_points: Fraction
    points: Fraction  # sum of the points of the scored questions below
    question_count: int
    missing: tuple[str, ...]  # codes of the questions below that are not scored
    children: tuple = ()

    @property
    def scored_count(self) -> int:
        return self.question_count - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def share(self) -> Fraction:
        """Points as a share of the maximum, 0..1."""
        return self.points / self.max_points if self.max_points else Fraction(0)


def dimension_share(scheme: Scheme, dimension_code: str, value: int) -> Fraction:
    dimension = scheme.dimension(dimension_code)
    span = dimension.top - dimension.bottom
    return Fraction(value - dimension.bottom, span) if span else Fraction(0)


def check_levels(question: QuestionSpec, levels: QuestionLevels) -> None:
    """Raise ScoreError if a dimension or level is not in the question's scheme."""
    for dimension_code, value in levels.items():
        dimension = question.scheme.dimension(dimension_code)
        if dimension is None:
            raise ScoreError(
                "unknown-dimension",
                f"Question {question.code}: '{dimension_code}' is not a dimension of "
                f"scheme '{question.scheme.code}'.",
            )
        if isinstance(value, bool) or not isinstance(value, int) or value not in dimension.values:
            allowed = ", ".join(str(v) for v in sorted(dimension.values))
            raise ScoreError(
                "unknown-level",
                f"Question {question.code}, dimension '{dimension_code}': level {value!r} is "
                f"not on the scale ({allowed}).",
            )


def question_points(question: QuestionSpec, levels: QuestionLevels) -> Fraction | None:
    """Points of one question, or None if not every dimension has a level. Raises ScoreError
    for levels that do not fit the question's scheme."""
    plain = all(type(value) is int for value in levels.values())  # noqa: E721 - no bools
    key = (question.rule, tuple(levels.items())) if plain else None
    if key is not None and key in _POINTS:
        return _POINTS[key]
    check_levels(question, levels)
    share = _share(question.scheme, levels)
    points = None if share is None else question.max_points * share
    if key is not None:
        if len(_POINTS) >= _POINTS_KEPT:
            _POINTS.clear()
        _POINTS[key] = points
    return points


# {(question rule, levels): points} of the valid levels met so far. Exact fractions,
# the same however they are found; kept so that scoring thousands of evaluations (an import,
# the comparisons) does the arithmetic once per question maximum and set of levels.
_POINTS: dict[tuple, Fraction | None] = {}
_POINTS_KEPT = 50_000


def _share(scheme: Scheme, levels: QuestionLevels) -> Fraction | None:
    if any(d.code not in levels for d in scheme.dimensions):
        return None
    if scheme.method == "weighted-mean":
        total_weight = sum((d.weight for d in scheme.dimensions), Fraction(0))
        if not total_weight:
            return Fraction(0)
        weighted = sum(
            (d.weight * dimension_share(scheme, d.code, levels[d.code]) for d in scheme.dimensions),
            Fraction(0),
        )
        return weighted / total_weight
    raise ScoreError("unknown-method", f"Unknown scoring method '{scheme.method}'.")


def score_question(question: QuestionSpec, levels: QuestionLevels | None) -> QuestionResult:
    levels = dict(levels or {})
    return QuestionResult(
        code=question.code,
        max_points=question.max_points,
        points=question_points(question, levels),
        levels=levels,
    )


def _missing_codes(node: Result | QuestionResult) -> tuple[str, ...]:
    if isinstance(node, QuestionResult):
        return () if node.scored else (node.code,)
    return node.missing


def fraction_sum(values) -> Fraction:
    """The exact sum of fractions, reduced once at the end (quicker than adding them one by
    one, which reduces after each addition)."""
    numerator, denominator = 0, 1
    for value in values:
        if value.denominator == denominator:
            numerator += value.numerator
        else:
            numerator = numerator * value.denominator + value.numerator * denominator
            denominator *= value.denominator
    return Fraction(numerator, denominator)


def _sum(code: str, max_points: Fraction, children: tuple) -> Result:
    return Result(
        code=code,
        max_points=max_points,
        points=fraction_sum(c.points for c in children if c.points is not None),
        question_count=sum(
            1 if isinstance(c, QuestionResult) else c.question_count for c in children
        ),
        missing=tuple(code for c in children for code in _missing_codes(c)),
        children=children,
    )


def score_framework(
    framework: FrameworkSpec, levels_by_question: Mapping[str, QuestionLevels]
) -> Result:
    """Score a whole framework. `levels_by_question` maps question code -> {dimension: level}.

    Questions absent from the mapping are missing. A code that is not a question of the
    framework, an unknown dimension or a level off the scale raises ScoreError.
    """
    for code in levels_by_question:
        if framework.question(code) is None:
            raise ScoreError(
                "unknown-question",
                f"'{code}' is not a question of {framework.key} {framework.version}.",
            )

    perspectives = []
    for perspective in framework.perspectives:
        areas = []
        for area in perspective.areas:
            subareas = []
            for subarea in area.subareas:
                questions = tuple(
                    score_question(q, levels_by_question.get(q.code)) for q in subarea.questions
                )
                subareas.append(_sum(subarea.code, subarea.max_points, questions))
            areas.append(_sum(area.code, area.max_points, tuple(subareas)))
        perspectives.append(_sum(perspective.code, perspective.max_points, tuple(areas)))
    return _sum("total", framework.max_points, tuple(perspectives))


def walk(result: Result):
    """Every Result node below and including `result`, depth first (questions excluded)."""
    yield result
    for child in result.children:
        if isinstance(child, Result):
            yield from walk(child)


def find(result: Result, code: str) -> Result | QuestionResult | None:
    """The node (or question result) with this code."""
    if result.code == code:
        return result
    for child in result.children:
        if child.code == code:
            return child
        if isinstance(child, Result):
            found = find(child, code)
            if found is not None:
                return found
    return None


# --- Results reported at a coarser level -------------------------------------------------------
# Earlier evaluations are often known only as points per sub-area or per area (from a report or
# a spreadsheet). Such a result is first-class: it has the same tree, down to the level it has.

SUBAREA_LEVEL = "subarea"
AREA_LEVEL = "area"
# Only the total is known (e.g. a published ranking of totals): the total is complete, and
# every area is unknown (points 0, listed as missing at the area), so that the total counts in
# rankings and averages of totals, and no area counts in averages of areas or radar charts.
TOTAL_LEVEL = "total"


def score_reported(
    framework: FrameworkSpec, level: str, points_by_code: Mapping[str, Fraction]
) -> Result:
    """The result tree of points reported per sub-area or per area, or of a total alone.

    A node that was not reported is missing (its code is listed in `missing`); nodes above it
    sum what was reported. Points outside 0..maximum raise ScoreError. For TOTAL_LEVEL,
    `points_by_code` holds {"total": points} (or nothing: the total is then missing).
    """
    if level == TOTAL_LEVEL:
        return _score_total(framework, points_by_code)
    if level not in (SUBAREA_LEVEL, AREA_LEVEL):
        raise ScoreError("unknown-level", f"Unknown result level '{level}'.")
    known = (
        {s.code for s in framework.subareas}
        if level == SUBAREA_LEVEL
        else {a.code for a in framework.areas}
    )
    for code in points_by_code:
        if code not in known:
            raise ScoreError("unknown-code", f"'{code}' is not a {level} of {framework.key}.")

    def leaf(code: str, max_points: Fraction, question_count: int) -> Result:
        points = points_by_code.get(code)
        if points is not None and not 0 <= points <= max_points:
            raise ScoreError(
                "points-out-of-range",
                f"{code}: {float(points):g} points is outside 0..{float(max_points):g}.",
            )
        return Result(
            code=code,
            max_points=max_points,
            points=Fraction(points) if points is not None else Fraction(0),
            question_count=question_count,
            missing=() if points is not None else (code,),
        )

    perspectives = []
    for perspective in framework.perspectives:
        areas = []
        for area in perspective.areas:
            if level == AREA_LEVEL:
                areas.append(leaf(area.code, area.max_points, len(area.questions)))
                continue
            subareas = tuple(leaf(s.code, s.max_points, len(s.questions)) for s in area.subareas)
            areas.append(_sum(area.code, area.max_points, subareas))
        perspectives.append(_sum(perspective.code, perspective.max_points, tuple(areas)))
    return _sum("total", framework.max_points, tuple(perspectives))


def _score_total(framework: FrameworkSpec, points_by_code: Mapping[str, Fraction]) -> Result:
    """A total known alone: the areas below it are unknown (missing, 0 points)."""
    for code in points_by_code:
        if code != "total":
            raise ScoreError(
                "unknown-code", f"'{code}' is not the total of {framework.key} (result: total)."
            )
    total = points_by_code.get("total")
    if total is not None and not 0 <= total <= framework.max_points:
        raise ScoreError(
            "points-out-of-range",
            f"total: {float(total):g} points is outside 0..{float(framework.max_points):g}.",
        )
    perspectives = []
    for perspective in framework.perspectives:
        areas = tuple(
            Result(
                code=area.code,
                max_points=area.max_points,
                points=Fraction(0),
                question_count=len(area.questions),
                missing=(area.code,),
            )
            for area in perspective.areas
        )
        perspectives.append(_sum(perspective.code, perspective.max_points, areas))
    children = tuple(perspectives)
    return Result(
        code="total",
        max_points=framework.max_points,
        points=Fraction(total) if total is not None else Fraction(0),
        question_count=sum(p.question_count for p in children),
        missing=() if total is not None else ("total",),
        children=children,
    )
