"""Reading statistics files: the shipped synthetic examples, and bad files refused with the
file, the row and column or the JSON path named."""

import copy
import json
from pathlib import Path

import pytest

from kommunekompass.forecasts.reading import read_statistics
from kommunekompass.forecasts.statfiles import Refused

EXAMPLES = Path(__file__).resolve().parent.parent / "src/kommunekompass/forecasts/examples"
SSB_JSON = EXAMPLES / "ssb-14288-synthetic.json"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        yield


def small_dataset(**changes):
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": "14288: Framskrevet folkemengde (synthetic)",
        "source": "Statistisk sentralbyrå",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [1, 2, 2, 1, 2],
        "dimension": {
            "Region": {"category": {"index": {"K-5027": 0}, "label": {"K-5027": "Midtre Gauldal"}}},
            "Kjonn": {
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Menn", "2": "Kvinner"}}
            },
            "Alder": {
                "category": {"index": {"000": 0, "001": 1}, "label": {"000": "0 år", "001": "1 år"}}
            },
            "ContentsCode": {
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Hovedalternativet (MMMM)"},
                }
            },
            "Tid": {"category": {"index": {"2022": 0, "2023": 1}}},
        },
        "value": [10, 11, 20, 21, 12, 13, 22, 23],
    }
    dataset.update(changes)
    return dataset


def read_json(dataset, name="bad.json"):
    return read_statistics(json.dumps(dataset).encode(), name)


def test_the_shipped_examples_are_read_the_same_in_both_ssb_formats():
    from_json = read_statistics(SSB_JSON.read_bytes(), SSB_JSON.name)
    csv_path = EXAMPLES / "ssb-14288-synthetic.csv"
    from_csv = read_statistics(csv_path.read_bytes(), csv_path.name)
    assert from_json.ok and from_csv.ok
    assert (from_json.publisher, from_json.table_id) == ("ssb", "14288")
    assert (from_csv.publisher, from_csv.table_id) == ("ssb", "14288")
    mmmm = {row for row in from_json.population if row.alternative == "MMMM"}
    assert set(from_csv.population) == mmmm
    assert {row.alternative for row in from_json.population} == {"MMMM", "HHMH"}
    assert (105, None) in {(row.age_from, row.age_to) for row in from_csv.population}
    assert "SYNTETISK" in from_json.title and "SYNTETISK" in from_csv.title


def test_the_scb_example_and_the_cost_table_are_read():
    scb = read_statistics((EXAMPLES / "scb-be0401-synthetic.json").read_bytes(), "scb.json")
    assert scb.ok and scb.publisher == "scb"
    assert {row.municipality for row in scb.population} == {"2161"}
    costs = read_statistics((EXAMPLES / "ks-costs-synthetic.csv").read_bytes(), "costs.csv")
    assert costs.ok and costs.kind == "costs" and costs.price_year == 2022
    assert len({(row.age_from, row.age_to) for row in costs.costs}) == 13
    assert len({row.service for row in costs.costs}) == 6


def test_a_small_dataset_sums_the_sexes_and_strips_the_k_prefix():
    found = read_json(small_dataset(), "ok.json")
    assert found.ok
    figures = {
        (r.municipality, r.alternative, r.age_from, r.year): r.persons for r in found.population
    }
    # Row-major order: Region, Kjonn, Alder, ContentsCode, Tid (the last varies fastest).
    assert figures[("5027", "MMMM", 0, 2022)] == 10 + 12
    assert figures[("5027", "MMMM", 1, 2023)] == 21 + 23


def test_sparse_values_as_an_object_are_read():
    dataset = small_dataset(value={str(i): v for i, v in enumerate([1, 2, 3, 4, 5, 6, 7, 8])})
    assert read_json(dataset).ok


def test_size_and_value_that_disagree_are_refused():
    with pytest.raises(Refused) as refused:
        read_json(small_dataset(value=[1, 2, 3]))
    message = str(refused.value)
    assert "bad.json, $.value: 3 figures" in message and "1 × 2 × 2 × 1 × 2 = 8" in message


def test_a_category_count_that_disagrees_with_size_names_the_path():
    found = read_json(small_dataset(size=[1, 2, 3, 1, 2]))
    assert any("$.dimension.Alder.category.index: 2 categories" in p for p in found.problems)


def test_an_unknown_dimension_is_refused():
    dataset = small_dataset()
    dataset["id"][1] = "Landbakgrunn"
    dataset["dimension"]["Landbakgrunn"] = dataset["dimension"].pop("Kjonn")
    found = read_json(dataset)
    assert any("$.id[1]: unknown dimension “Landbakgrunn”" in p for p in found.problems)


def test_a_missing_category_is_refused():
    dataset = small_dataset()
    del dataset["dimension"]["Alder"]["category"]
    found = read_json(dataset)
    assert found.problems == [
        "bad.json, $.dimension.Alder.category: the dimension has no categories."
    ]
    dataset = small_dataset()
    del dataset["dimension"]["Tid"]
    found = read_json(dataset)
    assert any("$.dimension.Tid: missing" in p for p in found.problems)


def test_a_missing_figure_names_its_position_and_categories():
    found = read_json(small_dataset(value=[10, None, 20, 21, 12, 13, 22, 23]))
    assert found.problems == [
        "bad.json, $.value[1] (Region=K-5027, Kjonn=1, Alder=000, ContentsCode=Personer1, "
        "Tid=2023): no figure."
    ]


def test_a_total_beside_the_sexes_is_ambiguous():
    dataset = small_dataset(size=[1, 3, 2, 1, 2], value=list(range(12)))
    dataset["dimension"]["Kjonn"]["category"] = {
        "index": {"0": 0, "1": 1, "2": 2},
        "label": {"0": "Begge kjønn", "1": "Menn", "2": "Kvinner"},
    }
    found = read_json(dataset)
    assert "counted twice" in found.problems[0]


def test_not_json_and_not_a_dataset_are_refused():
    with pytest.raises(Refused, match=r"bad.json: not valid JSON \(line 1"):
        read_statistics(b"{nope", "bad.json")
    with pytest.raises(Refused, match=r"\$.class"):
        read_statistics(b'{"class": "collection"}', "bad.json")


CSV_HEADER = '"region";"kjønn";"alder";"statistikkvariabel";"år";"14288: Framskrevet folkemengde"\n'


def csv_file(*rows, header=CSV_HEADER):
    return (header + "".join(rows)).encode("utf-8")


def test_a_good_csv():
    found = read_statistics(
        csv_file(
            '"5027 Midtre Gauldal";"Menn";"0 år";"Hovedalternativet (MMMM)";"2022";10\n',
            '"5027 Midtre Gauldal";"Kvinner";"0 år";"Hovedalternativet (MMMM)";"2022";12\n',
        ),
        "ok.csv",
    )
    assert found.ok and found.table_id == "14288"
    assert [(r.municipality, r.alternative, r.persons) for r in found.population] == [
        ("5027", "MMMM", 22)
    ]


def test_a_csv_with_a_wrong_header_is_refused():
    found = read_statistics(
        csv_file(
            '"5027";"Menn";"0 år";"MMMM";"2022";10\n',
            header=CSV_HEADER.replace("alder", "age group"),
        ),
        "bad.csv",
        "population",
    )
    assert any("bad.csv: no “alder” column" in p for p in found.problems)


def test_a_csv_with_a_non_number_names_row_and_column():
    found = read_statistics(
        csv_file(
            '"5027";"Menn";"0 år";"(MMMM)";"2022";"ti"\n',
            '"5027";"Menn";"1 år";"(MMMM)";"2022";".."\n',
        ),
        "bad.csv",
    )
    assert found.problems == [
        "bad.csv, row 2, column “14288: Framskrevet folkemengde”: “ti” is not a number of persons.",
        "bad.csv, row 3, column “14288: Framskrevet folkemengde”: no figure (“..”).",
    ]


def test_a_csv_with_a_duplicate_row_names_both_rows():
    row = '"5027";"Menn";"0 år";"(MMMM)";"2022";10\n'
    found = read_statistics(csv_file(row, row), "bad.csv")
    assert found.problems == [
        "bad.csv, rows 2 and 3: the same region, sex, age, alternative and year twice."
    ]


def test_a_wide_csv_is_refused_with_advice():
    found = read_statistics(
        b'"region";"alder";"2022";"2023"\n"5027";"0 \xc3\xa5r";1;2\n', "wide.csv", "population"
    )
    assert any("download the table as JSON-stat2" in p for p in found.problems)


def test_a_file_of_unknown_kind_is_refused_with_advice():
    with pytest.raises(Refused, match="population or costs"):
        read_statistics(b"a;b\n1;2\n", "what.csv")


COSTS = "alder fra;alder til;tjenesteområde;kroner per innbygger;prisår\n"


def test_bad_cost_tables():
    found = read_statistics(
        (COSTS + "0;5;Barnehage;abc;2022\n6;;Barnehage;10;2021\n").encode(), "costs.csv"
    )
    assert found.problems[0] == (
        "costs.csv, row 2, column “kroner per innbygger”: “abc” is not an amount in kroner."
    )
    gap = read_statistics((COSTS + "0;5;Barnehage;1;2022\n7;;Barnehage;2;2022\n").encode(), "c.csv")
    assert "a group begins at 7 where 6 was expected" in gap.problems[0]
    closed = read_statistics(
        (COSTS + "0;5;Barnehage;1;2022\n6;99;Barnehage;2;2022\n").encode(), "c.csv"
    )
    assert "must be open" in closed.problems[0]
    years = read_statistics((COSTS + "0;5;Skole;1;2022\n6;;Skole;2;2021\n").encode(), "c.csv")
    assert "several price years (2021, 2022)" in years.problems[0]


def test_a_cost_table_as_xlsx():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Alder fra", "Alder til", "Tjenesteområde", "Kroner per innbygger", "Prisår"])
    sheet.append([0, 66, "Helse", 1000.5, 2022])
    sheet.append([67, None, "Helse", 5000, 2022])
    buffer = io.BytesIO()
    workbook.save(buffer)
    found = read_statistics(buffer.getvalue(), "costs.xlsx")
    assert found.ok and found.price_year == 2022 and len(found.costs) == 2


def test_json_dataset_copy_is_not_changed():
    dataset = small_dataset()
    before = copy.deepcopy(dataset)
    read_json(dataset)
    assert dataset == before
