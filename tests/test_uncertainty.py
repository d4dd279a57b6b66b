"""Uncertain figures: lognormal error factors propagated through the design, with
identical replicas sharing one draw (checked against the closed forms)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.uncertainty import EF_Z, propagate

SIGMA3 = math.log(3) / EF_Z


def arch(*parts):
    return hl.load_architecture({"name": "u", "architecture": {"series": list(parts)}})


def comp(name, **fields):
    return {"component": {"name": name, **fields}}


def test_replicas_share_their_draw_the_published_example():
    """Two replicas, median U 1e-3, EF 3: E[q^2] = 1e-6 exp(2 sigma^2) = 2.44e-6, where
    independent draws would give (E q)^2 = 1e-6 exp(sigma^2) = 1.56e-6."""
    shared = arch(comp("db", availability=0.999, count=2, error_factor=3))
    r = propagate(shared, 2_000_000, seed=7)
    assert 1e-6 * math.exp(2 * SIGMA3**2) == pytest.approx(2.44e-6, rel=2e-3)
    assert r.mean == pytest.approx(1e-6 * math.exp(2 * SIGMA3**2), rel=0.02)
    two = hl.load_architecture({"name": "two", "architecture": {"parallel": [
        comp("a", availability=0.999, error_factor=3), comp("b", availability=0.999, error_factor=3)]}})
    independent = propagate(two, 2_000_000, seed=7)
    assert independent.mean == pytest.approx(1e-6 * math.exp(SIGMA3**2), rel=0.02)
    assert 1e-6 * math.exp(SIGMA3**2) == pytest.approx(1.56e-6, rel=2e-3)


def test_a_single_figure_has_its_median_and_error_factor():
    r = propagate(arch(comp("a", availability=0.999, error_factor=10)), 400_000, seed=1)
    assert r.percentile(50) == pytest.approx(1e-3, rel=0.01)
    assert r.percentile(95) / r.percentile(50) == pytest.approx(10, rel=0.02)
    assert r.percentile(50) / r.percentile(5) == pytest.approx(10, rel=0.02)
    s = r.summary()
    assert s["downtime_per_year_s"]["p50"] == pytest.approx(1e-3 * 365.25 * 86400, rel=0.01)
    assert s["p_meet_target"] is None


def test_certain_figures_stay_put_and_the_target_chance():
    d = arch(comp("a", availability=0.999), comp("b", availability=0.9999, error_factor=3))
    r = propagate(d, 100_000, seed=3, target=0.99885)
    # U = 1 - (1 - 1e-3)(1 - q_b): above the target when q_b > ~1.5e-4, p = P(z > ln(1.5)/sigma)
    q_limit = 1 - (1 - 0.00115) / (1 - 1e-3)
    expected = 0.5 * math.erfc(-math.log(q_limit / 1e-4) / SIGMA3 / math.sqrt(2))
    assert r.p_meet_target == pytest.approx(expected, abs=0.005)
    assert list(r.sensitivity["name"]) == ["b"]  # the certain part is not ranked


def test_sensitivity_ranks_what_to_learn_more_about():
    d = arch(comp("wide", availability=0.999, error_factor=10),
             comp("narrow", availability=0.999, error_factor=1.5),
             comp("tiny", availability=0.9999999, error_factor=10))
    r = propagate(d, 50_000, seed=2)
    assert list(r.sensitivity["name"]) == ["wide", "narrow", "tiny"]
    assert r.sensitivity["share"].sum() == pytest.approx(1.0)
    assert r.sensitivity["share"][0] > 0.8


def test_seeded_and_reproducible():
    d = arch(comp("a", availability=0.999, error_factor=3), comp("b", mtbf_h=1000, mttr_h=2))
    a = propagate(d, 1000, seed=5, default_error_factor=2)
    b = propagate(d, 1000, seed=5, default_error_factor=2)
    assert np.array_equal(a.unavailability, b.unavailability)
    assert not np.array_equal(a.unavailability, propagate(d, 1000, seed=6).unavailability)


@pytest.mark.parametrize("call, message", [
    (lambda d: propagate(d, 10), "draws: 10 is not a whole number"),
    (lambda d: propagate(d, 1000, seed=-1), "seed: -1"),
    (lambda d: propagate(d, 1000, default_error_factor=0.5), "error_factor: 0.5"),
    (lambda d: propagate(d, 1000, target=2), "target: 2"),
    (lambda d: propagate(d, 10_000_000), "over the limit"),
])
def test_bad_input(call, message):
    d = arch(*[comp(f"c{i}", availability=0.999, error_factor=2) for i in range(3)])
    with pytest.raises(hl.InvalidInputError, match=message):
        call(d)
    with pytest.raises(hl.InvalidInputError, match=r"error_factor: 0\.9 is not a number in \[1, 100\]"):
        arch(comp("x", availability=0.9, error_factor=0.9))


def test_cli_evaluate_with_uncertainty(capsys):
    assert main(["evaluate", "multi_az_postgres", "--uncertainty", "2000", "--seed", "1",
                 "--error-factor", "3", "--target", "99.95", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)["uncertainty"]
    assert out["draws"] == 2000 and out["seed"] == 1
    assert out["unavailability"]["p5"] < out["unavailability"]["p50"] < out["unavailability"]["p95"]
    assert 0 < out["p_meet_target"] <= 1
    assert out["learn_more_about"][0]["name"] == "load-balancer"
    assert main(["evaluate", "multi_az_postgres", "--uncertainty", "2000"]) == 0
    assert "no figure has an error factor" in capsys.readouterr().out
    assert main(["evaluate", "multi_az_postgres", "--uncertainty", "5"]) == 2
    assert "--uncertainty: 5 is not a whole number" in capsys.readouterr().err


# --------------------------------------------------------------------------- beta and failover time


def _zone_pair(q, beta, **group):
    members = [comp(f"m{i}", availability=1 - q) for i in range(2)]
    return hl.load_architecture({"name": "pair", "architecture": {
        "common_cause": {"beta": beta, "of": members, "name": "zone a", **group}}})


def _pair_u(q: float, beta):
    """The beta-factor pair in closed form: 1 - (1 - ((1 - b) q)^2)(1 - b q)."""
    return 1 - (1 - ((1 - beta) * q) ** 2) * (1 - beta * q)


def test_an_uncertain_beta_against_the_closed_form_and_a_quadrature():
    """Median beta 0.05, EF 5: the system's p50 and p95 are the design at beta 0.05 and
    0.25 (U rises with beta), and its mean is E[U(beta)] over the lognormal cut at 1,
    integrated numerically (not by sampling)."""
    from scipy import integrate

    q, b, ef = 1e-3, 0.05, 5.0
    d = _zone_pair(q, b, beta_error_factor=ef)
    r = propagate(d, 400_000, seed=11)
    assert d.evaluate().unavailability == pytest.approx(_pair_u(q, b), rel=1e-12)
    assert r.percentile(50) == pytest.approx(_pair_u(q, b), rel=0.01)
    assert r.percentile(95) == pytest.approx(_pair_u(q, b * ef), rel=0.02)
    assert r.percentile(5) == pytest.approx(_pair_u(q, b / ef), rel=0.02)
    sigma = math.log(ef) / EF_Z

    def density(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi) * _pair_u(q, min(b * math.exp(sigma * x), 1.0))

    mean, _ = integrate.quad(density, -12, 12, points=[math.log(1 / b) / sigma], limit=200)
    assert r.mean == pytest.approx(mean, rel=0.01)
    assert mean / _pair_u(q, b) > 1.5  # the mean lies well above the median
    assert list(r.sensitivity["name"]) == ["beta of zone a"]
    assert list(r.sensitivity["kind"]) == ["common_cause"]


def test_beta_of_zero_or_one_and_a_certain_beta_have_nothing_to_draw():
    for beta in (0.0, 1.0):
        r = propagate(_zone_pair(1e-3, beta, beta_error_factor=5), 1000, seed=1)
        assert np.ptp(r.unavailability) == 0
        assert r.unavailability[0] == pytest.approx(_pair_u(1e-3, beta), rel=1e-9)
        assert r.sensitivity.empty


def _failover_design(failover_s, **standby):
    return hl.load_architecture({"name": "sb", "architecture": {"standby": {
        "primary": comp("primary", mtbf_h=2000, mttr_h=2),
        "standbys": [comp("replica", mtbf_h=2000, mttr_h=2)],
        "failover_s": failover_s, **standby}}})


def test_an_uncertain_failover_time_maps_its_percentiles_through_the_formula():
    """U rises with the failover time, so the system's p50/p95 are the design evaluated
    at t and t x EF; the mean is U_p (c (E[tau] + (1 - E[tau]) U_s) + 1 - c), linear in
    tau = E[min(t, R)] / E[R] = 1 - exp(-t / R) for an exponential repair R."""
    t, ef, cov = 120.0, 4.0, 0.98
    d = _failover_design(t, coverage=cov, failover_error_factor=ef)
    r = propagate(d, 400_000, seed=4)
    assert r.percentile(50) == pytest.approx(_failover_design(t, coverage=cov).evaluate().unavailability, rel=0.01)
    assert r.percentile(95) == pytest.approx(
        _failover_design(t * ef, coverage=cov).evaluate().unavailability, rel=0.02)
    # E[tau] = E[1 - exp(-t / R)] over the lognormal t (R exponential, 2 h mean),
    # integrated here over the normal quantile on a fine grid
    sigma, R = math.log(ef) / EF_Z, 2 * 3600.0
    z = np.linspace(-12, 12, 480_001)
    weight = np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    e_tau = float(np.sum(-np.expm1(-t * np.exp(sigma * z) / R) * weight))
    up = us = 2 / 2002
    expected = up * (cov * (e_tau + (1 - e_tau) * us) + 1 - cov)
    assert r.mean == pytest.approx(expected, rel=0.01)
    row = r.sensitivity.iloc[0]
    assert (row["name"], row["kind"], row["error_factor"]) == ("failover of primary (time)", "failover", ef)


def test_sensitivity_ranks_a_vague_beta_above_a_well_known_part():
    members = [comp(f"m{i}", availability=0.999, error_factor=1.2) for i in range(2)]
    d = hl.load_architecture({"name": "z", "architecture": {"series": [
        {"common_cause": {"beta": 0.1, "beta_error_factor": 10, "of": members}},
        comp("lb", availability=0.99999, error_factor=1.5)]}})
    r = propagate(d, 50_000, seed=3)
    assert r.sensitivity["name"][0] == "beta of common cause 1"
    assert set(r.sensitivity["kind"]) == {"component", "common_cause"}
    assert r.sensitivity["share"].sum() == pytest.approx(1.0)


def test_the_component_draws_are_kept_when_a_beta_becomes_uncertain():
    """Betas and failover times are drawn after the components: a design that gains a
    beta error factor keeps each component's draw (seeded comparisons stay fair)."""
    members = [comp(f"m{i}", availability=0.999, error_factor=3) for i in range(2)]
    base = {"common_cause": {"beta": 0.0, "of": members}}
    certain = propagate(hl.load_architecture({"name": "c", "architecture": base}), 2000, seed=9)
    vague = hl.load_architecture({"name": "v", "architecture": {
        "common_cause": {**base["common_cause"], "beta": 0.0, "beta_error_factor": 5}}})
    assert np.array_equal(propagate(vague, 2000, seed=9).unavailability, certain.unavailability)


@pytest.mark.parametrize("block, message", [
    ({"common_cause": {"beta": 0.1, "of": [comp("a", availability=0.9)], "beta_error_factor": 0.5}},
     r"architecture\.common_cause\.beta_error_factor: 0\.5 is not a number in \[1, 100\]"),
    ({"standby": {"primary": comp("p", mtbf_h=9, mttr_h=1), "standbys": [comp("s", availability=0.9)],
                  "failover_s": 30, "failover_error_factor": "lots"}},
     r"architecture\.standby\.failover_error_factor: 'lots' is not a number"),
    ({"standby": {"primary": comp("p", mtbf_h=9, mttr_h=1), "standbys": [comp("s", availability=0.9)],
                  "failover_s": 30, "failover_error_factor": 1000}},
     r"architecture\.standby\.failover_error_factor: 1000 is not a number in \[1, 100\]"),
])
def test_bad_error_factors_on_groups_and_standbys(block, message):
    with pytest.raises(hl.InvalidInputError, match=message):
        hl.load_architecture({"name": "bad", "architecture": block})


def test_the_limit_counts_groups_and_standbys_too():
    members = [comp(f"m{i}", availability=0.999) for i in range(2)]
    d = hl.load_architecture({"name": "g", "architecture": {
        "common_cause": {"beta": 0.1, "beta_error_factor": 3, "of": members}}})
    with pytest.raises(hl.InvalidInputError, match="3 uncertain figures"):
        propagate(d, 7_000_000)


def test_cli_reports_the_kind_of_each_uncertain_figure(tmp_path, capsys):
    f = tmp_path / "d.yaml"
    f.write_text(
        "name: d\narchitecture:\n  common_cause:\n    name: zones\n    beta: 0.05\n"
        "    beta_error_factor: 5\n    of:\n"
        "      - component: {name: a, availability: 0.999, error_factor: 2}\n"
        "      - component: {name: b, availability: 0.999, error_factor: 2}\n")
    assert main(["evaluate", str(f), "--uncertainty", "5000", "--format", "json"]) == 0
    learn = json.loads(capsys.readouterr().out)["uncertainty"]["learn_more_about"]
    assert learn[0] == {"name": "beta of zones", "label": "zones (how often they fail together)",
                        "kind": "common_cause", "error_factor": 5.0, "share": pytest.approx(learn[0]["share"])}
    assert learn[0]["share"] > 0.5
    assert {r["kind"] for r in learn} == {"common_cause", "component"}


def test_affordable_draws_fit_the_budget(monkeypatch):
    from hadr_lib import uncertainty

    small = arch(*[{"component": {"name": f"c{i}", "availability": 0.999}} for i in range(10)])
    assert hl.affordable_draws(small, 20_000) == 20_000
    monkeypatch.setattr(uncertainty, "MAX_DRAWS", 25_000)
    assert hl.affordable_draws(small, 20_000) == 2_500  # 25,000 // 10 figures
    spread = propagate(small, 2_500, 0, default_error_factor=3.0)  # exactly the budget runs
    assert spread.unavailability.shape == (2_500,)
    with pytest.raises(hl.InvalidInputError, match=r"draws: 2,501 draws x 10 .* use at most 2,500 draws"):
        propagate(small, 2_501, 0, default_error_factor=3.0)
    monkeypatch.setattr(uncertainty, "MAX_DRAWS", 999)
    with pytest.raises(hl.InvalidInputError, match=r"^architecture: 10 uncertain figures .* limit of 9 "):
        hl.affordable_draws(small, 20_000)
    with pytest.raises(hl.InvalidInputError, match="too large for uncertainty"):
        propagate(small, 100, 0)
    with pytest.raises(hl.InvalidInputError, match=r"draws: 99 is not"):
        hl.affordable_draws(small, 99)


def test_same_as_shares_one_state_of_knowledge_draw():
    """Two differently named parts of one type, in parallel, EF 3 each: sharing a
    draw (same_as), both are bad together, and the mean of U_a U_b is E[X^2], not
    E[X]^2. Lognormal moments: E[X^2] = m^2 exp(2 s^2), with s = ln(EF) / 1.645."""
    import math

    def design(shared):
        b = {"name": "b", "availability": 0.999, "error_factor": 3.0}
        if shared:
            b["same_as"] = "a"
        return {"architecture": {"parallel": [
            {"component": {"name": "a", "availability": 0.999, "error_factor": 3.0}}, {"component": b}]}}

    s = math.log(3.0) / 1.6448536269514722
    m = 1e-3
    shared = hl.propagate(hl.load_architecture(design(True)), draws=200_000, seed=4)
    apart = hl.propagate(hl.load_architecture(design(False)), draws=200_000, seed=4)
    assert shared.mean == pytest.approx(m * m * math.exp(2 * s * s), rel=0.03)
    assert apart.mean == pytest.approx((m * math.exp(s * s / 2)) ** 2, rel=0.03)
    # one figure to learn more about, named by both parts
    assert list(shared.sensitivity["name"]) == ["a, b"]
    # the file keeps it, and names must exist and end somewhere
    arch = hl.load_architecture(design(True))
    assert hl.dump_architecture(arch)["architecture"]["parallel"][1]["component"]["same_as"] == "a"
    bad = design(True)
    bad["architecture"]["parallel"][1]["component"]["same_as"] = "zzz"
    with pytest.raises(hl.InvalidInputError, match=r"parallel\[1\]\.component\.same_as: 'zzz' is not a component"):
        hl.load_architecture(bad)
    loop = design(True)
    loop["architecture"]["parallel"][0]["component"]["same_as"] = "b"
    with pytest.raises(hl.InvalidInputError, match="in a circle"):
        hl.load_architecture(loop)
