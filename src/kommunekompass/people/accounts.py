"""Passwords: changing one's own, and resetting a forgotten one by mail (Django's views with
the app's templates). A reset never tells whether an address has an account, and is throttled:
at most RESET_LIMIT requests an hour from one address and for one e-mail address; beyond it
the page answers as always and no mail goes out."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse_lazy

from kommunekompass.people.forms import ResetForm

RESET_LIMIT = 5
RESET_WINDOW = 60 * 60


def _over_limit(key: str) -> bool:
    cache.add(key, 0, RESET_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        count = 1
    return count > RESET_LIMIT


class LocalPasswordsOnly:
    """Not found while local passwords are switched off (KOMMUNEKOMPASS_LOCAL_LOGIN=0)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN:
            raise Http404("Local passwords are switched off.")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(LocalPasswordsOnly, auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        address = self.request.META.get("REMOTE_ADDR") or "unknown"
        email = form.cleaned_data["email"].strip().lower()
        by_address = _over_limit(f"people:reset:address:{address}")
        by_email = _over_limit(f"people:reset:email:{email}")
        if by_address or by_email:
            return super(auth_views.PasswordResetView, self).form_valid(form)  # no mail
        return super().form_valid(form)


class PasswordResetConfirmView(LocalPasswordsOnly, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"


class PasswordChangeView(LocalPasswordsOnly, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
