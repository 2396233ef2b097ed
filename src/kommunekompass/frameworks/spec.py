"""The in-memory shape of a framework: plain, immutable data with no database access.

A `FrameworkSpec` is built from a framework document (the dict a validated YAML file
gives) by `spec_from_document`. The score engine, the validator, the web pages and the
reports all read frameworks through this shape, so none of them needs to know how many
areas a framework has or how many points they are worth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

# A text in several languages, e.g. {"nb": "Kvalitetsutvikling", "en": "Quality development"}.
LocalizedText = dict[str, str]


def to_fraction(value) -> Fraction:
    """Exact value of a number read from a framework file (int, float or decimal string)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, (str, Decimal)):
        return Fraction(Decimal(value))
    raise TypeError(f"not a number: {value!r}")


# The languages a text falls back to when it lacks the one asked for, in order.
FALLBACK_LANGUAGES = ("nb", "en")


def pick_text(text: LocalizedText | None, language: str | None, fallback: str = "nb") -> str:
    """The text in `language`, else in the fallback language (bokmål), else in English, else in
    any language."""
    if not text:
        return ""
    for candidate in (language, (language or "").split("-")[0], fallback, *FALLBACK_LANGUAGES):
        if candidate and text.get(candidate):
            return text[candidate]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class Level:
    value: int
    label: LocalizedText
    rubric: LocalizedText


@dataclass(frozen=True)
class Dimension:
    code: str
    name: LocalizedText
    description: LocalizedText
    weight: Fraction
    levels: tuple[Level, ...]

    @property
    def bottom(self) -> int:
        return self.levels[0].value

    @property
    def top(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> frozenset[int]:
        return frozenset(level.value for level in self.levels)


@dataclass(frozen=True)
class Scheme:
    """How the questions that use this scheme are judged and how their points are derived."""

    code: str
    name: LocalizedText
    description: LocalizedText
    method: str
    dimensions: tuple[Dimension, ...]

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    @cached_property
    def rule(self) -> str:
        """Everything the points of a question with this scheme depend on besides its maximum
        and levels, as text (the score engine keeps the points it has worked out under it)."""
        dimensions = ";".join(
            f"{d.code}:{d.weight}:{d.bottom}:{d.top}:{sorted(d.values)}" for d in self.dimensions
        )
        return f"{self.method}|{dimensions}"


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: LocalizedText
    guidance: LocalizedText
    max_points: Fraction
    scheme: Scheme
    # Question-specific rubric texts: {dimension code: {level value: text}}.
    rubric: dict[str, dict[int, LocalizedText]] = field(default_factory=dict)

    @cached_property
    def rule(self) -> str:
        """Everything the question's points depend on besides its levels, as text."""
        return f"{self.max_points}|{self.scheme.rule}"


@dataclass(frozen=True)
class SubAreaSpec:
    code: str
    name: LocalizedText
    max_points: Fraction
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: LocalizedText
    max_points: Fraction
    scheme: Scheme
    subareas: tuple[SubAreaSpec, ...]

    @property
    def questions(self) -> tuple[QuestionSpec, ...]:
        return tuple(q for s in self.subareas for q in s.questions)


@dataclass(frozen=True)
class PerspectiveSpec:
    code: str
    name: LocalizedText
    areas: tuple[AreaSpec, ...]

    @property
    def max_points(self) -> Fraction:
        return sum((a.max_points for a in self.areas), Fraction(0))


@dataclass(frozen=True)
class FrameworkSpec:
    key: str
    version: str
    languages: tuple[str, ...]
    name: LocalizedText
    description: LocalizedText
    schemes: tuple[Scheme, ...]
    perspectives: tuple[PerspectiveSpec, ...]

    @property
    def areas(self) -> tuple[AreaSpec, ...]:
        return tuple(a for p in self.perspectives for a in p.areas)

    def text_language(self, language: str | None) -> str:
        """The language its texts are shown in when `language` is asked for: that language if
        the framework has it, else bokmål, else English, else its first language."""
        language = (language or "").split("-")[0]
        for candidate in (language, *FALLBACK_LANGUAGES):
            if candidate in self.languages:
                return candidate
        return self.languages[0]

    @property
    def subareas(self) -> tuple[SubAreaSpec, ...]:
        return tuple(s for a in self.areas for s in a.subareas)

    @property
    def questions(self) -> tuple[QuestionSpec, ...]:
        return tuple(q for s in self.subareas for q in s.questions)

    @property
    def max_points(self) -> Fraction:
        return sum((p.max_points for p in self.perspectives), Fraction(0))

    def question(self, code: str) -> QuestionSpec | None:
        return self._questions_by_code.get(code)

    def area(self, code: str) -> AreaSpec | None:
        return next((a for a in self.areas if a.code == code), None)

    def area_of_question(self, code: str) -> AreaSpec | None:
        return next((a for a in self.areas if any(q.code == code for q in a.questions)), None)

    @property
    def _questions_by_code(self) -> dict[str, QuestionSpec]:
        cached = self.__dict__.get("_question_index")
        if cached is None:
            cached = {q.code: q for q in self.questions}
            object.__setattr__(self, "_question_index", cached)
        return cached


def _scheme_from_document(doc: dict) -> Scheme:
    dimensions = tuple(
        Dimension(
            code=str(d["code"]),
            name=d["name"],
            description=d.get("description") or {},
            weight=to_fraction(d.get("weight", 1)),
            levels=tuple(
                Level(value=int(lv["value"]), label=lv["label"], rubric=lv.get("rubric") or {})
                for lv in sorted(d["levels"], key=lambda lv: lv["value"])
            ),
        )
        for d in doc["dimensions"]
    )
    return Scheme(
        code=str(doc["code"]),
        name=doc["name"],
        description=doc.get("description") or {},
        method=doc["method"],
        dimensions=dimensions,
    )


def _question_rubric(doc: dict) -> dict[str, dict[int, LocalizedText]]:
    return {
        str(dim): {int(value): text for value, text in levels.items()}
        for dim, levels in (doc.get("rubric") or {}).items()
    }


def spec_from_document(doc: dict) -> FrameworkSpec:
    """Build a FrameworkSpec from a framework document that has passed validation."""
    scoring = doc["scoring"]
    schemes = tuple(_scheme_from_document(s) for s in scoring["schemes"])
    by_code = {s.code: s for s in schemes}
    default_scheme = by_code[scoring.get("default_scheme") or schemes[0].code]

    perspectives = []
    for p in doc["perspectives"]:
        areas = []
        for a in p["areas"]:
            area_scheme = by_code[a["scheme"]] if a.get("scheme") else default_scheme
            subareas = []
            for s in a["subareas"]:
                sub_max = to_fraction(s["max_points"])
                explicit = [q for q in s["questions"] if q.get("max_points") is not None]
                implicit_count = len(s["questions"]) - len(explicit)
                rest = sub_max - sum((to_fraction(q["max_points"]) for q in explicit), Fraction(0))
                share = rest / implicit_count if implicit_count else Fraction(0)
                questions = tuple(
                    QuestionSpec(
                        code=str(q["code"]),
                        text=q["text"],
                        guidance=q.get("guidance") or {},
                        max_points=(
                            to_fraction(q["max_points"])
                            if q.get("max_points") is not None
                            else share
                        ),
                        scheme=by_code[q["scheme"]] if q.get("scheme") else area_scheme,
                        rubric=_question_rubric(q),
                    )
                    for q in s["questions"]
                )
                subareas.append(
                    SubAreaSpec(
                        code=str(s["code"]), name=s["name"], max_points=sub_max, questions=questions
                    )
                )
            areas.append(
                AreaSpec(
                    code=str(a["code"]),
                    name=a["name"],
                    max_points=to_fraction(a["max_points"]),
                    scheme=area_scheme,
                    subareas=tuple(subareas),
                )
            )
        perspectives.append(
            PerspectiveSpec(code=str(p["code"]), name=p["name"], areas=tuple(areas))
        )

    return FrameworkSpec(
        key=str(doc["framework"]),
        version=str(doc["version"]),
        languages=tuple(doc["languages"]),
        name=doc["name"],
        description=doc.get("description") or {},
        schemes=schemes,
        perspectives=tuple(perspectives),
    )


@dataclass(frozen=True)
class RubricRow:
    value: int
    levels: tuple[
        Level | None, ...
    ]  # one per dimension of the scheme, None where it has no such level


def rubric_rows(scheme: Scheme) -> list[RubricRow]:
    """The scheme's levels as table rows, highest level first, one column per dimension."""
    values = sorted({level.value for d in scheme.dimensions for level in d.levels}, reverse=True)
    by_dimension = [{level.value: level for level in d.levels} for d in scheme.dimensions]
    return [
        RubricRow(value, tuple(levels.get(value) for levels in by_dimension)) for value in values
    ]


def schemes_used(areas) -> list[Scheme]:
    """The schemes the questions of these areas use, in order of first use."""
    seen: dict[str, Scheme] = {}
    for area in areas:
        for question in area.questions:
            seen.setdefault(question.scheme.code, question.scheme)
    return list(seen.values())
