"""The served app in headless Chromium (`make bench`): figures printed, none asserted.

- page to first usable control with a preheated kernel (and the same for a bare page
  with one slider, the stack's floor), and each tab's first click to its numbers;
- slider to redrawn chart on the DR tab against the floor of the stack (a bare Voila
  page with one slider updating one FigureWidget trace), in one run.
  These are timed in the page (from the request, the click or the key press to the
  frame that draws the result), once the machine is idle: Playwright's own polling and
  round trips would add 40-400 ms that no user sees;
- 20 concurrent sessions: all render, page errors, memory per session, and memory
  once the kernels of the closed pages are culled (a server culling idle kernels after
  45 s, so the return is seen).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hadr_lib.panels.tabs import app_tabs  # noqa: E402
from hadr_lib.report import find_chromium  # noqa: E402

from voila_server import CHROMIUM_ARGS, serve_voila  # noqa: E402

# Times one slider move in the page: from the key press to the first frame drawn
# after any visible chart changed. A MutationObserver sees the change (cheap: reading
# the charts back on every frame would cost the bigger charts more), the next animation
# frame is when it is drawn; both ends are read in the page, so no round trip counts.
_ARM = """() => {
  const w = window.__hadrMove = {t0: null, t1: null};
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent !== null);
  const seen = new MutationObserver(() => {
    if (w.t0 === null) return;
    seen.disconnect();
    requestAnimationFrame(() => { w.t1 = performance.now(); });
  });
  plots.forEach(p => seen.observe(p, {subtree: true, childList: true, attributes: true,
                                     characterData: true}));
  document.addEventListener('keydown', () => { w.t0 = performance.now(); }, {once: true, capture: true});
}"""


def _moves(page, handle_selector: str, n: int = 20) -> list[float]:
    """Seconds from a key press on a slider to a redrawn chart, ``n`` moves."""
    handle = page.locator(handle_selector)
    handle.focus()
    out = []
    for step in range(n):
        page.evaluate(_ARM)
        handle.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        page.wait_for_function("() => window.__hadrMove.t1 !== null", timeout=20_000, polling=50)
        seen = page.evaluate("() => window.__hadrMove")
        out.append((seen["t1"] - seen["t0"]) / 1e3)
        page.wait_for_timeout(300)  # the rest of the move's redraws, before the next
    return out


# Records, in the page, when a tab's numbers (``selector`` showing text) and its charts
# are first drawn after the next click on a tab label.
_WATCH = """selector => {
  const w = window.__hadrTab = {numbers: null, charts: null, done: false};
  document.addEventListener("click", () => {
    const t0 = performance.now();
    const frame = () => {
      const now = performance.now() - t0, e = document.querySelector(selector);
      if (w.numbers === null && e && e.offsetParent !== null && e.innerText.length > 20) w.numbers = now;
      const box = e && e.closest(".widget-vbox");
      const plots = box ? [...box.querySelectorAll(".js-plotly-plot")] : [];
      const drawn = plots.length > 0 && plots.every(p => p.querySelector(".main-svg"));
      if (w.numbers !== null && w.charts === null && drawn) w.charts = now;
      if (w.numbers !== null && (w.charts !== null || now > 5000 || (!plots.length && now > 1500))) {
        w.done = true;
        return;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, {once: true, capture: true});
}"""


# Records, in the page, the first frame drawn with ``selector`` visible: milliseconds
# from the page's request (performance.now() counts from navigation start). Playwright
# notices a new element when it next polls, up to a few hundred ms later.
_FIRST_FRAME = """(selector => {
  const seen = new MutationObserver(() => {
    const e = document.querySelector(selector);
    if (e && e.offsetParent !== null) {
      seen.disconnect();
      requestAnimationFrame(() => { window.__hadrFirst = performance.now(); });
    }
  });
  seen.observe(document, {subtree: true, childList: true, attributes: true});
})"""


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))] * 1e3


def _tree_rss_mb(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _kernels(pid: int) -> int:
    """Kernel processes under the server."""
    import psutil

    count = 0
    for p in psutil.Process(pid).children(recursive=True):
        try:
            count += "ipykernel" in " ".join(p.cmdline())
        except psutil.Error:  # gone meanwhile
            pass
    return count


def _settle(limit_s: float = 90) -> float:
    """Wait until the machine is idle (under 10% CPU for two half-seconds running): the
    preheated kernel has run the notebook, and nothing left from the step before (a
    server shutting down, the browser tidying up) competes with the measurement.
    Returns the seconds waited."""
    import psutil

    t0 = time.perf_counter()
    psutil.cpu_percent()
    quiet = 0
    while quiet < 2 and time.perf_counter() - t0 < limit_s:
        time.sleep(0.5)
        quiet = quiet + 1 if psutil.cpu_percent() < 10 else 0
    return time.perf_counter() - t0


def _fill_delay() -> float:
    """Seconds the server waits after handing out its preheated kernel before starting the
    next (voila.json): until then the machine may look idle with the pool still empty."""
    cfg = json.loads((ROOT / "voila.json").read_text())
    return float(cfg.get("VoilaKernelManager", {}).get("fill_delay", 1))


def _first_visits(browser, url: str, selector: str, loads: int):
    """Seconds from the request to the first frame that draws ``selector``, and to when
    Playwright saw it, over ``loads`` first visits (a new browser context each: nothing
    cached), each to a preheated kernel once the pool has refilled and the machine is idle;
    and the last visit's context and page, still open."""
    drawn, seen = [], []
    ctx = None
    for _ in range(loads):
        if ctx is not None:
            ctx.close()  # before the machine settles: closing is work too
            time.sleep(_fill_delay() + 0.5)  # the pool's refill has begun: settling waits for it
        _settle()
        ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        page = ctx.new_page()
        page.add_init_script(f"{_FIRST_FRAME}({json.dumps(selector)})")
        t0 = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_selector(selector, timeout=60_000)
        seen.append(time.perf_counter() - t0)
        page.wait_for_function("() => window.__hadrFirst !== undefined", timeout=10_000)
        drawn.append(page.evaluate("() => window.__hadrFirst") / 1e3)
    return drawn, seen, ctx, page


def bench_latency(browser, tmp: Path, loads: int = 5) -> None:
    with serve_voila(tmp / "floor.log", notebook="benchmarks/floor.ipynb") as (url, _):
        _settle()  # the preheated kernel has run the notebook
        # The stack's own floor for a first visit: a bare page with one slider, served the same way.
        # Its slider is then moved on the last of those pages, loaded once the machine was idle.
        floor_first, _, ctx, page = _first_visits(browser, url, ".floor-slider .noUi-handle", 3)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        _moves(page, ".floor-slider .noUi-handle", 3)  # warm-up
        floor = _moves(page, ".floor-slider .noUi-handle")
        ctx.close()
    with serve_voila(tmp / "app.log") as (url, _):
        drawn, seen, ctx, page = _first_visits(browser, url, ".hadr-overview-target .noUi-handle", loads)
        print(f"app: page to first usable control (preheated kernel), {loads} first visits: median "
              f"{statistics.median(drawn):.2f} s, {min(drawn):.2f}-{max(drawn):.2f} s (aim < 1.5 s), from "
              f"the request to the first frame that draws it; Playwright saw it at a median "
              f"{statistics.median(seen):.2f} s; the floor (a bare page with one slider, 3 first visits): "
              f"median {statistics.median(floor_first):.2f} s")
        tabs = [(t.title, t.ready) for t in app_tabs()[1:]]  # every tab but the overview, shown first
        for label, selector in tabs:
            # Timed in the page, frame by frame, from the click to the first frame that
            # shows the numbers, and to the first that shows all the tab's charts (the
            # page may be busy drawing them when a script could next ask).
            page.evaluate(_WATCH, selector)
            page.locator(".lm-TabBar-tabLabel", has_text=label).click()
            page.wait_for_function("() => window.__hadrTab.done", timeout=60_000, polling=100)
            seen = page.evaluate("() => window.__hadrTab")
            charts = (f", its charts drawn at {seen['charts'] / 1e3:.2f} s" if seen["charts"] is not None
                      else "")
            print(f"app: {label} tab, first click to its numbers: {seen['numbers'] / 1e3:.2f} s "
                  f"(aim < 1 s){charts}")
        page.locator(".lm-TabBar-tabLabel", has_text="DR strategy").click()
        page.locator(".hadr-downtime-cost .noUi-handle").wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(500)
        _moves(page, ".hadr-downtime-cost .noUi-handle", 3)
        app = _moves(page, ".hadr-downtime-cost .noUi-handle")
        ctx.close()
    f50, a50 = statistics.median(floor) * 1e3, statistics.median(app) * 1e3
    print(f"slider to redrawn chart, 20 moves each, one run: floor (one slider, one FigureWidget "
          f"trace) p50 {f50:.0f} ms p95 {_p(floor, .95):.0f} ms; DR tab (two charts, "
          f"recommendation, break-even, table) p50 {a50:.0f} ms p95 {_p(app, .95):.0f} ms: "
          f"{a50 / f50:.1f}x the floor (aim within 2x)")


def bench_soak(browser, tmp: Path, sessions: int = 20) -> None:
    # Kernels of closed pages culled after 45 s (120 s in voila.json), so the memory
    # return is seen; shorter would cull pages still connecting on a loaded machine.
    args = ("--MappingKernelManager.cull_idle_timeout=45", "--MappingKernelManager.cull_interval=5")
    with serve_voila(tmp / "soak.log", extra_args=args,
                     # every session comes from 127.0.0.1 here: one client to the server
                     env_extra={"HADR_MAX_KERNELS": str(sessions + 4),
                                "HADR_MAX_PENDING_PER_CLIENT": str(sessions + 4)}) as (url, proc):
        _settle()
        idle, idle_kernels = _tree_rss_mb(proc.pid), _kernels(proc.pid)
        errors: list[str] = []
        contexts = []
        t0 = time.perf_counter()
        for _ in range(sessions):
            ctx = browser.new_context()
            pg = ctx.new_page()
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(url, wait_until="commit", timeout=120_000)
            contexts.append((ctx, pg))
        rendered, deadline = 0, time.perf_counter() + 300
        for _ctx, pg in contexts:
            try:
                pg.wait_for_selector(".hadr-overview", timeout=max(1_000, (deadline - time.perf_counter()) * 1e3))
                rendered += 1
            except Exception:  # counted: this is a measurement
                pass
        took = time.perf_counter() - t0
        # Each session does something: a target move on the overview.
        worked = 0
        for _ctx, pg in contexts:
            if not pg.locator(".hadr-overview").count():
                continue
            try:
                before = pg.locator(".hadr-overview").inner_text()
                pg.locator(".hadr-overview-target .noUi-handle").focus()
                pg.locator(".hadr-overview-target .noUi-handle").press("ArrowRight")
                pg.wait_for_function("b => document.querySelector('.hadr-overview').innerText !== b",
                                     arg=before, timeout=15_000)
                worked += 1
            except Exception:
                pass
        busy = _tree_rss_mb(proc.pid)
        for ctx, _ in contexts:
            ctx.close()
        # Idle past the 45 s cull timeout; the culler shuts kernels down one after
        # another, so wait until the server is back to its idle kernels (at most 180 s).
        closed = time.perf_counter()
        while _kernels(proc.pid) > idle_kernels and time.perf_counter() - closed < 180:
            time.sleep(2)
        returned = time.perf_counter() - closed
        after = _tree_rss_mb(proc.pid)
        log = (tmp / "soak.log").read_text()
        tracebacks = log.count("Traceback")
        print(f"{sessions} concurrent sessions on this machine: {rendered} rendered in {took:.0f} s, "
              f"{worked} answered a slider move, {len(errors)} page errors, {tracebacks} tracebacks in "
              f"the server log; memory {idle:.0f} MB idle, {busy:.0f} MB with {sessions} sessions "
              f"({(busy - idle) / sessions:.0f} MB each), {after:.0f} MB {returned:.0f} s after they "
              f"closed ({_kernels(proc.pid)} kernels left, {idle_kernels} when idle)")


def run() -> None:
    chromium = find_chromium()
    if chromium is None:
        print("Voila app: skipped (no chromium; `make bench` installs it as root)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            bench_latency(browser, Path(tmp))
            bench_soak(browser, Path(tmp))
        finally:
            browser.close()


if __name__ == "__main__":
    run()
