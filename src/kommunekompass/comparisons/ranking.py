"""Comparing one evaluation with a group: averages, rank and percentile. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(slots=True)
class Member:
    """One municipality's evaluation in a comparison group."""

    key: int  # the evaluation's id
    name: str
    year: int
    total: Fraction
    areas: dict[str, Fraction]  # area code -> points
    municipality_id: int | None = None
    level: str = "question"  # the level the evaluation's results are known at
    complete: bool = True  # False: published with questions (or areas) not scored


@dataclass(frozen=True)
class Standing:
    rank: int  # 1 = highest total; ties share the better rank
    size: int
    below: int  # members with a lower total
    percentile: Fraction  # share of the other members with a lower total, 0..1


def average_by_area(members: list[Member]):
    """{area code: average points of the members that have the area}; exact for fractions,
    decimal for decimals. An area nobody has points for (nothing scored) is left out."""
    by_code: dict[str, list] = {}
    for member in members:
        for code, points in member.areas.items():
            by_code.setdefault(code, []).append(points)
    return {code: sum(values) / len(values) for code, values in by_code.items()}


def average_total(members: list[Member]):
    if not members:
        return None
    return sum(m.total for m in members) / len(members)


def ranked(members: list[Member]) -> list[Member]:
    """Highest total first; equal totals by name, so the order is stable."""
    return sorted(members, key=lambda m: (-m.total, m.name, m.key))


def standing(members: list[Member], key: int) -> Standing:
    me = next(m for m in members if m.key == key)
    higher = sum(1 for m in members if m.total > me.total)
    below = sum(1 for m in members if m.total < me.total)
    others = len(members) - 1
    return Standing(
        rank=higher + 1,
        size=len(members),
        below=below,
        percentile=Fraction(below, others) if others else Fraction(0),
    )
