"""Architecture models: hand-derived reference results, importance, precision, properties."""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.model import Architecture, CommonCause, Component, KofN, Parallel, Series, Standby

mpmath.mp.dps = 50
YEAR_S = 365.25 * 86400


def c(name, a=None, **kw):
    return Component(name, availability=a, **kw) if a is not None else Component(name, **kw)


# ------------------------------------------------------------------ reference architectures


def test_single_server():
    e = hl.load_architecture("single_server").evaluate()
    assert float(e.availability) == pytest.approx(0.995, rel=1e-15)
    assert e.unavailability == pytest.approx(0.005, rel=1e-12)
    assert e.downtime_per_year_s == pytest.approx(0.005 * YEAR_S, rel=1e-12)  # 43.8 h
    assert e.downtime_per_month_s == pytest.approx(0.005 * YEAR_S / 12, rel=1e-12)


def test_multi_az_postgres_by_hand():
    """Multi-AZ PostgreSQL: the region and the load balancer in series with, given the
    two zones' states, the app pair and the database pair. The primary's outages are
    its host's (2 h) and zone A's (4 h): the 90 s failover is charged over that mixture
    of outage lengths. By hand to first order in the small terms (the standby's own
    failures while it serves, both zones down at once): within 0.5%."""
    year_h = 8766.0
    lb = 1e-4                                   # aws-elb-multi-az
    u_r = 0.1 * 8 / (year_h + 0.1 * 8)          # region-1: 0.1 a year, 8 h
    u_z = 0.25 * 4 / (year_h + 0.25 * 4)        # each zone: 0.25 a year, 4 h
    u_app, u_pg = 1 / 2191, 2 / 4382            # MTTR / (MTBF + MTTR)
    apps = sum((u_z if za else 1 - u_z) * (u_z if zb else 1 - u_z)
               * (1.0 if za else u_app) * (1.0 if zb else u_app) for za in (0, 1) for zb in (0, 1))
    # the primary's outages: its host's (1 in 4382 h, 2 h long) and zone A's (4 h long)
    t = 90 / 3600
    mix = [(1 / 4382, 2.0), (0.25 / year_h, 4.0)]
    tau = (sum(f * m * -math.expm1(-t / m) for f, m in mix)
           / sum(f * m for f, m in mix))        # E[min(t, R)] / E[R] over the mixture
    u_p = 1 - (1 - u_pg) * (1 - u_z)            # the primary or its zone
    db = u_p * (0.99 * (tau + (1 - tau) * u_p) + 0.01)
    expected = 1 - (1 - lb) * (1 - u_r) * (1 - apps) * (1 - db)
    e = hl.load_architecture("multi_az_postgres").evaluate()
    assert e.unavailability == pytest.approx(expected, rel=5e-3)
    assert u_r / e.unavailability > 0.4  # the region, a single point of failure, is most of it
    assert e.outages_per_year is None  # the load balancer is known only by its SLA


def test_mongodb_replica_set_by_hand():
    """One app server and one node per zone, the zones inside one region: given the
    region up, condition on the three zones' states (a zone down takes its app server
    and its node); the nodes' shared shock is 2% of a node's own U."""
    hours = 365.25 * 24
    u_region = 0.2 * 8 / (hours + 0.2 * 8)
    u_zone = 0.3333 * 4 / (hours + 0.3333 * 4)
    q_app, q = 1 / 2191, 4 / 4384
    qi = 0.98 * q                               # independent part of each node
    shared = 0.02 * q                           # beta x mean member unavailability
    given_up = 0.0
    for zones in itertools.product((False, True), repeat=3):  # True: that zone down
        p = math.prod(u_zone if z else 1 - u_zone for z in zones)
        app = math.prod(1.0 if z else q_app for z in zones)  # all three app servers down
        up = [0.0 if z else 1 - qi for z in zones]  # each node's own part up
        two_up = up[0] * up[1] + up[0] * up[2] + up[1] * up[2] - 2 * up[0] * up[1] * up[2]
        group = 1 - (1 - shared) * two_up
        given_up += p * (1 - (1 - app) * (1 - group))
    expected = u_region + (1 - u_region) * given_up
    arch = hl.load_architecture("mongodb_replica_set")
    e = arch.evaluate()
    assert e.unavailability == pytest.approx(expected, rel=1e-12)
    # Every component has MTBF/MTTR, so outages per year are known. To first order: the
    # region's, the shock's, a node failing while another is down, a zone going down while
    # a node of another zone is, and a node failing while another's zone is down
    f = (0.2 * (1 - u_region) + 0.02 * hours / 4384 + 3 * (0.98 / 4384) * 2 * qi * hours
         + 3 * 0.3333 * 2 * qi + 3 * u_zone * 2 * (0.98 / 4384) * hours)
    assert e.outages_per_year == pytest.approx(f, rel=0.005)
    assert e.mean_outage_s == pytest.approx(e.unavailability * hours * 3600 / e.outages_per_year, rel=1e-9)


def test_three_regions_by_hand():
    region = 1 - 0.9999**3
    independent = (0.99 * region) ** 3          # the (1 - beta) parts, all three down
    shared = 0.01 * region
    expected = 1 - (1 - independent) * (1 - shared)  # Route 53's 100% adds nothing
    e = hl.load_architecture("three_regions_active_active").evaluate()
    assert e.unavailability == pytest.approx(expected, rel=1e-9)
    # Without the shared shock the three regions would promise absurd nines.
    plain = hl.load_architecture("three_regions_active_active").with_changes(betas={0: 0.0})
    assert plain.evaluate().unavailability == pytest.approx(region**3, rel=1e-9)
    assert hl.nines(plain.evaluate().availability) > 10


def test_azure_single_region_matches_the_published_99_616():
    e = hl.load_architecture("azure_web_app_single_region").evaluate()
    assert hl.format_percent(e.availability) == "99.616%"
    expected = 0.9999 * 0.9999 * 0.9995 * 0.999 * 0.99995 * 0.999 * 0.9999 * 0.999
    assert float(e.availability) == pytest.approx(expected, rel=1e-14)


def test_azure_two_regions_counts_shared_services_once():
    regional = 0.9999**7 * 0.9995 * 0.999 * 0.99995 * 0.999 * 0.9999 * 0.999
    shared = 0.9999 * 0.9999 * 1.0
    expected = shared * (1 - (1 - regional) ** 2)
    e = hl.load_architecture("azure_web_app_two_regions").evaluate()
    assert float(e.availability) == pytest.approx(expected, rel=1e-14)
    # The published 99.9779% reuses the single-region 99.546% for each region.
    published = 0.9998 * (1 - (1 - 0.99546) ** 2)
    assert round(published * 100, 4) == 99.9779
    assert float(e.availability) > published


def test_azure_worked_examples_from_facts():
    assert hl.format_percent(Architecture(Series((c("a", 0.9995), c("b", 0.9999)))).evaluate().availability) == "99.94%"
    two = Architecture(Parallel((c("r1", 0.9995), c("r2", 0.9995)))).evaluate()
    assert two.unavailability == pytest.approx(2.5e-7, rel=1e-9)
    fallback = Architecture(Parallel((c("p", 0.9999), c("f", 0.999)))).evaluate()
    assert fallback.unavailability == pytest.approx(1e-7, rel=1e-9)


# ------------------------------------------------------------------ blocks by hand


def test_component_count_is_replicas_in_parallel():
    one = Architecture(c("x", 0.99, count=3)).evaluate()
    assert one.unavailability == pytest.approx(1e-6, rel=1e-12)


def test_mtbf_mttr_component_knows_outages():
    e = Architecture(c("x", mtbf_h=999, mttr_h=1)).evaluate()
    assert e.unavailability == pytest.approx(0.001, rel=1e-12)
    assert e.outages_per_year == pytest.approx(365.25 * 24 / 1000, rel=1e-12)
    assert e.mean_outage_s == pytest.approx(3600, rel=1e-12)


def test_k_of_n_block_non_identical():
    arch = Architecture(KofN(2, (c("a", 0.9), c("b", 0.8), c("c", 0.7))))
    p = 0.9 * 0.8 * 0.7 + 0.1 * 0.8 * 0.7 + 0.9 * 0.2 * 0.7 + 0.9 * 0.8 * 0.3
    assert float(arch.evaluate().availability) == pytest.approx(p, rel=1e-14)


def test_standby_edge_cases():
    p, s = c("p", mtbf_h=999, mttr_h=1), c("s", mtbf_h=999, mttr_h=1)
    hot = Architecture(Standby(p, (s,), failover_s=0, coverage=1)).evaluate()
    assert hot.unavailability == pytest.approx(1e-6, rel=1e-12)  # = parallel
    useless = Architecture(Standby(p, (s,), failover_s=30, coverage=0)).evaluate()
    assert useless.unavailability == pytest.approx(1e-3, rel=1e-12)  # = primary alone
    slow = Architecture(Standby(p, (s,), failover_s=7200, coverage=1)).evaluate()
    # failover slower than the mean repair: the outages that outlast it (e^-2 of them,
    # repairs being exponential) still end on the standby
    tau = -math.expm1(-2.0)
    assert slow.unavailability == pytest.approx(1e-3 * (tau + (1 - tau) * 1e-3), rel=1e-12)


def test_standby_needs_the_primarys_mttr_to_price_failover():
    with pytest.raises(hl.InvalidInputError, match=r"standby\.primary: a failover time needs"):
        Standby(c("p", 0.999), (c("s", 0.999),), failover_s=60, coverage=1)
    # Without a failover time the availability alone is enough.
    ok = Architecture(Standby(c("p", 0.999), (c("s", 0.999),), failover_s=0, coverage=1))
    assert ok.evaluate().unavailability == pytest.approx(1e-6, rel=1e-12)


# ------------------------------------------------------------------ importance


def test_importance_of_a_series_is_the_product_of_the_others():
    arch = Architecture(Series((c("a", 0.99), c("b", 0.999), c("c", 0.9999))))
    imp = arch.importance().set_index("name")
    assert imp.loc["a", "birnbaum"] == pytest.approx(0.999 * 0.9999, rel=1e-12)
    assert imp.loc["b", "birnbaum"] == pytest.approx(0.99 * 0.9999, rel=1e-12)
    # Downtime saved if a were perfect: U_sys - (1 - 0.999 x 0.9999)
    u = 1 - 0.99 * 0.999 * 0.9999
    assert imp.loc["a", "downtime_saved_per_year_s"] == pytest.approx(
        (u - (1 - 0.999 * 0.9999)) * YEAR_S, rel=1e-9)
    assert list(arch.importance()["name"]) == ["a", "b", "c"]  # weakest first


def test_importance_of_parallel_and_a_perfect_component():
    arch = Architecture(Series((c("dns", 1.0), Parallel((c("a", 0.99), c("b", 0.9))))))
    imp = arch.importance().set_index("name")
    assert imp.loc["a", "birnbaum"] == pytest.approx(0.1, rel=1e-9)
    assert imp.loc["b", "birnbaum"] == pytest.approx(0.01, rel=1e-9)
    assert imp.loc["dns", "birnbaum"] == pytest.approx(1 - 0.001, rel=1e-9)
    assert imp.loc["dns", "downtime_saved_per_year_s"] == 0.0
    assert imp.loc["a", "downtime_saved_per_year_s"] == pytest.approx(0.001 * YEAR_S, rel=1e-9)


def test_importance_through_a_standby_is_exact():
    p, s = c("p", mtbf_h=999, mttr_h=1), c("s", mtbf_h=999, mttr_h=1)
    arch = Architecture(Standby(p, (s,), failover_s=36, coverage=0.9, failback=True))
    tau, us = -math.expm1(-0.01), 0.001  # 36 s of an exponential 1 h repair
    imp = arch.importance().set_index("name")
    assert imp.loc["p", "birnbaum"] == pytest.approx(0.9 * (tau + (1 - tau) * us) + 0.1, rel=1e-9)
    assert imp.loc["s", "birnbaum"] == pytest.approx(0.001 * 0.9 * (1 - tau), rel=1e-9)


def test_sensitivity_is_sorted_by_swing():
    arch = hl.load_architecture("multi_az_postgres")
    sens = arch.sensitivity()
    assert sens.iloc[0]["name"] == "load-balancer"
    row = sens.iloc[0]
    assert row["worse_component_availability"] == pytest.approx(0.999, rel=1e-12)
    assert row["better_component_availability"] == pytest.approx(0.99999, rel=1e-12)
    assert (sens["system_availability_worse"] <= sens["system_availability_better"]).all()
    assert list(sens["swing"]) == sorted(sens["swing"], reverse=True)


def test_with_changes_moves_a_standby_as_rebuilding_it_would():
    arch = hl.load_architecture("multi_az_postgres")
    data = hl.dump_architecture(arch)
    data["architecture"]["series"][2]["standby"].update(failover_s=600.0, coverage=0.95)
    rebuilt = hl.load_architecture(data)
    changed = arch.with_changes(standbys={0: {"failover_s": 600.0, "coverage": 0.95}})
    assert changed.evaluate() == rebuilt.evaluate()
    assert changed.evaluate().unavailability > arch.evaluate().unavailability
    with pytest.raises(hl.InvalidInputError, match=r"standbys: 3 is not a standby index in \[0, 0\]"):
        arch.with_changes(standbys={3: {"coverage": 1.0}})
    with pytest.raises(hl.InvalidInputError, match=r"standbys\[0\]: 'mttr_h' is not a standby field"):
        arch.with_changes(standbys={0: {"mttr_h": 1.0}})
    with pytest.raises(hl.InvalidInputError, match="coverage"):
        arch.with_changes(standbys={0: {"coverage": 1.5}})


def test_sweep_matches_evaluate():
    arch = hl.load_architecture("azure_web_app_single_region")
    sweep = arch.sweep("redis", [0.999, 0.9999])
    changed = arch.with_changes(components={"redis": {"availability": 0.9999}})
    assert sweep[1].unavailability == pytest.approx(changed.evaluate().unavailability, rel=1e-12)
    assert sweep[0].unavailability == pytest.approx(arch.evaluate().unavailability, rel=1e-12)
    # a what-if figure is one's own: the old source and SLA no longer vouch for it
    assert arch.component("redis").source and changed.component("redis").source is None
    assert changed.component("redis").sla is None
    same = arch.with_changes(components={"redis": {"count": 2}})
    assert same.component("redis").source == arch.component("redis").source  # only the count moved


# ------------------------------------------------------------------ precision


def test_deep_tree_against_mpmath():
    # parallel of 3 x (series of [0.99999, 0.999999999]) nested 4 deep
    def tree(depth, tag):
        if depth == 0:
            return Series((c(f"{tag}a", 0.99999), c(f"{tag}b", 0.999999999)))
        return Parallel(tuple(tree(depth - 1, f"{tag}{i}") for i in range(2)))

    arch = Architecture(tree(3, "n"))
    u = 1 - mpmath.mpf("0.99999") * mpmath.mpf("0.999999999")
    for _ in range(3):
        u = u**2
    assert arch.evaluate().unavailability == pytest.approx(float(u), rel=1e-9)


def test_large_k_of_n_against_mpmath():
    n, k, a = 60, 40, "0.999"
    arch = Architecture(KofN(k, tuple(c(f"u{i}", float(a)) for i in range(n))))
    q = 1 - mpmath.mpf(a)
    ref = mpmath.fsum(mpmath.binomial(n, j) * q**j * (1 - q) ** (n - j) for j in range(n - k + 1, n + 1))
    assert arch.evaluate().unavailability == pytest.approx(float(ref), rel=1e-9)


def test_typed_decimal_high_nines():
    arch = Architecture(Parallel((c("a", 0.999999999), c("b", 0.999999))))
    assert arch.evaluate().unavailability == pytest.approx(1e-15, rel=1e-12)


# ------------------------------------------------------------------ properties

avail = st.floats(min_value=0.5, max_value=0.999999)


@given(st.lists(avail, min_size=1, max_size=5), avail)
def test_adding_a_replica_never_lowers_availability(xs, extra):
    base = Architecture(Parallel(tuple(c(f"u{i}", x) for i, x in enumerate(xs))))
    more = Architecture(Parallel(tuple(c(f"u{i}", x) for i, x in enumerate(xs + [extra]))))
    assert more.evaluate().unavailability <= base.evaluate().unavailability * (1 + 1e-12)


@given(st.lists(avail, min_size=2, max_size=5), st.integers(1, 5))
def test_beta_zero_is_independent(xs, k):
    k = min(k, len(xs))
    members = tuple(c(f"u{i}", x) for i, x in enumerate(xs))
    cc = Architecture(CommonCause(0.0, members, k=k)).evaluate()
    plain = Architecture(KofN(k, members)).evaluate()
    assert cc.unavailability == pytest.approx(plain.unavailability, rel=1e-12)


@given(avail, st.integers(2, 5))
def test_beta_one_makes_a_group_one_unit(x, n):
    members = tuple(c(f"u{i}", x) for i in range(n))
    cc = Architecture(CommonCause(1.0, members)).evaluate()
    assert cc.unavailability == pytest.approx(hl.unavailability(x), rel=1e-12)


@given(st.floats(10, 1e5), st.floats(0.01, 100), st.floats(10, 1e5), st.floats(0.01, 100))
def test_hot_standby_with_full_coverage_is_parallel(b1, r1, b2, r2):
    p, s = c("p", mtbf_h=b1, mttr_h=r1), c("s", mtbf_h=b2, mttr_h=r2)
    sb = Architecture(Standby(p, (s,), failover_s=0, coverage=1)).evaluate()
    par = Architecture(Parallel((p, s))).evaluate()
    assert sb.unavailability == pytest.approx(par.unavailability, rel=1e-12)


@given(st.floats(0, 1), st.floats(0, 1))
def test_more_beta_or_less_coverage_never_helps(beta, cov):
    members = (c("a", 0.999), c("b", 0.999))
    lo = Architecture(CommonCause(beta * 0.5, members)).evaluate().unavailability
    hi = Architecture(CommonCause(beta, members)).evaluate().unavailability
    assert hi >= lo * (1 - 1e-12)
    p, s = c("p", mtbf_h=1000, mttr_h=2), c("s", mtbf_h=1000, mttr_h=2)
    good = Architecture(Standby(p, (s,), failover_s=60, coverage=cov)).evaluate().unavailability
    bad = Architecture(Standby(p, (s,), failover_s=60, coverage=cov * 0.5)).evaluate().unavailability
    assert bad >= good * (1 - 1e-12)


# ------------------------------------------------------------------ bad input in Python


@pytest.mark.parametrize("make, message", [
    (lambda: Component("x"), "give either availability or both"),
    (lambda: Component("x", availability=0.9, mtbf_h=10, mttr_h=1), "has both"),
    (lambda: Component("x", mtbf_h=10), r"component\.mttr_h: missing"),
    (lambda: Component("x", availability=1.3), r"component\.availability: 1\.3 is not in \[0, 1\]"),
    (lambda: Component("x", availability=0.9, count=0), r"component\.count: 0"),
    (lambda: Component("", availability=0.9), r"component\.name"),
    (lambda: KofN(4, (c("a", 0.9),) * 3), r"k_of_n\.k: 4 is not a whole number in \[1, 3\]"),
    (lambda: CommonCause(1.5, (c("a", 0.9),)), r"common_cause\.beta: 1\.5"),
    (lambda: Standby(c("p", mtbf_h=9, mttr_h=1), (c("s", 0.9),), coverage=2), r"standby\.coverage: 2"),
    (lambda: Series(()), "series: a series needs at least one block"),
    (lambda: Architecture(Series((c("a", 0.9), c("a", 0.99)))), "duplicate component name"),
])
def test_bad_models_are_refused(make, message):
    with pytest.raises(hl.InvalidInputError, match=message):
        make()


# ------------------------------------------------------------------ importance at scale

def _random_block(rng, names, depth=0):
    """A random block: series, parallel, k-of-n, standby and common-cause groups."""
    if depth >= 3 or rng.random() < 0.3:
        name = f"c{next(names)}"
        if rng.random() < 0.5:
            return Component(name, availability=float(np.round(rng.uniform(0.9, 0.99999), 5)),
                             count=int(rng.integers(1, 3)))
        return Component(name, mtbf_h=float(rng.integers(100, 10_000)),
                         mttr_h=float(np.round(rng.uniform(0.1, 10), 1)))
    kids = tuple(_random_block(rng, names, depth + 1) for _ in range(int(rng.integers(2, 5))))
    kind = rng.integers(0, 5)
    if kind == 0:
        return Series(kids)
    if kind == 1:
        return Parallel(kids)
    if kind == 2:
        return KofN(int(rng.integers(1, len(kids) + 1)), kids)
    if kind == 3:
        return CommonCause(float(rng.uniform(0, 0.2)), kids, k=int(rng.integers(1, len(kids) + 1)))
    return Standby(kids[0], kids[1:], failover_s=0.0, coverage=float(rng.uniform(0.9, 1)), failback=True)


def _groups_above(root, leaf) -> int:
    """How many common-cause groups lie on the path from the top to ``leaf``."""
    from hadr_lib.model import children_of

    stack = [(root, 0)]
    while stack:
        node, groups = stack.pop()
        if node is leaf:
            return groups
        stack.extend((k, groups + isinstance(node, CommonCause)) for k in children_of(node))
    raise AssertionError("leaf not in tree")


@pytest.mark.parametrize("seed", range(12))
def test_linear_importance_matches_brute_force(seed):
    """O(n) importance against the definition, one evaluation per component: U with
    the block made perfect (exact, common-cause groups included), and the slope as
    the wide central difference the quadratic-at-most path makes exact (a path
    through two common-cause groups is quartic: there only close)."""
    import itertools

    rng = np.random.default_rng(seed)
    arch = Architecture(_random_block(rng, itertools.count()))
    imp = arch.importance().set_index("name")
    q0 = arch._q
    year = 365.25 * 86400
    _, u0 = arch._eval_q(q0)
    for i, c in enumerate(arch.components):
        perfect = q0.copy()
        perfect[i] = 0.0
        saved = (float(u0) - float(arch._eval_q(perfect)[1])) * year
        assert imp.loc[c.name, "downtime_saved_per_year_s"] == pytest.approx(
            max(saved, 0.0), rel=1e-9, abs=1e-12 * year * float(u0) + 1e-300)
        h = 0.5 * min(q0[i], 1 - q0[i])
        if h == 0:
            continue
        lo, hi = q0.copy(), q0.copy()
        lo[i] -= h
        hi[i] += h
        u_hi, u_lo = float(arch._eval_q(hi)[1]), float(arch._eval_q(lo)[1])
        slope = (u_hi - u_lo) / (2 * h)
        rounding = 8 * np.finfo(float).eps * max(u_hi, u_lo) / h  # of the difference itself
        rel = 1e-6 if _groups_above(arch.root, c) < 2 else 1e-2
        assert imp.loc[c.name, "birnbaum"] == pytest.approx(slope, rel=rel, abs=rounding)


@pytest.mark.parametrize("k, n", [(1, 5), (5, 5), (3, 7), (990, 1000), (2, 3), (600, 1300)])
def test_criticality_by_prefix_and_suffix_matches_deleting_each_unit(k, n):
    from hadr_lib.design.evaluation import critical as _critical
    from hadr_lib.design.evaluation import critical_scalar as _critical_scalar

    rng = np.random.default_rng(n)
    q = rng.uniform(0.0001, 0.01, n)
    a = 1 - q
    crit = _critical(k, a, q)
    for i in list(range(min(n, 3))) + [n - 1]:
        # the whole distribution of the number of others down, by brute force
        dist = np.zeros(n)
        dist[0] = 1.0
        for qj in np.delete(q, i):
            dist[1:] = dist[1:] * (1 - qj) + dist[:-1] * qj
            dist[0] *= 1 - qj
        assert crit[i] == pytest.approx(dist[n - k], rel=1e-9, abs=1e-300)
    if n * (n - k + 1) <= 20_000:
        assert _critical_scalar(k, list(a), list(q)) == pytest.approx(list(crit), rel=1e-12)


def test_importance_of_a_wide_quorum_and_outages_of_big_quorums():
    units = tuple(Component(f"r{i}", mtbf_h=1000.0 + i, mttr_h=2.0) for i in range(1000))
    arch = Architecture(KofN(990, units))
    e = arch.evaluate()
    assert e.outages_per_year is not None and e.outages_per_year > 0  # no longer skipped
    imp = arch.importance()
    assert imp["name"].iloc[0] == "r0"  # the least reliable unit matters most
    assert (imp["birnbaum"] > 0).all()


def test_fifty_thousand_components_in_series_agree_with_mpmath():
    """A product of 50,000 binary 0.999999s and a log-sum of 50,000 decimal 1e-6s
    disagree by 2.5e-12 (the inputs' last bits): ``evaluate`` used to carry both and
    then refused its own result ("carries an unavailability that is not 1 -
    availability"). Now the smaller side is kept and the other derived from it, and
    both match a 50-digit reference."""
    n = 50_000
    design = hl.load_architecture({"name": "wide", "architecture": {"series": [
        {"component": {"name": f"c{i}", "availability": 0.999999}} for i in range(n)]}})
    with mpmath.workdps(50):
        q_ref = float(1 - (1 - mpmath.mpf("1e-6")) ** n)
    for result in (design.evaluate().availability, design.availability(),
                   hl.series(np.full(n, 0.999999))):
        assert result.unavailability == pytest.approx(q_ref, rel=1e-13)
        assert abs(float(result) + result.unavailability - 1.0) <= 1e-16
        assert hl.nines(result) == pytest.approx(-math.log10(q_ref), rel=1e-12)  # accepts it
    assert design.evaluate().downtime_per_year_s == pytest.approx(q_ref * 365.25 * 86400, rel=1e-12)


def test_results_that_agree_are_returned_unchanged():
    from hadr_lib.availability import consistent

    a, q = 0.9, 0.1
    assert consistent(a, q) == (a, q)
    a2, q2 = consistent(0.95, 0.05 + 1e-12)  # q is the smaller side: it is kept
    assert (a2, q2) == (1.0 - (0.05 + 1e-12), 0.05 + 1e-12)
    a3, q3 = consistent(1e-3 + 1e-12, 0.999)  # a is the smaller side
    assert (a3, q3) == (1e-3 + 1e-12, 1.0 - (1e-3 + 1e-12))


def test_an_object_that_is_no_block_kind_is_an_error_everywhere():
    """Drills took an unknown kind for a parallel block and the evaluator relied on an
    assert: an object of no known kind is now refused by every walk, naming its type."""
    from dataclasses import dataclass

    from hadr_lib.drills import _after_failure
    from hadr_lib.model import children_of, needed_up
    from hadr_lib.simulation import _compile

    @dataclass(frozen=True)
    class Majority:  # looks like a block (children, k), is none of the kinds
        children: tuple
        k: int = 2

    odd = Majority((hl.Component("a", 0.9), hl.Component("b", 0.9), hl.Component("c", 0.9)))
    message = "architecture: Majority is not a block kind"
    for walk in (children_of, needed_up, lambda n: _after_failure(n, {"a"}), lambda n: _compile(n, 1.0)):
        with pytest.raises(hl.InvalidInputError, match=message):
            walk(odd)
    with pytest.raises(hl.InvalidInputError, match="is not a block"):
        hl.Architecture(odd)


def test_an_evaluation_as_json_says_none_for_infinite_nines():
    import json

    perfect = hl.Architecture(hl.Component("a", availability=1.0)).evaluate()
    d = perfect.to_dict()
    assert d["nines"] is None and d["unavailability"] == 0.0 and d["availability"] == 1.0
    json.dumps(d, allow_nan=False)  # JSON has no infinity
    e = hl.load_architecture("single_server").evaluate()
    assert e.to_dict()["nines"] == pytest.approx(e.nines) and e.to_dict()["downtime_per_year_s"] == e.downtime_per_year_s


def test_saved_if_perfect_through_a_standby_with_a_compound_primary():
    """A part of a standby's primary also sets how long the primary's outages last
    (the failover's share of them): its saving is the design re-evaluated without it,
    not the slope times its U (which was off several-fold here)."""
    design = {"architecture": {"standby": {
        "primary": {"series": [
            {"component": {"name": "quick", "mtbf_h": 500.0, "mttr_h": 0.05}},
            {"component": {"name": "slow", "mtbf_h": 4000.0, "mttr_h": 12.0}}]},
        "standbys": [{"component": {"name": "spare", "mtbf_h": 3000.0, "mttr_h": 6.0}}],
        "failover_s": 600.0, "failback": True}}}
    arch = hl.load_architecture(design)
    year = 365.25 * 86400
    u = arch.availability().unavailability
    imp = arch.importance().set_index("name")
    for name in ("quick", "slow"):
        perfect = arch.with_changes({name: {"mtbf_h": 1e300}}).availability().unavailability
        assert imp.loc[name, "downtime_saved_per_year_s"] == pytest.approx((u - perfect) * year, rel=1e-9)
    # by hand: without "quick" the primary's outages are "slow"'s (exponential, 12 h mean)
    # and a 10-minute failover takes E[min(t, R)] / E[R] = 1 - exp(-1/72) of them; with it,
    # most outages are 3-minute ones the failover covers whole
    u_slow, u_spare = 12 / 4012, 6 / 3006
    tau = -math.expm1(-1 / 72)
    without_quick = u_slow * (tau + (1 - tau) * u_spare)
    assert u - without_quick == pytest.approx(imp.loc["quick", "downtime_saved_per_year_s"] / year, rel=1e-9)
    slope_only = imp.loc["quick", "birnbaum"] * arch.component("quick").replica_unavailability
    assert imp.loc["quick", "downtime_saved_per_year_s"] / year > 2 * slope_only


def test_failover_timers_give_a_distribution_charged_in_closed_form():
    """failover: {check_interval_s, failure_threshold, dns_ttl_s, promote_s, warmup_s}:
    T = promote + warmup + interval (threshold - 1 + U1) + ttl U2, U1, U2 uniform. With
    an exponential repair of mean m, E[exp(-T/m)] factors: exp(-a/m) x (m/b)(1 - exp(-b/m))
    x (m/c)(1 - exp(-c/m)), so tau = 1 - that, exactly."""
    design = {"architecture": {"standby": {
        "primary": {"component": {"name": "p", "mtbf_h": 2000.0, "mttr_h": 0.5}},
        "standbys": [{"component": {"name": "s", "mtbf_h": 2000.0, "mttr_h": 0.5}}],
        "failover": {"check_interval_s": 30, "failure_threshold": 3, "dns_ttl_s": 600,
                     "promote_s": 45, "warmup_s": 15}}}}
    arch = hl.load_architecture(design)
    sb = arch.standbys[0]
    a, b, c, m = 45 + 15 + 30 * 2, 30.0, 600.0, 1800.0  # seconds
    assert sb.failover_s == pytest.approx(a + b / 2 + c / 2)  # the mean: 435 s
    e = math.exp(-a / m) * (m / b) * -math.expm1(-b / m) * (m / c) * -math.expm1(-c / m)
    tau = 1 - e
    assert hl.model.failover_share(sb) == pytest.approx(tau, rel=1e-12)
    up = us = 0.5 / 2000.5
    assert arch.availability().unavailability == pytest.approx(up * (tau + (1 - tau) * us), rel=1e-12)
    # the spread matters: a fixed failover at the mean charges more
    fixed = hl.load_architecture({"architecture": {"standby": {
        **{k: v for k, v in design["architecture"]["standby"].items() if k != "failover"},
        "failover_s": sb.failover_s}}})
    assert hl.model.failover_share(fixed.standbys[0]) > tau
    # the file keeps the timers; a changed failover time replaces them
    dumped = hl.dump_architecture(arch)["architecture"]["standby"]
    assert dumped["failover"] == {"check_interval_s": 30.0, "failure_threshold": 3, "dns_ttl_s": 600.0,
                                  "promote_s": 45.0, "warmup_s": 15.0} and "failover_s" not in dumped
    assert hl.load_architecture(hl.dump_architecture(arch)).root == arch.root
    changed = arch.with_changes(standbys={0: {"failover_s": 60.0}})
    assert changed.standbys[0].failover_s == 60.0 and changed.standbys[0].failover_timers is None


@pytest.mark.parametrize("failover, message", [
    ({"check_interval_s": 10, "jitter_s": 3}, r"failover\.jitter_s: unknown timer; allowed: check_interval_s"),
    ({"failure_threshold": 3}, r"failover\.check_interval_s: missing"),
    ({"check_interval_s": 10, "failure_threshold": 0}, r"failover\.failure_threshold: 0 is not a whole number"),
    ({"check_interval_s": -1}, r"failover\.check_interval_s: -1"),
    ("fast", r"failover: 'fast' is not a mapping"),
])
def test_bad_failover_timers_are_named(failover, message):
    body = {"primary": {"component": {"name": "p", "mtbf_h": 100.0, "mttr_h": 1.0}},
            "standbys": [{"component": {"name": "s", "mtbf_h": 100.0, "mttr_h": 1.0}}], "failover": failover}
    with pytest.raises(hl.InvalidInputError, match=message):
        hl.load_architecture({"architecture": {"standby": body}})
    with pytest.raises(hl.InvalidInputError, match="give one of failover_s, failover_preset or failover"):
        hl.load_architecture({"architecture": {"standby": {**body, "failover": {"check_interval_s": 1},
                                                           "failover_s": 30}}})



def test_without_failback_the_promoted_standby_takes_its_turn():
    """failback: false (the default): the primary and the standby take turns as the
    active unit, each until a failure that outlasts the failover, so each is active a
    share of the time inversely proportional to that rate. By hand for one primary and
    a weaker standby, and against the simulation (which steps every run)."""
    def design(failback):
        return {"architecture": {"standby": {
            "primary": {"component": {"name": "p", "mtbf_h": 2000.0, "mttr_h": 1.0}},
            "standbys": [{"component": {"name": "s", "mtbf_h": 300.0, "mttr_h": 3.0}}],
            "failover_s": 600.0, "coverage": 0.98, **({"failback": True} if failback else {})}}}

    arch = hl.load_architecture(design(False))
    assert arch.standbys[0].failback is False  # the default
    t = 600 / 3600
    up, us = 1 / 2001, 3 / 303
    tau_p, tau_s = -math.expm1(-t / 1.0), -math.expm1(-t / 3.0)
    switch_p, switch_s = (1 / 2000) * math.exp(-t / 1.0), (1 / 300) * math.exp(-t / 3.0)
    w_p, w_s = switch_s / (switch_p + switch_s), switch_p / (switch_p + switch_s)
    c = 0.98
    expected = (w_p * up * (c * (tau_p + (1 - tau_p) * us) + 1 - c)
                + w_s * us * (c * (tau_s + (1 - tau_s) * up) + 1 - c))
    assert arch.standbys[0].roles == pytest.approx((w_p, w_s), rel=1e-9)
    assert arch.availability().unavailability == pytest.approx(expected, rel=1e-12)
    back = hl.load_architecture(design(True)).availability().unavailability
    assert arch.availability().unavailability == pytest.approx(1.845 * back, rel=1e-3)  # the weaker standby serves most of the time
    r = hl.simulate(arch, years=20, runs=2000, seed=2, workers=1, progress=False)
    assert r.ci_contains(arch.availability().unavailability)
    assert not r.ci_contains(back)
    assert hl.dump_architecture(hl.load_architecture(design(True)))["architecture"]["standby"]["failback"] is True
    assert "failback" not in hl.dump_architecture(arch)["architecture"]["standby"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6), st.booleans())
def test_a_series_or_parallel_criticality_is_the_product_of_the_others_to_the_bit(q, series):
    """For a series (k = n) or a parallel (k = 1) a child is critical when every other
    is up (down): the product of the others, written out for two and three children and
    by prefix and suffix products beyond; each must equal, to the last bit, the product
    of those before it (left to right) times that of those after it (right to left)."""
    from hadr_lib.design.evaluation import critical_scalar

    a = [1.0 - x for x in q]
    n = len(q)
    x = a if series else q
    want = [math.prod(x[:i]) * math.prod(x[i + 1:][::-1]) for i in range(n)]
    assert critical_scalar(n if series else 1, a, q) == want
