"""Incident history: synthetic logs from known MTBF and MTTR are recovered within
their 90% intervals; zero failures, open incidents, windows and the three formats."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.history import Incident, fit_incidents, read_incidents, with_fitted_figures

T0 = pd.Timestamp("2025-01-01T00:00:00Z")


def synthetic(name: str, mtbf_h: float, mttr_h: float, years: float, seed: int) -> list[Incident]:
    """Alternating exponential up and down times, as the estimates assume."""
    rng = np.random.default_rng(seed)
    t, horizon, out = 0.0, years * 8766.0, []
    while True:
        t += rng.exponential(mtbf_h)
        if t >= horizon:
            return out
        d = rng.exponential(mttr_h)
        out.append(Incident(name, T0 + pd.Timedelta(hours=t), T0 + pd.Timedelta(hours=t + d)))
        t += d


def window(years: float):
    return T0.isoformat(), (T0 + pd.Timedelta(hours=years * 8766.0)).isoformat()


def test_known_figures_are_recovered_within_their_intervals():
    start, end = window(5)
    incs = synthetic("db", 500.0, 4.0, 5, seed=11) + synthetic("api", 2000.0, 0.5, 5, seed=12)
    fit = fit_incidents(incs, start=start, end=end).set_index("component")
    for name, mtbf, mttr in (("db", 500.0, 4.0), ("api", 2000.0, 0.5)):
        r = fit.loc[name]
        assert r.mtbf_h_low <= mtbf <= r.mtbf_h_high
        assert r.mttr_h_low <= mttr <= r.mttr_h_high
        a = mtbf / (mtbf + mttr)
        assert r.availability_low <= a <= r.availability_high
    assert fit.loc["db", "outages"] > 50  # about 87 expected


def test_the_90_percent_intervals_cover_about_90_percent():
    start, end = window(2)
    hits = {"mtbf": 0, "mttr": 0}
    for seed in range(200):
        r = fit_incidents(synthetic("x", 300.0, 5.0, 2, seed), start=start, end=end,
                          draws=2000).iloc[0]
        hits["mtbf"] += r.mtbf_h_low <= 300.0 <= r.mtbf_h_high
        hits["mttr"] += r.mttr_h_low <= 5.0 <= r.mttr_h_high
    for k, v in hits.items():
        assert 0.84 <= v / 200 <= 0.96, (k, v)


def test_zero_failures_still_bound_the_mtbf():
    incs = [Incident("quiet", T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=1, hours=1)),
            Incident("busy", T0 + pd.Timedelta(days=2), T0 + pd.Timedelta(days=2, hours=1))]
    fit = fit_incidents(incs, start="2024-01-01T00:00:00Z", end="2025-01-01T00:00:00Z")
    # both incidents fall after the window: no failure seen in 8,784 hours
    r = fit.set_index("component").loc["quiet"]
    assert r.outages == 0 and r.mtbf_h is None
    # Jeffreys: lambda < Gamma(1/2).ppf(0.95) / T, so MTBF > T / 1.92
    assert r.mtbf_h_low == pytest.approx(8784 / 1.9207, rel=1e-3)
    assert r.mtbf_h_high > 100 * r.mtbf_h_low  # wide, as it should be
    assert r.availability_low is None and r.availability_high == 1.0


def test_open_incidents_are_censored_at_the_window_end():
    incs = [Incident("db", T0, T0 + pd.Timedelta(hours=2)),
            Incident("db", T0 + pd.Timedelta(hours=100), None)]
    r = fit_incidents(incs, start=T0.isoformat(),
                      end=(T0 + pd.Timedelta(hours=110)).isoformat()).iloc[0]
    assert r.outages == 2 and r.open == 1
    assert r.down_h == pytest.approx(12.0)
    assert r.mttr_h == pytest.approx(12.0)  # 12 h of repair over 1 finished repair
    assert r.mttr_h_high > r.mttr_h > r.mttr_h_low


def test_formats_are_read_and_recognised(tmp_path):
    (tmp_path / "log.csv").write_text(
        "component,start,end\ndb,2026-01-01T00:00:00+01:00,2026-01-01T01:00:00+01:00\n")
    (tmp_path / "sp.json").write_text(json.dumps({"incidents": [
        {"name": "Outage", "created_at": "2026-01-02T00:00:00Z", "resolved_at": "2026-01-02T02:00:00Z",
         "components": [{"name": "API"}, {"name": "Web"}]},
        {"name": "Open", "created_at": "2026-01-03T00:00:00Z", "resolved_at": None}]}))
    (tmp_path / "pd.csv").write_text(
        "id,incident_number,service_name,created_on,resolved_on,urgency\n"
        "P1,1,Checkout,2026-01-01T00:00:00Z,2026-01-01T00:30:00Z,high\n")
    csv_incs = read_incidents(tmp_path / "log.csv")
    assert csv_incs[0].start == pd.Timestamp("2025-12-31T23:00:00Z")
    sp = read_incidents(tmp_path / "sp.json")
    assert [(i.component, i.end is None) for i in sp] == [("API", False), ("Web", False),
                                                           ("service", True)]
    pdy = read_incidents(tmp_path / "pd.csv")
    assert pdy[0].component == "Checkout"
    assert (pdy[0].end - pdy[0].start) == pd.Timedelta(minutes=30)


@pytest.mark.parametrize("text, message", [
    ("component,start\ndb,2026-01-01\n", "missing columns end"),
    ("component,start,end\ndb,yesterday,\n", "is not an ISO 8601 time"),
    ("component,start,end\ndb,2026-01-02,2026-01-01\n", "ends (2026-01-01T00:00:00+00:00) before"),
    ("component,start,end\n\x1b[2J,2026-01-01,\n", "U+001B"),
])
def test_bad_logs(tmp_path, text, message):
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(hl.InvalidInputError, match=re.escape(message)):
        read_incidents(tmp_path / "bad.csv")


def test_fitted_figures_go_into_a_design_and_side_by_side(tmp_path, capsys):
    start, end = window(3)
    incs = synthetic("app-a", 1500.0, 2.0, 3, seed=3)
    log = tmp_path / "log.csv"
    log.write_text("component,start,end\n" + "".join(
        f"{i.component},{i.start.isoformat()},{i.end.isoformat()}\n" for i in incs))
    out = tmp_path / "fitted.yaml"
    assert main(["fit", str(log), "--from", start, "--to", end, "--design", "multi_az_postgres",
                 "--write", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (row,) = doc["components"]
    assert row["component"] == "app-a" and row["mtbf_h_low"] <= 1500 <= row["mtbf_h_high"]
    (cmp,) = doc["designed_vs_measured"]
    assert cmp["component"] == "app-a" and cmp["designed"] == pytest.approx(2190 / 2191)
    fitted = hl.load_architecture(out)
    app = fitted.component("app-a")
    assert app.mtbf_h == pytest.approx(row["mtbf_h"], rel=1e-6) and app.count == 1
    assert app.source.startswith("fitted from log.csv")
    assert main(["fit", str(log), "--design", "multi_az_postgres"]) == 0
    assert "Designed against measured" in capsys.readouterr().out
    design, changed = with_fitted_figures({"architecture": {"component": {
        "name": "x", "sla": "aws-ec2-instance"}}}, fit_incidents(incs).assign(component="x"), "s")
    assert changed == ["x"] and design.component("x").sla is None
    assert "sla" not in hl.dump_architecture(design)["architecture"]["component"]
    assert design.component("x").source == "s" and design.component("x").availability is None


def test_cli_fit_errors(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("component,start,end\ndb,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z\n")
    assert main(["fit", str(log), "--write", str(tmp_path / "x.yaml")]) == 2
    assert "--write: needs --design" in capsys.readouterr().err
    assert main(["fit", str(log), "--from", "2026-02-01", "--to", "2026-01-01"]) == 2
    assert "is not after --from" in capsys.readouterr().err


def test_a_never_failing_component_in_the_table_json_and_comparison(tmp_path, capsys):
    from hadr_lib.history import comparison_lines, designed_vs_measured
    from hadr_lib.plots import designed_vs_measured_figure

    log = tmp_path / "log.csv"
    log.write_text("component,start,end\napp-a,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z\n"
                   "pg-primary,2027-01-01T00:00:00Z,2027-01-01T01:00:00Z\n")
    window = ["--from", "2025-01-01", "--to", "2026-06-01", "--design", "multi_az_postgres"]
    assert main(["fit", str(log), *window]) == 0
    out = capsys.readouterr().out
    assert "100% [?, 100%]" in out and "pg-primary: designed 99.9544%" in out
    assert main(["fit", str(log), *window, "--format", "json"]) == 0
    rows = {r["component"]: r for r in json.loads(capsys.readouterr().out)["designed_vs_measured"]}
    assert rows["pg-primary"]["measured_low"] is None and rows["app-a"]["designed_inside_interval"]
    fitted = fit_incidents(read_incidents(log), start="2025-01-01", end="2026-06-01")
    arch = hl.load_architecture("multi_az_postgres")
    compared = designed_vs_measured(arch, fitted)
    lying = compared.assign(designed=[0.5, 0.5], designed_inside_interval=[False, False])
    assert comparison_lines(lying)[0].endswith("outside what the history supports: revise the figure.")
    fig = designed_vs_measured_figure(compared)
    assert [t.name for t in fig.data] == ["measured (90%)", "designed"]
    assert list(fig.data[1].y) == ["app-a", "pg-primary"]


DESIGN = "# our design, with a comment\nname: mine\narchitecture:\n  component: {name: db, mtbf_h: 1000, mttr_h: 1}\n"
ALMOST_ALWAYS_DOWN = "component,start,end\ndb,2026-01-01T00:00:00Z,2026-01-01T00:59:59.990Z\n"


def _fit_write(tmp_path, out, *extra):
    log = tmp_path / "log.csv"
    log.write_text(ALMOST_ALWAYS_DOWN)
    design = tmp_path / "design.yaml"
    if not design.exists():
        design.write_text(DESIGN)
    return main(["fit", str(log), "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T01:00:00Z",
                 "--design", str(design), "--write", str(out), *extra])


def test_fit_write_keeps_a_tiny_fitted_mtbf_that_loads(tmp_path, capsys):
    """Rounding to six decimals wrote `mtbf_h: 0.0` for a part down all but 10 ms of the
    window: a design that does not load. Ten significant digits keep it, and it loads."""
    out = tmp_path / "new.yaml"
    assert _fit_write(tmp_path, out) == 0, capsys.readouterr().err
    db = hl.load_architecture(out).component("db")
    assert db.mtbf_h == pytest.approx(0.01 / 3600, rel=1e-5) and db.mttr_h == pytest.approx(3599.99 / 3600)


def test_fit_write_never_replaces_a_file_that_is_not_a_design(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    for extra in ((), ("--force",)):
        assert _fit_write(tmp_path, notes, *extra) == 2
        err = capsys.readouterr().err
        assert "exists and is not a design" in err and "not replaced" in err and len(err.splitlines()) == 1
        assert notes.read_text() == "my notes\n"
    assert _fit_write(tmp_path, tmp_path) == 2  # a folder
    assert "is not a regular file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.yaml", "log.csv", "notes.txt"]


def test_fit_write_replaces_a_design_only_with_force_and_keeps_a_copy(tmp_path, capsys):
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN)
    assert _fit_write(tmp_path, design) == 2
    assert "exists; add --force to replace it" in capsys.readouterr().err
    assert design.read_text() == DESIGN
    assert _fit_write(tmp_path, design, "--force") == 0
    assert (tmp_path / "design.yaml.bak").read_text() == DESIGN  # comments and all
    assert hl.load_architecture(design).component("db").source.startswith("fitted from log.csv")


def test_a_fitted_design_that_would_not_load_is_not_written(tmp_path, monkeypatch):
    from hadr_lib import history

    def broken(design, fitted, source):  # a fit gone wrong: an MTBF of 0, which no design may have
        return design.with_changes({"db": {"mtbf_h": 0.0, "mttr_h": 1.0}}), ["db"]

    monkeypatch.setattr(history, "with_fitted_figures", broken)
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN)
    table = fit_incidents(synthetic("db", 100.0, 1.0, 2, seed=1))
    with pytest.raises(hl.InvalidInputError, match="would not load .*nothing written"):
        history.write_fitted_design(str(design), table, design, "x", force=True)
    assert design.read_text() == DESIGN and not (tmp_path / "design.yaml.bak").exists()


@pytest.mark.parametrize("n, k, up, down", [(1, 1, 8000.0, 2.0), (3, 2, 20000.0, 40.0), (0, 0, 100.0, 0.0),
                                            (40, 39, 300.0, 900.0), (2, 1, 50.0, 5.0)])
def test_the_availability_interval_is_exact_against_a_long_seeded_simulation(n, k, up, down):
    """The interval of lambda / (lambda + mu) is a Beta interval mapped through a
    monotone function; a 4-million-draw simulation of the two Gamma posteriors agrees."""
    from scipy import stats

    from hadr_lib.history import _LEVEL

    T = up + down
    incs, t = [], pd.Timestamp("2026-01-01T00:00:00Z")
    # n outages of equal length (k closed, the last open if k < n) inside a window of T hours
    gap = up / max(n, 1)
    each = down / n if n else 0.0
    for i in range(n):
        s = t + pd.Timedelta(hours=gap)
        e = s + pd.Timedelta(hours=each)
        incs.append(Incident("x", s, None if i >= k else e))
        t = e
    if not n:
        incs.append(Incident("x", t + pd.Timedelta(hours=T + 1), None))  # outside: never down
    r = fit_incidents(incs, start="2026-01-01T00:00:00Z",
                      end=(pd.Timestamp("2026-01-01T00:00:00Z") + pd.Timedelta(hours=T)).isoformat()).iloc[0]
    assert r.outages == n and r.observed_h == pytest.approx(T)
    if down == 0:
        assert r.availability_low is None and r.availability_high == 1.0
        return
    rng = np.random.default_rng(2026)
    lam = stats.gamma.rvs(n + 0.5, scale=1 / r.observed_h / (1 - r.down_h / r.observed_h), size=4_000_000,
                          random_state=rng)
    mu = stats.gamma.rvs(k + 0.5, scale=1 / r.down_h, size=4_000_000, random_state=rng)
    lo, hi = (1 - _LEVEL) / 2, 1 - (1 - _LEVEL) / 2
    q_lo, q_hi = np.quantile(lam / (lam + mu), [lo, hi])
    assert 1 - r.availability_high == pytest.approx(q_lo, rel=0.01)
    assert 1 - r.availability_low == pytest.approx(q_hi, rel=0.01)


def test_a_log_of_20000_components_fits(tmp_path):
    """Each component cost 13.5 ms (270 s for 20,000 names); the fit is now vectorised."""
    lines = ["component,start,end"] + [f"c{i},2026-01-{1 + i % 28:02d}T00:00:00Z,2026-01-{1 + i % 28:02d}T01:00:00Z"
                                       for i in range(20_000)]
    (tmp_path / "log.csv").write_text("\n".join(lines) + "\n")
    table = fit_incidents(read_incidents(tmp_path / "log.csv"), start="2026-01-01", end="2026-02-01")
    assert len(table) == 20_000 and (table["outages"] == 1).all()
    assert table["mttr_h"].to_numpy() == pytest.approx(1.0)
    assert table["availability"].to_numpy() == pytest.approx(1 - 1 / (31 * 24))


@pytest.mark.parametrize("when", ["01/02/2026", "12/01/2026 10:00", "01.12.2026 10:00", "Dec 1 2026", "1700000000",
                                  "2026-13-45", "2026-01-01T25:00", "99999-01-01", "x" * 10_000, "2026-01-01 junk"])
def test_times_that_are_not_iso_8601_are_refused_not_guessed(tmp_path, capsys, when):
    (tmp_path / "log.csv").write_text(f"component,start,end\na,{when},\n")
    assert main(["fit", str(tmp_path / "log.csv")]) == 2
    err = capsys.readouterr().err
    assert "log.csv:2.start" in err and ("is not an ISO 8601 time" in err or "is not a valid time" in err)
    assert len(err) < 300 and len(err.splitlines()) == 1


@pytest.mark.parametrize("when, utc", [("2026-01-31", "2026-01-31T00:00:00+00:00"),
                                       ("2026-01-31T09:30", "2026-01-31T09:30:00+00:00"),
                                       ("2026-01-31 09:30:00.5+01:00", "2026-01-31T08:30:00.500000+00:00"),
                                       ("2026-01-31T09:30:00Z", "2026-01-31T09:30:00+00:00"),
                                       ("2026-01-31T09:30:00-0500", "2026-01-31T14:30:00+00:00")])
def test_iso_8601_times_are_read(when, utc):
    from hadr_lib.history import _time

    assert _time(when, "t").isoformat() == utc


def test_a_log_sharing_no_component_with_the_design_says_so(tmp_path, capsys):
    """It exited 70 (KeyError) when no logged component was in the design."""
    (tmp_path / "log.csv").write_text("component,start,end\nnot-in-design,2026-01-01,2026-01-02\n")
    assert main(["fit", str(tmp_path / "log.csv"), "--design", "multi_az_postgres"]) == 0
    assert "No component of the design appears in the incident log." in capsys.readouterr().out
