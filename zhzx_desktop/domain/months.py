"""Calendar months: the first day of a month some months away, the same day some months back."""

from __future__ import annotations

import calendar
from datetime import date


def first_of_month(day: date, back: int = 0) -> date:
    """The first day of ``day``'s month, ``back`` months earlier (negative: later)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(year, month0 + 1, 1)


def months_back(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter: 03-31 − 1 month → 02-28/29)."""
    first = first_of_month(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))
