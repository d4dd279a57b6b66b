"""Backup plans against hand-worked schedules."""

import math

import pytest

import hadr_lib as hl


def test_weekly_full_daily_incrementals_by_hand():
    r = hl.plan_backups(hl.BackupPlan(data_gb=1000, daily_change=0.05, full_every_days=7,
                                      incremental_every_h=24, retention_days=30,
                                      restore_gb_per_h=250, price_per_gb_month=0.023,
                                      rto_h=8, rpo_h=24))
    # 6 incrementals of 50 GB between weekly fulls; 30 days keep ceil(30/7) + 1 = 6 cycles
    assert r.chain_length == 6 and r.fulls_kept == 6
    assert r.storage_gb == pytest.approx(6 * (1000 + 6 * 50))
    assert r.monthly_cost == pytest.approx(7800 * 0.023)
    assert r.rpo_worst_h == 24 and r.rpo_average_h == 12
    assert r.restore_stages == (("restore the full backup", 0.0, 4.0),
                                ("apply 6 incrementals", 4.0, pytest.approx(1.2)))
    assert r.restore_h == pytest.approx(5.2)
    assert r.meets_rto and r.meets_rpo
    assert math.isinf(r.region_rpo_worst_h)
    assert any("region loss loses every backup" in w for w in r.warnings)


def test_differentials_with_log_shipping_and_a_copy_by_hand():
    r = hl.plan_backups(hl.BackupPlan(data_gb=1000, daily_change=0.05, full_every_days=7,
                                      incremental_every_h=6, mode="differential",
                                      log_shipping_every_s=300, retention_days=14,
                                      cross_region_copy=True, copy_lag_h=0.25,
                                      restore_gb_per_h=250, rto_h=4, rpo_h=0.1))
    inc = 1000 * 0.05 / 24 * 6                      # 12.5 GB of changes per 6 h
    diffs = sum(inc * k for k in range(1, 28))      # 27 differentials per week
    logs = 1000 * 0.05 * (14 + 7)                   # logs back to the oldest full
    assert r.storage_gb == pytest.approx(2 * (3 * (1000 + diffs) + logs))
    assert r.rpo_worst_h == pytest.approx(300 / 3600)
    assert r.region_rpo_worst_h == pytest.approx(300 / 3600 + 0.25)
    names = [s[0] for s in r.restore_stages]
    assert names == ["restore the full backup", "apply the differential",
                     "replay logs since the last backup"]
    assert r.restore_h == pytest.approx(4 + 27 * inc / 250 + inc / 250)
    assert r.meets_rpo and not r.meets_rto
    assert any("slower than the RTO" in w for w in r.warnings)


def test_fulls_only_and_warnings():
    r = hl.plan_backups(hl.BackupPlan(data_gb=500, daily_change=0.1, full_every_days=7,
                                      incremental_every_h=None, retention_days=3,
                                      cross_region_copy=True))
    assert r.chain_length == 0 and r.rpo_worst_h == 7 * 24
    assert [s[0] for s in r.restore_stages] == ["restore the full backup"]
    assert any("shorter than the full-backup cycle" in w for w in r.warnings)
    hourly = hl.plan_backups(hl.BackupPlan(data_gb=500, daily_change=0.1, full_every_days=30,
                                           incremental_every_h=1, cross_region_copy=True))
    assert hourly.chain_length == 719
    assert any("chain of up to 719 incrementals" in w for w in hourly.warnings)


def test_describe_backups():
    r = hl.plan_backups(hl.BackupPlan(data_gb=1000, daily_change=0.05, rto_h=8, rpo_h=24))
    assert hl.describe_backups(r) == [
        "Storage kept: 7,800 GB (6 fulls, chains of 6), about 179.40 a month.",
        "RPO: at worst 24 hours, on average 12 hours (meets the RPO).",
        "Worst restore: 5.2 hours (meets the RTO).",
    ]
    # in a scenario's currency (the Backup tab passes the workspace's)
    assert hl.describe_backups(r, "EUR")[0] == "Storage kept: 7,800 GB (6 fulls, chains of 6), about €179 a month."


@pytest.mark.parametrize("field, value, message", [
    ("data_gb", 0, "data_gb: 0 is not a number in (0, inf)"),
    ("daily_change", 1.5, "daily_change: 1.5 is not a number in [0, 1]"),
    ("mode", "synthetic", "mode: 'synthetic' is not a backup mode"),
    ("retention_days", -1, "retention_days: -1"),
    ("restore_gb_per_h", float("nan"), "restore_gb_per_h: nan"),
    ("cross_region_copy", "yes", "cross_region_copy: 'yes' is not true or false"),
])
def test_bad_plans_are_named(field, value, message):
    with pytest.raises(hl.InvalidInputError) as err:
        hl.BackupPlan(**{"data_gb": 100, "daily_change": 0.1, field: value})
    assert str(err.value).startswith(message)
