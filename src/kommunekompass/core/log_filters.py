"""Refused requests logged as one line each.

Django logs every 403 and 404 on `django.request` at WARNING, a PermissionDenied with its whole
traceback. A refusal is the app working as meant: one line with the method, the path, the
user's id and the status says all there is, and keeps the log readable.
"""

import logging

ONE_LINE_STATUSES = {403, 404}


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if status not in ONE_LINE_STATUSES or request is None:
            return True
        record.msg = "%s %s user=%s status=%s"
        # Escaped as Django does: a path with a line break must not forge a second log line.
        path = request.path.encode("unicode_escape").decode("ascii")
        record.args = (request.method, path, _user_id(request), status)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "-"
    return str(user.pk)
