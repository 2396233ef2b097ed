"""Importing an indicator's measurements from a CSV or .xlsx file, all or nothing.

A file has a period column (a date, quarter, month or year; see improvement.periods) and a value
column; for experienced quality it may give the experience (O) and expectation (F) instead of
K = O / F, or as well. Every row is checked first and every problem is reported, each naming
its row and the column as written in the file; only a file without problems is written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kommunekompass.improvement import measures
from kommunekompass.improvement.periods import parse_period, period_label
from kommunekompass.lib.tabular import FileUnreadable, Limits, Table, parse_number, read_table

# canonical column -> the headers that mean it (compared in lower case, spaces collapsed)
MEASUREMENT_HEADERS = {
    "period": [
        "periode",
        "period",
        "kvartal",
        "quarter",
        "måned",
        "month",
        "dato",
        "date",
        "år",
        "year",
        "kvartal/år",
    ],
    "value": [
        "verdi",
        "value",
        "värde",
        "sykefravær",
        "sykefravær %",
        "sick leave",
        "nærvær",
        "presence",
        "antall",
        "count",
        "k",
        "k = o/f",
    ],
    "experience": ["o", "opplevd", "opplevd kvalitet", "experience", "experienced"],
    "expectation": ["f", "forventet", "forventning", "expectation", "expected"],
    "unit": ["enhet", "unit"],  # recognised, not used
}

# Headers that say which of the two percentages a column holds; the other kind is refused.
_SICK_LEAVE_HEADERS = {"sykefravær", "sykefravær %", "sick leave"}
_PRESENCE_HEADERS = {"nærvær", "presence"}

SICK_LEAVE = "sick_leave"
PRESENCE = "presence"
EXPERIENCED_QUALITY = "experienced_quality"

# The database columns: value Decimal(12, 4), experience and expectation Decimal(8, 3).
_VALUE_LIMIT = Decimal(10) ** 8
_SCORE_LIMIT = Decimal(10) ** 5


class MeasurementProblem(str):
    """A problem as the pages and the command line show it ("Row 4, column “verdi”: “abc” is
    not a number."), keeping its parts for the API: the row, the column as written in the file
    (None where the problem is not in one row or column) and the message alone."""

    row: int | None
    column: str | None
    message: str

    def __new__(cls, text: str, *, row=None, column=None, message=None):
        problem = super().__new__(cls, text)
        problem.row, problem.column, problem.message = row, column, message or str(text)
        return problem


def _at(row, column, message: str) -> MeasurementProblem:
    """The problem `message` found in `row` (and `column`, when given)."""
    if column is None:
        text = _("Row %(row)s: %(problem)s") % {"row": row, "problem": message}
    else:
        text = _("Row %(row)s, column “%(column)s”: %(problem)s") % {
            "row": row,
            "column": column,
            "problem": message,
        }
    return MeasurementProblem(text, row=row, column=column, message=message)


@dataclass(frozen=True)
class PlannedMeasurement:
    row: int
    period_end: datetime.date
    value: Decimal
    experience: Decimal | None = None
    expectation: Decimal | None = None


@dataclass
class MeasurementPlan:
    measurements: list[PlannedMeasurement] = field(default_factory=list)
    problems: list[MeasurementProblem] = field(default_factory=list)  # each also a str
    problem_count: int = 0  # all problems found; `problems` lists the first ones (see _cap)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class MeasurementImport:
    created: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0  # periods in the file whose stored figures were the same already
    written: bool = False
    problem_count: int = 0  # all problems found; `problems` lists the first ones


def limits() -> Limits:
    """The limits of a measurements import, from the settings."""
    return Limits.from_mapping(getattr(settings, "MEASUREMENT_IMPORT_LIMITS", None))


def _cap(problems: list[str], limit: int) -> tuple[list[str], int]:
    """The first `limit` problems, and a last line saying how many more there are."""
    if len(problems) <= limit:
        return problems, len(problems)
    more = len(problems) - limit
    return problems[:limit] + [
        ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more)
        % {"count": number_format(more, force_grouping=True)}
    ], len(problems)


def _cell_problems(table: Table) -> list[str]:
    """What the reader found wrong with rows and cells, in this importer's words."""
    found = []
    for problem in table.problems:
        found.append(_at(problem.row, problem.column, problem.message))
    return found


def _normalise(header: str) -> str:
    return " ".join(str(header).lower().split())


def _found(table: Table) -> str:
    found = [header for header in table.headers if header]
    return ", ".join(f"“{header}”" for header in found) if found else _("none")


def _missing_column(table: Table, what: str) -> str:
    return _("The file has no %(what)s column. Headers found: %(found)s.") % {
        "what": what,
        "found": _found(table),
    }


def _check_columns(table: Table, kind: str) -> list[str]:
    columns = table.columns
    problems = []
    if "period" not in columns:
        problems.append(_missing_column(table, _("period (e.g. “periode”, “kvartal” or “dato”)")))
    if kind == EXPERIENCED_QUALITY:
        if "value" not in columns and not ("experience" in columns and "expectation" in columns):
            missing = [
                f"“{label}”"
                for name, label in (("value", "K"), ("experience", "O"), ("expectation", "F"))
                if name not in columns
            ]
            problems.append(
                _(
                    "The file has no value column (“K”), nor both an experience (“O”) and an "
                    "expectation (“F”) column; missing: %(missing)s. Headers found: %(found)s."
                )
                % {"missing": ", ".join(missing), "found": _found(table)}
            )
    elif "value" not in columns:
        problems.append(_missing_column(table, _("value (e.g. “verdi”)")))
    header = _normalise(columns.get("value", ""))
    if kind == PRESENCE and header in _SICK_LEAVE_HEADERS:
        text = _(
            "Column “%(column)s” holds sick leave, but the indicator measures presence; "
            "give presence (100 minus sick leave) in a column “nærvær” or “verdi”."
        ) % {"column": columns["value"]}
        problems.append(MeasurementProblem(text, column=columns["value"]))
    if kind == SICK_LEAVE and header in _PRESENCE_HEADERS:
        text = _(
            "Column “%(column)s” holds presence, but the indicator measures sick leave; "
            "give sick leave in a column “sykefravær” or “verdi”."
        ) % {"column": columns["value"]}
        problems.append(MeasurementProblem(text, column=columns["value"]))
    return problems


class _Row:
    """One row's cells and the problems found in them."""

    def __init__(self, number: int, values: dict, columns: dict[str, str], problems: list[str]):
        self.number, self.values, self.columns, self.problems = number, values, columns, problems

    def text(self, key: str) -> str:
        cell = self.values.get(key, "")
        return "" if cell is None else str(cell).strip()

    def problem(self, key: str, message: str, **params) -> None:
        self.problems.append(_at(self.number, self.columns[key], message % params))

    def number_in(self, key: str, limit: Decimal) -> Decimal | None:
        """The cell as a number (None: blank, or not a number, which is then a problem)."""
        if key not in self.columns:
            return None
        text = self.text(key)
        try:
            number = parse_number(self.values.get(key))
        except ValueError:
            self.problem(key, _("“%(text)s” is not a number."), text=text)
            return None
        if number is not None and abs(number) >= limit:
            self.problem(key, _("“%(text)s” is too large."), text=text)
            return None
        return number


def _row_value(row: _Row, kind: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The row's value, experience and expectation; (None, ...) when a problem was found."""
    before = len(row.problems)
    value = row.number_in("value", _VALUE_LIMIT)
    experience = expectation = None
    if kind == EXPERIENCED_QUALITY:
        experience = row.number_in("experience", _SCORE_LIMIT)
        expectation = row.number_in("expectation", _SCORE_LIMIT)
    if len(row.problems) > before:
        return None, None, None
    try:
        return measures.measured_value(kind, value, experience, expectation)
    except measures.BadMeasurement as problem:
        column = (
            problem.column
            if problem.column in row.columns
            else next(key for key in ("value", "experience", "expectation") if key in row.columns)
        )
        text = row.text(column)
        if text:
            row.problem(
                column, "“%(text)s”: %(problem)s", text=text, problem=bad_measurement_text(problem)
            )
        else:
            row.problem(column, "%(problem)s", problem=bad_measurement_text(problem))
        return None, None, None


def bad_measurement_text(problem: measures.BadMeasurement) -> str:
    """What is wrong with a measurement, in the user's language."""
    return _(problem.message) % problem.params if problem.params else _(problem.message)


def plan_measurements(table: Table, kind: str) -> MeasurementPlan:
    """Check every row of a measurements table for an indicator of `kind`; collect all problems.

    The plan's measurements are only complete when it has no problems.
    """
    plan = MeasurementPlan()
    plan.problems.extend(_check_columns(table, kind))
    plan.problems.extend(_cell_problems(table))
    if plan.problems:
        return plan
    if not table.rows:
        plan.problems.append(_("The file has no measurements (no rows below the headers)."))
        return plan
    seen: dict[datetime.date, int] = {}
    for number, values in table.rows:
        row = _Row(number, values, table.columns, plan.problems)
        period = None
        text = row.text("period")
        if not text:
            row.problem("period", _("the period is missing."))
        else:
            try:
                period = parse_period(values["period"])
            except ValueError:
                row.problem(
                    "period",
                    _(
                        "“%(text)s” is not a period (write e.g. 31.03.2026, 2026-03-31, "
                        "1. kv. 2026, 2026-Q1, 03.2026 or 2026)."
                    ),
                    text=text,
                )
        if period is not None:
            if period in seen:
                text = _(
                    "Rows %(first)s and %(second)s, column “%(column)s”: both are the period "
                    "ending %(date)s."
                ) % {
                    "first": seen[period],
                    "second": number,
                    "column": table.columns["period"],
                    "date": period_label(period, "", get_language() or "en"),
                }
                message = _("row %(first)s gives the same period, ending %(date)s.") % {
                    "first": seen[period],
                    "date": period_label(period, "", get_language() or "en"),
                }
                plan.problems.append(
                    MeasurementProblem(
                        text, row=number, column=table.columns["period"], message=message
                    )
                )
            else:
                seen[period] = number
        value, experience, expectation = _row_value(row, kind)
        if period is not None and value is not None:
            plan.measurements.append(
                PlannedMeasurement(number, period, value, experience, expectation)
            )
    return plan


def read_plan(data: bytes, filename: str, kind: str) -> MeasurementPlan:
    """Read a file, within the limits of the settings, and check its measurements for an
    indicator of `kind`."""
    try:
        table = read_table(data, filename, MEASUREMENT_HEADERS, limits())
    except FileUnreadable as error:
        return MeasurementPlan(problems=[str(error)])
    return plan_measurements(table, kind)


def refused(plan: MeasurementPlan) -> MeasurementImport:
    """The outcome of a file with problems: the first ones, and how many there are in all."""
    problems, count = _cap(plan.problems, limits().max_errors)
    return MeasurementImport(problems=problems, problem_count=count)


def import_measurements(
    indicator, data: bytes, filename: str, *, dry_run: bool = False, user=None
) -> MeasurementImport:
    """Import a file's measurements into `indicator`: all of them, or none when any is wrong.

    New periods are created; periods the indicator has already get the file's figures. With
    `dry_run`, everything is checked and counted, and nothing is written. The write goes
    through improvement.services, which records it in the programme's history.
    """
    from kommunekompass.improvement import services

    return services.import_measurements(user, indicator, data, filename, dry_run=dry_run)
