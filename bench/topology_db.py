"""The database side of the topology benchmark (bench/topology.py), run as its own process with
the app's settings (the benchmark itself runs two set-ups, PostgreSQL and SQLite, and Django can
be set up once per process):

    python bench/topology_db.py prepare < request.json > world.json
    python bench/topology_db.py verify  < records.json > verdict.json

`prepare` waits for the job queue to be empty (the demo's renderings), then adds what the
workload needs: scored drafts for the scorers, evaluations in review for the publishers, an open
council meeting, municipalities for the imports, and one login session per virtual user and
role (made in the database, as a login would: a login's password hashing would cost more than
the rest of the set-up). `verify` waits for the queue to drain, then checks what the clients
were told against the database and the file storage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict

import django

EVALUATOR = "evaluator"
ADMIN = "admin"
COORDINATOR = "coordinator"
STORE_TASK = "kommunekompass.reports.jobs.store_version_files"


def _rows():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.all()


def wait_drained(timeout: float) -> tuple[bool, float]:
    """Wait until no job waits or runs: (drained, seconds waited)."""
    started = time.monotonic()
    while True:
        busy = _rows().filter(status__in=["READY", "RUNNING"]).count()
        waited = time.monotonic() - started
        if not busy:
            return True, waited
        if waited > timeout:
            return False, waited
        time.sleep(0.5)


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _draft(framework, user, name: str, number: str, status: str, submitted_by=None):
    from kommunekompass.evaluations.models import Evaluation, Municipality, Score

    municipality = Municipality.objects.create(name=name, number=number, country="NO")
    evaluation = Evaluation.objects.create(
        municipality=municipality,
        framework=framework,
        year=2026,
        status=status,
        submitted_by=submitted_by,
    )
    evaluation.evaluators.add(user)
    spec = framework.spec
    Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            question=question,
            levels={d.code: 2 for d in spec.question(question.code).scheme.dimensions},
            reason=f"Benchmark: starting score of {question.code}.",
        )
        for question in framework.questions.all()
    )
    return evaluation


def seed_lean() -> None:
    """Instead of the demo (over a minute on PostgreSQL on a busy machine), what the workload
    needs of it, for the scaled-down run of tests/test_topology.py: the migrated database, the
    2020 framework, the users admin, evaluator and coordinator, and Fjordvik's published 2026
    evaluation with findings and its stored files, beside three more published reports."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction

    from kommunekompass.evaluations.apps import EVALUATORS_GROUP
    from kommunekompass.evaluations.models import Finding, Membership
    from kommunekompass.evaluations.services.workflow import freeze_published
    from kommunekompass.frameworks.loader import load_framework_file, shipped_framework_files
    from kommunekompass.frameworks.models import Framework
    from kommunekompass.reports import published

    call_command("migrate", interactive=False, verbosity=0)
    [path] = [p for p in shipped_framework_files() if p.name == "kommunekompass-2020.yaml"]
    load_framework_file(path)
    User = get_user_model()
    framework = Framework.objects.get(key="kommunekompass", version="2020")
    with transaction.atomic():
        User.objects.create_superuser(ADMIN, password=None)
        evaluator = User.objects.create_user(EVALUATOR, password=None)
        evaluator.groups.add(Group.objects.get(name=EVALUATORS_GROUP))
        coordinator = User.objects.create_user(COORDINATOR, password=None)
        reports = []
        for name, number in [("Fjordvik kommune", "9901")] + [
            (f"Lesevik {i}", f"34{i:02d}") for i in range(3)
        ]:
            reports.append(_draft(framework, evaluator, name, number, "published"))
        fjordvik = reports[0]
        Membership.objects.create(
            user=coordinator, municipality=fjordvik.municipality, role="coordinator"
        )
        for number, area in enumerate(framework.areas.order_by("position")[:6], start=1):
            Finding.objects.create(
                evaluation=fjordvik,
                focus_area=area,
                kind="weakness" if number % 2 else "challenge",
                text=f"Benchmark finding {number}",
            )
    for evaluation in reports:
        freeze_published(evaluation)
    version = fjordvik.versions.get()
    published.store_missing(version, quiet=False)
    published.store_docx(version)


def prepare(request: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kommunekompass.evaluations.models import Evaluation, Municipality, PublishedVersion
    from kommunekompass.frameworks.models import Framework
    from kommunekompass.lib import jobs
    from kommunekompass.meetings import services as meetings
    from kommunekompass.reports import published

    if request.get("lean"):
        seed_lean()
    # What the demo or the lean set queued (open data, mail): run before the servers start.
    started = time.monotonic()
    jobs.run_until_empty()
    waited = time.monotonic() - started
    users = {u.username: u for u in get_user_model().objects.all()}
    framework = Framework.objects.get(key="kommunekompass", version="2020")
    with transaction.atomic():
        drafts = [
            _draft(framework, users[EVALUATOR], f"Scorevik {i}", f"31{i:02d}", "draft")
            for i in range(request["drafts"])
        ]
        in_review = [
            _draft(
                framework,
                users[EVALUATOR],
                f"Publiseringsvik {i}",
                f"32{i:02d}",
                "in_review",
                submitted_by=users[EVALUATOR],
            )
            for i in range(request["publish"])
        ]
        import_targets = []
        for i in range(request["imports"]):
            number = f"33{i:02d}"
            Municipality.objects.create(name=f"Importvik {i}", number=number, country="NO")
            import_targets.append([number, f"Importvik {i}", 2025])
    fjordvik = Evaluation.objects.get(municipality__number="9901", year=2026)
    meeting = meetings.open_meeting(
        evaluation=fjordvik, user=users[COORDINATOR], subject="findings"
    )
    public = list(
        Evaluation.objects.filter(published_version__gt=0)
        .exclude(status=Evaluation.Status.WITHDRAWN)
        .order_by("pk")
        .values_list("pk", flat=True)[:40]
    )
    with_pdf = []
    for pk in [fjordvik.pk, *public[:10]]:
        latest = PublishedVersion.objects.filter(evaluation_id=pk).order_by("-number").first()
        if latest is not None and published.is_stored(latest, "pdf") and pk not in with_pdf:
            with_pdf.append(pk)
    if not with_pdf:
        raise SystemExit("no published version has its PDF stored (the demo renders Fjordvik's)")
    scores = {}
    for evaluation in drafts:
        spec = framework.spec
        versions = dict(evaluation.scores.values_list("question__code", "version"))
        scores[evaluation.pk] = {
            q.code: [versions[q.code], [d.code for d in q.scheme.dimensions]]
            for q in spec.questions
        }
    spec = framework.spec
    return {
        "scores": scores,
        "publish": [e.pk for e in in_review],
        "imports": import_targets,
        "import_rows": [[q.code, [d.code for d in q.scheme.dimensions]] for q in spec.questions],
        "meeting": {
            "id": meeting.pk,
            "code": meeting.code,
            "options": list(meeting.options.values_list("pk", flat=True)),
        },
        "framework": framework.pk,
        "public": public,
        "pdf": with_pdf,
        "sessions": {
            role: [_session(users[role]) for _ in range(request["users"])]
            for role in (EVALUATOR, ADMIN)
        },
        "jobs_before": [str(pk) for pk in _rows().values_list("id", flat=True)],
        "prepare_waited": waited,
    }


# --- Verification -------------------------------------------------------------------------------


def check_scores(saves: list, world: dict) -> tuple[list[str], int]:
    """Every save a client was told succeeded: its question's versions must be exactly the
    starting version plus one per such save (none missing, none twice), and the row must hold
    what the save with the highest version sent."""
    from kommunekompass.evaluations.models import Score

    told = defaultdict(list)  # (evaluation, code) -> [(version, levels, reason)]
    for evaluation, code, version, levels, reason in saves:
        told[(int(evaluation), code)].append((version, levels, reason))
    problems = []
    for (evaluation, code), made in told.items():
        start = world["scores"][str(evaluation)][code][0]
        row = Score.objects.filter(evaluation_id=evaluation, question__code=code).values_list(
            "version", "levels", "reason"
        )
        row = next(iter(row), None)
        versions = sorted(v for v, _l, _r in made)
        if versions != list(range(start + 1, start + 1 + len(made))):
            problems.append(f"score {evaluation}/{code}: versions told {versions}, from {start}")
        last = max(made, key=lambda m: m[0])
        if row is None or (row[0], row[1], row[2]) != (last[0], last[1], last[2]):
            problems.append(f"score {evaluation}/{code}: database {row}, last save told {last}")
    return problems, len(told)


def check_votes(ballots: list, world: dict) -> list[str]:
    """The last ballot of every device that was told its vote was taken, and nothing else."""
    from kommunekompass.meetings.models import Voice, Vote

    meeting = world["meeting"]["id"]
    expected = Counter(o for ballot in ballots for o in ballot)
    stored = Counter(
        Vote.objects.filter(voice__meeting_id=meeting).values_list("option_id", flat=True)
    )
    voices = Voice.objects.filter(meeting_id=meeting).count()
    problems = []
    if voices != len(ballots):
        problems.append(f"votes: {voices} voices stored, {len(ballots)} devices voted")
    if stored != expected:
        problems.append(f"votes: stored {dict(stored)}, last ballots {dict(expected)}")
    return problems


def check_publishing(published_ids: list, world: dict) -> tuple[list[str], dict]:
    """Each evaluation a client published: published, version 1, and its files (PDF, workbook,
    Word document) made by exactly one job that returned "stored", each stored once (the
    storage never overwrites: a second rendering would leave a second object)."""
    from django.core.files.storage import default_storage

    from kommunekompass.evaluations.models import Evaluation, PublishedVersion
    from kommunekompass.reports import published

    problems = []
    jobs = defaultdict(list)
    for row in _rows().filter(task_path=STORE_TASK):
        args = (row.args_kwargs or {}).get("args") or []
        jobs[tuple(args)].append(row)
    files = 0
    for pk in world["publish"]:
        evaluation = Evaluation.objects.get(pk=pk)
        versions = list(PublishedVersion.objects.filter(evaluation_id=pk))
        if pk not in published_ids:
            if versions or evaluation.status != "in_review":
                problems.append(f"publish {pk}: not published by a client, yet {evaluation}")
            continue
        if evaluation.status != "published" or [v.number for v in versions] != [1]:
            problems.append(f"publish {pk}: status {evaluation.status}, versions {versions}")
            continue
        version = versions[0]
        rows = jobs.get((version.pk,), [])
        done = [r for r in rows if r.status == "SUCCESSFUL"]
        if len(rows) != 1 or len(done) != 1 or done[0].return_value != "stored":
            states = [(r.status, r.return_value) for r in rows]
            problems.append(f"publish {pk}: jobs of version {version.pk}: {states}")
        folder = f"published/{pk}/v1"
        _dirs, names = default_storage.listdir(folder)
        wanted = {version.pdf.name, version.xlsx.name, published.docx_path(version)}
        present = {f"{folder}/{n}" for n in names}
        files += len(present)
        if present != wanted or "" in {version.pdf.name, version.xlsx.name}:
            problems.append(f"publish {pk}: stored {sorted(present)}, expected {sorted(wanted)}")
    return problems, {"files": files}


def check_imports(imported: list) -> list[str]:
    """Every import a client confirmed: its evaluation exists once, published with version 1."""
    from kommunekompass.evaluations.models import Evaluation

    problems = []
    for number, year in imported:
        found = list(
            Evaluation.objects.filter(municipality__number=number, year=year).values_list(
                "status", "published_version"
            )
        )
        if found != [("published", 1)]:
            problems.append(f"import {number} {year}: {found}")
    return problems


def check_queue(world: dict) -> tuple[list[str], dict]:
    """No job row left waiting or running, none failed; the rows enqueued during the run, with
    the workers that claimed each (the caller checks that each was claimed and started once).
    The same task with the same arguments may have several rows (the open data is made again
    after each publication): each row is its own job."""
    rows = list(_rows().order_by("enqueued_at"))
    before = set(world["jobs_before"])
    statuses = Counter(r.status for r in rows)
    problems = []
    if statuses.get("READY") or statuses.get("RUNNING"):
        problems.append(f"jobs left: {dict(statuses)}")
    if statuses.get("FAILED"):
        failed = [(r.task_path, r.args_kwargs) for r in rows if r.status == "FAILED"]
        problems.append(f"failed jobs: {failed[:5]}")
    new = [
        [str(r.id), r.task_path.rsplit(".", 1)[-1], r.worker_ids]
        for r in rows
        if str(r.id) not in before
    ]
    return problems, {"job_rows": len(rows), "statuses": dict(statuses), "new_jobs": new}


def verify(records: dict) -> dict:
    world = records["world"]
    drained, waited = wait_drained(records.get("timeout", 300))
    score_problems, questions = check_scores(records["saves"], world)
    publish_problems, publish_facts = check_publishing(records["published"], world)
    queue_problems, queue_facts = check_queue(world)
    return {
        "drained": drained,
        "drain_seconds": waited,
        "questions": questions,
        "lost": score_problems
        + check_votes(records["ballots"], world)
        + check_imports(records["imported"]),
        "jobs": publish_problems + queue_problems,
        **publish_facts,
        **queue_facts,
    }


def main() -> None:
    command = sys.argv[1]
    request = json.load(sys.stdin)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunekompass.settings")
    django.setup()
    result = prepare(request) if command == "prepare" else verify(request)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
