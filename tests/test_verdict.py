import pytest

import hadr_lib as hl


@pytest.mark.parametrize("availability, status", [
    (0.99999, "green"),   # unavailability 1e-5 <= half of 1e-4
    (0.99995, "green"),   # exactly half
    (0.99992, "amber"),
    (0.9999, "amber"),    # exactly the target
    (0.9998, "red"),
])
def test_target_verdict(availability, status):
    got, sentence = hl.target_verdict(availability, 0.9999, "Design")
    assert got == status
    assert sentence.startswith(f"Design gives {hl.format_percent(availability)}")


def test_verdict_rejects_a_bad_target():
    with pytest.raises(hl.InvalidInputError, match="target: 99.9"):
        hl.target_verdict(0.999, 99.9)


def test_improvement_advice_in_plain_words():
    arch = hl.load_architecture("multi_az_postgres")
    lines = hl.improvement_advice(arch.importance())
    assert len(lines) == 4
    # the design's own parts first...
    assert lines[0] == ("Improve or add redundancy to the primary database: made perfect, it would "
                        "save 4.57 minutes of downtime a year (4% of the total).")
    assert "under 1%" in lines[2]
    # ...and the part known only by a provider's SLA apart, not as something to improve
    assert lines[3] == ("The load balancer is known only by its provider's SLA (49% of the "
                        "downtime, 52.6 minutes a year): not yours to improve; choose a higher "
                        "tier or put a redundant one beside it.")
    # with its zones and regions: the region it cannot lose comes first, said as a domain
    lines = hl.improvement_advice(arch.importance(include_groups=True))
    assert lines[0] == ("Survive the loss of the region: an outage there takes down every part "
                        "placed in it; were it never to fail, the design would save 48 minutes of "
                        "downtime a year (45% of the total). Spread the design over a second region.")
    # a zone or region without a label is said by its kind and name
    bare = hl.load_architecture({**hl.dump_architecture(arch), "regions": {
        "region-1": {"rate_per_year": 0.1, "mttr_h": 8.0}}})
    assert hl.improvement_advice(bare.importance(include_groups=True))[0].startswith(
        "Survive the loss of region region-1: an outage there")


def test_common_cause_groups_are_rows_and_the_advice_names_them():
    arch = hl.load_architecture("mongodb_replica_set")
    imp = arch.importance(include_groups=True)
    group = imp[imp["kind"] == "common_cause"].iloc[0]
    independent = arch.with_changes(betas={0: 0.0}).evaluate().unavailability
    assert group["name"] == "replica set software"
    assert group["downtime_saved_per_year_s"] == pytest.approx(
        (arch.evaluate().unavailability - independent) * 365.25 * 86400)
    advice = hl.improvement_advice(imp)
    assert advice[0].startswith("Survive the loss of the region: ")  # its zones and region are domains
    assert advice[1].startswith(
        "Remove the shared cause behind replica set software: were its members to fail "
        "independently, it would save 9.54 minutes")
    assert list(arch.importance()["kind"].unique()) == ["component"]  # rows on request


def test_advice_when_nothing_helps():
    arch = hl.Architecture(hl.Component("dns", availability=1.0))
    assert hl.improvement_advice(arch.importance()) == [
        "No single component stands out: the design is limited by its structure."]


def test_a_miss_within_rounding_says_so():
    status, sentence = hl.target_verdict(1 - 1.00001e-4, 0.9999, "Design")
    assert status == "red"
    assert hl.format_percent(1 - 1.00001e-4) == hl.format_percent(0.9999)  # the trap
    assert sentence == ("Design gives 99.9899999%, short of the 99.99% target by "
                        f"{hl.format_duration(1e-9 * 365.25 * 86400)} of downtime a year "
                        "(within rounding, but a miss).")


def test_advice_calls_parts_by_their_label():
    design = {"architecture": {"series": [
        {"component": {"name": "pg-primary", "label": "the primary database", "mtbf_h": 4380, "mttr_h": 2}},
        {"component": {"name": "lb", "availability": 0.9999}}]}}
    arch = hl.load_architecture(design)
    lines = hl.improvement_advice(arch.importance())
    assert lines[0].startswith("Improve or add redundancy to the primary database: made perfect")
    assert not any("pg-primary" in line for line in lines)
    assert arch.component("pg-primary").display == "the primary database"  # the name stays the id
    assert hl.dump_architecture(arch)["architecture"]["series"][0]["component"]["label"] == "the primary database"
    with pytest.raises(hl.InvalidInputError, match=r"component\.label: '' is not a label"):
        hl.load_architecture({"architecture": {"component": {"name": "x", "availability": 0.9, "label": ""}}})
