"""The forecast's figures as people read them: whole 1000 kroner, grouped by the language."""

from __future__ import annotations

from fractions import Fraction

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.forecasts.arithmetic import rounded
from kommunekompass.forecasts.charts import change_chart


def thousands(value: Fraction) -> str:
    """ "2 998", "−2 539" (rounded for display; the figure stays exact)."""
    text = number_format(rounded(value), force_grouping=True)
    return text.replace("-", "−")


def chart(result, salt: str = "forecast") -> str:
    language = get_language() or "nb"
    series = [
        (name, [float(result.forecast.change(year, code)) for year in result.forecast.years])
        for code, name in result.services
    ]
    return change_chart(
        list(result.forecast.years),
        series,
        unit_label=_("Change, 1000 kroner"),
        language=language,
        salt=salt,
    )
