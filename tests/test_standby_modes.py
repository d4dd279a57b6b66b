"""Warm and cold standbys: ``mode``, ``start_s`` and ``dormant_factor``.

The analytic figure is checked against a continuous-time Markov chain solved here in
mpmath (instant failover: the chain is exact), against the vectorised and the
event-by-event simulations where the failover takes time, and its limits against
the hot formula."""

from __future__ import annotations

import math

import mpmath
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.checks import InvalidInputError
from hadr_lib.events import simulate_events


def _pair(p=(500.0, 4.0), s=(300.0, 6.0), **kw) -> hl.Architecture:
    kw.setdefault("failback", True)
    return hl.Architecture(hl.Standby(hl.Component("p", mtbf_h=p[0], mttr_h=p[1]),
                                      (hl.Component("s", mtbf_h=s[0], mttr_h=s[1]),), **kw), "pair")


def _chain_u(mtbf_p, mttr_p, mtbf_s, mttr_s, d, c) -> mpmath.mpf:
    """The exact chain of a primary and one standby with an instant failover: states
    (primary, standby, serving?): the standby fails at d x its rate while it waits and
    at its full rate while it serves (from the primary's failure, when the failover
    works: probability c); the block is down while the primary is down and the standby
    is down or was not switched to."""
    mpmath.mp.dps = 40
    lp, mp_ = 1 / mpmath.mpf(mtbf_p), 1 / mpmath.mpf(mttr_p)
    ls, ms = 1 / mpmath.mpf(mtbf_s), 1 / mpmath.mpf(mttr_s)
    c, d = mpmath.mpf(c), mpmath.mpf(d)
    UU, UD, DUs, DDs, DUw, DDw = range(6)  # primary Up/Down, standby Up/Down; serving / waiting
    Q = mpmath.zeros(6, 6)

    def rate(i, j, r):
        Q[i, j] += r

    rate(UU, DUs, lp * c); rate(UU, DUw, lp * (1 - c)); rate(UU, UD, d * ls)  # noqa: E702
    rate(UD, DDs, lp * c); rate(UD, DDw, lp * (1 - c)); rate(UD, UU, ms)  # noqa: E702
    rate(DUs, UU, mp_); rate(DUs, DDs, ls)  # noqa: E702
    rate(DDs, UD, mp_); rate(DDs, DUs, ms)  # noqa: E702
    rate(DUw, UU, mp_); rate(DUw, DDw, d * ls)  # noqa: E702
    rate(DDw, UD, mp_); rate(DDw, DUw, ms)  # noqa: E702
    for i in range(6):
        Q[i, i] = -sum(Q[i, j] for j in range(6) if j != i)
    A = Q.T
    for j in range(6):
        A[5, j] = 1
    b = mpmath.matrix([0] * 5 + [1])
    pi = mpmath.lu_solve(A, b)
    return pi[DDs] + pi[DUw] + pi[DDw]


@pytest.mark.parametrize("mode, d", [("cold", None), ("warm", 0.3), ("warm", None)])
@pytest.mark.parametrize("c", [1.0, 0.9])
def test_an_instant_failover_matches_the_markov_chain(mode, d, c):
    kw = {"mode": mode, "coverage": c} | ({} if d is None else {"dormant_factor": d})
    u = _pair(**kw).availability().unavailability
    factor = {"cold": 0.0}.get(mode, 1.0) if d is None else d
    exact = _chain_u(500, 4, 300, 6, factor, c)
    assert float(u) == pytest.approx(float(exact), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(mtbf_p=st.floats(5, 1e5), mttr_p=st.floats(0.05, 200), mtbf_s=st.floats(5, 1e5),
       mttr_s=st.floats(0.05, 200), d=st.floats(0, 1), c=st.floats(0, 1))
def test_the_chain_agrees_for_any_figures(mtbf_p, mttr_p, mtbf_s, mttr_s, d, c):
    u = _pair((mtbf_p, mttr_p), (mtbf_s, mttr_s), mode="warm", dormant_factor=d,
              coverage=c).availability().unavailability
    exact = _chain_u(mtbf_p, mttr_p, mtbf_s, mttr_s, d, c)
    assert float(u) == pytest.approx(float(exact), rel=1e-8, abs=1e-300)


def test_a_cold_spare_is_down_less_often_than_a_hot_one_and_the_limits_hold():
    hot = _pair().availability().unavailability
    cold = _pair(mode="cold").availability().unavailability
    assert cold < 0.5 * hot  # 6.34e-5 against 1.56e-4: it was rarely down when needed
    # a dormant factor of 1 is the hot standby; a start time is failover time to the standbys
    assert _pair(mode="warm").availability().unavailability == hot
    assert _pair(mode="warm", dormant_factor=1 - 1e-9).availability().unavailability == pytest.approx(hot, rel=1e-7)
    warm = _pair(mode="warm", failover_s=60, start_s=240).availability().unavailability
    assert warm == pytest.approx(_pair(failover_s=300).availability().unavailability, rel=1e-12)
    # without failback the start time is paid only on the way to the standby
    there = _pair(failback=False, mode="warm", failover_s=60, start_s=240).availability().unavailability
    both = _pair(failback=False, failover_s=300).availability().unavailability
    plain = _pair(failback=False, failover_s=60).availability().unavailability
    assert plain < there < both


CASES = {
    "cold, timed": ({"mode": "cold", "failover_s": 600}, 100, 4000),
    "cold, start": ({"mode": "cold", "failover_s": 600, "start_s": 300}, 100, 4000),
    "warm, coverage": ({"mode": "warm", "failover_s": 900, "dormant_factor": 0.2, "coverage": 0.9}, 100, 4000),
}


@pytest.mark.parametrize("case", CASES)
def test_the_simulation_agrees_where_the_failover_takes_time(case):
    kw, years, runs = CASES[case]
    arch = _pair(**kw)
    r = hl.simulate(arch, years=years, runs=runs, seed=5, workers=1, progress=False)
    lo, hi = r.unavailability_ci99
    assert lo <= arch.availability().unavailability <= hi


DESIGNS = {
    # a compound primary (its outages a mixture), two cold spares, a start time
    "series primary, two cold spares": """
standby:
  primary: {series: [{component: {name: p1, mtbf_h: 800, mttr_h: 3}}, {component: {name: p2, mtbf_h: 400, mttr_h: 8}}]}
  standbys: [{component: {name: s1, mtbf_h: 300, mttr_h: 6}}, {component: {name: s2, mtbf_h: 200, mttr_h: 10}}]
  failback: true
  mode: cold
  start_s: 120
  failover_s: 300
  coverage: 0.95
""",
    # timers (a spread of failover times) and a warm standby that fails a quarter as often
    "timers, warm site": """
standby:
  primary: {parallel: [{component: {name: p1, mtbf_h: 100, mttr_h: 3}}, {component: {name: p2, mtbf_h: 100, mttr_h: 8}}]}
  standbys: [{component: {name: s1, mtbf_h: 50, mttr_h: 6}}]
  failback: true
  mode: warm
  dormant_factor: 0.25
  start_s: 600
  failover: {check_interval_s: 300, failure_threshold: 3, dns_ttl_s: 1800, promote_s: 120}
""",
    # three cold spares, a failover a twentieth of the primary's repair
    "three cold spares": """
standby:
  primary: {component: {name: p, mtbf_h: 50, mttr_h: 20}}
  standbys: [{component: {name: s1, mtbf_h: 30, mttr_h: 10}}, {component: {name: s2, mtbf_h: 40, mttr_h: 15}},
             {component: {name: s3, mtbf_h: 60, mttr_h: 5}}]
  failback: true
  mode: cold
  failover_s: 3600
""",
}


@pytest.mark.parametrize("name", DESIGNS)
def test_designs_the_chain_cannot_hold_agree_with_the_simulation(name):
    """Several standbys (their joint state at the primary's failure taken as independent)
    and a compound primary (its outages as a mixture): within 0.3% of a long seeded
    simulation, and inside its 99% interval."""
    arch = hl.load_architecture({"architecture": yaml.safe_load(DESIGNS[name])})
    r = hl.simulate(arch, years=20, runs=2000, seed=11, workers=1, progress=False)
    u = arch.availability().unavailability
    lo, hi = r.unavailability_ci99
    assert lo <= u <= hi
    assert u == pytest.approx(r.unavailability_mean, rel=0.003)


def test_the_event_engine_draws_dormant_standbys_too():
    arch = _pair(mode="warm", dormant_factor=0.1, failover_s=600, start_s=120)
    ev = simulate_events(arch, runs=200, years=20, seed=3)
    lo, hi = ev.unavailability_ci99
    assert lo <= arch.availability().unavailability <= hi


def test_a_file_says_it_and_reads_back():
    text = """
name: cold spare
architecture:
  standby:
    name: cold spare
    primary: {component: {name: db, mtbf_h: 2000, mttr_h: 8}}
    standbys: [{component: {name: spare, mtbf_h: 2000, mttr_h: 8}}]
    failover_s: 120
    mode: cold
    start_s: 900
    failback: true
"""
    arch = hl.load_architecture(yaml.safe_load(text))
    sb = arch.root
    assert (sb.mode, sb.start_s, sb.dormancy) == ("cold", 900.0, 0.0)
    assert "15 minutes to start a cold standby that does not fail while it waits" in \
        hl.design.kinds.kind_of(sb).label(sb)
    again = hl.load_architecture(hl.dump_architecture(arch))
    assert again.availability().unavailability == arch.availability().unavailability
    from hadr_lib.design.blocks.standby import failover_times_s

    assert failover_times_s(arch.root) == [1020.0]


BAD = [
    ({"mode": "lukewarm"}, "architecture.standby.mode: 'lukewarm' is not one of hot, warm, cold"),
    ({"start_s": 60}, "architecture.standby.start_s: 60 is for a warm or cold standby"),
    ({"dormant_factor": 0.5}, "architecture.standby.dormant_factor: 0.5 is for a warm or cold standby"),
    ({"mode": "warm", "dormant_factor": 1.5}, "architecture.standby.dormant_factor: 1.5"),
    ({"mode": "cold", "start_s": -1}, "architecture.standby.start_s: -1"),
    ({"mode": "cold", "failback": False}, "architecture.standby.failback: a standby that waits dormant"),
]


@pytest.mark.parametrize("fields, message", BAD)
def test_bad_modes_are_refused_naming_the_field(fields, message):
    body = {"primary": {"component": {"name": "p", "mtbf_h": 100, "mttr_h": 1}},
            "standbys": [{"component": {"name": "s", "mtbf_h": 100, "mttr_h": 1}}], "failback": True}
    body.update(fields)
    with pytest.raises(InvalidInputError) as err:
        hl.load_architecture({"architecture": {"standby": body}})
    assert str(err.value).startswith(message), str(err.value)


def test_a_dormant_standby_must_be_a_component_with_its_figures():
    def load(standbys):
        return hl.load_architecture({"architecture": {"standby": {
            "primary": {"component": {"name": "p", "mtbf_h": 100, "mttr_h": 1}},
            "standbys": standbys, "failback": True, "mode": "cold"}}})

    with pytest.raises(InvalidInputError, match=r"standby.standbys\[0\]: a dormant standby .* must be one component"):
        load([{"series": [{"component": {"name": "a", "mtbf_h": 9, "mttr_h": 1}},
                          {"component": {"name": "b", "mtbf_h": 9, "mttr_h": 1}}]}])
    with pytest.raises(InvalidInputError, match=r"list several standbys rather than count"):
        load([{"component": {"name": "a", "mtbf_h": 9, "mttr_h": 1, "count": 2}}])
    with pytest.raises(InvalidInputError, match=r"must be one component with mtbf_h"):
        load([{"component": {"name": "a", "availability": 0.99}}])
    with pytest.raises(InvalidInputError, match=r"7 dormant standbys; at most 6"):
        load([{"component": {"name": f"s{i}", "mtbf_h": 9, "mttr_h": 1}} for i in range(7)])
    # made perfect (importance asks that), a dormant standby is never down
    arch = _pair(mode="cold", failover_s=60)
    perfect = arch.with_changes({"s": {"availability": 1.0}})
    u_p = 4 / 504  # the primary's own unavailability; each outage costs min(60 s, repair)
    assert perfect.availability().unavailability == pytest.approx(u_p * -math.expm1(-60 / 3600 / 4), rel=1e-12)
