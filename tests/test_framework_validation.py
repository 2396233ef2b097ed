"""Every problem the validator knows, with its code and the line it points at."""

import pytest

from kommunekompass.frameworks.validation import validate_framework_text
from tests.frameworks_for_tests import MINIMAL, line_of


def problems_of(text):
    result = validate_framework_text(text)
    assert not result.ok, "expected problems"
    assert result.spec is None
    return result.problems


def only_problem(text, code):
    problems = problems_of(text)
    assert [p.code for p in problems] == [code], problems
    return problems[0]


def test_it_accepts_a_valid_framework_and_builds_its_spec():
    result = validate_framework_text(MINIMAL)
    assert result.ok, result.problems
    assert result.spec.key == "tiny"
    assert len(result.spec.questions) == 4
    assert result.spec.max_points == 30


def test_it_reports_malformed_yaml_with_its_line():
    text = MINIMAL.replace("    name: {nb: Perspektiv A, en: Perspective A}", "    name: {nb: [")
    problem = only_problem(text, "yaml-syntax")
    assert problem.line is not None and problem.line >= line_of(MINIMAL, "Perspektiv A")


def test_it_reports_a_duplicate_question_code_at_the_second_place():
    text = MINIMAL.replace('code: "1.1.2"', 'code: "1.1.1"')
    problem = only_problem(text, "duplicate-code")
    assert problem.line == line_of(text, 'code: "1.1.1"', occurrence=2)
    assert "1.1.1" in problem.message


def test_it_reports_subarea_maxima_that_do_not_add_up_to_the_area():
    text = MINIMAL.replace("max_points: 30", "max_points: 100")
    problem = only_problem(text, "max-mismatch")
    assert problem.line == line_of(text, "max_points: 100")
    assert "30" in problem.message and "100" in problem.message


def test_it_reports_question_maxima_that_do_not_add_up_to_the_subarea():
    text = MINIMAL.replace("                max_points: 10\n", "                max_points: 12\n")
    problem = only_problem(text, "max-mismatch")
    assert "1.2" in problem.message


def test_it_reports_a_subarea_without_questions():
    start = MINIMAL.index('          - code: "1.2"')
    text = MINIMAL[:start] + (
        '          - code: "1.2"\n'
        "            name: {nb: Tom, en: Empty}\n"
        "            max_points: 10\n"
        "            questions: []\n"
    )
    problem = only_problem(text, "empty-sub-area")
    assert problem.line == line_of(text, 'code: "1.2"')


def test_it_reports_an_unknown_dimension_level_in_a_question_rubric():
    text = MINIMAL.replace(
        "                max_points: 10\n",
        "                max_points: 10\n"
        "                rubric:\n"
        "                  scope:\n"
        "                    2: {nb: To, en: Two}\n",
    )
    problem = only_problem(text, "unknown-level")
    assert problem.line == line_of(text, "2: {nb: To, en: Two}")


def test_it_reports_an_unknown_dimension_in_a_question_rubric():
    text = MINIMAL.replace(
        "                max_points: 10\n",
        "                max_points: 10\n                rubric:\n                  result: {}\n",
    )
    assert only_problem(text, "unknown-dimension").line == line_of(text, "result: {}")


def test_it_reports_a_missing_translation():
    text = MINIMAL.replace(
        "name: {nb: Delområde 1.2, en: Sub-area 1.2}", "name: {nb: Delområde 1.2}"
    )
    problem = only_problem(text, "missing-translation")
    assert problem.line == line_of(text, "name: {nb: Delområde 1.2}")
    assert "'en'" in problem.message


def test_it_reports_an_empty_translation():
    text = MINIMAL.replace("name: {nb: Liten, en: Tiny}", 'name: {nb: Liten, en: "  "}')
    assert only_problem(text, "missing-translation").line == line_of(text, "name: {nb: Liten")


def test_it_reports_duplicate_level_values():
    text = MINIMAL.replace(
        "{value: 3, label: {nb: Alle, en: All}}", "{value: 0, label: {nb: Alle, en: All}}"
    )
    codes = {p.code for p in problems_of(text)}
    assert "bad-levels" in codes


def test_it_reports_an_unknown_scheme_and_method():
    text = MINIMAL.replace("default_scheme: two", "default_scheme: three").replace(
        "method: weighted-mean", "method: geometric"
    )
    assert {p.code for p in problems_of(text)} == {"unknown-scheme", "unknown-method"}


def test_it_reports_missing_and_unknown_fields():
    text = MINIMAL.replace('version: "1"\n', "").replace(
        "framework: tiny", "framework: tiny\nverison: 1"
    )
    assert {p.code for p in problems_of(text)} == {"missing-field", "unknown-field"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("max_points: 20", "max_points: twenty"),
        ("max_points: 20", "max_points: -20"),
        ("weight: 2", "weight: heavy"),
    ],
)
def test_it_reports_bad_numbers(old, new):
    problems = problems_of(MINIMAL.replace(old, new))
    assert "bad-number" in {p.code for p in problems}
    assert any(p.line == line_of(MINIMAL, old) for p in problems)


def test_it_reports_wrong_types():
    text = MINIMAL.replace("languages: [nb, en]", "languages: nb")
    assert "wrong-type" in {p.code for p in problems_of(text)}


def test_it_reports_a_duplicate_key():
    text = MINIMAL.replace('version: "1"', 'version: "1"\nversion: "2"')
    assert only_problem(text, "duplicate-key").line == line_of(text, 'version: "2"')


def test_it_reports_every_problem_at_once_in_line_order():
    text = MINIMAL.replace('code: "1.1.2"', 'code: "1.1.1"').replace(
        "name: {nb: Delområde 1.2, en: Sub-area 1.2}", "name: {nb: Delområde 1.2}"
    )
    problems = problems_of(text)
    assert [p.code for p in problems] == ["duplicate-code", "missing-translation"]
    assert problems[0].line < problems[1].line


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "plain text"])
def test_it_rejects_documents_that_are_not_frameworks(text):
    assert problems_of(text)
