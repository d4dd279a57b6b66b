"""Benchmarks for hadr-workbook: `make bench` prints these figures (none is asserted).

- downtime table for 10^6 availabilities (typed decimals, and arbitrary floats);
- one DowntimeBudgetPanel update in Python (what a slider move costs the kernel);
- architecture models: a 10,000-leaf tree and a 5,000-of-10,000 quorum, against
  a flat numpy product and RePyability; panel update time per reference architecture;
- DR planning: a 1,000-point downtime-cost sweep; DR, backup and failover panel updates;
- simulation: component-years per second against a SimPy event-by-event baseline and
  against numpy's rate of drawing the exponential variates alone; drills and panels;
- the Voila app: launch to first rendered slider, and slider to updated headline
  in headless Chromium (p50, p95), when Debian's chromium is installed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hadr_lib as hl  # noqa: E402
from hadr_lib.panels import DowntimeBudgetPanel  # noqa: E402
from hadr_lib.report import find_chromium  # noqa: E402

from voila_server import CHROMIUM_ARGS, serve_voila  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_dr  # noqa: E402
import bench_model  # noqa: E402
import bench_scale  # noqa: E402
import bench_simulation  # noqa: E402


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_table():
    rng = np.random.default_rng(20261125)
    arbitrary = rng.uniform(0.9, 1.0, 1_000_000)
    typed = np.round(arbitrary, 6)  # what people type: six decimals
    for label, a in (("typed decimals (6 places)", typed), ("arbitrary floats", arbitrary)):
        t = best_of(lambda a=a: hl.downtime_table(a))
        print(f"downtime table, 10^6 availabilities x 5 periods, {label}: {t * 1e3:.0f} ms "
              f"({a.size / t / 1e6:.1f} M rows/s)")


def bench_panel():
    panel = DowntimeBudgetPanel()
    targets = [0.999, 0.9995, 0.9999]
    i = iter(range(10**9))

    def move():
        panel.target.value = targets[next(i) % 3]

    times = [best_of(move, 1) for _ in range(30)]
    print(f"panel update per slider move (Python side): p50 {statistics.median(times) * 1e3:.1f} ms, "
          f"max {max(times) * 1e3:.1f} ms")


def _tree_rss_mb(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


def bench_app():
    chromium = find_chromium()
    if chromium is None:
        print("Voila app: skipped (no chromium; `make bench` installs it as root)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()
        with serve_voila(Path(tmp) / "voila.log") as (url, proc):
            t_server = time.perf_counter() - t0
            page = browser.new_page()
            page.goto(url, wait_until="domcontentloaded", timeout=60_000)
            page.wait_for_selector(".hadr-overview-target .noUi-handle", timeout=60_000)
            t_slider = time.perf_counter() - t0
            print(f"Voila app: server up {t_server:.1f} s after launch; first usable slider "
                  f"{t_slider:.1f} s after launch")
            time.sleep(8)  # let the pool preheat the next kernel
            second = browser.new_page()
            t1 = time.perf_counter()
            second.goto(url, wait_until="domcontentloaded", timeout=60_000)
            second.wait_for_selector(".hadr-overview-target .noUi-handle", timeout=60_000)
            print(f"page load with a preheated kernel: {time.perf_counter() - t1:.1f} s")
            second.close()
            page.locator(".lm-TabBar-tabLabel", has_text="Downtime budget").click()
            handle = page.locator(".hadr-target .noUi-handle")
            handle.focus()
            lat = []
            for step in range(20):
                before = page.locator(".hadr-headline").inner_text()
                s0 = time.perf_counter()
                handle.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
                page.wait_for_function(
                    "b => document.querySelector('.hadr-headline').innerText !== b",
                    arg=before, timeout=15_000)
                lat.append(time.perf_counter() - s0)
            lat.sort()
            print(f"slider to updated headline and figure in Chromium: p50 {statistics.median(lat) * 1e3:.0f} ms, "
                  f"p95 {lat[int(0.95 * (len(lat) - 1))] * 1e3:.0f} ms (20 moves)")
            page.close()
            time.sleep(3)
            idle = _tree_rss_mb(proc.pid)
            contexts, errors = [], []
            t2 = time.perf_counter()
            for _ in range(10):
                ctx = browser.new_context()
                pg = ctx.new_page()
                pg.on("pageerror", lambda e: errors.append(str(e)))
                pg.goto(url, wait_until="commit", timeout=120_000)
                contexts.append((ctx, pg))
            rendered, deadline = 0, time.perf_counter() + 240
            for _ctx, pg in contexts:
                left_ms = max(1_000, (deadline - time.perf_counter()) * 1e3)
                try:
                    pg.wait_for_selector(".hadr-overview", timeout=left_ms)
                    rendered += 1
                except Exception:  # counted, not fatal: this is a measurement
                    pass
            busy = _tree_rss_mb(proc.pid)
            print(f"10 concurrent sessions: {rendered} of 10 rendered within "
                  f"{time.perf_counter() - t2:.0f} s (limit 240 s), {len(errors)} page errors; "
                  f"memory {idle:.0f} MB idle, {busy:.0f} MB with 10 sessions "
                  f"({(busy - idle) / 10:.0f} MB per session)")
            for ctx, _ in contexts:
                ctx.close()
            time.sleep(10)
            print(f"memory 10 s after the sessions closed: {_tree_rss_mb(proc.pid):.0f} MB")
            time.sleep(170)  # voila.json culls the kernels of closed pages after 120 s idle
            print(f"memory 3 min after the sessions closed: {_tree_rss_mb(proc.pid):.0f} MB")
        browser.close()


def bench_reports():
    from hadr_lib.report import build_report, build_reports

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        build_report("small_saas", tmp)
        one = time.perf_counter() - t0
        scenarios = list(hl.reference_scenarios())
        t0 = time.perf_counter()
        build_reports(scenarios, Path(tmp) / "batch", jobs=2, progress=False)
        batch = time.perf_counter() - t0
    print(f"report: {one:.1f} s for one scenario; batch of {len(scenarios)} with --jobs 2 in "
          f"{batch:.1f} s ({len(scenarios) / batch * 60:.0f} reports a minute)")


if __name__ == "__main__":
    print(f"hadr-workbook {hl.__version__} benchmarks (Python {sys.version.split()[0]})")
    bench_table()
    bench_panel()
    bench_model.run()
    bench_scale.run()
    bench_dr.run()
    bench_simulation.run()
    bench_reports()
    bench_app()
