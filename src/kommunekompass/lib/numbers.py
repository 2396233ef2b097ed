"""Rounding and formatting of points for display. The engine itself never rounds.

Sub-areas are shown with one decimal, areas, perspectives and totals as whole points
(domain.md: "6,7 of 10", "sum shown 62"). Rounding is half up, as people count.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

SUBAREA_DECIMALS = 1
AREA_DECIMALS = 0

# Decimal separator per language; Norwegian and Swedish use a comma.
DECIMAL_SEPARATORS = {"nb": ",", "nn": ",", "no": ",", "sv": ",", "da": ",", "en": "."}


def round_points(value: Fraction | int, decimals: int) -> Decimal:
    """Round an exact value half up (away from zero) to `decimals` places, exactly."""
    value = Fraction(value)
    sign = -1 if value < 0 else 1
    scaled = abs(value) * 10**decimals
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    return Decimal(sign * whole).scaleb(-decimals)


def format_points(value: Fraction | int | None, decimals: int, language: str = "nb") -> str:
    """`value` rounded to `decimals` places with the language's decimal separator.

    None (nothing scored) is shown as an en dash.
    """
    if value is None:
        return "–"
    rounded = round_points(value, decimals)
    text = f"{rounded:.{decimals}f}"
    separator = DECIMAL_SEPARATORS.get((language or "nb").split("-")[0], ",")
    return text.replace(".", separator)
