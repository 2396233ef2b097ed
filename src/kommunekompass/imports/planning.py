"""Checking a results table and planning what an import would write. Pure: no database.

Every row is checked before anything is written; the plan either has errors (and nothing may
be written) or lists the evaluations to create. Each problem names the file, the row and the
column. A sum the file states (an area or the total) that differs from the sum of its parts by
more than rounding is reported as a warning with its row; the parts are what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from kommunekompass.frameworks.spec import FrameworkSpec
from kommunekompass.imports.parsing import Table, parse_number
from kommunekompass.scoring.engine import (
    AREA_LEVEL,
    SUBAREA_LEVEL,
    ScoreError,
    check_levels,
    find,
    score_framework,
    score_reported,
)

TOTAL_CODES = {"total", "totalt", "sum", "samlet", "totalsum"}
QUESTION_LEVEL = "question"
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class Problem:
    filename: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.filename]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
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
    reasons: dict[str, str] = field(default_factory=dict)
    stated: dict[str, tuple[Decimal, int]] = field(default_factory=dict)  # code -> (points, row)
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

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Context:
    """What the planner needs to know about the database, as plain lookups."""

    municipalities: dict[tuple[str, str], tuple[int, str]]  # (country, number) -> (id, name)
    frameworks: dict[tuple[str, str], FrameworkSpec]  # (key, version) -> spec
    existing: set[tuple[int, str, str, int]]  # (municipality id, key, version, year)
    default_framework: tuple[str, str] | None = None


def _kind_of(spec: FrameworkSpec, code: str) -> str | None:
    if code.lower() in TOTAL_CODES:
        return "total"
    if spec.area(code) is not None:
        return AREA_LEVEL
    if any(s.code == code for s in spec.subareas):
        return SUBAREA_LEVEL
    if spec.question(code) is not None:
        return QUESTION_LEVEL
    return None


def _max_of(spec: FrameworkSpec, kind: str, code: str) -> Fraction:
    if kind == "total":
        return spec.max_points
    if kind == AREA_LEVEL:
        return spec.area(code).max_points
    return next(s.max_points for s in spec.subareas if s.code == code)


def plan_import(table: Table, context: Context) -> ImportPlan:
    plan = ImportPlan(filename=table.filename, dialect=table.dialect, rows=len(table.rows))
    name = table.filename

    def error(row, column, message):
        if len(plan.errors) < MAX_PROBLEMS:
            header = table.columns.get(column, column) if column else None
            plan.errors.append(Problem(name, row, header, message))

    for required in ("municipality_number", "year", "code"):
        if required not in table.columns:
            error(1, None, f"The file has no column for {required.replace('_', ' ')}.")
    has_dimensions = any(k in table.columns for k in ("system", "scope", "result"))
    if "points" not in table.columns and not has_dimensions:
        error(1, None, "The file has no column for points (or levels per dimension).")
    if context.default_framework is None and "framework" not in table.columns:
        error(1, None, "The file names no framework: add a framework column or choose one.")
    if plan.errors:
        return plan

    planned: dict[tuple, PlannedEvaluation] = {}
    seen: dict[tuple, int] = {}
    blocked: set[tuple] = set()  # evaluations that exist already: reported once
    for number, row in table.rows:
        country = (str(row.get("country") or "NO").strip().upper() or "NO")[:2]
        municipality_number = str(row.get("municipality_number") or "").strip()
        if municipality_number.isdigit():
            municipality_number = municipality_number.zfill(4)
        municipality = context.municipalities.get((country, municipality_number))
        if municipality is None:
            error(
                number,
                "municipality_number",
                f"No municipality {country} {municipality_number or '(blank)'} is known.",
            )
            continue
        try:
            year = int(parse_number(row.get("year")) or 0)
        except ValueError:
            year = 0
        if not 1990 <= year <= 2100:
            error(number, "year", f"“{row.get('year')}” is not a year.")
            continue
        key = str(row.get("framework") or "").strip() or (context.default_framework or ("",))[0]
        version = str(row.get("version") or "").strip()
        if not version and context.default_framework and key == context.default_framework[0]:
            version = context.default_framework[1]
        spec = context.frameworks.get((key, version))
        if spec is None:
            error(number, "framework", f"No framework “{key} {version}” is loaded.")
            continue
        code = str(row.get("code") or "").strip()
        kind = _kind_of(spec, code) if code else None
        if kind is None:
            error(number, "code", f"“{code}” is not a code of {key} {version}.")
            continue

        identity = (municipality[0], key, version, year)
        duplicate = seen.get((*identity, code.lower()))
        if duplicate is not None:
            error(
                number,
                "code",
                f"{code} for {municipality[1]} {year} is given twice (rows {duplicate} and "
                f"{number}).",
            )
            continue
        seen[(*identity, code.lower())] = number
        evaluation = planned.get(identity)
        if evaluation is None:
            if identity in blocked:
                continue
            if identity in context.existing:
                blocked.add(identity)
                error(
                    number,
                    "year",
                    f"{municipality[1]} already has a {key} {version} evaluation for {year}.",
                )
                continue
            evaluation = planned[identity] = PlannedEvaluation(
                municipality[0], municipality[1], key, version, year, first_row=number
            )
        evaluation.rows += 1

        if kind == QUESTION_LEVEL:
            question = spec.question(code)
            levels = {}
            for dimension in question.scheme.dimensions:
                raw = row.get(dimension.code)
                try:
                    value = parse_number(raw)
                except ValueError:
                    error(number, dimension.code, f"“{raw}” is not a level.")
                    continue
                if value is None:
                    continue
                if value != int(value) or int(value) not in dimension.values:
                    allowed = ", ".join(str(v) for v in sorted(dimension.values))
                    error(
                        number,
                        dimension.code,
                        f"{value} is not a level of {dimension.code} (allowed: {allowed}).",
                    )
                    continue
                levels[dimension.code] = int(value)
            try:
                check_levels(question, levels)
            except ScoreError as problem:
                error(number, "code", str(problem))
            evaluation.levels[code] = levels
            if row.get("reason"):
                evaluation.reasons[code] = str(row["reason"]).strip()
            continue

        raw = row.get("points")
        try:
            points = parse_number(raw)
        except ValueError:
            error(number, "points", f"“{raw}” is not a number.")
            continue
        if points is None:
            error(number, "points", f"No points for {code}.")
            continue
        maximum = _max_of(spec, kind, code)
        if points < 0 or points > Decimal(maximum.numerator) / Decimal(maximum.denominator):
            error(number, "points", f"{points} points for {code} is outside 0–{float(maximum):g}.")
            continue
        if kind == "total":
            evaluation.stated["total"] = (points, number)
        else:
            evaluation.given.setdefault(kind, {})[code] = (points, number)

    if plan.errors:
        return plan
    for evaluation in planned.values():
        _settle(
            evaluation,
            context.frameworks[(evaluation.framework_key, evaluation.framework_version)],
            plan,
        )
    plan.evaluations = sorted(
        planned.values(), key=lambda e: (e.municipality_name, e.year, e.framework_version)
    )
    return plan


def _tolerance(parts: int) -> Decimal:
    """How far a stated sum may be from its parts and still be rounding: half a point for the
    sum itself and a twentieth of a point for each part rounded to one decimal."""
    return Decimal("0.5") + Decimal("0.05") * parts


def _settle(evaluation: PlannedEvaluation, spec: FrameworkSpec, plan: ImportPlan) -> None:
    """Decide the evaluation's level, compute its result, and compare the stated sums."""
    by_kind = evaluation.given
    stated_areas = by_kind.get(AREA_LEVEL, {})
    if evaluation.levels:
        evaluation.level = QUESTION_LEVEL
        result = score_framework(spec, evaluation.levels)
        stated = {**by_kind.get(SUBAREA_LEVEL, {}), **stated_areas}
    elif SUBAREA_LEVEL in by_kind:
        evaluation.level = SUBAREA_LEVEL
        evaluation.points = {c: p for c, (p, _row) in by_kind[SUBAREA_LEVEL].items()}
        result = score_reported(
            spec, SUBAREA_LEVEL, {c: Fraction(p) for c, p in evaluation.points.items()}
        )
        stated = dict(stated_areas)
    elif stated_areas:
        evaluation.level = AREA_LEVEL
        evaluation.points = {c: p for c, (p, _row) in stated_areas.items()}
        result = score_reported(
            spec, AREA_LEVEL, {c: Fraction(p) for c, p in evaluation.points.items()}
        )
        stated = {}
    else:
        plan.errors.append(
            Problem(
                plan.filename,
                evaluation.first_row,
                None,
                f"{evaluation.municipality_name} {evaluation.year} has only a total; give the "
                "points per area, sub-area or question.",
            )
        )
        return
    if "total" in evaluation.stated:
        stated["total"] = evaluation.stated["total"]
    for code, (points, row) in stated.items():
        node = result if code == "total" else find(result, code)
        if node is None or node.missing:
            continue  # the parts are incomplete: nothing to compare with
        parts = len(node.children) or 1
        computed = Decimal(node.points.numerator) / Decimal(node.points.denominator)
        if abs(computed - points) > _tolerance(parts):
            label = "the total" if code == "total" else f"{code}"
            plan.warnings.append(
                Problem(
                    plan.filename,
                    row,
                    None,
                    f"{evaluation.municipality_name} {evaluation.year}: the file says {label} is "
                    f"{points}, but its parts add up to {computed.quantize(Decimal('0.1'))}. "
                    "The parts are used.",
                )
            )
    evaluation.total = result.points
    evaluation.max_points = result.max_points
    evaluation.missing = result.missing
