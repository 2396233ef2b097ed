import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunekompass.forecasts.reading import KINDS

KIND_CHOICES = [
    ("", _("Tell from the file")),
    ("population", _("Population projection")),
    ("costs", _("Cost table")),
]
MAX_UPLOAD = 20 * 1024 * 1024


class StatisticsForm(forms.Form):
    file = forms.FileField(label=_("Statistics file (JSON-stat, CSV or .xlsx)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    downloaded_on = forms.DateField(
        label=_("Downloaded"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the table was downloaded from the publisher."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False)

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        return kind if kind in KINDS else None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ForecastForm(forms.Form):
    alternative = forms.ChoiceField(label=_("Projection alternative"), choices=())
    start = forms.IntegerField(label=_("First year"), min_value=1900, max_value=2200)
    years = forms.IntegerField(label=_("Years"), min_value=1, max_value=50)

    def __init__(self, *args, alternatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alternative"].choices = [(a, a) for a in alternatives]


class AttachForm(forms.Form):
    evaluation = forms.ChoiceField(label=_("Evaluation"), choices=())
    alternative = forms.CharField(widget=forms.HiddenInput, max_length=40)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=1900, max_value=2200)
    years = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=50)

    def __init__(self, *args, evaluations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].choices = [(str(e.pk), str(e)) for e in evaluations]
