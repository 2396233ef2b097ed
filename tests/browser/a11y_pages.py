"""The data and the pages of the accessibility test (test_accessibility.py): what each role
sees, built once for the module."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from kommunekompass.evaluations.models import Score
from tests.conftest import make_world, shipped
from tests.factories import make_evaluation, make_user
from tests.improvement_world import make_programme


def build_world():
    """Everything the pages need: a draft with scores, interviews, evidence, findings and a way
    forward; an evaluation in review with a reviewer's comment; a published evaluation with two
    versions; an improvement programme; an import; the forecast's statistics."""
    from django.contrib.auth.models import Permission
    from django.contrib.auth.tokens import default_token_generator
    from django.core import mail
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from kommunekompass.comparisons.services import create_group
    from kommunekompass.evaluations.models import Finding, Priority
    from kommunekompass.evaluations.services.evidence import add_evidence
    from kommunekompass.evaluations.services.interviews import add_interview
    from kommunekompass.evaluations.services.review import add_comment
    from kommunekompass.evaluations.services.workflow import change_status
    from kommunekompass.forecasts.services import load_statistics
    from kommunekompass.frameworks.models import FocusArea
    from kommunekompass.imports.applying import import_results
    from kommunekompass.imports.models import ImportBatch
    from kommunekompass.people.reminders import send_reminders
    from kommunekompass.people.services import invite
    from tests.improvement_world import TODAY

    w = make_world(shipped("kommunekompass"))
    w.fjordvik.number = "5027"  # the forecast examples' municipality
    w.fjordvik.save()
    questions = {q.code: q for q in w.framework.questions.all()}
    area1 = FocusArea.objects.get(framework=w.framework, code="1")

    def scores(evaluation, codes, reason):
        Score.objects.bulk_create(
            Score(
                evaluation=evaluation,
                question=questions[code],
                levels={"system": 2, "scope": 1, "result": 3},
                reason=reason,
            )
            for code in codes
        )

    # The published evaluation gets a second version with scores and findings.
    change_status(w.published, "reopen", w.eva, "Poeng manglet")
    scores(w.published, [c for c in questions if c.startswith(("1.", "2.", "8."))], "Godt")
    Finding.objects.create(
        evaluation=w.published, focus_area=area1, kind="strength", text="Åpne resultater."
    )
    change_status(w.published, "submit", w.eva)
    change_status(w.published, "publish", w.admin, confirm_missing=True)

    # The draft: work in progress of every kind.
    scores(w.draft, ["1.1.1", "1.1.2", "1.2.1"], "Delvis på plass.")
    add_interview(
        evaluation=w.draft,
        user=w.eva,
        role="chief_executive",
        date=datetime.date(2026, 2, 10),
        held=True,
        participants="Kommunedirektøren",
        notes="Styringssystemet er kjent.",
        questions=[questions["1.1.1"]],
    )
    add_evidence(
        evaluation=w.draft,
        user=w.eva,
        title="Årsrapport 2025",
        url="https://example.org/arsrapport.pdf",
        questions=[questions["1.1.1"]],
    )
    Finding.objects.create(
        evaluation=w.draft, focus_area=area1, kind="challenge", text="Lite kjent plan."
    )

    # Nordhei's draft is in review; Rita reviews it and has commented on a question.
    w.rita = make_user("rita", evaluator=True)
    w.nordhei_draft.reviewers.add(w.rita)
    scores(w.nordhei_draft, ["1.1.1"], "Ok.")
    change_status(w.nordhei_draft, "submit", w.otto)
    w.comment = add_comment(
        evaluation=w.nordhei_draft,
        user=w.rita,
        text="Hva bygger nivået på?",
        question=questions["1.1.1"],
    )

    # The way forward's priority links a focus area and a finding.
    w.priority = Priority.objects.create(evaluation=w.draft, position=1, text="Styrk kontrollen.")
    w.priority.focus_areas.add(area1)
    w.priority.findings.add(w.draft.findings.get())
    # A draft just made: nothing refers to it, so its framework may change and it may go.
    w.empty_draft = make_evaluation(w.fjordvik, w.framework, evaluators=[w.eva], year=2027)
    w.group = create_group(
        w.eva,
        name="Fjordviks naboer",
        visibility="municipality",
        municipality=w.fjordvik,
        members=[w.fjordvik, w.nordhei],
    )

    make_programme(w)
    for user in (w.reader, w.coordinator, w.eva):
        user.email = f"{user.username}@example.org"
        user.save()
    send_reminders(today=TODAY)
    # An invitation waiting for its answer (mailed when it is committed), a password reset link.
    invite(
        user=w.coordinator,
        municipality=w.fjordvik,
        email="kari@example.org",
        role="reader",
        language="nb",
        first_name="Kari",
    )
    w.invitation_token = re.search(r"/people/invitation/(\w+)/", mail.outbox[-1].body)[1]
    uid = urlsafe_base64_encode(force_bytes(w.reader.pk))
    token = default_token_generator.make_token(w.reader)
    w.reset_link = f"/accounts/password/reset/{uid}/{token}/"
    w.eva.user_permissions.add(
        Permission.objects.get(codename="import_results"),
        Permission.objects.get(codename="load_statistics"),
    )
    examples = Path(__file__).resolve().parents[2] / "src/kommunekompass/forecasts/examples"
    load_statistics(
        None, (examples / "ssb-14288-synthetic.json").read_bytes(), "ssb.json", system=True
    )
    load_statistics(None, (examples / "ks-costs-synthetic.csv").read_bytes(), "k.csv", system=True)
    outcome = import_results(
        "kommunenummer;år;kode;poeng\n5027;2019;total;600\n".encode(),
        "fjordvik-2019.csv",
        default_framework=("kommunekompass", "2020"),
        user=w.eva,
    )
    assert outcome.written, outcome.plan.errors
    w.batch = ImportBatch.objects.get(pk=outcome.batch_id)
    # An upload checked by its job, waiting for the confirmation (its plan on the run).
    from kommunekompass.imports.models import ImportRun
    from kommunekompass.imports.runs import plan_record

    checked = import_results(
        "kommunenummer;år;kode;poeng\n5027;2018;total;590\n".encode(),
        "fjordvik-2018.csv",
        default_framework=("kommunekompass", "2020"),
        dry_run=True,
    )
    assert checked.plan.ok, checked.plan.errors
    w.run = ImportRun.objects.create(
        created_by=w.eva,
        file_name="fjordvik-2018.csv",
        sha256=checked.sha256,
        framework=w.framework,
        state="checked",
        plan=plan_record(checked.plan),
    )
    w.indicator.higher_is_better = False
    w.indicator.save()
    from kommunekompass.improvement.models import Measurement

    Measurement.objects.create(
        indicator=w.indicator, period_end=datetime.date(2026, 10, 31), value=Decimal("6.9")
    )
    # A survey with five answers (its threshold) and a council meeting on the published report.
    from kommunekompass.meetings.services import open_meeting
    from kommunekompass.surveys import services as surveys

    w.survey = surveys.create_survey(
        w.coordinator,
        w.fjordvik,
        title="Hjemmetjenesten 2026",
        audience="service_users",
        template="experienced_quality",
    )
    unit = surveys.add_unit(w.coordinator, w.survey, "Hjemmetjenesten sør")
    period = surveys.open_period(
        w.coordinator, w.survey, "Høst 2026", datetime.date(2026, 9, 1), TODAY
    )
    rated = [s for s in w.survey.statements.all() if s.kind != "text"]
    for _ in range(5):
        given = [surveys.Given(s, expectation=5, experience=4) for s in rated]
        surveys.submit_response(w.survey, period, unit, given)
    w.meeting = open_meeting(evaluation=w.published, user=w.eva, subject="focus_areas")
    return w


class Check(NamedTuple):
    """One page to check for a role. Every page is checked at 320 px with the menu open (so
    the menu's links are checked too); `wide` ones also at 1280 px: the first page of each
    role (its menu laid out in a row) and the pages whose layout has its own desktop form
    (columns, side panels, grids). Elsewhere the wider layout shows the same elements."""

    kind: str
    path: str
    status: int = 200
    wide: bool = False
    language: str = ""  # the page in another language than the default
    then: Callable | None = None  # a step on the page before the check (a form sent)
    shows: str = ""  # a selector the page must show: it is in the state its kind names


def send_form(selector, fields=None, validate=True, confirm=False):
    """A step: fill the form's fields and send it (without the browser's own checks when
    `validate` is False, to see the server's error messages; saying yes to its question when
    `confirm`)."""

    def step(page):
        if confirm:
            page.once("dialog", lambda dialog: dialog.accept())
        form = page.locator(selector).first
        for name, value in (fields or {}).items():
            form.locator(f"[name={name}]").fill(value)
        if not validate:
            form.evaluate("f => f.noValidate = true")
        with page.expect_navigation() as navigation:
            form.locator("button:not([type=button])").last.click()
        return navigation.value

    return step


def pages_by_role(w) -> dict[str, list[Check]]:
    """The pages each role sees; what differs by role is the reason a page is seen by more
    than one (read-only vs. editing forms, comments, menus, ...). A page kind whose template
    and content are the same for two roles is checked for one of them."""
    d, p, r, e = w.draft.pk, w.published.pk, w.nordhei_draft.pk, w.empty_draft.pk
    fw = f"/frameworks/{w.framework.key}/{w.framework.version}"
    project, indicator = w.project.pk, w.indicator.pk
    programme = f"/improvement/{w.fjordvik.pk}"
    people = f"/people/municipalities/{w.fjordvik.pk}/"
    groups = "/comparisons/groups"
    return {
        "anonymous": [
            Check("front page", "/", wide=True),
            Check("front page, searched", "/public/?q=fjord"),
            Check("login", "/accounts/login/"),
            Check(
                "survey answer form",
                f"/surveys/answer/{w.survey.open_token}/",
                shows="form.respond-form",
            ),
            Check("council meeting: join", "/m/", shows="main form"),
            Check("council meeting: vote", f"/m/{w.meeting.code}/", shows="form.meeting-vote"),
            Check("public report", f"/reports/{p}/", wide=True),
            Check(
                "public report in Swedish", f"/reports/{p}/", language="sv", shows="html[lang=sv]"
            ),
            Check("report version", f"/reports/{p}/v/1/"),
            Check("accessibility statement", "/accessibility/"),
            Check("open data", "/open-data/"),
            Check("password forgotten", "/accounts/password/forgotten/"),
            Check("password reset sent", "/accounts/password/forgotten/sent/"),
            Check("password reset: new password", w.reset_link, shows="#id_new_password1"),
            Check("password reset done", "/accounts/password/reset/done/"),
            Check(
                "invitation", f"/people/invitation/{w.invitation_token}/", shows="#id_new_password1"
            ),
            Check(
                "invitation with errors",
                f"/people/invitation/{w.invitation_token}/",
                status=422,
                then=send_form("main form", validate=False),
                shows="#invitation-form .error",
            ),
            Check("error 404", f"/reports/{d}/", status=404),
        ],
        "reader": [
            Check("home", "/", wide=True),
            Check("front page (signed in)", "/public/"),
            Check("evaluation list", "/evaluations/"),
            Check("overview", f"/evaluations/{p}/"),
            Check("scoring (read-only)", f"/evaluations/{p}/areas/1/", wide=True),
            Check("findings (read-only)", f"/evaluations/{p}/areas/8/findings/", wide=True),
            Check("improvement dashboard", f"{programme}/", wide=True),
            Check("project", f"/improvement/projects/{project}/"),
            Check("indicator", f"/improvement/indicators/{indicator}/"),
            Check("comparison groups", f"{groups}/"),
            Check("reminders", "/people/reminders/", shows=".reminder-list"),
            Check("preferences", "/people/preferences/"),
            Check("password change", "/accounts/password/"),
            Check("password changed", "/accounts/password/changed/"),
            Check("API tokens", "/accounts/api-tokens/"),
            Check(
                "API token shown once",
                "/accounts/api-tokens/",
                then=send_form("main form", {"name": "Power BI"}),
                shows="#token-secret",
            ),
            Check("error 403", "/evaluations/municipalities/", status=403),
        ],
        "coordinator": [
            Check("surveys", f"/surveys/municipality/{w.fjordvik.pk}/"),
            Check("survey", f"/surveys/{w.survey.pk}/", wide=True),
            Check(
                "survey results",
                f"/surveys/{w.survey.pk}/results/",
                wide=True,
                shows="#summary",
            ),
            Check(
                "council meeting, presenter view",
                f"/meetings/{w.meeting.pk}/",
                wide=True,
                shows="#tally",
            ),
            Check("home", "/", wide=True),
            Check("overview", f"/evaluations/{d}/"),
            Check("scoring (read-only)", f"/evaluations/{d}/areas/1/"),
            Check("findings (read-only)", f"/evaluations/{d}/areas/1/findings/"),
            Check("way forward (read-only)", f"/evaluations/{d}/way-forward/"),
            Check("draft report", f"/reports/{d}/"),
            Check("compare with today", f"/reports/{p}/today/"),
            Check("programme list", "/improvement/"),
            Check("improvement dashboard", f"{programme}/"),
            Check("groups", f"{programme}/groups/"),
            Check("group member", f"{programme}/groups/{w.member.pk}/"),
            Check("new project", f"{programme}/projects/new/?finding={w.weakness.pk}"),
            Check("programme history", f"{programme}/history/"),
            Check("forecast", "/forecasts/5027/"),
            Check("comparison groups", f"{groups}/"),
            Check("new comparison group", f"{groups}/new/"),
            Check("people index", "/people/"),
            Check("people", people, wide=True),
            Check(
                "invite form with errors",
                people,
                status=422,
                then=send_form("#invite-form", validate=False),
                shows="#invite-form .error-summary",
            ),
            Check("reminders", "/people/reminders/"),
            Check(
                "municipality edit (county, population)",
                f"/evaluations/municipalities/{w.fjordvik.pk}/",
            ),
        ],
        "evaluator": [
            Check("home", "/", wide=True),
            Check("evaluation list", "/evaluations/"),
            Check("new evaluation", "/evaluations/new/"),
            Check("municipalities", "/evaluations/municipalities/"),
            Check("overview and settings", f"/evaluations/{d}/"),
            Check(
                "overview with the details form",
                f"/evaluations/{e}/",
                shows="#details-form [name=framework]",
            ),
            Check("delete a draft", f"/evaluations/{e}/delete/", shows="#delete-form"),
            Check("scoring", f"/evaluations/{d}/areas/1/", wide=True),
            Check(
                "scoring in nynorsk",
                f"/evaluations/{d}/areas/1/",
                language="nn",
                shows="html[lang=nn]",
            ),
            Check("findings", f"/evaluations/{d}/areas/1/findings/", wide=True),
            Check("finding edit", f"/evaluations/{d}/findings/{w.draft.findings.first().pk}/"),
            Check("interviews", f"/evaluations/{d}/interviews/"),
            Check("interview edit", f"/evaluations/{d}/interviews/{w.draft.interviews.get().pk}/"),
            Check("evidence", f"/evaluations/{d}/evidence/"),
            Check("evidence edit", f"/evaluations/{d}/evidence/{w.draft.evidence.get().pk}/"),
            Check("way forward", f"/evaluations/{d}/way-forward/"),
            Check(
                "way forward edit, with links",
                f"/evaluations/{d}/way-forward/{w.priority.pk}/",
                shows="[name=focus_areas]:checked",
            ),
            Check("history", f"/evaluations/{d}/history/"),
            Check("comparison", "/comparisons/", wide=True),
            Check("municipality results", f"/comparisons/municipalities/{w.fjordvik.pk}/"),
            Check("comparison group edit", f"{groups}/{w.group.pk}/"),
            Check(
                "comparison group deleted (after the browser's own confirm dialog)",
                f"{groups}/{w.group.pk}/",
                then=send_form(".card form[data-confirm]", confirm=True),
                shows=".message.success",
            ),
            Check("frameworks", "/frameworks/"),
            Check("framework", f"{fw}/"),
            Check("framework area (questions)", f"{fw}/areas/1/"),
            Check("import upload", "/imports/"),
            Check("imports", "/imports/batches/"),
            Check("import", f"/imports/batches/{w.batch.pk}/"),
            Check("upload checked", f"/imports/runs/{w.run.pk}/", shows="#import-confirm"),
            Check("statistics", "/forecasts/statistics/"),
            Check("forecast", "/forecasts/5027/", wide=True),
        ],
        "reviewer": [
            Check("overview (in review)", f"/evaluations/{r}/", wide=True),
            Check("scoring with comments", f"/evaluations/{r}/areas/1/"),
            Check("review", f"/evaluations/{r}/review/"),
            Check("findings (in review)", f"/evaluations/{r}/areas/1/findings/"),
        ],
        "site admin": [
            Check("home", "/", wide=True),
            Check("evaluation list", "/evaluations/"),
            Check("review", f"/evaluations/{r}/review/"),
            Check("municipality history", f"/evaluations/municipalities/{w.fjordvik.pk}/history/"),
            Check("municipality edit", f"/evaluations/municipalities/{w.fjordvik.pk}/"),
            Check("imports", "/imports/batches/"),
            Check("bundle import", "/bundles/import/", shows="#bundle-import-form"),
            Check("people index", "/people/"),
        ],
        "project leader": [
            Check("home", "/", wide=True),
            Check("improvement dashboard", f"{programme}/"),
            Check("project", f"/improvement/projects/{project}/"),
            Check("project edit", f"/improvement/projects/{project}/edit/"),
            Check(
                "milestone edit", f"/improvement/projects/{project}/milestones/{w.milestone.pk}/"
            ),
            Check("indicator", f"/improvement/indicators/{indicator}/"),
            Check("indicator edit", f"/improvement/indicators/{indicator}/edit/"),
            Check("new indicator", f"/improvement/projects/{project}/indicators/new/"),
        ],
        "steering group": [
            Check("home", "/", wide=True),
            Check("improvement dashboard", f"{programme}/"),
            Check("project", f"/improvement/projects/{project}/"),
        ],
    }


USERNAMES = {
    "reader": "reader",
    "coordinator": "coordinator",
    "evaluator": "eva",
    "reviewer": "rita",
    "site admin": "admin",
    "project leader": "leader",
    "steering group": "steering",
}
