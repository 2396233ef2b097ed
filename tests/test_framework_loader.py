import pytest

from kommunekompass.frameworks.loader import (
    FrameworkConflict,
    load_framework_text,
    load_shipped_frameworks,
    shipped_framework_files,
)
from kommunekompass.frameworks.models import FocusArea, Framework, Question, SubArea
from kommunekompass.frameworks.validation import FrameworkInvalid, validate_framework_file
from kommunekompass.scoring.engine import score_framework
from tests.frameworks_for_tests import MINIMAL

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_are_valid():
    names = {path.name for path in shipped_framework_files()}
    assert {"kommunekompass-2020.yaml", "caf-2020.yaml"} <= names
    for path in shipped_framework_files():
        result = validate_framework_file(path)
        assert result.ok, (path, result.problems[:3])


def test_kommunekompass_2020_has_the_structure_of_the_model(kommunekompass_framework):
    spec = kommunekompass_framework.spec
    assert [len(p.areas) for p in spec.perspectives] == [2, 2, 2, 2]
    assert [a.max_points for a in spec.areas] == [100] * 8
    assert len(spec.subareas) == 35
    assert len(spec.questions) == 75
    assert spec.max_points == 800
    maxima = {s.code: s.max_points for s in spec.subareas}
    assert [maxima[c] for c in ("1.1", "1.2", "1.3", "1.4", "1.5")] == [20, 10, 30, 10, 30]
    assert [maxima[c] for c in ("7.1", "7.2", "7.3", "7.4")] == [15, 40, 25, 20]
    assert [d.code for d in spec.schemes[0].dimensions] == ["system", "scope", "result"]
    assert "sykefravær" in spec.question("7.3.2").text["nb"]
    assert "kontinuerlig forbedring" in spec.question("6.3.1").text["nb"]


def test_caf_2020_is_scored_by_the_same_engine(caf_framework):
    spec = caf_framework.spec
    assert len(spec.areas) == 9 and len(spec.subareas) == 28
    enabler, result_question = spec.question("1.1.1"), spec.question("6.1.1")
    assert [d.code for d in enabler.scheme.dimensions] == ["plan", "do", "check", "act"]
    assert [d.code for d in result_question.scheme.dimensions] == ["trends", "targets"]
    levels = {
        "1.1.1": {"plan": 100, "do": 60, "check": 40, "act": 0},
        "6.1.1": {"trends": 80, "targets": 40},
    }
    result = score_framework(spec, levels)
    assert result.points == 50 + 60  # (100+60+40+0)/4 of 100, (80+40)/2 of 100
    assert result.max_points == 2800
    assert len(result.missing) == 26


def test_it_writes_every_row_of_a_framework(kommunekompass_framework):
    assert FocusArea.objects.filter(framework=kommunekompass_framework).count() == 8
    assert SubArea.objects.filter(framework=kommunekompass_framework).count() == 35
    questions = Question.objects.filter(framework=kommunekompass_framework)
    assert questions.count() == 75
    assert questions.get(code="7.3.1").sub_area.code == "7.3"
    assert kommunekompass_framework.max_points == 800


def test_loading_the_same_text_twice_changes_nothing():
    first = load_framework_text(MINIMAL)
    second = load_framework_text(MINIMAL)
    assert first.created and not second.created
    assert first.framework.pk == second.framework.pk
    assert Framework.objects.filter(key="tiny").count() == 1


def test_it_refuses_another_text_under_a_loaded_version():
    load_framework_text(MINIMAL)
    changed = MINIMAL.replace("name: {nb: Liten, en: Tiny}", "name: {nb: Endret, en: Changed}")
    with pytest.raises(FrameworkConflict):
        load_framework_text(changed)
    assert Framework.objects.get(key="tiny").name["nb"] == "Liten"


def test_an_invalid_framework_never_reaches_the_database():
    broken = MINIMAL.replace("max_points: 30", "max_points: 31")
    with pytest.raises(FrameworkInvalid) as error:
        load_framework_text(broken)
    assert error.value.problems[0].code == "max-mismatch"
    assert not Framework.objects.filter(key="tiny").exists()
    assert not Question.objects.filter(framework__key="tiny").exists()


def test_load_shipped_frameworks_is_idempotent():
    Framework.objects.all().delete()
    assert all(o.created for o in load_shipped_frameworks())
    assert not any(o.created for o in load_shipped_frameworks())


def test_the_mapping_between_kommunekompass_versions_is_sound():
    from kommunekompass.frameworks.mappings import area_mapping, check_mapping

    old = validate_framework_file(
        next(p for p in shipped_framework_files() if p.name == "kommunekompass-2012.yaml")
    ).spec
    new = validate_framework_file(
        next(p for p in shipped_framework_files() if p.name == "kommunekompass-2020.yaml")
    ).spec
    mapping = area_mapping("kommunekompass", "2012", "2020")
    assert check_mapping(mapping, {a.code for a in old.areas}, {a.code for a in new.areas}) == []
    assert len(mapping.areas) == 8
    assert mapping.areas["2"] == "5"  # accessibility and user orientation -> user focus
    assert "revidert i 2020" in mapping.note["nb"]
    assert area_mapping("kommunekompass", "2020", "2020") is None
    assert area_mapping("kommunekompass", "2020", "2012") is None  # only forwards
