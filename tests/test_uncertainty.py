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
    assert "no component has an error factor" in capsys.readouterr().out
    assert main(["evaluate", "multi_az_postgres", "--uncertainty", "5"]) == 2
    assert "--uncertainty: 5 is not a whole number" in capsys.readouterr().err
