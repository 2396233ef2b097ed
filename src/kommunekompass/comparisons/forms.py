"""The form that defines a comparison group: its name, who sees it, and its members, picked
one by one or by filters (country, county, population band). The filters are applied when the
group is saved: its members are a fixed list, so a report's comparison never shifts because a
municipality was added or changed later."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunekompass.comparisons.groups import matching, population_bands
from kommunekompass.comparisons.models import ComparisonGroup
from kommunekompass.evaluations.models import Municipality
from kommunekompass.lib.forms import RefuseControlCharacters


class MunicipalityChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        county = f", {obj.county}" if obj.county else ""
        return f"{obj.name} ({obj.number}{county})"


class ComparisonGroupForm(RefuseControlCharacters, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    visibility = forms.ChoiceField(
        label=_("Who sees the group"),
        choices=ComparisonGroup.Visibility.choices,
        widget=forms.RadioSelect,
        initial=ComparisonGroup.Visibility.PRIVATE,
    )
    municipality = forms.ModelChoiceField(
        label=_("Shared with the municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Only when the group is shared with the people of a municipality."),
    )
    municipalities = MunicipalityChoice(
        label=_("Members"),
        queryset=Municipality.objects.order_by("name", "number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    band = forms.ChoiceField(label=_("Population"), required=False)

    def __init__(self, *args, shareable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            shareable if shareable is not None else Municipality.objects.none()
        )
        anything = [("", _("any"))]
        self.fields["country"].choices = anything + list(Municipality.Country.choices)
        counties = (
            Municipality.objects.exclude(county="")
            .order_by("county")
            .values_list("county", flat=True)
            .distinct()
        )
        self.fields["county"].choices = anything + [(c, c) for c in counties]
        self.fields["band"].choices = anything + population_bands()

    def clean(self):
        data = super().clean()
        if data.get("visibility") == ComparisonGroup.Visibility.MUNICIPALITY and not data.get(
            "municipality"
        ):
            self.add_error("municipality", _("Choose the municipality whose people see the group."))
        picked = list(data.get("municipalities") or [])
        by_filter = list(
            matching(data.get("country", ""), data.get("county", ""), data.get("band", ""))
        )
        data["members"] = picked + [m for m in by_filter if m not in picked]
        if not data["members"]:
            self.add_error(
                "municipalities",
                _("Pick at least one municipality, or a filter that matches some."),
            )
        return data
