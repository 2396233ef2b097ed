"""Measurement periods as offices write them, and as the app shows them. Pure, no database.

A measurement is stored at the END date of its period: a quarter on its last day (31.03, 30.06,
30.09, 31.12), a month on its last day, a year on 31 December.
"""

from __future__ import annotations

import calendar
import datetime
import re

_FLAGS = re.IGNORECASE

# A full date: ISO 2026-03-31 (an .xlsx date cell read as text adds a time: "2026-03-31
# 00:00:00"), Norwegian 31.03.2026.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# Quarters: 2026-Q1, 2026 Q1, 2026Q1, 2026K1, 2026-K1 ...
_YEAR_QUARTER = re.compile(r"(\d{4})\s*[-/]?\s*[QK]\s*(\d+)", _FLAGS)
# ... Q1 2026, Q1-2026, K1 2026 ...
_QUARTER_YEAR = re.compile(r"[QK]\s*(\d+)\s*[-/]?\s*(\d{4})", _FLAGS)
# ... 1. kvartal 2026, 1. kv. 2026, 1 kv 2026.
_NORWEGIAN_QUARTER = re.compile(r"(\d+)\s*\.?\s*(?:kvartal|kv\.?)\s*(\d{4})", _FLAGS)
# Months: 2026-03, 03.2026.
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})\.(\d{4})")
_YEAR = re.compile(r"(\d{4})")

MONTHS_NB = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def month_end(year: int, month: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise ValueError(f"There is no month {month}.")
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> datetime.date:
    if not 1 <= quarter <= 4:
        raise ValueError(f"There is no quarter {quarter}.")
    return month_end(year, quarter * 3)


def parse_period(value) -> datetime.date:
    """The end date of the period a cell names (a date, a quarter, a month or a year).

    Raises ValueError for anything else, and for a quarter, month or day that does not exist.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    text = re.sub(r"\s+", " ", str(value or "").strip())
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return datetime.date(int(year), int(month), int(day))
        if match := _NORWEGIAN_DATE.fullmatch(text):
            day, month, year = match.groups()
            return datetime.date(int(year), int(month), int(day))
        if match := _YEAR_QUARTER.fullmatch(text):
            year, quarter = match.groups()
            return quarter_end(int(year), int(quarter))
        if match := (_QUARTER_YEAR.fullmatch(text) or _NORWEGIAN_QUARTER.fullmatch(text)):
            quarter, year = match.groups()
            return quarter_end(int(year), int(quarter))
        if match := _YEAR_MONTH.fullmatch(text):
            year, month = match.groups()
            return month_end(int(year), int(month))
        if match := _MONTH_YEAR.fullmatch(text):
            month, year = match.groups()
            return month_end(int(year), int(month))
        if match := _YEAR.fullmatch(text):
            return datetime.date(int(match.group(1)), 12, 31)
    except ValueError as error:  # e.g. day 31 of a 30-day month, year 0000
        raise ValueError(f"{value!r} is not a period: {error}") from error
    raise ValueError(f"{value!r} is not a period.")


def is_norwegian(language: str | None) -> bool:
    return (language or "").lower()[:2] in ("nb", "nn", "no")


def period_label(date: datetime.date, frequency: str, language: str) -> str:
    """How a period end reads: "1. kv. 2026" / "Q1 2026", "mars 2026" / "March 2026", "2026".

    A date that does not end a period of the indicator's frequency reads as the date itself:
    "31.03.2026" (Norwegian) or "2026-03-31" (English).
    """
    norwegian = is_norwegian(language)
    is_month_end = (date + datetime.timedelta(days=1)).day == 1
    if frequency == "quarterly" and is_month_end and date.month % 3 == 0:
        quarter = date.month // 3
        return f"{quarter}. kv. {date.year}" if norwegian else f"Q{quarter} {date.year}"
    if frequency == "monthly" and is_month_end:
        names = MONTHS_NB if norwegian else MONTHS_EN
        return f"{names[date.month - 1]} {date.year}"
    if frequency == "yearly" and (date.month, date.day) == (12, 31):
        return str(date.year)
    return f"{date.day:02d}.{date.month:02d}.{date.year}" if norwegian else date.isoformat()
