"""Core maths: hand-checked values, an mpmath reference, properties and bad input."""

from __future__ import annotations

import math
import pickle

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib import InvalidInputError

mpmath.mp.dps = 50


# ------------------------------------------------------------------ hand-checked values


def test_series_of_the_source_article_is_98_99_percent_not_99_99():
    a = hl.series([0.9999, 0.99999, 0.99])
    assert a == pytest.approx(0.98989110099, rel=1e-14)
    assert a.unavailability == pytest.approx(0.01010889901, rel=1e-14)
    assert hl.format_percent(a) == "98.99%"


def test_two_units_in_parallel():
    a = hl.parallel([0.95, 0.95])
    assert a == pytest.approx(0.9975, rel=1e-15)
    assert a.unavailability == pytest.approx(0.0025, rel=1e-14)


def test_two_of_three():
    # 3 a^2 (1-a) + a^3 = 3(0.9801)(0.01) + 0.970299 = 0.999702
    a = hl.k_of_n(2, [0.99, 0.99, 0.99])
    assert a == pytest.approx(0.999702, rel=1e-14)
    assert a.unavailability == pytest.approx(0.000298, rel=1e-12)


def test_k_of_n_non_identical_units_by_hand():
    # 2 of (0.9, 0.8, 0.7): P(all up) + P(exactly one down)
    p = 0.9 * 0.8 * 0.7 + 0.1 * 0.8 * 0.7 + 0.9 * 0.2 * 0.7 + 0.9 * 0.8 * 0.3
    a = hl.k_of_n(2, [0.9, 0.8, 0.7])
    assert a == pytest.approx(p, rel=1e-14)
    assert a.unavailability == pytest.approx(1 - p, rel=1e-13)


def test_mtbf_mttr():
    a = hl.from_mtbf_mttr(1000, 1)
    assert a == pytest.approx(1000 / 1001, rel=1e-15)
    assert a.unavailability == pytest.approx(1 / 1001, rel=1e-15)
    assert hl.from_mtbf_mttr(1000, 0) == 1.0


def test_nines():
    assert hl.nines(0.999) == pytest.approx(3.0, rel=1e-12)
    assert hl.nines(0.9995) == pytest.approx(3.30103, rel=1e-6)
    assert hl.nines(1.0) == math.inf
    assert hl.nines(0.0) == 0.0


@pytest.mark.parametrize("availability, period, expected_s", [
    (0.99, "year", 3.6525 * 86400),          # 3.65 days
    (0.999, "year", 8.766 * 3600),           # 8.77 hours
    (0.9999, "year", 52.596 * 60),           # 52.6 minutes
    (0.99999, "year", 5.2596 * 60),          # 5.26 minutes
    (0.999, "month30", 43.2 * 60),           # the 30-day month of some calculators
    (0.999, "month", 43.83 * 60),            # a twelfth of a 365.25-day year
    (0.999, "week", 10.08 * 60),             # Azure's 10.1 min/week
    (0.999, "quarter", 2.1915 * 3600),
    (0.999, "day", 86.4),
])
def test_downtime_published_figures(availability, period, expected_s):
    assert hl.downtime(availability, period) == pytest.approx(expected_s, rel=1e-12)


def test_downtime_year_length_is_a_parameter_and_stated():
    d = hl.downtime(0.999, "year", year_days=365)
    assert d == pytest.approx(8.76 * 3600, rel=1e-12)  # Azure's 8.76 h/year
    assert d.basis == "365 days"
    assert hl.downtime(0.999, "month").basis == "1/12 of a 365.25-day year, 30.44 days"
    assert hl.downtime(0.999, "month30").basis == "30 days"


def test_availability_for_downtime_inverts():
    a = hl.availability_for_downtime(52.596 * 60, "year")
    assert a == pytest.approx(0.9999, rel=1e-15)
    assert a.unavailability == pytest.approx(1e-4, rel=1e-12)
    assert hl.availability_for_downtime(0, "day") == 1.0


# ------------------------------------------------------------------ precision


def test_three_five_nines_in_parallel_is_exactly_1e_minus_15():
    a = hl.parallel([0.99999] * 3)
    assert a.unavailability == pytest.approx(1.0e-15, rel=1e-9)
    assert hl.downtime(a, "year") == pytest.approx(1e-15 * 365.25 * 86400, rel=1e-9)
    assert hl.nines(a) == pytest.approx(15.0, rel=1e-9)


def test_typed_decimal_is_complemented_as_written():
    # The float nearest 0.999999999 is off by ~6e-8 relative in 1 - A.
    assert abs((1 - 0.999999999) / 1e-9 - 1) > 1e-8
    assert hl.unavailability(0.999999999) == 1e-9
    assert hl.unavailability(np.array([0.95, 0.999999999]))[1] == 1e-9
    # A float that is no short decimal keeps its own exact complement.
    x = 1 - 2.0**-40
    assert hl.unavailability(x) == 2.0**-40


def _mp_q(values):
    return [1 - mpmath.mpf(v) for v in values]


def _mp_k_of_n(k, values):
    q = _mp_q(values)
    a = [1 - x for x in q]
    f = [mpmath.mpf(1)] + [mpmath.mpf(0)] * len(values)
    for ai, qi in zip(a, q):
        f = [f[0] * ai] + [f[j] * ai + f[j - 1] * qi for j in range(1, len(f))]
    return mpmath.fsum(f[len(values) - k + 1:])  # more than n - k units down


TYPED = ["0.9", "0.95", "0.99", "0.995", "0.999", "0.9995", "0.9999", "0.99999",
         "0.999999", "0.9999999", "0.99999999", "0.999999999", "0.9999999999",
         "0.99999999999", "0.999999999999"]


@pytest.mark.parametrize("typed", TYPED)
def test_against_mpmath_reference_up_to_12_nines(typed):
    values = [typed, "0.9995", typed]
    floats = [float(v) for v in values]
    q = _mp_q(values)
    ref_series = 1 - mpmath.fprod([1 - x for x in q])
    ref_parallel = mpmath.fprod(q)
    assert hl.series(floats).unavailability == pytest.approx(float(ref_series), rel=1e-9)
    assert hl.parallel(floats).unavailability == pytest.approx(float(ref_parallel), rel=1e-9)
    for k in (1, 2, 3):
        got = hl.k_of_n(k, floats).unavailability
        assert got == pytest.approx(float(_mp_k_of_n(k, values)), rel=1e-9)
    assert hl.downtime(float(typed)) == pytest.approx(
        float((1 - mpmath.mpf(typed)) * mpmath.mpf("31557600")), rel=1e-12)


def test_large_k_of_n_against_mpmath():
    values = ["0.999", "0.9999", "0.99", "0.9995"] * 25  # 100 non-identical units
    for k in (50, 90, 97, 100):
        got = hl.k_of_n(k, [float(v) for v in values])
        ref = _mp_k_of_n(k, values)
        assert got.unavailability == pytest.approx(float(ref), rel=1e-9)
        assert float(got) == pytest.approx(float(1 - ref), rel=1e-12)


@pytest.mark.parametrize("k, n, typed", [(26, 50, "0.9999"), (990, 1000, "0.99999"), (501, 1000, "0.999"),
                                          (2, 3, "0.999999999999")])
def test_big_quorums_at_high_nines_are_exact_and_never_above_1(k, n, typed):
    """A 26-of-50 quorum at 99.99% summed its up side to 1 + 4e-16 (A > 1) and
    the CLI refused the design: "availability: 1.0000000000000004 is not in [0, 1]"."""
    got = hl.k_of_n(k, [float(typed)] * n)
    ref = _mp_k_of_n(k, [typed] * n)
    assert got.unavailability == pytest.approx(float(ref), rel=1e-9)
    assert 0.0 <= float(got) <= 1.0
    assert float(got) == float(1 - ref)
    arch = hl.Architecture(hl.KofN(k, tuple(hl.Component(f"n{i}", availability=float(typed)) for i in range(n))))
    e = arch.evaluate()
    assert float(e.availability) <= 1.0
    assert e.unavailability == pytest.approx(float(ref), rel=1e-9)


def test_nested_results_keep_their_exact_complement():
    # parallel of two series: the inner results' unavailability is used as is.
    inner = hl.series([0.99999, 0.999999])
    outer = hl.parallel([inner, inner])
    q_inner = 1 - mpmath.mpf("0.99999") * mpmath.mpf("0.999999")
    assert outer.unavailability == pytest.approx(float(q_inner**2), rel=1e-9)


# ------------------------------------------------------------------ arrays


def test_vectorised_matches_scalar():
    a = np.array([0.9, 0.99, 0.999, 0.9999])
    vec = hl.series([a, 0.995, a])
    assert isinstance(vec, hl.AvailabilityArray)
    for i, x in enumerate(a):
        one = hl.series([x, 0.995, x])
        assert vec[i] == pytest.approx(float(one), rel=1e-15)
        assert vec[i].unavailability == pytest.approx(one.unavailability, rel=1e-14)
    d = hl.downtime(hl.parallel([a, a]), "month")
    assert d.shape == (4,)
    assert d[2] == pytest.approx(1e-6 * 365.25 / 12 * 86400, rel=1e-9)


def test_array_of_units_along_axis_0():
    grid = np.array([[0.9, 0.99], [0.9, 0.99]])  # 2 units x 2 points
    got = hl.parallel(grid)
    np.testing.assert_allclose(got.unavailability, [0.01, 0.0001], rtol=1e-12)


def test_arithmetic_on_results_gives_plain_values():
    arr = hl.series([np.array([0.9, 0.99])])
    assert type(arr * 2) is np.ndarray
    assert type(arr.min()) is not hl.AvailabilityArray
    assert pickle.loads(pickle.dumps(hl.series([0.9, 0.9]))).unavailability == pytest.approx(0.19)


# ------------------------------------------------------------------ properties

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
units = st.lists(unit, min_size=1, max_size=8)


@given(units)
def test_series_is_at_most_the_weakest_unit(xs):
    assert hl.series(xs) <= min(xs)
    assert hl.series(xs).unavailability >= min(hl.unavailability(x) for x in xs) * (1 - 1e-12)


@given(units)
def test_parallel_is_at_least_the_strongest_unit(xs):
    assert hl.parallel(xs).unavailability <= min(hl.unavailability(x) for x in xs)
    assert hl.parallel(xs) >= max(xs) - 1e-15


@given(units)
def test_k_of_n_ends_are_parallel_and_series(xs):
    one, all_ = hl.k_of_n(1, xs), hl.k_of_n(len(xs), xs)
    par, ser = hl.parallel(xs), hl.series(xs)
    assert float(one) == pytest.approx(float(par), rel=1e-12, abs=1e-300)
    assert one.unavailability == pytest.approx(par.unavailability, rel=1e-12, abs=1e-300)
    assert float(all_) == pytest.approx(float(ser), rel=1e-12, abs=1e-300)
    assert all_.unavailability == pytest.approx(ser.unavailability, rel=1e-12, abs=1e-300)


@given(units, st.data())
def test_monotone_in_every_input(xs, data):
    i = data.draw(st.integers(0, len(xs) - 1))
    better = list(xs)
    better[i] = data.draw(st.floats(min_value=xs[i], max_value=1.0))
    k = data.draw(st.integers(1, len(xs)))
    for f in (hl.series, hl.parallel, lambda v: hl.k_of_n(k, v)):
        before, after = f(xs), f(better)
        assert after >= before - 1e-15
        assert after.unavailability <= before.unavailability * (1 + 1e-12) + 1e-300


@given(st.floats(min_value=0.0, max_value=1.0), st.sampled_from(hl.PERIODS))
def test_downtime_round_trips(a, period):
    back = hl.availability_for_downtime(hl.downtime(a, period), period)
    assert back.unavailability == pytest.approx(hl.unavailability(a), rel=1e-12, abs=1e-300)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("call, field, value", [
    (lambda: hl.series([0.9, 1.3]), "availabilities[1]", "1.3"),
    (lambda: hl.parallel([-0.1]), "availabilities[0]", "-0.1"),
    (lambda: hl.series([0.9, float("nan")]), "availabilities[1]", "nan"),
    (lambda: hl.series([np.array([0.9, 2.0])]), "availabilities[0]", "2.0"),
    (lambda: hl.series([]), "availabilities", "[]"),
    (lambda: hl.parallel(0.9), "availabilities", "0.9"),
    (lambda: hl.series(["0.9"]), "availabilities[0]", "'0.9'"),
    (lambda: hl.k_of_n(0, [0.9, 0.9]), "k", "0"),
    (lambda: hl.k_of_n(3, [0.9, 0.9]), "k", "3"),
    (lambda: hl.k_of_n(1.5, [0.9, 0.9]), "k", "1.5"),
    (lambda: hl.from_mtbf_mttr(0, 1), "mtbf_hours", "0.0"),
    (lambda: hl.from_mtbf_mttr(-5, 1), "mtbf_hours", "-5.0"),
    (lambda: hl.from_mtbf_mttr(100, -1), "mttr_hours", "-1.0"),
    (lambda: hl.downtime(0.999, "fortnight"), "period", "'fortnight'"),
    (lambda: hl.downtime(1.5), "availability", "1.5"),
    (lambda: hl.downtime(0.9, year_days=0), "year_days", "0"),
    (lambda: hl.availability_for_downtime(-1), "seconds", "-1.0"),
    (lambda: hl.availability_for_downtime(4e7, "year"), "seconds", "40000000.0"),
    (lambda: hl.nines(1.01), "availability", "1.01"),
])
def test_bad_input_names_field_value_and_what_is_allowed(call, field, value):
    with pytest.raises(InvalidInputError) as err:
        call()
    message = str(err.value)
    assert isinstance(err.value, ValueError)
    assert message.startswith(f"{field}: {value} ")
    assert any(word in message for word in ("[0, 1]", "[1,", "> 0", ">= 0", "one of", "[0,", "list"))


@given(st.one_of(st.floats(0.0, 1.0), st.integers(0, 10**15).map(lambda n: n / 10**15),
                 st.integers(1, 15).map(lambda k: 1 - 10.0**-k)))
def test_one_float_takes_the_quick_path_to_the_same_complement(a):
    """A plain float skips numpy (format_percent on 20,000 rows took 20 s); the answer is
    the array path's, bit for bit."""
    assert hl.unavailability(a) == float(hl.unavailability(np.array([a]))[0])
