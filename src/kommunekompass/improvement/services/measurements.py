"""Measurements: saved and deleted one by one, or written all at once by an import."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kommunekompass.improvement.history import json_value
from kommunekompass.improvement.models import ChangeAction, Measurement
from kommunekompass.improvement.services.base import differences, record, state, validate

MEASUREMENT_FIELDS = ("period_end", "value", "experience", "expectation")

# --- measurements -----------------------------------------------------------------------------


def save_measurement(user, indicator, period_end, value, experience=None, expectation=None):
    """The indicator's measurement of the period ending `period_end`, new or changed."""
    with transaction.atomic():
        current = (
            Measurement.objects.select_for_update()
            .filter(indicator=indicator, period_end=period_end)
            .first()
        )
        old = state(current, MEASUREMENT_FIELDS) if current else {}
        measurement = current or Measurement(indicator=indicator, period_end=period_end)
        measurement.value, measurement.experience, measurement.expectation = (
            value,
            experience,
            expectation,
        )
        validate(measurement, exclude=["indicator"])
        measurement.save()
        new = state(measurement, MEASUREMENT_FIELDS)
        if old:
            old, new = differences(old, new)
            new["period_end"] = old["period_end"] = json_value(period_end)
        record(
            indicator.project.programme_id,
            user,
            ChangeAction.MEASUREMENT_SAVED,
            indicator.name,
            project=indicator.project,
            old=old,
            new=new,
        )
    return measurement


def delete_measurement(user, measurement) -> None:
    indicator = measurement.indicator
    with transaction.atomic():
        current = Measurement.objects.select_for_update().get(pk=measurement.pk)
        record(
            indicator.project.programme_id,
            user,
            ChangeAction.MEASUREMENT_DELETED,
            indicator.name,
            project=indicator.project,
            old=state(current, MEASUREMENT_FIELDS),
        )
        current.delete()


def write_measurements(user, indicator, planned, *, dry_run=False, note=""):
    """The write step of an import: the planned measurements (improvement.measurement_import)
    of `indicator`, new periods created and others changed, recorded as one history entry.
    With `dry_run`, counted and not written."""
    from kommunekompass.improvement.measurement_import import MeasurementImport

    outcome = MeasurementImport()
    with transaction.atomic():
        existing = {
            measurement.period_end: measurement
            for measurement in Measurement.objects.select_for_update().filter(
                indicator=indicator, period_end__in=[m.period_end for m in planned]
            )
        }
        new, changed, before = [], [], {}
        for item in planned:
            figures = (item.value, item.experience, item.expectation)
            stored = existing.get(item.period_end)
            if stored is None:
                new.append(Measurement(indicator=indicator, period_end=item.period_end))
                target = new[-1]
            elif (stored.value, stored.experience, stored.expectation) != figures:
                before[json_value(stored.period_end)] = json_value(stored.value)
                changed.append(stored)
                target = stored
            else:
                outcome.unchanged += 1
                continue
            target.value, target.experience, target.expectation = figures
        outcome.created, outcome.updated = len(new), len(changed)
        if dry_run:
            return outcome
        Measurement.objects.bulk_create(new)
        Measurement.objects.bulk_update(changed, ["value", "experience", "expectation"])
        outcome.written = True
        if new or changed:
            after = {
                json_value(m.period_end): json_value(m.value)
                for m in sorted(new + changed, key=lambda m: m.period_end)
            }
            record(
                indicator.project.programme_id,
                user,
                ChangeAction.MEASUREMENTS_IMPORTED,
                indicator.name,
                project=indicator.project,
                old={"measurements": before} if before else {},
                new={"measurements": after},
                note=note,
            )
    return outcome


def import_measurements(user, indicator, data: bytes, filename: str, *, dry_run=False):
    """Read a file's measurements for `indicator` and write them all, or none when any is
    wrong (the outcome's problems say which)."""
    from kommunekompass.improvement.measurement_import import read_plan, refused

    plan = read_plan(data, filename, indicator.kind)
    if plan.problems:
        return refused(plan)
    return write_measurements(
        user,
        indicator,
        plan.measurements,
        dry_run=dry_run,
        note=_("From the file %(name)s") % {"name": filename},
    )
