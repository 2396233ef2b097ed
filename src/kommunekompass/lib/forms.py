"""Form helpers every app may use."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import DjangoTemplates

from kommunekompass.lib.text import refuse_control_characters


class RefuseControlCharacters:
    """Mix into a form (before forms.Form or forms.ModelForm): every text field a person types
    in refuses control characters (NUL, vertical tab, escape, DEL, C1 controls...) with their
    position, "Character 12 is a control character (U+000B); remove it.", instead of storing
    them where they break exports and pages. Tab, line feed and carriage return stay allowed.

    The check is added when the form is cleaned, so it covers fields added in `__init__` too;
    it replaces Django's own NUL check, which names no position. Hidden fields are left alone."""

    def full_clean(self):
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or field.widget.is_hidden:
                continue
            if refuse_control_characters in field.validators:
                continue
            field.validators = [
                validator
                for validator in field.validators
                if not isinstance(validator, ProhibitNullCharactersValidator)
            ] + [refuse_control_characters]
        super().full_clean()


class FormRenderer(DjangoTemplates):
    """Django's renderer, with forms drawn as <div>s (`{{ form }}` and `form.as_div`) after an
    error summary that links each error to its field (the template is the web layer's:
    kommunekompass/forms/div.html, Django's div.html with the summary on top)."""

    DIV = "kommunekompass/forms/div.html"
    form_template_name = DIV

    def get_template(self, template_name):
        if template_name == "django/forms/div.html":
            template_name = self.DIV
        return super().get_template(template_name)
