"""Write the synthetic example files of src/kommunekompass/forecasts/examples/.

Every figure is invented (a smooth formula, not statistics): the files show the exact formats
of SSB's and SCB's downloads and of the cost table template, for tests and for trying the app.
Run: python3 scripts/forecast_examples.py
"""

import csv
import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/kommunekompass/forecasts/examples"
SYNTHETIC_NO = "SYNTETISKE TALL, laget for Kommunekompass (ikke SSBs statistikk)"
SYNTHETIC_SE = "SYNTETISKA SIFFROR, gjorda för Kommunekompass (inte SCB:s statistik)"


def persons(age: int, sex: int, year: int, alternative: int = 0) -> int:
    """A made-up population by age: fewer children, more old people every year."""
    base = 70 + 25 * math.sin(age / 9.0) + (10 if 40 <= age <= 60 else 0)
    ageing = 1 + (year - 2022) * (0.025 if age >= 67 else -0.012 if age < 16 else 0.002)
    ageing += alternative * 0.004 * (year - 2022)
    shrink = max(0.02, 1 - max(0, age - 75) / 32)
    return max(0, round(base * ageing * shrink * (1.04 if sex == 2 else 1.0)))


def ssb_age_codes():
    return [(f"{a:03d}", f"{a} år", a) for a in range(105)] + [("105+", "105 år eller eldre", 105)]


def ssb_jsonstat():
    years = list(range(2022, 2033))
    alternatives = [
        ("Personer1", "Hovedalternativet (MMMM)", 0),
        ("Personer2", "Høy nasjonal vekst (HHMH)", 1),
    ]
    ages = ssb_age_codes()
    values = []
    for _sex in (1, 2):
        for _code, _label, age in ages:
            for _a_code, _a_label, alternative in alternatives:
                for year in years:
                    values.append(persons(age, _sex, year, alternative))
    return {
        "version": "2.0",
        "class": "dataset",
        "label": (
            "14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, "
            f"statistikkvariabel og år ({SYNTHETIC_NO})"
        ),
        "source": "Statistisk sentralbyrå",
        "updated": "2022-06-21T06:00:00Z",
        "note": [SYNTHETIC_NO],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [1, 2, len(ages), len(alternatives), len(years)],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"5027": 0}, "label": {"5027": "Midtre Gauldal (syntetisk)"}},
            },
            "Kjonn": {
                "label": "kjønn",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Menn", "2": "Kvinner"}},
            },
            "Alder": {
                "label": "alder",
                "category": {
                    "index": {code: i for i, (code, _l, _a) in enumerate(ages)},
                    "label": {code: label for code, label, _a in ages},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {code: i for i, (code, _l, _a) in enumerate(alternatives)},
                    "label": {code: label for code, label, _a in alternatives},
                    "unit": {
                        code: {"base": "personer", "decimals": 0} for code, _l, _a in alternatives
                    },
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {str(y): i for i, y in enumerate(years)},
                    "label": {str(y): str(y) for y in years},
                },
            },
        },
        "extension": {
            "px": {
                "infofile": "None",
                "tableid": "14288",
                "decimals": 0,
                "official-statistics": False,
            }
        },
        "value": values,
    }


def ssb_csv(path: Path):
    years = list(range(2022, 2033))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(f'"14288: Framskrevet folkemengde 1. januar ({SYNTHETIC_NO})"\r\n\r\n')
        writer = csv.writer(
            handle, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n"
        )
        writer.writerow(
            [
                "region",
                "kjønn",
                "alder",
                "statistikkvariabel",
                "år",
                "Framskrevet folkemengde 1. januar",
            ]
        )
        for sex, sex_label in ((1, "Menn"), (2, "Kvinner")):
            for _code, label, age in ssb_age_codes():
                for year in years:
                    writer.writerow(
                        [
                            "5027 Midtre Gauldal (syntetisk)",
                            sex_label,
                            label,
                            "Hovedalternativet (MMMM)",
                            str(year),
                            persons(age, sex, year),
                        ]
                    )


def scb_jsonstat():
    years = list(range(2022, 2033))
    ages = [(str(a), f"{a} år", a) for a in range(100)] + [("100+", "100+ år", 100)]
    values = []
    for _age_code, _label, age in ages:
        for sex in (1, 2):
            for year in years:
                values.append(persons(age, sex, year) // 2)
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"Framskriven folkmängd efter region, ålder, kön och år ({SYNTHETIC_SE})",
        "source": "SCB",
        "updated": "2023-04-27T06:00:00Z",
        "note": [SYNTHETIC_SE],
        "id": ["Region", "Alder", "Kon", "ContentsCode", "Tid"],
        "size": [1, len(ages), 2, 1, len(years)],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"2161": 0}, "label": {"2161": "Ljusdal (syntetisk)"}},
            },
            "Alder": {
                "label": "ålder",
                "category": {
                    "index": {c: i for i, (c, _l, _a) in enumerate(ages)},
                    "label": {c: text for c, text, _a in ages},
                },
            },
            "Kon": {
                "label": "kön",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "män", "2": "kvinnor"}},
            },
            "ContentsCode": {
                "label": "tabellinnehåll",
                "category": {
                    "index": {"BE0401AY": 0},
                    "label": {"BE0401AY": "Framskriven folkmängd"},
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {str(y): i for i, y in enumerate(years)},
                    "label": {str(y): str(y) for y in years},
                },
            },
        },
        "extension": {"px": {"tableid": "BE0401", "decimals": 0}},
        "value": values,
    }


# The 13 age groups of the KS method; kroner per inhabitant (2022 kroner), invented.
GROUPS = [
    (0, 0),
    (1, 5),
    (6, 12),
    (13, 15),
    (16, 19),
    (20, 24),
    (25, 39),
    (40, 54),
    (55, 66),
    (67, 74),
    (75, 79),
    (80, 89),
    (90, None),
]
SERVICES = [
    (
        "pleie_omsorg",
        "Pleie og omsorg",
        [2000, 1500, 2500, 3000, 3500, 6000, 6500, 8000, 12000, 30000, 60000, 150000, 380000],
    ),
    ("grunnskole", "Grunnskole", [0, 0, 150000, 160000, 3000, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("barnehage", "Barnehage", [10000, 190000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("sosial", "Sosialtjeneste", [0, 0, 0, 0, 3000, 9000, 6000, 4000, 2500, 400, 200, 100, 100]),
    (
        "kommunehelse",
        "Kommunehelse",
        [15000, 4500, 3000, 3200, 2600, 2400, 2600, 2800, 3200, 4200, 5500, 7000, 8000],
    ),
    ("barnevern", "Barnevern", [9000, 8000, 9500, 12000, 11000, 1500, 0, 0, 0, 0, 0, 0, 0]),
]


def costs_csv(path: Path):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(
            ["alder fra", "alder til", "kode", "tjenesteområde", "kroner per innbygger", "prisår"]
        )
        for code, name, kroner in SERVICES:
            for (low, high), amount in zip(GROUPS, kroner, strict=False):
                writer.writerow(
                    [low, "" if high is None else high, code, f"{name} (syntetisk)", amount, 2022]
                )


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ssb-14288-synthetic.json").write_text(
        json.dumps(ssb_jsonstat(), ensure_ascii=False), encoding="utf-8"
    )
    ssb_csv(OUT / "ssb-14288-synthetic.csv")
    (OUT / "scb-be0401-synthetic.json").write_text(
        json.dumps(scb_jsonstat(), ensure_ascii=False), encoding="utf-8"
    )
    costs_csv(OUT / "ks-costs-synthetic.csv")
    print("written to", OUT)
