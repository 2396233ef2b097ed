"""The bundle file itself: a zip with a manifest and members, built and checked here.

Plain functions, no database. `build` writes the members in a fixed order with fixed times, so
the same content gives the same bytes (the manifest's creation time aside). `read` checks
everything a bundle must be before anything is taken from it: the zip is whole, member names
are safe, the sizes stay within the limits, the manifest names this format in a version this
instance reads, and every member is listed with the right size and SHA-256 checksum.
See docs/bundle-format.md.
"""

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

FORMAT_NAME = "kommunekompass-evaluation-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Limits against zip bombs and runaway uploads (uncompressed sizes).
MAX_MEMBERS = 5000
MAX_MEMBER_SIZE = 200 * 1024 * 1024
MAX_TOTAL_SIZE = 1024 * 1024 * 1024

# A member name: folders and a file name of letters, digits, ".", "_" and "-", no ".." parts.
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Limits:
    members: int = MAX_MEMBERS
    member_size: int = MAX_MEMBER_SIZE
    total_size: int = MAX_TOTAL_SIZE


class BundleError(ValueError):
    """A refused bundle, with a message for the person; `member` names the member at fault."""

    def __init__(self, message: str, member: str = ""):
        super().__init__(message)
        self.member = member


def to_json(value) -> bytes:
    """JSON the same way every time: sorted keys, UTF-8, indented for people who read it."""
    return (json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def is_safe_name(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name.split("/") and len(name) <= 200


def manifest_for(members: dict[str, bytes], header: dict) -> dict:
    """The manifest: the header (evaluation identity, versions, creation time) with the format
    and every member's size and checksum."""
    return {
        **header,
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "members": {
            name: {"sha256": checksum(content), "size": len(content)}
            for name, content in sorted(members.items())
        },
    }


def build(members: dict[str, bytes], header: dict) -> bytes:
    """The bundle's bytes: the manifest first, then the members in name order."""
    for name in members:
        if not is_safe_name(name) or name == MANIFEST:
            raise ValueError(f"unsafe member name {name!r}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        items = [(MANIFEST, to_json(manifest_for(members, header)))]
        items += sorted(members.items())
        for name, content in items:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, content)
    return out.getvalue()


def _open(source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise BundleError(
            _("This is not a whole bundle: the zip file is damaged or cut short (%(error)s).")
            % {"error": error}
        ) from error


def _check_names_and_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.members:
        raise BundleError(
            _("The bundle has %(count)s members; at most %(limit)s are accepted.")
            % {"count": len(infos), "limit": limits.members}
        )
    seen = set()
    total = 0
    for info in infos:
        name = info.filename
        if not is_safe_name(name):
            raise BundleError(
                _("The member name “%(name)s” is not allowed (only plain relative names).")
                % {"name": name},
                name,
            )
        if name in seen:
            raise BundleError(_("The member “%(name)s” occurs twice.") % {"name": name}, name)
        seen.add(name)
        if info.file_size > limits.member_size:
            raise BundleError(
                _("The member “%(name)s” is too large (%(size)s bytes; at most %(limit)s).")
                % {"name": name, "size": info.file_size, "limit": limits.member_size},
                name,
            )
        total += info.file_size
    if total > limits.total_size:
        raise BundleError(
            _("The bundle is too large unpacked (%(size)s bytes; at most %(limit)s).")
            % {"size": total, "limit": limits.total_size}
        )


def _read_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, never more than `limit` (the header's size may lie)."""
    try:
        with bundle.open(info) as stream:
            content = stream.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise BundleError(
            _("The member “%(name)s” cannot be read: the bundle is damaged (%(error)s).")
            % {"name": info.filename, "error": error},
            info.filename,
        ) from error
    if len(content) > limit:
        raise BundleError(
            _("The member “%(name)s” is larger than its header says.") % {"name": info.filename},
            info.filename,
        )
    return content


def _check_manifest(manifest) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BundleError(
            _(
                "The manifest does not name the format “%(format)s”: this is not an "
                "evaluation bundle."
            )
            % {"format": FORMAT_NAME},
            MANIFEST,
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(_("The manifest has no valid format version."), MANIFEST)
    if version > FORMAT_VERSION:
        raise BundleError(
            _(
                "The bundle has format version %(version)s, which is newer than this instance "
                "reads: it reads format version %(supported)s. Update Kommunekompass to import it."
            )
            % {"version": version, "supported": FORMAT_VERSION},
            MANIFEST,
        )
    if not isinstance(manifest.get("members"), dict) or not isinstance(
        manifest.get("evaluation"), dict
    ):
        raise BundleError(_("The manifest lacks its list of members."), MANIFEST)


DEFAULT_LIMITS = Limits()


def read(source, limits: Limits = DEFAULT_LIMITS) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the members (name -> bytes) of a bundle (a path or a binary file),
    or BundleError naming what is wrong. Nothing is returned unless everything checks out."""
    with _open(source) as bundle:
        infos = [info for info in bundle.infolist() if not info.is_dir()]
        _check_names_and_sizes(infos, limits)
        by_name = {info.filename: info for info in infos}
        if MANIFEST not in by_name:
            raise BundleError(_("The bundle has no manifest (manifest.json)."), MANIFEST)
        try:
            manifest = json.loads(_read_member(bundle, by_name[MANIFEST], limits.member_size))
        except ValueError as error:
            if isinstance(error, BundleError):
                raise
            raise BundleError(_("The manifest is not valid JSON."), MANIFEST) from error
        _check_manifest(manifest)
        listed = manifest["members"]
        present = set(by_name) - {MANIFEST}
        for name in sorted(set(listed) - present):
            raise BundleError(
                _("The member “%(name)s” is listed in the manifest but missing.") % {"name": name},
                name,
            )
        for name in sorted(present - set(listed)):
            raise BundleError(
                _("The member “%(name)s” is not listed in the manifest.") % {"name": name}, name
            )
        members = {}
        budget = limits.total_size  # what is read, whatever the headers say
        for name in sorted(present):
            expected = listed[name]
            content = _read_member(bundle, by_name[name], min(limits.member_size, budget))
            budget -= len(content)
            if not isinstance(expected, dict) or len(content) != expected.get("size"):
                raise BundleError(
                    _("The member “%(name)s” does not have the size the manifest gives.")
                    % {"name": name},
                    name,
                )
            if checksum(content) != expected.get("sha256"):
                raise BundleError(
                    _(
                        "The member “%(name)s” does not match its checksum: the bundle was "
                        "changed or damaged after it was made."
                    )
                    % {"name": name},
                    name,
                )
            members[name] = content
    return manifest, members


def json_member(members: dict[str, bytes], name: str, kind=dict):
    """A JSON member, parsed, of the expected kind (dict or list)."""
    if name not in members:
        raise BundleError(_("The bundle lacks the member “%(name)s”.") % {"name": name}, name)
    try:
        value = json.loads(members[name])
    except ValueError as error:
        raise BundleError(
            _("The member “%(name)s” is not valid JSON.") % {"name": name}, name
        ) from error
    if not isinstance(value, kind):
        raise BundleError(
            _("The member “%(name)s” does not have the expected shape.") % {"name": name}, name
        )
    return value
