"""The shapes of the API's answers (documented in the OpenAPI document)."""

from __future__ import annotations

import datetime

from ninja import Schema


class Error(Schema):
    detail: str


class Problem(Schema):
    row: int | None = None
    column: str | None = None
    field: str | None = None
    message: str


class Problems(Schema):
    detail: str
    errors: list[Problem]


class Page(Schema):
    count: int
    limit: int
    offset: int


class FrameworkOut(Schema):
    key: str
    version: str
    name: dict[str, str]
    checksum: str
    max_points: float


class FrameworkList(Page):
    items: list[FrameworkOut]


class QuestionOut(Schema):
    code: str
    text: dict[str, str]
    guidance: dict[str, str]
    max_points: float
    dimensions: list[dict]


class SubAreaOut(Schema):
    code: str
    name: dict[str, str]
    max_points: float
    questions: list[QuestionOut]


class AreaOut(Schema):
    code: str
    name: dict[str, str]
    max_points: float
    subareas: list[SubAreaOut]


class PerspectiveOut(Schema):
    code: str
    name: dict[str, str]
    max_points: float
    areas: list[AreaOut]


class FrameworkDetail(FrameworkOut):
    description: dict[str, str]
    perspectives: list[PerspectiveOut]


class MunicipalityOut(Schema):
    number: str
    name: str
    country: str
    county: str


class FigureOut(Schema):
    level: str
    code: str
    parent: str | None
    name: dict[str, str]
    points: float | None
    points_exact: str | None
    max_points: float
    levels: dict[str, int] | None = None
    reason: str | None = None


class ResultOut(Schema):
    evaluation_id: int
    version: int
    published_at: datetime.datetime
    complete: bool
    municipality: MunicipalityOut
    year: int
    framework: str
    framework_version: str
    report_url: str
    figures: list[FigureOut]


class ResultList(Page):
    items: list[ResultOut]


class EvaluationOut(Schema):
    id: int
    municipality: MunicipalityOut
    year: int
    framework: str
    framework_version: str
    status: str
    published_version: int
    public: bool


class EvaluationList(Page):
    items: list[EvaluationOut]


class LiveResult(Schema):
    evaluation_id: int
    status: str
    live: bool
    figures: list[FigureOut]


class GroupOut(Schema):
    key: str
    name: str
    municipality_count: int


class RankingRow(Schema):
    rank: int
    evaluation_id: int
    version: int
    municipality: MunicipalityOut
    year: int
    total: float
    total_exact: str
    complete: bool


class Ranking(Schema):
    framework: str
    framework_version: str
    group: str
    group_name: str
    include_incomplete: bool
    count: int
    rows: list[RankingRow]


class UserOut(Schema):
    username: str
    name: str
    is_superuser: bool
    evaluator: bool
    may_import_results: bool
    memberships: list[dict]


class ImportOut(Schema):
    written: bool
    dry_run: bool
    evaluations: int
    evaluation_ids: list[int]
    batch_id: int | None
    warnings: list[Problem]


class MeasurementImportOut(Schema):
    written: bool
    dry_run: bool
    created: int
    updated: int
    unchanged: int


class MeasurementOut(Schema):
    period_end: datetime.date
    value: float | None
    experience: float | None
    expectation: float | None


class IndicatorOut(Schema):
    id: int
    name: str
    kind: str
    unit: str
    project_id: int
    municipality: str
    measurements: list[MeasurementOut]
