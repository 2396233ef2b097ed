"""The figures an upgrade must keep: read from a migrated database by whichever code runs.

`make_release_fixture.py` calls `collect()` with the released code and stores the answer as
`expected.json`; `check_upgrade.py` calls it again with the current code on a database built
from that release and migrated. Both answers must be equal.

Rule for later changes: when a model or service changes, change how a figure is *read* here so
that it means the same thing; never change a release's `expected.json`. Totals come from the
scoring engine (`results_for`), published versions from their stored snapshots.

Needs Django set up; imports nothing from the tests.
"""

import hashlib
import json
from collections import Counter, defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model

# The apps whose rows are counted and dumped: the project's own, and the accounts.
PROJECT_APP_PREFIX = "kommunekompass."


def project_models():
    """The project's concrete models, with auth's users and groups, in a stable order."""
    found = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith(PROJECT_APP_PREFIX)
        for model in config.get_models()
        if not model._meta.proxy
    ]
    found += [apps.get_model("auth", "User"), apps.get_model("auth", "Group")]
    return sorted(found, key=lambda model: model._meta.label_lower)


def checksum(value) -> str:
    """sha256 of a JSON value written canonically (keys sorted): the same on SQLite and
    PostgreSQL, whatever order jsonb keeps the keys in."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def evaluation_key(evaluation) -> str:
    municipality, framework = evaluation.municipality, evaluation.framework
    return (
        f"{municipality.country}-{municipality.number} "
        f"{framework.key}-{framework.version} {evaluation.year}"
    )


def _grouped(rows) -> dict:
    """{first value: [the rest of each row]} of (key, ...) rows, in their order."""
    grouped = defaultdict(list)
    for key, *rest in rows:
        grouped[key].append(rest[0] if len(rest) == 1 else rest)
    return grouped


def _evaluations():
    from kommunekompass.evaluations.models import (
        AuditEntry,
        Evaluation,
        Finding,
        Priority,
        Score,
    )
    from kommunekompass.evaluations.summaries import results_for

    # One framework object per framework (prefetched), so its document is read once.
    evaluations = list(
        Evaluation.objects.select_related("municipality")
        .prefetch_related("framework")
        .order_by("pk")
    )
    results = results_for(evaluations)
    scores = Counter(Score.objects.values_list("evaluation_id", flat=True))
    history = Counter(AuditEntry.objects.values_list("evaluation_id", flat=True))
    findings = _grouped(
        Finding.objects.order_by("evaluation_id", "focus_area__code", "position", "pk").values_list(
            "evaluation_id", "focus_area__code", "kind", "text"
        )
    )
    way_forward = _grouped(
        Priority.objects.order_by("evaluation_id", "position", "pk").values_list(
            "evaluation_id", "text"
        )
    )
    teams = _grouped(
        Evaluation.evaluators.through.objects.order_by("user__username").values_list(
            "evaluation_id", "user__username"
        )
    )
    figures = {}
    for evaluation in evaluations:
        result = results[evaluation.pk]
        areas = [area for perspective in result.children for area in perspective.children]
        figures[evaluation_key(evaluation)] = {
            "status": evaluation.status,
            "result_level": evaluation.result_level,
            "published_version": evaluation.published_version,
            "report_language": evaluation.report_language,
            "total": str(result.points),
            "max_points": str(result.max_points),
            "complete": result.complete,
            "areas": {area.code: str(area.points) for area in areas},
            "scores": scores[evaluation.pk],
            "findings": checksum(findings[evaluation.pk]),
            "way_forward": way_forward[evaluation.pk],
            "team": teams[evaluation.pk],
            "history_entries": history[evaluation.pk],
        }
    return figures


def _published_versions():
    from kommunekompass.evaluations.models import PublishedVersion

    versions = (
        PublishedVersion.objects.select_related("evaluation__municipality")
        .prefetch_related("evaluation__framework")
        .order_by("evaluation_id", "number")
    )
    return {
        f"{evaluation_key(version.evaluation)} v{version.number}": {
            "snapshot": checksum(version.data),
            "total": version.data.get("total"),
            "complete": version.complete,
            "spec_checksum": version.spec_checksum,
            "engine_version": version.engine_version,
            "language": version.language,
            "changes": checksum(version.changes),
            "published_by": version.published_by_name,
            "approved_by": version.approved_by_name,
        }
        for version in versions
    }


def _people():
    User = get_user_model()
    from kommunekompass.evaluations.models import Membership

    return {
        "users": {
            user.username: {
                "active": user.is_active,
                "superuser": user.is_superuser,
                "groups": sorted(group.name for group in user.groups.all()),
            }
            for user in User.objects.prefetch_related("groups").order_by("username")
        },
        "memberships": sorted(
            f"{username} {country}-{number} {role}"
            for username, country, number, role in Membership.objects.values_list(
                "user__username", "municipality__country", "municipality__number", "role"
            )
        ),
    }


def _improvement():
    from kommunekompass.improvement.models import Programme

    programmes = {}
    for programme in Programme.objects.select_related("municipality").order_by("pk"):
        municipality = programme.municipality
        programmes[f"{municipality.country}-{municipality.number}"] = {
            "projects": [
                [project.title, project.status, project.public]
                for project in programme.projects.order_by("pk")
            ],
            "milestones": dict(
                Counter(
                    "reached" if reached else "open"
                    for reached in programme.projects.values_list("milestones__reached", flat=True)
                    if reached is not None
                )
            ),
            "measurements": sorted(
                f"{name} {period_end} {value}"
                for name, period_end, value in programme.projects.filter(
                    indicators__measurements__isnull=False
                ).values_list(
                    "indicators__name",
                    "indicators__measurements__period_end",
                    "indicators__measurements__value",
                )
            ),
            "history_entries": programme.changes.count(),
        }
    return programmes


def _surveys_and_meetings():
    from kommunekompass.meetings.models import Meeting
    from kommunekompass.surveys.models import Answer, Survey

    return {
        "surveys": {
            survey.title: {
                "periods": survey.periods.count(),
                "statements": survey.statements.count(),
                "responses": survey.responses.count(),
                "answers": Answer.objects.filter(response__survey=survey).count(),
            }
            for survey in Survey.objects.order_by("pk")
        },
        "meetings": [
            {
                "evaluation": evaluation_key(meeting.evaluation),
                "version": meeting.version.number,
                "subject": meeting.subject,
                "closed": meeting.closed_at is not None,
                "ranking": [
                    [option.text, option.rank, option.votes]
                    for option in meeting.options.order_by("position")
                ],
            }
            for meeting in Meeting.objects.select_related("evaluation__municipality", "version")
            .prefetch_related("evaluation__framework")
            .order_by("pk")
        ],
    }


def _municipalities():
    from kommunekompass.evaluations.models import Municipality

    return {
        f"{m.country}-{m.number}": [m.name, m.county, m.population]
        for m in Municipality.objects.order_by("country", "number")
    }


def collect() -> dict:
    """Every figure, as plain JSON data."""
    return {
        "rows": {
            model._meta.label_lower: model._default_manager.count() for model in project_models()
        },
        "municipalities": _municipalities(),
        "evaluations": _evaluations(),
        "published_versions": _published_versions(),
        "people": _people(),
        "improvement": _improvement(),
        **_surveys_and_meetings(),
    }
