"""The importer or a site administrator withdraws what an import wrote: every evaluation of the
batch is withdrawn through the workflow, with the reason in its history, all or none; withdrawn
evaluations leave comparisons and their public report is not found. Nobody else may."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.evaluations.services.workflow import TransitionError
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.models import ImportBatch
from kommunekompass.imports.services import withdraw_batch
from tests.factories import make_municipality
from tests.test_import_pages import grant_import

FILE = (
    "kommunenummer;år;kode;poeng\n5027;2019;total;600\n5027;2015;total;560\n9902;2019;total;480\n"
)


@pytest.fixture
def imported(world, settings, tmp_path):
    """Otto (not on any team of these) imported three published total-only results."""
    settings.MEDIA_ROOT = tmp_path
    make_municipality("Midtre Gauldal kommune", "5027")
    grant_import(world.otto)
    grant_import(world.eva)
    outcome = import_results(
        FILE.encode(),
        "rangering.csv",
        default_framework=("kommunekompass", "2020"),
        user=world.otto,
    )
    assert outcome.written, outcome.plan.errors
    world.batch = ImportBatch.objects.get(pk=outcome.batch_id)
    world.imported = list(world.batch.evaluations.order_by("pk"))
    assert len(world.imported) == 3
    assert all(e.status == "published" for e in world.imported)
    return world


def statuses(world):
    return sorted(
        Evaluation.objects.filter(import_batches=world.batch).values_list("status", flat=True)
    )


def withdraw_url(world):
    return reverse("imports:withdraw", args=[world.batch.pk])


@pytest.mark.parametrize("who", ["otto", "admin"])
def test_the_importer_or_an_administrator_withdraws_the_results(client, imported, who):
    w = imported
    client.force_login(getattr(w, who))
    page = client.get(reverse("imports:batch", args=[w.batch.pk]))
    assert page.status_code == 200 and 'id="import-withdraw"' in page.content.decode()
    for evaluation in w.imported:  # public before
        assert client.get(reverse("reports:report", args=[evaluation.pk])).status_code == 200

    response = client.post(withdraw_url(w), {"note": "Feil fil: tallene er fra 2018."})
    assert response.status_code == 302
    assert response.url == reverse("imports:batch", args=[w.batch.pk])
    assert statuses(w) == ["withdrawn"] * 3
    entries = AuditEntry.objects.filter(
        evaluation__in=w.imported, action=AuditEntry.Action.WITHDRAWN
    )
    assert entries.count() == 3
    assert {(e.user_id, e.note) for e in entries} == {
        (getattr(w, who).pk, "Feil fil: tallene er fra 2018.")
    }
    # They leave comparisons and their public report.
    assert not Evaluation.objects.published().filter(pk__in=[e.pk for e in w.imported]).exists()
    assert not Evaluation.objects.public().filter(pk__in=[e.pk for e in w.imported]).exists()
    client.logout()
    for evaluation in w.imported:
        for url in (
            reverse("reports:report", args=[evaluation.pk]),
            reverse("reports:pdf", args=[evaluation.pk]),
            reverse("reports:version", args=[evaluation.pk, 1]),
        ):
            assert client.get(url).status_code == 404, url
    # The page no longer offers it.
    client.force_login(getattr(w, who))
    page = client.get(reverse("imports:batch", args=[w.batch.pk])).content.decode()
    assert 'id="import-withdraw"' not in page


def test_the_reason_is_required(client, imported):
    w = imported
    client.force_login(w.otto)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(withdraw_url(w), {"note": "  "})
    assert response.status_code == 400
    assert statuses(w) == ["published"] * 3
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(withdraw_url(w), {"note": "Fe\x0bil"})
    assert response.status_code == 400
    assert "Character 3 is a control character (U+000B)" in response.content.decode()
    assert statuses(w) == ["published"] * 3
    with pytest.raises(TransitionError):
        withdraw_batch(w.batch, w.otto, "")


@pytest.mark.parametrize("who", ["eva", "coordinator", "reader", "outsider", "nordhei_reader"])
def test_nobody_else_may_withdraw_them(client, imported, who):
    w = imported
    client.force_login(getattr(w, who))
    assert client.get(reverse("imports:batch", args=[w.batch.pk])).status_code == 404
    assert client.post(withdraw_url(w), {"note": "Borte"}).status_code == 404
    assert statuses(w) == ["published"] * 3
    with pytest.raises(PermissionDenied):
        withdraw_batch(w.batch, getattr(w, who), "Borte")
    assert statuses(w) == ["published"] * 3


def test_anonymous_visitors_are_sent_to_log_in(client, imported):
    w = imported
    response = client.post(withdraw_url(imported), {"note": "Borte"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(withdraw_url(w)).status_code in (302, 405)
    assert statuses(w) == ["published"] * 3


def test_withdrawing_needs_a_post(client, imported):
    client.force_login(imported.otto)
    assert client.get(withdraw_url(imported)).status_code == 405


def test_evaluations_changed_since_are_withdrawn_too_and_withdrawn_ones_are_left(imported):
    """One reopened by its team, one withdrawn already: the rest are withdrawn, once each."""
    from kommunekompass.evaluations.services.workflow import change_status

    w = imported
    first, second, third = w.imported
    change_status(first, "reopen", w.admin, "Retting")
    change_status(second, "withdraw", w.admin, "Dobbel")
    withdrawn = withdraw_batch(w.batch, w.otto, "Feil fil")
    assert sorted(e.pk for e in withdrawn) == [first.pk, third.pk]
    assert statuses(w) == ["withdrawn"] * 3
    assert (
        AuditEntry.objects.filter(evaluation=second, action=AuditEntry.Action.WITHDRAWN).count()
        == 1
    )


def test_all_or_none(imported, monkeypatch):
    """A failure on the last evaluation leaves the first ones as they were."""
    from kommunekompass.imports import services

    w = imported
    real = services.change_status
    calls = []

    def failing_on_the_third(evaluation, *args, **kwargs):
        calls.append(evaluation.pk)
        if len(calls) == 3:
            raise TransitionError("stop")
        return real(evaluation, *args, **kwargs)

    monkeypatch.setattr(services, "change_status", failing_on_the_third)
    with pytest.raises(TransitionError):
        withdraw_batch(w.batch, w.otto, "Feil fil")
    assert statuses(w) == ["published"] * 3
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.WITHDRAWN).exists()
