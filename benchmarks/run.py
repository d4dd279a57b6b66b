"""Benchmarks for hadr-workbook: `make bench` prints these figures (none is asserted).

- downtime table for 10^6 availabilities (typed decimals, and arbitrary floats);
- one DowntimeBudgetPanel update in Python (what a slider move costs the kernel);
- architecture models: a 10,000-leaf tree and a 5,000-of-10,000 quorum, against
  a flat numpy product and RePyability; panel update time per reference architecture;
- DR planning: a 1,000-point downtime-cost sweep; DR, backup and failover panel updates;
- hadr import: manifest files of 400 and 1,500 Deployments read to a design;
- simulation: component-years per second against a SimPy event-by-event baseline and
  against numpy's rate of drawing the exponential variates alone; drills and panels;
- the Voila app in headless Chromium (bench_app.py): first usable control, each tab's
  first click, slider to redrawn chart against the floor of the stack, and 20
  concurrent sessions (rendered, errors, memory, memory returned after close);
- attacks (bench_attack.py): the server's memory before, during and after malformed
  websocket frames and GET bursts, and the time and peak memory of commands given
  hostile files (a count: 50 design, a 32 MiB YAML, a 20,000-component log).
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

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_app  # noqa: E402
import bench_attack  # noqa: E402
import bench_dr  # noqa: E402
import bench_import  # noqa: E402
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
    bench_app_report()


def bench_app_report():
    """The app's report (Overview, Prepare): a warm kernel (ReportWorker) runs the notebook."""
    from hadr_lib.report import ReportWorker, find_chromium

    source = (Path(hl.scenario.SCENARIOS_DIR) / "ecommerce_shop.yaml").read_bytes()
    worker = ReportWorker()
    try:
        pdf = find_chromium() is not None
        html, printed = worker.prepare(source, "ecommerce_shop.yaml", 0.9995, pdf=pdf)
        html.result()
        if printed is not None:
            printed.result()
        times, pdf_times = [], []
        for _ in range(3):
            time.sleep(6)  # the kernel is restarted and warmed after each report, while nobody waits
            t0 = time.perf_counter()
            html, printed = worker.prepare(source, "ecommerce_shop.yaml", 0.9995, pdf=pdf)
            html.result()
            times.append(time.perf_counter() - t0)
            if printed is not None:
                printed.result()
                pdf_times.append(time.perf_counter() - t0)
    finally:
        worker.close()
    said = (f"; with its PDF {statistics.median(pdf_times):.1f} s" if pdf_times else "; no Chromium: no PDF")
    print(f"app report (Prepare, warm kernel): HTML in {statistics.median(times):.1f} s median of 3{said} "
          "(target < 3 s)")


if __name__ == "__main__":
    print(f"hadr-workbook {hl.__version__} benchmarks (Python {sys.version.split()[0]})")
    bench_table()
    bench_panel()
    bench_model.run()
    bench_scale.run()
    bench_dr.run()
    bench_import.run()
    bench_simulation.run()
    bench_reports()
    bench_app.run()
    bench_attack.run()
