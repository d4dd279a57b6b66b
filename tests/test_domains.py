"""Failure domains (top-level zones and regions, ``zone:``/``region:`` beside a block):
checked against closed forms, a continuous-time Markov chain solved here, brute-force
enumeration of every part and domain state, and a seeded simulation."""

from __future__ import annotations

import itertools
import math

import jsonschema
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.architecture_file import architecture_schema, dump_architecture, load_architecture
from hadr_lib.design.domains import HOURS_PER_YEAR, MAX_DOMAINS

H = HOURS_PER_YEAR  # 8766 h: a year of 365.25 days


def comp(name, mtbf, mttr, **more):
    return {"component": {"name": name, "mtbf_h": mtbf, "mttr_h": mttr, **more}}


def u_of(mtbf, mttr):
    return mttr / (mtbf + mttr)


def u_domain(rate, mttr):
    return rate * mttr / (H + rate * mttr)


TWO_REGIONS = {
    "name": "two regions, two zones each",
    "regions": {"r1": {"rate_per_year": 0.5, "mttr_h": 8.0}, "r2": {"rate_per_year": 0.4, "mttr_h": 6.0}},
    "zones": {"a": {"rate_per_year": 2.0, "mttr_h": 2.0, "region": "r1"},
              "b": {"rate_per_year": 1.5, "mttr_h": 3.0, "region": "r1"},
              "c": {"rate_per_year": 2.5, "mttr_h": 1.0, "region": "r2"}},
    "architecture": {"series": [
        comp("dns", 20000.0, 1.0),
        {"parallel": [
            {"parallel": [{**comp("web-a", 2000.0, 4.0), "zone": "a"}, {**comp("web-b", 2500.0, 3.0), "zone": "b"}]},
            {**comp("web-c", 1800.0, 5.0), "zone": "c"},
        ]},
    ]},
}


def test_one_part_in_a_zone_is_a_series_of_the_two():
    arch = load_architecture({"zones": {"z": {"rate_per_year": 30, "mttr_h": 3}},
                              "architecture": {**comp("a", 300.0, 3.0), "zone": "z"}})
    ua, uz = u_of(300, 3), u_domain(30, 3)
    ev = arch.evaluate()
    assert ev.unavailability == pytest.approx(ua + uz - ua * uz, rel=1e-13)
    # outages: each process's failures while the other is up
    f = (1 / 300 + 30 / H) * (1 - ua) * (1 - uz) * H
    assert ev.outages_per_year == pytest.approx(f, rel=1e-12)


def test_two_regions_against_the_closed_form():
    arch = load_architecture(TWO_REGIONS)
    ur1, ur2 = u_domain(0.5, 8), u_domain(0.4, 6)
    za, zb, zc = u_domain(2, 2), u_domain(1.5, 3), u_domain(2.5, 1)

    def series(*us):
        return 1 - math.prod(1 - u for u in us)

    side1 = series(ur1, series(za, u_of(2000, 4)) * series(zb, u_of(2500, 3)))
    side2 = series(ur2, zc, u_of(1800, 5))
    expected = series(u_of(20000, 1), side1 * side2)
    assert arch.availability().unavailability == pytest.approx(expected, rel=1e-12)
    # without the domains the figure is much lower: the zones and regions matter here
    free = load_architecture({**TWO_REGIONS, "architecture": {"series": [
        comp("dns", 20000.0, 1.0), {"parallel": [comp("web-a", 2000.0, 4.0), comp("web-b", 2500.0, 3.0),
                                                 comp("web-c", 1800.0, 5.0)]}]}})
    u_dns = u_of(20000, 1)
    assert free.availability().unavailability - u_dns < 0.1 * (expected - u_dns)


def _ctmc(units, structure):
    """Steady state and failure frequency of independent two-state units by a CTMC over
    their joint states (the generator built and solved here). ``units``: (failure rate,
    repair rate) per unit; ``structure(state)``: whether the system is down."""
    n = len(units)
    states = list(itertools.product((0, 1), repeat=n))  # 1: down
    index = {s: i for i, s in enumerate(states)}
    Q = np.zeros((len(states), len(states)))
    for s in states:
        for j, (lam, mu) in enumerate(units):
            t = list(s)
            t[j] = 1 - s[j]
            Q[index[s], index[tuple(t)]] += mu if s[j] else lam
        Q[index[s], index[s]] = -Q[index[s]].sum()
    A = np.vstack([Q.T, np.ones(len(states))])
    b = np.zeros(len(states) + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(A, b, rcond=None)[0]
    down = np.array([structure(s) for s in states])
    u = float(pi[down].sum())
    freq = sum(pi[index[s]] * Q[index[s], index[t]] for s in states if not structure(s)
               for t in states if t != s and structure(t))
    return u, float(freq)


def test_two_regions_against_a_markov_chain():
    arch = load_architecture(TWO_REGIONS)
    # units: dns, web-a, web-b, web-c, r1, r2, a, b, c
    units = [(1 / 20000, 1 / 1.0), (1 / 2000, 1 / 4.0), (1 / 2500, 1 / 3.0), (1 / 1800, 1 / 5.0),
             (0.5 / H, 1 / 8.0), (0.4 / H, 1 / 6.0), (2 / H, 1 / 2.0), (1.5 / H, 1 / 3.0), (2.5 / H, 1 / 1.0)]

    def down(s):
        dns, wa, wb, wc, r1, r2, za, zb, zc = s
        side1 = r1 or ((wa or za) and (wb or zb))
        side2 = r2 or zc or wc
        return bool(dns or (side1 and side2))

    u, f = _ctmc(units, down)
    ev = arch.evaluate()
    assert ev.unavailability == pytest.approx(u, rel=1e-6)
    assert ev.outages_per_year == pytest.approx(f * H, rel=1e-6)


# --------------------------------------------------------------------------- enumeration


def _down(node, pstate, dstate, zone_region) -> bool:
    """Whether ``node`` (a block as the file writes it) is down in one state of
    every part and domain."""
    (key, body), = [(k, v) for k, v in node.items() if k not in ("zone", "region")]
    place = node.get("zone") or node.get("region")
    if place and (dstate[place] or (place in zone_region and dstate[zone_region[place]])):
        return True
    if key == "component":
        return bool(pstate[body["name"]])
    kids = body["of"] if key == "k_of_n" else body
    up = sum(not _down(c, pstate, dstate, zone_region) for c in kids)
    need = {"series": len(kids), "parallel": 1}.get(key) or body["k"]
    return up < need


def _brute(tree, q, dom_u, zone_region):
    """U of a tree by summing over every state of every part and domain."""
    parts, doms = sorted(q), sorted(dom_u)
    total = 0.0
    for bits in itertools.product((0, 1), repeat=len(parts) + len(doms)):
        p = 1.0
        for name, b in zip(parts, bits):
            p *= q[name] if b else 1 - q[name]
        for name, b in zip(doms, bits[len(parts):]):
            p *= dom_u[name] if b else 1 - dom_u[name]
        if _down(tree, dict(zip(parts, bits)), dict(zip(doms, bits[len(parts):])), zone_region):
            total += p
    return total


@st.composite
def _trees(draw):
    names = iter(f"p{i}" for i in range(100))
    zones = ["z1", "z2"]
    count = [0]

    def block(depth):
        place = draw(st.sampled_from([None, None, "z1", "z2", "r1"]))
        if depth >= 2 or count[0] >= 6 or draw(st.booleans()):
            count[0] += 1
            node = comp(next(names), draw(st.floats(10, 5000)), draw(st.floats(0.1, 50)))
        else:
            kids = [block(depth + 1) for _ in range(draw(st.integers(2, 3)))]
            kind = draw(st.sampled_from(["series", "parallel", "k_of_n"]))
            node = {kind: kids} if kind != "k_of_n" else {
                "k_of_n": {"k": draw(st.integers(1, len(kids))), "of": kids}}
        if place:
            node = {**node, ("region" if place == "r1" else "zone"): place}
        return node

    tree = block(0)
    rates = {z: (draw(st.floats(0, 200)), draw(st.floats(0.1, 40))) for z in [*zones, "r1"]}
    return tree, rates


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees())
def test_conditioning_equals_enumerating_every_state(case):
    tree, rates = case
    design = {"regions": {"r1": {"rate_per_year": rates["r1"][0], "mttr_h": rates["r1"][1]}},
              "zones": {"z1": {"rate_per_year": rates["z1"][0], "mttr_h": rates["z1"][1], "region": "r1"},
                        "z2": {"rate_per_year": rates["z2"][0], "mttr_h": rates["z2"][1]}},
              "architecture": tree}
    arch = load_architecture(design)
    q = {c.name: float(c.replica_unavailability) for c in arch.components}
    dom_u = {name: u_domain(*rates[name]) for name in rates}
    expected = _brute(tree, q, dom_u, {"z1": "r1"})
    got = arch.availability().unavailability
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)
    # the vectorised path (sweeps, uncertainty) agrees with the scalar one
    name = arch.components[0].name
    a0 = 1.0 - float(arch.components[0].replica_unavailability)
    swept = arch.sweep(name, [a0])
    assert float(swept.unavailability[0]) == pytest.approx(got, rel=1e-9, abs=1e-300)


# --------------------------------------------------------------------------- importance


def test_saved_if_perfect_equals_re_evaluating_through_domains():
    arch = load_architecture(TWO_REGIONS)
    year = 365.25 * 86400
    u = arch.availability().unavailability
    imp = arch.importance(include_groups=True).set_index("name")
    for c in arch.components:
        perfect = arch.with_changes(components={c.name: {"availability": 1.0}}).availability().unavailability
        assert imp.loc[c.name, "downtime_saved_per_year_s"] == pytest.approx((u - perfect) * year, rel=1e-9)
    for name in ("r1", "r2", "a", "b", "c"):
        section = "regions" if name.startswith("r") else "zones"
        changed = {**TWO_REGIONS, section: {**TWO_REGIONS[section],
                                            name: {**TWO_REGIONS[section][name], "rate_per_year": 0}}}
        perfect = load_architecture(changed).availability().unavailability
        assert imp.loc[name, "kind"] == section[:-1]
        assert imp.loc[name, "downtime_saved_per_year_s"] == pytest.approx((u - perfect) * year, rel=1e-9)


# --------------------------------------------------------------------------- simulation


def test_the_simulation_shares_one_process_per_domain():
    arch = load_architecture(TWO_REGIONS)
    r = hl.simulate(arch, years=20, runs=4000, seed=5, workers=1, progress=False)
    lo, hi = r.unavailability_ci99
    analytic = arch.availability().unavailability
    assert lo <= analytic <= hi, (lo, analytic, hi)
    per_run = r.outages / r.years
    f = arch.evaluate().outages_per_year
    se = per_run.std(ddof=1) / math.sqrt(per_run.size)
    assert abs(per_run.mean() - f) < 5 * se, (per_run.mean(), f, se)


def test_two_blocks_in_one_zone_fail_together_in_the_simulation():
    """Two parallel parts placed in one zone: the zone takes both down at once, so the
    pair is down at least the zone's share of the time (drawn twice, it would be
    about its square)."""
    design = {"zones": {"z": {"rate_per_year": 50.0, "mttr_h": 10.0}},
              "architecture": {"parallel": [{**comp("a", 1e9, 0.001), "zone": "z"},
                                            {**comp("b", 1e9, 0.001), "zone": "z"}]}}
    arch = load_architecture(design)
    uz = u_domain(50, 10)
    assert arch.availability().unavailability == pytest.approx(uz, rel=1e-6)
    r = hl.simulate(arch, years=10, runs=2000, seed=3, workers=1, progress=False)
    assert r.unavailability_mean == pytest.approx(uz, rel=0.05)


# --------------------------------------------------------------------------- file


def test_the_file_round_trips_and_the_schema_takes_it():
    arch = load_architecture(TWO_REGIONS)
    dumped = dump_architecture(arch)
    assert dumped["zones"]["a"] == {"rate_per_year": 2.0, "mttr_h": 2.0, "region": "r1"}
    web_a = dumped["architecture"]["series"][1]["parallel"][0]["parallel"][0]
    assert web_a["zone"] == "a" and "component" in web_a  # beside the kind, as people write it
    again = load_architecture(dumped)
    assert again.root == arch.root and again.domains == arch.domains
    assert dump_architecture(again) == dumped
    schema = architecture_schema()
    jsonschema.validate(TWO_REGIONS, schema)
    jsonschema.validate(dumped, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**TWO_REGIONS, "zones": {"a": {"rate_per_year": 1}}}, schema)


def test_a_block_in_a_zone_and_a_region_at_once():
    design = {"regions": {"r": {"rate_per_year": 1, "mttr_h": 4}},
              "zones": {"z": {"rate_per_year": 3, "mttr_h": 2}},
              "architecture": {**comp("a", 500.0, 5.0), "zone": "z", "region": "r"}}
    arch = load_architecture(design)
    u = 1 - (1 - u_of(500, 5)) * (1 - u_domain(3, 2)) * (1 - u_domain(1, 4))
    assert arch.availability().unavailability == pytest.approx(u, rel=1e-12)
    assert load_architecture(dump_architecture(arch)).root == arch.root


@pytest.mark.parametrize("change, message", [
    ({"architecture": {**comp("a", 500.0, 5.0), "zone": "nowhere"}},
     r"architecture\.zone: 'nowhere' is not a zone or region of this design; use one of r1, r2, a, b, c"),
    ({"zones": {"a": {"rate_per_year": 2, "mttr_h": 2, "region": "mars"}}},
     r"zones\.a\.region: 'mars' is not a region of this design"),
    ({"zones": {"a": {"rate_per_year": -1, "mttr_h": 2}}}, r"zones\.a\.rate_per_year: -1"),
    ({"zones": {"a": {"rate_per_year": 1}}}, r"zones\.a\.mttr_h: missing"),
    ({"zones": {"a": {"rate_per_year": 1, "mttr_h": 1, "colour": "red"}}},
     r"zones\.a\.colour: unknown field; allowed: rate_per_year, mttr_h, region, source, label"),
    ({"zones": {"a": {"rate_per_year": 1, "mttr_h": 1, "label": "zone\x1bA"}}}, r"zones\.a\.label: "),
    ({"regions": {"r1": {"rate_per_year": 1, "mttr_h": 1, "label": 7}}}, r"regions\.r1\.label: 7 is not a text"),
    ({"zones": ["a", "b"]}, r"zones: \['a', 'b'\] is not a mapping"),
    ({"zones": {"r1": {"rate_per_year": 1, "mttr_h": 1}}}, r"names a zone and a region"),
    ({"zones": {f"z{i}": {"rate_per_year": 1, "mttr_h": 1} for i in range(MAX_DOMAINS)}},
     rf"at most {MAX_DOMAINS}"),
    ({"architecture": {"zone": "a"}}, r"architecture: zone with no block beside"),
    ({"architecture": {**comp("a", 500.0, 5.0), "zone": 7}}, r"architecture\.zone: 7 is not a zone name"),
])
def test_bad_domains_are_named(change, message):
    with pytest.raises(hl.InvalidInputError, match=message):
        load_architecture({**TWO_REGIONS, **change})


def test_a_placed_block_without_domains_is_an_error():
    with pytest.raises(hl.InvalidInputError, match=r"no.*zones|zones: or regions:"):
        load_architecture({"architecture": {**comp("a", 500.0, 5.0), "zone": "a"}})


def test_uncertainty_runs_over_domain_states():
    from hadr_lib.uncertainty import propagate

    design = {**TWO_REGIONS}
    design["architecture"] = {"series": [comp("dns", 20000.0, 1.0, error_factor=3.0),
                                         TWO_REGIONS["architecture"]["series"][1]]}
    arch = load_architecture(design)
    res = propagate(arch, draws=200, seed=1)
    assert res.mean > 0
    # the median draw is near the point estimate (the domains are certain)
    assert res.percentile(50) == pytest.approx(arch.availability().unavailability, rel=0.5)


def _placed_quorum(beta=0.1, k=2):
    """A 2-of-3 beta-factor group whose members stand in zones a and b (region r1) and
    c (region r2): a replica set spread over zones that also shares software."""
    return {**TWO_REGIONS, "architecture": {"common_cause": {"beta": beta, "k": k, "of": [
        {**comp("m-a", 300.0, 5.0), "zone": "a"}, {**comp("m-b", 400.0, 4.0), "zone": "b"},
        {**comp("m-c", 350.0, 6.0), "zone": "c"}]}}}


def _placed_quorum_by_enumeration(design) -> float:
    """U of ``_placed_quorum`` by brute force: every state of the five domain processes
    and of the three members' own parts, the shock independent of both (its U is
    beta x the members' mean U, from their own figures)."""
    zones, regions = design["zones"], design["regions"]
    group = design["architecture"]["common_cause"]
    beta, k = group["beta"], group["k"]
    members = [(m["zone"], u_of(m["component"]["mtbf_h"], m["component"]["mttr_h"])) for m in group["of"]]
    u_cc = beta * sum(q for _, q in members) / len(members)
    names = [*zones, *regions]
    u_d = {n: u_domain(d["rate_per_year"], d["mttr_h"]) for n, d in [*zones.items(), *regions.items()]}
    total = 0.0
    for state in itertools.product((False, True), repeat=len(names)):
        down = dict(zip(names, state))
        p = math.prod(u_d[n] if down[n] else 1 - u_d[n] for n in names)
        gone = [down[z] or down[zones[z]["region"]] for z, _ in members]
        up_p = 0.0
        for parts in itertools.product((False, True), repeat=len(members)):  # True: its own part down
            pp = math.prod((1 - beta) * q if d else 1 - (1 - beta) * q for (_, q), d in zip(members, parts))
            if sum(not (d or g) for d, g in zip(parts, gone)) >= k:
                up_p += pp
        total += p * (1 - (1 - u_cc) * up_p)
    return total


def test_members_of_a_beta_factor_group_may_be_placed_in_zones():
    """A member's zone takes it down whatever the shock; the shock's U is set by the
    members' own figures. Checked against brute-force enumeration (exact to 1e-12),
    the vectorised path, and a seeded simulation (which draws the zones, the thinned
    members and the shock as separate processes)."""
    design = _placed_quorum()
    arch = load_architecture(design)
    u = arch.availability().unavailability
    assert u == pytest.approx(_placed_quorum_by_enumeration(design), rel=1e-12)
    # the zones matter: without them the same group is far better
    free = load_architecture({"architecture": {"common_cause": {**design["architecture"]["common_cause"], "of": [
        {"component": m["component"]} for m in design["architecture"]["common_cause"]["of"]]}}})
    assert u > 1.2 * free.availability().unavailability
    # the vectorised path (sweeps, uncertainty) agrees with the scalar one
    _, u_vec = arch._eval_q(arch._q)
    assert float(u_vec) == pytest.approx(u, rel=1e-12)
    r = hl.simulate(arch, years=20, runs=4000, seed=31, workers=1, progress=False)
    lo, hi = r.unavailability_ci99
    assert lo <= u <= hi, (lo, u, hi)
    assert r.outages_per_year == pytest.approx(arch.evaluate().outages_per_year, rel=0.05)
    # importance: saved if made perfect agrees with the design re-evaluated so
    imp = arch.importance().set_index("name")
    for name in ("m-a", "m-b", "m-c"):
        perfect = arch.with_changes({name: {"mtbf_h": 1e300}}).availability().unavailability
        saved = (u - perfect) * hl.period_info("year").seconds
        assert imp.loc[name, "downtime_saved_per_year_s"] == pytest.approx(saved, rel=0.01), name


def test_a_block_inside_a_member_of_a_beta_factor_group_cannot_be_placed():
    design = {**TWO_REGIONS, "architecture": {"common_cause": {"beta": 0.1, "of": [
        {"series": [{**comp("x", 500.0, 5.0), "zone": "a"}, comp("x2", 500.0, 5.0)]}, comp("y", 500.0, 5.0)]}}}
    with pytest.raises(hl.InvalidInputError, match=r"architecture\.common_cause\.of\[0\]\.series\[0\]\.zone: a "
                                                   r"block inside a member of a common_cause group cannot be placed"):
        load_architecture(design)
    # the whole group may be
    whole = {**TWO_REGIONS, "architecture": {"common_cause": {"beta": 0.1, "of": [
        comp("x", 500.0, 5.0), comp("y", 500.0, 5.0)]}, "region": "r1"}}
    arch = load_architecture(whole)
    free = load_architecture({"architecture": {"common_cause": whole["architecture"]["common_cause"]}})
    u_r = u_domain(0.5, 8)
    expected = 1 - (1 - free.availability().unavailability) * (1 - u_r)
    assert arch.availability().unavailability == pytest.approx(expected, rel=1e-12)
    r = hl.simulate(arch, years=10, runs=2000, seed=9, workers=1, progress=False)
    lo, hi = r.unavailability_ci99
    assert lo <= arch.availability().unavailability <= hi


def test_the_shipped_three_zone_design_by_hand():
    """web_app_three_zones: the region and the load balancer in series with two 2-of-3
    quorums that share the zones; given the zones' states the quorums are independent."""
    arch = hl.load_architecture("web_app_three_zones")
    u_lb = 1 - 0.9999  # aws-elb-multi-az
    u_r, u_z = u_domain(0.1, 8), u_domain(0.5, 4)
    u_app, u_db = u_of(2190, 1), u_of(4380, 4)

    def two_of_three_down(ups):
        a, b, c = ups
        p_up = a * b * c + a * b * (1 - c) + a * (1 - b) * c + (1 - a) * b * c
        return 1 - p_up

    u_rest = 0.0
    for zones in itertools.product((0, 1), repeat=3):
        p = math.prod(u_z if z else 1 - u_z for z in zones)
        app = two_of_three_down([0.0 if z else 1 - u_app for z in zones])
        db = two_of_three_down([0.0 if z else 1 - u_db for z in zones])
        u_rest += p * (1 - (1 - app) * (1 - db))
    expected = 1 - (1 - u_lb) * (1 - u_r) * (1 - u_rest)
    assert arch.availability().unavailability == pytest.approx(expected, rel=1e-12)
    assert float(arch.availability()) == pytest.approx(0.9998036, abs=1e-7)  # the README's 99.9804%


# --------------------------------------------------------------------------- failovers across domains


def _across(failover_s, failback, primary, standby=None, *, domains=None, key="region", where=("A", "B")):
    return load_architecture({
        "name": "active-passive", **(domains or {"regions": {
            "A": {"rate_per_year": 0.1, "mttr_h": 8.0}, "B": {"rate_per_year": 0.1, "mttr_h": 8.0}}}),
        "architecture": {"standby": {
            "primary": {key: where[0], **primary},
            "standbys": [{key: where[1], **(standby or comp("b", 1e9, 1.0))}],
            "failover_s": failover_s, "failback": failback}}})


def test_a_region_failover_is_charged_against_the_regions_outage_length():
    """Two regions active-passive, parts that (nearly) never fail: every outage is a
    region's, 8 h on average, and a one-hour failover costs E[min(T, 1 h)] =
    8 (1 - e^(-1/8)) h of each. It was charged against the parts' 1 h repairs
    (share 1 - e^-1: 5.4 times too much)."""
    u = u_domain(0.1, 8.0)
    share = -math.expm1(-1.0 / 8.0)
    back = _across(3600, True, comp("a", 1e9, 1.0)).evaluate().unavailability
    # failback: the standby serves while A is down; after the failover, B's own outages
    expected = u * (share + (1 - share) * u) + u_of(1e9, 1.0) * (1 - u)  # and a's own (1e-9)
    assert back == pytest.approx(expected, rel=1e-4)  # to first order in the small terms
    stay = _across(3600, False, comp("a", 1e9, 1.0)).evaluate().unavailability
    assert stay == pytest.approx(u * share, rel=2e-3)  # whichever region is active fails as often
    assert stay < 0.2 * u  # the copy saves 88% of the region's downtime, not 37%


@pytest.mark.parametrize("failback", [False, True])
def test_failovers_across_zones_and_regions_agree_with_the_simulation(failback):
    """A database pair across two zones (120 s failover), and a region pair over
    compound primaries: the analytic value lies inside a long simulation's 99% CI."""
    zones = {"zones": {"a": {"rate_per_year": 2.0, "mttr_h": 2.0}, "b": {"rate_per_year": 2.0, "mttr_h": 2.0}}}
    pair = _across(120, failback, comp("db-a", 2000, 4.0), comp("db-b", 2000, 4.0), domains=zones, key="zone",
                   where=("a", "b"))
    inner = {"standby": {"name": "in region A", "primary": comp("a1", 2190, 1.0), "standbys": [comp("a2", 2190, 1.0)],
                         "failover_s": 30, "failback": True}}
    regions = _across(3600, failback, inner)
    for arch in (pair, regions):
        sim = hl.simulate(arch, years=50, runs=2000, seed=11, progress=False)
        u = arch.evaluate().unavailability
        assert sim.ci_contains(u), (arch.name, u, sim.unavailability_ci99)
