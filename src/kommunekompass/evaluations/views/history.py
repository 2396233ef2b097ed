"""The history of an evaluation, and of a municipality's people, as people read it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.history_display import describe
from kommunekompass.evaluations.models import AuditEntry, Membership, Municipality

LIMIT = 500


def _lines(entries, spec):
    language = get_language() or "nb"
    return [{"entry": entry, "line": describe(entry, spec, language)} for entry in entries]


@login_required
def evaluation_history(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "manage")
    entries = evaluation.audit.select_related("user")[:LIMIT]
    return render(
        request,
        "evaluations/history.html",
        {
            "evaluation": evaluation,
            "access": access,
            "lines": _lines(entries, evaluation.framework.spec),
        },
    )


@login_required
def municipality_history(request, municipality_id):
    """Who was given which role in the municipality, changed or revoked, by whom. For site
    administrators and the municipality's coordinators; 404 for everyone else."""
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    user = request.user
    coordinator = Membership.objects.filter(
        user=user, municipality=municipality, role=Membership.Role.COORDINATOR
    ).exists()
    if not (user.is_superuser or coordinator):
        raise Http404(_("No such municipality."))
    entries = (
        AuditEntry.objects.filter(municipality=municipality, evaluation__isnull=True)
        .select_related("user")
        .order_by("-at", "-id")[:LIMIT]
    )
    return render(
        request,
        "evaluations/municipality_history.html",
        {"municipality": municipality, "lines": _lines(entries, None)},
    )
