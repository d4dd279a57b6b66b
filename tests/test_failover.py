"""Failover timelines against hand sums of their stages."""

import re

import pytest

import hadr_lib as hl


def test_detection_by_hand():
    s = hl.detection(30, 3, 4)
    assert (s.best_s, s.typical_s, s.worst_s) == (60, 2.5 * 30 + 2, 94)
    fast = hl.detection(10, 1, 2)
    assert (fast.best_s, fast.worst_s) == (0, 12)


def test_dns_by_hand():
    s = hl.dns(60, 30)
    assert (s.best_s, s.typical_s, s.worst_s) == (0, 45, 90)


def test_route53_preset_is_the_articles_settings():
    stages = hl.FAILOVER_PRESETS["route53_region_failover"]
    assert "30 s, threshold 3" in stages[0].name
    # detection (60, 78, 96) + TTL (0, 30, 60) + warm-up (5, 15, 60)
    assert hl.failover_seconds(stages, "best") == 65
    assert hl.failover_seconds(stages, "typical") == 123
    assert hl.failover_seconds(stages, "worst") == 216
    assert all(s.source for s in stages)


def test_rds_and_mongodb_presets_carry_published_figures():
    rds = hl.FAILOVER_PRESETS["rds_multi_az"][0]
    assert (rds.best_s, rds.worst_s) == (60, 120)
    mongo = hl.FAILOVER_PRESETS["mongodb_replica_set"][0]
    assert mongo.typical_s == 12 and "12 s" in mongo.source


def test_timeline_starts_and_table():
    t = hl.timeline(hl.FAILOVER_PRESETS["postgres_patroni"])
    assert list(t["typical_start_s"]) == [0, 30, 33]
    table = hl.failover_table().set_index("failure")
    assert table.loc["rds_multi_az", "typical_s"] == 105
    assert set(table.index) == set(hl.FAILOVER_PRESETS)


def test_summary_against_an_rto():
    assert hl.failover_summary("route53_region_failover", 300) == (
        "Recovery takes 1.08 minutes at best, 2.05 minutes typically and 3.6 minutes at "
        "worst: it meets the 5 minutes RTO.")
    assert "meets only in the typical case" in hl.failover_summary("route53_region_failover", 150)
    assert "misses" in hl.failover_summary("route53_region_failover", 60)


def test_standby_takes_its_failover_time_from_a_preset():
    arch = hl.load_architecture({"architecture": {"standby": {
        "primary": {"component": {"name": "p", "mtbf_h": 999, "mttr_h": 1}},
        "standbys": [{"component": {"name": "s", "mtbf_h": 999, "mttr_h": 1}}],
        "failover_preset": "rds_multi_az"}}})
    assert arch.root.failover_s == 105
    with pytest.raises(hl.InvalidInputError, match="standby.failover_preset: 'teleport' is not a preset"):
        hl.load_architecture({"architecture": {"standby": {
            "primary": {"component": {"name": "p", "mtbf_h": 999, "mttr_h": 1}},
            "standbys": [{"component": {"name": "s", "mtbf_h": 999, "mttr_h": 1}}],
            "failover_preset": "teleport"}}})


def test_a_presets_best_and_worst_cases_give_its_error_factor():
    # rds_multi_az: 65 / 105 / 180 s; the worst side is further out: 180 / 105
    assert hl.failover_error_factor("rds_multi_az") == pytest.approx(180 / 105)
    # mongodb_replica_set: 11 / 14 / 40 s
    assert hl.failover_error_factor("mongodb_replica_set") == pytest.approx(40 / 14)
    # the best side further out: typical / best
    assert hl.failover_error_factor([hl.Stage("x", 10, 100, 150)]) == pytest.approx(10.0)
    assert hl.failover_error_factor([hl.Stage("x", 0, 10, 30)]) == pytest.approx(3.0)  # no lower side
    assert hl.failover_error_factor([hl.Stage("x", 30, 30, 30)]) is None  # nothing to draw
    assert hl.failover_error_factor([hl.Stage("x", 1, 1, 1000)]) == 100.0  # capped


def test_a_standby_on_a_preset_is_as_uncertain_as_the_preset_says():
    standby = {"primary": {"component": {"name": "p", "mtbf_h": 999, "mttr_h": 1}},
               "standbys": [{"component": {"name": "s", "mtbf_h": 999, "mttr_h": 1}}],
               "failover_preset": "rds_multi_az"}
    arch = hl.load_architecture({"architecture": {"standby": standby}})
    assert arch.root.failover_error_factor == pytest.approx(180 / 105)
    # the ranking names the failover time as something to learn more about
    result = hl.propagate(arch, draws=2_000, seed=1)
    assert "failover" in set(result.sensitivity["kind"])
    # a stated factor wins, and 1 says "this time is known"
    sure = hl.load_architecture({"architecture": {"standby": {**standby, "failover_error_factor": 1}}})
    assert sure.root.failover_error_factor == 1


@pytest.mark.parametrize("make, message", [
    (lambda: hl.detection(0, 3, 4), "interval_s: 0"),
    (lambda: hl.detection(30, 11, 4), "threshold: 11"),
    (lambda: hl.detection(30, 3, 40), "timeout_s: 40"),
    (lambda: hl.dns(-1), "ttl_s: -1"),
    (lambda: hl.Stage("x", 10, 5, 20), "x: best 10 s, typical 5 s and worst 20 s are not in order"),
    (lambda: hl.failover_seconds("route53_region_failover", "median"), "case: 'median'"),
])
def test_bad_stages_are_named(make, message):
    with pytest.raises(hl.InvalidInputError, match=message):
        make()


# --------------------------------------------------------------------------- presets are data


def test_presets_are_read_from_data_with_a_source_and_date_on_every_row():
    import csv

    from hadr_lib.failover import PRESETS_CSV

    with open(PRESETS_CSV, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["preset"] for r in rows} == set(hl.FAILOVER_PRESETS)
    assert all(r["source"] and r["read_on"] for r in rows)
    # by hand: RDS Multi-AZ 60-120 s (typical 90) plus 5-60 s of warm-up (typical 15)
    assert [hl.failover_seconds("rds_multi_az", c) for c in ("best", "typical", "worst")] == [65, 105, 180]
    # Patroni: lock 20/30/40 + promotion 1/3/10 + warm-up 5/15/60
    assert hl.failover_seconds("postgres_patroni") == 48


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace(",2026-11-25", ",", 1), "line 2 (route53_region_failover): no source or date"),
    (lambda t: t.replace(",60,78.0,96,", ",60,soon,96,", 1), "line 2 (route53_region_failover): a time is not"),
    (lambda t: t.replace("read_on", "date", 1), "columns"),
    (lambda t: t.replace(",60,78.0,96,", ",96,78.0,60,", 1), "are not in order"),
])
def test_a_broken_presets_file_is_refused(tmp_path, change, message):
    from hadr_lib.failover import PRESETS_CSV, read_presets

    bad = tmp_path / "presets.csv"
    bad.write_text(change(PRESETS_CSV.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(hl.InvalidInputError, match=re.escape(message)):
        read_presets(bad)
