"""Shared repair (``crews: N`` on a parallel or k_of_n of components): checked against
the textbook machine-repair chain, a unit-level first-come-first-served Markov chain
built and solved here in mpmath (every unit its own identity, the queue's order
kept), mpmath birth-death chains for big quorums at high nines, re-evaluation for
importance, and both simulations."""

from __future__ import annotations

import copy
import itertools

import jsonschema
import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.architecture_file import architecture_schema, dump_architecture, load_architecture
from hadr_lib.checks import InvalidInputError
from hadr_lib.design import repair
from hadr_lib.events import machine_repair_unavailability, simulate_events

H = 8766.0  # evaluate's year: 365.25 days


def comp(name, mtbf, mttr, **more):
    return {"component": {"name": name, "mtbf_h": mtbf, "mttr_h": mttr, **more}}


def fifo_reference(units, k, crews):
    """U and outages per hour of ``k`` of ``len(units)`` units needed up, ``crews``
    crews, first come first served: a chain over the ordered tuples of failed units
    (the first ``crews`` of them in repair), solved in mpmath at 40 digits."""
    mpmath.mp.dps = 40
    n = len(units)
    states = [()]
    for size in range(1, n + 1):
        states += list(itertools.permutations(range(n), size))
    index = {s: i for i, s in enumerate(states)}
    S = len(states)
    Q = mpmath.zeros(S, S)
    for s in states:
        i = index[s]
        for u in range(n):
            if u not in s:  # u fails
                Q[i, index[s + (u,)]] += mpmath.mpf(1) / units[u][0]
        for pos in range(min(len(s), crews)):  # a unit in repair is done
            Q[i, index[s[:pos] + s[pos + 1:]]] += mpmath.mpf(1) / units[s[pos]][1]
        Q[i, i] = -sum(Q[i, j] for j in range(S) if j != i)
    # pi Q = 0, sum pi = 1: replace one equation by the normalisation
    A = Q.T
    for j in range(S):
        A[0, j] = 1
    b = mpmath.zeros(S, 1)
    b[0] = 1
    pi = mpmath.lu_solve(A, b)
    m = n - k + 1
    u = sum(pi[index[s]] for s in states if len(s) >= m)
    f = sum(pi[index[s]] * sum(mpmath.mpf(1) / units[v][0] for v in range(n) if v not in s)
            for s in states if len(s) == m - 1)
    return float(u), float(f)


def group(units, k, crews, kind="k_of_n"):
    members = [comp(f"u{i}", mtbf, mttr) for i, (mtbf, mttr) in enumerate(units)]
    if kind == "parallel":
        assert k == 1
        return load_architecture({"name": "g", "architecture": {"parallel": {"of": members, "crews": crews}}})
    return load_architecture({"name": "g", "architecture": {"k_of_n": {"k": k, "of": members, "crews": crews}}})


# --------------------------------------------------------------------------- exact references


def test_two_identical_units_one_crew_is_the_textbook_chain():
    r = 10.0 / 100.0
    ev = group([(100.0, 10.0), (100.0, 10.0)], 1, 1, "parallel").evaluate()
    assert ev.unavailability == pytest.approx(2 * r**2 / (1 + 2 * r + 2 * r**2), rel=1e-13)
    assert ev.unavailability == pytest.approx(machine_repair_unavailability(2, 100.0, 10.0, 1), rel=1e-13)
    # twice the independent q^2, about: what a shared crew costs
    assert ev.unavailability / (10 / 110) ** 2 == pytest.approx(1.984, abs=1e-3)
    # both down ends when the one in repair is back: the mean outage is one MTTR
    assert ev.mean_outage_s == pytest.approx(10 * 3600, rel=1e-12)


def test_replicas_of_a_component_queue_too():
    arch = load_architecture({"name": "g", "architecture": {"parallel": {
        "of": [comp("a", 100.0, 10.0, count=3), comp("b", 100.0, 10.0)], "crews": 1}}})
    assert arch.evaluate().unavailability == pytest.approx(machine_repair_unavailability(4, 100.0, 10.0, 1),
                                                           rel=1e-13)


def test_enough_crews_is_independent_repair():
    units = [(300.0, 6.0), (500.0, 3.0), (400.0, 9.0)]
    shared = group(units, 2, 3).evaluate()
    alone = load_architecture({"name": "g", "architecture": {"k_of_n": {
        "k": 2, "of": [comp(f"u{i}", a, b) for i, (a, b) in enumerate(units)]}}}).evaluate()
    assert shared.unavailability == alone.unavailability


@pytest.mark.parametrize("units,k,crews", [
    ([(400.0, 60.0), (600.0, 40.0), (500.0, 50.0)], 2, 1),   # MTTRs differ: the FIFO chain
    ([(400.0, 60.0), (600.0, 40.0)], 1, 1),
    ([(1000.0, 2.0), (800.0, 8.0), (1200.0, 4.0), (900.0, 6.0)], 2, 1),
    ([(1000.0, 2.0), (800.0, 8.0), (1200.0, 4.0), (900.0, 6.0)], 3, 2),
    ([(300.0, 5.0), (700.0, 5.0), (200.0, 5.0), (900.0, 5.0)], 2, 1),  # one MTTR: the product form
    ([(50.0, 5.0), (50.0, 5.0), (80.0, 12.0)], 1, 2),
])
def test_u_and_frequency_equal_the_unit_level_fifo_chain(units, k, crews):
    ev = group(units, k, crews).evaluate()
    u, f = fifo_reference(units, k, crews)
    assert ev.unavailability == pytest.approx(u, rel=1e-9)
    assert ev.outages_per_year == pytest.approx(f * H, rel=1e-9)
    assert float(ev.availability) == pytest.approx(1 - u, rel=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([50.0, 200.0, 1000.0, 5000.0]), st.sampled_from([1.0, 4.0, 10.0])),
                min_size=2, max_size=4), st.data())
def test_any_small_group_equals_the_fifo_chain(units, data):
    n = len(units)
    k = data.draw(st.integers(1, n))
    crews = data.draw(st.integers(1, n))
    ev = group(units, k, crews).evaluate()
    u, f = fifo_reference(units, k, crews)
    assert ev.unavailability == pytest.approx(u, rel=1e-9, abs=1e-300)
    assert ev.outages_per_year == pytest.approx(f * H, rel=1e-9, abs=1e-300)


def birth_death(n, k, crews, mtbf, mttr, dps=60):
    """Identical units: state j down fails at (n - j) / MTBF, repaired at min(j, N) / MTTR."""
    mpmath.mp.dps = dps
    w = [mpmath.mpf(1)]
    for j in range(n):
        w.append(w[-1] * (n - j) * mpmath.mpf(mttr) / (min(j + 1, crews) * mpmath.mpf(mtbf)))
    z = mpmath.fsum(w)
    return mpmath.fsum(w[n - k + 1:]) / z


@pytest.mark.parametrize("n,k,crews,mtbf,mttr", [
    (50, 26, 3, 20_000.0, 4.0),
    (1000, 990, 2, 100_000.0, 1.0),
    (7, 4, 1, 2_000.0, 48.0),
])
def test_big_quorums_at_high_nines_match_mpmath_and_never_exceed_one(n, k, crews, mtbf, mttr):
    members = [comp(f"n{i}", mtbf, mttr) for i in range(n)]
    arch = load_architecture({"name": "q", "architecture": {"k_of_n": {"k": k, "of": members, "crews": crews}}})
    ev = arch.evaluate()
    ref = birth_death(n, k, crews, mtbf, mttr)
    assert ev.unavailability == pytest.approx(float(ref), rel=1e-9)
    assert 0.0 <= float(ev.availability) <= 1.0
    assert float(ev.availability) == pytest.approx(float(1 - ref), rel=1e-14)


def test_many_members_with_different_mttrs_use_the_even_share_and_err_low():
    """Past MAX_FIFO_STATES the even share: exact for its own discipline (checked by a
    unit-level chain with repair shared evenly), and well below first come, first
    served (the simulation) when the MTTRs spread 6x: the README says so."""
    units = [(500.0, 2.0), (500.0, 4.0), (500.0, 6.0), (500.0, 8.0), (500.0, 10.0), (500.0, 12.0)]
    assert repair._fifo_chain((1,) * 6, 1) is None
    ev = group(units, 4, 1).evaluate()
    # reference: the even share over unit subsets (2^6 states), mpmath
    mpmath.mp.dps = 30
    n = len(units)
    subsets = [frozenset(c) for r in range(n + 1) for c in itertools.combinations(range(n), r)]
    idx = {s: i for i, s in enumerate(subsets)}
    Q = mpmath.zeros(len(subsets), len(subsets))
    for s in subsets:
        for u in range(n):
            if u not in s:
                Q[idx[s], idx[s | {u}]] += mpmath.mpf(1) / units[u][0]
            else:
                Q[idx[s], idx[s - {u}]] += mpmath.mpf(1) / units[u][1] * min(len(s), 1) / len(s)
        Q[idx[s], idx[s]] = -sum(Q[idx[s], j] for j in range(len(subsets)) if j != idx[s])
    A = Q.T
    for j in range(len(subsets)):
        A[0, j] = 1
    b = mpmath.zeros(len(subsets), 1)
    b[0] = 1
    pi = mpmath.lu_solve(A, b)
    u_even = float(sum(pi[idx[s]] for s in subsets if len(s) >= 3))
    assert ev.unavailability == pytest.approx(u_even, rel=1e-9)
    r = hl.simulate(group(units, 4, 1), years=20, runs=2000, seed=5, workers=1, progress=False)
    assert r.unavailability_mean > ev.unavailability  # first come, first served is worse
    assert 1.7 < r.unavailability_mean / ev.unavailability < 2.1


def test_the_two_member_gap_is_what_the_docstring_says():
    """One crew, two members: first come, first served over the even share is
    (r + 1/r) / 2 for the both-down term (r: the MTTR ratio), to first order."""
    units = [(1e5, 6.0), (1e5, 4.0)]
    u_fifo, _ = fifo_reference(units, 1, 1)
    u_even = repair.shared_repair_aq([1, 1], np.array([6 / (1e5 + 6), 4 / (1e5 + 4)]), 2, 1)[1]
    r = 1.5
    assert u_fifo / float(u_even) == pytest.approx((r + 1 / r) / 2, rel=1e-3)


# --------------------------------------------------------------------------- in a design


DESIGN = {
    "name": "one on-call engineer",
    "architecture": {"series": [
        comp("lb", 20_000.0, 1.0),
        {"k_of_n": {"k": 2, "crews": 1, "name": "etcd", "of": [
            comp("e1", 800.0, 24.0), comp("e2", 1200.0, 12.0), comp("e3", 1000.0, 18.0)]}},
        {"parallel": [comp("app-a", 500.0, 8.0), comp("app-b", 500.0, 8.0)], "crews": 1},
    ]},
}


def test_made_perfect_equals_re_evaluation_through_the_crews():
    arch = load_architecture(DESIGN)
    ev = arch.evaluate()
    imp = arch.importance().set_index("name")
    year_s = ev.year_days * 86400
    for path, name in [((1, "k_of_n", "of", 0), "e1"), ((1, "k_of_n", "of", 2), "e3"),
                       ((2, "parallel", 0), "app-a")]:
        d = copy.deepcopy(DESIGN)
        node = d["architecture"]["series"][path[0]]
        node = node[path[1]]
        node = node[path[2]][path[3]] if len(path) == 4 else node[path[2]]
        node["component"]["mttr_h"] = 0.0
        perfect = load_architecture(d).evaluate().unavailability
        assert imp.loc[name, "downtime_saved_per_year_s"] == pytest.approx(
            (ev.unavailability - perfect) * year_s, rel=1e-9)


def test_slopes_are_the_derivative():
    arch = load_architecture(DESIGN)
    imp = arch.importance().set_index("name")
    d = copy.deepcopy(DESIGN)
    base = arch.evaluate().unavailability
    h = 1e-4
    d["architecture"]["series"][1]["k_of_n"]["of"][1]["component"]["mttr_h"] = 12.0 * (1 + h)
    moved = load_architecture(d).evaluate().unavailability
    q0 = 12.0 / 1212.0
    q1 = 12.0 * (1 + h) / (1200.0 + 12.0 * (1 + h))
    # the crews chain keeps MTTR and moves the failure rate with U, so compare to a change of
    # MTBF that gives the same U
    d2 = copy.deepcopy(DESIGN)
    mtbf = 12.0 * (1 - q1) / q1
    d2["architecture"]["series"][1]["k_of_n"]["of"][1]["component"]["mtbf_h"] = mtbf
    moved = load_architecture(d2).evaluate().unavailability
    assert imp.loc["e2", "birnbaum"] == pytest.approx((moved - base) / (q1 - q0), rel=1e-3)


def test_a_design_with_crews_is_inside_the_simulated_interval_and_the_event_engine_agrees():
    arch = load_architecture(DESIGN)
    u = arch.evaluate().unavailability
    r = hl.simulate(arch, years=10, runs=3000, seed=11, workers=1, progress=False)
    assert r.ci_contains(u), (u, r.unavailability_ci99)
    ev = simulate_events(arch, runs=60, years=10, seed=4)
    lo, hi = ev.unavailability_ci99
    assert lo <= r.unavailability_mean <= hi


def test_crews_cost_downtime_against_independent_repair():
    shared = load_architecture(DESIGN).evaluate().unavailability
    d = copy.deepcopy(DESIGN)
    del d["architecture"]["series"][1]["k_of_n"]["crews"]
    del d["architecture"]["series"][2]["crews"]
    alone = load_architecture(d).evaluate().unavailability
    assert shared > alone * 1.3


def test_uncertainty_and_sweeps_take_the_vector_path_with_the_same_answer():
    from hadr_lib.design.evaluation import base_q
    from hadr_lib.uncertainty import propagate

    arch = load_architecture(DESIGN)
    ev = arch.evaluate()
    _, u = arch._eval_q(base_q(arch.components)[:, None].repeat(3, axis=1))
    assert np.allclose(u, ev.unavailability, rtol=1e-12, atol=0)
    d = copy.deepcopy(DESIGN)
    d["architecture"]["series"][1]["k_of_n"]["of"][0]["component"]["error_factor"] = 3.0
    uncertain = load_architecture(d)
    out = propagate(uncertain, draws=400, seed=1)
    # each draw equals the design evaluated on its own at that draw's figure
    draws = np.asarray(out.unavailability)
    assert np.isfinite(draws).all() and draws.min() < ev.unavailability < draws.max()


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize("written", [
    {"parallel": {"of": [comp("a", 100.0, 5.0), comp("b", 100.0, 5.0)], "crews": 1}},
    {"parallel": [comp("a", 100.0, 5.0), comp("b", 100.0, 5.0)], "crews": 1},
])
def test_parallel_takes_crews_in_its_body_or_beside_its_kind(written):
    arch = load_architecture({"name": "p", "architecture": written})
    assert arch.root.crews == 1
    dumped = dump_architecture(arch)
    assert dumped["architecture"] == {"parallel": {"of": [comp("a", 100.0, 5.0), comp("b", 100.0, 5.0)],
                                                   "crews": 1}}
    jsonschema.validate(dumped, architecture_schema())
    assert load_architecture(dumped).evaluate().unavailability == arch.evaluate().unavailability


def test_k_of_n_takes_crews_beside_its_kind_too():
    body = {"k": 2, "of": [comp("a", 100.0, 5.0), comp("b", 100.0, 5.0), comp("c", 100.0, 5.0)]}
    inside = load_architecture({"name": "q", "architecture": {"k_of_n": {**body, "crews": 1}}})
    beside = load_architecture({"name": "q", "architecture": {"k_of_n": body, "crews": 1}})
    assert inside.evaluate().unavailability == beside.evaluate().unavailability
    assert dump_architecture(beside)["architecture"]["k_of_n"]["crews"] == 1


@pytest.mark.parametrize("arch,message", [
    ({"parallel": {"of": [comp("a", 100.0, 5.0), comp("b", 100.0, 5.0)], "crews": 0}},
     "architecture.parallel.crews: 0 is not a whole number of repair crews (1 or more)"),
    ({"k_of_n": {"k": 1, "of": [comp("a", 100.0, 5.0)], "crews": "two"}},
     "architecture.k_of_n.crews: 'two' is not a whole number"),
    ({"parallel": {"of": [{"series": [comp("a", 100.0, 5.0)]}, comp("b", 100.0, 5.0)], "crews": 1}},
     "architecture.parallel.crews: shared repair needs every member to be a component with mtbf_h and mttr_h; "
     "member 1 is not"),
    ({"parallel": {"of": [{"component": {"name": "a", "availability": 0.99}}, comp("b", 100.0, 5.0)],
                   "crews": 1}},
     "member 1 is not"),
    ({"k_of_n": {"k": 2, "of": [comp("a", 100.0, 5.0, count=2), comp("b", 100.0, 5.0),
                                comp("c", 100.0, 5.0)], "crews": 1}},
     "architecture.k_of_n.of[0].count: 2 replicas in a quorum with crews"),
    ({"parallel": {"of": [comp("a", 100.0, 5.0, count=3000)], "crews": 1}},
     "3,000 replicas share the crews; at most 2,000"),
    ({"series": [comp("a", 100.0, 5.0)], "crews": 1},
     "architecture.crews: shared repair crews go on a parallel or k_of_n of components, not beside series"),
    ({"parallel": {"of": [comp("a", 100.0, 5.0)], "crews": 1, "zone": "x"}},
     "architecture.parallel.zone: unknown field; allowed: of, crews"),
])
def test_bad_crews_are_named(arch, message):
    with pytest.raises(InvalidInputError) as err:
        load_architecture({"name": "bad", "architecture": arch})
    assert message in str(err.value)
