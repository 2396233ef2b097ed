from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from kommunekompass.comparisons.access import may_define_groups
from kommunekompass.core import accessibility
from kommunekompass.core.home import front_comparison, home_context, published_municipalities
from kommunekompass.evaluations.access import is_evaluator
from kommunekompass.frameworks.models import Framework
from kommunekompass.people import services as people
from kommunekompass.people.reminders import open_reminders

HOME_REMINDERS = 10  # the newest open reminders on the home page; all on their own page


def today():
    return timezone.localdate()


def home(request):
    """A signed-in person's own page; anonymous visitors get the public front page."""
    if not request.user.is_authenticated:
        return front_page(request)
    context = home_context(request.user, today())
    context.update(
        {
            "can_create": is_evaluator(request.user),
            "may_define_groups": may_define_groups(request.user),
            "frameworks": Framework.objects.defer("document", "source").order_by("key"),
            "reminders": list(open_reminders(request.user)[:HOME_REMINDERS]),
        }
    )
    return render(request, "core/home.html", context)


def front_page(request):
    """The public front page: the published reports by municipality, searchable, and the
    comparison of the latest published results. Only published versions, never drafts."""
    search = request.GET.get("q", "")[:100]
    return render(
        request,
        "core/front_page.html",
        {
            "search": search,
            "page": published_municipalities(search, request.GET.get("page")),
            "comparison": front_comparison(),
        },
    )


@require_safe
def accessibility_statement(request):
    """The accessibility statement (tilgjengelighetserklæring), public like the reports."""
    return render(
        request,
        "core/accessibility.html",
        {
            "covered": accessibility.COVERED,
            "deviations": accessibility.DEVIATIONS,
            "criteria": accessibility.criteria_by_status(),
            "criteria_count": len(accessibility.CRITERIA),
            "last_checked": accessibility.LAST_CHECKED,
            "contact": settings.KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT,
        },
    )


def locked_out(request, original_response=None, credentials=None):
    """The login page with the lockout message (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "lockout_minutes": minutes},
        status=429,
    )


def set_language(request, code):
    """Switch the interface language and go back to the page (`next`), by a plain link.

    The choice is a cookie, so a link is enough, and pages for visitors need no form and no
    CSRF token for it: a published report is then the same bytes for every visitor. A signed-in
    person's choice is also kept in their profile, for the mails they get.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if request.user.is_authenticated:
        # Mails and reminders to this person come in the language they chose last.
        people.set_language(request.user, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
