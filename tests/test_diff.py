"""What changed between two versions of a scenario, and what follows."""

from __future__ import annotations

import json

import pytest

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.diff import scenario_diff
from hadr_lib.dr import dr_summary


def _shop(**changes) -> hl.Scenario:
    return hl.load_scenario({**hl.load_scenario("ecommerce_shop").to_mapping(), **changes})


def test_the_same_scenario_has_nothing_to_say():
    d = scenario_diff(_shop(), _shop())
    assert d.unchanged and d.lines() == ["E-commerce shop -> E-commerce shop: nothing changed."]


def test_inputs_are_said_in_money_and_durations_and_the_total_follows():
    before = _shop()
    incidents = {**before.to_mapping()["incidents_per_year"], "zone": 1.0}
    after = _shop(downtime_cost_per_hour=80000, incidents_per_year=incidents,
                  targets={"rto_h": 0.5, "rpo_h": 0.25, "data_corruption": {"rto_h": 24, "rpo_h": 1}},
                  description="Reworded.")
    d = scenario_diff(before, after)
    said = [c.sentence for c in d.inputs]
    assert "cost of an hour down: $50,000 -> $80,000" in said
    assert "zone outages a year: 0.5 -> 1" in said
    assert "RTO target: 1 hour -> 30 minutes" in said
    assert "description: reworded" in said
    assert d.design == ()
    # the recommended strategy's total, from dr_summary of each (hand-checked below)
    rec = {s["name"]: s["total_cost"] for s in dr_summary(after)["strategies"]}[dr_summary(after)["recommended"]]
    old = {s["name"]: s["total_cost"] for s in dr_summary(before)["strategies"]}[dr_summary(before)["recommended"]]
    (total,) = [c for c in d.outcomes if c.what == "recommended_total_cost_per_year"]
    assert (total.before, total.after) == (old, rec) and rec > old


def test_every_input_is_said_in_plain_words_and_units():
    """A manager reads the diff: no file keys, durations and money in words (the JSON
    keeps each key in ``what``)."""
    before = _shop()
    plan = {"data_gb": 500, "daily_change": 0.05, "full_every_days": 7, "incremental_every_h": 24,
            "mode": "incremental", "log_shipping_every_s": 300, "retention_days": 30,
            "restore_gb_per_h": 250, "cross_region_copy": True, "price_per_gb_month": 0.023}
    after = _shop(strategy_costs={"aws_warm_standby": 150000}, backup=plan, slo_window_days=28,
                  availability_target=0.9995, currency="EUR",
                  targets={"rto_h": 1, "rpo_h": 0.25, "data_corruption": {"rto_h": 8, "rpo_h": 1}},
                  fallback={"rto_h": 48, "rpo_h": 24},
                  data={"unit": "records", "written_per_hour": 1000, "cost_per_unit": 60})
    said = {c.what: c.sentence for c in scenario_diff(before, after).inputs}
    expected = {
        "strategy_costs.aws_warm_standby": "price of Warm standby (AWS) a year: none -> €150,000",
        "availability_target": "availability target: none -> 99.95%",
        "slo_window_days": "SLO window: none -> 28 days",
        "targets.data_corruption.rto_h": "RTO target for corrupted data: 4 hours -> 8 hours",
        "fallback.rto_h": "recovery time where no strategy covers a disruption: 3 days -> 2 days",
        "data.cost_per_unit": "cost of each lost record: $50 -> €60",
        "backup.log_shipping_every_s": "logs shipped every: none -> 5 minutes",
        "backup.retention_days": "backups kept for: none -> 30 days",
        "backup.daily_change": "data changed a day: none -> 5%",
        "backup.restore_gb_per_h": "restore speed: none -> 250 GB an hour",
        "backup.cross_region_copy": "a backup copy in another region: none -> yes",
        "backup.price_per_gb_month": "backup storage price a GB a month: none -> €0.023",
        "currency": "currency: 'USD' -> 'EUR'",
    }
    assert {k: said.get(k) for k in expected} == expected
    assert not any("_h:" in s or "_per_" in s or "backup." in s for s in said.values())


def test_a_new_design_says_its_parts_and_its_availability():
    before, after = _shop(architecture="single_server"), _shop(architecture="multi_az_postgres")
    d = scenario_diff(before, after)
    assert d.design[0] == "design: Single server -> Multi-AZ PostgreSQL"
    # parts by their labels, the file name added where the label does not hold it
    assert "the primary database (pg-primary): added" in d.design and "the server: removed" in d.design
    (avail,) = [c for c in d.outcomes if c.what == "design_availability"]
    assert avail.before == float(before.design.evaluate().availability)
    assert avail.after == float(after.design.evaluate().availability)
    assert avail.sentence.startswith("design availability: 99.5% -> 99.9797%")
    assert [c.what for c in d.inputs] == []  # the design is not an input line of its own


def test_money_in_another_currency_is_not_compared():
    d = scenario_diff(_shop(), _shop(currency="EUR", downtime_cost_per_hour=45000))
    said = [c.sentence for c in d.inputs]
    assert "currency: 'USD' -> 'EUR'" in said and "cost of an hour down: $50,000 -> €45,000" in said
    assert any("not compared" in c.sentence for c in d.outcomes)


def test_not_scenarios_are_refused():
    with pytest.raises(hl.InvalidInputError, match="before: dict is not a Scenario"):
        scenario_diff({}, _shop())


def test_the_command(capsys, tmp_path):
    assert main(["diff", "ecommerce_shop", "small_saas", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["schema_version", "before", "after", "changes", "design_changes", "outcomes"]
    assert doc["before"] == "E-commerce shop" and doc["after"] == "Small SaaS"
    assert {"what": "downtime_cost_per_hour", "before": 50000.0, "after": 1500.0,
            "sentence": "cost of an hour down: $50,000 -> $1,500"} in doc["changes"]
    assert main(["diff", "ecommerce_shop", "ecommerce_shop"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    assert main(["diff", "ecommerce_shop", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hadr diff: error: ") and err.endswith(": missing\n") and "Traceback" not in err
