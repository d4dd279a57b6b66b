"""Attack and soak figures (issue #23): what hostile clients and files cost, measured.

Printed by `make bench` (nothing is asserted here; `make test` holds the limits):

- the served app: memory of the server and its kernels before, during and after a
  round of malformed websocket frames, 30 cross-site no-cors GETs and a burst of 30
  plain GETs, with the time the server takes to answer afterwards;
- commands on hostile files, each in a fresh process (its time and peak memory): a
  2-line ``count: 50`` design given to ``simulate`` and to ``report``, a 32 MiB YAML
  list, and ``hadr fit`` on a 20,000-component incident log.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kernel_client import kernel_answers, open_page, send_frames  # noqa: E402

from voila_server import serve_voila  # noqa: E402

# A fresh interpreter runs the command and prints its children's peak RSS [KiB].
_MEASURED = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
             "took = time.perf_counter() - t\n"
             "last = ([l for l in rc.stderr.strip().splitlines() if 'WARNING' not in l] or [''])[-1][:110]\n"
             "print(rc.returncode, took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, last, sep='\\t')\n")


def _tree_mb(proc) -> float:
    import psutil

    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _status(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=180) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _answer_s(url: str) -> float:
    start = time.perf_counter()
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=60).close()
    except urllib.error.HTTPError:
        pass  # 405: it answered
    return time.perf_counter() - start


def bench_server(tmp: Path) -> None:
    import psutil

    env = {"HADR_MAX_KERNELS": "6", "HADR_EVICT_AFTER_S": "10"}
    with serve_voila(tmp / "attack.log", env_extra=env) as (url, proc):
        server = psutil.Process(proc.pid)
        time.sleep(10)  # the preheated kernel
        before = _tree_mb(server)
        peak = [before]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_mb(server))
                time.sleep(0.1)

        watcher = threading.Thread(target=sample)
        watcher.start()
        try:
            _, kernel_id = open_page(url)
            rng = random.Random(23)
            frames = [b"\xff" * 8, rng.randbytes(65536), b"\x00" * 8,
                      (10**6).to_bytes(8, "little") + bytes(64), "not json", b""]
            codes = send_frames(url, kernel_id, frames, wait_s=5)
            after_frames = _answer_s(url)
            untouched = kernel_answers(url, kernel_id)
            no_cors = {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"}
            with ThreadPoolExecutor(30) as pool:
                refused = list(pool.map(lambda _: _status(url, no_cors), range(30)))
            with ThreadPoolExecutor(30) as pool:
                burst = list(pool.map(lambda _: _status(url), range(30)))
            after_burst = _answer_s(url)
        finally:
            stop.set()
            watcher.join()
        time.sleep(15)  # the burst's kernels turn stale
        navigate = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}
        page_after = _status(url, navigate)
        time.sleep(5)
        after = _tree_mb(server)
        tracebacks = (tmp / "attack.log").read_text().count("Traceback")
    print(f"served app under attack (cap 6 kernels): memory {before:.0f} MB before, {peak[0]:.0f} MB at "
          f"most during, {after:.0f} MB after; 6 malformed frames closed with {codes}, server answered "
          f"{after_frames * 1e3:.0f} ms later, the page's kernel {'still answers' if untouched else 'LOST'}; "
          f"30 no-cors GETs: {refused.count(403)} refused (403); 30 plain GETs: {burst.count(200)} pages, "
          f"{burst.count(503)} busy (503), server answered {after_burst * 1e3:.0f} ms later; a page load "
          f"15 s later: HTTP {page_after}; {tracebacks} tracebacks in the log")


def _measure(label: str, *argv: str) -> None:
    out = subprocess.run([sys.executable, "-c", _MEASURED, *argv], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.rstrip("\n")
    rc, took, kib, last = out.split("\t", 3)
    print(f"{label}: exit {rc} in {float(took):.1f} s, peak {int(kib) / 1024:.0f} MB"
          + (f" ({last})" if last else ""))


def bench_files(tmp: Path) -> None:
    hadr = str(Path(sys.executable).with_name("hadr"))
    c50 = tmp / "c50.yaml"
    c50.write_text("architecture:\n  component: {name: a, mtbf_h: 10, mttr_h: 1, count: 50}\n")
    _measure("simulate, 2-line design with count: 50 (took 21 GB before #23)", hadr, "simulate", str(c50),
             "--workers", "1")
    scenario = tmp / "c50_scenario.yaml"
    scenario.write_text((ROOT / "data" / "scenarios" / "small_saas.yaml").read_text()
                        .replace("architecture: single_server", "architecture: c50.yaml"))
    _measure("report on that design (says 'Not simulated')", hadr, "report", str(scenario),
             "--out", str(tmp / "reports"), "--quiet")
    flat = tmp / "flat.yaml"
    flat.write_text("[" + ",".join(["1"] * (16 * 2**20 - 1)) + "]")
    _measure("evaluate, a 32 MiB YAML list of 16 million ones (4 min and 7 GB before)", hadr, "evaluate",
             str(flat))
    log = tmp / "incidents.csv"
    rng = random.Random(20000)
    rows = ["component,start,end"]
    for i in range(20_000):
        day = rng.randrange(1, 28)
        rows.append(f"c{i},2026-01-{day:02d}T10:00:00Z,2026-01-{day:02d}T10:{rng.randrange(1, 59):02d}:00Z")
    log.write_text("\n".join(rows) + "\n")
    _measure(f"fit, a 20,000-component log of {log.stat().st_size / 1e3:.0f} KB (270 s before)", hadr, "fit",
             str(log))


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_files(Path(tmp))
        bench_server(Path(tmp))


if __name__ == "__main__":
    run()
