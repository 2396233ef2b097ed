"""The file storage (the data directory, or an S3 bucket through django-storages) says "that
file is not there" in two ways; `is_gone` hears both."""

from __future__ import annotations

NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}


def is_gone(error: BaseException) -> bool:
    """Does `error` say the file is not there (removed meanwhile by another request)? The data
    directory raises FileNotFoundError; an S3 store answers 404, which botocore raises as a
    ClientError with the answer in its `response`."""
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    code = str((response.get("Error") or {}).get("Code", ""))
    return status == 404 or code in NOT_FOUND_CODES
