"""The improvement programme's one write path: every service validates, writes and records a
history entry with the values before and after; history outlives what it is about; the
database refuses what the forms would."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from kommunekompass.improvement import services
from kommunekompass.improvement.loop import loop_for
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    ProgrammeChange,
    Project,
    Risk,
)
from tests.improvement_world import TODAY


def last_change():
    return ProgrammeChange.objects.order_by("-id").first()


def test_starting_a_project_from_a_finding_records_the_plan(programme):
    w = programme
    project = services.start_project(
        w.coordinator,
        w.fjordvik,
        {"title": "  Nærvær  ", "status": "planned"},
        findings=[w.weakness],
    )
    assert project.title == "Nærvær"
    assert project.evaluation == w.published  # from the finding
    assert [a.code for a in project.focus_areas.all()] == ["8"]
    change = last_change()
    assert (change.action, change.project, change.user) == (
        "project_started",
        project,
        w.coordinator,
    )
    assert change.user_name == "Coordinator"
    assert change.old == {}
    assert change.new["title"] == "Nærvær"
    assert change.new["findings"] == ["For høyt sykefravær"]
    assert change.new["evaluation"]["id"] == w.published.pk


def test_a_project_answers_only_open_findings_of_published_evaluations(programme):
    w = programme
    before = Project.objects.count()
    for finding in (w.strength, w.draft_weakness):
        with pytest.raises(ValidationError) as problem:
            services.start_project(w.coordinator, w.fjordvik, {"title": "X"}, findings=[finding])
        assert "findings" in problem.value.error_dict
    with pytest.raises(ValidationError) as problem:
        services.start_project(w.coordinator, w.fjordvik, {"title": "X", "evaluation": w.draft})
    assert "evaluation" in problem.value.error_dict
    assert Project.objects.count() == before
    assert not ProgrammeChange.objects.exists()


def test_changing_the_plan_records_only_what_changed_and_checks_the_version(programme):
    w = programme
    services.change_plan(
        w.leader, w.project, {"status": "at_risk", "goal": "Ned til 6,5"}, version=1
    )
    w.project.refresh_from_db()
    assert (w.project.status, w.project.version) == ("at_risk", 2)
    change = last_change()
    assert change.action == "plan_changed"
    assert change.old == {"status": "running", "goal": ""}
    assert change.new == {"status": "at_risk", "goal": "Ned til 6,5"}

    with pytest.raises(services.StalePlan):
        services.change_plan(w.leader, w.project, {"status": "finished"}, version=1)
    w.project.refresh_from_db()
    assert (w.project.status, w.project.version) == ("at_risk", 2)
    assert ProgrammeChange.objects.count() == 1


def test_a_plan_that_ends_before_it_starts_is_refused_and_nothing_moves(programme):
    w = programme
    with pytest.raises(ValidationError) as problem:
        services.change_plan(
            w.leader,
            w.project,
            {"starts": TODAY, "ends": TODAY - datetime.timedelta(days=1)},
            version=1,
        )
    assert list(problem.value.error_dict) == ["ends"]
    w.project.refresh_from_db()
    assert (w.project.starts, w.project.version) == (None, 1)
    assert not ProgrammeChange.objects.exists()


ROWS = [
    (
        DecisionPoint,
        {"number": 2, "decision": "Videreført", "date": TODAY, "basis": ""},
        {"decision": "Avsluttet"},
        "decision",
    ),
    (
        Milestone,
        {"number": "MP2", "milestone": "Tiltak", "date": TODAY, "measurable_result": ""},
        {"reached": True},
        "milestone",
    ),
    (
        Risk,
        {"factor": "Turnover", "likelihood": 2, "impact": 4, "measure": ""},
        {"likelihood": 5},
        "risk",
    ),
    (
        Indicator,
        {"kind": "custom", "name": "Avvik", "baseline": Decimal("12.50"), "frequency": "yearly"},
        {"target": Decimal("20")},
        "indicator",
    ),
]


@pytest.mark.parametrize("model, fields, changes, prefix", ROWS)
def test_rows_are_added_changed_and_deleted_with_history(programme, model, fields, changes, prefix):
    w = programme
    row = services.add_row(w.leader, w.project, model, fields)
    assert model.objects.filter(pk=row.pk, project=w.project).exists()
    added = last_change()
    assert (added.action, added.project, added.old) == (f"{prefix}_added", w.project, {})
    assert added.subject == str(row)
    for key in fields:
        assert key in added.new

    row = services.change_row(w.leader, row, changes)
    changed = last_change()
    assert changed.action == f"{prefix}_changed"
    assert set(changed.new) == set(changes) == set(changed.old)
    for key, value in changes.items():
        assert getattr(model.objects.get(pk=row.pk), key) == value

    services.delete_row(w.coordinator, row)
    assert not model.objects.filter(pk=row.pk).exists()
    deleted = last_change()
    assert (deleted.action, deleted.new) == (f"{prefix}_deleted", {})
    assert deleted.old[next(iter(fields))] is not None
    assert ProgrammeChange.objects.filter(project=w.project).count() == 3


def test_decimals_are_stored_in_the_history_as_written(programme):
    w = programme
    services.add_row(w.leader, w.project, Indicator, ROWS[3][1])
    assert last_change().new["baseline"] == "12.5"


def test_a_risk_outside_one_to_five_is_refused_naming_the_field(programme):
    w = programme
    with pytest.raises(ValidationError) as problem:
        services.add_row(w.leader, w.project, Risk, {"factor": "X", "likelihood": 6})
    assert list(problem.value.error_dict) == ["likelihood"]
    with pytest.raises(ValidationError):
        services.change_row(w.leader, w.risk, {"impact": 0})
    assert Risk.objects.get(pk=w.risk.pk).impact == 3


def test_deleting_an_indicator_keeps_its_measurements_in_the_history(programme):
    w = programme
    services.delete_row(w.leader, w.indicator)
    change = last_change()
    assert change.action == "indicator_deleted"
    assert change.old["measurements"] == {"2026-09-30": "7.2"}
    assert not Measurement.objects.filter(pk=w.measurement.pk).exists()


def test_measurements_saved_changed_and_deleted_with_history(programme):
    w = programme
    services.save_measurement(w.leader, w.indicator, datetime.date(2026, 12, 31), Decimal("6.9"))
    added = last_change()
    assert added.action == "measurement_saved"
    assert added.old == {}
    assert added.new == {
        "period_end": "2026-12-31",
        "value": "6.9",
        "experience": None,
        "expectation": None,
    }
    services.save_measurement(w.leader, w.indicator, datetime.date(2026, 9, 30), Decimal("7.1"))
    changed = last_change()
    assert changed.old == {"period_end": "2026-09-30", "value": "7.2"}
    assert changed.new == {"period_end": "2026-09-30", "value": "7.1"}
    assert Measurement.objects.get(pk=w.measurement.pk).value == Decimal("7.1")
    services.delete_measurement(w.leader, Measurement.objects.get(pk=w.measurement.pk))
    deleted = last_change()
    assert (deleted.action, deleted.old["value"]) == ("measurement_deleted", "7.1")
    assert w.indicator.measurements.count() == 1


def test_an_import_is_one_history_entry_with_the_periods_before_and_after(programme):
    w = programme
    data = b"periode;verdi\n2026-Q3;7,0\n2026-Q4;6,8\n"
    outcome = services.import_measurements(w.leader, w.indicator, data, "fravær.csv")
    assert (outcome.problems, outcome.created, outcome.updated) == ([], 1, 1)
    change = last_change()
    assert change.action == "measurements_imported"
    assert change.old == {"measurements": {"2026-09-30": "7.2"}}
    assert change.new == {"measurements": {"2026-09-30": "7", "2026-12-31": "6.8"}}
    assert "fravær.csv" in change.note
    # a file with a problem writes nothing and records nothing
    count = ProgrammeChange.objects.count()
    outcome = services.import_measurements(w.leader, w.indicator, b"periode;verdi\nx;1\n", "f.csv")
    assert outcome.problems and ProgrammeChange.objects.count() == count
    # a dry run neither
    outcome = services.import_measurements(
        w.leader, w.indicator, b"periode;verdi\n2027-Q1;5\n", "f.csv", dry_run=True
    )
    assert outcome.created == 1 and ProgrammeChange.objects.count() == count
    assert not w.indicator.measurements.filter(period_end="2027-03-31").exists()


def test_members_and_their_linked_accounts_are_recorded_by_name(programme):
    w = programme
    member = services.add_member(
        w.coordinator,
        w.fjordvik,
        {"group": "project", "name": "Kari", "party": "union", "function": "member", "user": None},
    )
    assert last_change().new["user"] is None
    services.change_member(w.coordinator, member, {"user": w.reader, "function": "secretary"})
    change = last_change()
    assert change.action == "member_changed"
    assert change.old == {"function": "member", "user": None}
    assert change.new == {"function": "secretary", "user": {"id": w.reader.pk, "name": "Reader"}}
    services.remove_member(w.coordinator, member)
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    assert last_change().old["name"] == "Kari"
    with pytest.raises(ValidationError):
        services.add_member(
            w.coordinator, w.fjordvik, {"group": "board", "name": "X", "party": "union"}
        )


def test_only_coordinators_choose_what_is_public(programme):
    w = programme
    with pytest.raises(PermissionDenied):
        services.set_public(w.leader, w.project, True)
    assert not Project.objects.get(pk=w.project.pk).public
    services.set_public(w.coordinator, w.project, True)
    assert Project.objects.get(pk=w.project.pk).public
    change = last_change()
    assert (change.action, change.old, change.new) == (
        "publication_changed",
        {"public": False},
        {"public": True},
    )
    services.set_public(w.coordinator, w.project, True)  # no change, no entry
    assert ProgrammeChange.objects.count() == 1


def test_history_outlives_the_project_and_its_rows(programme):
    w = programme
    services.change_row(w.leader, w.milestone, {"reached": True})
    services.delete_row(w.leader, Milestone.objects.get(pk=w.milestone.pk))
    services.delete_project(w.coordinator, w.project)
    assert not Project.objects.filter(pk=w.project.pk).exists()
    changes = list(ProgrammeChange.objects.order_by("id"))
    assert [c.action for c in changes] == [
        "milestone_changed",
        "milestone_deleted",
        "project_deleted",
    ]
    assert all(c.project is None and c.project_title == "Nærvær i hjemmetjenesten" for c in changes)
    assert changes[1].subject == "MP1 Kartlegging ferdig"
    assert changes[2].old["title"] == "Nærvær i hjemmetjenesten"


def test_a_programme_with_history_cannot_be_deleted(programme):
    w = programme
    services.set_public(w.coordinator, w.project, True)
    with pytest.raises(ProtectedError):
        w.programme.delete()


@pytest.mark.parametrize(
    "model, field, value",
    [
        (Project, "status", "late"),
        (GroupMember, "party", "mayor"),
        (GroupMember, "group", "board"),
        (GroupMember, "function", "boss"),
        (Indicator, "kind", "magic"),
        (Indicator, "frequency", "daily"),
        (Risk, "likelihood", 9),
        (Risk, "impact", 0),
    ],
)
def test_the_database_refuses_values_outside_the_choices(programme, model, field, value):
    row = model.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})


def test_the_database_refuses_a_project_ending_before_it_starts(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=programme.project.pk).update(
            starts=TODAY, ends=TODAY - datetime.timedelta(days=1)
        )


def test_loop_for_gives_only_public_projects_and_only_what_a_report_shows(programme):
    w = programme
    private = services.start_project(
        w.coordinator, w.fjordvik, {"title": "Intern sak"}, findings=[w.weakness]
    )
    assert loop_for(w.published).answering == {}
    services.set_public(w.coordinator, w.project, True)
    loop = loop_for(w.published)
    entries = loop.answering["8"]
    assert [e.project.title for e in entries] == ["Nærvær i hjemmetjenesten"]
    shown = entries[0].project
    assert (shown.status, shown.get_status_display()) == (
        "running",
        str(Project.Status.RUNNING.label),
    )
    assert not hasattr(shown, "background") and not hasattr(shown, "project_leader")
    assert not hasattr(entries[0].indicators[0].indicator, "organisation_unit")
    assert private.pk not in [e.project.pk for e in entries]


def test_the_import_command_records_who_imported(programme, tmp_path):
    from django.core.management import call_command

    w = programme
    path = tmp_path / "fravær.csv"
    path.write_bytes(b"periode;verdi\n2026-Q4;6,8\n")
    call_command(
        "import-measurements", str(w.indicator.pk), str(path), "--user", "leader", stdout=None
    )
    change = last_change()
    assert (change.action, change.user) == ("measurements_imported", w.leader)
    assert change.new == {"measurements": {"2026-12-31": "6.8"}}
