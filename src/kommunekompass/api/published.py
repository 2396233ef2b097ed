"""Reading published results: the latest published version of every public evaluation, read
from its snapshot (never from the live scores). Shared by the API and the open-data files."""

from __future__ import annotations

from django.db.models import F

from kommunekompass.api.figures import LEVELS, figures
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.frameworks.models import Framework
from kommunekompass.reports.frozen import result_from_data

# What a list of published results reads of each version (the result tree only when asked).
FIELDS = (
    "pk",
    "number",
    "published_at",
    "complete",
    "evaluation_id",
    "evaluation__year",
    "evaluation__municipality__number",
    "evaluation__municipality__name",
    "evaluation__municipality__country",
    "evaluation__municipality__county",
    "framework__key",
    "framework__version",
)


def latest_public_versions():
    """The latest published version of each public evaluation (published at least once, not
    withdrawn; a reopened evaluation shows its last published version)."""
    return PublishedVersion.objects.filter(
        evaluation__in=Evaluation.objects.public(),
        number=F("evaluation__published_version"),
    )


def filtered(
    versions, *, municipality=None, country=None, year=None, framework=None, framework_version=None
):
    """`versions` of one municipality (its number), country, year or framework (key, and
    optionally version)."""
    if municipality:
        versions = versions.filter(evaluation__municipality__number=municipality)
    if country:
        versions = versions.filter(evaluation__municipality__country=country.upper())
    if year:
        versions = versions.filter(evaluation__year=year)
    if framework:
        versions = versions.filter(framework__key=framework)
    if framework_version:
        versions = versions.filter(framework__version=framework_version)
    return versions


def ordered(versions):
    return versions.order_by(
        "framework__key",
        "framework__version",
        "evaluation__municipality__name",
        "evaluation__year",
        "evaluation_id",
    )


class Specs:
    """The specs of framework versions, each read once."""

    def __init__(self):
        self._found = {}

    def get(self, key: str, version: str):
        if (key, version) not in self._found:
            framework = Framework.objects.get(key=key, version=version)
            self._found[(key, version)] = framework.spec
        return self._found[(key, version)]


def rows(versions, levels=LEVELS, *, with_reasons: bool = False) -> list[dict]:
    """The versions as dicts of FIELDS plus `figures` (of `levels`) read from each snapshot:
    one query, reading only the parts of the snapshots needed."""
    columns = [*FIELDS, "data__result"]
    if with_reasons:
        columns.append("data__questions")
    specs = Specs()
    found = []
    for values in versions.values_list(*columns):
        row = dict(zip(columns, values, strict=True))
        spec = specs.get(row["framework__key"], row["framework__version"])
        row["figures"] = figures(result_from_data(row.pop("data__result")), spec, levels)
        if with_reasons:
            row["reasons"] = {q["code"]: q.get("reason", "") for q in row.pop("data__questions")}
        found.append(row)
    return found
