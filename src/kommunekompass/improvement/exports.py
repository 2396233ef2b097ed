"""A project's plan as a printable document (HTML, PDF) and the programme as an .xlsx workbook.

The plan follows the project-plan template of seed 003: 1 goals and frames, 2 scope, 3
organisation, 4 decision points and milestones, 5 risks and quality assurance, 6 execution,
7 measuring the benefit, 8 evaluation report.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from kommunekompass.evaluations.models import Finding
from kommunekompass.improvement.dashboard import (
    ProjectRow,
    chart_for,
    project_rows,
    projects_with_details,
)
from kommunekompass.improvement.models import (
    GroupMember,
    Programme,
    Project,
)
from kommunekompass.lib.xlsx import append_row, new_sheet

# Excel's built-in short date (format 14): Excel shows it in the reader's own date style.
EXCEL_DATE = "mm-dd-yy"

# The project group in the plan: who leads first.
FUNCTION_ORDER = [
    GroupMember.Function.CHAIR,
    GroupMember.Function.PROJECT_LEADER,
    GroupMember.Function.SECRETARY,
    GroupMember.Function.MEMBER,
]


# --- Shared ------------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "–"
    return _("Yes") if value else _("No")


# --- The plan ----------------------------------------------------------------------------------


def _plan_row(project: Project, today: datetime.date) -> ProjectRow:
    """The project as a dashboard row, with every other row the plan shows, in a fixed number of
    queries."""
    projects = projects_with_details(
        Project.objects.filter(pk=project.pk)
        .select_related("programme__municipality", "evaluation__municipality")
        .prefetch_related(
            "decisions",
            "risks",
            Prefetch("findings", queryset=Finding.objects.select_related("focus_area")),
            Prefetch(
                "programme__members",
                queryset=GroupMember.objects.filter(group=GroupMember.Group.PROJECT),
                to_attr="project_group",
            ),
        )
    )
    return project_rows(projects, today)[0]


def plan_context(project: Project, *, language: str, today: datetime.date) -> dict:
    """What the plan template shows. Call with `language` active."""
    row = _plan_row(project, today)
    project = row.project
    for indicator in row.indicators:
        indicator.chart = chart_for(indicator.indicator, language)
    return {
        "project": project,
        "programme": project.programme,
        "municipality": project.programme.municipality,
        "today": today,
        "decisions": list(project.decisions.all()),
        "milestones": row.milestones,
        "overdue": row.overdue,
        "risks": list(project.risks.all()),
        "members": sorted(
            project.programme.project_group, key=lambda m: FUNCTION_ORDER.index(m.function)
        ),
        "findings": list(project.findings.all()),
        "focus_areas": sorted(project.focus_areas.all(), key=lambda area: area.position),
        "indicators": row.indicators,
    }


def plan_html(project: Project, *, language: str, today: datetime.date) -> str:
    """The project plan as a standalone HTML document for print."""
    with translation.override(language):
        context = plan_context(project, language=language, today=today)
        return render_to_string("improvement/plan_print.html", context)


def plan_pdf(project: Project, *, language: str, today: datetime.date) -> bytes:
    from kommunekompass.lib.pdf import html_to_pdf

    return html_to_pdf(plan_html(project, language=language, today=today))


# --- The programme as a workbook ---------------------------------------------------------------


def _number(value: Decimal | None):
    """A stored decimal as a number Excel keeps (None stays an empty cell)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _dates(sheet, *columns: int) -> None:
    for column in columns:
        for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            for cell in row:
                cell.number_format = EXCEL_DATE


def _wrap(sheet, *columns: int) -> None:
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in columns)


def programme_xlsx(programme: Programme, *, today: datetime.date, language: str = "nb") -> bytes:
    """The programme's projects, milestones, indicators, measurements and groups."""
    with translation.override(language):
        return _programme_xlsx(programme, today=today, language=language)


def _programme_xlsx(programme: Programme, *, today: datetime.date, language: str) -> bytes:
    rows = project_rows(projects_with_details(programme.projects.all()), today)
    members = list(programme.members.all())
    workbook = Workbook()
    workbook.remove(workbook.active)

    sheet = new_sheet(
        workbook,
        _("Projects"),
        [
            _("Project"),
            _("Status"),
            _("Project leader"),
            _("Unit"),
            _("Starts"),
            _("Ends"),
            _("Focus areas"),
            _("Milestones reached"),
            _("Milestones"),
            _("Overdue milestones"),
            _("Indicators on target"),
            _("Indicators"),
        ],
        [44, 14, 24, 24, 12, 12, 40, 12, 12, 12, 12, 12],
    )
    for row in rows:
        project = row.project
        areas = sorted(project.focus_areas.all(), key=lambda area: area.position)
        append_row(
            sheet,
            [
                project.title,
                str(project.get_status_display()),
                project.project_leader,
                project.unit,
                project.starts,
                project.ends,
                "; ".join(f"{area.code} {area.localized(language)}" for area in areas),
                row.reached,
                len(row.milestones),
                len(row.overdue),
                sum(1 for i in row.indicators if i.status.on_target),
                len(row.indicators),
            ],
        )
    _dates(sheet, 5, 6)
    _wrap(sheet, 1, 7)

    sheet = new_sheet(
        workbook,
        _("Milestones"),
        [
            _("Project"),
            _("No."),
            _("Milestone"),
            _("Date"),
            _("Measurable result"),
            _("Reached"),
            _("Overdue"),
        ],
        [36, 6, 44, 12, 44, 10, 10],
    )
    for row in rows:
        for milestone in row.milestones:
            append_row(
                sheet,
                [
                    row.project.title,
                    milestone.number,
                    milestone.milestone,
                    milestone.date,
                    milestone.measurable_result,
                    _yes_no(milestone.reached),
                    _yes_no(milestone in row.overdue),
                ],
            )
    _dates(sheet, 4)
    _wrap(sheet, 1, 3, 5)

    sheet = new_sheet(
        workbook,
        _("Indicators"),
        [
            _("Project"),
            _("Indicator"),
            _("Kind"),
            _("Unit of measure"),
            _("Higher is better"),
            _("Baseline"),
            _("Target"),
            _("Latest"),
            _("Change since baseline"),
            _("On target"),
        ],
        [36, 36, 24, 12, 12, 12, 12, 12, 14, 12],
    )
    for row in rows:
        for indicator_row in row.indicators:
            indicator, status = indicator_row.indicator, indicator_row.status
            append_row(
                sheet,
                [
                    row.project.title,
                    indicator.name,
                    str(indicator.get_kind_display()),
                    indicator.unit,
                    _yes_no(indicator.higher_is_better),
                    _number(indicator.baseline),
                    _number(indicator.target),
                    _number(status.latest),
                    _number(status.change),
                    None if status.on_target is None else _yes_no(status.on_target),
                ],
            )
    _wrap(sheet, 1, 2)

    sheet = new_sheet(
        workbook,
        _("Measurements"),
        [
            _("Project"),
            _("Indicator"),
            _("End of period"),
            _("Value"),
            _("Experience (O)"),
            _("Expectation (F)"),
        ],
        [36, 36, 14, 12, 14, 14],
    )
    for row in rows:
        for indicator in row.project.indicators.all():
            for measurement in indicator.measurements.all():
                append_row(
                    sheet,
                    [
                        row.project.title,
                        indicator.name,
                        measurement.period_end,
                        _number(measurement.value),
                        _number(measurement.experience),
                        _number(measurement.expectation),
                    ],
                )
    _dates(sheet, 3)

    sheet = new_sheet(
        workbook,
        _("Groups"),
        [_("Group"), _("Name"), _("Title"), _("Party"), _("Function")],
        [18, 30, 30, 34, 16],
    )
    for member in members:
        append_row(
            sheet,
            [
                str(member.get_group_display()),
                member.name,
                member.title,
                str(member.get_party_display()),
                str(member.get_function_display()),
            ],
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
