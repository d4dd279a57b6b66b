"""SLOs: budgets by hand, the published burn-rate table, ceilings, and exports that
parse back and follow the OpenSLO v1 and sloth field definitions."""

import re

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import hadr_lib as hl

DNS_NAME = {"type": "string", "maxLength": 63, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}
DURATION = {"type": "string", "pattern": "^[0-9]+[smhdwMQY]$"}
METRIC_SOURCE = {"type": "object", "required": ["metricSource"], "properties": {"metricSource": {
    "type": "object", "required": ["type", "spec"],
    "properties": {"type": {"type": "string"}, "spec": {"type": "object"}}}}}
# Field definitions of the OpenSLO v1 specification (README, "SLO", "AlertPolicy",
# "AlertCondition"; schemas/v1/parts/*.schema.json), written down for these checks.
OPENSLO_SLO = {
    "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "openslo/v1"}, "kind": {"const": "SLO"},
        "metadata": {"type": "object", "required": ["name"], "properties": {"name": DNS_NAME}},
        "spec": {
            "type": "object", "required": ["service", "indicator", "timeWindow", "budgetingMethod", "objectives"],
            "properties": {
                "description": {"type": "string", "maxLength": 1050},
                "service": DNS_NAME,
                "indicator": {"type": "object", "required": ["metadata", "spec"], "properties": {
                    "metadata": {"type": "object", "required": ["name"], "properties": {"name": DNS_NAME}},
                    "spec": {"type": "object", "required": ["ratioMetric"], "properties": {"ratioMetric": {
                        "type": "object", "required": ["counter", "total"],
                        "properties": {"counter": {"type": "boolean"}, "good": METRIC_SOURCE,
                                       "bad": METRIC_SOURCE, "total": METRIC_SOURCE},
                        "oneOf": [{"required": ["good"]}, {"required": ["bad"]}]}}}}},
                "timeWindow": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
                    "type": "object", "required": ["duration", "isRolling"],
                    "properties": {"duration": DURATION, "isRolling": {"type": "boolean"}}}},
                "budgetingMethod": {"enum": ["Occurrences", "Timeslices", "RatioTimeslices"]},
                "objectives": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["target"],
                    "properties": {"target": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}}},
                "alertPolicies": {"type": "array", "items": {
                    "type": "object", "required": ["kind", "metadata", "spec"],
                    "properties": {
                        "kind": {"const": "AlertPolicy"},
                        "metadata": {"type": "object", "required": ["name"], "properties": {"name": DNS_NAME}},
                        "spec": {"type": "object", "required": ["alertWhenNoData", "alertWhenResolved",
                                                                "alertWhenBreaching", "conditions", "notificationTargets"],
                                 "properties": {
                                     "alertWhenNoData": {"type": "boolean"},
                                     "alertWhenResolved": {"type": "boolean"},
                                     "alertWhenBreaching": {"type": "boolean"},
                                     "conditions": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
                                         "type": "object", "required": ["kind", "metadata", "spec"],
                                         "properties": {
                                             "kind": {"const": "AlertCondition"},
                                             "spec": {"type": "object", "required": ["severity", "condition"],
                                                      "properties": {"condition": {
                                                          "type": "object",
                                                          "required": ["kind", "op", "threshold", "lookbackWindow", "alertAfter"],
                                                          "properties": {"kind": {"const": "burnrate"},
                                                                         "op": {"enum": ["lte", "gte", "lt", "gt"]},
                                                                         "threshold": {"type": "number"},
                                                                         "lookbackWindow": DURATION,
                                                                         "alertAfter": DURATION}}}}}}},
                                     "notificationTargets": {"type": "array", "minItems": 1},
                                 }}}}},
            }},
    },
}
# sloth's prometheus/v1 spec (sloth.dev, "Spec"): the fields sloth reads.
SLOTH = {
    "type": "object", "required": ["version", "service", "slos"],
    "properties": {
        "version": {"const": "prometheus/v1"}, "service": {"type": "string", "minLength": 1},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "slos": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name", "objective", "sli", "alerting"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                "objective": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                "sli": {"type": "object", "required": ["events"], "properties": {"events": {
                    "type": "object", "required": ["error_query", "total_query"],
                    "properties": {"error_query": {"type": "string", "pattern": "\\{\\{\\.window\\}\\}"},
                                   "total_query": {"type": "string", "pattern": "\\{\\{\\.window\\}\\}"}}}}},
                "alerting": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*$"},
                    "page_alert": {"type": "object"}, "ticket_alert": {"type": "object"}}},
            }}},
    },
}


def test_the_30_day_table_reproduces_the_published_values():
    t = hl.burn_rate_alerts(30)
    assert list(t["severity"]) == ["page", "page", "ticket"]
    assert list(t["long_window"]) == ["1h", "6h", "3d"]
    assert list(t["short_window"]) == ["5m", "30m", "6h"]
    assert list(t["burn_rate"]) == pytest.approx([14.4, 6.0, 1.0])
    assert list(t["budget_consumed"]) == [0.02, 0.05, 0.10]
    assert list(t["time_to_exhaust_h"]) == pytest.approx([50, 120, 720])


@pytest.mark.parametrize("days, long, short", [
    (7, ["14m", "84m", "1008m"], ["70s", "7m", "84m"]),
    (14, ["28m", "168m", "2016m"], ["140s", "14m", "168m"]),
    (28, ["56m", "336m", "4032m"], ["280s", "28m", "336m"]),
    (90, ["3h", "18h", "9d"], ["15m", "90m", "18h"]),
])
def test_other_windows_scale_the_alert_windows_and_keep_the_thresholds(days, long, short):
    t = hl.burn_rate_alerts(days)
    assert list(t["long_window"]) == long and list(t["short_window"]) == short
    assert list(t["burn_rate"]) == [14.4, 6.0, 1.0]
    # burn rate = window x fraction / long window, as published
    assert list(days * 24 * t["budget_consumed"] / t["long_window_h"]) == pytest.approx([14.4, 6, 1])
    # each alert is on a burn that spends the whole budget inside the window
    assert all(t["time_to_exhaust_h"] <= days * 24 * (1 + 1e-12))
    assert list(t["time_to_exhaust_h"]) == pytest.approx([days * 24 / 14.4, days * 4, days * 24])


@given(st.floats(1, 366))
def test_every_window_gives_thresholds_of_at_least_one(days):
    t = hl.burn_rate_alerts(days)
    assert (t["burn_rate"] >= 1).all() and (t["time_to_exhaust_h"] <= days * 24 * (1 + 1e-12)).all()
    assert t["short_window_h"].tolist() == pytest.approx((t["long_window_h"] / 12).tolist())


def test_a_policy_whose_threshold_would_be_below_one_is_refused():
    with pytest.raises(hl.InvalidInputError, match="threshold is at least 1"):
        hl.burn_rate_alerts(30, policy=(("ticket", 100.0, 0.10),))


@pytest.mark.parametrize("target, days, seconds", [
    (0.999, 30, 43.2 * 60), (0.9995, 30, 21.6 * 60), (0.999, 28, 40.32 * 60),
    (0.9999, 7, 60.48), (0.99, 90, 0.01 * 90 * 86400),
])
def test_budgets_by_hand(target, days, seconds):
    assert hl.error_budget(target, days) == pytest.approx(seconds, rel=1e-12)


def test_ceiling_headroom_and_warning():
    arch = hl.load_architecture("multi_az_postgres")
    ok = hl.slo_plan(arch, 0.9995, 30)
    u = arch.evaluate().unavailability
    assert ok.ceiling == pytest.approx(1 - u) and ok.achievable
    assert ok.expected_downtime_s == pytest.approx(u * 30 * 86400)
    assert ok.headroom_s == pytest.approx(0.0005 * 30 * 86400 - u * 30 * 86400)
    assert "Warning" not in ok.summary()
    too_high = hl.slo_plan(arch, 0.9999, 30)
    assert not too_high.achievable
    assert "Warning: the target is above what the design can give" in too_high.summary()


@pytest.mark.parametrize("call, message", [
    (lambda: hl.error_budget(1.0), "target: 1.0 is not in (0, 1)"),
    (lambda: hl.error_budget(99.9), "target: 99.9 is not in [0, 1]"),
    (lambda: hl.error_budget(0.999, "2w"), "window: '2w' is not a number of days"),
    (lambda: hl.error_budget(0.999, 400), "window: 400 is not in [1, 366] days"),
])
def test_bad_input(call, message):
    with pytest.raises(hl.InvalidInputError) as err:
        call()
    assert str(err.value).startswith(message)


def test_openslo_export_round_trips_and_follows_the_spec():
    plan = hl.slo_plan(hl.load_architecture("multi_az_postgres"), 0.9995, 28)
    docs = list(yaml.safe_load_all(hl.to_openslo(plan, "Checkout API")))
    service, slo = docs
    assert service["kind"] == "Service" and service["metadata"]["name"] == "checkout-api"
    jsonschema.validate(slo, OPENSLO_SLO)
    assert slo["spec"]["objectives"][0]["target"] == 0.9995
    assert slo["spec"]["timeWindow"] == [{"duration": "28d", "isRolling": True}]
    conditions = [p["spec"]["conditions"][0]["spec"]["condition"] for p in slo["spec"]["alertPolicies"]]
    assert [c["threshold"] for c in conditions] == pytest.approx([14.4, 6, 1])
    assert [(c["lookbackWindow"], c["alertAfter"]) for c in conditions] == [
        ("56m", "280s"), ("336m", "28m"), ("4032m", "336m")]
    notes = [p["spec"]["conditions"][0]["metadata"]["annotations"] for p in slo["spec"]["alertPolicies"]]
    assert notes[0] == {"hadr-workbook/long-window": "56m", "hadr-workbook/short-window": "280s",
                        "hadr-workbook/slo-window": "28d"}


def test_sloth_alert_windows_carry_the_window_and_both_alert_windows():
    plan = hl.slo_plan(hl.load_architecture("multi_az_postgres"), 0.999, 7)
    spec = yaml.safe_load(hl.to_sloth_alert_windows(plan))
    assert spec["apiVersion"] == "sloth.slok.dev/v1" and spec["kind"] == "AlertWindows"
    assert spec["spec"]["sloPeriod"] == "7d"
    assert spec["spec"]["page"] == {
        "quick": {"errorBudgetPercent": 2.0, "shortWindow": "70s", "longWindow": "14m"},
        "slow": {"errorBudgetPercent": 5.0, "shortWindow": "7m", "longWindow": "84m"}}
    ticket = {"errorBudgetPercent": 10.0, "shortWindow": "84m", "longWindow": "1008m"}
    assert spec["spec"]["ticket"] == {"quick": ticket, "slow": ticket}


def test_sloth_export_round_trips_and_follows_the_spec():
    plan = hl.slo_plan(hl.load_architecture("single_server"), 0.99, 30)
    spec = yaml.safe_load(hl.to_sloth(plan, "billing"))
    jsonschema.validate(spec, SLOTH)
    assert spec["slos"][0]["objective"] == 99.0
    assert re.search(r'service="billing"', spec["slos"][0]["sli"]["events"]["total_query"])


def test_a_plan_and_its_alerts_as_json():
    import json

    from hadr_lib.slo import alert_records

    plan = hl.slo_plan(hl.load_architecture("single_server"), 0.999, 30)
    d = plan.to_dict()
    assert d["error_budget_s"] == pytest.approx(0.001 * 30 * 86400)  # 43.2 minutes
    assert d["headroom_s"] == pytest.approx(d["error_budget_s"] - d["expected_downtime_s"])
    alerts = alert_records(hl.burn_rate_alerts(30))
    assert alerts[0]["long_window_s"] == 3600 and alerts[0]["burn_rate"] == pytest.approx(14.4)
    json.dumps({**d, "alerts": alerts}, allow_nan=False)
