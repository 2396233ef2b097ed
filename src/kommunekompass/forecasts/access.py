"""Who may see a municipality's forecasts and who may load statistics. Denied by default.

- a municipality's forecasts: its coordinators and readers, the evaluators on the team of (or
  named reviewers of) any of its evaluations, and site administrators; anyone else gets 404;
- loading statistics: the permission `forecasts.load_statistics` (site administrators have it;
  give it to an evaluator in the admin); others logged in get 403;
- attaching a forecast to an evaluation: whoever may edit the evaluation (its team, while it
  is not published).
Once attached to a published report, the forecast is public with the report (frozen in it).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation, Membership, Municipality

PERMISSION = "forecasts.load_statistics"


def may_load_statistics(user) -> bool:
    return user.is_authenticated and user.has_perm(PERMISSION)


def require_loader(user) -> None:
    if not may_load_statistics(user):
        raise PermissionDenied(_("Only those allowed to load statistics may do so."))


def visible_municipalities(user):
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    members = Membership.objects.filter(user=user).values("municipality")
    evaluated = Evaluation.objects.filter(Q(evaluators=user) | Q(reviewers=user)).values(
        "municipality"
    )
    return Municipality.objects.filter(Q(pk__in=members) | Q(pk__in=evaluated))


def get_municipality(user, key: str) -> Municipality:
    """The municipality by its number or id, if the user may see its forecasts; else 404."""
    found = visible_municipalities(user)
    municipality = None
    if key.isdigit() and len(key) == 4:
        municipality = found.filter(number=key).order_by("country", "pk").first()
    if municipality is None and key.isdigit():
        municipality = found.filter(pk=int(key)).first()
    if municipality is None:
        raise Http404(_("No such municipality."))
    return municipality
