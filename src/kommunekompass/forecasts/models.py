"""Public statistics for the demographic expenditure forecast, and forecasts attached to
evaluations.

A `StatisticsSource` is one loaded file: what it is, who published it, its table and download
date, the file's name and SHA-256, and who loaded it when. It is its own history: sources are
only added (forecasts.services.load_statistics), never changed, so every figure keeps its
source. A forecast uses the latest source that covers it (or the one asked for).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    POPULATION = "population", _("Population projection")
    COSTS = "costs", _("Cost table")


class Publisher(models.TextChoices):
    SSB = "ssb", _("Statistics Norway (SSB)")
    SCB = "scb", _("Statistics Sweden (SCB)")
    OWN = "own", _("Own table")


class StatisticsSource(models.Model):
    Kind = SourceKind
    Publisher = Publisher

    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    publisher = models.CharField(_("publisher"), max_length=8, choices=Publisher.choices)
    table_id = models.CharField(_("table"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    downloaded_on = models.DateField(_("downloaded"))
    file_name = models.CharField(_("file name"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    price_year = models.PositiveSmallIntegerField(_("price year"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    loaded_by_name = models.CharField(_("loaded by"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistics source")
        verbose_name_plural = _("statistics sources")
        ordering = ["-loaded_at", "-pk"]
        permissions = [("load_statistics", _("May load statistics for forecasts"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="statistics_source_file_once"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="statistics_source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(publisher__in=Publisher.values),
                name="statistics_source_publisher_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="population") | Q(price_year__isnull=False),
                name="statistics_source_costs_have_price_year",
            ),
        ]

    def __str__(self) -> str:
        table = f" {self.table_id}" if self.table_id else ""
        return f"{self.get_publisher_display()}{table}: {self.file_name}"


class PopulationFigure(models.Model):  # noqa: DJ008 (rows of a source, never shown alone)
    """Persons of one age (or age group) in a municipality in a year, in one alternative."""

    source = models.ForeignKey(
        StatisticsSource, on_delete=models.CASCADE, related_name="population"
    )
    municipality_number = models.CharField(_("municipality number"), max_length=8)
    alternative = models.CharField(_("projection alternative"), max_length=40)
    age_from = models.PositiveSmallIntegerField(_("age from"))
    age_to = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("persons"))

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "municipality_number", "alternative", "age_from", "year"],
                name="population_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(age_to__isnull=True) | Q(age_to__gte=models.F("age_from")),
                name="population_figure_age_order",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2200), name="population_figure_year_range"
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality_number", "alternative", "year"],
                name="population_lookup",
            )
        ]


class CostFigure(models.Model):  # noqa: DJ008 (rows of a source, never shown alone)
    """Kroner per inhabitant of an age group in a service area (fixed prices of the source's
    price year). The age groups are data: the KS method uses 13."""

    source = models.ForeignKey(StatisticsSource, on_delete=models.CASCADE, related_name="costs")
    age_from = models.PositiveSmallIntegerField(_("age from"))
    age_to = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    service = models.CharField(_("service area code"), max_length=40)
    service_name = models.CharField(_("service area"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kroner = models.DecimalField(_("kroner per inhabitant"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("cost figure")
        verbose_name_plural = _("cost figures")
        ordering = ["position", "age_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "service", "age_from"], name="cost_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(age_to__isnull=True) | Q(age_to__gte=models.F("age_from")),
                name="cost_figure_age_order",
            ),
            models.CheckConstraint(condition=Q(kroner__gte=0), name="cost_figure_not_negative"),
        ]


class AttachedForecast(models.Model):
    """The forecast shown as a section of an evaluation's report. Attached and removed through
    forecasts.services (the evaluation's history records it); frozen with a published version."""

    evaluation = models.OneToOneField(
        "evaluations.Evaluation", on_delete=models.CASCADE, related_name="attached_forecast"
    )
    alternative = models.CharField(_("projection alternative"), max_length=40)
    start = models.PositiveSmallIntegerField(_("first year"))
    years = models.PositiveSmallIntegerField(_("years"))
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached"), auto_now=True)

    class Meta:
        verbose_name = _("attached forecast")
        verbose_name_plural = _("attached forecasts")
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=50), name="attached_forecast_years_range"
            ),
            models.CheckConstraint(
                condition=Q(start__gte=1900, start__lte=2200),
                name="attached_forecast_start_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alternative}, {self.start}–{self.start + self.years - 1}"
