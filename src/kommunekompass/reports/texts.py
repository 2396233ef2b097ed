"""The framework's texts as a report shows them: names of areas and sub-areas, questions with
their guidance and their dimensions' level labels.

A live report copies them from the evaluation's framework (`node_text`, `question_text`). A
snapshot of format 2 (reports.frozen) keeps only the framework's key, version and checksum and
reads the texts back here (`framework_texts`): a loaded framework version never changes (the
loader refuses a changed text under a loaded version), and the checksum proves it is the same.
The one exception is an amendment that only adds languages (frameworks.amendment): every text
the snapshot was made with is unchanged, and the amendment keeps the earlier text, so a
snapshot made under the earlier checksum is verified against that record and reads the
amended texts (the same in its languages, and now in the added ones as well).
The texts of a framework version are made once per process and shared, never changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from kommunekompass.frameworks.models import Framework, FrameworkAmendment
from kommunekompass.frameworks.spec import AreaSpec, FrameworkSpec, QuestionSpec, SubAreaSpec
from kommunekompass.reports.shapes import DimensionText, LocalizedText, NodeText, QuestionText


def node_text(spec: AreaSpec | SubAreaSpec) -> NodeText:
    return NodeText(code=spec.code, name=dict(spec.name), max_points=spec.max_points)


def question_text(question: QuestionSpec) -> QuestionText:
    return QuestionText(
        code=question.code,
        text=dict(question.text),
        guidance=dict(question.guidance or {}),
        max_points=question.max_points,
        dimensions=[
            DimensionText(
                code=d.code,
                name=dict(d.name),
                levels={level.value: dict(level.label) for level in d.levels},
            )
            for d in question.scheme.dimensions
        ],
    )


@dataclass(frozen=True)
class FrameworkTexts:
    name: LocalizedText
    areas: dict[str, NodeText]
    subareas: dict[str, list[NodeText]]  # area code -> its sub-areas, in order
    questions: dict[str, QuestionText]


def texts_of(spec: FrameworkSpec) -> FrameworkTexts:
    return FrameworkTexts(
        name=dict(spec.name),
        areas={area.code: node_text(area) for area in spec.areas},
        subareas={area.code: [node_text(s) for s in area.subareas] for area in spec.areas},
        questions={question.code: question_text(question) for question in spec.questions},
    )


class SnapshotFrameworkError(ValueError):
    """A snapshot's framework version is not there, or is not the one it was made with."""


# Texts by (framework id, checksum), as Framework.spec keeps its specs.
_TEXTS: dict[tuple[int, str], FrameworkTexts] = {}


def _amended_from(row: Framework, checksum: str) -> bool:
    """Was the loaded version amended (languages added) from a text with `checksum`?"""
    return FrameworkAmendment.objects.filter(framework=row, previous_checksum=checksum).exists()


def framework_texts(key: str, version: str, checksum: str) -> FrameworkTexts:
    """The texts of framework `key` `version` (one query), which must have `checksum`."""
    row = Framework.objects.only("id", "checksum").filter(key=key, version=version).first()
    if row is None:
        raise SnapshotFrameworkError(
            f"The snapshot's framework {key} {version} is not loaded; its texts cannot be read."
        )
    if row.checksum != checksum and not _amended_from(row, checksum):
        raise SnapshotFrameworkError(
            f"The snapshot was made with framework {key} {version} of checksum {checksum}, "
            f"but the loaded one has checksum {row.checksum}; its texts cannot be trusted."
        )
    cache_key = (row.pk, row.checksum)
    if cache_key not in _TEXTS:
        _TEXTS[cache_key] = texts_of(row.spec)
    return _TEXTS[cache_key]
