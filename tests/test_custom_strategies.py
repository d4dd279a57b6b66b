"""A scenario's own DR strategies (``strategies:``) beside the catalogue: read, priced
by hand, run together with the catalogue's, edited in the DR panel, and refused with
a message naming the field when wrong."""

from __future__ import annotations

import contextlib
import copy
import io
import json

import pytest
import yaml

import hadr_lib as hl
from hadr_lib.checks import InvalidInputError

BASE = {
    "name": "Shop with its own strategy",
    "downtime_cost_per_hour": 1000,
    "data": {"unit": "records", "written_per_hour": 100, "cost_per_unit": 2},
    "incidents_per_year": {"instance": 2, "zone": 0, "region": 0.5, "data_corruption": 0.1},
    "targets": {"rto_h": 8, "rpo_h": 24},
    "strategies": [{
        "name": "Our warm region", "annual_cost": 10000, "source": "our quote, 2026-11",
        "instance": {"rto_h": 0.5, "rpo_h": 0},
        "region": {"rto_h": 4, "rpo_h": 1},
        "data_corruption": {"rto_h": 6, "rpo_h": 24, "periodic": True},
    }],
}


def _scenario(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return hl.load_scenario(data)


def test_a_custom_strategy_is_read_with_its_times_per_disruption():
    sc = _scenario()
    (st,) = sc.custom_strategies
    assert st.id == "our_warm_region" and st.label == "Our warm region" and st.custom
    assert st.times_for("instance") == (0.5, 0.0)
    assert st.times_for("region") == (4.0, 1.0)
    assert st.times_for("zone") is None  # not listed: not covered
    assert st.periodic_for("data_corruption") and not st.periodic_for("region")
    assert not any(s.custom for s in hl.load_strategies())


def test_it_is_priced_as_worked_by_hand():
    """instance 2 x 0.5 h x 1000 = 1000; region 0.5 x (4 h x 1000 + 1 h x 100 x 2) = 2100;
    corruption 0.1 x (6 h x 1000 + 24 h / 2 x 100 x 2) = 840 (a nightly copy loses half a
    day on average, a whole one at worst: 0.1 x (6000 + 4800) = 1080)."""
    row = hl.strategy_table(_scenario()).set_index("strategy").loc["our_warm_region"]
    assert row["expected_loss"] == pytest.approx(3940.0)
    assert row["worst_case_loss"] == pytest.approx(1000 + 2100 + 1080)
    assert row["total_cost"] == pytest.approx(13940.0)
    assert row["downtime_per_year_h"] == pytest.approx(2 * 0.5 + 0.5 * 4 + 0.1 * 6)
    assert row["data_lost_per_year"] == pytest.approx(0.5 * 100 + 0.1 * 1200)
    assert row["meets_rto"] and row["meets_rpo"]


def test_the_cheapest_that_meets_the_targets_may_be_yours():
    sc = _scenario()
    rec, reason = hl.recommend(hl.strategy_table(sc), sc)
    assert rec == "our_warm_region"
    assert reason == "Our warm region is the cheapest in total that meets both targets"
    # dearer than the catalogue's cheapest qualifying strategy, it is not recommended
    pricey = _scenario(strategy_costs={"our_warm_region": 5e6})
    assert hl.recommend(hl.strategy_table(pricey), pricey)[0] != "our_warm_region"
    assert hl.strategy_table(pricey).set_index("strategy").loc["our_warm_region", "annual_cost"] == 5e6


def test_when_nothing_meets_the_targets_the_sentence_says_yours_were_looked_at_too():
    sc = _scenario(targets={"rto_h": 0.01, "rpo_h": 0})
    sentence = hl.recommendation_sentence(sc, hl.strategy_table(sc))
    assert sentence.startswith("Nothing in the catalogue or yours meets")


def test_yours_run_together_with_the_catalogues():
    sc = _scenario(layered_strategies=[["our_warm_region", "hourly_snapshot"]])
    t = hl.strategy_table(sc).set_index("strategy")
    both = t.loc["our_warm_region+hourly_snapshot"]
    snap = hl.load_strategies()[[s.id for s in hl.load_strategies()].index("hourly_snapshot")]
    assert both["annual_cost"] == pytest.approx(10000 + snap.annual_cost)
    # each disruption recovers by the faster layer: an instance by ours (0.5 h), a region
    # and corrupted data by the snapshot (1 h, half an hour of data lost on average)
    snapshot = 1 * 1000 + 0.5 * 100 * 2
    assert both["expected_loss"] == pytest.approx(2 * 0.5 * 1000 + 0.5 * snapshot + 0.1 * snapshot)


def test_the_scenario_file_round_trips_and_the_json_marks_yours(tmp_path):
    sc = _scenario()
    import jsonschema

    from hadr_lib.scenario import scenario_schema

    jsonschema.validate(hl.dump_scenario(sc), scenario_schema())
    jsonschema.validate(BASE, scenario_schema())
    text = yaml.safe_dump(hl.dump_scenario(sc))
    again = hl.load_scenario(yaml.safe_load(text))
    assert again == sc
    assert again.replace(downtime_cost_per_hour=5).custom_strategies == sc.custom_strategies
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    from hadr_lib.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["dr", str(path), "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(out.getvalue())["strategies"]}
    assert rows["our_warm_region"]["custom"] is True and rows["daily_backup"]["custom"] is False
    assert rows["our_warm_region"]["total_cost"] == pytest.approx(13940.0)


@pytest.mark.parametrize("entry, message", [
    ({"annual_cost": 1, "instance": {"rto_h": 1, "rpo_h": 0}}, "strategies[0].name: missing"),
    ({"name": "x", "instance": {"rto_h": 1, "rpo_h": 0}}, "strategies[0].annual_cost: missing"),
    ({"name": "x", "annual_cost": 1}, "strategies[0]: covers no disruption"),
    ({"name": "Daily backup", "annual_cost": 1, "zone": {"rto_h": 1, "rpo_h": 0}},
     "strategies[0].id: 'daily_backup' is already a strategy's id"),
    ({"name": "x", "annual_cost": -5, "zone": {"rto_h": 1, "rpo_h": 0}},
     "strategies[0].annual_cost: -5 is not a number >= 0"),
    ({"name": "x", "annual_cost": 1, "zone": {"rto_h": -1, "rpo_h": 0}},
     "strategies[0].zone.rto_h: -1 is not a number >= 0"),
    ({"name": "x", "annual_cost": 1, "zone": {"rto_h": 1}}, "strategies[0].zone.rpo_h: missing"),
    ({"name": "x", "annual_cost": 1, "zone": {"rto_h": 1, "rpo_h": 0, "periodic": "yes"}},
     "strategies[0].zone.periodic: 'yes' is not true or false"),
    ({"name": "x", "annual_cost": 1, "flood": {"rto_h": 1, "rpo_h": 0}},
     "strategies[0].flood: unknown field"),
    ({"name": "x", "id": "Has Space", "annual_cost": 1, "zone": {"rto_h": 1, "rpo_h": 0}},
     "strategies[0].id: 'Has Space' is not an id"),
    ({"name": "<>", "annual_cost": 1, "zone": {"rto_h": 1, "rpo_h": 0}}, "strategies[0].id: '' is not an id"),
])
def test_bad_strategies_are_refused_naming_the_field(entry, message):
    with pytest.raises(InvalidInputError) as err:
        _scenario(strategies=[entry])
    assert str(err.value).startswith(message), str(err.value)


def test_too_many_or_twice_the_same_are_refused():
    one = {"name": "x", "annual_cost": 1, "zone": {"rto_h": 1, "rpo_h": 0}}
    with pytest.raises(InvalidInputError, match=r"^strategies: list is not a list of at most 20"):
        _scenario(strategies=[dict(one, id=f"s{i}") for i in range(21)])
    with pytest.raises(InvalidInputError, match=r"^strategies\[1\].id: 'x' is already"):
        _scenario(strategies=[one, one])
    with pytest.raises(InvalidInputError, match=r"^layered_strategies\[0\]: 'nope' is not a strategy"):
        _scenario(layered_strategies=[["our_warm_region", "nope"]])


def test_the_dr_panel_shows_yours_and_rebuilds_its_controls_on_a_switch():
    from hadr_lib.panels.dr import DRStrategyPanel

    panel = DRStrategyPanel(_scenario(name="<script>alert(1)</script>",
                              strategies=[dict(BASE["strategies"][0], name="Ours <b>bold</b>")]))
    assert "ours_b_bold_b" in panel.costs
    assert panel.costs["ours_b_bold_b"].description.startswith("Ours <b>bold</b> (yours)")
    assert "<b>bold</b>" not in panel.recommendation.value and "&lt;b&gt;bold" in panel.recommendation.value
    bars = panel.bar_chart.data[0].y
    assert any("Ours &lt;b&gt;bold&lt;/b&gt;" in y for y in bars) and not any("<b>" in y for y in bars)
    panel.costs["ours_b_bold_b"].value = "1,000,000"  # an edit of your strategy's cost is a what-if
    assert panel.scenario().strategy_costs["ours_b_bold_b"] == 1e6
    panel.set_scenario("ecommerce_shop")  # no strategies of its own: its boxes go
    assert "ours_b_bold_b" not in panel.costs and len(panel.costs_box.children) == len(hl.load_strategies())
    assert [v for _, v in panel.layers.options] == [s.id for s in hl.load_strategies()]
