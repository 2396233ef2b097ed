"""Checking uploaded evidence: size, and that the content really is the type its name says.

Pure: bytes and a name in, a content type or a message out. The type is read from the file's
first bytes (filetype), never trusted from the browser, and must agree with the extension, so a
program renamed to report.pdf is refused.
"""

from pathlib import PurePath

import filetype
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# extension -> the content types its bytes may have
ALLOWED = {
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".odp": {"application/vnd.oasis.opendocument.presentation"},
    ".doc": {"application/msword", "application/x-ole-storage"},
    ".xls": {"application/vnd.ms-excel", "application/x-ole-storage"},
    ".ppt": {"application/vnd.ms-powerpoint", "application/x-ole-storage"},
}
OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class UploadRefused(ValueError):
    pass


def check_upload(name: str, head: bytes, size: int) -> str:
    """The content type of an acceptable upload; raises UploadRefused with the reason."""
    extension = PurePath(name).suffix.lower()
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    if extension not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise UploadRefused(
            _("Files of type “%(type)s” are not accepted (accepted: %(allowed)s).")
            % {"type": extension or name, "allowed": allowed}
        )
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected is None and head.startswith(OLE_SIGNATURE):
        detected = "application/x-ole-storage"  # old Word/Excel/PowerPoint files
    if detected not in ALLOWED[extension]:
        raise UploadRefused(
            _("The content of “%(name)s” is not a %(type)s file; it is refused.")
            % {"name": name, "type": extension}
        )
    return sorted(ALLOWED[extension])[0] if detected == "application/x-ole-storage" else detected
