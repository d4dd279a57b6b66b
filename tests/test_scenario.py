"""Scenario files: the shipped ones, and bad input named by field."""

import copy

import jsonschema
import pytest
import yaml

import hadr_lib as hl
from hadr_lib.scenario import SCENARIOS_DIR, scenario_schema

SHIPPED = sorted(SCENARIOS_DIR.glob("*.yaml"))


def test_shipped_scenarios():
    assert {"ecommerce_shop", "small_saas", "regulated_payments"} <= set(hl.reference_scenarios())
    shop = hl.load_scenario("ecommerce_shop")
    assert shop.downtime_cost_per_hour == 50000
    assert shop.data_written_per_hour == 1000 and shop.data_cost_per_unit == 50
    assert shop.rto_targets["region"] == 1 and shop.rto_targets["data_corruption"] == 4
    assert shop.rpo_targets["zone"] == 0.25 and shop.rpo_targets["data_corruption"] == 1


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_follow_the_schema(path):
    jsonschema.validate(yaml.safe_load(path.read_text()), scenario_schema())
    assert hl.load_scenario(path).description


GOOD = yaml.safe_load((SCENARIOS_DIR / "small_saas.yaml").read_text())


def bad(**changes):
    data = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        node = data
        for p in parents:
            node = node[p]
        if value is KeyError:
            del node[key]
        else:
            node[key] = value
    return data


@pytest.mark.parametrize("data, message", [
    (bad(downtime_cost_per_hour=-5), "downtime_cost_per_hour: -5 is not a number >= 0"),
    (bad(downtime_cost_per_hour="lots"), "downtime_cost_per_hour: 'lots' is not a number"),
    (bad(incidents_per_year__zone=-1), "incidents_per_year.zone: -1 is not a number >= 0"),
    (bad(incidents_per_year__meteor=1), "incidents_per_year.meteor: unknown field; allowed: instance, zone, region, data_corruption"),
    (bad(targets__rto_h=0), "targets.rto_h: 0 is not a number > 0"),
    (bad(targets__rpo_h=KeyError), "targets.rpo_h: missing"),
    (bad(targets__region={"rto_h": -1}), "targets.region.rto_h: -1 is not a number > 0"),
    (bad(data__unit="rows"), "data.unit: 'rows' is not a unit; use one of records, GB"),
    (bad(data__cost_per_unit=KeyError), "data.cost_per_unit: missing"),
    (bad(strategy_costs={"gold_plated": 5}), "strategy_costs.gold_plated: unknown field"),
    (bad(strategy_costs={"daily_backup": -5}), "strategy_costs.daily_backup: -5 is not a number >= 0"),
    (bad(architecture="nowhere"), "architecture: nowhere: no such file"),
    (bad(colour="red"), "colour: unknown field"),
    (bad(name=KeyError), "name: missing"),
])
def test_bad_scenarios_name_the_field(data, message):
    with pytest.raises(hl.InvalidInputError) as err:
        hl.load_scenario(data)
    assert str(err.value).startswith(message), str(err.value)


def test_replace_checks_again():
    shop = hl.load_scenario("ecommerce_shop")
    assert shop.replace(downtime_cost_per_hour=1000).downtime_cost_per_hour == 1000
    with pytest.raises(hl.InvalidInputError, match="downtime_cost_per_hour: -1"):
        shop.replace(downtime_cost_per_hour=-1)
    with pytest.raises(hl.InvalidInputError, match="architecture: nowhere: no such file"):
        shop.replace(architecture="nowhere")  # a new architecture is checked again


def test_the_backup_schedule_and_the_slo_window_are_kept_in_the_scenario_file():
    base = hl.load_scenario("small_saas").to_mapping()
    data = {**base, "backup": {"data_gb": 200, "retention_days": 90, "mode": "differential",
                               "log_shipping_every_s": 300, "cross_region_copy": True},
            "slo_window_days": 28}
    sc = hl.load_scenario(data)
    assert dict(sc.backup) == {"data_gb": 200.0, "retention_days": 90.0, "mode": "differential",
                               "log_shipping_every_s": 300.0, "cross_region_copy": True}
    assert sc.slo_window_days == 28.0
    again = hl.load_scenario(sc.to_mapping())
    assert again == sc and again.to_mapping()["backup"]["mode"] == "differential"
    jsonschema.validate(sc.to_mapping(), scenario_schema())
    assert "backup" not in hl.load_scenario(base).to_mapping()  # absent unless kept
    for change, message in [
            ({"backup": {"retention": 3}}, "backup.retention: unknown field; allowed: data_gb, daily_change"),
            ({"backup": {"mode": "weekly"}}, "backup.mode: 'weekly' is not a backup mode"),
            ({"backup": {"retention_days": -1}}, "backup.retention_days: -1"),
            ({"backup": {"cross_region_copy": "yes"}}, "backup.cross_region_copy: 'yes' is not true or false"),
            ({"backup": {"data_gb": "lots"}}, "backup.data_gb: 'lots'"),
            ({"backup": [1]}, "backup: [1] is not a mapping"),
            ({"slo_window_days": 0}, "slo_window_days: 0"),
            ({"slo_window_days": 400}, "slo_window_days: 400")]:
        with pytest.raises(hl.InvalidInputError, match=message.replace("(", r"\(").replace("[", r"\[")):
            hl.load_scenario({**base, **change})


def test_a_scenario_with_an_inline_design_using_failover_timers_loads_and_changes():
    """The scenario keeps an inline design as read-only mappings; the standby's timers were
    read only from a dict, so such a scenario failed as soon as a what-if touched it."""
    base = hl.load_scenario("small_saas").to_mapping()
    design = {"name": "Timed", "architecture": {"standby": {
        "primary": {"component": {"name": "a", "mtbf_h": 1000, "mttr_h": 2}},
        "standbys": [{"component": {"name": "b", "mtbf_h": 1000, "mttr_h": 2}}],
        "failover": {"check_interval_s": 10, "failure_threshold": 3, "dns_ttl_s": 60, "promote_s": 20}}}}
    sc = hl.load_scenario({**base, "architecture": design})
    direct = hl.load_architecture(design).evaluate().unavailability
    assert sc.design.evaluate().unavailability == direct
    changed = sc.replace(downtime_cost_per_hour=10.0, architecture=sc.architecture)
    assert hl.load_architecture(changed.architecture).evaluate().unavailability == direct
