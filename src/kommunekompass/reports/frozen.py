"""A report as JSON-ready data and back, for published versions.

Figures are kept exact: fractions as strings ("20/3"), indicator figures as decimal strings.
The engine's result tree is rebuilt as `Result` / `QuestionResult` objects, so a report from
a snapshot renders exactly like the live report it was made from.

Format 2 (written now) keeps the framework's texts by reference: the framework's key, version
and checksum, with the codes of the areas and questions the report lists; the names of areas
and sub-areas, the questions' texts and guidance and the dimensions' names and level labels are
read back from that framework version (reports.texts), which never changes. Format 1 (older
versions) holds a copy of those texts; both read back to the same report.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from kommunekompass.comparisons.ranking import Member, Standing
from kommunekompass.reports.shapes import (
    AreaReport,
    DimensionText,
    EvaluationInfo,
    FindingGroup,
    FindingItem,
    FrameworkInfo,
    HistoryPoint,
    IndicatorFigures,
    InterviewSummary,
    NodeText,
    ProjectEntry,
    QuestionRow,
    QuestionText,
    Report,
)
from kommunekompass.reports.texts import FrameworkTexts, framework_texts
from kommunekompass.scoring.engine import QuestionResult, Result, find

FORMAT = 2  # the format written; FORMATS are those read
FORMATS = (1, 2)


# --- numbers and dates ---------------------------------------------------------------------------


def fraction_text(value) -> str | None:
    """An exact figure as text: "20/3", "7"; None stays None."""
    return None if value is None else str(Fraction(value))


def fraction(text) -> Fraction | None:
    return None if text is None else Fraction(text)


def decimal_text(value) -> str | None:
    return None if value is None else str(value)


def decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def _date_text(value) -> str | None:
    return value.isoformat() if value else None


def _date(text) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _datetime(text) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


# --- the engine's results ------------------------------------------------------------------------


def result_to_data(node: Result | QuestionResult | None) -> dict | None:
    if node is None:
        return None
    if isinstance(node, QuestionResult):
        return {
            "question": node.code,
            "max": fraction_text(node.max_points),
            "points": fraction_text(node.points),
            "levels": dict(node.levels),
        }
    return {
        "code": node.code,
        "max": fraction_text(node.max_points),
        "points": fraction_text(node.points),
        "questions": node.question_count,
        "missing": list(node.missing),
        "children": [result_to_data(child) for child in node.children],
    }


def result_from_data(data: dict | None) -> Result | QuestionResult | None:
    if data is None:
        return None
    if "question" in data:
        return QuestionResult(
            code=data["question"],
            max_points=fraction(data["max"]),
            points=fraction(data["points"]),
            levels={code: int(level) for code, level in data["levels"].items()},
        )
    return Result(
        code=data["code"],
        max_points=fraction(data["max"]),
        points=fraction(data["points"]),
        question_count=data["questions"],
        missing=tuple(data["missing"]),
        children=tuple(result_from_data(child) for child in data["children"]),
    )


# --- the parts of a report -----------------------------------------------------------------------


def _node_text(text: NodeText) -> dict:
    return {"code": text.code, "name": text.name, "max": fraction_text(text.max_points)}


def _node_text_from(data: dict) -> NodeText:
    return NodeText(code=data["code"], name=data["name"], max_points=fraction(data["max"]))


def _projects(entries: list[ProjectEntry]) -> list[dict]:
    return [
        {
            "title": entry.title,
            "status": entry.status,
            "indicators": [
                {
                    "name": row.name,
                    "unit": row.unit,
                    "baseline": decimal_text(row.baseline),
                    "latest": decimal_text(row.latest),
                    "change": decimal_text(row.change),
                    "improved": row.improved,
                    "worsened": row.worsened,
                    "places": row.places,
                }
                for row in entry.indicators
            ],
        }
        for entry in entries
    ]


def _projects_from(data: list[dict]) -> list[ProjectEntry]:
    return [
        ProjectEntry(
            title=entry["title"],
            status=entry["status"],
            indicators=[
                IndicatorFigures(
                    name=row["name"],
                    unit=row["unit"],
                    baseline=decimal(row["baseline"]),
                    latest=decimal(row["latest"]),
                    change=decimal(row["change"]),
                    improved=row["improved"],
                    worsened=row["worsened"],
                    places=row["places"],
                )
                for row in entry["indicators"]
            ],
        )
        for entry in data
    ]


def _area(area: AreaReport, snapshot_format: int) -> dict:
    if snapshot_format == 2:
        texts = {"area": area.spec.code}  # its sub-areas are the framework's
    else:
        texts = {
            "area": _node_text(area.spec),
            "subareas": [_node_text(text) for text, _node in area.subareas],
        }
    return {
        **texts,
        "findings": [
            {
                "kind": item.kind,
                "text": item.text,
                "area": item.area,
                "position": item.position,
                "questions": list(item.questions),
            }
            for group in area.findings
            for item in group.items
        ],
        "finding_kinds": [group.kind for group in area.findings],
        "history": [
            [point.year, fraction_text(point.points), point.current, point.version]
            for point in area.history
        ],
        "group_average": fraction_text(area.group_average),
        "projects": _projects(area.projects),
        "earlier_projects": _projects(area.earlier_projects),
    }


def _area_from(data: dict, result: Result, texts: FrameworkTexts | None) -> AreaReport:
    if texts is None:
        spec = _node_text_from(data["area"])
        subareas = [_node_text_from(text) for text in data["subareas"]]
    else:
        spec, subareas = texts.areas[data["area"]], texts.subareas[data["area"]]
    node = find(result, spec.code)
    items = [FindingItem(**item) for item in data["findings"]]
    return AreaReport(
        spec=spec,
        result=node,
        subareas=[(text, find(node, text.code)) for text in subareas],
        findings=[
            FindingGroup(kind, [item for item in items if item.kind == kind])
            for kind in data["finding_kinds"]
        ],
        history=[
            HistoryPoint(year, fraction(points), current, version)
            for year, points, current, version in data["history"]
        ],
        group_average=fraction(data["group_average"]),
        projects=_projects_from(data["projects"]),
        earlier_projects=_projects_from(data["earlier_projects"]),
    )


def _question(row: QuestionRow) -> dict:
    return {
        **_question_texts(row.spec),
        "reason": row.reason,
        "levels": [[code, level] for code, level in row.levels],
    }


def _question_texts(spec: QuestionText) -> dict:
    return {
        "code": spec.code,
        "text": spec.text,
        "guidance": spec.guidance,
        "max": fraction_text(spec.max_points),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "levels": [[value, label] for value, label in d.levels.items()],
            }
            for d in spec.dimensions
        ],
    }


def _question_data(
    row: QuestionRow, checksum: str, known: dict | None, snapshot_format: int
) -> dict:
    if snapshot_format == 2:  # its texts are the framework's
        return {
            "code": row.spec.code,
            "reason": row.reason,
            "levels": [[code, level] for code, level in row.levels],
        }
    if known is None:
        return _question(row)
    key = ("question", checksum, row.spec.code)
    if key not in known:
        known[key] = _question_texts(row.spec)
    return {
        **known[key],
        "reason": row.reason,
        "levels": [[code, level] for code, level in row.levels],
    }


def _question_from(data: dict, result: Result, texts: FrameworkTexts | None) -> QuestionRow:
    return QuestionRow(
        spec=_question_text_from(data) if texts is None else texts.questions[data["code"]],
        result=find(result, data["code"]),
        reason=data["reason"],
        levels=[(code, level) for code, level in data["levels"]],
    )


def _question_text_from(data: dict) -> QuestionText:
    return QuestionText(
        code=data["code"],
        text=data["text"],
        guidance=data["guidance"],
        max_points=fraction(data["max"]),
        dimensions=[
            DimensionText(
                code=d["code"],
                name=d["name"],
                levels={int(value): label for value, label in d["levels"]},
            )
            for d in data["dimensions"]
        ],
    )


def _member(member: Member) -> dict:
    return {
        "key": member.key,
        "name": member.name,
        "year": member.year,
        "total": fraction_text(member.total),
        "areas": {code: fraction_text(points) for code, points in member.areas.items()},
    }


def _member_data(member: Member, known: dict | None) -> dict:
    if known is None:
        return _member(member)
    key = ("member", member.key)
    if key not in known:
        known[key] = _member(member)
    data = known[key]
    return {**data, "areas": dict(data["areas"])}


def _member_from(data: dict) -> Member:
    return Member(
        key=data["key"],
        name=data["name"],
        year=data["year"],
        total=fraction(data["total"]),
        areas={code: fraction(points) for code, points in data["areas"].items()},
    )


# --- the whole report ----------------------------------------------------------------------------


def report_to_data(
    report: Report, known: dict | None = None, snapshot_format: int = FORMAT
) -> dict:
    """Everything the report shows, as JSON-ready data (no model objects, exact figures), in
    `snapshot_format` (format 1 only to check that old snapshots still read the same).

    `known` keeps what is the same in the reports of one batch (reports.batch) between them:
    the data of a group member (the same evaluation with the same summary) and of a question's
    texts (the same framework). Each report's data is its own dict; the texts of questions
    are shared between them, as they are with the framework's spec (never changed in place)."""
    if snapshot_format not in FORMATS:
        raise UnknownSnapshotFormat(f"Unknown snapshot format {snapshot_format!r}.")
    info = report.evaluation
    framework = {
        "key": info.framework.key,
        "version": info.framework.version,
        "checksum": info.framework.checksum,
    }
    if snapshot_format == 1:
        framework["name"] = info.framework.name
    return {
        "format": snapshot_format,
        "complete": report.result.complete,
        "total": fraction_text(report.result.points),
        "max_points": fraction_text(report.result.max_points),
        "evaluation": {
            "id": info.id,
            "municipality": {
                "name": info.municipality_name,
                "number": info.municipality_number,
                "county": info.municipality_county,
            },
            "year": info.year,
            "date": _date_text(info.date),
            "status": info.status,
            "result_level": info.result_level,
            "published_at": info.published_at.isoformat() if info.published_at else None,
        },
        "framework": framework,
        "result": result_to_data(report.result),
        "areas": [_area(area, snapshot_format) for area in report.areas],
        "questions": [
            _question_data(row, info.framework.checksum, known, snapshot_format)
            for row in report.questions
        ],
        "interviews": [
            [item.role, item.count, _date_text(item.first), _date_text(item.last)]
            for item in report.interviews
        ],
        "evaluators": list(report.evaluators),
        "priorities": list(report.priorities),
        "priority_links": [dict(links) for links in report.priority_links],
        "group": {
            "key": report.group_key,
            "names": dict(report.group_names),
            "members": [_member_data(member, known) for member in report.group],
            "average_total": fraction_text(report.group_average_total),
            "standing": {
                "rank": report.standing.rank,
                "size": report.standing.size,
                "below": report.standing.below,
                "percentile": fraction_text(report.standing.percentile),
            },
        },
        "is_draft": report.is_draft,
        "version_note": dict(report.version_note),
        "dimension_codes": list(report.dimension_codes),
        "previous_year": report.previous_year,
        "forecast": report.forecast,
    }


class UnknownSnapshotFormat(ValueError):
    pass


def snapshot_texts(data: dict) -> FrameworkTexts | None:
    """The framework's texts a snapshot refers to (format 2; one query), None when it holds
    them itself (format 1). Raises reports.texts.SnapshotFrameworkError when the framework
    version is missing or its checksum is not the snapshot's."""
    if data.get("format") not in FORMATS:
        raise UnknownSnapshotFormat(f"Unknown snapshot format {data.get('format')!r}.")
    if data["format"] == 1:
        return None
    framework = data["framework"]
    return framework_texts(framework["key"], framework["version"], framework["checksum"])


def report_from_data(data: dict) -> Report:
    """The report a snapshot holds, to render exactly as it was published."""
    texts = snapshot_texts(data)
    result = result_from_data(data["result"])
    info = data["evaluation"]
    group = data["group"]
    framework = data["framework"]
    return Report(
        evaluation=EvaluationInfo(
            id=info["id"],
            municipality_name=info["municipality"]["name"],
            municipality_number=info["municipality"]["number"],
            municipality_county=info["municipality"]["county"],
            year=info["year"],
            date=_date(info["date"]),
            status=info["status"],
            result_level=info["result_level"],
            published_at=_datetime(info["published_at"]),
            framework=FrameworkInfo(
                key=framework["key"],
                version=framework["version"],
                checksum=framework["checksum"],
                name=framework["name"] if texts is None else dict(texts.name),
            ),
        ),
        result=result,
        areas=[_area_from(area, result, texts) for area in data["areas"]],
        questions=[_question_from(row, result, texts) for row in data["questions"]],
        interviews=[
            InterviewSummary(role, count, _date(first), _date(last))
            for role, count, first, last in data["interviews"]
        ],
        evaluators=list(data["evaluators"]),
        priorities=list(data["priorities"]),
        priority_links=list(data.get("priority_links", [])),
        group_names=dict(group["names"]),
        group=[_member_from(member) for member in group["members"]],
        group_average_total=fraction(group["average_total"]),
        standing=Standing(
            rank=group["standing"]["rank"],
            size=group["standing"]["size"],
            below=group["standing"]["below"],
            percentile=fraction(group["standing"]["percentile"]),
        ),
        is_draft=data["is_draft"],
        group_key=group["key"],
        version_note=dict(data["version_note"]),
        dimension_codes=list(data["dimension_codes"]),
        previous_year=data["previous_year"],
        forecast=data.get("forecast"),
    )
