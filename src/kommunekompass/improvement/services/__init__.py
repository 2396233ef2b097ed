"""The one write path of the improvement programme.

Views, the `import-measurements` command and the demo loader change the programme only here (the
admin only reads it). Each function takes the acting user (None for the system, e.g. the demo
loader or the command line without --user), validates everything first, writes in one
transaction and records a ProgrammeChange with the fields' values before and after.
"""

from __future__ import annotations

from kommunekompass.improvement.services.base import (
    open_findings,
    programme_of,
    published_evaluations,
    record,
    state,
    user_name,
)
from kommunekompass.improvement.services.groups import add_member, change_member, remove_member
from kommunekompass.improvement.services.measurements import (
    delete_measurement,
    import_measurements,
    save_measurement,
    write_measurements,
)
from kommunekompass.improvement.services.projects import (
    PLAN_FIELDS,
    ROW_ACTIONS,
    ROW_FIELDS,
    StalePlan,
    add_row,
    change_plan,
    change_row,
    delete_project,
    delete_row,
    may_publish,
    set_public,
    start_project,
)

__all__ = [
    "PLAN_FIELDS",
    "ROW_ACTIONS",
    "ROW_FIELDS",
    "StalePlan",
    "add_member",
    "add_row",
    "change_member",
    "change_plan",
    "change_row",
    "delete_measurement",
    "delete_project",
    "delete_row",
    "import_measurements",
    "may_publish",
    "open_findings",
    "programme_of",
    "published_evaluations",
    "record",
    "remove_member",
    "save_measurement",
    "set_public",
    "start_project",
    "state",
    "user_name",
    "write_measurements",
]
