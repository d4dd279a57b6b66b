"""Reports: executed with papermill, exported without code, written atomically."""

from __future__ import annotations

import re
import subprocess
import sys
from html import escape

import nbformat
import pytest

from hadr_lib.assumptions import report_items
from hadr_lib.report import build_report, build_reports

from conftest import NOTEBOOKS, ROOT

pytestmark = pytest.mark.notebook

NETWORK = re.compile(r'<(?:script|link)[^>]+(?:src|href)="https?://')


def test_single_report_is_self_contained(tmp_path):
    path = build_report("ecommerce_shop", tmp_path)
    assert path == tmp_path / "ecommerce_shop.html"
    html = path.read_text()
    assert "<title>HA/DR report: E-commerce shop</title>" in html
    assert "Multi-AZ PostgreSQL gives 99.9797%, comfortably above the 99.95% target." in html
    assert "Recommended: Warm standby + point-in-time backups (AWS), $191,499 a year" in html
    # the spread behind the average, in money at the scenario's $50,000 an hour
    assert "Over 20,000 simulated years, the median year has" in html
    assert re.search(r"1 year in 10 more than [0-9.]+ hours \(\$[0-9,]+\)", html)
    # the model's downtime set against the simulation's, in words
    assert re.search(r"The model(&#x27;|')s [0-9.]+ (minutes|hours) of downtime a year lies inside the simulation|"
                     r"The model gives [0-9.]+ (minutes|hours) of downtime a year", html)
    # how sure: the design's figures taken as uncertain by a factor of 3
    assert re.search(r"Downtime per year: median [0-9.]+ (minutes|hours), 1 year in 20 worse than", html)
    assert "Learn more about: the load balancer" in html
    # key sentences are paragraphs (they were console text: monospace, broken mid-word,
    # "$... $" pairs typeset as mathematics), none of them left in a <pre>
    sentences = re.findall(r'<div class="hadr-sentences tex2jax_ignore mathjax_ignore">(.*?)</div>', html, re.S)
    assert any("the median year has" in s for s in sentences)
    assert any("Improve or add redundancy to" in s for s in sentences)
    assert not [p for p in re.findall(r"<pre>(.*?)</pre>", html, re.S) if "median year" in p or "allows" in p]
    # the assumptions are the ones the CLI and the app say (hadr_lib.assumptions)
    for said in report_items(simulated_years=20_000, seed=0):
        assert escape(said, quote=False) in html.replace("&#x27;", "'"), said
    assert not NETWORK.search(html), "a report fetches nothing from the network"
    assert "plotly.js v" in html and path.stat().st_size > 3_000_000  # plotly.js inlined
    for code in ("import hadr_lib", "pio.renderers.default", "hl.strategy_table(", "overview_html("):
        assert code not in html, "no code in a report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ecommerce_shop.html"]


def test_batch_shares_plotly_and_writes_an_index(tmp_path):
    results = build_reports(["small_saas", "regulated_payments"], tmp_path, jobs=2, progress=False)
    assert all(r.ok for r in results)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["index.html", "plotly.min.js", "regulated_payments.html", "small_saas.html"]
    for r in results:
        html = r.path.read_text()
        assert '<script charset="utf-8" src="plotly.min.js"></script>' in html
        assert not NETWORK.search(html)
        assert r.path.stat().st_size < 1_000_000
    index = (tmp_path / "index.html").read_text()
    assert 'href="small_saas.html"' in index and 'href="regulated_payments.html"' in index


def test_a_failed_scenario_leaves_no_file_and_the_others_complete(tmp_path):
    bad_nb = nbformat.read(NOTEBOOKS / "report.ipynb", as_version=4)
    bad_nb.cells.insert(3, nbformat.v4.new_code_cell(
        'if "regulated" in scenario:\n    raise RuntimeError("boom")'))
    custom = tmp_path / "report.ipynb"
    nbformat.write(bad_nb, custom)
    out = tmp_path / "out"
    results = build_reports(["small_saas", "regulated_payments"], out, progress=False,
                            notebook=custom)
    ok, failed = results
    assert ok.ok and not failed.ok
    assert failed.error == ("scenario 'regulated_payments' failed in cell 4 "
                            "('if \"regulated\" in scenario:'): RuntimeError: boom")
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js", "small_saas.html"]
    assert "regulated_payments: failed" in (out / "index.html").read_text()


def test_cli_reports_and_exits_non_zero_naming_the_bad_scenario(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\ndowntime_cost_per_hour: -5\ndata: {unit: GB, written_per_hour: 1, "
                   "cost_per_unit: 1}\nincidents_per_year: {}\ntargets: {rto_h: 1, rpo_h: 1}\n")
    out = subprocess.run([sys.executable, "-m", "hadr_lib", "report", "small_saas", str(bad),
                          "--out", str(tmp_path / "r"), "--quiet"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert "downtime_cost_per_hour: -5 is not a number >= 0" in out.stderr
    assert "Traceback" not in out.stderr
    assert "1 of 2 reports written" in out.stdout
    assert (tmp_path / "r" / "small_saas.html").exists()
    assert not (tmp_path / "r" / "broken.html").exists()


def test_relative_architecture_in_a_scenario_is_found_from_anywhere(tmp_path):
    (tmp_path / "arch.yaml").write_text(
        "name: Two boxes\narchitecture: {parallel: [{component: {name: a, availability: 0.99}}, "
        "{component: {name: b, availability: 0.99}}]}\n")
    (tmp_path / "s.yaml").write_text(
        "name: mine\ndowntime_cost_per_hour: 100\ndata: {unit: GB, written_per_hour: 1, "
        "cost_per_unit: 1}\nincidents_per_year: {region: 0.1}\ntargets: {rto_h: 24, rpo_h: 24}\n"
        "architecture: arch.yaml\n")
    path = build_report(str(tmp_path / "s.yaml"), tmp_path / "out")
    assert "Two boxes gives 99.99%" in path.read_text()


def test_a_design_too_large_to_simulate_reports_without_the_simulation(tmp_path):
    """count: 50 of a part failing 800 times a year drove the report's kernel past
    2.3 GB; the simulation's memory budget now counts replicas and the report says
    why it has no simulated years instead."""
    (tmp_path / "s.yaml").write_text(
        "name: many\ndowntime_cost_per_hour: 100\ndata: {unit: GB, written_per_hour: 1, "
        "cost_per_unit: 1}\nincidents_per_year: {region: 0.1}\ntargets: {rto_h: 24, rpo_h: 24}\n"
        "architecture:\n  name: Fifty flaky boxes\n  architecture:\n"
        "    component: {name: box, mtbf_h: 10, mttr_h: 1, count: 50}\n")
    page = build_report(str(tmp_path / "s.yaml"), tmp_path / "out").read_text()
    assert "Not simulated: runs: 2,000 runs of 10 years" in page
    assert "Fifty flaky boxes" in page


def test_a_downloaded_workspace_reports_with_its_design_inline_and_its_target(tmp_path):
    """The app's download (design inline, the target in it) is a scenario file the
    report reads as it stands."""
    from hadr_lib.workspace import Workspace

    ws = Workspace("small_saas", 0.9999)
    ws.set_design("mongodb_replica_set")
    ws.what_if(downtime_cost_per_hour=4000.0)
    source = tmp_path / ws.filename()
    source.write_bytes(ws.to_yaml())
    html = build_report(str(source), tmp_path / "out").read_text()
    assert "MongoDB replica set, majority writes gives" in html
    assert "99.99% target" in html and "At $4,000 an hour" in html


def test_a_report_sets_the_design_against_an_incident_log(tmp_path):
    log = tmp_path / "incidents.csv"
    log.write_text("component,start,end\n"
                   "app-a,2025-01-03T10:00:00Z,2025-01-03T11:30:00Z\n"
                   "app-a,2025-04-11T02:00:00Z,2025-04-11T02:45:00Z\n"
                   "pg-primary,2025-06-01T08:00:00Z,2025-06-01T14:00:00Z\n"
                   "app-b,2025-12-30T09:00:00Z,2025-12-30T09:20:00Z\n")
    html = build_report("ecommerce_shop", tmp_path / "out", incidents=str(log)).read_text()
    assert "Designed against measured" in html
    assert re.search(r"app-a: designed [0-9.]+%, measured [0-9.]+%", html)
    assert "No incident log given" not in html
    plain = build_report("small_saas", tmp_path / "plain").read_text()
    assert "No incident log given" in plain
    from hadr_lib import InvalidInputError

    with pytest.raises(InvalidInputError):
        build_report("small_saas", tmp_path / "bad", incidents=str(tmp_path / "missing.csv"))


def test_pdf_through_chromium(tmp_path, chromium):
    path = build_report("small_saas", tmp_path, fmt="pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small_saas.pdf"]


HOSTILE_ARCH = (
    'name: "<img src=x onerror=alert(1)> design"\n'
    'description: "</script><script>alert(2)</script>"\n'
    "architecture:\n  series:\n"
    '    - component: {name: "<b>lb</b>", availability: 0.9999}\n'
    '    - component: {name: "<script>alert(3)</script>", mtbf_h: 1000, mttr_h: 1}\n')
HOSTILE_SCENARIO = (
    'name: "<script>alert(4)</script> shop"\n'
    "description: '<iframe src=\"file:///etc/passwd\"></iframe> [click](javascript:alert(5)) "
    "<img src=\"http://127.0.0.1:9/leak\">'\n"
    'currency: "<i>$</i>"\n'
    "downtime_cost_per_hour: 1000\n"
    "data: {unit: GB, written_per_hour: 1, cost_per_unit: 1}\n"
    "incidents_per_year: {instance: 1}\ntargets: {rto_h: 4, rpo_h: 4}\n"
    "architecture: design.yaml\n")
RAW_TAG = re.compile(r"<(script>alert|iframe|img src=\"?(x|http)|b>lb|i>\$)")


@pytest.fixture
def hostile(tmp_path):
    (tmp_path / "design.yaml").write_text(HOSTILE_ARCH)
    (tmp_path / "evil.yaml").write_text(HOSTILE_SCENARIO)
    return tmp_path / "evil.yaml"


def test_user_strings_are_escaped_and_nothing_is_fetched(hostile, tmp_path):
    page = build_report(str(hostile), tmp_path / "out").read_text()
    assert not RAW_TAG.search(page), RAW_TAG.search(page).group(0)
    assert "&lt;script&gt;alert(4)&lt;/script&gt; shop" in page
    assert "&lt;iframe src=" in page and "javascript:alert(5)" not in page.replace(
        "[click](javascript:alert(5))", "")  # shown as text, never a link
    assert '<a href="javascript' not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_a_hostile_pdf_pulls_in_no_local_file(hostile, tmp_path, chromium):
    from pypdf import PdfReader

    path = build_report(str(hostile), tmp_path / "out", fmt="pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "root:x:0:0" not in text
    assert "<iframe" in text  # the description is printed as text


@pytest.mark.parametrize("kept", [False, True, "spare"], ids=["print_pdf", "PdfPrinter", "spare page"])
def test_print_pdf_blocks_file_and_network_fetches(tmp_path, chromium, kept):
    """The policy, not luck: the same page with a permissive policy shows the file.
    Every way of printing: a Chromium per page (the CLI), the one the app keeps, and its
    spare page (there the spare's own strict policy stays in force: nothing loads)."""
    import http.server
    import threading

    from pypdf import PdfReader

    from hadr_lib.pdf import PdfPrinter
    from hadr_lib.report import _with_policy, print_pdf

    spare_script = "window.spareRan = true;"
    kept_printer = (PdfPrinter(chromium, spare_head=_STRICT, spare_script=spare_script) if kept == "spare"
                    else PdfPrinter(chromium) if kept else None)
    if kept == "spare":
        kept_printer.warm()

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"NETWORK-MARKER")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    body = (f"<p>hello</p><iframe src='{secret.as_uri()}'></iframe>"
            f"<iframe src='http://127.0.0.1:{server.server_address[1]}/x'></iframe>")
    texts = {}
    try:
        for name, head in (("ours", ""), ("open", '<meta http-equiv="Content-Security-Policy" '
                                                 'content="default-src *">')):
            work = tmp_path / name
            work.mkdir()
            page = f"<html><head>{head}</head><body><script>{spare_script}</script>{body}</body></html>"
            if kept_printer is None:
                print_pdf(page, work / "o.pdf", chromium, workdir=work)
            else:  # as ReportWorker gives it: with the report's policy unless the page has one
                kept_printer.print(page if head else _with_policy(page, False), work / "o.pdf")
            texts[name] = "".join(p.extract_text() for p in PdfReader(work / "o.pdf").pages)
    finally:
        server.shutdown()
        if kept_printer is not None:
            kept_printer.close()
    assert "hello" in texts["ours"] and "SECRET-MARKER" not in texts["ours"]
    if kept == "spare":
        assert kept_printer.spare_prints == 2  # both printed in a spare page
        assert "SECRET-MARKER" not in texts["open"]  # the spare's policy held
    else:
        assert "SECRET-MARKER" in texts["open"]  # what the policy prevents
    assert hits == [] and "NETWORK-MARKER" not in texts["open"]  # Chromium reaches no host


_PLOTLY_PAGE = """<!DOCTYPE html><html><head>{policy}</head><body><h1>Spare check</h1>
<script>window.PlotlyConfig = {{MathJaxConfig: 'local'}};</script><script>{plotly}</script>
<div id="c" style="width:600px;height:360px"></div>
<script>Plotly.newPlot("c", [{{type: "bar", x: ["alpha", "beta"], y: [3, 5]}}],
  {{title: {{text: "Drawn by the chart"}}}});</script></body></html>"""


def test_a_page_printed_in_the_spare_is_the_page_printed_whole(tmp_path, chromium, monkeypatch):
    """The spare page (plotly.js parsed before the report is ready) prints the same PDF
    as loading the whole page: same text, chart and styles (plotly's CSSOM rules carried
    over), the same size within a few bytes (two prints of one page differ by as much). A spare that has
    not loaded in time is not used: the page is loaded whole."""
    from plotly.offline import get_plotlyjs
    from pypdf import PdfReader

    import hadr_lib.pdf as pdf_module
    from hadr_lib.pdf import PdfPrinter
    from hadr_lib.report import _with_policy

    page = _with_policy(_PLOTLY_PAGE.format(policy="", plotly=get_plotlyjs()), False)
    whole = PdfPrinter(chromium)
    spare = PdfPrinter(chromium, spare_head=page[page.index("<meta"):page.index("</head>")],
                       spare_script=get_plotlyjs())
    try:
        whole.print(page, tmp_path / "whole.pdf")
        spare.warm()
        spare.print(page, tmp_path / "spare.pdf")
        assert spare.spare_prints == 1 and spare._spare is not None  # used, and the next one loading
        monkeypatch.setattr(pdf_module, "SPARE_WAIT_S", 0.0)
        spare.print(page, tmp_path / "late.pdf")
        assert spare.spare_prints == 1  # not waited for: loaded whole
    finally:
        whole.close()
        spare.close()
    texts = {n: PdfReader(tmp_path / f"{n}.pdf").pages[0].extract_text() for n in ("whole", "spare", "late")}
    assert "Drawn by the chart" in texts["whole"] and "alpha" in texts["whole"]
    assert texts["spare"] == texts["whole"] == texts["late"]
    sizes = {n: (tmp_path / f"{n}.pdf").stat().st_size for n in texts}
    assert abs(sizes["spare"] - sizes["whole"]) <= 0.002 * sizes["whole"], sizes  # two prints differ by bytes


def test_the_app_s_pdf_is_printed_in_the_spare_page(tmp_path, chromium):
    from pypdf import PdfReader

    from hadr_lib.report import ReportWorker

    source = (ROOT / "data" / "scenarios" / "small_saas.yaml").read_bytes()
    worker = ReportWorker()
    try:
        _, printed = worker.prepare(source, "small_saas.yaml", 0.999, pdf=True)
        path = printed.result(timeout=300)
        assert worker._printer.spare_prints == 1
        text = "".join(p.extract_text() for p in PdfReader(path).pages)
    finally:
        worker.close()
    assert "Small SaaS" in text and "99.9% target" in text


def test_the_app_s_reports_come_one_after_another_from_a_fresh_kernel(tmp_path):
    """The worker keeps its kernel and a ready client for the next report (it no longer
    shuts the kernel down before writing the report: 0.4 s, seen in make bench, not
    here); after each report the kernel is restarted, so no report sees another's
    variables."""
    from hadr_lib.report import ReportWorker

    worker = ReportWorker()
    try:
        pids, pages = [], []
        for name in ("small_saas", "ecommerce_shop"):
            source = (ROOT / "data" / "scenarios" / f"{name}.yaml").read_bytes()
            html_future, _ = worker.prepare(source, f"{name}.yaml", 0.999)
            pages.append(html_future.result(timeout=300).read_text(encoding="utf-8"))
            pids.append(worker._km.provisioner.pid)
            # The worker restarts the kernel as soon as the report is out (queued behind it):
            # once that is done, a live kernel and a ready client wait for the next report.
            # (Asked before the restart was done, is_alive raced it: False mid-restart on CI.)
            worker._pool.submit(lambda: None).result(timeout=120)
            assert worker._km.is_alive()
            assert worker._kc is not None and worker._kc.is_alive()
    finally:
        worker.close()
    assert "Small SaaS" in pages[0] and "E-commerce shop" not in pages[0]
    assert "E-commerce shop" in pages[1] and "Small SaaS" not in pages[1]
    assert pids[0] != pids[1]  # a new kernel process for the second report
    assert worker._kc is None and worker._km is None


_STRICT = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'


def test_the_kept_chromium_refuses_a_page_without_a_policy(tmp_path, chromium):
    from hadr_lib import InvalidInputError
    from hadr_lib.pdf import PdfPrinter

    printer = PdfPrinter(chromium)
    with pytest.raises(InvalidInputError, match="carries no Content-Security-Policy; refused"):
        printer.print("<html><head></head><body><iframe src='file:///etc/passwd'></iframe></body></html>",
                      tmp_path / "x.pdf")
    assert printer._proc is None and not (tmp_path / "x.pdf").exists()  # nothing started, nothing written


def test_the_kept_chromium_prints_page_after_page_and_comes_back_after_a_crash(tmp_path, chromium):
    import time

    from pypdf import PdfReader

    from hadr_lib.pdf import PdfPrinter

    printer = PdfPrinter(chromium, idle_s=None)
    try:
        for i in range(2):
            printer.print(f"<html><head>{_STRICT}</head><body><h1>page {i}</h1></body></html>", tmp_path / f"{i}.pdf")
            assert PdfReader(tmp_path / f"{i}.pdf").pages[0].extract_text().strip() == f"page {i}"
        first = printer._proc
        profile = printer._dir
        first.kill()  # Chromium dies between two reports: the next one starts it again
        first.wait(10)
        printer.print(f"<html><head>{_STRICT}</head><body><p>after</p></body></html>", tmp_path / "after.pdf")
        assert "after" in PdfReader(tmp_path / "after.pdf").pages[0].extract_text()
        assert printer._proc is not first and not profile.exists()  # the dead one's profile removed
    finally:
        printer.close()
    assert printer._proc is None and printer._dir is None
    idle = PdfPrinter(chromium, idle_s=0.5)  # stopped when idle, started again on demand
    try:
        idle.print(f"<html><head>{_STRICT}</head><body>x</body></html>", tmp_path / "x.pdf")
        proc = idle._proc
        deadline = time.monotonic() + 20
        while (idle._proc is not None or proc.poll() is None) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert idle._proc is None and proc.poll() is not None  # stopped, not only forgotten
        idle.print(f"<html><head>{_STRICT}</head><body>y</body></html>", tmp_path / "y.pdf")
        assert (tmp_path / "y.pdf").read_bytes().startswith(b"%PDF")
    finally:
        idle.close()


def test_batch_names_never_collide(tmp_path):
    from hadr_lib.report import unique_stems

    assert unique_stems(["a/shop.yaml", "b/shop.yaml", "index", "Shop", "plotly.min.yaml",
                         "../..", "x/index.yaml"]) == [
        "shop", "shop-2", "index-2", "Shop-3", "plotly.min-2", "report", "index-3"]
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "small_saas.yaml").write_text(
            (ROOT / "data" / "scenarios" / "small_saas.yaml").read_text()
            .replace("name: Small SaaS", f"name: Small SaaS {sub}"))
    (tmp_path / "index.yaml").write_text((ROOT / "data" / "scenarios" / "small_saas.yaml").read_text())
    out = tmp_path / "out"
    scen = [str(tmp_path / "a" / "small_saas.yaml"), str(tmp_path / "b" / "small_saas.yaml"),
            str(tmp_path / "index.yaml")]
    results = build_reports(scen, out, progress=False)
    assert [r.path.name for r in results] == ["small_saas.html", "small_saas-2.html", "index-2.html"]
    assert "Small SaaS a" in results[0].path.read_text()
    assert "Small SaaS b" in results[1].path.read_text()
    index = (out / "index.html").read_text()
    assert index.count("<li>") == 3 and 'href="index-2.html"' in index


def test_a_full_disk_fails_one_report_not_the_batch(tmp_path, monkeypatch):
    import errno

    import hadr_lib.report as report

    real = report.atomic_write

    def full_for_small_saas(path, data):
        if path.name == "small_saas.html":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(report, "atomic_write", full_for_small_saas)
    results = build_reports(["small_saas", "regulated_payments"], tmp_path, progress=False,
                            shared_plotly=False)
    assert [r.ok for r in results] == [False, True]
    assert results[0].error == "cannot write the report: No space left on device"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "regulated_payments.html"]


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def test_sigterm_stops_a_report_batch_leaving_no_orphan_and_no_partial_file(tmp_path):
    import signal
    import time

    import psutil

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "hadr_lib", "report", "small_saas",
                             "regulated_payments", "ecommerce_shop", "--jobs", "2", "--out",
                             str(out), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    seen: dict[int, psutil.Process] = {}
    while time.monotonic() < deadline:  # wait for both workers to have a kernel
        for p in _descendants(proc.pid):
            seen[p.pid] = p
        kernels = [p for p in seen.values() if p.is_running() and "ipykernel" in " ".join(
            p.cmdline() if p.is_running() else [])]
        if len(kernels) >= 2:
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the batch never started two kernels")
    time.sleep(1.0)
    for p in _descendants(proc.pid):
        seen[p.pid] = p
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; nothing was written" in err and "Traceback" not in err
    gone, alive = psutil.wait_procs(list(seen.values()), timeout=20)
    assert not alive, [p.cmdline() for p in alive]
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert not [n for n in left if n.endswith(".tmp") or n.startswith(".")], left


def test_a_batch_runs_on_a_dask_cluster_with_the_same_guarantees(tmp_path):
    from distributed import LocalCluster

    from hadr_lib.cli import main

    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        code = main(["report", "small_saas", str(ROOT / "data" / "scenarios" / "small_saas.yaml"),
                     "index", "--out", str(out), "--scheduler", cluster.scheduler_address,
                     "--quiet"])
    assert code == 1  # "index" is no scenario: that one fails, the others are written
    names = sorted(p.name for p in out.iterdir())
    assert names == ["index.html", "plotly.min.js", "small_saas-2.html", "small_saas.html"]
    assert "index: failed" in (out / "index.html").read_text()


def test_an_unreachable_scheduler_is_a_clear_error(capsys, tmp_path):
    from hadr_lib.cli import main

    assert main(["report", "small_saas", "--out", str(tmp_path), "--scheduler",
                 "tcp://127.0.0.1:9", "--quiet"]) == 2
    assert "--scheduler: cannot reach 'tcp://127.0.0.1:9'" in capsys.readouterr().err


def _sigkill_leaves_no_orphan(argv: list[str], wanted, cwd) -> None:
    """Start ``argv``, wait until ``wanted(descendants)`` holds, SIGKILL the command
    (no chance to clean up), and check every descendant it had is gone soon after."""
    import signal
    import time

    import psutil

    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            for p in _descendants(proc.pid):
                seen[p.pid] = p
            alive = [p for p in seen.values() if p.is_running()]
            if wanted(alive):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the workers never started")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        _, alive = psutil.wait_procs(list(seen.values()), timeout=30)
        assert not alive, [" ".join(p.cmdline()[:4]) for p in alive]
    finally:
        for p in seen.values():
            try:
                p.kill()
            except psutil.Error:
                pass
        if proc.poll() is None:
            proc.kill()


def _kernels(procs) -> int:
    return sum("ipykernel" in " ".join(p.cmdline() if p.is_running() else []) for p in procs)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigkill_of_a_report_batch_leaves_no_worker_or_kernel(tmp_path, jobs):
    """SIGKILL gives no chance to stop workers: they went on as orphans. Workers now get
    SIGTERM when their parent dies and stop their kernels as on Ctrl-C."""
    argv = [sys.executable, "-m", "hadr_lib", "report", "small_saas", "regulated_payments",
            "--jobs", jobs, "--out", str(tmp_path / "out"), "--quiet"]
    _sigkill_leaves_no_orphan(argv, lambda procs: _kernels(procs) >= int(jobs), ROOT)


def test_sigkill_of_a_simulation_leaves_no_worker(tmp_path):
    argv = [sys.executable, "-m", "hadr_lib", "simulate", "multi_az_postgres", "--runs", "200000",
            "--years", "20", "--workers", "2", "--format", "json"]
    _sigkill_leaves_no_orphan(argv, lambda procs: len(procs) >= 2, ROOT)


def test_a_design_read_from_infrastructure_code_brings_its_findings_to_the_report(tmp_path):
    """hadr import keeps what the files say with the design; the report lists it, as text."""
    import yaml

    from hadr_lib.importers import import_paths
    from hadr_lib.scenario import load_scenario

    imported = import_paths([ROOT / "tests" / "fixtures" / "import" / "shop.yaml"])["design"]
    imported["findings"][0]["message"] += " <script>alert(1)</script>"
    data = load_scenario("small_saas").to_mapping()
    data["architecture"] = imported
    path = tmp_path / "imported.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    html_text = build_report(str(path), tmp_path / "out").read_text(encoding="utf-8")
    assert "What the files say" in html_text
    assert "key spec.replicas is given twice" in html_text
    assert "<script>alert(1)</script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_a_report_s_kernel_talks_over_unix_sockets_in_a_folder_removed_after(tmp_path, monkeypatch):
    """Reports run side by side (--jobs) and beside the served app: a kernel on TCP took
    ports another process could take first ('Address already in use')."""
    import os

    import hadr_lib.report as report

    made = report._ipc_kernel_manager
    seen: list[tuple[str, str]] = []

    def spying():
        cls = made()

        class Spy(cls):
            def __init__(self, **kw):
                super().__init__(**kw)
                seen.append((self.transport, self.connection_file))

        return Spy

    monkeypatch.setattr(report, "_ipc_kernel_manager", spying)
    report.build_report("small_saas", tmp_path)
    ((transport, connection),) = seen
    assert transport == "ipc" and os.path.basename(os.path.dirname(connection)).startswith("hadr-kernel-")
    assert not os.path.exists(os.path.dirname(connection))  # removed with the kernel
    assert (tmp_path / "small_saas.html").exists()
