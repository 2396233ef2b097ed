"""The open-data files: every published result, one CSV and one JSON file per framework
version, at stable addresses (/open-data/kommunekompass-2020.csv and .json), under the
Norwegian licence for open government data (NLOD 2.0).

The files are made from the published versions' snapshots (api.published) and kept in the data
directory. They are made anew, after the commit, whenever an evaluation of their framework
version is saved with a new status or version (publishing, republishing, importing,
withdrawing), by a job of the queue (`regenerate_files`), and on the first request when they
are missing. Writing goes through a temporary
file and a rename, so a reader never gets half a file.

CSV: RFC 4180 with a comma between fields and a full stop as the decimal mark, in UTF-8 with a
byte order mark (so that Excel reads æ, ø and å right); text never becomes a formula (a text
cell beginning with =, +, -, @, tab or carriage return gets an apostrophe in front).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunekompass.api.figures import decimal_points, exact
from kommunekompass.api.published import latest_public_versions, ordered, rows
from kommunekompass.frameworks.models import Framework
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib import jobs

log = logging.getLogger(__name__)

LICENCE = {
    "name": "Norsk lisens for offentlige data (NLOD) 2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
    "url_en": "https://data.norge.no/nlod/en/2.0",
}

# (column, what it holds), in the order of the CSV file; the description page shows them.
COLUMNS = [
    ("municipality_number", _("The municipality's official number (kommunenummer).")),
    ("municipality_name", _("The municipality's name.")),
    ("country", _("NO (Norway) or SE (Sweden).")),
    ("county", _("The county the municipality belongs to.")),
    ("year", _("The year of the evaluation.")),
    ("framework", _("The framework's identifier, e.g. kommunekompass.")),
    ("framework_version", _("The framework's version, e.g. 2020.")),
    ("evaluation_id", _("The evaluation's number in Kommunekompass (its report's address).")),
    ("version", _("The published version of the evaluation the figures come from.")),
    ("published_at", _("When that version was published (ISO 8601, UTC).")),
    ("complete", _("true if every question was scored, false if some were not.")),
    ("level", _("total, perspective, area (focus area), subarea or question.")),
    (
        "code",
        _("The code of the area, sub-area or question in the framework; total for the total."),
    ),
    ("parent", _("The code of the level above (empty for the total).")),
    ("name", _("The name in Norwegian bokmål (the question's text for a question).")),
    ("points", _("The points, rounded to 4 decimals; empty when nothing at this level is scored.")),
    ("max_points", _("The most points possible at this level.")),
    ("points_exact", _("The points as an exact fraction, e.g. 20/3.")),
    ("report_url", _("The address of the published report.")),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def directory() -> Path:
    path = Path(settings.DATA_DIR) / "open-data"
    path.mkdir(exist_ok=True)
    return path


def stem(framework) -> str:
    return f"{framework.key}-{framework.version}"


def path_of(framework, extension: str) -> Path:
    return directory() / f"{stem(framework)}.{extension}"


def safe_text(value: str) -> str:
    """Text that no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def records(framework) -> list[dict]:
    """One record per published evaluation of `framework`: its facts and its figures."""
    versions = ordered(latest_public_versions().filter(framework=framework))
    found = []
    for row in rows(versions):
        found.append(
            {
                "municipality": {
                    "number": row["evaluation__municipality__number"],
                    "name": row["evaluation__municipality__name"],
                    "country": row["evaluation__municipality__country"],
                    "county": row["evaluation__municipality__county"],
                },
                "year": row["evaluation__year"],
                "evaluation_id": row["evaluation_id"],
                "version": row["number"],
                "published_at": row["published_at"].isoformat(),
                "complete": row["complete"],
                "report_url": f"/reports/{row['evaluation_id']}/v/{row['number']}/",
                "figures": [
                    {
                        "level": figure.level,
                        "code": figure.code,
                        "parent": figure.parent,
                        "name": figure.name,
                        "points": decimal_points(figure.points),
                        "max_points": decimal_points(figure.max_points),
                        "points_exact": exact(figure.points),
                    }
                    for figure in row["figures"]
                ],
            }
        )
    return found


def render_csv(framework, found: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column for column, _text in COLUMNS])
    for record in found:
        place = record["municipality"]
        for figure in record["figures"]:
            values = [
                place["number"],
                place["name"],
                place["country"],
                place["county"],
                record["year"],
                framework.key,
                framework.version,
                record["evaluation_id"],
                record["version"],
                record["published_at"],
                "true" if record["complete"] else "false",
                figure["level"],
                figure["code"],
                figure["parent"] or "",
                pick_text(figure["name"], "nb"),
                "" if figure["points"] is None else figure["points"],
                figure["max_points"],
                figure["points_exact"] or "",
                record["report_url"],
            ]
            writer.writerow([safe_text(v) if isinstance(v, str) else v for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_json(framework, found: list[dict]) -> bytes:
    document = {
        "framework": {
            "key": framework.key,
            "version": framework.version,
            "name": framework.name,
            "checksum": framework.checksum,
        },
        "licence": LICENCE,
        "generated_at": timezone.now().isoformat(),
        "evaluations": found,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _write(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def regenerate(framework) -> None:
    """Make both files of `framework` anew from the published versions."""
    found = records(framework)
    _write(path_of(framework, "csv"), render_csv(framework, found))
    _write(path_of(framework, "json"), render_json(framework, found))


def ensure(framework, extension: str) -> Path:
    """The file, made now if it is missing."""
    path = path_of(framework, extension)
    if not path.exists():
        regenerate(framework)
    return path


@jobs.job(priority=jobs.NOBODY_WAITS)
def regenerate_files(framework_id: int) -> str:
    """The job that makes one framework version's files anew from what is published now.
    Idempotent: it writes whole files from the database, through a rename."""
    framework = Framework.objects.defer("source").filter(pk=framework_id).first()
    if framework is None:
        return "gone"
    regenerate(framework)
    return "made"


class _Regeneration:
    """The on-commit callback that enqueues the job making one framework version's files anew
    (unless one waits in the queue already: it will read what this transaction committed)."""

    def __init__(self, framework_id: int):
        self.framework_id = framework_id

    def __call__(self):
        if not jobs.pending(regenerate_files, self.framework_id, statuses=("READY",)):
            regenerate_files.enqueue(self.framework_id)


def _already_queued(framework_id: int) -> bool:
    """Is the framework's regeneration queued in the same savepoint already (a batch
    publication saves many evaluations in one)?"""
    current = set(connection.savepoint_ids)
    return any(
        getattr(callback, "framework_id", None) == framework_id and set(ids) == current
        for ids, callback, *_rest in connection.run_on_commit
    )


WATCHED_FIELDS = {"status", "published_version"}


def evaluation_saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """An evaluation was saved: when its status or version may have changed, its framework
    version's files are made anew after the commit (once per transaction)."""
    if raw or (update_fields is not None and not WATCHED_FIELDS & set(update_fields)):
        return
    if instance.published_version < 1:
        return  # never published: it is in no open-data file
    framework_id = instance.framework_id
    if _already_queued(framework_id):
        return
    transaction.on_commit(_Regeneration(framework_id), robust=True)
