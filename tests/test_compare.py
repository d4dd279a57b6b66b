"""Comparing designs and the cheapest replica counts: hand-checked deltas, and the
optimiser against brute force over every combination."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.compare import changed_blocks, compare, compare_sentence, format_compare_table, optimize, parse_vary

YEAR = 365.25 * 86400


def design(name, *parts):
    return hl.load_architecture({"name": name, "architecture": {"series": list(parts)}})


def comp(name, **fields):
    return {"component": {"name": name, **fields}}


def test_compare_deltas_by_hand():
    a = design("A", comp("db", availability=0.999, cost_per_year=100))
    b = design("B", comp("db", availability=0.9999, cost_per_year=250))
    t = compare([a, b])
    assert list(t["name"]) == ["A", "B"]
    assert t["downtime_per_year_s"][0] == pytest.approx(1e-3 * YEAR)
    assert t["downtime_per_year_s_delta"][1] == pytest.approx((1e-4 - 1e-3) * YEAR)
    assert t["cost_per_year_delta"][1] == 150
    assert t["unavailability_delta"][0] == 0
    assert t["cost_per_year"][0] == 100


def test_cost_is_per_replica_and_unknown_unless_every_part_has_one():
    d = design("d", comp("app", availability=0.99, count=3, cost_per_year=1000),
               comp("lb", availability=0.9999, cost_per_year=50))
    assert d.cost_per_year == 3050
    assert design("e", comp("a", availability=0.9, cost_per_year=1), comp("b", availability=0.9)) \
        .cost_per_year is None
    with pytest.raises(hl.InvalidInputError, match=r"cost_per_year: -5 is not a number in \[0, 1e\+12\]"):
        design("f", comp("a", availability=0.9, cost_per_year=-5))


def test_changed_blocks_lists_every_difference():
    a = hl.load_architecture({"name": "a", "architecture": {"series": [
        comp("lb", availability=0.9999), comp("app", mtbf_h=1000, mttr_h=1, count=2),
        comp("cache", availability=0.999)]}})
    b = hl.load_architecture({"name": "b", "architecture": {"series": [
        comp("lb", availability=0.9999), {"parallel": [comp("app", mtbf_h=1000, mttr_h=0.5, count=3)]},
        comp("db", availability=0.9995)]}})
    assert changed_blocks(a, b) == [
        "app: count 2 -> 3", "app: moved from series to series/parallel",
        "app: mttr_h 1 -> 0.5", "cache: removed", "db: added"]
    assert changed_blocks(a, a) == []
    # places are named by the file's keys (they were class names: "kofn", "commoncause")
    c = hl.load_architecture({"name": "c", "architecture": {"series": [
        comp("lb", availability=0.9999), {"common_cause": {"beta": 0.1, "of": [{"k_of_n": {"k": 1, "of": [
            comp("app", mtbf_h=1000, mttr_h=1, count=2)]}}]}}, comp("cache", availability=0.999)]}})
    assert changed_blocks(a, c) == ["app: moved from series to series/common_cause/k_of_n"]


def test_changed_blocks_in_a_managers_words():
    """With labels (the app's Compare tab, ``hadr diff``): parts by their labels, figures
    with their units, blocks as the diagram captions them; not the file's keys."""
    a = hl.load_architecture({"name": "a", "architecture": {"series": [
        comp("lb", availability=0.9999), comp("app", mtbf_h=1000, mttr_h=1, count=2, cost_per_year=1200),
        comp("cache", availability=0.999)]}})
    b = hl.load_architecture({"name": "b", "architecture": {"series": [
        comp("lb", availability=0.99995), {"parallel": [comp("app", label="the app servers", mtbf_h=1000,
                                                             mttr_h=0.5, count=3, cost_per_year=1500.5)]},
        comp("db", availability=0.9995)]}})
    assert changed_blocks(a, b, labels=True) == [
        "cache: removed", "db: added", "lb: availability 99.99% -> 99.995%",
        "the app servers: MTTR 1 hour -> 30 minutes",
        "the app servers: moved from series of 3 to active-active: any 1 of 1",
        "the app servers: replicas 2 -> 3", "the app servers: running cost a year 1,200 -> 1,500.50"]


COSTED = {"name": "costed", "architecture": {"series": [
    comp("lb", availability=0.9999, cost_per_year=300),
    comp("app", mtbf_h=2000, mttr_h=1, count=2, cost_per_year=1200),
    {"k_of_n": {"k": 2, "of": [comp(f"db{i}", availability=0.995, cost_per_year=900)
                               for i in range(3)]}},
    comp("cache", availability=0.999, cost_per_year=400),
]}}


def brute_force(arch, target, vary):
    rows = []
    for counts in itertools.product(*[range(lo, hi + 1) for lo, hi in vary.values()]):
        changed = arch.with_changes({n: {"count": c} for n, c in zip(vary, counts)})
        rows.append((changed.cost_per_year, changed.evaluate().unavailability, counts))
    meets = [r for r in rows if r[1] <= 1 - target]
    best = min(meets, key=lambda r: (r[0], r[1])) if meets else None
    frontier, lowest = [], math.inf
    for cost, u, counts in sorted(rows, key=lambda r: (r[0], r[1])):
        if u < lowest:
            frontier.append((cost, u, counts))
            lowest = u
    return best, frontier


@pytest.mark.parametrize("target, vary", [
    (0.9999, {"app": (1, 4), "cache": (1, 3)}),
    (0.99995, {"app": (1, 5), "cache": (1, 4), "lb": (1, 3)}),
    (0.999999999, {"app": (1, 3), "cache": (1, 2)}),  # none meets
])
def test_optimize_matches_brute_force(target, vary):
    arch = hl.load_architecture(COSTED)
    result = optimize(arch, target, vary)
    best, frontier = brute_force(arch, target, vary)
    assert len(result.table) == math.prod(hi - lo + 1 for lo, hi in vary.values())
    if best is None:
        assert result.best is None
    else:
        assert result.best["cost_per_year"] == pytest.approx(best[0])
        assert tuple(result.best[n] for n in vary) == best[2]
        assert result.best["unavailability"] == pytest.approx(best[1], rel=1e-9)
    assert [tuple(int(r[n]) for n in vary) for _, r in result.frontier.iterrows()] == \
        [f[2] for f in frontier]
    assert list(result.frontier["unavailability"]) == pytest.approx([f[1] for f in frontier], rel=1e-9)


def test_optimize_rebuilds_when_a_standby_primary_changes():
    arch = hl.load_architecture({"name": "s", "architecture": {"standby": {
        "primary": comp("p", mtbf_h=1000, mttr_h=4, cost_per_year=10),
        "standbys": [comp("s", mtbf_h=1000, mttr_h=4, cost_per_year=5)],
        "failover_s": 600}}})
    vary = {"p": (1, 3), "s": (1, 2)}
    result = optimize(arch, 0.99999, vary)
    best, frontier = brute_force(arch, 0.99999, vary)
    assert [tuple(int(r[n]) for n in vary) for _, r in result.frontier.iterrows()] == \
        [f[2] for f in frontier]
    assert (best is None) == (result.best is None)


@pytest.mark.parametrize("call, message", [
    (lambda a: optimize(a, 0.999, {"nope": (1, 2)}), "'nope' is not a component"),
    (lambda a: optimize(a, 0.999, {}), "vary: give at least one"),
    (lambda a: optimize(a, 0.999, {"app": (3, 1)}), "is not a range of replica counts"),
    (lambda a: optimize(a, 1.5, {"app": (1, 2)}), "target: 1.5"),
    (lambda a: optimize(a, 0.999, {"app": (1, 1000), "lb": (1, 1000), "cache": (1, 10)}),
     "combinations of replica counts is over the limit"),
    (lambda a: optimize(hl.load_architecture("azure_web_app_single_region"), 0.999, {"redis": (1, 2)}),
     "cost_per_year: missing for front-door, entra-id, app-service, redis, sql..."),
])
def test_optimize_bad_input(call, message):
    with pytest.raises(hl.InvalidInputError, match=message):
        call(hl.load_architecture(COSTED))


@pytest.mark.parametrize("text", ["app", "app=1", "app=0..3", "app=3..1", "app=a..b", "=1..2",
                                  "app=1..1001"])
def test_parse_vary_refuses_bad_ranges(text):
    with pytest.raises(hl.InvalidInputError, match="--vary"):
        parse_vary([text])
    assert parse_vary(["app=1..4", "db=2..2"]) == {"app": (1, 4), "db": (2, 2)}


def test_cli_compare_and_optimize(tmp_path, capsys):
    import yaml

    path = tmp_path / "costed.yaml"
    path.write_text(yaml.safe_dump(COSTED))
    assert main(["compare", "single_server", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema_version"] == 1 and [d["name"] for d in out["designs"]] == [
        "Single server", "costed"]
    assert out["designs"][0]["cost_per_year"] == 714.82  # one m7g.large, data/running_costs.csv
    assert "server: removed" in out["changes_from_first"]["costed"]
    assert main(["optimize", str(path), "--target", "99.9", "--vary", "app=1..3",
                 "cache=1..2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["combinations"] == 6 and out["best"]["app"] >= 1 and out["frontier"]
    assert out["best"]["unavailability"] <= 1e-3
    assert main(["optimize", str(path), "--target", "99.99", "--vary", "app=1..3"]) == 0
    text = capsys.readouterr().out
    assert "Cost against nines" in text and "None meets 99.99%" in text
    assert main(["optimize", str(path), "--target", "99.99", "--vary", "app=x"]) == 2
    assert "--vary: 'app=x'" in capsys.readouterr().err


def test_formatted_table_and_sentences():
    from hadr_lib.compare import best_sentence, format_compare_table

    a = design("A", comp("db", availability=0.999, cost_per_year=100))
    b = design("B", comp("db", availability=0.9999))
    view = format_compare_table(compare([a, b]))
    assert list(view["design"]) == ["A", "B"] and list(view.index) == [1, 2]
    assert list(view["availability"]) == ["99.9%", "99.99%"]
    assert list(view["change"]) == ["", "-7.89 hours"]
    assert list(view["cost/year"]) == ["100", "unknown"]
    arch = hl.load_architecture(COSTED)
    ok = optimize(arch, 0.998, {"app": (1, 3)})
    assert best_sentence(ok) == (f"Cheapest meeting 99.8%: app x{ok.best['app']}, "
                                 f"{ok.best['cost_per_year']:,.0f} a year, "
                                 f"{hl.format_duration(ok.best['unavailability'] * YEAR)} of "
                                 "downtime a year.")
    assert best_sentence(optimize(arch, 0.99999, {"app": (1, 2)})).startswith("None meets 99.999%")


def test_figures_take_results():
    from hadr_lib.plots import frontier_figure, uncertainty_figure
    from hadr_lib.uncertainty import propagate

    result = optimize(hl.load_architecture(COSTED), 0.998, {"app": (1, 3), "cache": (1, 2)})
    fig = frontier_figure(result)
    assert [t.name for t in fig.data] == ["combinations", "frontier", "cheapest meeting the target"]
    assert len(fig.data[0].x) == 6 and list(fig.data[1].x) == list(result.frontier["cost_per_year"])
    spread = propagate(hl.load_architecture(COSTED), 500, seed=1, default_error_factor=3)
    fig = uncertainty_figure({"costed": spread}, 0.999)
    assert fig.data[0].median[0] == pytest.approx(np.percentile(spread.unavailability, 50) * YEAR / 60)
    assert fig.layout.xaxis.type == "log"
    # the budget line at the budget; its label at log10 of it (plotly places an annotation
    # on a log axis at 10^x: the label at x = 525.96 ran the axis to 10^526 minutes)
    budget = 0.001 * YEAR / 60
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == pytest.approx(budget)
    (label,) = fig.layout.annotations
    assert label.x == pytest.approx(math.log10(budget)) and label.text == "99.9% budget"
    assert not uncertainty_figure({"costed": spread}, 1.0).layout.shapes  # no budget to draw
    # ticks said as durations, each inside the drawn span (plotly's own were "5 6 7 8 9 100 2")
    minutes = spread.unavailability * YEAR / 60
    ticks = fig.layout.xaxis
    assert ticks.ticktext and all(t.split()[-1] in ("s", "min", "h", "day", "days") for t in ticks.ticktext)
    assert all(minutes.min() <= v <= max(minutes.max(), budget) for v in ticks.tickvals)
    assert ticks.title.text == "downtime per year"
    assert not uncertainty_figure({}).data  # nothing to draw, and no error


def test_fine_duration_ticks():
    from hadr_lib.plots import fine_duration_ticks

    assert fine_duration_ticks(50 * 60, 900 * 60) == ([3600, 7200, 18000, 36000], ["1 h", "2 h", "5 h", "10 h"])
    assert fine_duration_ticks(100, 1000) == ([120, 300, 600], ["2 min", "5 min", "10 min"])
    # wider than eight fine ticks: the decades
    assert fine_duration_ticks(1, 864000)[1] == ["1 s", "10 s", "1 min", "10 min", "1 h", "10 h", "1 day",
                                                 "10 days"]
    assert fine_duration_ticks(4000, 5000) == ([], [])  # nothing to mark: plotly's own ticks


def test_compare_sentence_prices_the_downtime_saved_against_the_running_cost():
    from hadr_lib.architecture_file import load_architecture
    from hadr_lib.compare import compare, compare_sentence

    def design(name, count, cost):
        return load_architecture({"name": name, "architecture": {"component": {
            "name": "db", "availability": 0.99, "count": count, "cost_per_year": cost}}})

    one, two = design("One", 1, 1000), design("Two", 2, 1000)
    t = compare([one, two])
    # One server: 1% of 8766 h = 87.66 h down; two in parallel: 0.01% = 0.8766 h.
    saved_h = 87.66 - 0.8766
    text = compare_sentence(t, 100.0)
    assert text.startswith("Two saves 3.62 days of downtime a year against One")
    assert f"worth ${saved_h * 100:,.0f} a year at $100 an hour" in text
    assert "costs $1,000 a year more to run, so it pays for itself" in text
    assert "more than the downtime it saves is worth" in compare_sentence(t, 10.0)
    assert compare_sentence(compare([two, one]), 100.0).startswith("One adds 3.62 days")
    with pytest.raises(hl.InvalidInputError, match="downtime_cost_per_hour"):
        compare_sentence(t, float("nan"))


def test_compare_records_are_what_the_cli_prints():
    from hadr_lib.compare import compare_records

    a, b = hl.load_architecture("azure_web_app_single_region"), hl.load_architecture("multi_az_postgres")
    doc = compare_records([a, b])
    assert list(doc) == ["year_days", "designs", "changes_from_first"]
    assert [d["name"] for d in doc["designs"]] == [a.name, "Multi-AZ PostgreSQL"]
    assert doc["designs"][0]["unavailability"] == a.evaluate().unavailability
    assert doc["designs"][0]["cost_per_year"] is None  # no cost on the Azure design: null, not NaN
    # ALB 197.10 + 2 app servers x 714.82 + RDS primary and standby x 569.40 (data/running_costs.csv)
    assert doc["designs"][1]["cost_per_year"] == pytest.approx(2765.54, abs=1e-9)
    assert doc["changes_from_first"]["Multi-AZ PostgreSQL"] == changed_blocks(a, b)


QUORUM = {"name": "etcd behind a balancer", "architecture": {"series": [
    {"component": {"name": "lb", "availability": 0.9999, "cost_per_year": 100.0}},
    {"k_of_n": {"name": "etcd", "k": 2, "of": [
        {"component": {"name": f"n{i}", "mtbf_h": 500.0, "mttr_h": 5.0, "cost_per_year": 1000.0}}
        for i in (1, 2, 3)]}}]}}


def test_optimize_varies_a_named_quorums_size(tmp_path, capsys):
    """A majority quorum keeps a majority as it grows (copies of its last member):
    by hand, U of a majority of n identical members with u = 5/505 each."""
    arch = hl.load_architecture(QUORUM)
    r = optimize(arch, 0.9998, {"etcd": (1, 7)})
    u = 5.0 / 505.0

    def majority_down(n):
        k = n // 2 + 1
        return sum(math.comb(n, j) * u ** j * (1 - u) ** (n - j) for j in range(n - k + 1, n + 1))

    for n in range(1, 8):
        row = r.table[r.table["etcd"] == n].iloc[0]
        expected = 1 - (1 - 1e-4) * (1 - majority_down(n))
        assert row["unavailability"] == pytest.approx(expected, rel=1e-9)
        assert row["cost_per_year"] == 100.0 + 1000.0 * n
    assert r.best["etcd"] == 5  # 3 misses 99.98%; 4 is worse than 3 (a majority of 4 is 3)
    assert r.table.set_index("etcd").loc[4, "unavailability"] > r.table.set_index("etcd").loc[3, "unavailability"]
    # a quorum that is not a majority keeps its k, and cannot shrink below it
    fixed = {**QUORUM, "architecture": {"series": [QUORUM["architecture"]["series"][0], {"k_of_n": {
        **QUORUM["architecture"]["series"][1]["k_of_n"], "k": 1}}]}}
    r1 = optimize(hl.load_architecture(fixed), 0.9998, {"etcd": (1, 3)})
    assert r1.table.set_index("etcd").loc[2, "unavailability"] == pytest.approx(
        1 - (1 - 1e-4) * (1 - u * u), rel=1e-9)
    with pytest.raises(hl.InvalidInputError, match=r"vary\.etcd: .* goes below its k = 3"):
        optimize(hl.load_architecture({**QUORUM, "architecture": {"k_of_n": {
            **QUORUM["architecture"]["series"][1]["k_of_n"], "k": 3}}}), 0.99, {"etcd": (2, 4)})
    with pytest.raises(hl.InvalidInputError, match=r"vary: 'nope' is not a component or a named quorum"):
        optimize(arch, 0.99, {"nope": (1, 2)})
    # through the command line
    path = tmp_path / "q.json"
    path.write_text(json.dumps(QUORUM))
    assert main(["optimize", str(path), "--target", "99.98", "--vary", "etcd=3..5", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["best"]["etcd"] == 5 and out["combinations"] == 3


def test_compare_prices_in_money_and_never_across_currencies():
    one, two = hl.load_architecture("single_server"), hl.load_architecture("multi_az_postgres")
    table = compare([one, two])
    view = format_compare_table(table, "USD", [one.currency, two.currency])
    assert list(view["cost/year"]) == ["$715", "$2,766"]  # 714.82 and 2,765.54 (running_costs.csv)
    assert compare_sentence(table, 100.0, "USD", ["USD", "USD"]).endswith(
        "; it costs $2,051 a year more to run, so it pays for itself.")
    eur = compare_sentence(table, 100.0, "EUR", ["USD", "USD"])
    assert eur.endswith("; their running costs are in USD, not compared in EUR.") and "2,051" not in eur
    azure = compare([one, hl.load_architecture("azure_web_app_single_region")])
    assert format_compare_table(azure, "USD")["cost/year"].iloc[1] == "unknown"
    assert compare_sentence(azure, 100.0).endswith(
        "running costs are unknown (not every part of both designs is priced).")
