"""The one write path of the forecasts app.

- `load_statistics`: a checked file becomes a StatisticsSource with its figures, all or none,
  in one transaction. The source records the file's name and SHA-256, the table, the download
  date and who loaded it when: it is the history of the statistics (sources are never
  changed). The same file twice is refused.
- `attach_forecast` / `detach_forecast`: an evaluation's forecast section, by someone who may
  edit the evaluation, while it is a draft; recorded in the evaluation's history
  (evaluations.audit, "Evaluation details changed"), which also moves its revision so cached
  report pages are made again.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import access_for
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry
from kommunekompass.evaluations.services.base import ServiceError, actor, lock_for_change, person
from kommunekompass.forecasts.access import require_loader
from kommunekompass.forecasts.models import (
    AttachedForecast,
    CostFigure,
    PopulationFigure,
    StatisticsSource,
)
from kommunekompass.forecasts.reading import read_statistics
from kommunekompass.forecasts.statfiles import COSTS, StatisticsFile, capped


@dataclass
class LoadOutcome:
    found: StatisticsFile
    sha256: str
    source: StatisticsSource | None = None
    dry_run: bool = False

    @property
    def problems(self) -> list[str]:
        return capped(self.found.problems)

    @property
    def written(self) -> bool:
        return self.source is not None


def load_statistics(
    user,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    downloaded_on: datetime.date | None = None,
    dry_run: bool = False,
    system: bool = False,
) -> LoadOutcome:
    """Check a statistics file and, unless `dry_run` or it has problems, store it. `system`:
    the command line without a user. Raises Refused for a file that cannot be read at all."""
    if not system:
        require_loader(user)
    found = read_statistics(data, file_name, kind)
    sha256 = hashlib.sha256(data).hexdigest()
    outcome = LoadOutcome(found, sha256, dry_run=dry_run)
    if found.ok and StatisticsSource.objects.filter(kind=found.kind, sha256=sha256).exists():
        found.problems.append(
            _("%(file)s: this file (SHA-256 %(sha)s…) is loaded already.")
            % {"file": file_name, "sha": sha256[:12]}
        )
    if not found.ok or dry_run:
        return outcome
    try:
        with transaction.atomic():
            source = StatisticsSource.objects.create(
                kind=found.kind,
                publisher=found.publisher,
                table_id=found.table_id,
                title=found.title[:500],
                downloaded_on=downloaded_on or datetime.date.today(),
                file_name=file_name[:300],
                sha256=sha256,
                price_year=found.price_year if found.kind == COSTS else None,
                rows=found.rows,
                loaded_by=actor(user),
                loaded_by_name=person(user),
            )
            if found.kind == COSTS:
                positions: dict[str, int] = {}
                for row in found.costs:
                    positions.setdefault(row.service, len(positions))
                CostFigure.objects.bulk_create(
                    CostFigure(
                        source=source,
                        age_from=row.age_from,
                        age_to=row.age_to,
                        service=row.service,
                        service_name=row.service_name,
                        position=positions[row.service],
                        kroner=row.kroner,
                    )
                    for row in found.costs
                )
            else:
                PopulationFigure.objects.bulk_create(
                    (
                        PopulationFigure(
                            source=source,
                            municipality_number=row.municipality,
                            alternative=row.alternative,
                            age_from=row.age_from,
                            age_to=row.age_to,
                            year=row.year,
                            persons=row.persons,
                        )
                        for row in found.population
                    ),
                    batch_size=2000,
                )
    except IntegrityError:
        found.problems.append(_("%(file)s: this file is loaded already.") % {"file": file_name})
        return outcome
    outcome.source = source
    return outcome


def _describe(alternative: str, start: int, years: int) -> str:
    return f"{alternative}, {start}–{start + years - 1}"


def attach_forecast(user, evaluation, *, alternative: str, start: int, years: int):
    """Attach (or change) the evaluation's forecast section."""
    if not access_for(user, evaluation).manage:
        raise ServiceError(_("Only the evaluation's evaluators may do this."))
    if not 1 <= years <= 50:
        raise ServiceError(_("Give between 1 and 50 years."), field="years")
    if not 1900 <= start <= 2200:
        raise ServiceError(_("Give a year between 1900 and 2200."), field="start")
    alternative = alternative.strip()[:40]
    if not alternative:
        raise ServiceError(_("Choose a projection alternative."), field="alternative")
    with transaction.atomic():
        current = lock_for_change(evaluation)
        existing = AttachedForecast.objects.filter(evaluation=current).first()
        old = (
            {"forecast": _describe(existing.alternative, existing.start, existing.years)}
            if existing
            else None
        )
        attached, _created = AttachedForecast.objects.update_or_create(
            evaluation=current,
            defaults={
                "alternative": alternative,
                "start": start,
                "years": years,
                "attached_by": actor(user),
            },
        )
        new = {"forecast": _describe(alternative, start, years)}
        if old != new:
            record(current, user, AuditEntry.Action.DETAILS, "forecast", old, new)
    return attached


def detach_forecast(user, evaluation) -> bool:
    if not access_for(user, evaluation).manage:
        raise ServiceError(_("Only the evaluation's evaluators may do this."))
    with transaction.atomic():
        current = lock_for_change(evaluation)
        existing = AttachedForecast.objects.filter(evaluation=current).first()
        if existing is None:
            return False
        old = {"forecast": _describe(existing.alternative, existing.start, existing.years)}
        existing.delete()
        record(current, user, AuditEntry.Action.DETAILS, "forecast", old, None)
    return True
