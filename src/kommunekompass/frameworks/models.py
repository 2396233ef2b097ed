"""A framework version in the database.

The rows (perspectives, areas, sub-areas, questions) exist so that evaluations, scores and
findings can point at them. The numbers the engine works with come from the framework's
validated document (`Framework.spec`), kept with the rows, so the arithmetic stays exact.
A loaded framework version is never changed: a new text is a new version.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kommunekompass.frameworks.spec import FrameworkSpec, pick_text, spec_from_document


class LocalizedNameMixin:
    """Rows whose `name` (or `text`) is a {language: text} mapping."""

    localized_field = "name"

    def localized(self, language: str | None = None) -> str:
        return pick_text(getattr(self, self.localized_field), language or get_language())

    def __str__(self) -> str:
        return f"{self.code} {self.localized()}".strip()


# Parsed specs by (framework id, checksum). A loaded version never changes, so this is safe.
_SPECS: dict[tuple[int, str], FrameworkSpec] = {}


class Framework(LocalizedNameMixin, models.Model):
    key = models.SlugField(_("identifier"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    document = models.JSONField(_("validated document"))
    source = models.TextField(_("source file text"))
    checksum = models.CharField(_("SHA-256 of the source"), max_length=64)
    max_points = models.DecimalField(_("maximum points"), max_digits=12, decimal_places=4)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="framework_key_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.localized()} ({self.version})"

    @property
    def spec(self) -> FrameworkSpec:
        key = (self.pk, self.checksum)
        if key not in _SPECS:
            _SPECS[key] = spec_from_document(self.document)
        return _SPECS[key]


class Perspective(LocalizedNameMixin, models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="perspectives")
    code = models.CharField(_("code"), max_length=16)
    name = models.JSONField(_("name"))
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="perspective_code_unique")
        ]


class FocusArea(LocalizedNameMixin, models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    perspective = models.ForeignKey(Perspective, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=16)
    name = models.JSONField(_("name"))
    max_points = models.DecimalField(_("maximum points"), max_digits=12, decimal_places=4)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="focus_area_code_unique")
        ]


class SubArea(LocalizedNameMixin, models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="subareas")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="subareas")
    code = models.CharField(_("code"), max_length=16)
    name = models.JSONField(_("name"))
    max_points = models.DecimalField(_("maximum points"), max_digits=12, decimal_places=4)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("sub-area")
        verbose_name_plural = _("sub-areas")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="sub_area_code_unique")
        ]


class Question(LocalizedNameMixin, models.Model):
    localized_field = "text"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    sub_area = models.ForeignKey(SubArea, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=16)
    text = models.JSONField(_("question"))
    guidance = models.JSONField(_("guidance"), default=dict, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="question_code_unique")
        ]

    def localized_guidance(self, language: str | None = None) -> str:
        return pick_text(self.guidance, language or get_language())


class FrameworkAmendment(models.Model):
    """A loaded framework version given texts in more languages, in place.

    Nothing else of the version changed (frameworks.amendment.added_languages): its existing
    texts are the same letter for letter. The record keeps the text it had before, so a
    published snapshot made under the earlier checksum stays verifiable (reports.texts)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="amendments")
    languages = models.JSONField(_("languages added"))
    previous_checksum = models.CharField(_("SHA-256 of the earlier source"), max_length=64)
    previous_source = models.TextField(_("earlier source file text"))
    checksum = models.CharField(_("SHA-256 of the new source"), max_length=64)
    amended_at = models.DateTimeField(_("amended"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework amendment")
        verbose_name_plural = _("framework amendments")
        ordering = ["framework", "amended_at", "id"]

    def __str__(self) -> str:
        return f"{self.framework}: + {', '.join(self.languages)}"
