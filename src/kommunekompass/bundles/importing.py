"""Importing a bundle: check everything first (`check_bundle`), then write all or nothing in one
transaction (`import_bundle`) through evaluations.services.restore and comparisons.services.

People are matched by user name, then by e-mail; those not found are created inactive and
without a password (the summary names them), so the history keeps its names and nobody can
log in as them until an administrator gives them access.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from kommunekompass.bundles import format as bundle_format
from kommunekompass.bundles.exporting import JSON_MEMBERS
from kommunekompass.bundles.format import BundleError, Limits
from kommunekompass.comparisons.groups import UnknownGroup, get_group
from kommunekompass.comparisons.services import restore_report_group
from kommunekompass.evaluations.models import Evaluation, Municipality
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.evaluations.services.restore import (
    check_content,
    record_import,
    restore_evaluation,
)
from kommunekompass.frameworks.models import Framework


@dataclass
class Plan:
    """A checked bundle and where it goes: nothing is written yet."""

    manifest: dict
    content: dict
    files: dict[str, bytes]
    municipality: Municipality
    framework: Framework
    matched: dict = field(default_factory=dict)  # user name in the bundle -> User here
    to_create: list[str] = field(default_factory=list)  # user names created inactive
    group: dict = field(default_factory=dict)  # {"key": ...} or {"name": ..., "municipalities"}
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    evaluation: Evaluation
    created_users: list[str]
    matched_users: list[str]
    notes: list[str]
    counts: dict[str, int]


def _say(progress, text: str) -> None:
    if progress is not None:
        progress(text)


def _framework(identity) -> Framework:
    identity = identity if isinstance(identity, dict) else {}
    key, version, checksum = identity.get("key"), identity.get("version"), identity.get("checksum")
    framework = Framework.objects.filter(key=key, version=version).first()
    values = {"key": key, "version": version, "checksum": checksum}
    if framework is None:
        raise BundleError(
            _(
                "The framework %(key)s version %(version)s does not exist here. Load that "
                "framework version (checksum %(checksum)s) first, with “kommunekompass "
                "framework load FILE”."
            )
            % values,
            bundle_format.MANIFEST,
        )
    if framework.checksum != checksum:
        raise BundleError(
            _(
                "The framework %(key)s version %(version)s here is not the one the bundle "
                "was made with (its checksum differs). Load that framework version (checksum "
                "%(checksum)s) first, with “kommunekompass framework load FILE”."
            )
            % values,
            bundle_format.MANIFEST,
        )
    return framework


def _municipality(identity, number: str | None) -> Municipality:
    identity = identity if isinstance(identity, dict) else {}
    wanted = number or identity.get("number")
    candidates = list(Municipality.objects.filter(number=wanted))
    same_country = [m for m in candidates if m.country == identity.get("country")]
    if number is None:
        candidates = same_country
    if len(candidates) > 1:
        candidates = same_country
    if len(candidates) != 1:
        raise BundleError(
            _(
                "The municipality %(number)s does not exist here. Create it first, or name "
                "another municipality to import into (--municipality NUMBER)."
            )
            % {"number": wanted}
        )
    return candidates[0]


def _people(rows: dict) -> tuple[dict, list[str]]:
    User = get_user_model()
    matched, to_create = {}, []
    validate = User.username_validator
    for name, row in sorted(rows.items()):
        if not isinstance(row, dict):
            raise BundleError(_("people.json: “%(name)s” is not an object.") % {"name": name})
        try:
            validate(name)
        except ValidationError as error:
            raise BundleError(
                _("people.json: “%(name)s” is not a valid user name.") % {"name": name[:150]},
                "people.json",
            ) from error
        if len(name) > 150 or not all(
            isinstance(row.get(key, ""), str) and len(row.get(key, "")) <= limit
            for key, limit in (("email", 254), ("first_name", 150), ("last_name", 150))
        ):
            raise BundleError(
                _("people.json: “%(name)s” has a name or e-mail that is too long.")
                % {"name": name[:150]},
                "people.json",
            )
        user = User.objects.filter(username=name).first()
        email = (row.get("email") or "").strip()
        if user is None and email:
            same_email = list(User.objects.filter(email__iexact=email)[:2])
            user = same_email[0] if len(same_email) == 1 else None
        if user is None:
            to_create.append(name)
        else:
            matched[name] = user
    return matched, to_create


def _group(row: dict, notes: list[str]) -> dict:
    if isinstance(row.get("custom"), dict):
        custom = row["custom"]
        numbers = [
            (m.get("country"), m.get("number"))
            for m in custom.get("municipalities", [])
            if isinstance(m, dict)
        ]
        here = [m for m in Municipality.objects.all() if (m.country, m.number) in set(numbers)]
        if len(here) < len(numbers):
            notes.append(
                _("The comparison group “%(name)s” has %(missing)s municipalities not here.")
                % {"name": custom.get("name", ""), "missing": len(numbers) - len(here)}
            )
        return {"custom_name": str(custom.get("name") or "?")[:200], "municipalities": here}
    key = str(row.get("key") or "all")
    try:
        get_group(key)
    except UnknownGroup:
        notes.append(
            _("The comparison group %(key)s is unknown here; the report compares with all.")
            % {"key": key}
        )
        key = "all"
    return {"key": key}


def check_bundle(
    source,
    *,
    municipality_number: str | None = None,
    municipality: Municipality | None = None,
    limits: Limits = bundle_format.DEFAULT_LIMITS,
    progress=None,
) -> Plan:
    """Everything checked, nothing written: the plan, or BundleError with the reason."""
    _say(progress, _("Checking the bundle's members and checksums"))
    manifest, members = bundle_format.read(source, limits)
    content = {}
    for name, kind in JSON_MEMBERS.items():
        content[name] = bundle_format.json_member(members, name, kind)
    files = {name: data for name, data in members.items() if name not in JSON_MEMBERS}
    content["_files"] = set(files)
    content["_snapshots"] = {}
    for row in content["published_versions.json"]:
        member = row.get("snapshot") if isinstance(row, dict) else None
        if isinstance(member, str) and member in files:
            content["_snapshots"][member] = bundle_format.json_member(members, member)

    _say(progress, _("Checking the framework version and the municipality"))
    identity = manifest["evaluation"]
    framework = _framework(identity.get("framework") or {})
    if municipality is None:
        municipality = _municipality(identity.get("municipality") or {}, municipality_number)
    details = content["evaluation.json"]
    if details.get("year") != identity.get("year") or details.get("framework") != identity.get(
        "framework"
    ):
        raise BundleError(
            _("evaluation.json does not match the evaluation the manifest names."),
            "evaluation.json",
        )
    if Evaluation.objects.filter(
        municipality=municipality, framework=framework, year=identity.get("year")
    ).exists():
        raise BundleError(
            _(
                "%(municipality)s already has an evaluation of %(year)s with this framework "
                "version here; the bundle is not imported over it."
            )
            % {"municipality": municipality.name, "year": identity.get("year")}
        )

    _say(progress, _("Checking the content against the framework"))
    people = content["people.json"]
    try:
        check_content(framework, content, set(people))
    except ServiceError as error:
        raise BundleError(str(error), error.field or "") from error
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # A shape check_content does not name (a list where a text belongs, ...).
        raise BundleError(
            _("The bundle's content does not have the expected shape (%(error)s).")
            % {"error": error}
        ) from error
    matched, to_create = _people(people)
    notes: list[str] = []
    group = _group(content["comparison_group.json"], notes)
    return Plan(manifest, content, files, municipality, framework, matched, to_create, group, notes)


def _create_people(plan: Plan) -> dict:
    User = get_user_model()
    people = dict(plan.matched)
    for name in plan.to_create:
        row = plan.content["people.json"][name]
        user = User(
            username=name,
            email=row.get("email") or "",
            first_name=(row.get("first_name") or "")[:150],
            last_name=(row.get("last_name") or "")[:150],
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        people[name] = user
    return people


def import_bundle(plan: Plan, user, progress=None) -> Summary:
    """Write the checked bundle, all or nothing; BundleError if the database refuses it."""
    stored: list[str] = []
    content = plan.content
    note = _("Imported from bundle (made %(created)s by Kommunekompass %(version)s).") % {
        "created": plan.manifest.get("created", "?"),
        "version": plan.manifest.get("app_version", "?"),
    }
    try:
        with transaction.atomic():
            _say(progress, _("Matching people"))
            people = _create_people(plan)
            _say(progress, _("Writing the evaluation, its history and its published versions"))
            evaluation = restore_evaluation(
                user=user,
                municipality=plan.municipality,
                framework=plan.framework,
                content=content,
                people=people,
                files=plan.files,
                stored=stored,
            )
            restore_report_group(evaluation, user, **plan.group)
            record_import(evaluation, user, note)
    except BaseException as error:
        _remove(stored)
        if isinstance(error, DatabaseError):
            raise BundleError(
                _("The database refused the bundle; nothing was imported (%(error)s).")
                % {"error": error}
            ) from error
        raise
    counts = {
        name.removesuffix(".json"): len(content[name])
        for name in JSON_MEMBERS
        if isinstance(content[name], list)
    }
    return Summary(evaluation, list(plan.to_create), sorted(plan.matched), list(plan.notes), counts)


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def import_file(source, *, user, municipality_number: str | None = None, progress=None) -> Summary:
    """Check, then import: the CLI's and the upload page's one call."""
    plan = check_bundle(source, municipality_number=municipality_number, progress=progress)
    return import_bundle(plan, user, progress=progress)
