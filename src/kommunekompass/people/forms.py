from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Membership
from kommunekompass.lib.forms import RefuseControlCharacters
from kommunekompass.lib.mail import send_mail_later
from kommunekompass.people.models import Profile


def language_choices():
    return [(code, translation.gettext(name)) for code, name in settings.LANGUAGES]


class InviteForm(RefuseControlCharacters, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        help_text=_("Mails and reminders to this person come in this language."),
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Membership.Role(r).label) for r in roles]
        self.fields["role"].initial = Membership.Role.READER
        self.fields["language"].choices = language_choices()
        self.fields["language"].initial = translation.get_language()
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "remind_review",
            "remind_published",
            "remind_milestones",
            "remind_measurements",
            "remind_invitations",
        ]


class ResetForm(PasswordResetForm):
    """Django's reset form, with the mail in the person's own language (text and HTML)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from kommunekompass.people.services import language_of

        # Not part of a transaction: queued at once.
        send_mail_later(
            "people/mail/password_reset",
            context,
            to_email,
            language_of(context["user"]),
            after_commit=False,
        )
