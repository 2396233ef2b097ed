"""The forms of surveys: building one (owner) and answering one (respondent)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from kommunekompass.improvement.models import Indicator
from kommunekompass.lib.forms import RefuseControlCharacters
from kommunekompass.surveys.models import LANGUAGES, Audience, Statement, Survey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

TEMPLATE_CHOICES = [
    ("experienced_quality", gettext_lazy("Experienced quality (expected F and experienced O)")),
    ("staff", gettext_lazy("Staff: working environment and presence")),
    ("", gettext_lazy("No template: only my own statements")),
]


def add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SurveyForm(RefuseControlCharacters, forms.Form):
    template = forms.ChoiceField(
        label=gettext_lazy("Template"), choices=TEMPLATE_CHOICES, required=False
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Left empty: the template's title."),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Who answers"), choices=Audience.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the survey"), choices=LANGUAGES, initial="nb"
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Fewest respondents for a result"),
        min_value=3,
        max_value=100,
        initial=5,
    )
    units = forms.CharField(
        label=gettext_lazy("Units (one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("E.g. a nursing home, a school or a home-care district."),
    )

    groups = forms.CharField(
        label=gettext_lazy("Background groups (one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "Optional, e.g. age bands. Respondents may say which they belong to; results per "
            "group obey the same threshold."
        ),
    )

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("title"):
            self.add_error("title", gettext_lazy("Give the survey a title."))
        return data

    def group_names(self) -> list[str]:
        return self.cleaned_data.get("groups", "").splitlines()

    def unit_names(self) -> list[str]:
        lines = self.cleaned_data.get("units", "").splitlines()
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))


class SettingsForm(RefuseControlCharacters, forms.ModelForm):
    groups = forms.CharField(
        label=gettext_lazy("Background groups (one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "Optional, e.g. age bands. Respondents may say which they belong to; results per "
            "group obey the same threshold."
        ),
    )

    class Meta:
        model = Survey
        fields = ["title", "language", "threshold", "withhold_free_text", "indicator"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["groups"] = "\n".join(self.instance.groups)
        self.fields["threshold"].min_value = 3
        self.fields["threshold"].widget.attrs["min"] = 3
        self.fields["indicator"].queryset = Indicator.objects.filter(
            project__programme__municipality=municipality
        ).select_related("project")
        self.fields["indicator"].widget.attrs["style"] = "max-width: 100%"
        self.fields["indicator"].label_from_instance = lambda i: f"{i.project.title}: {i.name}"
        self.fields["indicator"].help_text = gettext_lazy(
            "When a period is closed, its K (or mean experience) becomes this indicator's "
            "measurement."
        )


class StatementForm(RefuseControlCharacters, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Statement.Kind.choices)
    text_nb = forms.CharField(label=gettext_lazy("Text in bokmål"), max_length=500, required=False)
    text_nn = forms.CharField(label=gettext_lazy("Text in nynorsk"), max_length=500, required=False)
    text_sv = forms.CharField(label=gettext_lazy("Text in Swedish"), max_length=500, required=False)
    text_en = forms.CharField(label=gettext_lazy("Text in English"), max_length=500, required=False)

    def texts(self) -> dict:
        return {code: self.cleaned_data.get(f"text_{code}", "") for code, _n in LANGUAGES}


class UnitForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(label=gettext_lazy("Unit"), max_length=200)


class PeriodForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the period"), max_length=100)
    starts = forms.DateField(label=gettext_lazy("Starts"), widget=DATE)
    ends = forms.DateField(label=gettext_lazy("Ends"), widget=DATE)


class InviteForm(RefuseControlCharacters, forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses (one a line)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=200_000,
    )


class AnswerForm(RefuseControlCharacters, forms.Form):
    """The respondent's form: the unit, and for each statement F and O (or only O) on the
    survey's scale, or a free text. Every statement may be skipped."""

    def __init__(self, *args, survey, statements, units, language, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey, self.statements = survey, statements
        if unit is None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=gettext_lazy("Where do you get the service, or work?"),
                queryset=units,
                empty_label="—",
            )
        if survey.groups:
            self.fields["group"] = forms.ChoiceField(
                label=gettext_lazy("Which group do you belong to?"),
                choices=[("", "—"), *[(g, g) for g in survey.groups]],
                required=False,
            )
        scale = [(str(v), str(v)) for v in range(1, survey.scale_max + 1)]
        self.questions = []
        for statement in statements:
            text = statement.text_in(language, survey.language)
            names = []
            if statement.kind == Statement.Kind.TEXT:
                self.fields[f"t{statement.pk}"] = forms.CharField(
                    label=text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                names.append(f"t{statement.pk}")
            else:
                if survey.asks_expectation:
                    self.fields[f"f{statement.pk}"] = forms.TypedChoiceField(
                        label=gettext_lazy("What did you expect?"),
                        choices=scale,
                        coerce=int,
                        required=False,
                        empty_value=None,
                        widget=forms.RadioSelect,
                    )
                    names.append(f"f{statement.pk}")
                self.fields[f"o{statement.pk}"] = forms.TypedChoiceField(
                    label=gettext_lazy("What did you experience?")
                    if survey.asks_expectation
                    else gettext_lazy("How much do you agree?"),
                    choices=scale,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )
                names.append(f"o{statement.pk}")
            self.questions.append((statement, text, [self[name] for name in names]))

    def given(self):
        from kommunekompass.surveys.services import Given

        data = self.cleaned_data
        result = []
        for statement in self.statements:
            if statement.kind == Statement.Kind.TEXT:
                result.append(Given(statement, text=data.get(f"t{statement.pk}") or ""))
                continue
            expectation = data.get(f"f{statement.pk}")
            experience = data.get(f"o{statement.pk}")
            if self.survey.asks_expectation and (expectation is None) != (experience is None):
                # Half a pair cannot be used for K: keep neither.
                expectation = experience = None
            result.append(Given(statement, expectation=expectation, experience=experience))
        return result
