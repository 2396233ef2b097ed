"""Municipalities and their evaluations against a framework version."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunekompass.frameworks.models import Framework


class Municipality(models.Model):
    class Country(models.TextChoices):
        NORWAY = "NO", _("Norway")
        SWEDEN = "SE", _("Sweden")

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("municipality number"), max_length=8)
    county = models.CharField(_("county"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "number"], name="municipality_country_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="evaluations"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["municipality__name", "-year"]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"
