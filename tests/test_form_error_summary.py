"""Form errors are summarised first, announced (role=alert), each a link to its field, and each
field names its error (aria-describedby), WCAG 3.3.1 and 4.1.3."""

from django import forms
from django.utils import translation


class PlaceForm(forms.Form):
    name = forms.CharField(label="Name")
    year = forms.IntegerField(label="Year")


def test_a_form_with_errors_starts_with_a_summary_linked_to_its_fields():
    form = PlaceForm({"name": "", "year": "x"})
    assert not form.is_valid()
    with translation.override("en"):
        html = form.as_div()
    summary = html[: html.index("</div>")]
    assert 'class="error-summary" role="alert"' in summary
    assert '<a href="#id_name">Name: This field is required.</a>' in summary
    assert '<a href="#id_year">Year: Enter a whole number.</a>' in summary
    assert 'aria-describedby="id_name_error"' in html and 'id="id_name_error"' in html
    assert 'aria-invalid="true"' in html


def test_a_form_without_errors_has_no_summary():
    assert "error-summary" not in PlaceForm().as_div()
    assert "error-summary" not in PlaceForm({"name": "Fjordvik", "year": "2026"}).as_div()
