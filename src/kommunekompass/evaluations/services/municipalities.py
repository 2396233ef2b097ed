"""Adding and changing municipalities, each in the municipality's history.

Who may change what (checked by the views, see views/municipalities.py): a site administrator
adds and changes every field of any municipality; an evaluator adds municipalities; a
coordinator of a municipality changes its county and population only. Its name, number and
country are its identity in comparisons and imports, so they are left to a site administrator.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Municipality
from kommunekompass.evaluations.services.base import ServiceError, StaleEdit

FIELDS = ("name", "number", "county", "country", "population")
COORDINATOR_FIELDS = ("county", "population")


def _values(municipality) -> dict:
    return {name: getattr(municipality, name) for name in FIELDS}


def municipality_seen(municipality) -> str:
    """The version of the municipality a page was opened with: its values, in a line."""
    return "|".join("" if value is None else str(value) for value in _values(municipality).values())


def _clean(values: dict) -> dict:
    cleaned = {}
    for name, value in values.items():
        if name not in FIELDS:
            raise ServiceError(_("Unknown field."), field=name)
        cleaned[name] = value.strip() if isinstance(value, str) else value
    for name in ("name", "number"):
        if name in cleaned and not cleaned[name]:
            raise ServiceError(_("This field is required."), field=name)
    if "country" in cleaned and cleaned["country"] not in Municipality.Country.values:
        raise ServiceError(_("Choose Norway or Sweden."), field="country")
    population = cleaned.get("population")
    if population is not None and not 0 <= population <= 100_000_000:
        raise ServiceError(_("Give the number of inhabitants."), field="population")
    return cleaned


def _taken_message(values: dict) -> str:
    return _("A municipality with number %(number)s exists already in this country.") % {
        "number": values.get("number", "")
    }


def add_municipality(*, user, **values) -> Municipality:
    values = _clean(values)
    try:
        with transaction.atomic():
            if Municipality.objects.filter(
                country=values.get("country"), number=values.get("number")
            ).exists():
                raise ServiceError(_taken_message(values), field="number")
            municipality = Municipality.objects.create(**values)
            record(
                None,
                user,
                AuditEntry.Action.MUNICIPALITY_ADDED,
                municipality.name,
                None,
                _values(municipality),
                municipality=municipality,
            )
    except IntegrityError:
        raise ServiceError(_taken_message(values), field="number") from None
    return municipality


def change_municipality(*, municipality, user, seen=None, **values) -> bool:
    """Change the given fields. `seen` is `municipality_seen` of the page the change was made
    on (None: not checked). False when nothing changed."""
    values = _clean(values)
    try:
        with transaction.atomic():
            current = Municipality.objects.select_for_update().get(pk=municipality.pk)
            if seen is not None and seen != municipality_seen(current):
                raise StaleEdit(
                    _(
                        "Not saved: someone else changed the municipality after you opened "
                        "the page. Their version is shown."
                    )
                )
            old = _values(current)
            for name, value in values.items():
                setattr(current, name, value)
            new = _values(current)
            if new == old:
                return False
            if (
                Municipality.objects.filter(country=current.country, number=current.number)
                .exclude(pk=current.pk)
                .exists()
            ):
                raise ServiceError(_taken_message(new), field="number")
            current.save(update_fields=[name for name in FIELDS if new[name] != old[name]])
            record(
                None,
                user,
                AuditEntry.Action.MUNICIPALITY_CHANGED,
                current.name,
                {k: v for k, v in old.items() if v != new[k]},
                {k: v for k, v in new.items() if v != old[k]},
                municipality=current,
            )
    except IntegrityError:
        raise ServiceError(_taken_message(values), field="number") from None
    for name, value in new.items():
        setattr(municipality, name, value)
    return True
