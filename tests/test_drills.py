"""Failover drills: structure after the injected failure, PERT stage draws, RTO odds."""

import math

import numpy as np
import pytest

import hadr_lib as hl
from hadr_lib import InvalidInputError, Stage, load_architecture
from hadr_lib.drills import DRILLS, LB_TARGET_STAGES, _pert, drill_table, run_drill
from hadr_lib.failover import FAILOVER_PRESETS


def test_pert_draws_stay_in_range_with_the_three_point_mean():
    st = Stage("s", 10, 20, 60)
    x = _pert(np.random.default_rng(1), st, 200_000)
    assert x.min() >= 10 and x.max() <= 60
    assert x.mean() == pytest.approx((10 + 4 * 20 + 60) / 6, rel=0.005)
    assert (_pert(np.random.default_rng(1), Stage("c", 5, 5, 5), 3) == 5).all()


def test_kill_an_instance_with_a_second_replica_recovers_within_the_timeline():
    r = run_drill("kill_instance", runs=20_000, seed=1)
    assert r.failover_path and r.coverage == 1.0
    best = sum(s.best_s for s in LB_TARGET_STAGES)
    worst = sum(s.worst_s for s in LB_TARGET_STAGES)
    assert best <= r.recovery_s.min() and r.recovery_s.max() <= worst
    assert r.p_meet_rto == 1.0  # worst case 70 s, inside the article's 5 minutes
    assert list(r.stage_means_s.index) == [s.name for s in LB_TARGET_STAGES]
    assert "meets the RTO of 5 minutes in 100%" in r.sentence()


def test_database_primary_failover_fails_with_one_minus_coverage():
    r = run_drill("fail_db_primary", runs=50_000, seed=2)
    assert r.coverage == pytest.approx(0.99)
    worst = sum(s.worst_s for s in FAILOVER_PRESETS["rds_multi_az"])
    beyond = (r.recovery_s > worst).mean()
    # a failed failover waits for the repair (exponential, mean 2 h): beyond the worst
    # failover with probability 0.01 * exp(-worst / 7200)
    expected = 0.01 * math.exp(-worst / 7200)
    assert abs(beyond - expected) < 4 * math.sqrt(expected / r.runs)
    assert r.repair_h == 2


def test_losing_a_region_never_meets_the_articles_60_seconds():
    r = run_drill("lose_region", runs=5000, seed=3)
    assert r.failover_path
    # detection alone takes at least 2 x 30 s; warm-up adds at least 5 s
    assert r.recovery_s.min() >= 65
    assert r.p_meet_rto == 0.0
    assert r.p_meet([60, 10_000]).tolist() == [0.0, 1.0]


def test_no_failover_path_waits_for_the_repair():
    single = load_architecture("single_server")
    r = run_drill("kill_instance", architecture=single, fail="server", runs=100_000, seed=4)
    assert not r.failover_path
    p = 1 - math.exp(-300 / 3600)  # SLA-only server: default 1 h repair
    assert abs(r.p_meet_rto - p) < 4 * math.sqrt(p * (1 - p) / r.runs)
    assert "waits for the repair" in r.sentence()


def test_structure_decides_whether_a_path_is_left():
    regions = ("elb-us-east-1", "elb-eu-west-1", "elb-ap-southeast-1")
    assert run_drill("lose_region", fail=regions[:2], runs=10).failover_path
    assert not run_drill("lose_region", fail=regions, runs=10).failover_path
    mongo = load_architecture("mongodb_replica_set")
    assert run_drill("fail_db_primary", architecture=mongo, fail="mongo-a", runs=10,
                     stages="mongodb_replica_set").failover_path
    assert not run_drill("fail_db_primary", architecture=mongo, fail=["mongo-a", "mongo-b"],
                         runs=10, stages="mongodb_replica_set").failover_path


def test_same_seed_same_drills():
    a = run_drill("fail_db_primary", runs=1000, seed=9)
    b = run_drill("fail_db_primary", runs=1000, seed=9)
    np.testing.assert_array_equal(a.recovery_s, b.recovery_s)
    assert not np.array_equal(a.recovery_s, run_drill("fail_db_primary", runs=1000, seed=10).recovery_s)


def test_drill_table_has_the_three_article_tests():
    t = drill_table(runs=2000)
    assert list(t["drill"]) == [d.title for d in DRILLS.values()]
    assert t.loc[2, "p_meet_rto"] == 0.0 and t.loc[0, "p_meet_rto"] == 1.0
    assert (t["p50_s"] <= t["p90_s"]).all() and (t["p90_s"] <= t["p99_s"]).all()


@pytest.mark.parametrize("kwargs, field", [
    ({"drill": "unplug"}, "drill"),
    ({"drill": "kill_instance", "fail": "nope"}, "component"),
    ({"drill": "kill_instance", "fail": []}, "fail"),
    ({"drill": "kill_instance", "rto_s": -5}, "rto_s"),
    ({"drill": "kill_instance", "runs": 5}, "runs"),
    ({"drill": "kill_instance", "stages": "no-such-preset"}, "failover_preset"),
    ({"drill": "kill_instance", "seed": -1}, "seed"),
])
def test_bad_input_names_the_field(kwargs, field):
    drill = kwargs.pop("drill")
    with pytest.raises(InvalidInputError, match=rf"^{field}\b"):
        run_drill(drill, **kwargs)


def test_drill_stages_follow_health_checks_and_ttl():
    from hadr_lib.drills import drill_stages

    assert drill_stages("lose_region") == DRILLS["lose_region"].stages
    fast = drill_stages("lose_region", interval_s=10, threshold=1, ttl_s=0)
    assert [s.worst_s for s in fast[:2]] == [16, 0]  # one check of 10 s + 6 s timeout; no TTL
    r = run_drill("lose_region", stages=fast, runs=5000, seed=1)
    # worst case 16 + 0 + 60 s: the 60 s RTO is now met unless warm-up runs long
    assert 0.9 < r.p_meet_rto < 1.0
    lb = drill_stages("kill_instance", interval_s=10, threshold=3)
    assert lb[0].best_s == 20 and lb[0].worst_s == 35
    assert drill_stages("fail_db_primary", ttl_s=5) == DRILLS["fail_db_primary"].stages
    with pytest.raises(InvalidInputError, match="^threshold"):
        drill_stages("lose_region", threshold=0)


def test_a_drill_on_a_design_of_ones_own():
    from hadr_lib.drills import design_drill

    arch = hl.load_architecture("multi_az_postgres")
    d = design_drill(arch, "pg-primary", 300)
    (stage,) = d.stages
    assert (stage.best_s, stage.typical_s, stage.worst_s) == (90.0, 90.0, 90.0)
    r = run_drill(d, architecture=arch, runs=20_000, seed=1)
    # the standby works with p = 0.99; the rest wait for an exponential 2 h repair (> 300 s
    # with p = exp(-300 / 7200)): P(meet 300 s) = 0.99 + 0.01 (1 - exp(-1/24))
    assert r.failover_path and r.p_meet_rto == pytest.approx(0.99 + 0.01 * (1 - math.exp(-1 / 24)), abs=0.003)
    app = design_drill(arch, "app-a", 300)
    assert app.stages[0].name.startswith("switch to the redundancy left")
    assert run_drill(app, architecture=arch, runs=100).p_meet_rto == 1.0
    # The load balancer has neither replicas nor a standby: its drill says it waits for the
    # repair (it said "switch to the redundancy left"), and its recovery is the repair.
    lb_drill = design_drill(arch, "load-balancer", 3600)
    (stage,) = lb_drill.stages
    assert stage.name.startswith("its repair: nothing takes over") and stage.worst_s == 0
    lb = run_drill(lb_drill, architecture=arch, runs=20_000, seed=2)
    assert not lb.failover_path
    from hadr_lib.drills import DEFAULT_MTTR_H  # the part is known by its SLA only: no MTTR of its own

    assert arch.component("load-balancer").mttr_h is None
    assert lb.recovery_s.mean() == pytest.approx(DEFAULT_MTTR_H * 3600, rel=0.03)  # exponential, 20,000 draws
    spread = arch.with_changes()  # the same design with an uncertain failover time
    data = hl.dump_architecture(spread)
    data["architecture"]["series"][2]["standby"]["failover_error_factor"] = 2.0
    (stage,) = design_drill(hl.load_architecture(data), "pg-primary", 300).stages
    assert (stage.best_s, stage.typical_s, stage.worst_s) == (45.0, 90.0, 180.0)
    with pytest.raises(hl.InvalidInputError, match="'nowhere' is not a component"):
        design_drill(arch, "nowhere", 300)
    with pytest.raises(hl.InvalidInputError, match="rto_s"):
        design_drill(arch, "app-a", 0)
