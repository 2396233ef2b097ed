"""What a plan of an import holds: the problems with their file, row and column, the planned
evaluations, and what the planner knows of the database. Plain data, no database access."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.frameworks.spec import FrameworkSpec

MAX_ERRORS = 200


@dataclass(frozen=True)
class Problem:
    filename: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.filename]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


@dataclass
class PlannedEvaluation:
    municipality_id: int
    municipality_name: str
    framework_key: str
    framework_version: str
    year: int
    level: str = ""
    points: dict[str, Decimal] = field(default_factory=dict)  # sub-area or area code -> points
    levels: dict[str, dict[str, int]] = field(default_factory=dict)  # question code -> levels
    level_rows: dict[str, int] = field(default_factory=dict)  # question code -> row
    reasons: dict[str, str] = field(default_factory=dict)
    # as given in the file: kind ("area", "subarea") -> code -> (points, row)
    given: dict[str, dict[str, tuple[Decimal, int]]] = field(default_factory=dict)
    first_row: int = 0
    rows: int = 0
    total: Fraction = Fraction(0)
    max_points: Fraction = Fraction(0)
    missing: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    filename: str
    dialect: str
    rows: int = 0
    evaluations: list[PlannedEvaluation] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0  # errors found beyond those listed
    max_errors: int = MAX_ERRORS

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def add_error(self, problem: Problem) -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append(problem)
        else:
            self.more_errors += 1

    def more_errors_text(self) -> str:
        """ "… and 312 more errors." (empty when all are listed)."""
        if not self.more_errors:
            return ""
        return ngettext(
            "… and %(count)s more error.", "… and %(count)s more errors.", self.more_errors
        ) % {"count": number_format(self.more_errors, force_grouping=True)}


@dataclass(frozen=True)
class Context:
    """What the planner needs to know about the database, as plain lookups."""

    municipalities: dict[tuple[str, str], tuple[int, str]]  # (country, number) -> (id, name)
    frameworks: dict[tuple[str, str], FrameworkSpec]  # (key, version) -> spec
    existing: set[tuple[int, str, str, int]]  # (municipality id, key, version, year)
    default_framework: tuple[str, str] | None = None
