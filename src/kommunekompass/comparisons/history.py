"""A municipality's rounds: every published evaluation with a framework, earlier versions
included, their area points carried over to the current version's areas by the mapping."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.summaries import summaries_for
from kommunekompass.frameworks.mappings import area_mapping


@dataclass(frozen=True)
class Round:
    evaluation: Evaluation
    year: int
    version: str
    level: str
    total: Fraction
    max_points: Fraction
    complete: bool  # False: published with questions not scored (shown as incomplete)
    areas: dict[str, Fraction]  # keyed by the target version's area codes; unscored left out
    mapped: bool  # points from another framework version, carried over by the mapping
    note: dict  # the mapping's note, when mapped


def municipality_rounds(municipality, framework, *, include: Evaluation | None = None) -> list:
    """Published rounds of `municipality` with any version of `framework`'s key that maps onto
    `framework`, oldest first; `include` adds one more evaluation (e.g. the draft at hand)."""
    evaluations = list(
        Evaluation.objects.published()
        .of(municipality)
        .filter(framework__key=framework.key)
        .select_related("framework")
        .defer("framework__document", "framework__source")
    )
    if include is not None and all(e.pk != include.pk for e in evaluations):
        evaluations.append(include)
    summaries = summaries_for(evaluations)
    rounds = []
    for evaluation in evaluations:
        summary = summaries[evaluation.pk]
        version = evaluation.framework.version
        # Areas with nothing scored have no points (shown as "–"), not 0.
        known = {c: p for c, p in summary.areas.items() if c not in summary.unscored}
        if version == framework.version:
            areas, mapped, note = known, False, {}
        else:
            mapping = area_mapping(framework.key, version, framework.version)
            if mapping is None:
                continue
            areas = {mapping.areas[old]: p for old, p in known.items() if old in mapping.areas}
            mapped, note = True, mapping.note
        rounds.append(
            Round(
                evaluation=evaluation,
                year=evaluation.year,
                version=version,
                level=evaluation.result_level,
                total=summary.total,
                max_points=summary.max_points,
                complete=summary.complete,
                areas=areas,
                mapped=mapped,
                note=note,
            )
        )
    return sorted(rounds, key=lambda r: (r.year, r.evaluation.pk))
