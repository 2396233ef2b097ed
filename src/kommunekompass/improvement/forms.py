"""Forms of the improvement programme. Each validates all its input before anything is written."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.measurement_import import bad_measurement_text
from kommunekompass.improvement.measures import BadMeasurement, measured_value
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Milestone,
    Project,
    Risk,
)
from kommunekompass.improvement.services import open_findings, published_evaluations
from kommunekompass.lib.forms import RefuseControlCharacters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_area(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, finding):
        return (
            f"{finding.evaluation.year} · {finding.focus_area.code} · "
            f"{finding.get_kind_display()}: {finding.text}"
        )


class FocusAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return f"{area.code}. {area.localized()}"


def model_fields(form) -> dict:
    """The cleaned values of a model form's fields, as the services take them."""
    return {field: form.cleaned_data[field] for field in form._meta.fields}


def add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ProjectForm(RefuseControlCharacters, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "title",
            "status",
            "starts",
            "ends",
            "evaluation",
            "findings",
            "focus_areas",
            "background",
            "goal",
            "frames",
            "scope",
            "reports",
            "project_leader",
            "responsible_leader",
            "unit",
            "quality_assurance",
            "main_activities",
            "evaluation_report",
        ]
        widgets = {
            "starts": DATE,
            "ends": DATE,
            "background": text_area(5),
            "goal": text_area(3),
            "frames": text_area(3),
            "scope": text_area(3),
            "reports": text_area(3),
            "quality_assurance": text_area(3),
            "main_activities": text_area(6),
            "evaluation_report": text_area(4),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        evaluations = published_evaluations(municipality).order_by("-year")
        self.fields["evaluation"].queryset = evaluations
        self.fields["evaluation"].label_from_instance = lambda e: str(e)
        self.fields["findings"] = FindingChoiceField(
            queryset=open_findings(municipality),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Findings it answers"),
        )
        self.fields["focus_areas"] = FocusAreaChoiceField(
            queryset=FocusArea.objects.filter(
                framework__in=evaluations.values("framework")
            ).order_by("framework__version", "position"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Focus areas"),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def plan_fields(self) -> dict:
        """The plan's fields as the services take them (findings and focus areas apart)."""
        return {
            field: self.cleaned_data[field]
            for field in self._meta.fields
            if field not in ("findings", "focus_areas")
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the project a title."))
        return title

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The project cannot end before it starts."))
        findings = list(data.get("findings") or [])
        evaluations = {f.evaluation_id for f in findings}
        evaluation = data.get("evaluation")
        if len(evaluations) > 1:
            self.add_error("findings", _("Choose findings of one evaluation only."))
        elif evaluations and evaluation and evaluation.pk not in evaluations:
            self.add_error("findings", _("The findings are not from the evaluation chosen."))
        elif evaluations and not evaluation:
            data["evaluation"] = findings[0].evaluation
        return data


class GroupMemberForm(RefuseControlCharacters, forms.ModelForm):
    username = forms.CharField(
        label=gettext_lazy("User account"),
        required=False,
        help_text=gettext_lazy(
            "The user name, if the member uses Kommunekompass. Project leaders may then change "
            "the programme; other members read it."
        ),
    )

    class Meta:
        model = GroupMember
        fields = ["group", "name", "title", "party", "function"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.get_username()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        User = get_user_model()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active user is called “%(name)s”.") % {"name": username}
            )
        return user

    def member_fields(self) -> dict:
        """What the services write: the member's fields and linked account."""
        data = {field: self.cleaned_data[field] for field in self._meta.fields}
        data["user"] = self.cleaned_data.get("username")
        return data


class DecisionPointForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = DecisionPoint
        fields = ["number", "decision", "date", "basis"]
        widgets = {"date": DATE}


class MilestoneForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["number", "milestone", "date", "measurable_result", "reached"]
        widgets = {"date": DATE}


SCALE = [(n, str(n)) for n in range(1, 6)]


class RiskForm(RefuseControlCharacters, forms.ModelForm):
    likelihood = forms.TypedChoiceField(
        choices=SCALE, coerce=int, initial=3, label=gettext_lazy("Likelihood (1-5)")
    )
    impact = forms.TypedChoiceField(
        choices=SCALE, coerce=int, initial=3, label=gettext_lazy("Impact (1-5)")
    )

    class Meta:
        model = Risk
        fields = ["factor", "likelihood", "impact", "measure"]


# The defaults a built-in indicator gets when its fields are left blank.
BUILT_IN = {
    Indicator.Kind.SICK_LEAVE: (gettext_lazy("Sick leave"), "%", False),
    Indicator.Kind.PRESENCE: (gettext_lazy("Presence"), "%", True),
    Indicator.Kind.EXPERIENCED_QUALITY: (gettext_lazy("Experienced quality K = O / F"), "", True),
    Indicator.Kind.DEVIATIONS_REPORTED: (gettext_lazy("Deviations reported"), "", True),
    Indicator.Kind.DEVIATIONS_CLOSED: (gettext_lazy("Deviations closed"), "", True),
}


class IndicatorForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "kind",
            "name",
            "unit",
            "organisation_unit",
            "higher_is_better",
            "baseline",
            "target",
            "frequency",
        ]
        localized_fields = ["baseline", "target"]
        help_texts = {
            "name": gettext_lazy("Left blank, a built-in kind names itself."),
            "higher_is_better": gettext_lazy(
                "Built-in kinds know it: less sick leave is better, more presence is better."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in BUILT_IN:
            name, unit, higher = BUILT_IN[kind]
            data["name"] = data.get("name") or str(name)
            data["unit"] = data.get("unit") or unit
            data["higher_is_better"] = higher
        elif not data.get("name"):
            self.add_error("name", _("Give the indicator a name."))
        percent = kind in (Indicator.Kind.SICK_LEAVE, Indicator.Kind.PRESENCE)
        for field in ("baseline", "target"):
            value = data.get(field)
            if value is not None and percent and not 0 <= value <= 100:
                self.add_error(field, _("A percentage lies between 0 and 100."))
        return data


class MeasurementImportForm(RefuseControlCharacters, forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or Excel file"))


class MeasurementForm(RefuseControlCharacters, forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy(
            "A quarter such as 2026-Q1 or “1. kvartal 2026”, a month or a date."
        ),
    )
    value = forms.DecimalField(
        label=gettext_lazy("Value"), required=False, localize=True, max_digits=12, decimal_places=4
    )
    experience = forms.DecimalField(
        label=gettext_lazy("Experience (O)"),
        required=False,
        localize=True,
        max_digits=8,
        decimal_places=3,
    )
    expectation = forms.DecimalField(
        label=gettext_lazy("Expectation (F)"),
        required=False,
        localize=True,
        max_digits=8,
        decimal_places=3,
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.kind != Indicator.Kind.EXPERIENCED_QUALITY:
            del self.fields["experience"]
            del self.fields["expectation"]
        else:
            self.fields["value"].help_text = _("Or leave it blank and give O and F.")

    def clean_period(self):
        from kommunekompass.improvement.periods import parse_period

        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(
                _("“%(text)s” is not a period this reader understands.")
                % {"text": self.cleaned_data["period"]}
            ) from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["value"], data["experience"], data["expectation"] = measured_value(
                self.indicator.kind,
                data.get("value"),
                data.get("experience"),
                data.get("expectation"),
            )
        except BadMeasurement as problem:
            self.add_error(
                problem.column if problem.column in self.fields else None,
                bad_measurement_text(problem),
            )
        return data


class PublicForm(RefuseControlCharacters, forms.Form):
    public = forms.TypedChoiceField(
        label=gettext_lazy("Shown in published reports"),
        choices=[("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))],
        coerce=lambda value: value == "1",
    )
