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
    evaluations = list(_published_rounds([municipality.pk], framework.key))
    if include is not None and all(e.pk != include.pk for e in evaluations):
        evaluations.append(include)
    return rounds_from(evaluations, summaries_for(evaluations), framework)


def rounds_of_many(municipality_ids, framework, *, summaries: dict | None = None) -> dict:
    """`municipality_rounds` of many municipalities at once: {municipality id: rounds}, in one
    query (plus the summaries). `summaries` may give some summaries already known (e.g. of
    evaluations being published now), which are then not read again."""
    evaluations = list(_published_rounds(municipality_ids, framework.key))
    known = dict(summaries or {})
    known.update(summaries_for([e for e in evaluations if e.pk not in known]))
    by_municipality: dict[int, list] = {pk: [] for pk in municipality_ids}
    for evaluation in evaluations:
        by_municipality[evaluation.municipality_id].append(evaluation)
    return {pk: rounds_from(found, known, framework) for pk, found in by_municipality.items()}


def _published_rounds(municipality_ids, framework_key: str):
    return (
        Evaluation.objects.published()
        .filter(municipality__in=municipality_ids, framework__key=framework_key)
        .select_related("framework")
        .defer("framework__document", "framework__source")
    )


def rounds_from(evaluations, summaries: dict, framework) -> list:
    """The rounds of these evaluations (one municipality's) on `framework`, oldest first."""
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
