"""Loading the demo evaluations (demo/demo-data.yaml): fictional municipalities, one evaluation
scored in full and published in two versions, and one draft in progress; and a synthetic set
for comparisons. Idempotent: an evaluation that exists already is left as it is.

The demo's own evaluations are created as drafts and published through the services, as in the
app (`publish_demo_evaluations`, `revise_demo_evaluations`). The synthetic ones are created as
published and then frozen (`unfrozen_published`, `freeze_published`): no published evaluation
is left without its published version.
"""

import datetime
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from kommunekompass.evaluations.models import (
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Municipality,
    Priority,
    Score,
)
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import FocusArea, Framework, Question
from kommunekompass.scoring.engine import check_levels

# the demo file's keys for the kinds of findings
PLURAL_KEYS = {"strength": "strengths", "challenge": "challenges", "weakness": "weaknesses"}
DEMO_FILE = Path(__file__).resolve().parent / "demo" / "demo-data.yaml"


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


@transaction.atomic
def load_demo_evaluations(evaluators=(), path: Path = DEMO_FILE) -> list[tuple[Evaluation, bool]]:
    """Create the demo evaluations that do not exist yet. Returns (evaluation, created) pairs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    framework = Framework.objects.get(key="kommunekompass", version="2020")
    spec = framework.spec
    questions = {q.code: q for q in Question.objects.filter(framework=framework)}
    areas = {a.code: a for a in FocusArea.objects.filter(framework=framework)}
    outcomes = []
    for item in data["municipalities"]:
        municipality, _ = Municipality.objects.get_or_create(
            country=item["country"],
            number=str(item["number"]),
            defaults={
                "name": item["name"],
                "county": item.get("county", ""),
                "population": item.get("population"),
            },
        )
        for spec_evaluation in item["evaluations"]:
            existing = Evaluation.objects.filter(
                municipality=municipality, framework=framework, year=spec_evaluation["year"]
            ).first()
            if existing:
                outcomes.append((existing, False))
                continue
            evaluation = _create_evaluation(
                municipality, framework, spec, questions, areas, spec_evaluation, evaluators
            )
            evaluation.evaluators.add(*evaluators)
            outcomes.append((evaluation, True))
    return outcomes


def _create_evaluation(
    municipality, framework, spec, questions, areas, data, evaluators
) -> Evaluation:
    """The evaluation as a draft with all its content; one the file says is published is
    published afterwards, through the services (publish_demo_evaluations)."""
    author = evaluators[0] if evaluators else None
    evaluation = Evaluation.objects.create(
        municipality=municipality,
        framework=framework,
        year=data["year"],
        date=_date(data.get("date")),
        status=Evaluation.Status.DRAFT,
    )
    for interview_data in data.get("interviews", []):
        interview = Interview.objects.create(
            evaluation=evaluation,
            role=interview_data["role"],
            date=_date(interview_data.get("date")),
            held=bool(interview_data.get("held")),
            participants=interview_data.get("participants", ""),
            notes=(interview_data.get("notes") or "").strip(),
        )
        interview.questions.set([questions[c] for c in interview_data.get("questions", [])])
    for evidence_data in data.get("evidence", []):
        evidence = Evidence.objects.create(
            evaluation=evaluation, title=evidence_data["title"], url=evidence_data["url"]
        )
        evidence.questions.set([questions[c] for c in evidence_data.get("questions", [])])
    scores = []
    for code, entry in (data.get("scores") or {}).items():
        levels = {k: v for k, v in entry.items() if k != "reason"}
        check_levels(spec.question(code), levels)
        scores.append(
            Score(
                evaluation=evaluation,
                question=questions[code],
                levels=levels,
                reason=entry.get("reason", ""),
                updated_by=author,
            )
        )
    Score.objects.bulk_create(scores)
    findings = {}  # "AREA KIND POSITION", e.g. "5 weakness 1": the finding
    for area_code, kinds in (data.get("findings") or {}).items():
        for kind, key in PLURAL_KEYS.items():
            for position, finding_data in enumerate(kinds.get(key) or [], start=1):
                finding = findings[f"{area_code} {kind} {position}"] = Finding.objects.create(
                    evaluation=evaluation,
                    focus_area=areas[str(area_code)],
                    kind=kind,
                    text=finding_data["text"],
                    position=position,
                    updated_by=author,
                )
                finding.questions.set([questions[c] for c in finding_data.get("questions", [])])
    for position, item in enumerate(data.get("priorities") or [], start=1):
        # A priority is its text, or its text with the focus areas and findings it answers.
        item = {"text": item} if isinstance(item, str) else item
        priority = Priority.objects.create(
            evaluation=evaluation, text=item["text"], position=position
        )
        priority.focus_areas.set([areas[str(code)] for code in item.get("areas", [])])
        priority.findings.set([findings[key] for key in item.get("findings", [])])
    return evaluation


def _file_evaluations(path: Path):
    """(evaluation, its entry in the file) for each of the file's evaluations in the database."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["municipalities"]:
        for entry in item["evaluations"]:
            evaluation = (
                Evaluation.objects.filter(
                    municipality__country=item["country"],
                    municipality__number=str(item["number"]),
                    framework__key="kommunekompass",
                    framework__version="2020",
                    year=entry["year"],
                )
                .select_related("municipality", "framework")
                .first()
            )
            if evaluation is not None:
                yield evaluation, entry


def publish_demo_evaluations(evaluator, approver, path: Path = DEMO_FILE) -> list[Evaluation]:
    """Publish the file's evaluations marked published that are still drafts never published:
    `evaluator` sends each to review, `approver` (someone else) approves and publishes it, so
    its version 1 says who did what. Returns the evaluations published now."""
    published = []
    for evaluation, entry in _file_evaluations(path):
        if entry.get("status") != Evaluation.Status.PUBLISHED:
            continue
        if evaluation.status != Evaluation.Status.DRAFT or evaluation.published_version:
            continue
        change_status(evaluation, "submit", evaluator)
        change_status(evaluation, "publish", approver)
        published.append(evaluation)
    return published


def revise_demo_evaluations(evaluator, approver, path: Path = DEMO_FILE) -> list[Evaluation]:
    """The file's `revision` of a published evaluation that has only its version 1: reopened by
    `evaluator` with the reason, the scores changed, sent to review again and published by
    `approver` as version 2. Returns the evaluations revised now."""
    revised = []
    for evaluation, entry in _file_evaluations(path):
        revision = entry.get("revision")
        if not revision or evaluation.status != Evaluation.Status.PUBLISHED:
            continue
        if evaluation.published_version != 1:
            continue
        change_status(evaluation, "reopen", evaluator, revision["reason"])
        questions = {
            q.code: q
            for q in Question.objects.filter(
                framework=evaluation.framework, code__in=list(revision["scores"])
            )
        }
        versions = dict(
            Score.objects.filter(evaluation=evaluation).values_list("question__code", "version")
        )
        for code, score in revision["scores"].items():
            save_score(
                evaluation=evaluation,
                question=questions[code],
                levels={k: v for k, v in score.items() if k != "reason"},
                reason=score.get("reason", ""),
                expected_version=versions.get(code, 0),
                user=evaluator,
            )
        change_status(evaluation, "submit", evaluator)
        change_status(evaluation, "publish", approver)
        revised.append(evaluation)
    return revised


def unfrozen_published():
    """Published evaluations without a published version (the synthetic set, as created):
    each is given its version 1 with evaluations.services.workflow.freeze_published."""
    return (
        Evaluation.objects.published()
        .filter(published_version=0)
        .select_related("municipality", "framework")
        .order_by("id")
    )


# --- Synthetic comparison data ---------------------------------------------------------------
# Invented place names, labelled "(syntetisk)" wherever they appear, so nobody mistakes them
# for real municipalities. Deterministic: the same seed gives the same data.

SYNTHETIC_FIRST = ["Nord", "Sør", "Øst", "Vest", "Fjell", "Elve", "Sjø", "Skog", "Lyng", "Myr"]
SYNTHETIC_LAST = ["heim", "vika", "dalen", "stad", "land", "berget", "nes", "øya", "haug", "bøen"]
SYNTHETIC_REASON = "Syntetiske demodata: nivåene er laget av en tilfeldighetsgenerator."


def synthetic_levels(spec, rng, strength: float) -> dict[str, dict[str, int]]:
    """Levels for every question around a municipality's overall strength."""
    levels = {}
    area_effects = {area.code: rng.uniform(-0.7, 0.7) for area in spec.areas}
    for area in spec.areas:
        for question in area.questions:
            levels[question.code] = {}
            for dimension in question.scheme.dimensions:
                values = [level.value for level in dimension.levels]
                share = (strength + area_effects[area.code] + rng.gauss(0, 0.45)) / 3
                index = round(min(max(share, 0), 1) * (len(values) - 1))
                levels[question.code][dimension.code] = values[index]
    return levels


def _scores(evaluation, questions, levels, author=None):
    Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            question=questions[code],
            levels=question_levels,
            reason=SYNTHETIC_REASON,
            updated_by=author,
        )
        for code, question_levels in levels.items()
    )


# (country, synthetic county, how many municipalities)
SYNTHETIC_REGIONS = [
    ("NO", "Syntetisk fylke Nord", 14),
    ("NO", "Syntetisk fylke Sør", 14),
    ("NO", "Syntetisk fylke Vest", 12),
    ("SE", "Syntetiskt län Öst", 12),
    ("SE", "Syntetiskt län Väst", 12),
]
# (year, framework version) of the three synthetic rounds; the first uses the earlier version
SYNTHETIC_ROUNDS = [(2016, "2012"), (2020, "2020"), (2024, "2020")]


def _synthetic_evaluation(municipality, framework, year, levels, created_list):
    evaluation = Evaluation.objects.create(
        municipality=municipality,
        framework=framework,
        year=year,
        status=Evaluation.Status.PUBLISHED,
        published_at=timezone.now(),
        source="synthetic demo data",
    )
    created_list.append((evaluation, levels))
    return evaluation


@transaction.atomic
def load_synthetic_comparison(seed: int = 2026) -> int:
    """A clearly labelled synthetic set: 64 municipalities in Norway and Sweden over three
    rounds (the first in the earlier framework version), plus two earlier rounds of Fjordvik,
    so comparisons, rankings and trends have data. Deterministic; returns how many
    evaluations were created (0 when they exist already)."""
    import random

    frameworks = {f.version: f for f in Framework.objects.filter(key="kommunekompass")}
    questions = {
        (q.framework_id, q.code): q
        for q in Question.objects.filter(framework__in=frameworks.values())
    }
    rng = random.Random(seed)
    names = [f"{a}{b}" for a in SYNTHETIC_FIRST for b in SYNTHETIC_LAST]
    rng.shuffle(names)
    pending = []  # (evaluation, levels)
    index = 0
    for country, county, count in SYNTHETIC_REGIONS:
        for _ in range(count):
            suffix = "kommune (syntetisk)" if country == "NO" else "kommun (syntetisk)"
            municipality, _created = Municipality.objects.get_or_create(
                country=country,
                number=f"{98 if country == 'NO' else 79}{index:02d}",
                defaults={
                    "name": f"{names[index]} {suffix}",
                    "county": county,
                    "population": rng.choice(
                        [
                            rng.randrange(1_500, 5_000),
                            rng.randrange(5_000, 20_000),
                            rng.randrange(20_000, 50_000),
                            rng.randrange(50_000, 150_000),
                        ]
                    ),
                },
            )
            index += 1
            strength = rng.uniform(0.8, 2.2)
            for year, version in SYNTHETIC_ROUNDS:
                strength = min(2.9, strength + rng.uniform(-0.1, 0.35))
                framework = frameworks.get(version)
                if framework is None:
                    continue
                levels = synthetic_levels(framework.spec, rng, strength)
                if Evaluation.objects.filter(
                    municipality=municipality, framework=framework, year=year
                ).exists():
                    continue
                _synthetic_evaluation(municipality, framework, year, levels, pending)
    Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            question=questions[(evaluation.framework_id, code)],
            levels=question_levels,
            reason=SYNTHETIC_REASON,
        )
        for evaluation, levels in pending
        for code, question_levels in levels.items()
    )
    created = len(pending)
    framework = frameworks["2020"]
    questions = {code: q for (fid, code), q in questions.items() if fid == framework.pk}

    fjordvik = Evaluation.objects.filter(
        municipality__country="NO", municipality__number="9901", year=2026
    ).first()
    if fjordvik is not None:
        # Earlier rounds: the 2026 levels, each lowered by chance, more so the longer ago.
        latest = dict(
            Score.objects.filter(evaluation=fjordvik).values_list("question__code", "levels")
        )
        for year, chance in ((2019, 0.65), (2023, 0.35)):
            if Evaluation.objects.filter(municipality=fjordvik.municipality, year=year).exists():
                continue
            evaluation = Evaluation.objects.create(
                municipality=fjordvik.municipality,
                framework=framework,
                year=year,
                status=Evaluation.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            earlier = {
                code: {
                    dimension: max(0, level - (1 if rng.random() < chance else 0))
                    for dimension, level in levels.items()
                }
                for code, levels in latest.items()
            }
            _scores(evaluation, questions, earlier)
            created += 1
    return created
