"""Core availability maths, computed in unavailability.

Every function here works on floats and on numpy arrays (broadcast together), so
that a sweep behind a slider is one vectorised call.

Why unavailability? ``1 - product(availabilities)`` subtracts two nearly equal
floats and keeps nothing past about 15 nines; three 0.99999 units in parallel give
``1 - (1 - 0.99999) ** 3`` = 0.999999999999999 and the complement of that float is
1.1e-15, not 1.0e-15. So each result carries both numbers, each computed without
cancellation: sums and products of positive terms, ``log1p`` and ``expm1``.

Typed decimals. A user who writes ``0.999999999`` means an unavailability of
exactly 1e-9, but the nearest float's complement is off by about 6e-8 relative.
Availabilities that are short decimals (the shortest ``repr`` of the float has at
most 15 decimal places) are therefore complemented as the decimal the user wrote.

Assumptions, stated once here and in the README: units fail independently, and a
parallel group switches over instantly and perfectly. Periods use a year of
365.25 days unless ``year_days`` says otherwise; a month is a twelfth of that year
(30.44 days), and ``month30`` is the 30-day month some calculators use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Integral, Real
from typing import Any, overload

import numpy as np

from .checks import NOT_A_FRACTION, InvalidInputError, invalid

#: For type checkers: one figure gives a float, an array (or list) an array.
Scalar = float | Decimal | np.floating
Many = np.ndarray | Sequence[float]

__all__ = [
    "DAYS_PER_YEAR",
    "PERIODS",
    "Availability",
    "AvailabilityArray",
    "Downtime",
    "InvalidInputError",
    "Period",
    "availability_for_downtime",
    "check_availability",
    "downtime",
    "from_mtbf_mttr",
    "k_of_n",
    "nines",
    "parallel",
    "period_info",
    "series",
    "unavailability",
]

#: Days in the default year: the basis of published nines tables.
DAYS_PER_YEAR = 365.25

_DAY_S = 86_400.0


def finite_or_none(x: float | None) -> float | None:
    """A figure for JSON, which has no infinity or NaN: those (the nines of a perfect
    system, a rate nobody measured) become None."""
    return None if x is None or not math.isfinite(x) else float(x)


def json_record(row: dict[str, Any]) -> dict[str, Any]:
    """A record for JSON: each float that is NaN or infinite becomes None."""
    return {k: (finite_or_none(v) if isinstance(v, float) else v) for k, v in row.items()}


# --------------------------------------------------------------------------- results


class Availability(float):
    """A probability of being up [fraction], carrying its exact complement.

    Behaves as a float; ``unavailability`` is ``1 - availability`` computed without
    cancellation, and is what ``downtime`` and ``nines`` use.
    """

    __slots__ = ("unavailability",)
    unavailability: float

    def __new__(cls, availability: float, unavailability: float) -> Availability:
        obj = super().__new__(cls, availability)
        obj.unavailability = float(unavailability)
        return obj

    @property
    def availability(self) -> float:
        return float(self)

    @property
    def nines(self) -> float:
        return float(nines(self))

    def __repr__(self) -> str:
        return f"Availability({float(self)!r}, unavailability={self.unavailability!r})"

    def __reduce__(self) -> tuple[type, tuple[float, float]]:
        return (Availability, (float(self), self.unavailability))


class AvailabilityArray(np.ndarray):
    """An array of availabilities [fraction] with their exact complements.

    Arithmetic on it gives plain arrays (the complement would no longer match);
    indexing keeps the complement.
    """

    unavailability: np.ndarray | None

    def __new__(cls, availability: Any, unavailability: Any) -> AvailabilityArray:
        obj = np.asarray(availability, dtype=float).view(cls)
        obj.unavailability = np.broadcast_to(
            np.asarray(unavailability, dtype=float), obj.shape
        ).copy()
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        q = getattr(obj, "unavailability", None)
        # A view with another shape (reshape, transpose) cannot keep the complement.
        self.unavailability = q if q is not None and q.shape == self.shape else None

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        inputs = tuple(
            np.asarray(x) if isinstance(x, AvailabilityArray) else x for x in inputs
        )
        if "out" in kwargs:
            kwargs["out"] = tuple(
                np.asarray(x) if isinstance(x, AvailabilityArray) else x
                for x in kwargs["out"]
            )
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __getitem__(self, key: Any) -> Any:
        a = np.asarray(self)[key]
        if self.unavailability is None:
            return a
        q = self.unavailability[key]
        if np.ndim(a) == 0:
            return Availability(a, q)
        return AvailabilityArray(a, q)

    @property
    def availability(self) -> np.ndarray:
        return np.asarray(self)

    @property
    def nines(self) -> np.ndarray:
        return np.asarray(nines(self))


#: A and U computed apart (a product and a log-sum) may disagree past this much
#: after tens of thousands of terms: the inputs' binary availabilities and decimal
#: unavailabilities differ in the last bits, and a series of 50,000 0.999999s sums
#: that into 2.5e-12. ``consistent`` then keeps the smaller, accurate side.
_AGREE = 1e-13


def consistent(a: Any, q: Any) -> tuple[Any, Any]:
    """(A, U) as computed, unless they disagree by more than ``_AGREE``: then the
    smaller of the two is kept (it carries the precision) and the other is derived
    from it. Results of ordinary designs agree and are returned unchanged."""
    a_arr = np.asarray(a, dtype=float)
    q_arr = np.asarray(q, dtype=float)
    off = np.abs(a_arr + q_arr - 1.0) > _AGREE
    if not off.any():
        return a, q
    keep_q = off & (q_arr <= 0.5)
    keep_a = off & ~keep_q
    return np.where(keep_q, 1.0 - q_arr, a_arr), np.where(keep_a, 1.0 - a_arr, q_arr)


def availability_result(a: Any, q: Any) -> Availability | AvailabilityArray:
    a, q = consistent(a, q)
    a = np.asarray(a, dtype=float)
    q = np.asarray(q, dtype=float)
    if a.ndim == 0 and q.ndim == 0:
        return Availability(a, q)
    return AvailabilityArray(*np.broadcast_arrays(a, q))


# --------------------------------------------------------------------------- inputs


def decimal_complement(a: np.ndarray) -> np.ndarray:
    """``1 - a`` [fraction], treating each float as the short decimal it prints as.

    For ``a`` of at most 15 decimal places, ``round(a * 10**p)`` and ``10**p`` are
    exact floats, so ``(10**p - round(a * 10**p)) / 10**p`` is the correctly
    rounded complement of the decimal. Other values keep ``1 - a``, which is exact
    for the float itself when ``a >= 0.5`` (Sterbenz).
    """
    a = np.asarray(a, dtype=float)
    q = 1.0 - a
    flat_a = a.reshape(-1)
    flat_q = q.reshape(-1)
    todo = np.arange(flat_a.size)
    for p in range(0, 16):
        if todo.size == 0:
            break
        scale = 10.0**p
        scaled = np.round(flat_a[todo] * scale)
        hit = scaled / scale == flat_a[todo]
        flat_q[todo[hit]] = (scale - scaled[hit]) / scale
        todo = todo[~hit]
    return flat_q.reshape(a.shape)


def decimal_complement_scalar(a: float) -> float:
    """``decimal_complement`` of one float, in plain Python (the same operations,
    about 50 times quicker than numpy on a scalar)."""
    for p in range(16):
        scale = 10.0**p
        scaled = round(a * scale)  # half to even, as numpy's round
        if scaled / scale == a:
            return (scale - scaled) / scale
    return 1.0 - a


_LIST = "is not a non-empty list of availabilities"


def _check_fraction(field: str, a: np.ndarray) -> None:
    bad = ~((a >= 0.0) & (a <= 1.0))  # also catches NaN
    if bad.any():
        value = a.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise invalid(field, float(value), NOT_A_FRACTION)


def _split(value: Any, field: str) -> tuple[np.ndarray, np.ndarray]:
    """(availability, unavailability) arrays of one input, validated.

    Only real numbers are availabilities: bools, strings, bytes and complex numbers
    are refused (also inside arrays), whatever numpy would make of them. A
    complement carried by the input (an ``Availability``) is checked too.
    """
    q = getattr(value, "unavailability", None)
    a = _real_array(value, field, NOT_A_FRACTION)
    _check_fraction(field, a)
    if q is None:
        return a, decimal_complement(a)
    q = np.asarray(q, dtype=float)
    try:
        ok = bool(np.all((q >= 0.0) & (q <= 1.0)) and np.all(np.abs(a + q - 1.0) <= 1e-12))
    except ValueError:  # shapes that do not broadcast
        ok = False
    if not ok:
        raise invalid(field, value, f"carries an unavailability {q!r} that is not 1 - availability")
    return a, q


def _real_array(value: Any, field: str, problem: str) -> np.ndarray:
    """``value`` as a float array if it holds real numbers only: bools, strings,
    bytes and complex numbers are refused, as for availabilities."""
    if isinstance(value, (bool, np.bool_, str, bytes, complex, np.complexfloating)):
        raise invalid(field, value, problem)
    try:
        a = np.asarray(value)
        if a.dtype.kind not in "iuf":
            raise TypeError(a.dtype)
        return a.astype(float)
    except (TypeError, ValueError, OverflowError):
        raise invalid(field, value, problem) from None


@overload
def check_availability(value: Scalar, field: str = ...) -> float: ...
@overload
def check_availability(value: Many, field: str = ...) -> np.ndarray: ...
def check_availability(value: Any, field: str = "availability") -> float | np.ndarray:
    """``value`` as a float or array if it is an availability in [0, 1], else an
    ``InvalidInputError`` naming ``field``."""
    a, _ = _split(value, field)
    return float(a) if a.ndim == 0 else a


@overload
def unavailability(availability: Scalar) -> float: ...
@overload
def unavailability(availability: Many) -> np.ndarray: ...
def unavailability(availability: Any) -> float | np.ndarray:
    """Unavailability ``1 - A`` [fraction] of one availability or an array of them.

    Uses the exact complement a result carries; a typed decimal is complemented
    as written (see the module docstring).
    """
    if type(availability) is float and 0.0 <= availability <= 1.0:  # one plain float: no numpy
        return decimal_complement_scalar(availability)
    _, q = _split(availability, "availability")
    return float(q) if q.ndim == 0 else q


def _units(availabilities: Any, field: str = "availabilities") -> tuple[np.ndarray, np.ndarray]:
    """Stack a sequence of units (each a scalar or an array) along a new axis 0."""
    if isinstance(availabilities, (str, bytes)) or not isinstance(
        availabilities, (Iterable, np.ndarray)
    ):
        raise invalid(field, availabilities, _LIST)
    if isinstance(availabilities, np.ndarray) and availabilities.ndim == 0:
        raise invalid(field, float(availabilities), _LIST)
    if isinstance(availabilities, np.ndarray) and not isinstance(
        availabilities, AvailabilityArray
    ):
        a = np.asarray(availabilities, dtype=float)
        if a.shape[0] == 0:
            raise invalid(field, [], _LIST)
        for i in range(a.shape[0]):
            _check_fraction(f"{field}[{i}]", a[i])
        return a, decimal_complement(a)
    items = list(availabilities)
    if not items:
        raise invalid(field, [], _LIST)
    pairs = [_split(x, f"{field}[{i}]") for i, x in enumerate(items)]
    a = np.stack(np.broadcast_arrays(*[p[0] for p in pairs]))
    q = np.stack(np.broadcast_arrays(*[p[1] for p in pairs]))
    return a, q


# --------------------------------------------------------------------------- structures


def series_aq(a: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, U) of units stacked on axis 0, all needed."""
    with np.errstate(divide="ignore"):
        u = -np.expm1(np.sum(np.log1p(-q), axis=0))
    return np.prod(a, axis=0), u


def parallel_aq(a: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, U) of units stacked on axis 0, up while any is up."""
    with np.errstate(divide="ignore"):
        av = -np.expm1(np.sum(np.log1p(-a), axis=0))
    return av, np.prod(q, axis=0)


def k_of_n_aq(k: int, a: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, U) of units stacked on axis 0, up while at least k are up.

    The distribution of the number of failed units is built by dynamic
    programming, keeping counts up to n - k and collecting the rest as the
    unavailability, so both results are sums of positive terms. The smaller of the
    two carries the precision and the other is derived from it: summed, the up
    side of a big quorum at high nines came to 1 plus a few ulps (A > 1).
    """
    n = a.shape[0]
    m = n - int(k)  # failures the group tolerates
    f = np.zeros((m + 1,) + a.shape[1:], dtype=np.result_type(a, q))
    f[0] = 1.0
    down = np.zeros(a.shape[1:], dtype=f.dtype)
    for i in range(n):
        down = down + f[m] * q[i]
        f[1:] = f[1:] * a[i] + f[:-1] * q[i]
        f[0] = f[0] * a[i]
    up = np.sum(f, axis=0)
    return np.where(down <= 0.5, 1.0 - down, up), np.where(down <= 0.5, down, 1.0 - up)


def _check_k(k: Any, n: int) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (Integral, Real)) or (
        not float(k).is_integer() or not 1 <= float(k) <= n
    ):
        raise invalid("k", k, f"is not a whole number in [1, {n}] (n = {n} units)")
    return int(float(k))


def series(availabilities: Any) -> Availability | AvailabilityArray:
    """Availability of units that are all needed [fraction].

    ``A = prod(A_i)``; the unavailability is ``-expm1(sum(log1p(-U_i)))``, exact
    to a few ulps however small. Assumes independent failures.

    Parameters
    ----------
    availabilities : sequence of float or array
        One entry per unit, each in [0, 1]; entries broadcast together.
    """
    return availability_result(*series_aq(*_units(availabilities)))


def parallel(availabilities: Any) -> Availability | AvailabilityArray:
    """Availability of active-active units, up while any one is up [fraction].

    ``U = prod(U_i)``; the availability is ``-expm1(sum(log1p(-A_i)))``. Assumes
    independent failures and instant, perfect failover.
    """
    return availability_result(*parallel_aq(*_units(availabilities)))


def k_of_n(k: int, availabilities: Any) -> Availability | AvailabilityArray:
    """Availability of a group that is up while at least ``k`` of its units are up.

    Exact for non-identical units: the distribution of the number of failed units
    is built by dynamic programming (the coefficients of ``prod(A_i + U_i x)``),
    keeping only counts up to ``n - k`` and collecting the rest as the group's
    unavailability, so both results are sums of positive terms. O(n (n - k + 1)).
    A majority quorum of 3 replicas is ``k_of_n(2, [a, a, a])``.
    """
    a, q = _units(availabilities)
    return availability_result(*k_of_n_aq(_check_k(k, a.shape[0]), a, q))


def from_mtbf_mttr(mtbf_hours: Any, mttr_hours: Any) -> Availability | AvailabilityArray:
    """Steady-state availability of a repairable unit [fraction].

    ``A = MTBF / (MTBF + MTTR)`` and ``U = MTTR / (MTBF + MTTR)``, where MTBF [h]
    is the mean up time between failures and MTTR [h] the mean time to restore.
    """
    mtbf = _real_array(mtbf_hours, "mtbf_hours", "is not a finite number of hours > 0")
    mttr = _real_array(mttr_hours, "mttr_hours", "is not a finite number of hours >= 0")
    bad = ~(np.isfinite(mtbf) & (mtbf > 0))
    if bad.any():
        raise invalid("mtbf_hours", float(mtbf.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]),
                   "is not a finite number of hours > 0")
    bad = ~(np.isfinite(mttr) & (mttr >= 0))
    if bad.any():
        raise invalid("mttr_hours", float(mttr.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]),
                   "is not a finite number of hours >= 0")
    total = mtbf + mttr
    return availability_result(mtbf / total, mttr / total)


@overload
def nines(availability: Scalar) -> float: ...
@overload
def nines(availability: Many) -> np.ndarray: ...
def nines(availability: Any) -> float | np.ndarray:
    """Number of nines, ``-log10(1 - A)``: 3 for 99.9%, inf for 100%."""
    q = unavailability(availability)
    with np.errstate(divide="ignore"):
        out = -np.log10(q)
    return float(out) if np.ndim(out) == 0 else out


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A period over which downtime is counted."""

    name: str
    seconds: float
    basis: str


#: Period names accepted by ``downtime`` and friends.
PERIODS = ("year", "quarter", "month", "month30", "week", "day")


def period_info(name: str = "year", *, year_days: float = DAYS_PER_YEAR,
                field: str = "period") -> Period:
    """The length [s] and stated basis of a named period.

    ``year`` is ``year_days`` days (365.25 by default), ``quarter`` a quarter and
    ``month`` a twelfth of that year; ``month30`` is a 30-day month; ``week`` and
    ``day`` are 7 days and 1 day.
    """
    if isinstance(year_days, (bool, np.bool_)) or not isinstance(year_days, Real) or not (
        math.isfinite(year_days) and 1 <= year_days <= 366
    ):
        raise invalid("year_days", year_days, "is not a number of days in [1, 366] (e.g. 365.25)")
    y = f"{year_days:g}-day year"
    table = {
        "year": (year_days, f"{year_days:g} days"),
        "quarter": (year_days / 4, f"1/4 of a {y}, {year_days / 4:.4g} days"),
        "month": (year_days / 12, f"1/12 of a {y}, {year_days / 12:.4g} days"),
        "month30": (30.0, "30 days"),
        "week": (7.0, "7 days"),
        "day": (1.0, "24 hours"),
    }
    if name not in table:
        raise invalid(field, name, f"is not a period; use one of {', '.join(PERIODS)}")
    days, basis = table[name]
    return Period(name, days * _DAY_S, basis)


class Downtime(float):
    """Seconds of downtime in a period; ``basis`` says which period length was used."""

    __slots__ = ("period_info",)

    period_info: Period

    def __new__(cls, seconds: float, period_info: Period) -> Downtime:
        obj = super().__new__(cls, seconds)
        obj.period_info = period_info
        return obj

    @property
    def period(self) -> str:
        return self.period_info.name

    @property
    def basis(self) -> str:
        return self.period_info.basis

    def __reduce__(self) -> tuple[type, tuple[float, Period]]:
        return (Downtime, (float(self), self.period_info))

    def __repr__(self) -> str:
        return f"Downtime({float(self)!r} s per {self.period} of {self.basis})"


@overload
def downtime(availability: Scalar, period: str = ..., *, year_days: float = ...) -> Downtime: ...
@overload
def downtime(availability: Many, period: str = ..., *, year_days: float = ...) -> np.ndarray: ...
def downtime(availability: Any, period: str = "year", *,
             year_days: float = DAYS_PER_YEAR) -> Downtime | np.ndarray:
    """Expected downtime [s] in a period at a given availability.

    ``downtime = (1 - A) x period length``, from the exact unavailability. A float
    input gives a ``Downtime`` (a float whose ``basis`` names the period length);
    an array gives an array of seconds.
    """
    p = period_info(period, year_days=year_days)
    q = unavailability(availability)
    seconds = np.asarray(q) * p.seconds
    return Downtime(float(seconds), p) if seconds.ndim == 0 else seconds


def availability_for_downtime(seconds: Any, period: str = "year", *,
                              year_days: float = DAYS_PER_YEAR) -> Availability | AvailabilityArray:
    """Availability [fraction] that allows ``seconds`` of downtime per period.

    The inverse of ``downtime``: ``U = seconds / period length``.
    """
    p = period_info(period, year_days=year_days)
    s = _real_array(seconds, "seconds", f"is not a number of seconds of downtime per {p.name}")
    bad = ~((s >= 0) & (s <= p.seconds))
    if bad.any():
        value = float(s.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])
        raise invalid("seconds", value,
                   f"is not in [0, {p.seconds:g}] seconds of downtime per {p.name} ({p.basis})")
    q = s / p.seconds
    return availability_result(1.0 - q, q)
