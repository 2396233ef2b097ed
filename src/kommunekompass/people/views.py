"""The people of a municipality, invitations, reminders and reminder choices.

Access -> form -> service -> response; who may do what is in people.rules, every change goes
through people.services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.models import Membership
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.improvement.models import GroupMember
from kommunekompass.people import reminders, rules, services
from kommunekompass.people.directory import people_of, person_of
from kommunekompass.people.forms import InviteForm, PreferencesForm, RoleForm
from kommunekompass.people.models import AccountEvent


@login_required
def people_index(request):
    """The municipalities whose people the user manages; straight to the only one."""
    municipalities = list(rules.managed_municipalities(request.user).order_by("name"))
    if len(municipalities) == 1:
        return redirect("people:people", municipality_id=municipalities[0].pk)
    if not municipalities:
        raise Http404(_("No such municipality."))
    return render(request, "people/index.html", {"municipalities": municipalities})


def _people_page(request, municipality, form, status=200):
    people = people_of(municipality)
    allowed = rules.decisions(request.user, municipality, [p.user for p in people])
    for person in people:
        person.may_change, person.may_deactivate = allowed[person.user.pk]
    return render(
        request,
        "people/people.html",
        {
            "municipality": municipality,
            "people": people,
            "form": form,
            "role_choices": Membership.Role.choices,
            "events": AccountEvent.objects.filter(municipality=municipality)[:20],
        },
        status=status,
    )


@login_required
def people_page(request, municipality_id):
    municipality = rules.get_managed_municipality(request.user, municipality_id)
    roles = rules.grantable_roles(request.user, municipality)
    return _people_page(request, municipality, InviteForm(roles=roles))


@login_required
@require_POST
def invite(request, municipality_id):
    municipality = rules.get_managed_municipality(request.user, municipality_id)
    roles = rules.grantable_roles(request.user, municipality)
    form = InviteForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            invitation = services.invite(
                user=request.user,
                municipality=municipality,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if invitation is not None:
                message = _("An invitation is sent to %(email)s.")
            else:
                message = _("%(email)s has an account already and now has the role.")
            messages.success(request, message % {"email": form.cleaned_data["email"]})
            return redirect("people:people", municipality_id=municipality.pk)
    return _people_page(request, municipality, form, status=422)


def _membership(request, municipality_id, membership_id):
    municipality = rules.get_managed_municipality(request.user, municipality_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "municipality"),
        pk=membership_id,
        municipality=municipality,
    )
    return municipality, membership


@login_required
@require_POST
def role_change(request, municipality_id, membership_id):
    municipality, membership = _membership(request, municipality_id, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose coordinator or reader."))
    else:
        try:
            if services.change_role(
                user=request.user, membership=membership, role=form.cleaned_data["role"]
            ):
                messages.success(request, _("The role is changed."))
        except ServiceError as error:
            messages.error(request, str(error))
    return redirect("people:people", municipality_id=municipality.pk)


@login_required
@require_POST
def role_remove(request, municipality_id, membership_id):
    municipality, membership = _membership(request, municipality_id, membership_id)
    services.remove_role(user=request.user, membership=membership)
    messages.success(request, _("The role is removed."))
    return redirect("people:people", municipality_id=municipality.pk)


@login_required
@require_POST
def programme_role_remove(request, municipality_id, member_id):
    municipality = rules.get_managed_municipality(request.user, municipality_id)
    member = get_object_or_404(
        GroupMember.objects.select_related("user", "programme"),
        pk=member_id,
        programme__municipality=municipality,
        user__isnull=False,
    )
    services.unlink_programme_role(user=request.user, member=member, municipality=municipality)
    messages.success(request, _("The account is no longer linked to the programme's group."))
    return redirect("people:people", municipality_id=municipality.pk)


@login_required
@require_POST
def account_active(request, municipality_id, user_id):
    municipality = rules.get_managed_municipality(request.user, municipality_id)
    person = person_of(municipality, user_id)
    if person is None:
        raise Http404(_("No such person."))
    active = request.POST.get("active") == "1"
    services.set_active(
        user=request.user, person_user=person.user, municipality=municipality, active=active
    )
    if active:
        messages.success(
            request, _("The account of %(name)s is active again.") % {"name": person.name}
        )
    else:
        messages.success(
            request, _("The account of %(name)s is deactivated.") % {"name": person.name}
        )
    return redirect("people:people", municipality_id=municipality.pk)


@never_cache
def invitation_accept(request, token):
    """The link of an invitation: the invited person sets their password and is logged in, or
    signs in with single sign-on (sso's buttons carry the token; only then without a password,
    which is the only way while KOMMUNEKOMPASS_LOCAL_LOGIN=0)."""
    invitation = services.invitation_for(token)
    if invitation is None:
        return render(request, "people/invitation_invalid.html", status=404)
    if request.method == "POST" and not settings.LOCAL_LOGIN:
        raise PermissionDenied("Local passwords are switched off.")
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.accept_invitation(
            token=token, password=form.cleaned_data["new_password1"]
        )
        if account is None:
            return render(request, "people/invitation_invalid.html", status=404)
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set."))
        return redirect("home")
    return render(
        request,
        "people/invitation_accept.html",
        {"invitation": invitation, "form": form, "token": token},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def reminder_list(request):
    return render(
        request,
        "people/reminders.html",
        {"reminders": reminders.open_reminders(request.user)[:200]},
    )


@login_required
@require_POST
def reminder_dismiss(request, reminder_id):
    if not reminders.dismiss(request.user, reminder_id):
        raise Http404(_("No such reminder."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "people:reminders"
    return redirect(target)


@login_required
def preferences(request):
    profile = services.profile_of(request.user)
    form = PreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if not form.is_valid():  # checkboxes only: never invalid from the page itself
            raise PermissionDenied
        services.set_preferences(request.user, form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("people:preferences")
    return render(request, "people/preferences.html", {"form": form, "profile": profile})
