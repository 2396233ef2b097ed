"""Checking a results table and planning what an import would write. Pure: no database.

Every row is checked before anything is written; the plan either has errors (and nothing may
be written) or lists the evaluations to create, each exactly as the file gives it. Each problem
names the file, the row and the column. The level of an evaluation is the finest the file gives
(questions, sub-areas, areas, or the total alone); a coarser figure given as well is a stated
sum, accepted only when every part of it is given too: one that differs from the sum of its
parts by more than rounding is a warning with its row (the parts are stored), and one whose
parts are missing is an error, since it would be lost. The error list holds the first
`max_errors` problems and counts the rest.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kommunekompass.frameworks.spec import FrameworkSpec
from kommunekompass.imports.parsing import Table, parse_number
from kommunekompass.imports.plans import (
    MAX_ERRORS,
    Context,
    ImportPlan,
    PlannedEvaluation,
    Problem,
)
from kommunekompass.lib.text import names_agree
from kommunekompass.scoring.engine import (
    AREA_LEVEL,
    SUBAREA_LEVEL,
    TOTAL_LEVEL,
    QuestionResult,
    find,
    score_framework,
    score_reported,
)

TOTAL_CODES = {"total", "totalt", "sum", "samlet", "totalsum"}
QUESTION_LEVEL = "question"
PROGRESS_ROWS = 500
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _kinds_of(spec: FrameworkSpec) -> dict[str, str]:
    """{code: kind} for every area, sub-area and question of a framework."""
    kinds = {q.code: QUESTION_LEVEL for q in spec.questions}
    kinds.update({s.code: SUBAREA_LEVEL for s in spec.subareas})
    kinds.update({a.code: AREA_LEVEL for a in spec.areas})
    return kinds


def _kind_of(spec: FrameworkSpec, code: str, kinds: dict[str, str] | None = None) -> str | None:
    if code.lower() in TOTAL_CODES:
        return TOTAL_LEVEL
    return (kinds if kinds is not None else _kinds_of(spec)).get(code)


def _max_of(spec: FrameworkSpec, kind: str, code: str) -> Fraction:
    if kind == TOTAL_LEVEL:
        return spec.max_points
    if kind == AREA_LEVEL:
        return spec.area(code).max_points
    return next(s.max_points for s in spec.subareas if s.code == code)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


class _Planner:
    """One pass over the rows of a table; `plan` collects the outcome."""

    def __init__(self, table: Table, context: Context, max_errors: int):
        self.table, self.context = table, context
        self.plan = ImportPlan(filename=table.filename, dialect=table.dialect, rows=len(table.rows))
        self.plan.max_errors = max_errors
        self.planned: dict[tuple, PlannedEvaluation] = {}
        self.seen: dict[tuple, int] = {}
        self.blocked: set[tuple] = set()  # evaluations that exist already: reported once
        self.named: set[tuple] = set()  # (municipality id, name) pairs warned about
        self.kinds: dict[tuple, dict[str, str]] = {}  # (key, version) -> {code: kind}
        # (key, version, question code) -> [(dimension code, allowed levels)]
        self.scales: dict[tuple, list[tuple[str, frozenset[int]]]] = {}

    def error(self, row, column, message) -> None:
        header = self.table.columns.get(column, column) if column else None
        self.plan.add_error(Problem(self.table.filename, row, header, message))

    def warning(self, row, column, message) -> None:
        header = self.table.columns.get(column, column) if column else None
        self.plan.warnings.append(Problem(self.table.filename, row, header, message))

    def check_columns(self) -> bool:
        table = self.table
        for problem in table.problems:
            self.plan.add_error(
                Problem(table.filename, problem.row, problem.column, problem.message)
            )
        unknown = ", ".join(f"“{h}”" for h in table.unknown_headers) or _("none")
        names = {
            "municipality_number": _("municipality number"),
            "year": _("year"),
            "code": _("code"),
        }
        for required, label in names.items():
            if required not in table.columns:
                self.error(
                    table.header_row,
                    None,
                    _("The file has no column for %(what)s (headers not recognised: %(unknown)s).")
                    % {"what": label, "unknown": unknown},
                )
        has_dimensions = any(k in table.columns for k in ("system", "scope", "result"))
        if "points" not in table.columns and not has_dimensions:
            self.error(
                table.header_row,
                None,
                _("The file has no column for points (or levels per dimension)."),
            )
        if self.context.default_framework is None and "framework" not in table.columns:
            self.error(
                table.header_row,
                None,
                _("The file names no framework: add a framework column or choose one."),
            )
        if not self.plan.errors and not self.plan.more_errors:
            if table.unknown_headers:
                self.warning(
                    table.header_row,
                    None,
                    _("These columns are not read: %(columns)s.") % {"columns": unknown},
                )
            if not table.rows:
                self.error(
                    table.header_row,
                    None,
                    _("The file has a header but no rows below it: nothing to import."),
                )
        return not self.plan.errors

    def municipality(self, number: int, row: dict):
        country = (str(row.get("country") or "NO").strip().upper() or "NO")[:2]
        written = row.get("municipality_number")
        text = str("" if written is None else written).strip()
        if isinstance(written, float) and written.is_integer():
            text = str(int(written))
        if text.isdigit():
            text = text.zfill(4)
        found = self.context.municipalities.get((country, text))
        if found is None:
            self.error(
                number,
                "municipality_number",
                _("No municipality %(country)s %(number)s is known.")
                % {"country": country, "number": text or _("(blank)")},
            )
            return None
        name = str(row.get("municipality") or "").strip()
        if name and not names_agree(name, found[1]) and (found[0], name) not in self.named:
            self.named.add((found[0], name))
            self.warning(
                number,
                "municipality",
                _(
                    "the name “%(written)s” is not that of municipality %(number)s, "
                    "%(name)s; the number is used. Check which one is right."
                )
                % {"written": name, "number": text, "name": found[1]},
            )
        return found

    def year(self, number: int, row: dict) -> int | None:
        raw = row.get("year")
        try:
            value = parse_number(raw)
        except ValueError:
            value = None
            self.error(number, "year", _("“%(text)s” is not a year.") % {"text": raw})
            return None
        if value is None:
            self.error(number, "year", _("The year is missing."))
            return None
        if value != value.to_integral_value():
            self.error(number, "year", _("“%(text)s” is not a whole year.") % {"text": raw})
            return None
        if not FIRST_YEAR <= value <= LAST_YEAR:
            self.error(
                number,
                "year",
                _("“%(text)s” is not a year between %(first)s and %(last)s.")
                % {"text": raw, "first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return None
        return int(value)

    def framework(self, number: int, row: dict):
        default = self.context.default_framework
        key = str(row.get("framework") or "").strip() or (default or ("",))[0]
        version = str(row.get("version") or "").strip()
        if not version and default and key == default[0]:
            version = default[1]
        spec = self.context.frameworks.get((key, version))
        if spec is None:
            self.error(
                number,
                "framework",
                _("No framework “%(key)s %(version)s” is loaded.")
                % {"key": key, "version": version},
            )
        return spec

    def evaluation(self, number, municipality, spec, year) -> PlannedEvaluation | None:
        identity = (municipality[0], spec.key, spec.version, year)
        evaluation = self.planned.get(identity)
        if evaluation is not None:
            return evaluation
        if identity in self.blocked:
            return None
        if identity in self.context.existing:
            self.blocked.add(identity)
            self.error(
                number,
                "year",
                _("%(municipality)s already has a %(key)s %(version)s evaluation for %(year)s.")
                % {
                    "municipality": municipality[1],
                    "key": spec.key,
                    "version": spec.version,
                    "year": year,
                },
            )
            return None
        evaluation = PlannedEvaluation(
            municipality[0], municipality[1], spec.key, spec.version, year, first_row=number
        )
        self.planned[identity] = evaluation
        return evaluation

    def question_row(self, number, row, spec, code, evaluation) -> None:
        question = spec.question(code)
        dimensions = [d.code for d in question.scheme.dimensions]
        if str(row.get("points") or "").strip():
            self.error(
                number,
                "points",
                _(
                    "%(code)s is a question: give its levels (%(dimensions)s), not points; "
                    "points are for sub-areas, areas and the total."
                )
                % {"code": code, "dimensions": ", ".join(dimensions)},
            )
            return
        scale = self.scales.get((spec.key, spec.version, code))
        if scale is None:
            scale = [(d.code, d.values) for d in question.scheme.dimensions]
            self.scales[(spec.key, spec.version, code)] = scale
        levels, bad = {}, False
        for dimension, allowed in scale:
            raw = row.get(dimension)
            if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 5:
                value = int(raw)  # the common case, quickly
            else:
                try:
                    value = parse_number(raw)
                except ValueError:
                    self.error(number, dimension, _("“%(text)s” is not a level.") % {"text": raw})
                    bad = True
                    continue
                if value is None:
                    continue
            if value != int(value) or int(value) not in allowed:
                self.error(
                    number,
                    dimension,
                    _("%(value)s is not a level of %(dimension)s (allowed: %(allowed)s).")
                    % {
                        "value": value,
                        "dimension": dimension,
                        "allowed": ", ".join(str(v) for v in sorted(allowed)),
                    },
                )
                bad = True
                continue
            levels[dimension] = int(value)
        if bad:
            return
        missing = [d for d in dimensions if d not in levels]
        if missing:
            self.error(
                number,
                "code",
                _("question %(code)s has no level for %(missing)s: give every level.")
                % {"code": code, "missing": ", ".join(missing)}
                if levels
                else _("question %(code)s has no levels: give %(dimensions)s.")
                % {"code": code, "dimensions": ", ".join(dimensions)},
            )
            return
        evaluation.levels[code] = levels
        evaluation.level_rows[code] = number
        if row.get("reason"):
            evaluation.reasons[code] = str(row["reason"]).strip()

    def points_row(self, number, row, spec, kind, code, evaluation) -> None:
        raw = row.get("points")
        try:
            points = parse_number(raw)
        except ValueError:
            self.error(number, "points", _("“%(text)s” is not a number.") % {"text": raw})
            return
        if points is None:
            self.error(number, "points", _("No points for %(code)s.") % {"code": code})
            return
        maximum = _max_of(spec, kind, code)
        if points < 0 or points > _decimal(maximum):
            self.error(
                number,
                "points",
                _("%(points)s points for %(code)s is outside 0–%(max)s.")
                % {"points": points, "code": code, "max": f"{float(maximum):g}"},
            )
            return
        code = "total" if kind == TOTAL_LEVEL else code
        evaluation.given.setdefault(kind, {})[code] = (points, number)

    def row(self, number: int, row: dict) -> None:
        municipality = self.municipality(number, row)
        if municipality is None:
            return
        year = self.year(number, row)
        if year is None:
            return
        spec = self.framework(number, row)
        if spec is None:
            return
        code = str(row.get("code") or "").strip()
        kinds = self.kinds.get((spec.key, spec.version))
        if kinds is None:
            kinds = self.kinds[(spec.key, spec.version)] = _kinds_of(spec)
        kind = _kind_of(spec, code, kinds) if code else None
        if kind is None:
            self.error(
                number,
                "code",
                _("“%(code)s” is not a code of %(key)s %(version)s.")
                % {"code": code, "key": spec.key, "version": spec.version},
            )
            return
        # The total is one figure, whatever word the file uses for it.
        seen_key = (municipality[0], spec.key, spec.version, year, code.lower(), kind)
        if kind == TOTAL_LEVEL:
            seen_key = (*seen_key[:4], "total", kind)
        duplicate = self.seen.get(seen_key)
        if duplicate is not None:
            self.error(
                number,
                "code",
                _(
                    "%(code)s for %(municipality)s %(year)s is given twice (rows %(first)s and "
                    "%(second)s)."
                )
                % {
                    "code": code,
                    "municipality": municipality[1],
                    "year": year,
                    "first": duplicate,
                    "second": number,
                },
            )
            return
        self.seen[seen_key] = number
        evaluation = self.evaluation(number, municipality, spec, year)
        if evaluation is None:
            return
        evaluation.rows += 1
        if kind == QUESTION_LEVEL:
            self.question_row(number, row, spec, code, evaluation)
        else:
            self.points_row(number, row, spec, kind, code, evaluation)


def plan_import(table: Table, context: Context, max_errors: int = MAX_ERRORS, progress=None):
    """The plan of `table`; `progress(rows checked, rows)` is told every PROGRESS_ROWS rows."""
    planner = _Planner(table, context, max_errors)
    if not planner.check_columns():
        return planner.plan
    for done, (number, row) in enumerate(table.rows, 1):
        planner.row(number, row)
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(table.rows))
    plan = planner.plan
    if plan.errors:
        return plan
    for evaluation in planner.planned.values():
        spec = context.frameworks[(evaluation.framework_key, evaluation.framework_version)]
        _settle(evaluation, spec, plan)
    plan.evaluations = sorted(
        planner.planned.values(), key=lambda e: (e.municipality_name, e.year, e.framework_version)
    )
    return plan


def _tolerance(parts: int) -> Decimal:
    """How far a stated sum may be from its parts and still be rounding: half a point for the
    sum itself and a twentieth of a point for each part rounded to one decimal."""
    return Decimal("0.5") + Decimal("0.05") * parts


def _anything_known(node) -> bool:
    if isinstance(node, QuestionResult):
        return node.scored
    if not node.children:
        return not node.missing
    return any(_anything_known(child) for child in node.children)


_LEVEL_NAMES = {
    QUESTION_LEVEL: lambda: _("per question"),
    SUBAREA_LEVEL: lambda: _("per sub-area"),
    AREA_LEVEL: lambda: _("per area"),
    TOTAL_LEVEL: lambda: _("as a total only"),
}


def _settle(evaluation: PlannedEvaluation, spec: FrameworkSpec, plan: ImportPlan) -> None:
    """Decide the evaluation's level, compute its result, and check the stated sums: each must
    have all its parts given (else it would be lost) and agree with them (else a warning)."""
    by_kind = evaluation.given
    label = f"{evaluation.municipality_name} {evaluation.year}"
    if evaluation.levels:
        evaluation.level = QUESTION_LEVEL
        result = score_framework(spec, evaluation.levels)
        stated = [
            (SUBAREA_LEVEL, by_kind.get(SUBAREA_LEVEL, {})),
            (AREA_LEVEL, by_kind.get(AREA_LEVEL, {})),
        ]
    elif SUBAREA_LEVEL in by_kind:
        evaluation.level = SUBAREA_LEVEL
        evaluation.points = {c: p for c, (p, _row) in by_kind[SUBAREA_LEVEL].items()}
        result = score_reported(
            spec, SUBAREA_LEVEL, {c: Fraction(p) for c, p in evaluation.points.items()}
        )
        stated = [(AREA_LEVEL, by_kind.get(AREA_LEVEL, {}))]
    elif AREA_LEVEL in by_kind:
        evaluation.level = AREA_LEVEL
        evaluation.points = {c: p for c, (p, _row) in by_kind[AREA_LEVEL].items()}
        result = score_reported(
            spec, AREA_LEVEL, {c: Fraction(p) for c, p in evaluation.points.items()}
        )
        stated = []
    else:
        evaluation.level = TOTAL_LEVEL
        evaluation.points = {"total": by_kind[TOTAL_LEVEL]["total"][0]}
        result = score_reported(spec, TOTAL_LEVEL, {"total": Fraction(evaluation.points["total"])})
        stated = []
    if evaluation.level != TOTAL_LEVEL and TOTAL_LEVEL in by_kind:
        stated.append((TOTAL_LEVEL, by_kind[TOTAL_LEVEL]))
    level = _LEVEL_NAMES[evaluation.level]()
    for _kind, figures in stated:
        for code, (points, row) in sorted(figures.items(), key=lambda item: item[1][1]):
            node = result if code == "total" else find(result, code)
            name = _("the total") if code == "total" else code
            if not _anything_known(node):
                plan.add_error(
                    Problem(
                        plan.filename,
                        row,
                        None,
                        _(
                            "%(evaluation)s has its results %(level)s, but none of the parts of "
                            "%(code)s is given: its %(points)s points would be lost. Give every "
                            "figure of one evaluation at one level; a coarser figure is only a "
                            "check of its parts."
                        )
                        % {"evaluation": label, "level": level, "code": name, "points": points},
                    )
                )
                continue
            if node.missing:
                plan.add_error(
                    Problem(
                        plan.filename,
                        row,
                        None,
                        _(
                            "%(evaluation)s: the file says %(code)s is %(points)s, but not all "
                            "of its parts are given (missing: %(missing)s), so it would be "
                            "lost. Give all of them, or leave out the sum."
                        )
                        % {
                            "evaluation": label,
                            "code": name,
                            "points": points,
                            "missing": ", ".join(node.missing[:10])
                            + (" …" if len(node.missing) > 10 else ""),
                        },
                    )
                )
                continue
            parts = len(node.children) or 1
            computed = _decimal(node.points)
            if abs(computed - points) > _tolerance(parts):
                plan.warnings.append(
                    Problem(
                        plan.filename,
                        row,
                        None,
                        _(
                            "%(evaluation)s: the file says %(code)s is %(points)s, but its "
                            "parts add up to %(computed)s. The parts are used."
                        )
                        % {
                            "evaluation": label,
                            "code": name,
                            "points": number_format(points),
                            "computed": number_format(computed.quantize(Decimal("0.1"))),
                        },
                    )
                )
    evaluation.total = result.points
    evaluation.max_points = result.max_points
    evaluation.missing = result.missing
