"""Forms for evaluations. Every form validates all its input before anything is written."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import (
    Evidence,
    Finding,
    Interview,
    Municipality,
    ReportLanguage,
)
from kommunekompass.evaluations.services.municipalities import municipality_seen
from kommunekompass.evaluations.services.settings import details_seen
from kommunekompass.evaluations.uploads import UploadRefused, check_upload
from kommunekompass.frameworks.models import FocusArea, Framework, Question
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.lib.forms import RefuseControlCharacters


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, question):
        return f"{question.code} {question.localized()}"


def question_field(queryset, label=None):
    return QuestionChoiceField(
        queryset=queryset.order_by("position"),
        required=False,
        label=label or _("Questions"),
        widget=forms.CheckboxSelectMultiple,
    )


class MunicipalityForm(RefuseControlCharacters, forms.ModelForm):
    """A municipality, all of it (a site administrator; evaluators add new ones). Saved through
    evaluations.services.municipalities; `seen` is the version the page was opened with."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Municipality
        fields = ["name", "number", "county", "country", "population", "report_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["population"].validators.append(MaxValueValidator(100_000_000))
        if self.instance.pk and not self.is_bound:
            self.initial["seen"] = municipality_seen(self.instance)

    def clean_name(self):
        return self._required_text("name")

    def clean_number(self):
        return self._required_text("number")

    def _required_text(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class MunicipalityCoordinatorForm(MunicipalityForm):
    """What a municipality's coordinator changes: its county and population. Its name, number
    and country, which comparisons and imports rest on, are changed by a site administrator."""

    class Meta(MunicipalityForm.Meta):
        fields = ["county", "population"]


def evaluator_users():
    User = get_user_model()
    return User.objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="add_evaluation")
        | Q(user_permissions__codename="add_evaluation"),
        is_active=True,
    ).distinct()


class EvaluatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class EvaluationForm(RefuseControlCharacters, forms.Form):
    """A new evaluation. Its identity (municipality, framework version, year) is checked by
    the service inside its transaction, with a clear message
    (evaluations.services.settings.create_evaluation)."""

    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), label=gettext_lazy("Municipality")
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(), label=gettext_lazy("Framework")
    )
    year = forms.IntegerField(label=gettext_lazy("Year"))
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evaluators = EvaluatorChoiceField(
        queryset=evaluator_users(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Evaluator team"),
        help_text=gettext_lazy("You are on the team in any case."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = evaluator_users().order_by("first_name", "username")
        self.fields["framework"].queryset = Framework.objects.order_by("key", "-version")
        self.fields["framework"].label_from_instance = lambda f: str(f)
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year


class DetailsForm(RefuseControlCharacters, forms.Form):
    """A draft's year, date, framework and report language; `seen` is the details' version the
    page showed.
    The framework field is disabled, with the reason, once something refers to it."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    report_language = forms.ChoiceField(
        label=gettext_lazy("Report language"),
        choices=ReportLanguage.choices,
        required=False,  # not sent: unchanged
        help_text=gettext_lazy(
            "The published PDF and workbook are in this language, and so is the public report "
            "for visitors who have not chosen a language."
        ),
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(), label=gettext_lazy("Framework")
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, evaluation, framework_fixed="", **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "year": evaluation.year,
                "date": evaluation.date,
                "framework": evaluation.framework_id,
                "report_language": evaluation.report_language,
                "seen": details_seen(evaluation),
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        field.queryset = Framework.objects.defer("document", "source").order_by("key", "-version")
        field.label_from_instance = lambda f: str(f)
        if framework_fixed:
            field.disabled = True
            field.help_text = framework_fixed


class TeamForm(RefuseControlCharacters, forms.Form):
    evaluators = EvaluatorChoiceField(
        queryset=evaluator_users(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Evaluator team"),
    )
    reviewers = EvaluatorChoiceField(
        queryset=evaluator_users(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Reviewers"),
        help_text=gettext_lazy(
            "Reviewers read everything, comment while the evaluation is in review and may "
            "approve it; they change nothing themselves."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = evaluator_users().order_by("first_name", "username")
        self.fields["evaluators"].queryset = people
        self.fields["reviewers"].queryset = people


class InterviewForm(RefuseControlCharacters, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Interview
        fields = ["role", "date", "held", "participants", "notes", "questions"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"] = question_field(
            Question.objects.filter(framework=evaluation.framework),
            label=_("Questions these notes inform"),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held") and not cleaned.get("date"):
            self.add_error("date", _("Give the date the interview was held."))
        return cleaned


class EvidenceForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["title", "file", "url", "questions"]

    url = forms.URLField(
        label=gettext_lazy("Link"), required=False, max_length=1000, assume_scheme="https"
    )

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"] = question_field(
            Question.objects.filter(framework=evaluation.framework)
        )
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument or an image, at most 20 MB."
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        head = upload.read(8192)
        upload.seek(0)
        try:
            self.detected_type = check_upload(upload.name, head, upload.size)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload

    def clean(self):
        cleaned = super().clean()
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if has_file == has_url and not self.errors:
            raise forms.ValidationError(_("Give either a file or a link, not both and not none."))
        return cleaned


class EvidenceChangeForm(RefuseControlCharacters, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    url = forms.URLField(
        label=gettext_lazy("Link"), required=False, max_length=1000, assume_scheme="https"
    )

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"] = question_field(
            Question.objects.filter(framework_id=evidence.evaluation.framework_id)
        )
        if evidence.file:
            del self.fields["url"]
        elif not self.is_bound:
            self.initial.setdefault("url", evidence.url)
        if not self.is_bound:
            self.initial.setdefault("version", evidence.version)
            self.initial.setdefault("title", evidence.title)
            self.initial.setdefault("questions", list(evidence.questions.all()))


class CommentForm(RefuseControlCharacters, forms.Form):
    """A review comment; `question` (a code) or `finding` (an id) says what it is about."""

    text = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    question = forms.CharField(required=False, widget=forms.HiddenInput)
    finding = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the comment."))
        return text


class AnswerForm(RefuseControlCharacters, forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Write the answer."))
        return answer


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, finding):
        text = finding.text if len(finding.text) <= 120 else finding.text[:119].rstrip() + "…"
        return f"{finding.focus_area.code} {finding.get_kind_display()}: {text}"


class FocusAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return f"{area.code}. {area.localized()}"


class PriorityForm(RefuseControlCharacters, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Priority"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    focus_areas = FocusAreaChoiceField(
        queryset=FocusArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Focus areas the priority answers"),
    )
    findings = FindingChoiceField(
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Findings the priority answers"),
    )

    # The version of the priority the page showed (changing one; empty when adding).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].queryset = FocusArea.objects.filter(
            framework_id=evaluation.framework_id
        ).order_by("position")
        self.fields["findings"].queryset = (
            Finding.objects.filter(evaluation=evaluation)
            .select_related("focus_area")
            .order_by("focus_area__position", "kind", "position", "id")
        )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the priority."))
        return text


class FindingForm(RefuseControlCharacters, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Finding
        fields = ["kind", "text", "questions"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, focus_area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"] = question_field(
            Question.objects.filter(sub_area__focus_area=focus_area),
            label=_("Questions the finding rests on"),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the finding."))
        return text


class StatusForm(RefuseControlCharacters, forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "return", "publish", "reopen", "withdraw")]
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_missing = forms.BooleanField(required=False)


class ScoreForm(RefuseControlCharacters, forms.Form):
    """One question: a level per dimension of its scheme, the reason, and the version seen."""

    def __init__(self, *args, question_spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_spec = question_spec
        language = get_language()
        for dimension in question_spec.scheme.dimensions:
            self.fields[f"level_{dimension.code}"] = forms.TypedChoiceField(
                label=pick_text(dimension.name, language),
                choices=[("", "–")]
                + [
                    (level.value, f"{level.value} {pick_text(level.label, language)}")
                    for level in dimension.levels
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _(
                        "%(value)s is not a level of “%(dimension)s” (allowed: %(allowed)s)."
                    )
                    % {
                        "value": "%(value)s",
                        "dimension": pick_text(dimension.name, language),
                        "allowed": ", ".join(str(v) for v in sorted(dimension.values)),
                    }
                },
            )
        self.fields["reason"] = forms.CharField(
            label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        cleaned = super().clean()
        levels = self.levels()
        if levels and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Write the reason for the levels you give."))
        return cleaned

    def levels(self) -> dict[str, int]:
        return {
            dimension.code: self.cleaned_data[f"level_{dimension.code}"]
            for dimension in self.question_spec.scheme.dimensions
            if self.cleaned_data.get(f"level_{dimension.code}") is not None
        }

    def dimension_rows(self) -> list[dict]:
        """Per dimension: its field and its levels with label, rubric and whether chosen."""
        language = get_language()
        rows = []
        for dimension in self.question_spec.scheme.dimensions:
            field = self[f"level_{dimension.code}"]
            chosen = "" if field.value() in (None, "") else str(field.value())
            overrides = self.question_spec.rubric.get(dimension.code, {})
            rows.append(
                {
                    "dimension": dimension,
                    "field": field,
                    "none_chosen": chosen == "",
                    "levels": [
                        {
                            "value": level.value,
                            "label": pick_text(level.label, language),
                            "rubric": pick_text(
                                overrides.get(level.value) or level.rubric, language
                            ),
                            "checked": chosen == str(level.value),
                        }
                        for level in dimension.levels
                    ],
                }
            )
        return rows
