"""Plain-language formatting of durations and availabilities for people."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from .availability import unavailability
from .checks import InvalidInputError

__all__ = ["DURATION_STEPS_S", "ROUND_MANTISSAS", "duration_options", "format_duration",
           "format_money", "format_money_short", "format_percent", "round_steps", "snap_options"]

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
    """Whole currency units with thousands separators: ``$267,331``, ``1,200 CHF``;
    amounts under 100 that are not whole keep their cents (``$2.50``)."""
    a = abs(amount)
    if a == 0 or a >= 100 or not math.isfinite(a) or float(amount).is_integer():
        text = f"{amount:,.0f}"
    elif a >= 0.01:  # small prices keep their cents: $2.50, $0.05
        text = f"{amount:,.2f}"
    else:
        text = f"{amount:.2g}"
    return _with_currency(text, currency)


def format_money_short(amount: float, currency: str = "USD") -> str:
    """An amount as a chart's tick says it, to three significant digits with k, M or B:
    ``$250``, ``$1.5k``, ``$10k``, ``$2M``, ``1B CHF``, ``$3,200B``."""
    a = abs(float(amount))
    scale, suffix = next(((s, x) for s, x in ((1e9, "B"), (1e6, "M"), (1e3, "k")) if a >= s * 0.9995), (1.0, ""))
    # a thousand billion and more: billions with separators, not "1e+03B"
    digits = ",.0f" if a >= 999.5e9 else ".3g"
    return _with_currency(f"{float(amount) / scale:{digits}}{suffix}", currency)


def format_price(amount: float, currency: str = "USD") -> str:
    """A unit price with its significant digits (up to 4): ``$0.023``, ``€0.0125``,
    ``0.05 CHF`` (``format_money`` rounds to cents, which a price per GB-month needs more than)."""
    return _with_currency(f"{amount:,.4g}", currency)


def _with_currency(text: str, currency: str) -> str:
    """An amount's digits with its currency: a symbol before them where there is one
    (``$``, ``€``, ``£``), else the code after them (``1,200 CHF``)."""
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def parse_money(text: str, field: str = "amount", *, high: float = 1e12) -> float:
    """An amount as people type it, the inverse of ``format_money``: ``130,000``,
    ``$130,000``, ``130000 EUR``, ``1.5e5``; spaces, a currency symbol or code and
    thousands separators are read, anything else is an error naming ``field``."""
    shown = str(text)[:40]
    cleaned = re.sub(r"[\s,_$€£¥]|[A-Za-z]{3}$|^[A-Za-z]{3}", "", str(text).strip())
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidInputError(f"{field}: {shown!r} is not an amount (write 130,000 or 130000)") from None
    if not (math.isfinite(value) and 0 <= value <= high):
        raise InvalidInputError(f"{field}: {shown!r} is not an amount in [0, {high:,.0f}]")
    return value


#: Round values a log slider snaps to, per decade.
ROUND_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5)


def round_steps(low: float, high: float, mantissas=ROUND_MANTISSAS) -> list[float]:
    """Round values from ``low`` to ``high`` (both > 0), evenly spaced on a log
    scale: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 15, ... (the steps a log slider
    snaps to, so it reads $50,000 and not $48,977)."""
    if not (0 < low <= high < float("inf")):
        raise ValueError(f"round_steps: need 0 < low <= high < inf, got {low!r}, {high!r}")
    out: list[float] = []
    decade = math.floor(math.log10(low))
    while True:
        for m in mantissas:
            v = float(f"{m * 10.0 ** decade:.6g}")
            if v > high * (1 + 1e-12):
                return out
            if v >= low * (1 - 1e-12):
                out.append(v)
        decade += 1


def snap_options(value: float, low: float, high: float, label) -> list[tuple[str, float]]:
    """(label, value) options of a snapping log slider from ``low`` to ``high``, with
    ``value`` itself among them (a scenario's $47,300 stays $47,300 until moved);
    ``label`` formats a value (``format_money``, ``format_duration``...)."""
    values = sorted(set(round_steps(low, high)) | {float(value)})
    return [(label(v), v) for v in values]


#: Round durations [s] a time slider snaps to: seconds, minutes, hours, days, weeks.
DURATION_STEPS_S = (
    1, 2, 5, 10, 15, 20, 30, 45,
    60, 90, 120, 180, 300, 600, 900, 1200, 1800, 2700,
    3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200,
    86400, 129600, 172800, 259200, 345600, 432000, 604800,
    1209600, 2592000,
)


def duration_options(value_s: float, low_s: float, high_s: float) -> list[tuple[str, float]]:
    """(label, hours) options of a time slider from ``low_s`` to ``high_s`` over round
    durations (10 seconds, 15 minutes, 4 hours, 2 days), ``value_s`` among them."""
    values = {float(s) for s in DURATION_STEPS_S if low_s <= s <= high_s} | {float(value_s)}
    return [(format_duration(s), s / 3600.0) for s in sorted(values)]
