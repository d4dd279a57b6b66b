"""DR planning benchmarks: a 1,000-point downtime-cost sweep and panel updates."""

from __future__ import annotations

import statistics
import time

import numpy as np

import hadr_lib as hl
from hadr_lib.panels import BackupPanel, DRStrategyPanel, FailoverPanel
from hadr_lib.plots import dr_cost_figure


def _timed_moves(control, values, n=12):
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        control.value = values[i % len(values)]
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, max(times) * 1e3


def run() -> None:
    shop = hl.load_scenario("ecommerce_shop")
    costs = np.geomspace(100, 1e7, 1000)
    t0 = time.perf_counter()
    for _ in range(100):
        hl.total_cost_sweep(shop, costs)
    sweep = (time.perf_counter() - t0) / 100
    t0 = time.perf_counter()
    dr_cost_figure(shop, costs)
    figure = time.perf_counter() - t0
    print(f"DR sweep: 10 strategies x 1,000 downtime costs in {sweep * 1e6:.0f} us; "
          f"the whole figure built in {figure * 1e3:.0f} ms")
    dr = DRStrategyPanel("ecommerce_shop")
    p50, worst = _timed_moves(dr.downtime_cost, [10_000, 50_000, 200_000])
    print(f"DR panel, downtime-cost slider moved: p50 {p50:.0f} ms, max {worst:.0f} ms (Python side)")
    backup = BackupPanel()
    p50, worst = _timed_moves(backup.controls["retention_days"], [7, 30, 90])
    print(f"backup panel, retention slider moved: p50 {p50:.0f} ms, max {worst:.0f} ms (Python side)")
    failover = FailoverPanel()
    p50, worst = _timed_moves(failover.ttl, [30, 60, 300])
    print(f"failover panel, TTL slider moved: p50 {p50:.0f} ms, max {worst:.0f} ms (Python side)")
