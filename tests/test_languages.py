"""The four languages: bokmål (default), nynorsk, Swedish and English.

Dates and numbers in each locale's form, the language switch, the report language of a
municipality and an evaluation (published files and the public page in it), framework texts
in the active language, and adding languages to a loaded framework version without touching
what was published with it."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from kommunekompass.evaluations.models import AuditEntry, Evaluation, PublishedVersion
from kommunekompass.evaluations.services import settings as settings_service
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.frameworks.amendment import added_languages
from kommunekompass.frameworks.loader import FrameworkConflict, load_framework_text
from kommunekompass.frameworks.models import FocusArea, Framework, FrameworkAmendment
from kommunekompass.frameworks.validation import validate_framework_text
from kommunekompass.reports.snapshot import render_file
from tests.factories import make_evaluation, make_municipality, make_user
from tests.frameworks_for_tests import MINIMAL
from tests.test_published_reports import body, pdf_text
from tests.test_snapshot import add_scores, publish

LANGUAGES = ["nb", "nn", "sv", "en"]


def speak(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def all_levels(evaluation, level: int) -> dict:
    return {
        q.code: {d.code: level for d in q.scheme.dimensions}
        for q in evaluation.framework.spec.questions
    }


# --- the site's languages and formats ------------------------------------------------------


def test_the_site_speaks_four_languages_bokmal_first():
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES
    assert settings.LANGUAGE_CODE == "nb"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_switch_offers_the_others_and_keeps_the_page(client, world, language):
    page = reverse("frameworks:detail", args=["kommunekompass", "2020"])
    client.force_login(world.eva)
    response = client.get(reverse("set_language", args=[language]), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    html = client.get(page).content.decode()
    assert f'<html lang="{language}">' in html
    switch = html[html.index('class="language-switch"') :][:1500]
    names = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "sv": "Svenska", "en": "English"}
    for code, name in names.items():
        link = f'hreflang="{code}">{name}</a>'
        assert (link in switch) == (code != language), (code, language)


def test_an_unknown_language_is_not_found(client):
    assert client.get(reverse("set_language", args=["de"])).status_code == 404


@pytest.mark.parametrize(
    ("language", "date", "decimal"),
    [
        ("nb", "22. november 2026", ","),
        ("nn", "22. november 2026", ","),
        ("sv", "22 november 2026", ","),
        ("en", "Nov. 22, 2026", "."),
    ],
)
def test_dates_and_numbers_follow_the_language_on_a_page(client, world, language, date, decimal):
    world.draft.date = datetime.date(2026, 11, 22)
    world.draft.save(update_fields=["date"])
    add_scores(world.draft, all_levels(world.draft, 1))
    client.force_login(world.eva)
    html = speak(client, language).get(reverse("reports:report", args=[world.draft.pk]))
    html = body(html)
    assert date in html
    # Sub-areas have one decimal, with the locale's decimal mark.
    assert re.search(rf">\s*\d+{re.escape(decimal)}\d\s*<", html)


# --- the report language -------------------------------------------------------------------


def test_a_municipalitys_reports_default_to_its_countrys_language(db, kommunekompass_framework):
    norwegian = make_municipality("Fjordvik kommune", "9901", "NO")
    swedish = make_municipality("Exempelby kommun", "9999", "SE")
    nynorsk = make_municipality("Vestdal kommune", "9903", "NO", report_language="nn")
    assert (norwegian.report_language, swedish.report_language) == ("nb", "sv")
    for municipality, language in ((norwegian, "nb"), (swedish, "sv"), (nynorsk, "nn")):
        evaluation = make_evaluation(municipality, kommunekompass_framework)
        assert Evaluation.objects.get(pk=evaluation.pk).report_language == language


def test_the_report_language_is_changed_per_evaluation_with_history(world):
    assert settings_service.change_details(
        evaluation=world.draft, user=world.eva, date=None, report_language="sv"
    )
    assert Evaluation.objects.get(pk=world.draft.pk).report_language == "sv"
    entry = AuditEntry.objects.filter(evaluation=world.draft).latest("pk")
    assert entry.old == {"report_language": "nb"} and entry.new == {"report_language": "sv"}
    assert not settings_service.change_details(
        evaluation=world.draft, user=world.eva, date=None, report_language="sv"
    )
    with pytest.raises(ServiceError):
        settings_service.change_details(
            evaluation=world.draft, user=world.eva, date=None, report_language="de"
        )


def test_the_details_form_changes_the_report_language(client, world):
    client.force_login(world.eva)
    url = reverse("evaluations:details", args=[world.draft.pk])
    detail = client.get(reverse("evaluations:detail", args=[world.draft.pk])).content.decode()
    assert 'name="report_language"' in detail and '<label for="id_report_language"' in detail
    details = {"year": world.draft.year, "framework": world.draft.framework_id, "date": ""}
    client.post(url, {**details, "report_language": "nn"})
    assert Evaluation.objects.get(pk=world.draft.pk).report_language == "nn"
    client.post(url, {**details, "report_language": "de"})  # refused with a message
    assert Evaluation.objects.get(pk=world.draft.pk).report_language == "nn"
    client.force_login(world.coordinator)  # sees the evaluation, changes nothing
    assert client.post(url, {"date": "", "report_language": "sv"}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url, {"date": "", "report_language": "sv"}).status_code == 404
    assert Evaluation.objects.get(pk=world.draft.pk).report_language == "nn"


@pytest.fixture
def swedish_published(db, kommunekompass_framework):
    """A Swedish municipality's evaluation, published through the workflow."""
    municipality = make_municipality("Exempelby kommun", "9999", "SE")
    first, second = make_user("first", evaluator=True), make_user("second", evaluator=True)
    evaluation = make_evaluation(municipality, kommunekompass_framework, evaluators=[first, second])
    add_scores(evaluation, all_levels(evaluation, 2))
    version = publish(evaluation, first, second)
    return evaluation, version


def test_published_files_are_in_the_report_language(swedish_published):
    evaluation, version = swedish_published
    assert version.language == "sv"
    _name, workbook = render_file(version, "xlsx")
    cells = {
        str(value)
        for sheet in load_workbook(io.BytesIO(workbook)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    }
    assert "Samspel mellan förtroendevalda och medborgare" in cells
    assert "Offentlighet og demokrati" not in cells
    _name, pdf = render_file(version, "pdf")
    text = pdf_text(pdf)
    assert "Samhällsutveckling" in text and "Samfunnsutvikling" not in text


def test_the_public_page_is_in_the_report_language_unless_the_visitor_chose(
    client, swedish_published
):
    evaluation, _version = swedish_published
    url = reverse("reports:report", args=[evaluation.pk])
    page = client.get(url)
    assert page["Content-Language"] == "sv"
    assert '<html lang="sv">' in page.content.decode()
    assert "Samspel mellan förtroendevalda och medborgare" in page.content.decode()
    again = client.get(url)  # answered at the door, the same
    assert again.content == page.content
    chosen = speak(client, "nb").get(url)
    assert chosen["Content-Language"] == "nb"
    assert "Offentlighet og demokrati" in chosen.content.decode()
    assert "Samspel mellan förtroendevalda" not in chosen.content.decode()


# --- framework texts in the active language ------------------------------------------------


def test_the_scoring_page_shows_the_framework_in_swedish(client, world):
    client.force_login(world.eva)
    url = reverse("evaluations:area", args=[world.draft.pk, "1"])
    html = speak(client, "sv").get(url).content.decode()
    assert "Samspel mellan förtroendevalda och medborgare" in html
    assert "Strategi för kommunikation och demokratiutveckling" in html
    assert 'role="note" lang="sv"' not in html  # the framework speaks Swedish


def test_a_framework_without_the_language_falls_back_to_bokmal_visibly(client, world):
    client.force_login(world.eva)
    url = reverse("frameworks:detail", args=["caf", "2020"])
    caf = Framework.objects.get(key="caf")
    if "sv" in caf.spec.languages:
        pytest.skip("caf-2020 speaks Swedish now")
    html = speak(client, "sv").get(url).content.decode()
    assert 'role="note" lang="sv"' in html
    assert caf.spec.name["nb"] in html


# --- the validator and the loader ----------------------------------------------------------


def test_the_validator_names_every_missing_text_with_its_path_and_language():
    text = MINIMAL.replace("languages: [nb, en]", "languages: [nb, sv, en]").replace(
        "name: {nb: Område 1, en: Area 1}", "name: {nb: Område 1, sv: Område 1, en: Area 1}"
    )
    result = validate_framework_text(text)
    missing = [(p.path, p.language) for p in result.problems if p.code == "missing-translation"]
    assert ("perspectives[0].areas[0].name", "sv") not in missing
    assert ("name", "sv") in missing
    assert ("perspectives[0].areas[0].subareas[0].questions[1].text", "sv") in missing
    assert all(language == "sv" for _path, language in missing)
    assert len(missing) == text.count("nb:") - 1  # every text but the one given
    problem = next(p for p in result.problems if p.path == "name")
    assert "'name' has no text in 'sv'" in problem.message and problem.line == 4


def swedish(text: str) -> str:
    """MINIMAL in Swedish as well: area 1 named "Område ett", every other text "Svensk text"."""
    text = text.replace("languages: [nb, en]", "languages: [nb, sv, en]")
    text = text.replace("{nb: Område 1, en: Area 1}", "{nb: Område 1, sv: Område ett, en: Area 1}")
    return re.sub(r'\{nb: ((?:"[^"]*"|[^,{}])+), en: ', r"{nb: \1, sv: Svensk text, en: ", text)


def test_added_languages_are_only_additions():
    import yaml

    old, new = yaml.safe_load(MINIMAL), yaml.safe_load(swedish(MINIMAL))
    assert added_languages(old, new) == ("sv",)
    assert added_languages(old, old) == ()
    changed = yaml.safe_load(swedish(MINIMAL).replace("nb: Område 1,", "nb: Område én,"))
    assert added_languages(old, changed) == ()
    more_points = yaml.safe_load(swedish(MINIMAL).replace("max_points: 10\n", "max_points: 11\n"))
    assert added_languages(old, more_points) == ()
    fewer = yaml.safe_load(MINIMAL.replace("languages: [nb, en]", "languages: [nb]"))
    assert added_languages(old, fewer) == ()


@pytest.fixture
def tiny_published(db):
    """A published evaluation of the tiny framework, in bokmål and English only."""
    framework = load_framework_text(MINIMAL).framework
    first, second = make_user("first", evaluator=True), make_user("second", evaluator=True)
    evaluation = make_evaluation(make_municipality(), framework, evaluators=[first, second])
    tops = {q.code: {d.code: d.top for d in q.scheme.dimensions} for q in framework.spec.questions}
    add_scores(evaluation, tops)
    return framework, publish(evaluation, first, second)


def test_adding_a_language_keeps_published_reports_and_gives_the_new_texts(client, tiny_published):
    framework, version = tiny_published
    url = reverse("reports:report", args=[version.evaluation_id])
    before = {language: body(speak(client, language).get(url)) for language in ("nb", "en")}
    assert "Område 1" in before["nb"] and "Area 1" in before["en"]

    outcome = load_framework_text(swedish(MINIMAL))

    assert not outcome.created and outcome.added_languages == ("sv",)
    assert Framework.objects.filter(key="tiny").count() == 1  # no new version
    framework.refresh_from_db()
    assert framework.spec.languages == ("nb", "sv", "en")
    amendment = FrameworkAmendment.objects.get(framework=framework)
    assert amendment.previous_checksum == version.spec_checksum != framework.checksum
    assert amendment.previous_source == MINIMAL and amendment.languages == ["sv"]
    assert FocusArea.objects.get(framework=framework, code="1").name["sv"] == "Område ett"
    cache.clear()
    after = {language: body(speak(client, language).get(url)) for language in ("nb", "en")}
    assert after == before
    assert "Område ett" in body(speak(client, "sv").get(url))
    assert PublishedVersion.objects.get(pk=version.pk).spec_checksum == version.spec_checksum
    # Loading the same file again changes nothing more.
    assert load_framework_text(swedish(MINIMAL)).added_languages == ()
    assert FrameworkAmendment.objects.count() == 1


def test_changing_an_existing_text_is_still_refused(tiny_published):
    framework, _version = tiny_published
    changed = swedish(MINIMAL).replace("nb: Område 1,", "nb: Område én,")
    with pytest.raises(FrameworkConflict):
        load_framework_text(changed)
    with pytest.raises(FrameworkConflict):
        load_framework_text(MINIMAL.replace("{nb: Liten, en: Tiny}", "{nb: Liten, en: Small}"))
    assert not FrameworkAmendment.objects.exists()
    assert Framework.objects.get(pk=framework.pk).checksum == framework.checksum
    # As before: the changed text loads as a new version.
    assert load_framework_text(changed.replace('version: "1"', 'version: "2"')).created


def test_the_shipped_compass_in_four_languages_amends_the_loaded_one_in_place():
    """A database with kommunekompass 2020 in bokmål and English (as shipped before) gets the
    nynorsk and Swedish texts in place when the shipped frameworks are loaded again."""
    import yaml

    from kommunekompass.frameworks.loader import shipped_framework_files

    path = next(p for p in shipped_framework_files() if p.name == "kommunekompass-2020.yaml")
    text = path.read_text(encoding="utf-8")
    before = "\n".join(
        line for line in text.split("\n") if not re.match(r"^\s+(nn|sv): ", line)
    ).replace("languages: [nb, nn, sv, en]", "languages: [nb, en]")
    assert added_languages(yaml.safe_load(before), yaml.safe_load(text)) == ("nn", "sv")
