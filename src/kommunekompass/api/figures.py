"""The figures of a result tree, flat: one row per node (total, perspective, focus area,
sub-area, question), named by the framework. Pure functions: no database.

The result tree is the score engine's (a published version's is read back from its snapshot
with reports.frozen.result_from_data; a live one comes from evaluations.scores). A node with
nothing scored below it has no points (None), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kommunekompass.frameworks.spec import FrameworkSpec
from kommunekompass.scoring.engine import QuestionResult, Result

LEVELS = ("total", "perspective", "area", "subarea", "question")


@dataclass(frozen=True)
class Figure:
    level: str
    code: str
    name: dict  # {language: text}
    points: Fraction | None  # None: nothing scored
    max_points: Fraction
    parent: str | None  # the code of the node above; None for the total
    levels: dict | None = None  # a question's levels per dimension


def names_by_code(spec: FrameworkSpec) -> dict[str, tuple[str, dict]]:
    """{code: (level, name)} of every node of the framework."""
    found = {"total": ("total", dict(spec.name))}
    for perspective in spec.perspectives:
        found[perspective.code] = ("perspective", dict(perspective.name))
        for area in perspective.areas:
            found[area.code] = ("area", dict(area.name))
            for subarea in area.subareas:
                found[subarea.code] = ("subarea", dict(subarea.name))
                for question in subarea.questions:
                    found[question.code] = ("question", dict(question.text))
    return found


def _unscored(node) -> bool:
    if isinstance(node, QuestionResult):
        return not node.scored
    if not node.children:
        return node.code in node.missing or (
            node.question_count > 0 and len(node.missing) >= node.question_count
        )
    return all(_unscored(child) for child in node.children)


def figures(result: Result, spec: FrameworkSpec, levels=LEVELS) -> list[Figure]:
    """The nodes of `result` at the levels asked for, in the framework's order."""
    names = names_by_code(spec)
    wanted = set(levels)
    found: list[Figure] = []

    def walk(node, parent):
        level, name = names.get(node.code, ("question", {}))
        if level in wanted:
            found.append(
                Figure(
                    level=level,
                    code=node.code,
                    name=name,
                    points=None if _unscored(node) else Fraction(node.points),
                    max_points=Fraction(node.max_points),
                    parent=parent,
                    levels=dict(node.levels) if isinstance(node, QuestionResult) else None,
                )
            )
        for child in getattr(node, "children", ()):
            walk(child, node.code)

    walk(result, None)
    return found


def decimal_points(value: Fraction | None, places: int = 4) -> float | None:
    """A figure as a number rounded to `places` decimals (the exact one is kept as text)."""
    return None if value is None else round(float(value), places)


def exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)
