"""The snapshot of a published version, registered with evaluations.snapshots.

- `build(evaluation)`: the live report as JSON-ready data (reports.frozen), with `format`,
  `complete` and `total` at the top; `build_many(evaluations)` the same for many at once;
- `render(version)`: the version's PDF and workbook, made from its data alone (with, for
  format 2, the texts of its framework version);
- `changes(previous, data)`: what changed since the previous version, as data (codes and
  values) that `describe_change` turns into a sentence in the reader's language.
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.numbers import format_points

ASCII_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def build(evaluation) -> dict:
    from kommunekompass.reports.data import build_report, report_to_data

    return report_to_data(build_report(evaluation))


def build_many(evaluations, progress=None) -> dict[int, dict]:
    """`build` of each evaluation, reading what they share once (reports.batch)."""
    from kommunekompass.reports.batch import build_reports
    from kommunekompass.reports.data import report_to_data

    reports = build_reports(list(evaluations), progress)
    known: dict = {}  # what many snapshots have in common, turned into data once
    return {pk: report_to_data(report, known) for pk, report in reports.items()}


def file_stem(municipality_name: str, year: int, suffix: str = "") -> str:
    """E.g. "fjordvik-kommune-2023-v2"; æ, ø and å are spelt ae, o and a."""
    return f"{slugify(municipality_name.translate(ASCII_LETTERS))}-{year}{suffix}"


def version_filename(version, extension: str) -> str:
    info = version.data["evaluation"]
    stem = file_stem(info["municipality"]["name"], info["year"], f"-v{version.number}")
    return f"{stem}.{extension}"


def render_file(version, kind: str) -> tuple[str, bytes]:
    """One of the version's files ("pdf" or "xlsx"), in its report language, from its data."""
    from kommunekompass.reports.data import report_from_data
    from kommunekompass.reports.render import render_pdf
    from kommunekompass.reports.spreadsheet import render_xlsx

    report = report_from_data(version.data)
    with translation.override(version.language or settings.LANGUAGE_CODE):
        if kind == "pdf":
            content = render_pdf(report, version=version)
        else:
            content = render_xlsx(report, version=version)
    return version_filename(version, kind), content


def render(version) -> dict:
    return {kind: render_file(version, kind) for kind in ("pdf", "xlsx")}


# --- what changed between two versions ---------------------------------------------------------


def _areas(data: dict) -> dict[str, tuple[str | None, dict]]:
    """{area code: (points as fraction text, or None when nothing is scored; name)}"""
    from kommunekompass.reports.frozen import snapshot_texts

    texts = snapshot_texts(data) if data.get("areas") else None
    found = {}
    for area in data.get("areas", []):
        if texts is None:  # format 1: the snapshot holds the framework's texts
            code, name = area["area"]["code"], area["area"]["name"]
        else:  # format 2: they are the framework version's
            code = area["area"]
            name = dict(texts.areas[code].name)
        found[code] = (_area_points(data, code), name)
    return found


def _area_points(data: dict, code: str) -> str | None:
    def walk(node):
        if node is None or "question" in node:
            return None
        if node["code"] == code:
            return node
        for child in node.get("children", []):
            found = walk(child)
            if found is not None:
                return found
        return None

    node = walk(data.get("result"))
    return node["points"] if node else None


def _findings(data: dict) -> dict[tuple, str]:
    """{(area, kind, number in its list): text}"""
    found = {}
    for area in data.get("areas", []):
        numbers: dict[str, int] = {}
        for item in area["findings"]:
            numbers[item["kind"]] = numbers.get(item["kind"], 0) + 1
            found[(item["area"], item["kind"], numbers[item["kind"]])] = item["text"]
    return found


def _links(data: dict) -> list:
    """What the priorities are linked to; none linked (or a snapshot from before priorities
    were linked) is the same as no links."""
    links = data.get("priority_links") or []
    return links if any(item.get("areas") or item.get("findings") for item in links) else []


def changes(previous: dict, data: dict) -> list:
    """What a reader of the previous version should know changed: figures, findings, the way
    forward, completeness and the comparison group."""
    found = []
    if previous.get("total") != data.get("total"):
        found.append({"code": "total", "old": previous.get("total"), "new": data.get("total")})
    old_areas, new_areas = _areas(previous), _areas(data)
    for code, (points, name) in new_areas.items():
        old = old_areas.get(code, (None, name))[0]
        if old != points:
            found.append({"code": "area", "area": code, "name": name, "old": old, "new": points})
    old_findings, new_findings = _findings(previous), _findings(data)
    old_texts, new_texts = set(old_findings.values()), set(new_findings.values())
    for key, text in new_findings.items():
        area, kind, _number = key
        if key not in old_findings:
            found.append({"code": "finding_added", "area": area, "kind": kind, "text": text})
        elif old_findings[key] != text:
            if text in old_texts and old_findings[key] in new_texts:
                continue  # moved, not changed: the texts are all still there
            found.append(
                {
                    "code": "finding_changed",
                    "area": area,
                    "kind": kind,
                    "old": old_findings[key],
                    "new": text,
                }
            )
    for key, text in old_findings.items():
        if key not in new_findings:
            area, kind, _number = key
            found.append({"code": "finding_removed", "area": area, "kind": kind, "text": text})
    if previous.get("priorities") != data.get("priorities") or _links(previous) != _links(data):
        found.append(
            {
                "code": "way_forward",
                "old": previous.get("priorities", []),
                "new": data.get("priorities", []),
            }
        )
    if previous.get("complete") != data.get("complete"):
        found.append(
            {"code": "complete", "old": previous.get("complete"), "new": data.get("complete")}
        )
    old_group, new_group = previous.get("group", {}), data.get("group", {})
    if old_group.get("key") != new_group.get("key"):
        found.append(
            {
                "code": "group",
                "old": old_group.get("names", {}),
                "new": new_group.get("names", {}),
            }
        )
    return found


def _points_text(value: str | None, language: str) -> str:
    return "–" if value is None else format_points(Fraction(value), 0, language)


def describe_change(change: dict, language: str | None = None) -> str:
    """One change record as a sentence in the active language."""
    from kommunekompass.reports.shapes import FINDING_HEADINGS

    language = language or translation.get_language() or "nb"
    code = change.get("code")
    kind = str(FINDING_HEADINGS.get(change.get("kind"), change.get("kind", "")))
    if code == "total":
        return _("Total points: %(old)s → %(new)s") % {
            "old": _points_text(change["old"], language),
            "new": _points_text(change["new"], language),
        }
    if code == "area":
        return _("Focus area %(area)s %(name)s: %(old)s → %(new)s points") % {
            "area": change["area"],
            "name": pick_text(change.get("name"), language),
            "old": _points_text(change["old"], language),
            "new": _points_text(change["new"], language),
        }
    if code == "finding_added":
        return _("Finding added (%(area)s, %(kind)s): %(text)s") % {
            "area": change["area"],
            "kind": kind,
            "text": change["text"],
        }
    if code == "finding_removed":
        return _("Finding removed (%(area)s, %(kind)s): %(text)s") % {
            "area": change["area"],
            "kind": kind,
            "text": change["text"],
        }
    if code == "finding_changed":
        return _("Finding changed (%(area)s, %(kind)s): “%(old)s” → “%(new)s”") % {
            "area": change["area"],
            "kind": kind,
            "old": change["old"],
            "new": change["new"],
        }
    if code == "way_forward":
        return _("The way forward changed.")
    if code == "complete":
        if change["new"]:
            return _("Every question is now scored.")
        return _("Not every question is scored any more.")
    if code == "group":
        return _("Comparison group: %(old)s → %(new)s") % {
            "old": pick_text(change["old"], language) or "–",
            "new": pick_text(change["new"], language) or "–",
        }
    return str(code)
