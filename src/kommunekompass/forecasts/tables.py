"""Statistics in CSV or .xlsx, read with lib.tabular (its limits, encodings and cell checks):

- SSB's CSV download of a population projection (table 14288): semicolon-separated, quoted
  headers "region";"kjønn";"alder";"statistikkvariabel";"år" and one column of figures, whose
  header is the table's title ("14288: Framskrevet folkemengde ..."). The cells hold labels
  ("5028 Melhus", "17 år", "Hovedalternativet (MMMM)"). A title line above the headers, as the
  statbank's "with heading" download writes, is skipped.
- The cost table template (docs/forecast.md): "alder fra", "alder til" (blank for "and
  older"), "tjenesteområde", optionally "kode", "kroner per innbygger" and "prisår".

Every problem names the file, the row and the column as written in the file.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from kommunekompass.forecasts.statfiles import (
    COSTS,
    OWN,
    POPULATION,
    SSB,
    CostRow,
    PopulationRow,
    Refused,
    StatisticsFile,
    alternative_code,
    check_population,
    is_total,
    municipality_code,
    parse_age,
    table_id_from,
)
from kommunekompass.lib.tabular import FileUnreadable, Table, decode, parse_number, read_table

POPULATION_HEADERS = {
    "region": ["region", "kommune", "kommun"],
    "sex": ["kjønn", "kjonn", "kön", "kon", "sex"],
    "age": ["alder", "ålder", "age"],
    "alternative": ["statistikkvariabel", "tabellinnehåll", "alternativ", "contents"],
    "year": ["år", "tid", "year"],
}

COST_HEADERS = {
    "age_from": ["alder fra", "alder_fra", "age from", "ålder från", "fra alder"],
    "age_to": ["alder til", "alder_til", "age to", "ålder till", "til alder"],
    "service": ["tjenesteområde", "tjeneste", "service area", "service", "verksamhet"],
    "code": ["kode", "code", "kod"],
    "kroner": [
        "kroner per innbygger",
        "kr per innbygger",
        "kroner",
        "kroner per inhabitant",
        "kronor per invånare",
    ],
    "price_year": ["prisår", "price year", "prisnivå", "prisår (faste priser)"],
}

# Values SSB and SCB write for a figure they do not give.
_MISSING = {"..", ".", ":", "-", "…"}


def _where(table: Table, row: int, key: str | None) -> str:
    if key is None:
        return _("%(file)s, row %(row)s") % {"file": table.filename, "row": row}
    return _("%(file)s, row %(row)s, column “%(column)s”") % {
        "file": table.filename,
        "row": row,
        "column": table.columns.get(key, key),
    }


def _reader_problems(table: Table) -> list[str]:
    found = []
    for problem in table.problems:
        if problem.column is None:
            where = _("%(file)s, row %(row)s") % {"file": table.filename, "row": problem.row}
        else:
            where = _("%(file)s, row %(row)s, column “%(column)s”") % {
                "file": table.filename,
                "row": problem.row,
                "column": problem.column,
            }
        found.append(f"{where}: {problem.message}")
    return found


def _headers_found(table: Table) -> str:
    return ", ".join(f"“{h}”" for h in table.headers if h) or _("none")


def _without_title(data: bytes, file_name: str) -> tuple[bytes, str]:
    """A CSV whose first line is a title (no separator) with that line blanked, and the title.
    Row numbers stay those of the file."""
    if data.startswith(b"PK\x03\x04"):
        return data, ""
    try:
        text, _encoding = decode(data, file_name)
    except FileUnreadable:
        return data, ""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if all(len(next(csv.reader([line], delimiter=d), [])) <= 1 for d in (";", ",", "\t")):
            title = line.strip().strip('"')
            lines[index] = "\n"
            return "".join(lines).encode("utf-8"), title
        break
    return data, ""


def read_population_table(data: bytes, file_name: str) -> StatisticsFile:
    data, title = _without_title(data, file_name)
    try:
        table = read_table(data, file_name, POPULATION_HEADERS)
    except FileUnreadable as error:
        raise Refused(str(error)) from None
    found = StatisticsFile(
        kind=POPULATION, file_name=file_name, publisher=SSB, dialect=table.dialect, title=title
    )
    found.problems.extend(_reader_problems(table))
    for key, what in (("region", "region"), ("age", "alder"), ("year", "år")):
        if key not in table.columns:
            found.problems.append(
                _("%(file)s: no “%(what)s” column. Headers found: %(found)s.")
                % {"file": file_name, "what": what, "found": _headers_found(table)}
            )
    unknown = [h for h in table.unknown_headers if h]
    if len(unknown) != 1:
        years = [h for h in unknown if re.fullmatch(r"\d{4}", h.strip())]
        if years:
            advice = _(
                "The years are columns (a wide table): download the table as JSON-stat2, or as "
                "CSV with the years in rows."
            )
        elif unknown:
            advice = _("Keep one column of figures and remove the others.")
        else:
            advice = _("Add the column of figures (persons).")
        found.problems.append(
            _("%(file)s: %(count)s columns could hold the figures (%(columns)s). %(advice)s")
            % {
                "file": file_name,
                "count": len(unknown),
                "columns": ", ".join(f"“{h}”" for h in unknown) or "–",
                "advice": advice,
            }
        )
    if found.problems:
        return found
    value_header = unknown[0]
    found.title = found.title or value_header
    found.table_id = table_id_from(found.title) or table_id_from(value_header)
    # The figures' column is not one of the canonical ones: read it from the raw rows again.
    raw = read_table(data, file_name, {**POPULATION_HEADERS, "persons": [value_header]})
    sexes: dict[str, str] = {}
    totals: dict[tuple, int] = {}
    rows_of: dict[tuple, int] = {}
    order = []
    for number, values in raw.rows:
        before = len(found.problems)
        region = municipality_code(str(values.get("region") or ""))
        if not region:
            found.problems.append(
                f"{_where(raw, number, 'region')}: " + _("the region is missing.")
            )
        age_text = str(values.get("age") or "")
        age = parse_age(age_text)
        if age is None:
            found.problems.append(
                f"{_where(raw, number, 'age')}: "
                + _("“%(text)s” is not an age.") % {"text": age_text}
            )
        year_text = str(values.get("year") or "").strip()
        if not (year_text.isdigit() and 1900 <= int(year_text) <= 2200):
            found.problems.append(
                f"{_where(raw, number, 'year')}: "
                + _("“%(text)s” is not a year.") % {"text": year_text}
            )
        alternative = alternative_code(str(values.get("alternative") or "main"))
        sex = str(values.get("sex") or "").strip()
        if sex:
            sexes.setdefault(sex, number)
        cell = values.get("persons")
        text = "" if cell is None else str(cell).strip()
        persons = None
        if text in _MISSING or not text:
            found.problems.append(
                f"{_where(raw, number, 'persons')}: "
                + _("no figure (“%(text)s”).") % {"text": text}
            )
        else:
            try:
                number_value = parse_number(cell)
            except ValueError:
                number_value = None
            if number_value is None or number_value < 0 or number_value != int(number_value):
                found.problems.append(
                    f"{_where(raw, number, 'persons')}: "
                    + _("“%(text)s” is not a number of persons.") % {"text": text}
                )
            else:
                persons = int(number_value)
        if len(found.problems) > before or persons is None:
            continue
        key = (region, alternative, age[0], age[1], int(year_text))
        full_key = (*key, sex)
        if full_key in rows_of:
            found.problems.append(
                _(
                    "%(file)s, rows %(first)s and %(second)s: the same region, sex, age, "
                    "alternative and year twice."
                )
                % {"file": file_name, "first": rows_of[full_key], "second": number}
            )
            continue
        rows_of[full_key] = number
        if key not in totals:
            totals[key] = 0
            order.append(key)
        totals[key] += persons
        if len(found.problems) > 200:
            break
    if len(sexes) > 1 and any(is_total(s.split(" ")[0], s) for s in sexes):
        found.problems.append(
            _(
                "%(file)s, column “%(column)s”: the file holds both sexes together and each sex "
                "apart, so the persons would be counted twice. Download men and women, or the "
                "total alone."
            )
            % {"file": file_name, "column": raw.columns["sex"]}
        )
    if found.problems:
        return found
    if not order:
        found.problems.append(_("%(file)s: no rows below the headers.") % {"file": file_name})
        return found
    found.population = [PopulationRow(*key, totals[key]) for key in order]
    check_population(found, None)
    return found


def read_cost_table(data: bytes, file_name: str) -> StatisticsFile:
    try:
        table = read_table(data, file_name, COST_HEADERS)
    except FileUnreadable as error:
        raise Refused(str(error)) from None
    found = StatisticsFile(kind=COSTS, file_name=file_name, publisher=OWN, dialect=table.dialect)
    found.problems.extend(_reader_problems(table))
    for key, what in (
        ("age_from", "alder fra"),
        ("age_to", "alder til"),
        ("service", "tjenesteområde"),
        ("kroner", "kroner per innbygger"),
        ("price_year", "prisår"),
    ):
        if key not in table.columns:
            found.problems.append(
                _("%(file)s: no “%(what)s” column. Headers found: %(found)s.")
                % {"file": file_name, "what": what, "found": _headers_found(table)}
            )
    if found.problems:
        return found
    price_years: dict[int, int] = {}
    seen: dict[tuple, int] = {}
    names: dict[str, str] = {}
    for number, values in table.rows:
        before = len(found.problems)

        def whole(key, blank_ok=False, row=number, cells=values):
            text = "" if cells.get(key) is None else str(cells.get(key)).strip()
            if not text:
                if not blank_ok:
                    found.problems.append(f"{_where(table, row, key)}: " + _("missing."))
                return None
            try:
                value = parse_number(cells.get(key))
            except ValueError:
                value = None
            if value is None or value < 0 or value != int(value):
                found.problems.append(
                    f"{_where(table, row, key)}: "
                    + _("“%(text)s” is not a whole number.") % {"text": text}
                )
                return None
            return int(value)

        age_from = whole("age_from")
        age_to = whole("age_to", blank_ok=True)
        price_year = whole("price_year")
        if age_from is not None and age_to is not None and age_to < age_from:
            found.problems.append(
                f"{_where(table, number, 'age_to')}: "
                + _("the group ends (%(to)s) before it begins (%(from)s).")
                % {"to": age_to, "from": age_from}
            )
        name = str(values.get("service") or "").strip()
        if not name:
            found.problems.append(f"{_where(table, number, 'service')}: " + _("missing."))
        code = str(values.get("code") or "").strip() or slugify(name).replace("-", "_")
        kroner_text = str(values.get("kroner") or "").strip()
        try:
            kroner = parse_number(values.get("kroner"))
        except ValueError:
            kroner = None
        if kroner is None or kroner < 0 or abs(kroner) >= Decimal(10) ** 10:
            found.problems.append(
                f"{_where(table, number, 'kroner')}: "
                + _("“%(text)s” is not an amount in kroner.") % {"text": kroner_text}
            )
        if len(found.problems) > before:
            continue
        if code in names and names[code] != name:
            found.problems.append(
                f"{_where(table, number, 'service')}: "
                + _("“%(name)s” has the code “%(code)s” of “%(other)s”.")
                % {"name": name, "code": code, "other": names[code]}
            )
            continue
        names[code] = name
        price_years.setdefault(price_year, number)
        key = (code, age_from)
        if key in seen:
            found.problems.append(
                _("%(file)s, rows %(first)s and %(second)s: “%(service)s” from age %(age)s twice.")
                % {
                    "file": file_name,
                    "first": seen[key],
                    "second": number,
                    "service": name,
                    "age": age_from,
                }
            )
            continue
        seen[key] = number
        found.costs.append(CostRow(age_from, age_to, code, name[:100], kroner))
    if len(price_years) > 1:
        found.problems.append(
            _("%(file)s, column “%(column)s”: several price years (%(years)s); give one.")
            % {
                "file": file_name,
                "column": table.columns["price_year"],
                "years": ", ".join(str(y) for y in sorted(price_years)),
            }
        )
    if found.problems:
        return found
    if not found.costs:
        found.problems.append(_("%(file)s: no rows below the headers.") % {"file": file_name})
        return found
    found.price_year = next(iter(price_years))
    found.problems.extend(check_cost_groups(found))
    return found


def check_cost_groups(found: StatisticsFile) -> list[str]:
    """Every service has the same age groups, from 0 without gaps or overlaps, the oldest open."""
    problems = []
    by_service: dict[str, list] = {}
    for row in found.costs:
        by_service.setdefault(row.service, []).append((row.age_from, row.age_to))
    reference = None
    for service, groups in by_service.items():
        groups.sort(key=lambda g: g[0])
        name = next(r.service_name for r in found.costs if r.service == service)
        expected = 0
        for low, high in groups:
            if low != expected or expected is None:
                problems.append(
                    _(
                        "%(file)s: the age groups of “%(service)s” must follow each other from 0 "
                        "without gaps or overlaps; a group begins at %(age)s where %(expected)s "
                        "was expected."
                    )
                    % {
                        "file": found.file_name,
                        "service": name,
                        "age": low,
                        "expected": "–" if expected is None else expected,
                    }
                )
                break
            expected = None if high is None else high + 1
        else:
            if expected is not None:
                problems.append(
                    _(
                        "%(file)s: the oldest age group of “%(service)s” must be open (leave "
                        "“alder til” blank), so everyone is counted."
                    )
                    % {"file": found.file_name, "service": name}
                )
        if reference is None:
            reference = (name, groups)
        elif groups != reference[1] and not problems:
            problems.append(
                _(
                    "%(file)s: “%(service)s” has other age groups than “%(first)s”; give every "
                    "service the same groups."
                )
                % {"file": found.file_name, "service": name, "first": reference[0]}
            )
    return problems
