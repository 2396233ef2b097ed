from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from kommunekompass.core import accessibility
from kommunekompass.evaluations.access import (
    is_evaluator,
    member_published_evaluations,
    work_visible_evaluations,
)
from kommunekompass.frameworks.models import Framework


def with_related(evaluations):
    return evaluations.select_related("municipality", "framework").defer(
        "framework__document", "framework__source"
    )


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "working": with_related(work_visible_evaluations(request.user)).order_by(
                "-year", "municipality__name"
            )[:20],
            "published": with_related(member_published_evaluations(request.user)),
            "can_create": is_evaluator(request.user),
            "frameworks": Framework.objects.defer("document", "source").order_by("key"),
        },
    )


@require_safe
def accessibility_statement(request):
    """The accessibility statement (tilgjengelighetserklæring), public like the reports."""
    return render(
        request,
        "core/accessibility.html",
        {
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

    The choice is a cookie and nothing else, so a link is enough, and pages for visitors need no
    form and no CSRF token for it: a published report is then the same bytes for every visitor.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
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
