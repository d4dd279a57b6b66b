"""Designs written back: ``dump_architecture`` is the inverse of ``load_architecture``."""

from __future__ import annotations

import itertools
import json

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.availability import InvalidInputError
from hadr_lib.scenario import scenario_schema


def same_figures(a: hl.Architecture, b: hl.Architecture) -> None:
    ea, eb = a.evaluate(), b.evaluate()
    assert ea == eb
    assert [c.replica_unavailability for c in a.components] == \
        [c.replica_unavailability for c in b.components]
    assert a.cost_per_year == b.cost_per_year
    ia, ib = a.importance(), b.importance()
    assert ia.equals(ib)


@pytest.mark.parametrize("name", sorted(hl.reference_architectures()))
def test_every_shipped_design_round_trips(name):
    arch = hl.load_architecture(name)
    dumped = hl.dump_architecture(arch)
    # through YAML text, as a user would save it
    again = hl.load_architecture(yaml.safe_load(yaml.safe_dump(dumped, sort_keys=False)))
    same_figures(arch, again)
    assert again.name == arch.name and again.description == arch.description
    assert [c.source for c in again.components] == [c.source for c in arch.components]
    assert [c.sla for c in again.components] == [c.sla for c in arch.components]
    assert hl.dump_architecture(again) == dumped  # a fixed point
    jsonschema.validate(dumped, hl.architecture_schema())


def test_a_preset_and_a_percent_are_written_as_the_numbers_they_stand_for():
    arch = hl.load_architecture({"name": "db pair", "architecture": {"standby": {
        "primary": {"component": {"name": "a", "mtbf_h": 2000, "mttr_h": "1.5"}},
        "standbys": [{"component": {"name": "b", "availability": "99.95%", "count": 2,
                                    "cost_per_year": 1200}}],
        "failover_preset": "rds_multi_az", "coverage": 0.99,
        "failback": True}}})  # b has no failure rate: only with failback is its turn not needed
    body = hl.dump_architecture(arch)["architecture"]["standby"]
    assert body["failover_s"] == hl.failover_seconds("rds_multi_az")
    assert body["failover_error_factor"] == hl.failover_error_factor("rds_multi_az")
    assert body["coverage"] == 0.99
    assert body["primary"] == {"component": {"name": "a", "mtbf_h": 2000.0, "mttr_h": 1.5}}
    assert body["standbys"] == [{"component": {"name": "b", "availability": 0.9995, "count": 2,
                                               "cost_per_year": 1200.0}}]
    same_figures(arch, hl.load_architecture(hl.dump_architecture(arch)))


def test_an_sla_component_keeps_its_id_and_its_own_source_only():
    arch = hl.load_architecture({"architecture": {"series": [
        {"component": {"name": "lb", "sla": "aws-ec2-instance"}},
        {"component": {"name": "db", "sla": "aws-rds-multi-az", "source": "our own note"}}]}})
    kids = hl.dump_architecture(arch)["architecture"]["series"]
    assert kids[0] == {"component": {"name": "lb", "sla": "aws-ec2-instance"}}
    assert kids[1] == {"component": {"name": "db", "sla": "aws-rds-multi-az", "source": "our own note"}}


def test_a_what_if_is_written_with_its_changes():
    arch = hl.load_architecture("multi_az_postgres")
    name = arch.components[0].name
    changed = arch.with_changes({name: {"availability": 0.99999}})
    again = hl.load_architecture(hl.dump_architecture(changed))
    assert again.component(name).availability == 0.99999
    assert again.component(name).sla is None
    same_figures(changed, again)


def test_something_that_is_not_an_architecture_is_refused():
    with pytest.raises(InvalidInputError, match="architecture: dict is not an Architecture"):
        hl.dump_architecture({"architecture": {}})


# --------------------------------------------------------------------------- any design

@st.composite
def blocks(draw, depth=0):
    """A random design mapping of every block kind (components with MTBF/MTTR, so a
    standby can have a failover time)."""
    if depth >= 3 or draw(st.booleans()):
        body = {"name": f"c{draw(st.integers(0, 10**9))}",
                "mtbf_h": draw(st.sampled_from([50.0, 800.0, 8760.0])),
                "mttr_h": draw(st.sampled_from([0.25, 2.0, 24.0]))}
        if draw(st.booleans()):
            body = {"name": body["name"], "availability": draw(st.sampled_from([0.9, 0.999, 0.999999]))}
        if draw(st.booleans()):
            body["count"] = draw(st.integers(2, 3))
        if draw(st.booleans()):
            body["error_factor"] = draw(st.sampled_from([1.5, 3.0]))
        return {"component": body}
    kind = draw(st.sampled_from(["series", "parallel", "k_of_n", "standby", "common_cause"]))
    kids = draw(st.lists(blocks(depth=depth + 1), min_size=1, max_size=3))
    if kind in ("series", "parallel"):
        return {kind: kids}
    if kind == "k_of_n":
        return {kind: {"k": draw(st.integers(1, len(kids))), "of": kids}}
    if kind == "common_cause":
        body = {"beta": draw(st.sampled_from([0.0, 0.05, 0.2])), "of": kids,
                "k": draw(st.integers(1, len(kids)))}
        if draw(st.booleans()):
            body["name"] = "zone a"
        return {kind: body}
    primary = kids[0]
    timed = "component" in primary and "mtbf_h" in primary["component"]  # a known outage length
    standbys = kids[1:] or [draw(blocks(depth=3))]
    rated = all('"availability"' not in json.dumps(b) for b in (primary, *standbys))  # every failure rate known
    return {kind: {"primary": primary, "standbys": standbys,
                   "failover_s": draw(st.sampled_from([0, 30, 600])) if timed else 0,
                   "coverage": draw(st.sampled_from([1.0, 0.95])),
                   "failback": draw(st.booleans()) if rated else True}}


def _unique(block, counter=None):
    """Component names made unique, in order."""
    counter = counter if counter is not None else itertools.count()
    (kind, body), = block.items()
    if kind == "component":
        return {kind: {**body, "name": f"c{next(counter)}"}}
    if kind in ("series", "parallel"):
        return {kind: [_unique(b, counter) for b in body]}
    if kind == "standby":
        return {kind: {**body, "primary": _unique(body["primary"], counter),
                       "standbys": [_unique(b, counter) for b in body["standbys"]]}}
    return {kind: {**body, "of": [_unique(b, counter) for b in body["of"]]}}


@settings(max_examples=120, deadline=None)
@given(blocks())
def test_any_design_round_trips(block):
    arch = hl.load_architecture({"name": "random", "architecture": _unique(block)})
    dumped = hl.dump_architecture(arch)
    jsonschema.validate(dumped, hl.architecture_schema())
    again = hl.load_architecture(dumped)
    same_figures(arch, again)
    assert hl.dump_architecture(again) == dumped


@pytest.mark.parametrize("name", sorted(hl.reference_scenarios()))
def test_every_shipped_scenario_round_trips(name):
    sc = hl.load_scenario(name)
    text = yaml.safe_dump(hl.dump_scenario(sc), sort_keys=False)
    assert hl.load_scenario(yaml.safe_load(text)) == sc
    jsonschema.validate(hl.dump_scenario(sc), scenario_schema())


def test_dump_scenario_refuses_what_is_not_a_scenario():
    with pytest.raises(InvalidInputError, match="scenario: str is not a Scenario"):
        hl.dump_scenario("ecommerce")


def test_architecture_yaml_is_a_design_file_that_reads_back():
    from hadr_lib.architecture_file import architecture_yaml

    arch = hl.load_architecture("three_regions_active_active")
    text = architecture_yaml(arch)
    assert text.startswith("# Three regions") and "common_cause" in text
    same_figures(arch, hl.load_architecture(yaml.safe_load(text)))
