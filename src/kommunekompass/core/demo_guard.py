"""`kommunekompass demo` writes demo users with published passwords: it must never touch a real
installation. A database holds "only demo data" when it is empty, or when everything the demo
does not make itself is absent: no users but the demo users (with the demo's names), no
municipalities but the demo's (the two fictional ones, the synthetic comparison set and Midtre
Gauldal), and no frameworks but the shipped ones.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import connection
from django.utils.translation import gettext, ngettext

from kommunekompass.evaluations.demo import DEMO_FILE, SYNTHETIC_REGIONS
from kommunekompass.frameworks.loader import shipped_framework_files

MIDTRE_GAULDAL = ("NO", "5027")
SHOWN = 5  # how many strangers of each kind the message names


def demo_municipalities(demo_file: Path = DEMO_FILE) -> set[tuple[str, str]]:
    """(country, number) of every municipality the demo creates."""
    data = yaml.safe_load(demo_file.read_text(encoding="utf-8"))
    numbers = {(item["country"], str(item["number"])) for item in data["municipalities"]}
    index = 0
    for country, _county, count in SYNTHETIC_REGIONS:  # as load_synthetic_comparison numbers them
        for _ in range(count):
            numbers.add((country, f"{98 if country == 'NO' else 79}{index:02d}"))
            index += 1
    numbers.add(MIDTRE_GAULDAL)
    return numbers


def shipped_frameworks() -> set[tuple[str, str]]:
    return {tuple(path.stem.rsplit("-", 1)) for path in shipped_framework_files()}


def _names(rows, shown: int = SHOWN) -> str:
    rows = sorted(rows)
    text = ", ".join(rows[:shown])
    if len(rows) <= shown:
        return text
    return gettext("%(names)s and %(count)d more") % {"names": text, "count": len(rows) - shown}


def foreign_data(demo_users: dict[str, tuple[str, str]]) -> list[str]:
    """What the database holds that the demo did not make, one line per kind (empty: only demo
    data). `demo_users` maps each demo user name to its (first name, last name). Reads the
    tables as they are, before any migration: a table not there yet holds nothing."""
    from django.contrib.auth import get_user_model

    from kommunekompass.evaluations.models import Municipality
    from kommunekompass.frameworks.models import Framework

    tables = set(connection.introspection.table_names())
    found = []
    User = get_user_model()
    if User._meta.db_table in tables:
        strangers = [
            username
            for username, first, last in User.objects.values_list(
                "username", "first_name", "last_name"
            )
            if demo_users.get(username) != (first, last)
        ]
        if strangers:
            found.append(
                ngettext(
                    "%(count)d user not of the demo: %(names)s",
                    "%(count)d users not of the demo: %(names)s",
                    len(strangers),
                )
                % {"count": len(strangers), "names": _names(strangers)}
            )
    if Municipality._meta.db_table in tables:
        allowed = demo_municipalities()
        strangers = [
            f"{name} ({country} {number})"
            for country, number, name in Municipality.objects.values_list(
                "country", "number", "name"
            )
            if (country, number) not in allowed
        ]
        if strangers:
            found.append(
                ngettext(
                    "%(count)d municipality not of the demo: %(names)s",
                    "%(count)d municipalities not of the demo: %(names)s",
                    len(strangers),
                )
                % {"count": len(strangers), "names": _names(strangers)}
            )
    if Framework._meta.db_table in tables:
        allowed = shipped_frameworks()
        strangers = [
            f"{key} {version}"
            for key, version in Framework.objects.values_list("key", "version")
            if (key, version) not in allowed
        ]
        if strangers:
            found.append(
                ngettext(
                    "%(count)d framework not shipped: %(names)s",
                    "%(count)d frameworks not shipped: %(names)s",
                    len(strangers),
                )
                % {"count": len(strangers), "names": _names(strangers)}
            )
    return found
