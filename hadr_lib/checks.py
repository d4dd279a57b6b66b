"""Input checks and their error: every bad input is refused with a message naming the
field, the value and what is allowed (``a[1]: 1.3 is not in [0, 1] ...``).

The one place for them, below everything else in ``hadr_lib``: the maths, the file
readers, the studies and the app all check their inputs with these.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from numbers import Integral, Real
from typing import Any

__all__ = [
    "NOT_A_FRACTION",
    "InvalidInputError",
    "check_int",
    "check_number",
    "invalid",
    "read_number",
]

#: What is wrong with an availability outside [0, 1].
NOT_A_FRACTION = "is not in [0, 1] (an availability is a fraction: 99.9% is 0.999)"


class InvalidInputError(ValueError):
    """Bad input: the message names the field, the value and what is allowed.

    A message longer than ``MAX_MESSAGE`` characters (a hostile value echoed whole) is
    cut in the middle, so no error floods a terminal, a log or a page."""

    MAX_MESSAGE = 1000

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str) and len(args[0]) > self.MAX_MESSAGE:
            text = args[0]
            cut = len(text) - self.MAX_MESSAGE + 80
            args = (f"{text[:600]} [... {cut:,} characters cut ...] {text[-(self.MAX_MESSAGE - 680):]}",)
        super().__init__(*args)


def invalid(field: str, value: Any, problem: str) -> InvalidInputError:
    """An error reading ``field: value problem``, e.g. ``a[1]: 1.3 is not in [0, 1]``
    (a value that prints longer than 80 characters is cut, so a hostile input
    cannot flood the message)."""
    try:
        text = repr(value)
    except ValueError:  # an int of more digits than Python will print
        text = f"<a {type(value).__name__} too large to print>"
    if len(text) > 80:
        text = f"{text[:60]}... ({len(text):,} characters)"
    return InvalidInputError(f"{field}: {text} {problem}")


def check_number(field: str, value: Any, low: float, high: float, *, low_open: bool = False,
                  what: str = "") -> float:
    """``value`` as a float if it is a finite number in [low, high] (or (low, high]),
    else an ``InvalidInputError`` such as ``mttr_h: -1 is not a number in [0, inf) hours``."""
    kind = type(value)
    try:
        ok = (kind is float or kind is int or (isinstance(value, Real) and not isinstance(value, bool))) \
            and math.isfinite(value)
    except OverflowError:  # an int too large for a float
        ok = False
    if ok:
        ok = (value > low if low_open else value >= low) and value <= high
    if not ok:
        lo = "(" if low_open else "["
        hi = "inf)" if high == math.inf else f"{high:g}]"
        raise invalid(field, value, f"is not a number in {lo}{low:g}, {hi}{what}")
    return float(value)


def check_int(field_name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= int(value) <= high:
        raise invalid(field_name, value, f"is not a whole number in [{low:,}, {high:,}]")
    return int(value)


def read_number(path: str, value: Any) -> float | int:
    """A number from YAML: numbers as such, ``"99.95%"`` and numeric strings
    (PyYAML reads ``1e4`` as a string) as the decimal they spell."""
    if isinstance(value, bool):
        raise InvalidInputError(f"{path}: {value!r} is not a number")
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        if abs(value) > 10**300:  # float() would overflow; no figure here is that large
            raise InvalidInputError(f"{path}: a number of over 300 digits is out of range")
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
            if number.is_finite() and abs(number) <= Decimal("1e300"):
                return float(number)
        except InvalidOperation:
            pass
    raise InvalidInputError(f"{path}: {value!r} is not a number")
