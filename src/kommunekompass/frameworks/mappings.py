"""Mappings between versions of a framework: which area of one version became which area of
the next. Pure: read from the YAML files shipped in frameworks/data/mappings/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MAPPINGS_DIR = Path(__file__).resolve().parent / "data" / "mappings"


@dataclass(frozen=True)
class AreaMapping:
    framework: str
    from_version: str
    to_version: str
    areas: dict[str, str]  # area code in from_version -> area code in to_version
    note: dict[str, str]


@cache
def all_mappings() -> tuple[AreaMapping, ...]:
    mappings = []
    for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        mappings.append(
            AreaMapping(
                framework=str(doc["framework"]),
                from_version=str(doc["from"]),
                to_version=str(doc["to"]),
                areas={str(k): str(v) for k, v in doc["areas"].items()},
                note=doc.get("note") or {},
            )
        )
    return tuple(mappings)


def area_mapping(framework: str, from_version: str, to_version: str) -> AreaMapping | None:
    """How areas of `from_version` map onto `to_version` (directly or through versions between)."""
    if from_version == to_version:
        return None
    steps = {(m.from_version): m for m in all_mappings() if m.framework == framework}
    areas: dict[str, str] | None = None
    notes: dict[str, str] = {}
    version = from_version
    seen = set()
    while version != to_version:
        step = steps.get(version)
        if step is None or version in seen:
            return None
        seen.add(version)
        areas = (
            dict(step.areas)
            if areas is None
            else {old: step.areas[new] for old, new in areas.items() if new in step.areas}
        )
        notes = step.note or notes
        version = step.to_version
    return AreaMapping(framework, from_version, to_version, areas or {}, notes)


def check_mapping(mapping: AreaMapping, from_codes: set[str], to_codes: set[str]) -> list[str]:
    """Problems with a mapping against the two versions' area codes (empty when it is sound)."""
    problems = []
    for old, new in mapping.areas.items():
        if old not in from_codes:
            problems.append(f"{mapping.from_version} has no area {old}")
        if new not in to_codes:
            problems.append(f"{mapping.to_version} has no area {new}")
    if sorted(mapping.areas.values()) != sorted(set(mapping.areas.values())):
        problems.append("two areas map onto the same area")
    return problems
