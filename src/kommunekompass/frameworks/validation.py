"""Validation of framework files. Pure: text in, problems (with code and line) out.

`validate_framework_text` reads YAML, remembers the line of every value, checks the shape
and the meaning of the document, and returns either a FrameworkSpec or every problem found.
Problem codes are stable, so tools and tests can rely on them:

    yaml-syntax          the file is not valid YAML
    duplicate-key        the same key twice in one mapping
    missing-field        a required field is absent
    unknown-field        a field the format does not know (often a typo)
    wrong-type           e.g. a list where a mapping belongs, text where a number belongs
    bad-number           a maximum or weight that is negative or not a number
    missing-translation  a text lacks one of the framework's languages (`languages`); every
                         missing text is reported, with its path and language
    duplicate-code       two perspectives, areas, sub-areas or questions share a code
    max-mismatch         sub-area maxima do not add up to the area's maximum, or question
                         maxima do not add up to the sub-area's
    empty-perspective    a perspective without areas
    empty-area           an area without sub-areas
    empty-sub-area       a sub-area without questions
    bad-levels           a dimension with fewer than two levels, or with a repeated level
    unknown-scheme       a reference to a scoring scheme that is not defined
    unknown-method       a scoring method the engine does not know
    unknown-dimension    a rubric for a dimension the question's scheme does not have
    unknown-level        a rubric for a level the dimension does not have
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import yaml

from kommunekompass.frameworks.spec import FrameworkSpec, spec_from_document, to_fraction

METHODS = {"weighted-mean"}

Path = tuple


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    line: int | None = None
    path: str = ""
    language: str = ""  # the language a missing-translation problem is about

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}[{self.code}] {self.message}"


@dataclass
class ValidationResult:
    document: dict | None = None
    spec: FrameworkSpec | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class FrameworkInvalid(ValueError):
    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = problems
        head = f"{source}: " if source else ""
        super().__init__(
            head + f"{len(problems)} problem(s): " + "; ".join(str(p) for p in problems[:5])
        )


# --- Reading YAML with line numbers --------------------------------------------------------


class _Reader:
    """Turns a composed YAML node tree into plain Python, recording the line of every path."""

    def __init__(self):
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def read(self, node, path: Path = ()):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                if isinstance(key, (list, dict)):
                    key = str(key)
                if key in result:
                    self.problems.append(
                        Problem(
                            "duplicate-key",
                            f"'{key}' appears twice in {_path_text(path) or 'the document'}.",
                            key_node.start_mark.line + 1,
                            _path_text(path + (key,)),
                        )
                    )
                result[key] = self.read(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)


def _path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- Checking the document -----------------------------------------------------------------


class _Checker:
    def __init__(self, lines: dict[Path, int]):
        self.lines = lines
        self.problems: list[Problem] = []
        self.languages: list[str] = []

    def problem(self, code: str, path: Path, message: str, language: str = "") -> None:
        line = None
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line:
                break
        self.problems.append(Problem(code, message, line, _path_text(path), language))

    # Small typed accessors: each reports and returns None when the value is unusable.

    def mapping(self, value, path: Path, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem("wrong-type", path, f"{what} must be a mapping (key: value).")
            return None
        return value

    def fields(self, doc: dict, path: Path, required: set, optional: set) -> None:
        for key in sorted(required - doc.keys()):
            self.problem(
                "missing-field", path, f"'{_path_text(path) or 'The document'}' needs '{key}'."
            )
        for key in sorted(doc.keys() - required - optional, key=str):
            allowed = ", ".join(sorted(required | optional))
            self.problem(
                "unknown-field", path + (key,), f"Unknown field '{key}' (allowed: {allowed})."
            )

    def items(self, doc: dict, key: str, path: Path, what: str) -> list:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem("wrong-type", path + (key,), f"'{key}' must be a list of {what}.")
            return []
        return value

    def code(self, doc: dict, path: Path) -> str | None:
        value = doc.get("code")
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)):
            self.problem("wrong-type", path + ("code",), 'A code must be a text such as "1.1".')
            return None
        return str(value)

    def text(self, doc: dict, key: str, path: Path, required: bool = True) -> None:
        value = doc.get(key)
        if value is None:
            return  # reported by fields() when required
        if not isinstance(value, dict):
            self.problem(
                "wrong-type",
                path + (key,),
                f"'{key}' must give a text per language, e.g. {{nb: ..., en: ...}}.",
            )
            return
        for language in self.languages:
            text = value.get(language)
            if text is None or (isinstance(text, str) and not text.strip()):
                self.problem(
                    "missing-translation",
                    path + (key,),
                    f"'{_path_text(path + (key,))}' has no text in '{language}'.",
                    language,
                )
            elif not isinstance(text, str):
                self.problem(
                    "wrong-type", path + (key, language), f"The '{language}' text must be text."
                )

    def number(self, doc: dict, key: str, path: Path) -> Fraction | None:
        value = doc.get(key)
        if value is None:
            return None
        try:
            number = to_fraction(value)
        except (TypeError, ArithmeticError, ValueError):
            self.problem("bad-number", path + (key,), f"'{key}' must be a number, not {value!r}.")
            return None
        if number < 0:
            self.problem("bad-number", path + (key,), f"'{key}' must not be negative ({value}).")
            return None
        return number

    # The sections of the document.

    def check(self, doc) -> None:
        doc = self.mapping(doc, (), "The framework file")
        if doc is None:
            return
        self.fields(
            doc,
            (),
            {"framework", "version", "languages", "name", "scoring", "perspectives"},
            {"description"},
        )
        languages = doc.get("languages")
        if languages is not None and (
            not isinstance(languages, list)
            or not languages
            or not all(isinstance(x, str) for x in languages)
        ):
            self.problem(
                "wrong-type", ("languages",), "'languages' must be a list such as [nb, en]."
            )
        elif languages:
            self.languages = languages
        for key in ("framework", "version"):
            if key in doc and (not isinstance(doc[key], (str, int)) or not str(doc[key]).strip()):
                self.problem("wrong-type", (key,), f"'{key}' must be a short text.")
        self.text(doc, "name", ())
        self.text(doc, "description", ())
        schemes = self.check_scoring(doc.get("scoring"))
        self.check_perspectives(doc, schemes)

    def check_scoring(self, scoring) -> dict:
        """Returns {scheme code: {dimension code: set of level values}}."""
        path = ("scoring",)
        if scoring is None or self.mapping(scoring, path, "'scoring'") is None:
            return {}
        self.fields(scoring, path, {"schemes"}, {"default_scheme"})
        schemes: dict = {}
        for i, scheme in enumerate(self.items(scoring, "schemes", path, "schemes")):
            spath = path + ("schemes", i)
            if self.mapping(scheme, spath, "A scheme") is None:
                continue
            self.fields(scheme, spath, {"code", "name", "method", "dimensions"}, {"description"})
            code = self.code(scheme, spath)
            if code in schemes:
                self.problem("duplicate-code", spath, f"Scheme code '{code}' is used twice.")
            self.text(scheme, "name", spath)
            self.text(scheme, "description", spath)
            method = scheme.get("method")
            if method is not None and method not in METHODS:
                self.problem(
                    "unknown-method",
                    spath + ("method",),
                    f"Unknown method '{method}' (known: {', '.join(sorted(METHODS))}).",
                )
            dimensions = {}
            weights = []
            for j, dim in enumerate(self.items(scheme, "dimensions", spath, "dimensions")):
                dpath = spath + ("dimensions", j)
                if self.mapping(dim, dpath, "A dimension") is None:
                    continue
                self.fields(dim, dpath, {"code", "name", "levels"}, {"description", "weight"})
                dcode = self.code(dim, dpath)
                if dcode in dimensions:
                    self.problem("duplicate-code", dpath, f"Dimension '{dcode}' is used twice.")
                self.text(dim, "name", dpath)
                self.text(dim, "description", dpath)
                weights.append(self.number(dim, "weight", dpath))
                dimensions[dcode] = self.check_levels(dim, dpath)
            if scheme.get("dimensions") is not None and not dimensions:
                self.problem("bad-levels", spath, f"Scheme '{code}' has no dimensions.")
            elif dimensions and sum(1 if w is None else w for w in weights) == 0:
                self.problem("bad-number", spath, f"Scheme '{code}': the weights add up to 0.")
            schemes[code] = dimensions
        default = scoring.get("default_scheme")
        if default is not None and str(default) not in schemes:
            self.problem(
                "unknown-scheme", path + ("default_scheme",), f"No scheme has code '{default}'."
            )
        return schemes

    def check_levels(self, dim: dict, dpath: Path) -> set:
        values: set = set()
        levels = self.items(dim, "levels", dpath, "levels")
        for k, level in enumerate(levels):
            lpath = dpath + ("levels", k)
            if self.mapping(level, lpath, "A level") is None:
                continue
            self.fields(level, lpath, {"value", "label"}, {"rubric"})
            value = level.get("value")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                self.problem(
                    "wrong-type", lpath + ("value",), "A level value must be a whole number."
                )
            elif value in values:
                self.problem("bad-levels", lpath, f"Level {value} is given twice.")
            elif value is not None:
                values.add(value)
            self.text(level, "label", lpath)
            self.text(level, "rubric", lpath)
        if "levels" in dim and len(values) < 2:
            self.problem("bad-levels", dpath, "A dimension needs at least two levels.")
        return values

    def check_perspectives(self, doc: dict, schemes: dict) -> None:
        seen: dict[str, Path] = {}

        def unique(code: str | None, path: Path, what: str) -> None:
            if code is None:
                return
            key = f"{what}:{code}"
            if key in seen:
                line = self.lines.get(seen[key])
                self.problem(
                    "duplicate-code",
                    path,
                    f"{what.capitalize()} code '{code}' is used twice (first on line {line}).",
                )
            else:
                seen[key] = path

        default_scheme = (
            (doc.get("scoring") or {}).get("default_scheme")
            if isinstance(doc.get("scoring"), dict)
            else None
        )
        if default_scheme is None and schemes:
            default_scheme = next(iter(schemes))
        for i, perspective in enumerate(self.items(doc, "perspectives", (), "perspectives")):
            ppath = ("perspectives", i)
            if self.mapping(perspective, ppath, "A perspective") is None:
                continue
            self.fields(perspective, ppath, {"code", "name", "areas"}, {"description"})
            pcode = self.code(perspective, ppath)
            unique(pcode, ppath, "perspective")
            self.text(perspective, "name", ppath)
            self.text(perspective, "description", ppath)
            areas = self.items(perspective, "areas", ppath, "areas")
            if not areas:
                self.problem("empty-perspective", ppath, f"Perspective '{pcode}' has no areas.")
            for j, area in enumerate(areas):
                self.check_area(area, ppath + ("areas", j), schemes, default_scheme, unique)
        if "perspectives" in doc and not doc.get("perspectives"):
            self.problem(
                "empty-perspective", ("perspectives",), "The framework has no perspectives."
            )

    def scheme_of(self, doc: dict, path: Path, schemes: dict, inherited):
        scheme = doc.get("scheme")
        if scheme is None:
            return inherited
        if str(scheme) not in schemes:
            self.problem("unknown-scheme", path + ("scheme",), f"No scheme has code '{scheme}'.")
            return None
        return str(scheme)

    def check_area(self, area, apath: Path, schemes: dict, default_scheme, unique) -> None:
        if self.mapping(area, apath, "An area") is None:
            return
        self.fields(
            area, apath, {"code", "name", "max_points", "subareas"}, {"description", "scheme"}
        )
        code = self.code(area, apath)
        unique(code, apath, "area")
        self.text(area, "name", apath)
        self.text(area, "description", apath)
        area_max = self.number(area, "max_points", apath)
        scheme = self.scheme_of(area, apath, schemes, default_scheme)
        subareas = self.items(area, "subareas", apath, "sub-areas")
        if not subareas:
            self.problem("empty-area", apath, f"Area '{code}' has no sub-areas.")
        total = Fraction(0)
        for k, subarea in enumerate(subareas):
            spath = apath + ("subareas", k)
            sub_max = self.check_subarea(subarea, spath, schemes, scheme, unique)
            total += sub_max or 0
        if area_max is not None and subareas and total != area_max:
            self.problem(
                "max-mismatch",
                apath + ("max_points",),
                f"Area '{code}': the sub-area maxima add up to {_number(total)}, "
                f"but the area's max_points is {_number(area_max)}.",
            )

    def check_subarea(self, subarea, spath: Path, schemes: dict, scheme, unique) -> Fraction | None:
        if self.mapping(subarea, spath, "A sub-area") is None:
            return None
        self.fields(subarea, spath, {"code", "name", "max_points", "questions"}, {"description"})
        code = self.code(subarea, spath)
        unique(code, spath, "sub-area")
        self.text(subarea, "name", spath)
        self.text(subarea, "description", spath)
        sub_max = self.number(subarea, "max_points", spath)
        questions = self.items(subarea, "questions", spath, "questions")
        if not questions:
            self.problem("empty-sub-area", spath, f"Sub-area '{code}' has no questions.")
        explicit = Fraction(0)
        explicit_count = 0
        for q, question in enumerate(questions):
            qpath = spath + ("questions", q)
            if self.mapping(question, qpath, "A question") is None:
                continue
            self.fields(
                question, qpath, {"code", "text"}, {"guidance", "max_points", "scheme", "rubric"}
            )
            unique(self.code(question, qpath), qpath, "question")
            self.text(question, "text", qpath)
            self.text(question, "guidance", qpath)
            question_max = self.number(question, "max_points", qpath)
            if question_max is not None:
                explicit += question_max
                explicit_count += 1
            question_scheme = self.scheme_of(question, qpath, schemes, scheme)
            self.check_rubric(question, qpath, schemes.get(question_scheme))
        if sub_max is not None and explicit_count:
            all_explicit = explicit_count == len(questions)
            if explicit > sub_max or (all_explicit and explicit != sub_max):
                self.problem(
                    "max-mismatch",
                    spath + ("max_points",),
                    f"Sub-area '{code}': the question maxima add up to {_number(explicit)}, "
                    f"but the sub-area's max_points is {_number(sub_max)}.",
                )
        return sub_max

    def check_rubric(self, question: dict, qpath: Path, dimensions: dict | None) -> None:
        rubric = question.get("rubric")
        if rubric is None or dimensions is None:
            return
        rpath = qpath + ("rubric",)
        if self.mapping(rubric, rpath, "A question's rubric") is None:
            return
        for dimension, levels in rubric.items():
            dpath = rpath + (dimension,)
            if dimension not in dimensions:
                self.problem(
                    "unknown-dimension",
                    dpath,
                    f"Question '{question.get('code')}': "
                    f"the scheme has no dimension '{dimension}'.",
                )
                continue
            if self.mapping(levels, dpath, "A rubric per dimension") is None:
                continue
            for value in levels:
                if value not in dimensions[dimension]:
                    self.problem(
                        "unknown-level",
                        dpath + (value,),
                        f"Question '{question.get('code')}': dimension '{dimension}' has no "
                        f"level {value!r}.",
                    )
                else:
                    self.text(levels, value, dpath)


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def validate_framework_text(text: str) -> ValidationResult:
    """Check a framework file's text. Never raises for bad input: problems are returned."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(x) for x in (error.context, error.problem) if x)
        return ValidationResult(
            problems=[Problem("yaml-syntax", f"Malformed YAML: {message}.", line)]
        )
    except yaml.YAMLError as error:
        return ValidationResult(problems=[Problem("yaml-syntax", f"Malformed YAML: {error}.")])
    if node is None:
        return ValidationResult(problems=[Problem("wrong-type", "The file is empty.", 1)])

    reader = _Reader()
    document = reader.read(node)
    checker = _Checker(reader.lines)
    checker.check(document)
    problems = sorted(reader.problems + checker.problems, key=lambda p: (p.line or 0, p.code))
    if problems:
        return ValidationResult(document=document, problems=problems)
    return ValidationResult(document=document, spec=spec_from_document(document))


def validate_framework_file(path) -> ValidationResult:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        return ValidationResult(
            problems=[Problem("yaml-syntax", f"The file is not UTF-8 text: {error}.")]
        )
    return validate_framework_text(text)


def summarize(spec: FrameworkSpec) -> dict:
    """Counts and maximum of a framework, for the CLI and the pages."""
    return {
        "perspectives": len(spec.perspectives),
        "areas": len(spec.areas),
        "subareas": len(spec.subareas),
        "questions": len(spec.questions),
        "max_points": spec.max_points,
    }
