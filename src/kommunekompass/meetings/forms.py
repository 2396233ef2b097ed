from django import forms
from django.utils.translation import gettext_lazy as _

from kommunekompass.meetings.codes import looks_like_code, normalize
from kommunekompass.meetings.models import Meeting


class OpenMeetingForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("The council votes on"),
        choices=Meeting.Subject.choices,
        initial=Meeting.Subject.FINDINGS,
        widget=forms.RadioSelect,
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Meeting code"),
        max_length=20,
        help_text=_("The six characters shown on the big screen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalize(self.cleaned_data["code"])
        if not looks_like_code(code):
            raise forms.ValidationError(_("No open meeting has this code."))
        return code
