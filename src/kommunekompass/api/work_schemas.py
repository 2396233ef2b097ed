"""The shapes of what the API's writing endpoints take and give: scores, findings,
interviews, the evaluation's status, review comments, milestones and measurements."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class ScoreIn(Schema):
    levels: dict[str, int | None] = Field(
        default_factory=dict, description="A level per dimension code; null or left out: none."
    )
    reason: str = ""
    version: int = Field(
        description="The version of the score the client read (0: it had no score yet)."
    )


class ScoreOut(Schema):
    question: str
    levels: dict[str, int]
    reason: str
    version: int
    updated_at: datetime.datetime | None
    updated_by: str


class ScoreSaved(ScoreOut):
    saved: bool  # false: nothing had changed


class ScoreConflict(Schema):
    detail: str
    current: ScoreOut


class ScoreList(Schema):
    evaluation_id: int
    status: str
    items: list[ScoreOut]


class FindingIn(Schema):
    focus_area: str
    kind: str = Field(description="strength, challenge or weakness")
    text: str
    questions: list[str] = Field(default_factory=list, description="Question codes")


class FindingChange(Schema):
    kind: str
    text: str
    questions: list[str] = Field(default_factory=list)
    version: int = Field(description="The version of the finding the client read.")


class FindingOut(Schema):
    id: int
    focus_area: str
    kind: str
    text: str
    questions: list[str]
    position: int
    version: int


class MoveIn(Schema):
    direction: str = Field(description="up or down")


class InterviewIn(Schema):
    role: str
    date: datetime.date | None = None
    held: bool = False
    participants: str = ""
    notes: str = ""
    questions: list[str] = Field(default_factory=list, description="Question codes")


class InterviewChange(InterviewIn):
    version: int = Field(description="The version of the interview the client read.")


class InterviewOut(Schema):
    id: int
    role: str
    date: datetime.date | None
    held: bool
    participants: str
    notes: str
    questions: list[str]
    version: int


class StatusIn(Schema):
    action: str = Field(description="submit, return, publish, reopen or withdraw")
    note: str = ""
    confirm_missing: bool = False


class StatusOut(Schema):
    id: int
    status: str
    published_version: int
    submitted_by: str | None


class CommentIn(Schema):
    text: str
    question: str | None = Field(default=None, description="The question's code, if any")
    finding: int | None = Field(default=None, description="The finding's id, if any")


class AnswerIn(Schema):
    answer: str


class CommentOut(Schema):
    id: int
    subject: str
    question: str | None
    finding: int | None
    text: str
    author: str
    created_at: datetime.datetime
    answer: str
    answered_by: str
    resolved: bool
    resolved_by: str
    state: str


class MilestoneIn(Schema):
    number: str
    milestone: str
    date: datetime.date | None = None
    measurable_result: str = ""
    reached: bool = False


class MilestoneChange(Schema):
    """Only the fields given change (`{"reached": true}` marks a milestone reached)."""

    number: str | None = None
    milestone: str | None = None
    date: datetime.date | None = None
    measurable_result: str | None = None
    reached: bool | None = None


class MilestoneOut(Schema):
    id: int
    project_id: int
    number: str
    milestone: str
    date: datetime.date | None
    measurable_result: str
    reached: bool


class MeasurementIn(Schema):
    period: str = Field(description="A quarter (2026-Q1), a month (2026-03) or a date")
    value: str | float | None = Field(default=None, description="A decimal number")
    experience: str | float | None = None
    expectation: str | float | None = None


class MeasurementSaved(Schema):
    id: int
    period_end: datetime.date
    value: float | None
    experience: float | None
    expectation: float | None


class ProjectOut(Schema):
    id: int
    municipality: str
    title: str
    status: str
    starts: datetime.date | None
    ends: datetime.date | None
    evaluation_id: int | None
    version: int
    plan: dict[str, str]  # the plan's texts: background, goal, frames, scope, ...


class ProjectChange(Schema):
    """The plan's fields to change (the others stay as they are), and the version read."""

    version: int = Field(description="The version of the plan the client read.")
    title: str | None = None
    status: str | None = Field(default=None, description="e.g. planned, running, at_risk, finished")
    starts: datetime.date | None = None
    ends: datetime.date | None = None
    plan: dict[str, str] = Field(
        default_factory=dict, description="Plan texts to change, by field name"
    )
