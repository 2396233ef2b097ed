"""Whole evaluations travel: a bundle exported here and imported into an empty instance gives the
same evaluation, row for row and file for file, and the same report figures; a tampered,
truncated, newer-format or otherwise wrong bundle is refused with a clear message, and nothing
is written."""

import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from kommunekompass.bundles import format as bundle_format
from kommunekompass.bundles.exporting import export_evaluation
from kommunekompass.bundles.format import BundleError, Limits
from kommunekompass.bundles.importing import check_bundle, import_file
from kommunekompass.comparisons.groups import report_group
from kommunekompass.comparisons.models import ComparisonGroup
from kommunekompass.comparisons.services import set_report_group
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Priority,
    PublishedVersion,
    ReportedPoints,
    ReviewComment,
    Score,
)
from kommunekompass.evaluations.services.evidence import add_evidence
from kommunekompass.evaluations.services.findings import add_finding
from kommunekompass.evaluations.services.interviews import add_interview
from kommunekompass.evaluations.services.review import add_comment, answer_comment
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.evaluations.services.settings import change_details, change_team
from kommunekompass.evaluations.services.way_forward import add_priority
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.reports.data import build_report
from tests.factories import make_user
from tests.test_published_reports import all_levels
from tests.test_snapshot import add_scores

User = get_user_model()
ROW_MODELS = [Score, ReportedPoints, Finding, Interview, Evidence, Priority, ReviewComment]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rich(world, media, django_capture_on_commit_callbacks):
    """Fjordvik 2026 with everything a bundle carries, published twice through the workflow."""
    w = world
    w.second = make_user("second", evaluator=True)
    w.rita = make_user("rita")
    w.rita.email = "rita@fjordvik.example"
    w.rita.save()
    e = w.draft
    change_team(evaluation=e, user=w.eva, evaluators=[w.eva, w.second], reviewers=[w.rita])
    change_details(evaluation=e, user=w.eva, date=datetime.date(2026, 3, 4))
    questions = {q.code: q for q in w.framework.questions.all()}
    levels = all_levels(e, 2, 70)
    first = next(iter(levels))
    save_score(
        evaluation=e,
        question=questions[first],
        levels=levels.pop(first),
        reason="Planen er vedtatt",
        expected_version=0,
        user=w.eva,
    )
    add_scores(e, levels)
    area = w.framework.areas.get(code="8")
    finding = add_finding(
        evaluation=e,
        focus_area=area,
        kind="weakness",
        text="Høyt sykefravær",
        questions=[questions["8.1.1"]] if "8.1.1" in questions else [],
        user=w.eva,
    )
    add_interview(
        evaluation=e,
        user=w.eva,
        role="mayor",
        date=datetime.date(2026, 2, 1),
        held=True,
        participants="Ordfører",
        notes="Notater",
        questions=[questions[first]],
    )
    add_evidence(
        evaluation=e,
        user=w.eva,
        title="Årsrapport",
        upload=SimpleUploadedFile("Årsrapport 2025.pdf", b"%PDF-1.4 test\n%%EOF\n"),
        content_type="application/pdf",
        questions=[questions[first]],
    )
    add_evidence(evaluation=e, user=w.second, title="Nettside", url="https://example.org/")
    add_priority(
        evaluation=e,
        user=w.eva,
        text="Redusere sykefraværet",
        focus_areas=[finding.focus_area],
        findings=[finding],
    )
    add_priority(evaluation=e, user=w.eva, text="Styrke internkontrollen")
    group = ComparisonGroup.objects.create(name="Nabokommuner", created_by=w.eva)
    group.municipalities.set([w.fjordvik, w.nordhei])
    set_report_group(e, f"custom-{group.pk}", w.eva)
    change_status(e, "submit", w.eva)
    comment = add_comment(evaluation=e, user=w.rita, text="Kilde?", finding=finding)
    answer_comment(comment=comment, user=w.eva, answer="Lagt til")
    with django_capture_on_commit_callbacks(execute=True):  # renders and stores the files
        change_status(e, "publish", w.second, "", confirm_missing=True)
    change_status(e, "reopen", w.eva, "Rettelse")
    score = Score.objects.get(evaluation=e, question=questions[first])
    save_score(
        evaluation=e,
        question=questions[first],
        levels=all_levels(e, 3, 1)[first],
        reason="Rettet",
        expected_version=score.version,
        user=w.eva,
    )
    change_status(e, "submit", w.eva)
    change_status(e, "publish", w.second, "", confirm_missing=True)
    e.refresh_from_db()
    assert e.published_version == 2
    return w


def _file(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as stream:
        return stream.read()


def _value(row, field):
    value = getattr(row, field.name)
    if field.is_relation and value is not None:
        if field.related_model is User:
            return value.username
        if field.related_model is Finding:
            return value.text
        return getattr(value, "code", None) or getattr(value, "key", None)
    if hasattr(value, "open") and hasattr(value, "name"):
        return _file(value)
    return value


def _fields(row, skip=()) -> dict:
    values = {
        f.name: _value(row, f)
        for f in row._meta.concrete_fields
        if not f.primary_key and f.name not in ("evaluation", "municipality", *skip)
    }
    for m2m in row._meta.many_to_many:
        related = getattr(row, m2m.name).all()
        values[m2m.name] = sorted(
            getattr(r, "code", None) or getattr(r, "username", None) or r.text for r in related
        )
    return values


def every_row(evaluation: Evaluation) -> dict:
    """Every field of every row of the evaluation (ids and the municipality aside)."""
    rows = {"evaluation": _fields(evaluation, skip=("revision",))}
    for model in ROW_MODELS:
        rows[model.__name__] = [
            _fields(r) for r in model.objects.filter(evaluation=evaluation).order_by("id")
        ]
    rows["history"] = [
        _fields(r) for r in AuditEntry.objects.filter(evaluation=evaluation).order_by("id")
    ]
    rows["versions"] = [
        _fields(r) for r in PublishedVersion.objects.filter(evaluation=evaluation).order_by("id")
    ]
    rows["group"] = report_group(evaluation).name
    report = build_report(evaluation)
    rows["figures"] = (report.result, [a.result for a in report.areas])
    return rows


def remove_evaluation(evaluation: Evaluation) -> None:
    """Take the evaluation and everything of it out of the database (no app does this)."""
    for model in (ReviewComment, AuditEntry, PublishedVersion, Score):
        model.objects.filter(evaluation=evaluation).delete()
    evaluation.delete()


def counts() -> dict:
    models = [Evaluation, AuditEntry, PublishedVersion, User, ComparisonGroup, *ROW_MODELS]
    return {model.__name__: model.objects.count() for model in models}


def test_a_round_trip_into_an_empty_instance_gives_the_same_evaluation(rich):
    w = rich
    evaluation = w.draft
    before = every_row(evaluation)
    assert before["versions"][0]["pdf"] and before["Evidence"][0]["file"]
    content = export_evaluation(evaluation)
    revision = Evaluation.objects.get(pk=evaluation.pk).revision

    # An empty instance: the evaluation and its people are gone; the framework and the
    # municipality are there.
    remove_evaluation(evaluation)
    User.objects.filter(username__in=["eva", "second"]).delete()
    with translation.override("en"):
        summary = import_file(io.BytesIO(content), user=w.admin)

    imported = summary.evaluation
    assert sorted(summary.created_users) == ["eva", "second"]
    assert summary.matched_users == ["rita"]
    assert not User.objects.get(username="eva").is_active
    assert not User.objects.get(username="eva").has_usable_password()
    after = every_row(imported)
    last = after["history"].pop()
    assert last["action"] == AuditEntry.Action.IMPORTED
    assert last["user"] == "admin"
    assert after == before
    imported.refresh_from_db()
    assert imported.revision == revision + 1  # the import is a change
    assert ComparisonGroup.objects.filter(name="Nabokommuner").count() == 1


def test_the_same_evaluation_gives_the_same_bytes_apart_from_the_creation_time(world, media):
    w = world
    add_scores(w.draft, all_levels(w.draft, 1, 5))
    first, second = export_evaluation(w.draft), export_evaluation(w.draft)
    read_first, read_second = unzip(first), unzip(second)
    manifests = [json.loads(r.pop("manifest.json")) for r in (read_first, read_second)]
    for manifest in manifests:
        manifest.pop("created")
    assert read_first == read_second and manifests[0] == manifests[1]
    assert list(read_first) == sorted(read_first)


# Refusals. A small bundle of a draft is enough; each is checked to write nothing.


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def rezip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def small(world, media):
    """The bundle of Fjordvik 2026 (a draft with a few scores), and Fjordvik taken out so the
    bundle could go in."""
    add_scores(world.draft, all_levels(world.draft, 1, 3))
    content = export_evaluation(world.draft)
    remove_evaluation(world.draft)
    return content


def refused(content: bytes, **options) -> BundleError:
    before = counts()
    with translation.override("en"), pytest.raises(BundleError) as caught:
        import_file(io.BytesIO(content), user=None, **options)
    assert counts() == before
    return caught.value


def test_the_small_bundle_imports(small, world):
    summary = import_file(io.BytesIO(small), user=None)
    assert summary.evaluation.scores.count() == 3


def test_a_tampered_member_is_refused_by_its_checksum(small):
    members = unzip(small)
    members["scores.json"] = members["scores.json"].replace(b'"Grunn', b'"Gronn')  # same size
    error = refused(rezip(members))
    assert error.member == "scores.json"
    assert "checksum" in str(error) and "scores.json" in str(error)


def test_a_truncated_bundle_is_refused(small):
    error = refused(small[: len(small) // 2])
    assert "damaged or cut short" in str(error)


def test_a_damaged_member_is_refused_by_name(small):
    members = unzip(small)
    name = "scores.json"
    raw = bytearray(rezip(members))
    start = raw.index(b"Grunn")  # stored uncompressed by rezip: flip bytes in the data
    raw[start : start + 5] = b"XXXXX"
    error = refused(bytes(raw))
    assert error.member == name


def test_a_newer_format_version_is_refused_saying_which_version_is_read(small):
    members = unzip(small)
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = bundle_format.FORMAT_VERSION + 1
    members["manifest.json"] = json.dumps(manifest).encode()
    error = refused(rezip(members))
    assert f"it reads format version {bundle_format.FORMAT_VERSION}" in str(error)


def test_another_format_is_refused(small):
    members = unzip(small)
    manifest = json.loads(members["manifest.json"])
    manifest["format"] = "something-else"
    members["manifest.json"] = json.dumps(manifest).encode()
    assert "not an evaluation bundle" in str(refused(rezip(members)))


def rebuilt(content: bytes, change) -> bytes:
    """The bundle made again from its members after `change(members, header)` (valid sums)."""
    members = unzip(content)
    manifest = json.loads(members.pop("manifest.json"))
    header = {k: v for k, v in manifest.items() if k not in ("members", "format")}
    change(members, header)
    return bundle_format.build(members, header)


def test_a_framework_version_missing_here_is_refused_with_what_to_load(small):
    def other_checksum(members, header):
        header["evaluation"]["framework"]["checksum"] = "0" * 64

    error = refused(rebuilt(small, other_checksum))
    assert "Load that framework version" in str(error)
    assert "kommunekompass framework load" in str(error)


def test_an_evaluation_that_exists_here_is_not_imported_over(small, world):
    import_file(io.BytesIO(small), user=None)
    error = refused(small)
    assert "already has an evaluation of 2026" in str(error)


def test_a_municipality_missing_here_is_refused(small):
    error = refused(small, municipality_number="0000")
    assert "does not exist here" in str(error)


def test_a_path_traversal_name_is_refused(small):
    members = unzip(small)
    members["../evil.txt"] = b"x"
    error = refused(rezip(members))
    assert error.member == "../evil.txt" and "not allowed" in str(error)


@pytest.mark.parametrize("name", ["/etc/passwd", "evidence\\x.pdf", "a/../../b"])
def test_unsafe_names_are_not_allowed(name):
    assert not bundle_format.is_safe_name(name)


def test_extra_and_missing_members_are_refused(small):
    members = unzip(small)
    extra = dict(members, **{"extra.txt": b"x"})
    assert "not listed in the manifest" in str(refused(rezip(extra)))
    del members["findings.json"]
    assert "listed in the manifest but missing" in str(refused(rezip(members)))


def test_an_oversized_member_or_bundle_is_refused(small):
    with translation.override("en"):
        with pytest.raises(BundleError, match="too large"):
            check_bundle(io.BytesIO(small), limits=Limits(member_size=100))
        with pytest.raises(BundleError, match="too large unpacked"):
            check_bundle(io.BytesIO(small), limits=Limits(total_size=1000))
        with pytest.raises(BundleError, match="at most 3 are accepted"):
            check_bundle(io.BytesIO(small), limits=Limits(members=3))


def test_a_header_that_understates_a_member_size_is_caught(small):
    # A zip bomb says its members are small: the member is never read beyond what it says.
    members = unzip(small)
    raw = bytearray(rezip(members))
    name = b"scores.json"
    central = raw.index(b"PK\x01\x02")  # the central directory's first record
    while raw[central + 46 : central + 46 + len(name)] != name:
        central = raw.index(b"PK\x01\x02", central + 4)
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")  # uncompressed size
    error = refused(bytes(raw))
    assert error.member == "scores.json" and "damaged" in str(error)


def test_a_row_naming_an_unknown_question_is_refused_by_member_and_row(small):
    def unknown_question(members, header):
        scores = json.loads(members["scores.json"])
        scores[1]["question"] = "99.9.9"
        members["scores.json"] = bundle_format.to_json(scores)

    error = refused(rebuilt(small, unknown_question))
    assert "scores.json, row 2" in str(error) and "99.9.9" in str(error)


def _change_json(member, change):
    def apply(members, header):
        value = json.loads(members[member])
        change(value)
        members[member] = bundle_format.to_json(value)

    return apply


@pytest.mark.parametrize(
    "member, change, message",
    [
        ("scores.json", lambda rows: rows[0]["levels"].update(x=9), "scores.json, row 1"),
        ("scores.json", lambda rows: rows[0].update(levels=[1]), "scores.json, row 1"),
        ("evaluation.json", lambda row: row.update(source="x" * 301), "at most 300"),
        ("people.json", lambda rows: rows.update({"bad name!": {}}), "not a valid user name"),
        ("findings.json", lambda rows: rows.append({"id": 1}), "findings.json, row 1"),
        ("history.json", lambda rows: rows.append([]), "history.json"),
    ],
)
def test_rows_that_do_not_fit_are_refused_by_member(small, member, change, message):
    error = refused(rebuilt(small, _change_json(member, change)))
    assert message in str(error)


# The command line


def test_the_commands_export_and_import_into_another_municipality(world, media, tmp_path, client):
    w = world
    add_scores(w.published, all_levels(w.published, 2, 4))
    path = tmp_path / "fjordvik.zip"
    out = io.StringIO()
    call_command("export-evaluation", str(w.published.pk), "-o", str(path), stdout=out)
    assert f"Skrev {path} (" in out.getvalue()  # in bokmål unless told otherwise
    out = io.StringIO()
    with translation.override("en"):  # the command line speaks bokmål unless told otherwise
        call_command("import-evaluation", str(path), "--municipality", "9902", stdout=out)
    text = out.getvalue()
    assert "Checking the bundle's members and checksums" in text  # the steps are shown
    imported = Evaluation.objects.get(municipality=w.nordhei, year=2023)
    assert f"Imported evaluation {imported.pk}" in text
    assert "Imported: 4 scores, " in text and "1 published version" in text
    assert imported.scores.count() == 4 and imported.is_published
    assert imported.versions.count() == w.published.versions.count()
    # published there, so public here at once, from its frozen version
    assert client.get(reverse("reports:report", args=[imported.pk])).status_code == 200


def test_the_import_command_refuses_with_the_member_and_writes_nothing(small, tmp_path):
    members = unzip(small)
    members["team.json"] = b"{}"
    path = tmp_path / "tampered.zip"
    path.write_bytes(rezip(members))
    before = counts()
    with translation.override("en"), pytest.raises(CommandError, match=r"team\.json"):
        call_command("import-evaluation", str(path))
    assert counts() == before
