"""The architecture file format: loading, the JSON Schema, and errors that name the place."""

from __future__ import annotations

import textwrap

import jsonschema
import pytest
import yaml

import hadr_lib as hl
from hadr_lib.architecture_file import ARCHITECTURES_DIR, architecture_schema
from hadr_lib.checks import InvalidInputError

REFERENCES = sorted(ARCHITECTURES_DIR.glob("*.yaml"))


def test_the_shipped_references_are_there():
    names = set(hl.reference_architectures())
    assert {"single_server", "multi_az_postgres", "mongodb_replica_set",
            "three_regions_active_active", "azure_web_app_two_regions"} <= names


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.stem)
def test_references_load_and_follow_the_schema(path):
    data = yaml.safe_load(path.read_text())
    jsonschema.validate(data, architecture_schema())
    arch = hl.load_architecture(path)
    assert arch.name == data["name"] and arch.description
    for comp in arch.components:
        assert comp.source, f"{comp.name} says where its figure comes from"


#: The shipped designs priced from data/running_costs.csv (no dated Azure list price is on file).
PRICED = ("single_server", "multi_az_postgres", "mongodb_replica_set", "three_regions_active_active",
          "web_app_three_zones")


@pytest.mark.parametrize("key", PRICED)
def test_shipped_running_costs_name_their_price_row_and_its_date(key):
    import re

    from hadr_lib.catalog import running_costs

    rows = running_costs().set_index("id")
    arch = hl.load_architecture(key)
    assert arch.currency == "USD" and arch.cost_per_year is not None
    for comp in arch.components:
        m = re.fullmatch(r"(?:(\d+) x )?running_costs\.csv ([\w.-]+): .*list price, (\d{4}(?:-\d\d){0,2})",
                         comp.cost_source or "")
        assert m, f"{comp.name}: {comp.cost_source!r}"
        times, row = int(m.group(1) or 1), rows.loc[m.group(2)]
        assert m.group(3) == row["price_date"] and row["source_url"].startswith("https://")
        assert comp.cost_per_year == pytest.approx(times * row["cost_per_year_usd"], abs=0.005)


def test_running_cost_rows_are_price_times_units(tmp_path):
    from hadr_lib.catalog import running_costs

    costs = running_costs()
    # hand-checked: 0.0816 $/h x 8,760 h; 0.065 x 8,760; 0.0225 x 8,760; 0.50 $/month x 12
    by_id = dict(zip(costs["id"], costs["cost_per_year_usd"]))
    assert {k: by_id[k] for k in ("aws-ec2-m7g-large", "aws-rds-postgres-db-t4g-medium", "aws-alb-hour",
                                  "aws-route53-hosted-zone")} == {
        "aws-ec2-m7g-large": 714.82, "aws-rds-postgres-db-t4g-medium": 569.40, "aws-alb-hour": 197.10,
        "aws-route53-hosted-zone": 6.00}
    bad = tmp_path / "costs.csv"
    text = (hl.catalog.DATA_DIR / "running_costs.csv").read_text()
    bad.write_text(text.replace(",714.82,", ",741.82,"))
    with pytest.raises(InvalidInputError, match="aws-ec2-m7g-large: cost_per_year_usd 741.82 is not "
                                                r"price_usd x units_per_year \(714.82\)"):
        running_costs(bad)
    (tmp_path / "nodate.csv").write_text(text.replace(",2026-06-17,", ",,"))
    with pytest.raises(InvalidInputError, match="row 2 lacks one of"):
        running_costs(tmp_path / "nodate.csv")


def test_design_currency_and_cost_source_round_trip_and_are_checked():
    data = {"name": "x", "currency": "EUR", "architecture": {"component": {
        "name": "db", "availability": 0.999, "cost_per_year": 1200, "cost_source": "a quote, 2026-12-01"}}}
    arch = hl.load_architecture(data)
    assert arch.currency == "EUR" and arch.component("db").cost_source == "a quote, 2026-12-01"
    again = hl.load_architecture(hl.dump_architecture(arch))
    assert again.currency == "EUR" and again.component("db").cost_source == "a quote, 2026-12-01"
    bad = {"name": "x", "architecture": {"component": {"name": "db", "availability": 0.999,
                                                      "cost_source": "a quote"}}}
    with pytest.raises(InvalidInputError, match="architecture.component.cost_source: 'a quote' is given "
                                                "without a cost_per_year"):
        hl.load_architecture(bad)


def test_mapping_and_path_give_the_same_model(tmp_path):
    mapping = {"name": "two", "architecture": {"parallel": [
        {"component": {"name": "a", "availability": 0.99}},
        {"component": {"name": "b", "availability": "99%"}}]}}
    f = tmp_path / "two.yaml"
    f.write_text(yaml.safe_dump(mapping))
    for source in (mapping, f, str(f)):
        assert hl.load_architecture(source).evaluate().unavailability == pytest.approx(1e-4, rel=1e-12)


def test_catalogue_figures_carry_their_source():
    comp = hl.load_architecture("single_server").component("server")
    assert comp.availability == 0.995
    assert "aws.amazon.com/compute/sla" in comp.source and "2026-11-25" in comp.source


def test_numbers_written_as_text_are_read_as_decimals():
    arch = hl.load_architecture({"architecture": {"component": {
        "name": "x", "mtbf_h": "1e4", "mttr_h": "1"}}})
    assert arch.evaluate().unavailability == pytest.approx(1 / 10001, rel=1e-12)


def comp(**fields):
    return {"component": {"name": "x", "availability": 0.99, **fields}}


BAD = [
    ({"architecture": {"series": [comp(), {"parallel": [
        {"component": {"name": "y", "availability": 1.3}}]}]}},
     "architecture.series[1].parallel[0].component.availability: 1.3 is not in [0, 1]"),
    ({"architecture": {"series": [comp(), {"component": {"name": "x", "availability": 0.9}}]}},
     "architecture.series[1].component.name: 'x' is a duplicate component name (also at architecture.series[0].component)"),
    ({"architecture": {"component": {"name": "x", "availability": 0.9, "colour": "red"}}},
     "architecture.component.colour: unknown field; allowed: name, availability, sla, mtbf_h, mttr_h, count, source"),
    ({"architecture": {"component": {"name": "x", "availability": 0.9}, "series": []}},
     "architecture: a block has exactly one key, this one has 2 (component, series)"),
    ({"architecture": {"pipeline": [comp()]}},
     "architecture.pipeline: unknown block type; use one of component, series, parallel, k_of_n, standby, common_cause"),
    ({"architecture": {"k_of_n": {"k": 3, "of": [comp(), {"component": {"name": "y", "availability": 0.9}}]}}},
     "architecture.k_of_n.k: 3 is not a whole number in [1, 2] (n = 2 blocks)"),
    ({"architecture": {"k_of_n": {"of": [comp()]}}}, "architecture.k_of_n.k: missing"),
    ({"architecture": {"component": {"availability": 0.9}}},
     "architecture.component.name: missing"),
    ({"architecture": {"component": {"name": "x"}}},
     "architecture.component: give exactly one of availability, sla, or mtbf_h with mttr_h (component 'x' has none)"),
    ({"architecture": {"component": {"name": "x", "mtbf_h": 100}}},
     "architecture.component.mttr_h: missing"),
    ({"architecture": {"component": {"name": "x", "mtbf_h": -1, "mttr_h": 1}}},
     "architecture.component.mtbf_h: -1 is not a number in (0, inf) hours"),
    ({"architecture": {"component": {"name": "x", "sla": "aws-nope"}}},
     "architecture.component.sla: 'aws-nope' is not in the cloud SLA catalogue"),
    ({"architecture": {"component": {"name": "x", "availability": "high"}}},
     "architecture.component.availability: 'high' is not a number"),
    ({"architecture": {"component": {"name": "x", "availability": 0.9, "count": 1.5}}},
     "architecture.component.count: 1.5 is not a whole number"),
    ({"architecture": {"series": []}}, "architecture.series: [] is not a non-empty list of blocks"),
    ({"architecture": {"common_cause": {"beta": 2, "of": [comp()]}}},
     "architecture.common_cause.beta: 2 is not a number in [0, 1]"),
    ({"architecture": {"standby": {"primary": comp(), "standbys": [comp(name="y")], "failover_s": 60}}},
     "architecture.standby.primary: a failover time needs the primary's mean outage length"),
    ({"architecture": {"standby": {"primary": comp(), "standbys": [comp(name="y")], "coverage": 1.2}}},
     "architecture.standby.coverage: 1.2 is not a number in [0, 1]"),
    ({"architecture": {"standby": {"primary": comp()}}}, "architecture.standby.standbys: missing"),
    ({"architecture": ["component"]}, "architecture: ['component'] is not a block"),
    ({"name": "x"}, "architecture: missing"),
    ({"architecture": comp(), "owner": "me"}, "owner: unknown field at the top; allowed: name, description, currency, regions, zones, findings, architecture"),
]


@pytest.mark.parametrize("data, message", BAD, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)])
def test_bad_files_name_the_place_the_value_and_what_is_allowed(data, message):
    with pytest.raises(hl.InvalidInputError) as err:
        hl.load_architecture(data)
    assert str(err.value).startswith(message), str(err.value)


# Structural mistakes the schema catches as well (value rules such as k <= n or
# unique names are the loader's alone).
SCHEMA_BAD = [data for data, message in BAD if any(m in message for m in (
    "unknown field", "exactly one key", "unknown block type", "k_of_n.k: missing",
    "name: missing", "give exactly one of", "mttr_h: missing", "count: 1.5",
    "is not a non-empty list", "is not a block", "architecture: missing",
    "standbys: missing", "'high' is not a number"))]


def test_schema_cases_cover_the_structural_mistakes():
    assert len(SCHEMA_BAD) == 14


@pytest.mark.parametrize("data", SCHEMA_BAD, ids=str)
def test_the_schema_refuses_what_the_loader_refuses(data):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, architecture_schema())


def test_yaml_syntax_error_names_the_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(textwrap.dedent("""\
        name: broken
        architecture:
          series:
            - component: {name: a, availability: 0.9
            - component: {name: b, availability: 0.9}
        """))
    with pytest.raises(hl.InvalidInputError, match=r"bad\.yaml: YAML syntax error at line 5"):
        hl.load_architecture(f)


def test_duplicate_yaml_keys_are_refused(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("architecture:\n  component: {name: a, availability: 0.9, availability: 0.99}\n")
    with pytest.raises(hl.InvalidInputError, match="duplicate key 'availability'"):
        hl.load_architecture(f)


def test_missing_file():
    with pytest.raises(hl.InvalidInputError, match="no such file"):
        hl.load_architecture("does/not/exist.yaml")


@pytest.mark.parametrize("findings, message", [
    ("many", "findings: str is not a list of at most 2,000 findings"),
    ([{"severity": "fatal", "message": "x"}], "findings[0].severity: 'fatal' is not one of error, warning, info"),
    ([{"severity": "info"}], "findings[0].message: missing"),
    ([{"severity": "info", "message": "x", "why": "y"}], "findings[0].why: unknown field"),
    ([{"severity": "info", "message": "bad\x07"}], "findings[0].message"),
])
def test_findings_in_a_design_file_are_checked(findings, message):
    with pytest.raises(InvalidInputError) as err:
        hl.load_architecture({"architecture": {"component": {"name": "a", "availability": 0.99}},
                              "findings": findings})
    assert str(err.value).startswith(message), str(err.value)


def test_findings_are_kept_through_changes_and_files():
    f = [{"severity": "warning", "message": "no backups", "source": "main.tf:3", "field": "backup"}]
    arch = hl.load_architecture({"architecture": {"component": {"name": "a", "mtbf_h": 100, "mttr_h": 1}},
                                 "findings": f})
    assert arch.findings == tuple(f)
    assert arch.with_changes({"a": {"mttr_h": 2}}).findings == tuple(f)
    assert hl.dump_architecture(arch)["findings"] == f
    assert "findings" not in hl.dump_architecture(hl.load_architecture("single_server"))
