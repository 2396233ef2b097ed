"""Forecast pages, the command line and the report section: who may do what, what is stored,
and that a published report keeps the forecast it was published with."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from kommunekompass.evaluations.models import AuditEntry
from kommunekompass.forecasts.models import (
    AttachedForecast,
    CostFigure,
    PopulationFigure,
    StatisticsSource,
)
from kommunekompass.forecasts.services import load_statistics
from kommunekompass.reports.data import build_report, report_from_data, report_to_data
from kommunekompass.reports.spreadsheet import render_xlsx
from tests.factories import make_user
from tests.test_snapshot import publish

EXAMPLES = Path(__file__).resolve().parent.parent / "src/kommunekompass/forecasts/examples"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def upload(client, name, data=None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/forecasts/statistics/",
        {
            "file": SimpleUploadedFile(name, data if data is not None else example(name)),
            "downloaded_on": "2023-01-15",
            **fields,
        },
    )


@pytest.fixture
def loaded(world):
    """Fjordvik has SSB's number of the example (5027); the examples are loaded."""
    world.fjordvik.number = "5027"
    world.fjordvik.save()
    load_statistics(None, example("ssb-14288-synthetic.json"), "ssb.json", system=True)
    load_statistics(None, example("ks-costs-synthetic.csv"), "costs.csv", system=True)
    return world


@pytest.fixture
def loader(world):
    user = make_user("loader", evaluator=True)
    user.user_permissions.add(Permission.objects.get(codename="load_statistics"))
    return user


# --- loading statistics ------------------------------------------------------------------------


def test_an_allowed_evaluator_loads_both_files(client, world, loader):
    client.force_login(loader)
    response = upload(client, "ssb-14288-synthetic.json")
    assert response.status_code == 302
    response = upload(client, "ks-costs-synthetic.csv")
    assert response.status_code == 302
    population = StatisticsSource.objects.get(kind="population")
    assert (population.publisher, population.table_id, population.loaded_by) == (
        "ssb",
        "14288",
        loader,
    )
    assert str(population.downloaded_on) == "2023-01-15" and len(population.sha256) == 64
    assert PopulationFigure.objects.filter(source=population).count() == 2332
    costs = StatisticsSource.objects.get(kind="costs")
    assert costs.price_year == 2022 and CostFigure.objects.filter(source=costs).count() == 78
    page = client.get("/forecasts/statistics/")
    assert page.status_code == 200 and "ssb-14288-synthetic.json" in page.content.decode()


def test_a_bad_file_stores_nothing_and_says_why(client, world, loader):
    client.force_login(loader)
    bad = json.loads(example("ssb-14288-synthetic.json"))
    bad["value"][5] = None
    response = upload(client, "bad.json", json.dumps(bad).encode())
    assert response.status_code == 422
    assert "bad.json, $.value[5]" in response.content.decode()
    assert not StatisticsSource.objects.exists() and not PopulationFigure.objects.exists()


def test_the_same_file_twice_and_a_dry_run_store_nothing_more(client, world, loader):
    client.force_login(loader)
    assert upload(client, "ks-costs-synthetic.csv", dry_run="on").status_code == 200
    assert not StatisticsSource.objects.exists()
    assert upload(client, "ks-costs-synthetic.csv").status_code == 302
    response = upload(client, "ks-costs-synthetic.csv")
    page = response.content.decode()
    assert response.status_code == 422 and ("loaded already" in page or "lastet inn" in page)
    assert StatisticsSource.objects.count() == 1


@pytest.mark.parametrize("who", ["eva", "coordinator", "reader", "outsider"])
def test_others_may_not_load_statistics(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/forecasts/statistics/").status_code == 403
    assert upload(client, "ks-costs-synthetic.csv").status_code == 403
    assert not StatisticsSource.objects.exists()


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get("/forecasts/statistics/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_may_load(client, world):
    client.force_login(world.admin)
    assert upload(client, "scb-be0401-synthetic.json").status_code == 302
    assert StatisticsSource.objects.get().publisher == "scb"


# --- the forecast page -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "eva", "coordinator", "reader"])
def test_a_municipalitys_people_see_its_forecast(
    client, loaded, who, django_assert_max_num_queries
):
    client.force_login(getattr(loaded, who))
    with django_assert_max_num_queries(16):
        response = client.get("/forecasts/5027/?alternative=MMMM&start=2023&years=10")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="forecast-table"' in html and "<svg" in html
    assert "Sum 2023–2032" in html and "Sum 2023–2026" in html
    # By id as well as by number.
    assert client.get(f"/forecasts/{loaded.fjordvik.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["otto", "nordhei_reader", "outsider"])
def test_others_get_not_found(client, loaded, who):
    client.force_login(getattr(loaded, who))
    assert client.get("/forecasts/5027/").status_code == 404


def test_anonymous_gets_not_found(client, loaded):
    assert client.get("/forecasts/5027/").status_code == 404


def test_the_page_explains_what_is_missing(client, loaded):
    client.force_login(loaded.admin)
    response = client.get("/forecasts/5027/?alternative=MMMM&start=2020&years=3")
    assert response.status_code == 200
    assert "2019" in response.content.decode() and 'id="forecast-table"' not in (
        response.content.decode()
    )
    assert client.get("/forecasts/5027/?alternative=XXXX").status_code == 400


def test_the_table_downloads_as_csv_and_xlsx(client, loaded):
    client.force_login(loaded.reader)
    query = "/forecasts/5027/?alternative=MMMM&start=2023&years=10"
    csv_text = client.get(query + "&format=csv").content.decode()
    assert csv_text.splitlines()[1].startswith("Year;") or csv_text.splitlines()[1].startswith(
        "År;"
    )
    workbook = load_workbook(io.BytesIO(client.get(query + "&format=xlsx").content))
    assert workbook.active.max_row > 12


# --- attaching to an evaluation and the report ---------------------------------------------------


def attach(client, world, **extra):
    return client.post(
        "/forecasts/5027/attach/",
        {
            "evaluation": world.draft.pk,
            "alternative": "MMMM",
            "start": 2023,
            "years": 10,
            **extra,
        },
    )


def test_an_evaluator_attaches_the_forecast_and_the_report_shows_it(client, loaded):
    client.force_login(loaded.eva)
    response = attach(client, loaded)
    assert response.status_code == 302
    attached = AttachedForecast.objects.get(evaluation=loaded.draft)
    assert (attached.alternative, attached.start, attached.years) == ("MMMM", 2023, 10)
    entry = AuditEntry.objects.filter(evaluation=loaded.draft).latest("at")
    assert entry.subject == "forecast" and entry.new == {"forecast": "MMMM, 2023–2032"}
    html = client.get(f"/reports/{loaded.draft.pk}/").content.decode()
    assert 'id="forecast"' in html and 'id="forecast-table"' in html
    workbook = load_workbook(io.BytesIO(render_xlsx(build_report(loaded.draft))))
    assert any(
        "forecast" in name.lower() or "framskriving" in name.lower() for name in workbook.sheetnames
    )


@pytest.mark.parametrize("who", ["coordinator", "reader"])
def test_the_municipalitys_readers_may_not_attach(client, loaded, who):
    client.force_login(getattr(loaded, who))
    assert attach(client, loaded).status_code == 403
    assert not AttachedForecast.objects.exists()


def test_a_stranger_may_not_attach(client, loaded):
    client.force_login(loaded.otto)
    assert attach(client, loaded).status_code == 404
    assert not AttachedForecast.objects.exists()


def test_a_published_report_keeps_its_forecast(client, loaded):
    w = loaded
    second = make_user("second", evaluator=True)
    w.draft.evaluators.add(second)
    client.force_login(w.eva)
    attach(client, w)
    version = publish(w.draft, w.eva, second)
    frozen = version.data["forecast"]
    assert frozen["alternative"] == "MMMM" and frozen["changes"]["2023"]
    # A later upload changes the live figures, never the published ones.
    changed = json.loads(example("ssb-14288-synthetic.json"))
    changed["value"] = [v * 2 for v in changed["value"]]
    load_statistics(None, json.dumps(changed).encode(), "later.json", system=True)
    version.refresh_from_db()
    assert version.data["forecast"] == frozen
    report = report_from_data(version.data)
    assert report_to_data(report) == version.data
    assert (
        report.forecast_result.forecast.changes
        == report_from_data(version.data).forecast_result.forecast.changes
    )
    html = client.get(f"/reports/{w.draft.pk}/").content.decode()
    year_2023 = report.forecast_result.rows[0].total
    from kommunekompass.forecasts.display import thousands

    assert thousands(year_2023) in html
    # Anyone reads the published report with its forecast.
    client.logout()
    assert 'id="forecast-table"' in client.get(f"/reports/{w.draft.pk}/").content.decode()


def test_a_report_without_a_forecast_has_no_section(loaded):
    data = report_to_data(build_report(loaded.draft))
    assert data["forecast"] is None
    assert report_from_data(data).forecast is None


def test_the_pdf_holds_the_forecast(loaded):
    from pypdf import PdfReader

    from kommunekompass.forecasts.services import attach_forecast
    from kommunekompass.reports.render import render_pdf

    attach_forecast(loaded.eva, loaded.draft, alternative="MMMM", start=2023, years=10)
    pdf = PdfReader(io.BytesIO(render_pdf(build_report(loaded.draft))))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "2032" in text and ("Sum 2023–2026" in text or "Sum 2023-2026" in text)


# --- the command line --------------------------------------------------------------------------


def test_the_commands_load_and_print(world, capsys, tmp_path):
    world.fjordvik.number = "5027"
    world.fjordvik.save()
    call_command("import-statistics", str(EXAMPLES / "ssb-14288-synthetic.csv"), "--dry-run")
    assert not StatisticsSource.objects.exists()
    call_command("import-statistics", str(EXAMPLES / "ssb-14288-synthetic.csv"))
    call_command("import-statistics", str(EXAMPLES / "ks-costs-synthetic.csv"), "--kind", "costs")
    assert StatisticsSource.objects.count() == 2
    out = capsys.readouterr().out  # in bokmål, the kind in the app's words
    assert "ssb-14288-synthetic.csv: Befolkningsframskriving, CSV," in out
    assert "Lastet inn som kilde" in out and "Filen er i orden (prøvekjøring" in out
    call_command("forecast", "5027", "--start", "2023", "--years", "10")
    out = capsys.readouterr().out
    assert "2032" in out and "Sum 2023–2026" in out and "MMMM" in out
    target = tmp_path / "forecast.xlsx"
    call_command("forecast", "5027", "--start", "2023", "--years", "4", "-o", str(target))
    assert load_workbook(target).active.max_row >= 6


def test_the_commands_refuse_bad_input(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "alder fra;alder til;tjenesteområde;kroner per innbygger;prisår\n0;;X;abc;2022\n"
    )
    with pytest.raises(CommandError, match="1 problem; ingenting ble lastet inn"):
        call_command("import-statistics", str(bad))
    with translation.override("en"):
        with pytest.raises(CommandError, match="no municipality number 1234"):
            call_command("forecast", "1234", "--start", "2023", "--years", "10")
        with pytest.raises(CommandError, match="--years: give between 1 and 50"):
            call_command("forecast", "9901", "--start", "2023", "--years", "51")
    with pytest.raises(
        CommandError, match="No population projection|Ingen befolkningsframskriving"
    ):
        call_command("forecast", "9901", "--start", "2023", "--years", "10")
