"""Plain-language formatting of durations and availabilities for people."""

from __future__ import annotations

import math
from decimal import Decimal

from .availability import InvalidInputError, unavailability

__all__ = ["format_duration", "format_money", "format_percent"]

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}

_UNITS = (
    (86_400.0, "day", "days"),
    (3_600.0, "hour", "hours"),
    (60.0, "minute", "minutes"),
    (1.0, "second", "seconds"),
    (1e-3, "millisecond", "milliseconds"),
    (1e-6, "microsecond", "microseconds"),
)


def format_duration(seconds: float, digits: int = 3) -> str:
    """A duration [s] in the largest unit that keeps it at least 1, e.g. ``8.77 hours``.

    Days are used from 2 days up (``36 hours`` reads better than ``1.5 days``),
    milliseconds and microseconds below a second; ``digits`` is the number of
    significant figures.
    """
    s = float(seconds)
    if not math.isfinite(s) or s < 0:
        raise InvalidInputError(f"seconds: {seconds!r} is not a finite duration >= 0")
    if s == 0:
        return "0 seconds"
    for size, one, many in _UNITS:
        if s >= size * (2 if one == "day" else 1) or one == "microsecond":
            value = float(f"{s / size:.{digits}g}")
            text = f"{value:,.0f}" if value >= 10**digits else f"{value:.{digits}g}"
            return f"{text} {one if value == 1 else many}"
    raise AssertionError("unreachable")


def format_percent(availability, significant: int = 3) -> str:
    """An availability as a percentage that shows the digits that matter.

    Enough decimals for ``significant`` figures of the unavailability, trailing
    zeros dropped, computed from the exact unavailability in decimal arithmetic:
    ``99.95%``, ``98.99%`` (not "99%"), ``99.999975%``; only a unit that never
    fails reads ``100%``.
    """
    q = unavailability(availability)
    if q == 0:
        return "100%"
    lost = Decimal(repr(q)) * 100
    decimals = max(0, significant - 1 - math.floor(math.log10(q * 100)))
    text = f"{Decimal(100) - lost:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def format_money(amount: float, currency: str = "USD") -> str:
    """Whole currency units with thousands separators: ``$267,331``, ``1,200 CHF``."""
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{amount:,.0f} {currency}"
