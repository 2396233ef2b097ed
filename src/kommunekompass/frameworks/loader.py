"""Loading framework files into the database: validated first, written in one transaction.

An invalid file never reaches the database. Loading the same file again changes nothing;
loading a different text under a version that is already loaded is refused, because
evaluations made against that version must keep meaning what they meant. One change is let
in: a text that only adds languages (every existing text, code and number unchanged; see
frameworks.amendment) amends the loaded version in place, recorded as a FrameworkAmendment
that keeps the earlier text, so snapshots made with it stay verifiable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from kommunekompass.frameworks.amendment import added_languages
from kommunekompass.frameworks.models import (
    FocusArea,
    Framework,
    FrameworkAmendment,
    Perspective,
    Question,
    SubArea,
)
from kommunekompass.frameworks.validation import FrameworkInvalid, validate_framework_text

SHIPPED_DIR = Path(__file__).resolve().parent / "data"


class FrameworkConflict(ValueError):
    """Another text is already loaded under this framework key and version."""


@dataclass(frozen=True)
class LoadOutcome:
    framework: Framework
    created: bool
    added_languages: tuple[str, ...] = ()


def shipped_framework_files() -> list[Path]:
    """The framework files that come with the package."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def _decimal(value) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def load_framework_text(text: str, source: str = "") -> LoadOutcome:
    """Validate `text` and write it to the database.

    Raises FrameworkInvalid (nothing written) or FrameworkConflict.
    """
    result = validate_framework_text(text)
    if not result.ok:
        raise FrameworkInvalid(result.problems, source)
    spec = result.spec
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()

    with transaction.atomic():
        existing = Framework.objects.filter(key=spec.key, version=spec.version).first()
        if existing is not None:
            if existing.checksum == checksum:
                return LoadOutcome(existing, created=False)
            added = added_languages(existing.document, result.document)
            if added:
                _amend(existing, spec, result.document, text, checksum, added)
                return LoadOutcome(existing, created=False, added_languages=added)
            raise FrameworkConflict(
                gettext(
                    "%(key)s %(version)s is already loaded with another text. Give the changed "
                    "framework a new version."
                )
                % {"key": spec.key, "version": spec.version}
            )
        framework = Framework.objects.create(
            key=spec.key,
            version=spec.version,
            name=spec.name,
            description=spec.description,
            document=result.document,
            source=text,
            checksum=checksum,
            max_points=_decimal(spec.max_points),
        )
        position = 0
        for p_index, perspective in enumerate(spec.perspectives):
            perspective_row = Perspective.objects.create(
                framework=framework, code=perspective.code, name=perspective.name, position=p_index
            )
            for area in perspective.areas:
                position += 1
                area_row = FocusArea.objects.create(
                    framework=framework,
                    perspective=perspective_row,
                    code=area.code,
                    name=area.name,
                    max_points=_decimal(area.max_points),
                    position=position,
                )
                for subarea in area.subareas:
                    position += 1
                    subarea_row = SubArea.objects.create(
                        framework=framework,
                        focus_area=area_row,
                        code=subarea.code,
                        name=subarea.name,
                        max_points=_decimal(subarea.max_points),
                        position=position,
                    )
                    Question.objects.bulk_create(
                        Question(
                            framework=framework,
                            sub_area=subarea_row,
                            code=question.code,
                            text=question.text,
                            guidance=question.guidance,
                            position=position + index,
                        )
                        for index, question in enumerate(subarea.questions, start=1)
                    )
                    position += len(subarea.questions)
    return LoadOutcome(framework, created=True)


def _amend(framework: Framework, spec, document: dict, text: str, checksum: str, added) -> None:
    """Give the loaded `framework` the texts of `spec` (the same framework in more languages)
    in place, and record it. Called inside the loader's transaction."""
    FrameworkAmendment.objects.create(
        framework=framework,
        languages=list(added),
        previous_checksum=framework.checksum,
        previous_source=framework.source,
        checksum=checksum,
    )
    framework.name = spec.name
    framework.description = spec.description
    framework.document = document
    framework.source = text
    framework.checksum = checksum
    framework.save(update_fields=["name", "description", "document", "source", "checksum"])
    for model, nodes in (
        (Perspective, spec.perspectives),
        (FocusArea, spec.areas),
        (SubArea, spec.subareas),
    ):
        rows = list(model.objects.filter(framework=framework))
        by_code = {node.code: node for node in nodes}
        for row in rows:
            row.name = by_code[row.code].name
        model.objects.bulk_update(rows, ["name"])
    questions = list(Question.objects.filter(framework=framework))
    for row in questions:
        question = spec.question(row.code)
        row.text, row.guidance = question.text, question.guidance
    Question.objects.bulk_update(questions, ["text", "guidance"])


def load_framework_file(path: Path | str) -> LoadOutcome:
    path = Path(path)
    return load_framework_text(path.read_text(encoding="utf-8"), source=str(path))


def load_shipped_frameworks() -> list[LoadOutcome]:
    return [load_framework_file(path) for path in shipped_framework_files()]
