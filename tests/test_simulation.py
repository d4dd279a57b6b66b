"""Monte Carlo simulation: checked against the analytic model, textbook cases, the
SimPy baseline, and for reproducibility over chunks, processes, threads and Dask."""

from __future__ import annotations

import json
import math
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hadr_lib import (
    Architecture,
    CommonCause,
    Component,
    InvalidInputError,
    Parallel,
    Series,
    Standby,
    load_architecture,
    reference_architectures,
)
from hadr_lib.simulation import (
    BLOCK_RUNS,
    SimulationResult,
    _atleast,
    _begun_per_run,
    _longest_per_year,
    _month_edges_h,
    _month_sums,
    _monthly_s,
    _per_month,
    block_runs,
    compile_architecture,
    simulate,
)

QUICK = dict(workers=1, progress=False)


def _arch(root, name="t"):
    return Architecture(root, name)


# --------------------------------------------------------------------------- analytic


@pytest.mark.parametrize("name", sorted(reference_architectures()))
def test_ci_contains_the_analytic_value_for_every_reference_architecture(name):
    arch = load_architecture(reference_architectures()[name])
    r = simulate(arch, years=10, runs=2000, seed=11, **QUICK)
    lo, hi = r.unavailability_ci99
    analytic = float(arch.availability().unavailability)
    assert r.analytic_unavailability == analytic
    assert lo <= analytic <= hi, (name, lo, analytic, hi)
    # and the interval is informative: no wider than the estimate itself
    assert 0 < hi - lo < r.unavailability_mean


def test_single_component_matches_the_textbook_renewal_process():
    # MTBF 99 h, MTTR 1 h: U = 1 / 100 exactly; a failure every 100 h on average.
    arch = _arch(Component("x", mtbf_h=99, mttr_h=1))
    r = simulate(arch, years=2, runs=1000, seed=3, **QUICK)
    assert r.ci_contains(0.01)
    hours_per_year = r.horizon_s / 3600 / r.years
    expected = hours_per_year / 100
    n = r.runs * r.years
    # outages are a renewal count: standard error about sqrt(rate / n); allow 4 of them
    assert abs(r.outages_per_year - expected) < 4 * math.sqrt(expected / n)
    # mean outage length = MTTR
    mean_outage_h = r.monthly_downtime_s.sum() / 3600 / r.outages.sum()
    assert mean_outage_h == pytest.approx(1.0, rel=0.02)


def test_two_replicas_in_parallel_give_q_squared_and_half_the_outage_length():
    arch = _arch(Component("x", mtbf_h=49, mttr_h=1, count=2))  # q = 0.02 per replica
    r = simulate(arch, years=10, runs=2000, seed=5, **QUICK)
    assert r.ci_contains(0.02 ** 2)
    mean_outage_h = r.monthly_downtime_s.sum() / 3600 / r.outages.sum()
    assert mean_outage_h == pytest.approx(0.5, rel=0.05)  # min of two exponential repairs


def test_two_of_three_and_series_agree_with_analytic():
    a, b, c = (Component(n, mtbf_h=200, mttr_h=4) for n in "abc")
    from hadr_lib import KofN

    arch = _arch(Series((Component("lb", mtbf_h=1000, mttr_h=0.5), KofN(2, (a, b, c)))))
    r = simulate(arch, years=10, runs=2000, seed=9, **QUICK)
    assert r.ci_contains(float(arch.availability().unavailability))


def test_lognormal_repairs_keep_the_mean_but_widen_the_tail():
    arch = _arch(Component("x", mtbf_h=999, mttr_h=1))
    expo = simulate(arch, years=5, runs=4000, seed=2, **QUICK)
    logn = simulate(arch, years=5, runs=4000, seed=2, repair="lognormal", repair_sigma=1.5, **QUICK)
    assert expo.ci_contains(0.001) and logn.ci_contains(0.001)
    # same mean repair (1 h), so the same outage count and downtime; a heavier tail
    assert logn.outages_per_year == pytest.approx(expo.outages_per_year, rel=0.03)
    assert logn.longest_outage_s > expo.longest_outage_s
    assert logn.annual_downtime_summary["p99"] > expo.annual_downtime_summary["p99"]


def test_a_failover_as_long_as_the_repair_is_charged_over_the_repair_distribution():
    # Failover as long as the mean repair: with exponential repairs a failover costs
    # E[min(t, D)] = MTTR (1 - e^-1) per failure, which the model now charges and the
    # simulation reproduces; min(t, MTTR) = MTTR (the old tau = 1) is outside its CI.
    p = Component("p", mtbf_h=99, mttr_h=1)
    s = Component("s", mtbf_h=99, mttr_h=1)
    arch = _arch(Standby(p, (s,), failover_s=3600, coverage=0.9))
    r = simulate(arch, years=5, runs=4000, seed=4, **QUICK)
    up, us, c = 0.01, 0.01, 0.9
    tau = 1 - math.exp(-1)
    exact = up * (c * (tau + (1 - tau) * us) + (1 - c))
    assert float(arch.availability().unavailability) == pytest.approx(exact, rel=1e-12)
    assert r.ci_contains(exact)
    assert not r.ci_contains(up)  # what min(t, MTTR) / MTTR = 1 gave: +49% here


def test_standby_limits_coverage_zero_and_instant_perfect_failover():
    p = Component("p", mtbf_h=99, mttr_h=1)
    s = Component("s", mtbf_h=99, mttr_h=1)
    never = simulate(_arch(Standby(p, (s,), failover_s=60, coverage=0.0)), years=5, runs=2000,
                     seed=1, **QUICK)
    assert never.ci_contains(0.01)
    perfect = simulate(_arch(Standby(p, (s,), failover_s=0, coverage=1.0)), years=5, runs=2000,
                       seed=1, **QUICK)
    assert perfect.ci_contains(1e-4)


def test_common_cause_beta_one_makes_the_group_one_unit():
    members = tuple(Component(n, mtbf_h=99, mttr_h=1) for n in "ab")
    arch = _arch(CommonCause(1.0, members))
    r = simulate(arch, years=5, runs=2000, seed=8, **QUICK)
    assert r.ci_contains(0.01)
    zero = simulate(_arch(CommonCause(0.0, members)), years=5, runs=2000, seed=8, **QUICK)
    assert zero.ci_contains(1e-4)


def test_common_cause_around_composite_members():
    region = lambda i: Series((Component(f"lb{i}", mtbf_h=500, mttr_h=1),  # noqa: E731
                               Parallel((Component(f"a{i}", mtbf_h=100, mttr_h=2),
                                         Component(f"b{i}", mtbf_h=100, mttr_h=2)))))
    arch = _arch(CommonCause(0.1, (region(1), region(2)), name="regions"))
    r = simulate(arch, years=10, runs=3000, seed=12, **QUICK)
    assert r.ci_contains(float(arch.availability().unavailability))


def test_an_sla_only_component_gets_the_stated_default_repair_time():
    arch = _arch(Component("svc", availability=0.999))
    one = simulate(arch, years=5, runs=1000, seed=1, **QUICK)
    four = simulate(arch, years=5, runs=1000, seed=1, default_mttr_h=4, **QUICK)
    assert one.ci_contains(0.001) and four.ci_contains(0.001)
    # same unavailability, outages four times rarer and four times longer
    assert one.outages_per_year / four.outages_per_year == pytest.approx(4, rel=0.15)
    perfect = simulate(_arch(Component("p", availability=1.0)), years=1, runs=10, seed=1, **QUICK)
    assert perfect.unavailability_mean == 0 and perfect.outages.sum() == 0


def test_agrees_with_the_event_by_event_simpy_baseline():
    from hadr_lib.events import simulate_events

    arch = load_architecture(reference_architectures()["multi_az_postgres"])
    base = simulate_events(arch, runs=300, years=10, seed=1)
    u_b, o_b = base.run_unavailability, base.outages / base.years
    r = simulate(arch, years=10, runs=3000, seed=1, **QUICK)
    u_v = r.run_unavailability
    se = math.sqrt(u_b.var(ddof=1) / u_b.size + u_v.var(ddof=1) / u_v.size)
    assert abs(u_b.mean() - u_v.mean()) < 4 * se
    o_v = r.outages / r.years
    se_o = math.sqrt(o_b.var(ddof=1) / o_b.size + o_v.var(ddof=1) / o_v.size)
    assert abs(o_b.mean() - o_v.mean()) < 4 * se_o
    assert base.ci_contains(float(arch.availability().unavailability))


def test_one_shared_repair_crew_breaks_the_independence_assumption():
    from hadr_lib.events import simulate_events

    # Two units in parallel, MTBF 10 h, MTTR 1 h (r = 0.1). Independent crews: q^2;
    # one shared crew: the birth-death chain gives 2 r^2 / (1 + 2 r + 2 r^2).
    arch = _arch(Parallel((Component("a", mtbf_h=10, mttr_h=1), Component("b", mtbf_h=10, mttr_h=1))))
    from hadr_lib.events import machine_repair_unavailability

    r = 0.1
    independent = (r / (1 + r)) ** 2
    shared = 2 * r ** 2 / (1 + 2 * r + 2 * r ** 2)
    assert machine_repair_unavailability(2, 10, 1, crews=2) == pytest.approx(independent, rel=1e-14)
    assert machine_repair_unavailability(2, 10, 1, crews=1) == pytest.approx(shared, rel=1e-14)
    own = simulate_events(arch, runs=20, years=2, seed=3)
    one = simulate_events(arch, runs=20, years=2, seed=3, shared_crews=[["a", "b"]])
    assert own.ci_contains(independent) and not own.ci_contains(shared)
    assert one.ci_contains(shared) and not one.ci_contains(independent)
    assert one.analytic_unavailability == pytest.approx(independent)


def test_shared_crews_bad_input():
    from hadr_lib.events import simulate_events

    arch = load_architecture("multi_az_postgres")
    with pytest.raises(InvalidInputError, match="^component: 'nope'"):
        simulate_events(arch, runs=2, years=1, shared_crews=[["app-a", "nope"]])
    with pytest.raises(InvalidInputError, match=r"^shared_crews\[1\]: 'app-a' is already"):
        simulate_events(arch, runs=2, years=1, shared_crews=[["app-a"], ["app-a", "pg-primary"]])
    with pytest.raises(InvalidInputError, match="^runs"):
        simulate_events(arch, runs=1, years=1)


# --------------------------------------------------------------------------- pieces


def _grid(sets, runs, horizon):
    """Down count per run and unit time step, by brute force on an integer grid."""
    g = np.zeros((runs, horizon), int)
    for r, s, e in sets:
        for ri, si, ei in zip(r, s, e):
            g[ri, int(si):int(ei)] += 1
    return g


@st.composite
def interval_sets(draw):
    runs, horizon = 3, 40
    sets = []
    for _ in range(draw(st.integers(1, 4))):
        rows, starts, ends = [], [], []
        for run in range(runs):
            cuts = sorted(set(draw(st.lists(st.integers(0, horizon), max_size=8))))
            for a, b in zip(cuts[0::2], cuts[1::2]):
                rows.append(run)
                starts.append(float(a))
                ends.append(float(b))
        sets.append((np.array(rows, np.int64), np.array(starts), np.array(ends)))
    return sets, runs, horizon


@settings(max_examples=150, deadline=None)
@given(interval_sets(), st.integers(1, 4))
def test_atleast_matches_brute_force_counting(data, m):
    sets, runs, horizon = data
    r, s, e = _atleast(m, sets, float(horizon))
    want = _grid(sets, runs, horizon) >= m
    got = _grid([(r, s, e)], runs, horizon)
    assert (got <= 1).all()  # disjoint
    np.testing.assert_array_equal(got.astype(bool), want)
    # sorted by run then start, and touching outages merged
    key = r * 1000 + s
    assert (np.diff(key) > 0).all()
    same_run = r[1:] == r[:-1]
    assert (s[1:][same_run] > e[:-1][same_run]).all()


def test_month_edges_are_calendar_months_with_leap_years():
    edges = _month_edges_h(2027, 2)
    days = np.diff(edges) / 24
    assert list(days[:3]) == [31, 28, 31]
    assert days[12 + 1] == 29  # February 2028
    assert edges[-1] == (365 + 366) * 24


def test_per_month_splits_an_outage_at_month_edges():
    edges = _month_edges_h(2027, 1)
    jan31_noon = 30 * 24 + 12
    mar1_6am = (31 + 28) * 24 + 6
    run = np.array([0, 1], np.int64)
    m = _per_month(run, np.array([jan31_noon, 10.0]), np.array([mar1_6am, 11.5]), 2, edges)
    np.testing.assert_allclose(m[0, :3], [12, 28 * 24, 6])
    assert m[0, 3:].sum() == 0
    np.testing.assert_allclose(m[1], [1.5] + [0] * 11)


def test_per_month_looks_months_up_by_day_as_a_binary_search_would():
    """The month of a start and of an end comes from a table by day; it must agree
    with a binary search on the edges, at the edges themselves too (a start on an
    edge is in the month it opens, an end on an edge in the month it closes)."""
    edges = _month_edges_h(2028, 2)  # a leap year and a plain one
    rng = np.random.default_rng(5)
    on_edge = np.repeat(edges[1:-1], 2)
    s = np.concatenate([rng.uniform(0, edges[-1] - 50, 4000), on_edge, [0.0]])
    length = np.concatenate([rng.exponential(30.0, 4000), np.full(on_edge.size, 5.0), [edges[-1]]])
    length[4000::2] = 0.25
    e = np.minimum(s + length, edges[-1])
    s[4001:-1:2] = on_edge[1::2] - 3.0  # outages that end exactly on an edge
    e[4001:-1:2] = on_edge[1::2]
    run = np.arange(s.size) % 7
    first = np.searchsorted(edges, s, side="right") - 1
    last = np.searchsorted(edges, e, side="left") - 1
    expected = np.zeros((7, 24))
    for r, a, b, i, j in zip(run, s, e, first, last):
        for m in range(i, j + 1):
            expected[r, m] += min(b, edges[m + 1]) - max(a, edges[m])
    np.testing.assert_allclose(_per_month(run, s, e, 7, edges), expected, rtol=1e-12, atol=1e-9)
    assert _per_month(run, s, e, 7, edges)[:, 0].sum() > 0 and (expected > 0).all()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 2), st.integers(0, 400), st.sampled_from([0.5, 30.0, 900.0]),
       st.integers(0, 2**32 - 1))
def test_downtime_of_the_run_months_with_any_is_the_table_to_the_bit(runs, years, n, mean_h, seed):
    """A block of a design that seldom fails keeps only its run-months with downtime:
    each one's sum must be the table's (``_per_month``, one np.bincount) to the last bit,
    outages across month edges and over several months included (mean lengths of 30 min,
    30 h and 900 h), and the joined seconds the same whichever form each block took."""
    rng = np.random.default_rng(seed)
    edges = _month_edges_h(2028, years)  # a leap year first
    run = np.sort(rng.integers(0, runs, n))
    s, e = np.empty(n), np.empty(n)
    for r in range(runs):  # disjoint outages in each run, in order
        at = np.flatnonzero(run == r)
        gaps = rng.exponential(edges[-1] / (at.size + 1), at.size)
        lengths = rng.exponential(mean_h, at.size)
        start = np.cumsum(gaps + np.concatenate([[0.0], lengths[:-1]]))
        s[at], e[at] = np.minimum(start, edges[-1]), np.minimum(start + lengths, edges[-1])
    keep = e > s
    run, s, e = run[keep], s[keep], e[keep]
    table = _per_month(run, s, e, runs, edges)
    keys, hours = _month_sums(run, s, e, edges)
    assert np.unique(keys).size == keys.size
    sparse = np.zeros(table.size)
    sparse[keys] = hours
    assert np.array_equal(sparse.reshape(table.shape), table)
    blocks = [{"runs": runs, "month_h": table}, {"runs": runs, "month_h": (keys, hours)}]
    joined = _monthly_s(blocks, 2 * runs, table.shape[1])
    assert np.array_equal(joined[:runs], table * 3600.0) and np.array_equal(joined[runs:], table * 3600.0)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 3000), st.integers(0, 2**32 - 1))
def test_per_run_counts_and_longest_per_year_are_what_a_walk_over_the_outages_finds(runs, years, n, seed):
    """The block's bookkeeping searches the sorted keys (many outages) or follows where
    they change (few): both must give, outage by outage, the count begun inside the
    window and the longest outage of each run and year it began in. Sizes span both
    sides of the switch (more outages than run-years, and fewer)."""
    rng = np.random.default_rng(seed)
    edges = _month_edges_h(2027, years)
    run = np.sort(rng.integers(0, runs, n))
    s = np.concatenate([np.sort(rng.uniform(0, edges[-1], (run == r).sum())) for r in range(runs)])
    starts_at_0 = rng.random(runs) < 0.5  # some runs begin with an outage under way at time 0
    for r in np.flatnonzero(starts_at_0 & (np.bincount(run, minlength=runs) > 0)):
        s[np.searchsorted(run, r)] = 0.0
    hours = rng.exponential(2.0, n)
    month = np.searchsorted(edges, s, side="right") - 1
    key = run * (12 * years) + month
    begun = np.zeros(runs, int)
    longest = np.zeros((runs, years))
    for r, a, m, h in zip(run, s, month, hours):
        begun[r] += a > 0.0
        longest[r, m // 12] = max(longest[r, m // 12], h)
    assert np.array_equal(_begun_per_run(run, s, runs), begun)
    assert np.array_equal(_longest_per_year(key, hours, runs, years), longest)


def _result(monthly_s, years=1, sla=0.999):
    month_s = np.diff(_month_edges_h(2027, years)) * 3600
    runs = monthly_s.shape[0]
    return SimulationResult("t", runs, years, 0, 2027, sla, "exponential", monthly_s, month_s,
                            np.zeros(runs, int), np.zeros((runs, years)), None, 1.0, 0, 1.0)


def test_the_model_and_the_simulation_are_reconciled_in_words():
    from dataclasses import replace

    monthly = np.zeros((20, 12))
    monthly[:, 0] = np.arange(20) * 60.0  # runs with 0..19 minutes down in January
    r = _result(monthly)
    year_s = r.horizon_s  # one year of 2027
    # mean 9.5 min, sd of 0..19 = 5.916 min, 99% half width 2.5758 x 5.916 / sqrt(20) = 3.41 min
    assert r.reconcile_sentence() == ""  # no model figure
    inside = replace(r, analytic_unavailability=10 * 60 / year_s)
    assert inside.reconcile_sentence() == ("The model's 10 minutes of downtime a year lies inside the "
                                           "simulation's 99% interval (6.09 minutes to 12.9 minutes): "
                                           "the two agree.")
    # 14 minutes: 3.4 standard errors (1.32 min) above: outside the interval, perhaps by chance
    above = replace(r, analytic_unavailability=14 * 60 / year_s)
    assert above.reconcile_sentence() == (
        "The model gives 14 minutes of downtime a year, more than the simulation's 9.5 minutes "
        "(99% interval 6.09 minutes to 12.9 minutes): just outside, as one simulation in a hundred "
        "lands by chance; simulate more runs or years to tell chance from the model's approximations.")
    assert [r.agreement(m * 60 / year_s) for m in (10, 14, 16, 4.5, 3.5)] == [
        "inside", "near", "outside", "near", "outside"]  # 4 standard errors: 9.5 -+ 5.29 min
    # 16 minutes: 4.9 standard errors: the model's approximation, not chance
    far = replace(r, analytic_unavailability=16 * 60 / year_s)
    assert far.reconcile_sentence().startswith(
        "The model gives 16 minutes of downtime a year, more than the simulation's 9.5 minutes "
        "(99% interval 6.09 minutes to 12.9 minutes): the model's formula is an approximation")
    few = np.zeros((20, 12))
    few[:3, 0] = 60.0  # 3 runs with any downtime: too few to check
    assert "too few outages to check it" in replace(_result(few), analytic_unavailability=1e-6).reconcile_sentence()


def test_sla_is_measured_per_calendar_month():
    # 99.9% allows 44.64 min in a 31-day month and 40.32 min in February 2027.
    monthly = np.zeros((2, 12))
    monthly[0, 1] = 42 * 60  # February: over 40.32 min, a miss
    monthly[0, 2] = 42 * 60  # March: under 44.64 min, met
    monthly[1, 0] = 45 * 60  # January: over 44.64 min, a miss
    r = _result(monthly)
    assert r.p_meet_sla_month() == pytest.approx(22 / 24)
    by = r.p_meet_sla_by_month()
    assert list(by.index[:3]) == ["Jan", "Feb", "Mar"]
    assert by["Jan"] == 0.5 and by["Feb"] == 0.5 and by["Mar"] == 1.0
    assert r.p_meet_sla_every_month() == 0.0
    # over the year both runs are far inside 8.77 h
    assert r.p_meet_sla_year() == 1.0
    assert r.p_meet_sla_month(0.99) == 1.0
    with pytest.raises(InvalidInputError, match="sla"):
        r.p_meet_sla_month(1.5)


# --------------------------------------------------------------------------- reproducibility


@pytest.fixture(scope="module")
def postgres():
    return load_architecture(reference_architectures()["multi_az_postgres"])


def _same(a: SimulationResult, b: SimulationResult):
    np.testing.assert_array_equal(a.monthly_downtime_s, b.monthly_downtime_s)
    np.testing.assert_array_equal(a.outages, b.outages)
    np.testing.assert_array_equal(a.longest_outage_per_year_s, b.longest_outage_per_year_s)


def _block(arch, years):
    return block_runs(compile_architecture(arch), years)


def test_blocks_grow_while_they_take_little_memory(postgres):
    """Blocks double from BLOCK_RUNS while a block's peak memory estimate stays under
    WIDE_BLOCK_BYTES (64 MiB), to 4 x BLOCK_RUNS at most: a part failing every 2,000 h
    over 10 years, 2 replicas: 6.9 MiB a block of 500, so blocks of 2,000; 8 replicas:
    23 MiB, blocks of 1,000; 20 replicas: 55 MiB, blocks of 500."""
    from hadr_lib.simulation import WIDE_BLOCK_BYTES, block_bytes

    assert WIDE_BLOCK_BYTES == 64 * 2**20
    for count, runs, mib in ((2, 2000, 6.86), (8, 1000, 22.9), (20, 500, 55.1)):
        plan = compile_architecture(_arch(Component("busy", mtbf_h=2000.0, mttr_h=1.0, count=count)))
        assert block_bytes(plan, 10) / 2**20 == pytest.approx(mib, rel=0.01)
        assert block_runs(plan, 10) == runs
    assert block_runs(compile_architecture(postgres), 10) == 4 * BLOCK_RUNS


def test_same_seed_same_numbers_whatever_the_chunking_and_workers(postgres):
    runs = 3 * _block(postgres, 3) + 17
    ref = simulate(postgres, years=3, runs=runs, seed=42, **QUICK)
    _same(ref, simulate(postgres, years=3, runs=runs, seed=42, chunk_blocks=1, **QUICK))
    _same(ref, simulate(postgres, years=3, runs=runs, seed=42, workers=2, progress=False))
    with ThreadPoolExecutor(3) as pool:
        _same(ref, simulate(postgres, years=3, runs=runs, seed=42, executor=pool,
                            chunk_blocks=1, progress=False))
    other = simulate(postgres, years=3, runs=runs, seed=43, **QUICK)
    assert not np.array_equal(ref.monthly_downtime_s, other.monthly_downtime_s)


def test_by_default_worker_processes_start_only_when_the_work_is_worth_it(postgres, monkeypatch):
    """The first block, run in this process, says how long the rest would take: workers
    start only when sharing it saves more than ``POOL_START_S``. The numbers are the same
    either way, and progress counts every run once."""
    import hadr_lib.simulation as sim

    started = []

    class Spy(sim.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(sim, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(sim.os, "cpu_count", lambda: 2)
    runs = 3 * _block(postgres, 3) + 17  # four blocks
    ref = simulate(postgres, years=3, runs=runs, seed=42, **QUICK)
    seen = []
    monkeypatch.setattr(sim, "POOL_START_S", 1e9)
    _same(ref, simulate(postgres, years=3, runs=runs, seed=42, progress=lambda d, n: seen.append((d, n))))
    assert started == [] and seen[-1] == (runs, runs) and len(seen) == 4
    monkeypatch.setattr(sim, "POOL_START_S", 0.0)
    seen.clear()
    _same(ref, simulate(postgres, years=3, runs=runs, seed=42, progress=lambda d, n: seen.append((d, n))))
    assert started == [2] and seen[0] == (_block(postgres, 3), runs) and seen[-1] == (runs, runs)
    simulate(postgres, years=3, runs=runs, seed=42, workers=2, progress=False)  # asked for: always
    assert started == [2, 2]


def test_dask_local_cluster_gives_identical_results(postgres):
    distributed = pytest.importorskip("distributed")  # in the test extra: never skipped there
    runs = 2 * _block(postgres, 2) + 3
    ref = simulate(postgres, years=2, runs=runs, seed=5, **QUICK)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster, \
            distributed.Client(cluster) as client:
        got = simulate(postgres, years=2, runs=runs, seed=5, executor=client.get_executor(),
                       chunk_blocks=1, progress=False)
    _same(ref, got)


def test_progress_reports_every_chunk(postgres):
    seen = []
    size = _block(postgres, 1)
    simulate(postgres, years=1, runs=3 * size, seed=1, workers=1, chunk_blocks=1,
             progress=lambda done, total: seen.append((done, total)))
    assert seen == [(size, 3 * size), (2 * size, 3 * size), (3 * size, 3 * size)]


def test_progress_bar_in_a_terminal(postgres, capsys):
    simulate(postgres, years=1, runs=2 * BLOCK_RUNS, seed=1, workers=1, progress=True)
    assert "simulating Multi-AZ PostgreSQL" in capsys.readouterr().err


class _Interrupting(Executor):
    """The first chunk is interrupted (Ctrl-C); the others never start."""

    def __init__(self):
        self.futures = []

    def submit(self, fn, /, *args, **kwargs):
        f = Future()
        if not self.futures:
            f.set_exception(KeyboardInterrupt())
        self.futures.append(f)
        return f


def test_interrupt_cancels_the_chunks_not_started(postgres):
    ex = _Interrupting()
    with pytest.raises(KeyboardInterrupt):
        simulate(postgres, years=1, runs=4 * _block(postgres, 1), seed=1, executor=ex, chunk_blocks=1,
                 progress=False)
    assert len(ex.futures) == 4
    assert all(f.cancelled() for f in ex.futures[1:])


# --------------------------------------------------------------------------- output and input


def test_json_output_has_the_documented_keys(postgres):
    r = simulate(postgres, years=2, runs=600, seed=1, **QUICK)
    d = json.loads(json.dumps(r.to_dict()))
    assert {"unavailability_mean", "unavailability_ci99", "annual_downtime_s",
            "p_meet_sla_month", "component_years_per_s"} <= set(d)
    assert set(d["annual_downtime_s"]) == {"mean", "p50", "p90", "p99"}
    lo, hi = d["unavailability_ci99"]
    assert lo <= d["unavailability_mean"] <= hi
    a = d["annual_downtime_s"]
    assert a["p50"] <= a["p90"] <= a["p99"]
    # component-years: (1 lb + 2 app + 2 pg) x 600 runs x 2 years
    assert d["component_years"] == 5 * 600 * 2
    year_s = r.horizon_s / r.years
    assert a["mean"] == pytest.approx(d["unavailability_mean"] * year_s)
    table = r.summary_table()
    assert "inside the 99% CI" in table.set_index("figure").loc["unavailability (analytic)", "value"]


@pytest.mark.parametrize("kwargs, field", [
    ({"years": 0}, "years"),
    ({"runs": 1}, "runs"),
    ({"runs": 2.5}, "runs"),
    ({"seed": -1}, "seed"),
    ({"sla": 1.2}, "sla"),
    ({"repair": "weibull"}, "repair"),
    ({"repair_sigma": 0}, "repair_sigma"),
    ({"default_mttr_h": -1}, "default_mttr_h"),
    ({"workers": 0}, "workers"),
    ({"executor": "dask"}, "executor"),
    ({"years": 1000, "runs": 100_000}, "runs"),
])
def test_bad_input_names_the_field(postgres, kwargs, field):
    with pytest.raises(InvalidInputError, match=rf"^{field}\b"):
        simulate(postgres, **{"progress": False, **kwargs})


def test_not_an_architecture():
    with pytest.raises(InvalidInputError, match="architecture"):
        simulate("data/architectures/single_server.yaml")


def test_compare_with_analytic_and_p_meet_curve(postgres):
    from hadr_lib.simulation import compare_with_analytic

    single = load_architecture("single_server")
    t = compare_with_analytic({"postgres": postgres, "single": single}, years=5, runs=1000,
                              seed=1, **QUICK)
    assert list(t["architecture"]) == ["postgres", "single"]
    assert t["inside"].all()
    assert (t["ci99_low"] <= t["simulated"]).all() and (t["simulated"] <= t["ci99_high"]).all()
    r = simulate(single, years=5, runs=1000, seed=1, **QUICK)
    curve = r.p_meet_curve([0.99, 0.995, 0.999])
    # looser SLAs are met more often; a year meets it less often than a single month does
    assert curve["p_month"].is_monotonic_decreasing
    assert (curve["p_every_month"] <= curve["p_month"]).all()
    assert curve.loc[0, "p_month"] == r.p_meet_sla_month(0.99)
    assert "speed" not in set(r.summary_table(speed=False)["figure"])


# --------------------------------------------------------------------------- structure, by brute force


@st.composite
def plans(draw, depth=0):
    """A random plan of leaves under series (m=1), parallel (m=n) and k-of-n blocks:
    units that fail often (stepped in cycles) and seldom (Poisson points, thinned)."""
    if depth >= 2 or draw(st.booleans()):
        count = draw(st.integers(1, 2))
        mtbf = draw(st.sampled_from([5.0, 20.0, 80.0, 300.0, 2000.0]))
        mttr = draw(st.sampled_from([0.5, 2.0, 6.0, 40.0]))
        return ("leaf", count, mtbf, mttr, None)
    kids = tuple(draw(st.lists(plans(depth=depth + 1), min_size=1, max_size=3)))
    m = draw(st.integers(1, len(kids)))
    return ("atleast", m, kids)


class _Recording:
    """Wraps the draw so every replica's own intervals are kept, by leaf, in the
    order ``node`` takes them (drawn ahead, or one leaf at a time)."""

    def __init__(self, draw):
        self.draw, self.replicas, self.by_leaf = draw, [], {}
        original = draw.units

        def units(mtbf, mttr):
            got = original(mtbf, mttr)
            self.replicas.extend(got)
            return got

        draw.units = units

    def ahead(self, plan):
        self.draw.ahead(plan)
        self.by_leaf = {k: list(v) for k, v in self.draw.ready.items()}

    def sources(self):
        """Fresh iterators over the replicas: by leaf if drawn ahead, else in order."""
        return {k: iter(v) for k, v in self.by_leaf.items()}, iter(self.replicas)


def _structure_of(plan, sources, run, t):
    if plan[0] == "leaf":
        source = sources[0].get(id(plan), sources[1])
        return all([_down_at(next(source), run, t) for _ in range(plan[1])])
    kids = [_structure_of(k, sources, run, t) for k in plan[2]]
    return sum(kids) >= plan[1]


def _down_at(intervals, run, t):
    r, s, e = intervals
    return bool(((r == run) & (s <= t) & (t < e)).any())


@settings(max_examples=60, deadline=None)
@given(plans(), st.integers(0, 2**32 - 1), st.sampled_from([None, 7.0, 720.0]))
def test_system_outages_follow_the_structure_function(plan, seed, bin_h):
    """At random instants the system is down exactly when the structure function of
    its replicas' own states says so: leaves drawn one at a time, or all ahead with
    the pruning of outages by bins of time (bins of 7 h: outages often cross them)."""
    import hadr_lib.simulation as sim

    rng = np.random.default_rng(seed)
    old_bin = sim.PRUNE_BIN_H
    sim.PRUNE_BIN_H = bin_h or old_bin
    try:
        draw = sim._Draw(rng, 3, 400.0, "exponential", 1.0)
        rec = _Recording(draw)
        if bin_h is not None:
            rec.ahead(plan)
        system = draw.node(plan)
    finally:
        sim.PRUNE_BIN_H = old_bin
    probe = np.random.default_rng(seed + 1)
    for _ in range(60):
        run, t = int(probe.integers(3)), float(probe.uniform(0, 400))
        want = _structure_of(plan, rec.sources(), run, t)
        assert _down_at(system, run, t) == want, (plan, run, t)


def _pruned_is_whole(draw, plan) -> tuple:
    """Draws ``plan`` ahead, combines it with pruning and, from the same replicas,
    without; checks the two to the bit and returns the system's outages."""
    draw.ahead(plan)
    ready = {k: list(v) for k, v in draw.ready.items()}
    pruned = draw.node(plan)
    draw.ready, draw.prune = ready, False
    whole = draw.node(plan)
    for a, b in zip(pruned, whole, strict=True):
        np.testing.assert_array_equal(a, b)
    return whole


@settings(max_examples=80, deadline=None)
@given(plans(), st.integers(0, 2**32 - 1), st.sampled_from([3.0, 50.0, 720.0]))
def test_pruning_by_bins_changes_no_outage(plan, seed, bin_h):
    """The same replicas combined with and without pruning give the same system
    outages, to the last bit, whatever the bins' width."""
    import hadr_lib.simulation as sim

    old_bin = sim.PRUNE_BIN_H
    sim.PRUNE_BIN_H = bin_h
    try:
        draw = sim._Draw(np.random.default_rng(seed), 4, 400.0, "exponential", 1.0)
        _pruned_is_whole(draw, plan)
    finally:
        sim.PRUNE_BIN_H = old_bin


def test_pruning_bins_widen_over_a_long_horizon_and_stay_exact():
    """1,000 years a run would be 24,350 bins of 15 days (12 MB of flags per unit and block
    of 500 runs): the bins widen to at most 256 a run, and pruning still changes nothing."""
    import hadr_lib.simulation as sim

    horizon = 1000 * 8766.0
    plan = ("atleast", 2, tuple(("leaf", 1, 3000.0, 30.0, None) for _ in range(3)))
    draw = sim._Draw(np.random.default_rng(5), 4, horizon, "exponential", 1.0)
    assert draw.nbins == sim.MAX_BINS and draw.bin_h == pytest.approx(horizon / sim.MAX_BINS)
    whole = _pruned_is_whole(draw, plan)
    assert whole[0].size > 100  # two of three down together, many times


def _one_unit_by_events(mtbf, mttr, horizon, rng, sigma=None):
    """A reference: one alternating unit stepped failure by failure from steady state
    (repairs exponential, or lognormal with ``sigma``: then a repair under way at time
    0 has a uniform share of a length-biased repair left)."""
    def repair():
        if sigma is None:
            return rng.exponential(mttr)
        return mttr * np.exp(sigma * rng.standard_normal() - 0.5 * sigma ** 2)

    found, t = [], 0.0
    if rng.uniform() < mttr / (mtbf + mttr):
        t = rng.exponential(mttr) if sigma is None else (
            rng.uniform() * mttr * np.exp(sigma * rng.standard_normal() + 0.5 * sigma ** 2))
        found.append((0.0, min(t, horizon)))
    while True:
        t += rng.exponential(mtbf)
        if t >= horizon:
            return found
        d = repair()
        found.append((t, min(t + d, horizon)))
        t += d


@pytest.mark.parametrize("mtbf, mttr, repair", [
    (50.0, 10.0, "exponential"), (300.0, 2.0, "exponential"), (1000.0, 400.0, "exponential"),
    (50.0, 10.0, "lognormal"), (1000.0, 400.0, "lognormal")])
def test_units_drawn_as_thinned_poisson_points_match_a_unit_stepped_by_events(monkeypatch, mtbf, mttr,
                                                                              repair):
    """Units drawn together as Poisson points with the points inside a repair dropped
    (forced here even where a repair often covers the next point) against units
    stepped one failure at a time: the same downtime share (the steady state), the
    same number of outages a run (MTTR / MTBF from 0.2% to 40%), and up times between
    outages exponential with mean MTBF; every run's outages sorted and disjoint."""
    import hadr_lib.simulation as sim

    monkeypatch.setattr(sim, "THINNING_SHARE", float("inf"))
    horizon, runs = 2000.0, 10_000
    draw = sim._Draw(np.random.default_rng(11), runs, horizon, repair, 1.0)
    got = draw.units(np.array([mtbf, 5.0 * mtbf]), np.array([mttr, 2.0 * mttr]))[0]
    r, s, e = got
    # the points that are no failures are left as empty intervals touching the one before
    # in their run (``_emptied``): every combination drops them
    empty = np.flatnonzero(e == s)
    assert empty.size and empty.min() > 0
    assert np.all(r[empty] == r[empty - 1]) and np.all(s[empty] == e[empty - 1])
    r, s, e = sim._nonempty(r, s, e)
    assert np.all(np.diff(r) >= 0) and np.all((s >= 0) & (e <= horizon) & (e > s))
    same = r[1:] == r[:-1]
    assert np.all(s[1:][same] >= e[:-1][same])  # disjoint, in order
    ref_rng = np.random.default_rng(12)
    ref = [_one_unit_by_events(mtbf, mttr, horizon, ref_rng, None if repair == "exponential" else 1.0)
           for _ in range(runs)]
    ref_down = sum(b - a for run in ref for a, b in run) / (runs * horizon)
    ref_count = sum(len(run) for run in ref) / runs
    down = float((e - s).sum()) / (runs * horizon)
    q = mttr / (mtbf + mttr)
    for value in (down, ref_down):  # both near the steady state (4 standard errors)
        assert abs(value - q) < 4 * np.sqrt(q * (1 - q) * np.e * mttr / horizon / runs) + 0.002 * q
    assert abs(r.size / runs - ref_count) < 0.03 * ref_count
    # a repair under way at time 0: as many, and as long (a residual, longer than a repair)
    at_0 = (e - s)[s == 0.0]
    ref_at_0 = np.array([run[0][1] for run in ref if run and run[0][0] == 0.0])
    assert abs(at_0.size - ref_at_0.size) < 4 * np.sqrt(at_0.size + ref_at_0.size)
    se = np.sqrt(at_0.var() / at_0.size + ref_at_0.var() / ref_at_0.size)
    assert abs(at_0.mean() - ref_at_0.mean()) < 4 * se
    # up times between outages (both cut by the same horizon): the same distribution
    ups = s[1:][same] - e[:-1][same]
    ref_ups = np.array([b[0] - a[1] for run in ref for a, b in zip(run, run[1:])])
    for stat, within in ((np.mean, 0.04), (np.median, 0.04), (lambda x: np.quantile(x, 0.9), 0.06)):
        assert abs(stat(ups) / stat(ref_ups) - 1) < within


def test_dead_and_never_failing_components():
    dead = Component("dead", availability=0.0)
    ok = Component("ok", mtbf_h=99, mttr_h=1)
    r = simulate(_arch(Parallel((dead, ok))), years=2, runs=1000, seed=1, **QUICK)
    assert r.ci_contains(0.01)  # the dead one never helps
    r = simulate(_arch(Series((dead, ok))), years=1, runs=10, seed=1, **QUICK)
    assert r.unavailability_mean == 1.0 and (r.outages == 0).all()  # down from the start
    instant = Component("instant", mtbf_h=10, mttr_h=0)
    r = simulate(_arch(instant), years=1, runs=10, seed=1, **QUICK)
    assert r.unavailability_mean == 0.0


def test_longest_outage_per_calendar_year():
    # one 30-hour unit: long outages; each year's longest is at most the year's length
    arch = _arch(Component("x", mtbf_h=500, mttr_h=30))
    r = simulate(arch, years=3, runs=500, seed=2, **QUICK)
    per_year = r.longest_outage_per_year_s
    assert per_year.shape == (500, 3)
    assert r.longest_outage_s == per_year.max()
    s = r.longest_outage_summary
    assert 0 < s["p50"] <= s["p90"] <= r.longest_outage_s
    # exponential repairs, mean 30 h: about 17 outages a year, the longest near 30 h x H(17)
    assert 2 * 30 * 3600 < s["p50"] < 4 * 30 * 3600


def test_too_few_outages_for_a_confidence_interval_is_said():
    arch = load_architecture(reference_architectures()["three_regions_active_active"])
    r = simulate(arch, years=1, runs=20, seed=1, **QUICK)
    assert not r.ci_reliable and r.runs_with_downtime < 10
    assert r.to_dict()["analytic_in_ci99"] is None
    row = r.summary_table().set_index("figure").loc["unavailability (analytic)", "value"]
    assert "too few simulated outages to check it" in row


def test_bad_year_sentence_by_hand():
    monthly = np.zeros((10, 12))
    monthly[:, 0] = np.arange(10) * 3600.0  # years with 0, 1, ..., 9 hours down, all in January
    r = _result(monthly, sla=0.999)
    # percentiles of 0..9 h: median 4.5 h, p90 8.1 h, p99 8.91 h; mean 4.5 h
    text = r.bad_year_sentence(1000)
    assert text.startswith("Over 10 simulated years, the median year has 4.5 hours of downtime ($4,500)")
    assert "1 year in 10 more than 8.1 hours ($8,100)" in text
    assert "1 year in 100 more than 8.91 hours ($8,910)" in text
    # 99.9% of January allows 44.64 minutes: 9 Januaries miss, so 111 of 120 months
    # meet it, and only the year with no downtime meets it every month
    assert "92.5% of months meet 99.9%, and 10% of years meet it every month." in text
    with pytest.raises(InvalidInputError, match="downtime_cost_per_hour"):
        r.bad_year_sentence(-1)
    # a EUR scenario's bad year is in euros (it was in dollars in every report)
    euros = r.bad_year_sentence(1000, "EUR")
    assert "(€4,500)" in euros and "(€8,910)" in euros and "$" not in euros
    assert "(8,100 CHF)" in r.bad_year_sentence(1000, "CHF")


@given(st.integers(1, 6), st.floats(1, 1e4), st.floats(0.01, 100))
def test_machine_repair_with_a_crew_per_unit_is_independent(n, mtbf, mttr):
    from hadr_lib.events import machine_repair_unavailability

    q = mttr / (mtbf + mttr)
    assert machine_repair_unavailability(n, mtbf, mttr, crews=n) == pytest.approx(q ** n, rel=1e-12)
    # fewer crews never help
    for c in range(1, n):
        assert (machine_repair_unavailability(n, mtbf, mttr, crews=c)
                >= machine_repair_unavailability(n, mtbf, mttr, crews=c + 1) * (1 - 1e-12))


def _latent_standby_markov(lp, mp, ls, ms):
    """Exact unavailability of a primary with one hot standby whose idle failures stay
    hidden until the next failover (instant, perfect failover). States: (primary,
    standby) = (U,U), (U,hidden), (U,repair), (D,U), (D,repair); down in (D,repair)."""
    Q = np.zeros((5, 5))
    Q[0, 1], Q[0, 3] = ls, lp            # (U,U): standby fails unseen; primary fails
    Q[1, 4] = lp                          # (U,H): the failover finds it: repair starts
    Q[2, 0], Q[2, 4] = ms, lp             # (U,R)
    Q[3, 0], Q[3, 4] = mp, ls             # (D,U): a loaded standby's failure is seen
    Q[4, 2], Q[4, 3] = mp, ms             # (D,R)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    A = np.vstack([Q.T, np.ones(5)])
    pi = np.linalg.lstsq(A, np.append(np.zeros(5), 1.0), rcond=None)[0]
    return pi[4]


def test_a_standby_that_fails_while_waiting_breaks_the_analytic_formula():
    from hadr_lib.events import simulate_events

    arch = _arch(Standby(Component("p", mtbf_h=100, mttr_h=10),
                         (Component("s", mtbf_h=100, mttr_h=10),), failover_s=0, coverage=1.0))
    exact = _latent_standby_markov(0.01, 0.1, 0.01, 0.1)
    analytic = float(arch.availability().unavailability)  # (1/11)^2: the standby repaired at once
    assert exact > 3 * analytic
    hot = simulate_events(arch, runs=100, years=5, seed=1)
    latent = simulate_events(arch, runs=100, years=5, seed=1, latent_standbys=True)
    assert hot.ci_contains(analytic)
    assert latent.ci_contains(exact) and not latent.ci_contains(analytic)


def test_the_confidence_interval_is_calibrated():
    # Over 100 seeds, the 99% interval misses the analytic value about once, and its
    # half-width matches the spread of the means it describes (2.576 of their sd).
    arch = load_architecture(reference_architectures()["multi_az_postgres"])
    analytic = float(arch.availability().unavailability)
    means, halves, misses = [], [], 0
    for seed in range(100):
        r = simulate(arch, years=5, runs=500, seed=seed, **QUICK)
        lo, hi = r.unavailability_ci99
        means.append(r.unavailability_mean)
        halves.append((hi - lo) / 2)
        misses += not lo <= analytic <= hi
    assert misses <= 5  # binomial(100, 0.01) exceeds 5 with probability 0.0006
    ratio = np.mean(halves) / (2.5758 * np.std(means, ddof=1))
    assert 0.8 < ratio < 1.25, ratio
    assert abs(np.mean(means) - analytic) < 4 * np.std(means, ddof=1) / 10


# --- the memory budget counts replicas -------------------------------------------------

import hadr_lib as hl  # noqa: E402


def _design(text: str):
    from hadr_lib.safe_load import read_yaml

    return hl.load_architecture(read_yaml(text, origin="test"))


def test_a_two_line_design_with_count_50_is_refused_before_any_work():
    """count: 50 of a part failing 800 times a year passed the old budget (it looked at
    one replica) and peaked at 21 GB; the budget now holds every replica's outages."""
    from hadr_lib.simulation import MAX_BLOCK_BYTES, block_bytes, compile_architecture

    arch = _design("architecture:\n  component: {name: a, mtbf_h: 10, mttr_h: 1, count: 50}\n")
    assert block_bytes(compile_architecture(arch), 10) > 20 * MAX_BLOCK_BYTES
    with pytest.raises(hl.InvalidInputError, match=r"runs: 1,000 runs of 10 years .* 'a' \(50 x MTBF 10 h"):
        hl.simulate(arch, years=10, runs=1000, seed=0, workers=1)
    one = _design("architecture:\n  component: {name: a, mtbf_h: 10, mttr_h: 1, count: 1}\n")
    # the outages grow with the replicas; one replica's draws are counted once
    assert block_bytes(compile_architecture(arch), 10) > 30 * block_bytes(compile_architecture(one), 10)


def test_the_block_estimate_is_an_upper_bound_of_the_measured_peak():
    """The peak memory of one block, as tracemalloc counts it (numpy reports every
    buffer to it), stays under the estimate the budget uses and above 30% of it
    (the estimate is not loose). ru_maxrss was tried first: it is a process-wide
    high-water mark, so an earlier peak (imports, the allocator) hid the block's."""
    import tracemalloc

    from hadr_lib.simulation import block_bytes, compile_architecture

    def peak_and_estimate(text):
        arch = _design(text)
        estimate = block_bytes(compile_architecture(arch), 10)
        tracemalloc.start()
        try:
            hl.simulate(arch, years=10, runs=500, seed=0, workers=1)
            return tracemalloc.get_traced_memory()[1], estimate
        finally:
            tracemalloc.stop()

    # a quorum counts its members' outages with a sort: the costliest way to combine
    members = "".join(f"      - component: {{name: m{i}, mtbf_h: {200 if i < 8 else 500}, "
                      f"mttr_h: {2 if i < 8 else 1}}}\n" for i in range(12))
    peak, estimate = peak_and_estimate(f"architecture:\n  k_of_n:\n    k: 3\n    of:\n{members}")
    assert 0.3 * estimate < peak < estimate, (peak, estimate)
    # all down together is intersected two sets at a time: well under the estimate
    peak, estimate = peak_and_estimate(
        "architecture:\n  parallel:\n"
        "    - component: {name: a, mtbf_h: 200, mttr_h: 2, count: 8}\n"
        "    - component: {name: b, mtbf_h: 500, mttr_h: 1, count: 4}\n")
    assert peak < 0.5 * estimate, (peak, estimate)


def _turns_one_run(prim, group, failover_h, horizon):
    """A standby pair without failback, one event at a time in plain Python: the
    reference the vectorised outage-by-outage stepper is checked against (every
    failover works and takes ``failover_h``)."""
    events = sorted([(s, 1, 0) for s, _ in prim] + [(e, 0, 0) for _, e in prim]
                    + [(s, 1, 1) for s, _ in group] + [(e, 0, 1) for _, e in group])
    down, active, out, since, pending, waiting = [False, False], 0, False, 0.0, math.inf, False
    found = []
    for t, fails, unit in events + [(horizon, None, None)]:
        if pending <= t:  # the failover completes first
            if not down[1 - active]:
                found.append((since, pending))
                active, out = 1 - active, False
            else:
                waiting = True
            pending = math.inf
        if fails is None:
            break
        if not fails:
            down[unit] = False
            if out and (waiting or unit == active):
                found.append((since, t))
                active, out, waiting, pending = unit, False, False, math.inf
        else:
            down[unit] = True
            if unit == active and not out:
                since, out, pending = t, True, t + failover_h
    if out:
        found.append((since, horizon))
    return [(s, min(e, horizon)) for s, e in found if min(e, horizon) > s]


@pytest.mark.parametrize("failover_h, seed", [(0.5, 1), (4.0, 2), (12.0, 3)])
def test_standby_without_failback_matches_an_event_by_event_reference(failover_h, seed):
    """The no-failback stepper turns once per outage and looks the units' states up;
    an event-by-event walk over the same down intervals must give the same outages
    (failovers shorter than, about as long as and longer than the repairs)."""
    from hadr_lib.simulation import _Draw

    horizon, runs = 5000.0, 40
    draw = _Draw(np.random.default_rng(seed), runs, horizon, "exponential", 1.0)
    prim = draw.replica(60.0, 5.0)
    group = _atleast(1, [draw.replica(90.0, 8.0), draw.replica(150.0, 3.0)], horizon)
    r, s, e = draw._taking_turns(prim, group, failover_h, 1.0, None)
    checked = 0
    for run in range(runs):
        mine = list(zip(s[r == run], e[r == run]))
        ref = _turns_one_run(list(zip(prim[1][prim[0] == run], prim[2][prim[0] == run])),
                             list(zip(group[1][group[0] == run], group[2][group[0] == run])),
                             failover_h, horizon)
        np.testing.assert_allclose(np.array(mine).reshape(-1, 2), np.array(ref).reshape(-1, 2),
                                   rtol=0, atol=1e-9)
        checked += len(ref)
    assert checked > 40 * 50  # about 80 outages a run


def test_standby_without_failback_steps_past_an_outage_shorter_than_its_key_s_rounding():
    """Intervals are found by a key run x span + time; an outage shorter than the key's
    rounding (under a microsecond late in a long block) has the same key as its end.
    The stepper must pass it, not find it again for ever."""
    from hadr_lib.simulation import _Draw

    horizon, runs = 87648.0, 500
    last = runs - 1
    prim = (np.array([last, last]), np.array([1000.0, 2000.0]), np.array([1000.0 + 1e-9, 2001.0]))
    group = (np.array([last]), np.array([5000.0]), np.array([5002.0]))
    draw = _Draw(np.random.default_rng(0), runs, horizon, "exponential", 1.0)
    r, s, e = draw._taking_turns(prim, group, 0.5, 1.0, None)
    assert r.tolist() == [last, last, last]  # the standby serves from 2000.5, fails at 5000
    np.testing.assert_allclose(s, [1000.0, 2000.0, 5000.0])
    np.testing.assert_allclose(e, [1000.0 + 1e-9, 2000.5, 5000.5], rtol=0, atol=1e-12)


@pytest.mark.parametrize("n, r, target", [(1, 1e-3, 1e-4), (3, 1e-3, 1e-4), (2, 0.05, 1e-7), (1, 0.5, 0.33)])
def test_the_common_cause_rate_scale_solves_its_equation(n, r, target):
    """The scale s with u(s) = target, for n parallel units of rate x repair r (u = q^n,
    q = s r / (1 + s r)): the closed form s = q* / (r (1 - q*)) with q* = target^(1/n)."""
    from hadr_lib.simulation import _scale_for

    calls = []

    def u_of(s):
        calls.append(s)
        q = s * r / (1 + s * r)
        return q ** n

    s = _scale_for(u_of, u_of(1.0), target)
    q_star = target ** (1 / n)
    assert s == pytest.approx(q_star / (r * (1 - q_star)), rel=1e-12)
    assert len(calls) < 30  # not fifty bisection steps


def test_empty_intervals_at_the_horizon_are_harmless():
    """A point inside a repair that runs past the horizon is left empty at the horizon
    (``_emptied``): two sets ending so intersect without a negative count, and its bin
    is the last one even where the horizon is a whole number of bins."""
    import hadr_lib.simulation as sim

    B = sim.PRUNE_BIN_H
    H = 2 * B  # two bins exactly
    sa, sb = B * 25 / 18, B * 5 / 3  # both in the second bin
    a = (np.array([0, 0]), np.array([sa, H]), np.array([H, H]))
    b = (np.array([0, 0]), np.array([sb, H]), np.array([H, H]))
    r, s, e = _atleast(2, [a, b], H)
    assert r.tolist() == [0] and s.tolist() == [sb] and e.tolist() == [H]
    draw = sim._Draw(np.random.default_rng(0), 1, H, "exponential", 1.0)
    assert draw.nbins == 2
    assert draw._bins(a).tolist() == [False, True]
    # a union and a 2-of-3 take them in their stride too
    assert [x.tolist() for x in _atleast(1, [a, b], H)] == [[0], [sa], [H]]
    c = (np.array([0]), np.array([B / 7]), np.array([B / 3.5]))
    assert [x.tolist() for x in _atleast(2, [a, b, c], H)] == [[0], [sb], [H]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0.0, 100.0, exclude_max=True), st.floats(0.0, 40.0)),
                min_size=2, max_size=40))
def test_points_inside_a_repair_are_emptied_as_a_row_walked_in_order_would(points):
    """``_Draw._emptied`` (its quick path for a lone point inside its neighbour's repair,
    and the general one for chains) against walking each row in time: a point at or after
    the latest kept repair's end is a failure; any other becomes ``[e, e]`` at that end
    (at most the horizon)."""
    import hadr_lib.simulation as sim

    horizon = 100.0  # some repairs run past it, as before units clamp them
    pts = sorted((r, t, t + d) for r, t, d in points)
    row = np.array([p[0] for p in pts], np.int64)
    t = np.array([p[1] for p in pts])
    end = np.array([p[2] for p in pts])
    want_t, want_e = t.copy(), end.copy()
    reach = {}
    for i, r in enumerate(row):
        if r in reach and t[i] < reach[r]:
            want_t[i] = want_e[i] = min(reach[r], horizon)
        else:
            reach[r] = end[i]
    inside = np.flatnonzero((t[1:] < end[:-1]) & (row[1:] == row[:-1])) + 1
    if inside.size:
        sim._Draw(np.random.default_rng(0), 4, horizon, "exponential", 1.0)._emptied(row, t, end, inside)
    np.testing.assert_array_equal(t, want_t)
    # units clamp the ends to the horizon next: compared as they are then
    np.testing.assert_array_equal(np.minimum(end, horizon), np.minimum(want_e, horizon))
