"""The DR risk model: hand-checked totals, the recommendation, break-evens, monotonicity."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.scenario import load_scenario


def row(table, strategy):
    return table.set_index("strategy").loc[strategy]


def test_ecommerce_daily_backup_by_hand():
    shop = hl.load_scenario("ecommerce_shop").replace(architecture=None)  # DR alone
    t = hl.strategy_table(shop)
    incidents = 6 + 0.5 + 0.1 + 0.5
    # covers everything: a 24 h outage each time, and the data since the last nightly
    # backup: 12 h on average (a failure at a random moment), 24 h at worst
    r = row(t, "daily_backup")
    assert r["downtime_per_year_h"] == pytest.approx(24 * incidents)
    assert r["data_lost_per_year"] == pytest.approx(12 * 1000 * incidents)
    assert r["data_lost_per_year_worst"] == pytest.approx(24 * 1000 * incidents)
    assert r["expected_loss"] == pytest.approx(24 * incidents * 50000 + 12 * 1000 * incidents * 50)
    assert r["worst_case_loss"] == pytest.approx(17_040_000)
    assert r["total_cost"] == pytest.approx(5000 + 12_780_000)
    assert not r["meets_rto"] and not r["meets_rpo"]


def test_replication_falls_back_for_corruption():
    shop = hl.load_scenario("ecommerce_shop").replace(architecture=None)
    r = row(hl.strategy_table(shop), "continuous_replication")
    # 6.6 covered incidents at 15 min of lag (counted in full); 0.5 corruptions at the
    # 72 h / 24 h fallback, the last off-site copy: 12 h of data lost on average
    hours = 0.25 * 6.6 + 72 * 0.5
    data = (0.25 * 6.6 + 12 * 0.5) * 1000
    assert r["downtime_per_year_h"] == pytest.approx(hours)
    assert r["expected_loss"] == pytest.approx(hours * 50000 + data * 50)
    assert not r["meets_rto"]  # the corruption outage (72 h) is over its 4 h target


def test_ecommerce_recommendation_dr_alone():
    shop = hl.load_scenario("ecommerce_shop").replace(architecture=None)
    t = hl.strategy_table(shop)
    rec, reason = hl.recommend(t)
    assert rec == "aws_warm_standby_pitr"
    r = row(t, rec)
    # 6.6 failures at 15 min and 8.33e-3 h of data; 0.5 corruptions at 2 h and 5 min of data
    hours = 0.25 * 6.6 + 2 * 0.5
    data = (0.00833 * 6.6 + 0.0833 * 0.5) * 1000
    assert r["total_cost"] == pytest.approx(130000 + hours * 50000 + data * 50)
    assert hl.recommendation_sentence(shop, t).startswith(
        "Recommended: Warm standby + point-in-time backups (AWS), $267,331 a year in total")


def test_the_design_recovers_instances_and_zones_itself():
    """HA and DR joined: the shop runs multi_az_postgres, whose standby fails over in
    90 s: a lost instance or zone costs 90 s, not the strategy's 15 min RTO; a region
    (which the design does not survive) and corruption still go by the strategy."""
    from hadr_lib.dr import design_recovery_h

    shop = hl.load_scenario("ecommerce_shop")
    assert design_recovery_h(hl.load_architecture("multi_az_postgres")) == pytest.approx(90 / 3600)
    t = hl.strategy_table(shop)
    r = row(t, "aws_warm_standby_pitr")
    hours = 0.025 * (6 + 0.5) + 0.25 * 0.1 + 2 * 0.5
    # its standby replicates synchronously: an instance or zone failed over loses nothing; a
    # region and corruption lose the strategy's RPO (30 s, 5 min)
    data = (0.00833 * 0.1 + 0.0833 * 0.5) * 1000
    assert r["downtime_per_year_h"] == pytest.approx(hours)
    assert r["total_cost"] == pytest.approx(130000 + hours * 50000 + data * 50)
    assert hl.recommendation_sentence(shop, t).startswith(
        "Recommended: Warm standby + point-in-time backups (AWS), $191,499 a year in total")
    # a design without redundancy (known by its SLA only) leaves the strategy's times
    assert design_recovery_h(hl.load_architecture("single_server")) is None
    # the mean outage of the parts' failures where every part has MTBF and MTTR: its zones
    # and region left out (a region's 8 h outages are priced as region disruptions), so
    # by hand as three app servers and a 2-of-3 set with beta 0.02, no domains
    q, q_app = 4 / 4384, 1 / 2191
    qi = 0.98 * q
    quorum, shared = 3 * qi**2 * (1 - qi) + qi**3, 0.02 * q
    group, app = 1 - (1 - quorum) * (1 - shared), q_app**3
    u = 1 - (1 - app) * (1 - group)
    f_group = 3 * 0.98 / 4384 * 2 * (1 - qi) * qi * (1 - shared) + 0.02 / 4384 * (1 - quorum)
    f = 3 * (1 / 2191) * q_app**2 * (1 - group) + f_group * (1 - app)
    mongo = hl.load_architecture("mongodb_replica_set")
    assert design_recovery_h(mongo) == pytest.approx(u / f, rel=1e-9)
    assert mongo.evaluate().mean_outage_s / 3600 > 1.5 * u / f  # with the region's outages


@pytest.mark.parametrize("name", ["ecommerce_shop", "small_saas", "regulated_payments"])
def test_recommended_really_is_the_cheapest_meeting_the_targets(name):
    sc = hl.load_scenario(name)
    t = hl.strategy_table(sc)
    rec, _ = hl.recommend(t)
    ok = t[t["meets_rto"] & t["meets_rpo"]]
    assert rec == ok.loc[ok["total_cost"].idxmin(), "strategy"]
    # Brute force over the catalogue, one strategy at a time
    for s in hl.load_strategies(costs=sc.strategy_costs):
        one = hl.strategy_table(sc, [s]).iloc[0]
        if one["meets_rto"] and one["meets_rpo"]:
            assert one["total_cost"] >= row(t, rec)["total_cost"] - 1e-6


def test_with_no_incidents_the_recommendation_says_it_is_only_on_paper():
    """Every rate 0: each strategy meets the targets vacuously and saves nothing, so
    the cheapest to run is named, and said to be a default, not a finding."""
    none = {"instance": 0, "zone": 0, "region": 0, "data_corruption": 0}
    sc = hl.load_scenario("ecommerce_shop").replace(incidents_per_year=none)
    t = hl.strategy_table(sc)
    assert (t["expected_loss"] == 0).all() and t["meets_rto"].all() and t["meets_rpo"].all()
    assert hl.nothing_happens(t)
    rec, reason = hl.recommend(t)
    assert rec == "daily_backup"  # $5,000 a year, the cheapest in the catalogue
    assert "no disruption is expected" in reason and "only on paper" in reason
    sentence = hl.recommendation_sentence(sc, t)
    assert sentence.startswith("No disruption is expected: every incident rate is 0")
    assert "Daily backup ($5,000 a year)" in sentence and "Recommended" not in sentence
    from hadr_lib.overview import overview

    lines = overview(sc).lines()
    assert any(line.startswith("DR strategy: Daily backup ($5,000 a year), the cheapest to run, "
                               "by default") for line in lines)
    assert not any("two loss figures" in line for line in lines)  # there is one
    # One rare disruption is enough for a real comparison again.
    rare = hl.strategy_table(sc.replace(incidents_per_year={**none, "data_corruption": 0.1}))
    assert not hl.nothing_happens(rare)
    assert "the cheapest in total that meets both targets" in hl.recommend(rare)[1]


def test_no_strategy_meets_an_impossible_target():
    sc = hl.load_scenario("regulated_payments").replace(rto_target_h=0.001)
    rec, reason = hl.recommend(hl.strategy_table(sc), sc)
    # a lost zone does not block: the design's 2-of-3 set spans the zones and carries on
    assert rec is None and reason.startswith("only a lost instance and a lost region block the targets")
    assert "Nothing in the catalogue meets" in hl.recommendation_sentence(sc, hl.strategy_table(sc))
    assert hl.recommend(hl.strategy_table(sc))[0] is None  # without the scenario: no reason to give


def test_a_ledger_is_told_what_blocks_it_never_the_fastest_strategy():
    """A payments ledger whose corrupted data must come back within an hour, losing at
    most 36 s: no strategy does. The fastest to recover (hourly snapshots) loses up to
    an hour of every kind of data and was named; what blocks is corrupted data only,
    and warm standby + point-in-time backups meets everything else (hand-checked from
    the shortfalls: it misses only corrupted data, at the lowest total of those that do)."""
    from hadr_lib.dr import blockers, shortfalls

    m = hl.load_scenario("regulated_payments").to_mapping()
    m["targets"] = {**m["targets"], "data_corruption": {"rto_h": 1, "rpo_h": 0.01}}
    sc = hl.load_scenario(m)
    b = blockers(sc)
    assert b.disruptions == ("data_corruption",) and b.best == "aws_warm_standby_pitr"
    misses = shortfalls(sc)
    assert [p.split(":")[0] for p in misses["aws_warm_standby_pitr"]] == ["data corrupted"]
    table = hl.strategy_table(sc).set_index("strategy")
    only_data = [sid for sid, ps in misses.items() if [p.split(":")[0] for p in ps] == ["data corrupted"]]
    assert min(only_data, key=lambda sid: table.loc[sid, "total_cost"]) == "aws_warm_standby_pitr"
    reason = hl.recommend(hl.strategy_table(sc), sc)[1]
    # the hourly snapshot is back within the hour: only the data loss blocks, and the
    # sentence says so (it said "recovers from it in time")
    assert reason == ("only corrupted data blocks the targets (RTO 1 hour, RPO 36 seconds): no strategy in "
                      "the catalogue loses that little data to it; Warm standby + point-in-time backups (AWS) "
                      "meets everything else")
    from hadr_lib.overview import overview

    line = next(x for x in overview(sc).lines() if x.startswith("DR strategy"))
    assert "fastest" not in line and "Hourly snapshot" not in line and "only corrupted data" in line
    # the other shortfalls, each said as it is (hand-checked against _recovery's table:
    # corrupted data back in 1 h at best (hourly snapshot), 5 minutes lost at best (PITR))
    def said(rto_h, rpo_h):
        m["targets"] = {**m["targets"], "data_corruption": {"rto_h": rto_h, "rpo_h": rpo_h}}
        return blockers(hl.load_scenario(m)).sentence

    assert "no strategy in the catalogue recovers from it in time;" in said(0.5, 1)
    assert "recovers from it in time or loses that little data;" in said(0.5, 0.01)
    # within 1 h (snapshot, losing 1 h) and losing at most 5 min (PITR, back in 2 h): never both
    assert "both recovers from it in time and loses that little data;" in said(1, 0.0834)


def test_edited_costs_change_the_answer():
    saas = hl.load_scenario("small_saas")
    assert hl.recommend(hl.strategy_table(saas))[0] == "hourly_snapshot"
    dearer = saas.replace(strategy_costs={"hourly_snapshot": 1_000_000})
    t = hl.strategy_table(dearer)
    assert row(t, "hourly_snapshot")["annual_cost"] == 1_000_000
    assert hl.recommend(t)[0] == "aws_warm_standby_pitr"


def test_break_even_is_where_totals_meet():
    saas = hl.load_scenario("small_saas")
    t = hl.strategy_table(saas)
    be = hl.break_even_table(saas, t)
    assert list(be["from"]) == ["hourly_snapshot"] and list(be["to"]) == ["aws_warm_standby_pitr"]
    c = be["break_even_cost_per_hour"].iloc[0]
    at = saas.replace(downtime_cost_per_hour=c)
    t2 = hl.strategy_table(at)
    assert row(t2, "hourly_snapshot")["total_cost"] == pytest.approx(row(t2, "aws_warm_standby_pitr")["total_cost"], rel=1e-9)
    below = hl.strategy_table(saas.replace(downtime_cost_per_hour=c * 0.9))
    above = hl.strategy_table(saas.replace(downtime_cost_per_hour=c * 1.1))
    assert below.loc[below["total_cost"].idxmin(), "strategy"] == "hourly_snapshot"
    assert above.loc[above["total_cost"].idxmin(), "strategy"] == "aws_warm_standby_pitr"


def test_sweep_matches_the_table():
    shop = hl.load_scenario("ecommerce_shop")
    costs = np.geomspace(100, 1e7, 1000)
    sweep = hl.total_cost_sweep(shop, costs)
    assert sweep.shape == (10, 1000)
    t = hl.strategy_table(shop.replace(downtime_cost_per_hour=float(costs[500])))
    np.testing.assert_allclose(np.sort(sweep[:, 500]), np.sort(t["total_cost"]), rtol=1e-12)


@given(st.floats(0, 1e6), st.floats(1, 10), st.sampled_from(hl.DISRUPTIONS))
def test_expected_loss_grows_with_downtime_cost_and_incidents(cost, factor, kind):
    sc = hl.load_scenario("small_saas")
    base = hl.strategy_table(sc.replace(downtime_cost_per_hour=cost))
    dearer = hl.strategy_table(sc.replace(downtime_cost_per_hour=cost * factor))
    assert (dearer["expected_loss"].to_numpy() >= base["expected_loss"].to_numpy() - 1e-6).all()
    more = dict(sc.incidents_per_year)
    more[kind] = more[kind] * factor + 0.1
    busier = hl.strategy_table(sc.replace(downtime_cost_per_hour=cost, incidents_per_year=more))
    assert (busier["expected_loss"].to_numpy() >= base["expected_loss"].to_numpy() - 1e-6).all()


def test_the_source_articles_calculator_is_reproduced_only_to_be_refuted():
    # 365 x 24 h RTO x $50k + 12 h x 1000 records x $50
    assert hl.seed_article_risk(50000, 24, 12) == pytest.approx(438_600_000)


def test_catalogue_rows_have_sources_and_published_ranges():
    strategies = {s.id: s for s in hl.load_strategies()}
    assert {"daily_backup", "hourly_snapshot", "continuous_replication", "active_active",
            "instant_failover", "aws_backup_restore", "aws_pilot_light", "aws_warm_standby",
            "aws_multi_site"} <= set(strategies)
    assert all(s.source for s in strategies.values())
    assert strategies["daily_backup"].annual_cost == 5000
    assert strategies["instant_failover"].annual_cost == 250000
    assert strategies["aws_backup_restore"].rto_h <= 24
    assert strategies["aws_multi_site"].rto_h < 1 / 60
    assert "data_corruption" not in strategies["continuous_replication"].protects_against
    with pytest.raises(hl.InvalidInputError, match="strategy_costs.nope: unknown strategy"):
        hl.load_strategies(costs={"nope": 1})


def test_layered_strategies_recover_by_the_best_layer_and_add_costs():
    shop = hl.load_scenario("ecommerce_shop")
    layered = shop.replace(architecture=None,  # DR alone
                           layered_strategies=(("continuous_replication", "hourly_snapshot"),))
    t = hl.strategy_table(layered)
    r = row(t, "continuous_replication+hourly_snapshot")
    assert r["label"] == "Continuous replication + Hourly snapshot"
    assert r["annual_cost"] == 50000 + 15000
    # instance, zone and region by replication (15 min, its lag in full); corruption by
    # the snapshot (1 h, half an hour of data on average) instead of the 72 h fallback
    hours = 0.25 * 6.6 + 1 * 0.5
    data = (0.25 * 6.6 + 0.5 * 0.5) * 1000
    assert r["downtime_per_year_h"] == pytest.approx(hours)
    assert r["data_lost_per_year"] == pytest.approx(data)
    assert r["expected_loss"] == pytest.approx(hours * 50000 + data * 50)
    alone = row(t, "continuous_replication")
    assert r["expected_loss"] < alone["expected_loss"]
    assert len(t) == len(hl.strategy_table(shop)) + 1


@pytest.mark.parametrize("layers, message", [
    ([["daily_backup"]], "is not a list of 2 to 4 different strategy ids"),
    ([["daily_backup", "daily_backup"]], "is not a list of 2 to 4 different"),
    ([["daily_backup", "tape"]], "'tape' is not a strategy"),
    ("daily_backup", "is not a list of at most 20 lists"),
])
def test_bad_layers(layers, message):
    import yaml

    data = yaml.safe_load((hl.reference_scenarios()["small_saas"]).read_text())
    data["layered_strategies"] = layers
    with pytest.raises(hl.InvalidInputError, match=message):
        hl.load_scenario(data)


@pytest.mark.parametrize("name", ["ecommerce_shop", "small_saas", "regulated_payments"])
def test_cost_sweep_break_evens_are_where_the_two_totals_meet(name):
    from hadr_lib.dr import cost_sweep

    sc = load_scenario(name)
    sweep = cost_sweep(sc)
    index = {s.id: i for i, s in enumerate(sweep.strategies)}
    assert [s.annual_cost for s in sweep.strategies] == sorted(s.annual_cost for s in sweep.strategies)
    assert sweep.totals.shape == (len(sweep.strategies), 400)
    for r, y in zip(sweep.break_even.itertuples(), sweep.break_even_totals):
        both = hl.total_cost_sweep(sc, [r.break_even_cost_per_hour], sweep.strategies)
        assert both[index[r.to], 0] == pytest.approx(y, rel=1e-12)
        assert both[index[r[1]], 0] == pytest.approx(y, rel=1e-9)  # r[1] is the "from" strategy


def test_break_even_sentence_and_shortfalls_in_words():
    from hadr_lib.dr import break_even_sentence, shortfalls

    sc = load_scenario("small_saas")
    text = break_even_sentence(sc)
    # Hourly snapshot until the lines cross; the crossing rounded to 3 figures.
    assert text.startswith("At $1,500/h of downtime, Hourly snapshot is cheapest in total; above $")
    assert "/h, switch to Warm standby + point-in-time backups (AWS)." in text
    be = hl.break_even_table(sc, hl.strategy_table(sc)[lambda t: t.meets_rto & t.meets_rpo].reset_index(drop=True))
    assert f"${float(f'{be.break_even_cost_per_hour.iloc[0]:.3g}'):,.0f}/h" in text
    why = shortfalls(sc)
    assert why["hourly_snapshot"] == [] and why["aws_warm_standby_pitr"] == []
    assert why["daily_backup"][0] == "an instance lost: back in 24 hours, RTO 8 hours"
    assert why["continuous_replication"] == [
        "data corrupted: back in 3 days (not covered: the fallback), RTO 8 hours"]
    # Nothing misses what never happens.
    quiet = sc.replace(incidents_per_year={d: 0.0 for d in sc.incidents_per_year})
    assert all(v == [] for v in shortfalls(quiet).values())


def test_the_dr_summary_is_what_hadr_dr_prints_as_json(capsys):
    import json

    from hadr_lib.cli import main
    from hadr_lib.dr import dr_summary

    sc = hl.load_scenario("ecommerce_shop")
    summary = dr_summary(sc)
    assert summary["recommended"] == hl.recommend(hl.strategy_table(sc))[0]
    assert [s["name"] for s in summary["strategies"]] == list(hl.strategy_table(sc)["strategy"])
    assert main(["dr", "ecommerce_shop", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"schema_version": 1, **summary}


def test_the_design_domains_and_the_scenario_rates_cannot_disagree_silently():
    from hadr_lib.dr import design_domain_rates, domain_rate_sentence, dr_summary

    sc = hl.load_scenario("small_saas").replace(architecture="web_app_three_zones")  # zone 0.3, region 0.05
    rates = design_domain_rates(sc)
    assert rates["zone"]["design"] == pytest.approx(1.5) and rates["zone"]["scenario"] == 0.3
    assert rates["region"] == {"scenario": 0.05, "design": 0.1, "domains": {"region-1": 0.1}}
    text = domain_rate_sentence(sc)
    # each zone or region said by its label
    assert ("the design's zones fail 1.5 times a year in all (zone A 0.5, zone B 0.5, zone C 0.5), "
            "the scenario says 0.3 zone incidents a year") in text
    assert "the design's regions fail 0.1 times a year in all (the region 0.1)" in text
    assert dr_summary(sc)["design_domains"] == rates
    agreeing = sc.replace(incidents_per_year={**sc.incidents_per_year, "zone": 1.5, "region": 0.1})
    assert domain_rate_sentence(agreeing) == ""
    # a design without domains has nothing to disagree with
    assert design_domain_rates(hl.load_scenario("small_saas")) == {}
    assert domain_rate_sentence(hl.load_scenario("small_saas")) == ""


def test_the_design_domains_say_what_losing_a_zone_or_region_costs():
    """web_app_three_zones runs 2 of 3 across three zones of one region: losing a zone
    costs it nothing, losing the region costs the region's 8 h outage unless a DR
    strategy recovers elsewhere sooner."""
    from hadr_lib.dr import domain_recovery_h, strategy_table

    arch = hl.load_architecture("web_app_three_zones")
    assert arch.survives_loss_of("zone-a") and not arch.survives_loss_of("region-1")
    assert domain_recovery_h(arch) == {"zone": 0.0, "region": 8.0}
    sc = hl.load_scenario("small_saas").replace(architecture="web_app_three_zones")
    table = strategy_table(sc).set_index("strategy")
    alone = strategy_table(sc.replace(architecture=None)).set_index("strategy")
    from hadr_lib.dr import scenario_strategies

    zone, region = sc.incidents_per_year["zone"], sc.incidents_per_year["region"]
    for s in scenario_strategies(sc):
        # each zone incident now costs nothing; each region incident at most 8 h
        z_h = (s.times_for("zone") or (sc.fallback_rto_h,))[0]
        r_h = (s.times_for("region") or (sc.fallback_rto_h,))[0]
        saved_h = alone.loc[s.id, "downtime_per_year_h"] - table.loc[s.id, "downtime_per_year_h"]
        assert saved_h == pytest.approx(zone * z_h + region * (r_h - min(r_h, 8.0)), rel=1e-9, abs=1e-12)
    # a design in one zone cannot lose it: the zone's outage is its recovery
    one = hl.load_architecture({"zones": {"z": {"rate_per_year": 1, "mttr_h": 3}},
                                "architecture": {"component": {"name": "a", "mtbf_h": 100, "mttr_h": 1},
                                                 "zone": "z"}})
    assert not one.survives_loss_of("z") and domain_recovery_h(one) == {"zone": 3.0}
    with pytest.raises(hl.InvalidInputError, match="'mars' is not a zone or region"):
        one.survives_loss_of("mars")


def _replicated(replication: dict | None, instance: float = 2.0):
    body = {"primary": {"component": {"name": "db-a", "mtbf_h": 1000, "mttr_h": 2}},
            "standbys": [{"component": {"name": "db-b", "mtbf_h": 1000, "mttr_h": 2}}],
            "failover_s": 60, **(replication or {})}
    return hl.load_scenario({
        "name": "replicated", "downtime_cost_per_hour": 1000,
        "data": {"unit": "records", "written_per_hour": 100, "cost_per_unit": 2},
        "incidents_per_year": {"instance": instance, "zone": 0, "region": 0, "data_corruption": 0},
        "targets": {"rto_h": 1, "rpo_h": 0.01},
        "architecture": {"name": "db pair", "architecture": {"standby": body}}})


def test_a_standbys_replication_sets_the_data_its_own_failovers_lose():
    """The design fails over in about 74 s (its mean outage), sooner than a daily backup's
    24 h: an instance lost is its to recover, so the data lost is the replica's lag,
    counted in full (2 incidents x 36 s x 100 records/h = 2 records), not half a day of
    backups (2 x 12 h x 100 = 2,400). Active-active (1 min RTO) recovers sooner than the
    design and keeps its own 1 s RPO."""
    from hadr_lib.dr import design_rpo_h

    async_ = _replicated({"replication": "async", "lag_s": 36})
    assert design_rpo_h(async_.design) == pytest.approx(0.01)
    t = hl.strategy_table(async_).set_index("strategy")
    assert t.loc["daily_backup", "data_lost_per_year"] == pytest.approx(2 * 0.01 * 100)
    assert t.loc["daily_backup", "data_lost_per_year_worst"] == pytest.approx(2 * 0.01 * 100)
    assert t.loc["daily_backup", "meets_rpo"]
    assert t.loc["active_active", "data_lost_per_year"] == pytest.approx(2 * 0.000278 * 100)
    sync = hl.strategy_table(_replicated({"replication": "sync"})).set_index("strategy")
    assert sync.loc["daily_backup", "data_lost_per_year"] == 0.0
    unsaid = hl.strategy_table(_replicated(None)).set_index("strategy")  # the strategy's RPO stands
    assert unsaid.loc["daily_backup", "data_lost_per_year"] == pytest.approx(2 * 12 * 100)
    assert not unsaid.loc["daily_backup", "meets_rpo"]
    slow = _replicated({"replication": "async", "lag_s": 3600})
    from hadr_lib.dr import shortfalls

    why = shortfalls(slow)["daily_backup"]
    assert why == ["an instance lost: loses up to 1 hour of data, RPO 36 seconds"], why


@pytest.mark.parametrize("replication, message", [
    ({"replication": "async"}, "lag_s: missing (replication: async needs the replica's lag"),
    ({"replication": "sync", "lag_s": 5}, "lag_s: 5 is for replication: async"),
    ({"lag_s": 5}, "lag_s: give replication: async with it"),
    ({"replication": "semi"}, "replication: 'semi' is not one of sync, async"),
    ({"replication": "async", "lag_s": -1}, "lag_s: -1"),
])
def test_bad_replication_is_refused_naming_the_field(replication, message):
    from hadr_lib.checks import InvalidInputError

    with pytest.raises(InvalidInputError) as err:
        _replicated(replication)
    assert message in str(err.value) and "standby" in str(err.value), str(err.value)


def test_overview_prices_the_design_and_the_all_in_cost_of_risk_without_counting_a_lens_twice():
    from hadr_lib.overview import design_change_sentence, overview

    ov = overview("ecommerce_shop", 0.9995)
    # ALB 197.10 + 2 x 714.82 + 2 x 569.40 (data/running_costs.csv) = 2,765.54
    assert ov.design_cost_per_year == pytest.approx(2765.54, abs=1e-9)
    assert ov.all_in_cost == pytest.approx(2765.54 + ov.annual_cost + ov.expected_loss, rel=1e-15)
    assert ov.downtime_cost_per_year is not None and ov.all_in_cost < 2765.54 + ov.annual_cost + \
        ov.expected_loss + ov.downtime_cost_per_year  # the design's own downtime is not added
    lines = ov.lines()
    assert "Running the design costs $2,766 a year (its parts' running costs)." in lines
    assert any(x.startswith(f"All in, the risk costs ${ov.all_in_cost:,.0f} a year: the design $2,766 + ")
               and "not added again" in x for x in lines)
    # A design priced in another currency is shown in it and never added to euros
    sc = hl.load_scenario("ecommerce_shop").replace(currency="EUR")
    eur = overview(sc, 0.9995)
    assert eur.all_in_cost is None and eur.design_currency == "USD"
    assert any("its prices are in USD and the scenario's money in EUR, so they are not added" in x
               for x in eur.lines())
    # An unpriced design says so
    az = overview(hl.load_scenario("ecommerce_shop").replace(architecture="azure_web_app_single_region"))
    assert az.design_cost_per_year is None and az.all_in_cost is None
    assert "What the design costs to run is unknown: not every part has a running cost." in az.lines()
    # A change of design, hand-checked: 2,765.54 - 714.82 = 2,050.72 more; the downtime saved is the
    # difference of the two evaluations, priced at $50,000 an hour
    one, two = hl.load_architecture("single_server"), hl.load_architecture("multi_az_postgres")
    saved_h = (one.evaluate().downtime_per_year_s - two.evaluate().downtime_per_year_s) / 3600
    text = design_change_sentence(one, two, 50_000)
    assert text == (f"Single server to Multi-AZ PostgreSQL costs $2,051 a year more to run and saves "
                    f"{hl.format_duration(saved_h * 3600)} of downtime a year, worth "
                    f"${saved_h * 50_000:,.0f} at $50,000 an hour.")
    assert "running cost that is unknown" in design_change_sentence(
        one, hl.load_architecture("azure_web_app_single_region"), 100)
    assert "changes the running cost in USD, not in EUR" in design_change_sentence(one, two, 100, "EUR")


def test_the_scenarios_own_backups_restore_corrupted_data_where_that_costs_less():
    """A kept backup schedule (the Backup tab's) is a way back from corrupted data under
    every strategy: its worst restore and worst RPO (backup.plan_backups) replace a
    strategy's where downtime plus data lost cost less that way; elsewhere nothing moves."""
    from hadr_lib.backup import BackupPlan, plan_backups
    from hadr_lib.dr import backup_recovery_h, scenario_strategies, strategy_table

    base = hl.load_scenario("ecommerce_shop")
    plan = {"data_gb": 200, "daily_change": 0.05, "full_every_days": 7, "incremental_every_h": 24,
            "mode": "incremental", "log_shipping_every_s": 300, "retention_days": 14,
            "restore_gb_per_h": 400}
    kept = hl.load_scenario({**base.to_mapping(), "backup": plan})
    result = plan_backups(BackupPlan(**plan))
    restore_h, rpo_h = backup_recovery_h(kept)
    assert (restore_h, rpo_h) == (result.restore_h, result.rpo_worst_h) and rpo_h == pytest.approx(300 / 3600)
    assert backup_recovery_h(base) is None
    assert backup_recovery_h(hl.load_scenario({**base.to_mapping(), "backup": {"retention_days": 7}})) is None

    before = strategy_table(base).set_index("strategy")
    after = strategy_table(kept).set_index("strategy")
    rate = base.incidents_per_year["data_corruption"]
    per_h = base.data_written_per_hour * base.data_cost_per_unit
    mine = restore_h * base.downtime_cost_per_hour + 0.5 * rpo_h * per_h
    by_id = {s.id: s for s in scenario_strategies(base)}
    moved = 0
    for sid, row in before.iterrows():
        t = by_id[sid].times_for("data_corruption")
        out, lost = (t[0], t[1]) if t else (base.fallback_rto_h, base.fallback_rpo_h)
        share = 0.5 if (not t or by_id[sid].periodic_for("data_corruption")) else 1.0
        theirs = out * base.downtime_cost_per_hour + share * lost * per_h
        if mine < theirs:  # the backups' way: hours and data as the plan says, by hand
            moved += 1
            assert after.loc[sid, "downtime_per_year_h"] == pytest.approx(
                row["downtime_per_year_h"] - rate * (out - restore_h), rel=1e-12)
            assert after.loc[sid, "data_lost_per_year"] == pytest.approx(
                row["data_lost_per_year"] - rate * base.data_written_per_hour * (share * lost - 0.5 * rpo_h),
                rel=1e-12)
        else:
            assert after.loc[sid, "total_cost"] == row["total_cost"]
    assert moved > 0
    assert after.loc["daily_backup", "total_cost"] < before.loc["daily_backup", "total_cost"]
    # a plan slower than every strategy's way back (and the fallback's) changes nothing
    slow = hl.load_scenario({**base.to_mapping(), "backup": {**plan, "data_gb": 5000, "restore_gb_per_h": 50}})
    assert backup_recovery_h(slow)[0] > 72
    assert strategy_table(slow).equals(strategy_table(base))


@pytest.mark.parametrize("where, failover, zone_h", [
    (("a", "b"), {"failover_s": 120}, 120 / 3600),  # the standby in the other zone takes over
    (("a", "a"), {"failover_s": 120}, 3.0),         # both in the lost zone: down for the zone's outage
    (("a", "b"), {"failover": {"check_interval_s": 10, "failure_threshold": 3, "dns_ttl_s": 60,
                               "promote_s": 30}}, None),  # timers: their mean failover time
])
def test_a_zone_lost_costs_the_design_its_failover_when_its_standby_is_elsewhere(where, failover, zone_h):
    """HA and DR joined for zones: a design that survives a zone's loss once its standby
    has taken over is down for the failover, not for the zone's whole outage."""
    from hadr_lib.design.blocks.standby import failover_times_s
    from hadr_lib.dr import domain_recovery_h

    design = hl.load_architecture({
        "name": "pair across zones",
        "zones": {"a": {"rate_per_year": 0.5, "mttr_h": 3.0}, "b": {"rate_per_year": 0.5, "mttr_h": 3.0}},
        "architecture": {"standby": {
            "primary": {"zone": where[0], "component": {"name": "p", "mtbf_h": 4000, "mttr_h": 2}},
            "standbys": [{"zone": where[1], "component": {"name": "s", "mtbf_h": 4000, "mttr_h": 2}}],
            **failover}}})
    want = zone_h if zone_h is not None else failover_times_s(design.root)[0] / 3600
    if zone_h is None:
        assert 20 + 20 + 30 <= want * 3600 <= 30 + 60 + 30  # detection, DNS and promotion
    assert domain_recovery_h(design) == {"zone": pytest.approx(want)}
