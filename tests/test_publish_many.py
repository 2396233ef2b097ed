"""Publishing many evaluations at once (an import's, the demo's synthetic set): the batch
snapshots equal the single ones, every evaluation gets its version and history, and an import
stays all or nothing.

The rule of a batch (workflow.publish_imported_many): the whole batch is published at one
moment, so every snapshot sees the others as published, whatever their order. Each snapshot
equals what `snapshots.build` gives for its evaluation once the batch is published.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunekompass.comparisons.models import ComparisonGroup, ReportGroup
from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.audit import entry, record, record_many
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Finding,
    Interview,
    Municipality,
    Priority,
    PublishedVersion,
    ReportedPoints,
    Score,
)
from kommunekompass.evaluations.services.workflow import (
    freeze_published,
    freeze_published_many,
    publish_imported,
    publish_imported_many,
)
from kommunekompass.frameworks.models import FocusArea, Question
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.models import ImportBatch
from tests.factories import make_municipality, make_user

COUNTIES = ["Vestland", "Trøndelag", ""]


def assert_same_data(batch: dict, single: dict, label="") -> None:
    """Field by field, so a difference names the field."""
    assert batch.keys() == single.keys(), label
    for key in single:
        assert batch[key] == single[key], f"{label}: {key}"


def single_builds(evaluations) -> dict:
    """What the single builder gives for each evaluation as the database stands."""
    return {
        e.pk: snapshots.build(Evaluation.objects.with_framework().get(pk=e.pk)) for e in evaluations
    }


def add_levels(evaluation, levels_by_code: dict, reason="") -> None:
    questions = {q.code: q for q in evaluation.framework.questions.all()}
    Score.objects.bulk_create(
        Score(evaluation=evaluation, question=questions[code], levels=levels, reason=reason)
        for code, levels in levels_by_code.items()
    )


def some_levels(spec, count: int, level: int) -> dict:
    return {
        q.code: {d.code: sorted(d.values)[level % len(d.values)] for d in q.scheme.dimensions}
        for q in spec.questions[:count]
    }


def new_evaluation(municipality, framework, year, kind: str, strength: int, status="draft"):
    evaluation = Evaluation.objects.create(
        municipality=municipality,
        framework=framework,
        year=year,
        status=status,
        result_level={"q": "question", "a": "area", "t": "total"}[kind],
    )
    if kind == "q":
        add_levels(evaluation, some_levels(framework.spec, 10 + 7 * strength, strength), "Grunn")
    elif kind == "a":
        areas = FocusArea.objects.filter(framework=framework).order_by("code")
        ReportedPoints.objects.bulk_create(
            ReportedPoints(evaluation=evaluation, focus_area=area, points=strength + index)
            for index, area in enumerate(areas)
        )
    else:
        ReportedPoints.objects.create(evaluation=evaluation, points=40 + strength)
    return evaluation


@st.composite
def scenarios(draw):
    """Municipalities in counties, earlier published rounds, and a batch of new evaluations
    (question, area or total level) in a random order, some with a chosen comparison group."""
    counties = draw(st.lists(st.sampled_from(COUNTIES), min_size=2, max_size=5))
    years = [2015, 2018, 2021, 2024]
    slots = [(m, y) for m in range(len(counties)) for y in years]
    taken = draw(st.lists(st.sampled_from(slots), unique=True, min_size=1, max_size=10))
    split = draw(st.integers(min_value=0, max_value=len(taken) - 1))
    kinds = draw(st.lists(st.sampled_from("qat"), min_size=len(taken), max_size=len(taken)))
    strengths = draw(
        st.lists(st.integers(0, 3), min_size=len(taken), max_size=len(taken)),
    )
    groups = draw(
        st.lists(
            st.sampled_from([None, "county-Vestland", "custom", "country-NO"]),
            min_size=len(taken),
            max_size=len(taken),
        )
    )
    return counties, taken, split, kinds, strengths, groups


def make_scenario(framework, scenario):
    counties, taken, split, kinds, strengths, groups = scenario
    municipalities = [
        make_municipality(f"Kommune {index}", f"98{index:02d}", county=county)
        for index, county in enumerate(counties)
    ]
    custom = ComparisonGroup.objects.create(name="Naboer")
    custom.municipalities.add(*municipalities[:2])
    earlier, batch = [], []
    for index, (m, year) in enumerate(taken):
        published = index < split
        evaluation = new_evaluation(
            municipalities[m],
            framework,
            year,
            kinds[index],
            strengths[index],
            status="published" if published else "draft",
        )
        if groups[index] == "custom":
            ReportGroup.objects.create(evaluation=evaluation, custom_group=custom)
        elif groups[index]:
            ReportGroup.objects.create(evaluation=evaluation, key=groups[index])
        (earlier if published else batch).append(evaluation)
    if earlier:
        freeze_published_many(earlier)
    return batch


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios(), reverse=st.booleans())
def test_batch_snapshots_equal_single_ones_whatever_the_order(
    db, kommunekompass_framework, scenario, reverse
):
    with transaction.atomic():
        batch = make_scenario(kommunekompass_framework, scenario)
        if reverse:
            batch.reverse()
        versions = publish_imported_many(batch, None, "Imported from test.csv")
        assert [v.evaluation_id for v in versions] == [e.pk for e in batch]
        single = single_builds(batch)
        for version in versions:
            version.refresh_from_db()  # as stored, through JSON
            assert_same_data(version.data, single[version.evaluation_id], str(version))
        transaction.set_rollback(True)


def test_batch_builder_equals_the_single_builder_with_everything_a_report_holds(
    programme, kommunekompass_framework
):
    """Findings, interviews, evaluators, priorities, reasons, a chosen group, earlier rounds
    and the projects of the previous evaluation: build_many gives what build gives."""
    w = programme
    w.project.public = True
    w.project.save()
    add_levels(w.draft, some_levels(w.framework.spec, 30, 2), "Fordi")
    add_levels(w.nordhei_draft, some_levels(w.framework.spec, 20, 1))
    area = FocusArea.objects.get(framework=w.framework, code="2")
    finding = Finding.objects.create(
        evaluation=w.draft, focus_area=area, kind="challenge", text="Svak brukerdialog"
    )
    finding.questions.add(Question.objects.get(framework=w.framework, code="2.1.1"))
    Priority.objects.create(evaluation=w.draft, text="Bedre brukerdialog", position=1)
    Priority.objects.create(evaluation=w.draft, text="Mer opplæring", position=2)
    Interview.objects.create(
        evaluation=w.draft, role="mayor", date=datetime.date(2026, 3, 1), held=True
    )
    w.draft.evaluators.add(make_user("anne", evaluator=True))
    ReportGroup.objects.create(evaluation=w.nordhei_draft, key="country-NO")
    evaluations = list(Evaluation.objects.with_framework().filter(status="draft"))
    batch = snapshots.build_many(evaluations)
    single = single_builds(evaluations)
    assert batch.keys() == single.keys()
    for pk in single:
        assert_same_data(batch[pk], single[pk], str(pk))
    draft = batch[w.draft.pk]
    assert draft["previous_year"] == 2023
    assert draft["areas"][7]["earlier_projects"][0]["title"] == "Nærvær i hjemmetjenesten"
    assert draft["priorities"] == ["Bedre brukerdialog", "Mer opplæring"]
    assert batch[w.nordhei_draft.pk]["group"]["key"] == "country-NO"


def test_without_a_batch_builder_each_is_built_alone(world, monkeypatch):
    monkeypatch.setattr(snapshots, "_batch_builder", None)
    evaluations = [world.draft, world.nordhei_draft]
    progress = []
    built = snapshots.build_many(evaluations, lambda done, total: progress.append((done, total)))
    assert built == single_builds(evaluations)
    assert progress == [(1, 2), (2, 2)]


def test_publishing_many_writes_a_version_and_history_for_each(world):
    municipalities = Municipality.objects.filter(pk__in=[world.fjordvik.pk, world.nordhei.pk])
    created = [
        new_evaluation(m, world.framework, 2019, kind, 2)
        for m, kind in zip(municipalities, "qa", strict=True)
    ]
    revisions = {e.pk: e.revision for e in created}
    versions = publish_imported_many(created, world.admin, "Imported from x.csv")
    assert len(versions) == 2
    for evaluation, version in zip(created, versions, strict=True):
        evaluation.refresh_from_db()
        assert evaluation.status == "published" and evaluation.published_version == 1
        assert evaluation.revision == revisions[evaluation.pk] + 1
        assert (version.number, version.published_alone, version.approved_by_name) == (1, True, "")
        assert version.published_by == world.admin
        assert version.published_at == evaluation.published_at
        assert version.spec_checksum == world.framework.checksum
        assert version.reason == "" and version.changes == []
        entry_ = evaluation.audit.get()
        assert (entry_.action, entry_.subject, entry_.note) == (
            "status",
            "import",
            "Imported from x.csv",
        )
        assert (entry_.old, entry_.new, entry_.user) == (
            {"status": "draft"},
            {"status": "published"},
            world.admin,
        )
    # The whole batch at one moment.
    assert versions[0].published_at == versions[1].published_at


def test_the_batch_gives_what_one_after_the_other_gives_for_the_last(world):
    """Published one by one, the last one sees all the others, as every one does in a batch."""
    spec = world.framework.spec
    first = new_evaluation(world.nordhei, world.framework, 2019, "q", 1)
    last = new_evaluation(world.fjordvik, world.framework, 2019, "q", 3)
    with transaction.atomic():
        publish_imported(first, None)
        one_by_one = publish_imported(last, None).data
        transaction.set_rollback(True)
    first.refresh_from_db()
    last.refresh_from_db()
    together = publish_imported_many([first, last], None)[1].data
    assert_same_data(
        {**together, "evaluation": {**together["evaluation"], "published_at": None}},
        {**one_by_one, "evaluation": {**one_by_one["evaluation"], "published_at": None}},
    )
    assert spec.questions  # the framework is the real one


def test_record_many_moves_the_revision_on_as_record_does(world):
    one, other = world.draft, world.nordhei_draft
    before = {e.pk: Evaluation.objects.get(pk=e.pk).revision for e in (one, other)}
    record_many(
        [
            entry(one, world.eva, AuditEntry.Action.DETAILS, "a"),
            entry(one, world.eva, AuditEntry.Action.DETAILS, "b"),
            entry(other, None, AuditEntry.Action.DETAILS, "c", note="n"),
        ]
    )
    record(other, world.eva, AuditEntry.Action.DETAILS, "d")
    after = {e.pk: Evaluation.objects.get(pk=e.pk).revision for e in (one, other)}
    assert after == {one.pk: before[one.pk] + 2, other.pk: before[other.pk] + 2}
    assert list(one.audit.order_by("id").values_list("subject", "user")) == [
        ("a", world.eva.pk),
        ("b", world.eva.pk),
    ]
    assert other.audit.get(subject="c").municipality_id == world.nordhei.pk


def test_freezing_many_equals_freezing_one_by_one(world):
    created = [
        new_evaluation(m, world.framework, 2017, kind, 1, status="published")
        for m, kind in ((world.fjordvik, "q"), (world.nordhei, "t"))
    ]
    stamp = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Evaluation.objects.filter(pk__in=[e.pk for e in created]).update(published_at=stamp)
    with transaction.atomic():
        alone = {e.pk: freeze_published(e).data for e in created}
        transaction.set_rollback(True)
    versions = freeze_published_many(created + [world.draft, world.published])
    assert [v.evaluation_id for v in versions] == [e.pk for e in created]  # the others: left
    for version in versions:
        version.refresh_from_db()
        assert version.number == 1 and not version.published_alone
        assert_same_data(version.data, alone[version.evaluation_id], str(version))
    assert freeze_published_many(created) == []


@pytest.fixture
def two_municipalities(db, kommunekompass_framework):
    return [make_municipality("Fjordvik kommune", "9901"), make_municipality("Nordhei", "9902")]


def results_file() -> bytes:
    lines = ["kommunenummer;år;kode;poeng"]
    for number in ("9901", "9902"):
        for year in (2015, 2019):
            lines += [f"{number};{year};{area};{5 * area}" for area in range(1, 9)]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_publishes_every_evaluation_with_its_history(two_municipalities):
    outcome = import_results(results_file(), "r.csv", default_framework=("kommunekompass", "2020"))
    assert outcome.written and len(outcome.evaluation_ids) == 4
    for evaluation in Evaluation.objects.filter(pk__in=outcome.evaluation_ids):
        assert evaluation.status == "published" and evaluation.published_version == 1
        assert evaluation.revision == 2  # created, published: two entries
        assert list(evaluation.audit.order_by("id").values_list("action", "subject")) == [
            ("created", str(evaluation)),
            ("status", "import"),
        ]
        version = evaluation.versions.get()
        assert_same_data(version.data, snapshots.build(evaluation), str(evaluation))
        rounds = [point[0] for point in version.data["areas"][0]["history"]]
        assert rounds == ([2015] if evaluation.year == 2015 else [2015, 2019])


def test_an_error_while_publishing_writes_nothing(two_municipalities, monkeypatch):
    def broken(evaluations, progress=None):
        raise RuntimeError("the builder broke half way")

    monkeypatch.setattr(snapshots, "_batch_builder", broken)
    with pytest.raises(RuntimeError):
        import_results(results_file(), "r.csv", default_framework=("kommunekompass", "2020"))
    assert not Evaluation.objects.exists()
    assert not Score.objects.exists() and not ReportedPoints.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not PublishedVersion.objects.exists()
    assert not ImportBatch.objects.exists()


def test_an_error_in_the_middle_of_the_versions_writes_nothing(two_municipalities, monkeypatch):
    from kommunekompass.evaluations.services import workflow

    real = workflow._version
    made = []

    def failing(current, *args, **kwargs):
        made.append(current.pk)
        if len(made) == 3:
            raise RuntimeError("the third version failed")
        return real(current, *args, **kwargs)

    monkeypatch.setattr(workflow, "_version", failing)
    with pytest.raises(RuntimeError):
        import_results(results_file(), "r.csv", default_framework=("kommunekompass", "2020"))
    assert len(made) == 3
    assert not Evaluation.objects.exists() and not PublishedVersion.objects.exists()
    assert not AuditEntry.objects.exists() and not ImportBatch.objects.exists()
