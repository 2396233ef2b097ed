"""Experienced quality K = O / F with its 95 % confidence interval. Pure functions, no Django.

Each respondent who rated a statement gives a pair: F, what they expected, and O, what they
experienced, on the same scale. For n such pairs:

    Ō = ΣO / n          F̄ = ΣF / n          K = Ō / F̄

The sample variances and covariance (divisor n - 1):

    s_O² = (ΣO² - n·Ō²) / (n - 1)
    s_F² = (ΣF² - n·F̄²) / (n - 1)
    s_OF = (ΣOF - n·Ō·F̄) / (n - 1)

The interval is the delta method's for a ratio of paired means (first-order Taylor expansion of
Ō / F̄ around the true means, normal approximation):

    Var(K) ≈ (1 / n) · ( s_O² / F̄²  -  2·Ō·s_OF / F̄³  +  Ō²·s_F² / F̄⁴ )
    95 % interval: K ± 1.96 · √Var(K)

A survey that asks only for experience (O) gets Ō ± 1.96 · s_O / √n.

The sums are what the database adds up (one GROUP BY), so the figures of a unit and of the
whole survey come from the same sums: `Sums` add up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.96


@dataclass(frozen=True)
class Sums:
    """The sufficient statistics of n pairs (O, F); for a survey without F, the F sums are 0."""

    n: int = 0
    o: float = 0.0
    f: float = 0.0
    oo: float = 0.0
    ff: float = 0.0
    of: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.n + other.n,
            self.o + other.o,
            self.f + other.f,
            self.oo + other.oo,
            self.ff + other.ff,
            self.of + other.of,
        )


def sums_of(pairs: list[tuple[float, float | None]]) -> Sums:
    """The sums of (O, F) pairs; F may be None for a survey without expectation."""
    total = Sums()
    for o, f in pairs:
        f = f or 0.0
        total = total + Sums(1, o, f, o * o, f * f, o * f)
    return total


@dataclass(frozen=True)
class Figures:
    n: int
    experience: float | None  # Ō
    expectation: float | None  # F̄
    quality: float | None  # K = Ō / F̄
    low: float | None  # the 95 % interval of K (or of Ō without F)
    high: float | None


def _variance(total: float, squares: float, n: int) -> float:
    mean = total / n
    return max(squares - n * mean * mean, 0.0) / (n - 1)


def mean_interval(s: Sums) -> Figures:
    """Ō with its interval, for a survey that asks only for experience."""
    if s.n == 0:
        return Figures(0, None, None, None, None, None)
    mean = s.o / s.n
    if s.n < 2:
        return Figures(s.n, mean, None, None, None, None)
    half = Z_95 * math.sqrt(_variance(s.o, s.oo, s.n) / s.n)
    return Figures(s.n, mean, None, None, mean - half, mean + half)


def quality(s: Sums) -> Figures:
    """Ō, F̄ and K = Ō / F̄ with K's 95 % interval by the delta method (see the module)."""
    if s.n == 0:
        return Figures(0, None, None, None, None, None)
    o_mean, f_mean = s.o / s.n, s.f / s.n
    if f_mean == 0:
        return Figures(s.n, o_mean, f_mean, None, None, None)
    k = o_mean / f_mean
    if s.n < 2:
        return Figures(s.n, o_mean, f_mean, k, None, None)
    var_o = _variance(s.o, s.oo, s.n)
    var_f = _variance(s.f, s.ff, s.n)
    cov = (s.of - s.n * o_mean * f_mean) / (s.n - 1)
    variance = (
        var_o / f_mean**2 - 2 * o_mean * cov / f_mean**3 + o_mean**2 * var_f / f_mean**4
    ) / s.n
    half = Z_95 * math.sqrt(max(variance, 0.0))
    return Figures(s.n, o_mean, f_mean, k, k - half, k + half)


def figures(s: Sums, asks_expectation: bool) -> Figures:
    return quality(s) if asks_expectation else mean_interval(s)


def shown(respondents: int, threshold: int) -> bool:
    """Whether a group's results may be shown: at least `threshold` respondents."""
    return respondents >= threshold
