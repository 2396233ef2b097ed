from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    """The demographic expenditure forecast: population projections from SSB or SCB times a
    cost table of kroner per inhabitant by age group and service area."""

    name = "kommunekompass.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")
