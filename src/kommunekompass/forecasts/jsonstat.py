"""Population projections in JSON-stat 2.0, as the PxWebApi of Statistics Norway (SSB) and of
Statistics Sweden (SCB) returns them.

A dataset: `id` (the dimensions in order), `size` (categories per dimension), `dimension`
(each with `category.index`, a list of codes or an object code -> position, and
`category.label`), and `value`, the figures in row-major order (the last dimension varies
fastest), as a list or as an object position -> figure. Known dimensions:

- region: `Region` (codes "5028", "K-5028" or SCB's "0114");
- sex: `Kjonn` (SSB) or `Kon` (SCB), summed; a total beside the parts is refused;
- age: `Alder` (single years "017", "105+", or groups);
- alternative: `ContentsCode` (SSB 14288 names its alternatives there: "Hovedalternativet
  (MMMM)"; the code in parentheses is kept);
- year: `Tid`.

Every problem names the file and the JSON path ($.size[2], $.dimension.Alder.category, ...).
"""

from __future__ import annotations

import json
import math

from django.utils.translation import gettext as _

from kommunekompass.forecasts.statfiles import (
    POPULATION,
    SCB,
    SSB,
    PopulationRow,
    Refused,
    StatisticsFile,
    alternative_code,
    check_population,
    is_total,
    municipality_code,
    parse_age,
    publisher_from,
    table_id_from,
)

ROLES = {
    "region": "region",
    "kjonn": "sex",
    "kon": "sex",
    "kjønn": "sex",
    "kön": "sex",
    "alder": "age",
    "ålder": "age",
    "contentscode": "alternative",
    "statistikkvariabel": "alternative",
    "tabellinnehåll": "alternative",
    "tid": "year",
    "år": "year",
}
REQUIRED = ("region", "age", "year")
KNOWN = "Region, Kjonn/Kon, Alder, ContentsCode, Tid"
MAX_VALUES = 2_000_000


def _categories(found, name, dimension, size) -> list[tuple[str, str]] | None:
    """The dimension's (code, label) pairs in index order, or None after a problem."""
    path = f"$.dimension.{name}"
    if not isinstance(dimension, dict) or not isinstance(dimension.get("category"), dict):
        found.problems.append(
            _("%(file)s, %(path)s.category: the dimension has no categories.")
            % {"file": found.file_name, "path": path}
        )
        return None
    category = dimension["category"]
    index = category.get("index")
    labels = category.get("label") or {}
    if index is None and isinstance(labels, dict) and len(labels) == 1:
        index = list(labels)  # JSON-stat allows a lone category without an index
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        ordered = sorted(
            index.items(), key=lambda item: item[1] if isinstance(item[1], int) else -1
        )
        positions = [position for _code, position in ordered]
        if positions != list(range(len(positions))):
            found.problems.append(
                _(
                    "%(file)s, %(path)s.category.index: the positions must run 0, 1, 2, ... "
                    "without gaps."
                )
                % {"file": found.file_name, "path": path}
            )
            return None
        codes = [str(code) for code, _position in ordered]
    else:
        found.problems.append(
            _("%(file)s, %(path)s.category.index: missing (the categories' order).")
            % {"file": found.file_name, "path": path}
        )
        return None
    if len(codes) != size:
        found.problems.append(
            _(
                "%(file)s, %(path)s.category.index: %(count)s categories, but $.size gives "
                "%(size)s for this dimension."
            )
            % {"file": found.file_name, "path": path, "count": len(codes), "size": size}
        )
        return None
    if not isinstance(labels, dict):
        labels = {}
    return [(code, str(labels.get(code, code))) for code in codes]


def read_jsonstat(data: bytes, file_name: str) -> StatisticsFile:
    found = StatisticsFile(kind=POPULATION, file_name=file_name, dialect="JSON-stat 2.0")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Refused(_("%(file)s: the JSON file is not UTF-8.") % {"file": file_name}) from None
    except json.JSONDecodeError as error:
        raise Refused(
            _("%(file)s: not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"file": file_name, "line": error.lineno, "column": error.colno, "error": error.msg}
        ) from None
    if isinstance(document, dict) and "dataset" in document and "id" not in document:
        document = document["dataset"]  # JSON-stat 1.0 wraps it; 2.0 does not
    if not isinstance(document, dict) or document.get("class", "dataset") != "dataset":
        raise Refused(
            _("%(file)s, $.class: not a JSON-stat 2.0 dataset. Download the table as JSON-stat2.")
            % {"file": file_name}
        )
    ids, sizes, dimensions = document.get("id"), document.get("size"), document.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Refused(_("%(file)s, $.id: missing or not a list of names.") % {"file": file_name})
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise Refused(_("%(file)s, $.size: missing or not a list of counts.") % {"file": file_name})
    if len(ids) != len(sizes):
        raise Refused(
            _("%(file)s, $.size: %(sizes)s sizes for %(ids)s dimensions in $.id.")
            % {"file": file_name, "sizes": len(sizes), "ids": len(ids)}
        )
    if not isinstance(dimensions, dict):
        raise Refused(_("%(file)s, $.dimension: missing.") % {"file": file_name})

    extension = document.get("extension") if isinstance(document.get("extension"), dict) else {}
    px = extension.get("px") if isinstance(extension.get("px"), dict) else {}
    found.title = str(document.get("label") or "")[:500]
    found.table_id = str(px.get("tableid") or table_id_from(found.title))[:40]
    found.publisher = publisher_from(document.get("source")) or (
        SCB if any(i.lower() == "kon" for i in ids) else SSB
    )

    roles: dict[str, int] = {}
    for position, name in enumerate(ids):
        role = ROLES.get(name.lower())
        if role is None:
            found.problems.append(
                _("%(file)s, $.id[%(index)s]: unknown dimension “%(name)s” (known: %(known)s).")
                % {"file": file_name, "index": position, "name": name, "known": KNOWN}
            )
        elif role in roles:
            found.problems.append(
                _("%(file)s, $.id[%(index)s]: a second %(role)s dimension “%(name)s”.")
                % {"file": file_name, "index": position, "role": role, "name": name}
            )
        else:
            roles[role] = position
    for role in REQUIRED:
        if role not in roles:
            found.problems.append(
                _("%(file)s, $.id: no %(role)s dimension (known: %(known)s).")
                % {"file": file_name, "role": role, "known": KNOWN}
            )
    categories = []
    for position, name in enumerate(ids):
        if name not in dimensions:
            found.problems.append(
                _("%(file)s, $.dimension.%(name)s: missing, though $.id names it.")
                % {"file": file_name, "name": name}
            )
            categories.append(None)
            continue
        categories.append(_categories(found, name, dimensions[name], sizes[position]))
    if found.problems:
        return found

    count = math.prod(sizes)
    values = document.get("value")
    if count > MAX_VALUES:
        raise Refused(
            _("%(file)s, $.size: %(count)s figures; at most %(limit)s are read. Download less.")
            % {"file": file_name, "count": count, "limit": MAX_VALUES}
        )
    if isinstance(values, dict):
        try:
            values = {int(key): value for key, value in values.items()}
        except ValueError:
            raise Refused(
                _("%(file)s, $.value: the keys of a sparse value object must be positions.")
                % {"file": file_name}
            ) from None
        values = [values.get(position) for position in range(count)]
    elif not isinstance(values, list):
        raise Refused(_("%(file)s, $.value: missing.") % {"file": file_name})
    elif len(values) != count:
        sizes_text = " × ".join(str(s) for s in sizes)
        raise Refused(
            _(
                "%(file)s, $.value: %(values)s figures, but $.size gives %(sizes)s = %(count)s. "
                "The file is cut short or not from one query; download it again."
            )
            % {"file": file_name, "values": len(values), "sizes": sizes_text, "count": count}
        )

    _interpret(found, ids, sizes, categories, roles, values)
    return found


def _interpret(found, ids, sizes, categories, roles, values) -> None:
    file_name = found.file_name
    ages = []
    for code, label in categories[roles["age"]]:
        age = parse_age(code) or parse_age(label)
        if age is None:
            found.problems.append(
                _(
                    "%(file)s, $.dimension.%(name)s.category.index “%(code)s”: not an age "
                    "(%(label)s)."
                )
                % {"file": file_name, "name": ids[roles["age"]], "code": code, "label": label}
            )
        ages.append(age)
    years = []
    for code, _label in categories[roles["year"]]:
        if not (code.isdigit() and 1900 <= int(code) <= 2200):
            found.problems.append(
                _("%(file)s, $.dimension.%(name)s.category.index “%(code)s”: not a year.")
                % {"file": file_name, "name": ids[roles["year"]], "code": code}
            )
            years.append(None)
        else:
            years.append(int(code))
    if "sex" in roles:
        sexes = categories[roles["sex"]]
        if len(sexes) > 1 and any(is_total(code, label) for code, label in sexes):
            found.problems.append(
                _(
                    "%(file)s, $.dimension.%(name)s: the file holds both sexes together and each "
                    "sex apart, so the persons would be counted twice. Download men and women, "
                    "or the total alone."
                )
                % {"file": file_name, "name": ids[roles["sex"]]}
            )
    if found.problems:
        return
    regions = [municipality_code(code) for code, _label in categories[roles["region"]]]
    alternatives = (
        [alternative_code(code, label) for code, label in categories[roles["alternative"]]]
        if "alternative" in roles
        else None
    )
    totals: dict[tuple, int] = {}
    order: list[tuple] = []
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    for position, value in enumerate(values):
        indices = [(position // strides[i]) % sizes[i] for i in range(len(sizes))]
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            where = ", ".join(f"{ids[i]}={categories[i][indices[i]][0]}" for i in range(len(ids)))
            what = (
                _("no figure")
                if value is None
                else _("“%(value)s” is not a number") % {"value": str(value)[:40]}
            )
            found.problems.append(
                _("%(file)s, $.value[%(index)s] (%(where)s): %(what)s.")
                % {"file": file_name, "index": position, "where": where, "what": what}
            )
            continue
        if value < 0 or value != int(value):
            found.problems.append(
                _("%(file)s, $.value[%(index)s]: %(value)s is not a number of persons.")
                % {"file": file_name, "index": position, "value": value}
            )
            continue
        age = ages[indices[roles["age"]]]
        key = (
            regions[indices[roles["region"]]],
            alternatives[indices[roles["alternative"]]] if alternatives else "main",
            age[0],
            age[1],
            years[indices[roles["year"]]],
        )
        if key not in totals:
            totals[key] = 0
            order.append(key)
        totals[key] += int(value)
        if len(found.problems) > 200:
            return
    if found.problems:
        return
    found.population = [PopulationRow(*key, totals[key]) for key in order]
    check_population(found, None)
