"""Reports: executed with papermill, exported without code, written atomically."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT
from hadr_lib.report import build_report, build_reports

pytestmark = pytest.mark.notebook

NETWORK = re.compile(r'<(?:script|link)[^>]+(?:src|href)="https?://')


def test_single_report_is_self_contained(tmp_path):
    path = build_report("ecommerce_shop", tmp_path)
    assert path == tmp_path / "ecommerce_shop.html"
    html = path.read_text()
    assert "<title>HA/DR report: E-commerce shop</title>" in html
    assert "Multi-AZ PostgreSQL gives 99.9889%, comfortably above the 99.95% target." in html
    assert "Recommended: Warm standby + point-in-time backups (AWS), $267,331 a year" in html
    # the spread behind the average, in money at the scenario's $50,000 an hour
    assert "Over 20,000 simulated years, the median year has" in html
    assert re.search(r"1 year in 10 more than [0-9.]+ hours \(\$[0-9,]+\)", html)
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


def test_pdf_through_chromium(tmp_path, chromium):
    path = build_report("small_saas", tmp_path, fmt="pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small_saas.pdf"]
