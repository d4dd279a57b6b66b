"""`hadr portfolio`: every service of a folder in one table, worst first, totals per
currency, and an unreadable file listed with why while the others still are."""

from __future__ import annotations

import json
import shutil

import pytest

import hadr_lib as hl
from hadr_lib import portfolio as pf
from hadr_lib.cli import main
from hadr_lib.scenario import SCENARIOS_DIR


def _folder(tmp_path):
    for name in ("small_saas", "ecommerce_shop"):
        shutil.copy(SCENARIOS_DIR / f"{name}.yaml", tmp_path / f"{name}.yaml")
    euro = (SCENARIOS_DIR / "small_saas.yaml").read_text().replace("currency: USD", "currency: EUR").replace(
        "name: Small SaaS", "name: Euro SaaS")
    (tmp_path / "euro.yml").write_text(euro)
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    return tmp_path


def test_a_folder_worst_first_with_totals_per_currency(tmp_path):
    result = pf.portfolio(pf.scenario_files(_folder(tmp_path)))
    rows = result.services
    assert [r["status"] for r in rows] == ["red", "red", "error", "green"]
    broken = next(r for r in rows if r["file"] == "broken.yaml")
    assert broken["error"] and broken["availability"] is None
    # each row is the overview of its scenario against its own target
    shop = next(r for r in rows if r["file"] == "ecommerce_shop.yaml")
    from hadr_lib.overview import overview

    shop_sc = hl.load_scenario("ecommerce_shop")
    ov = overview(shop_sc, shop_sc.availability_target or pf.DEFAULT_TARGET)
    assert shop["availability"] == pytest.approx(float(ov.evaluation.availability), rel=1e-15)
    assert shop["expected_loss"] == ov.expected_loss and shop["dr_cost_per_year"] == ov.annual_cost
    # money is totalled per currency, never across
    saas = next(r for r in rows if r["file"] == "small_saas.yaml")
    assert set(result.totals) == {"USD", "EUR"}
    assert result.totals["USD"]["services"] == 2
    assert result.totals["USD"]["expected_loss"] == pytest.approx(saas["expected_loss"] + shop["expected_loss"])
    assert result.totals["EUR"]["expected_loss"] == pytest.approx(saas["expected_loss"])
    assert result.to_dict()["counts"] == {"red": 2, "error": 1, "amber": 0, "green": 1}


def test_the_command_prints_and_writes_json(tmp_path, capsys):
    folder = _folder(tmp_path)
    assert main(["portfolio", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 services, worst first")
    assert "broken.yaml: not read:" in out
    assert "In EUR, 1 service:" in out and "In USD, 2 services:" in out
    assert main(["portfolio", str(folder), "--target", "99.9", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {r["target"] for r in doc["services"] if r["status"] != "error"} == {0.999}
    assert set(doc) >= {"services", "totals", "counts"}
    # the shipped scenarios without a folder
    assert main(["portfolio", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["services"]) == len(hl.reference_scenarios())


def test_bounds_and_bad_folders(tmp_path, monkeypatch):
    with pytest.raises(hl.InvalidInputError, match="is not a folder of scenario files"):
        pf.scenario_files(tmp_path / "nowhere")
    monkeypatch.setattr(pf, "MAX_SERVICES", 2)
    for i in range(3):
        (tmp_path / f"s{i}.yaml").write_text("name: x\n")
    with pytest.raises(hl.InvalidInputError, match="more than 2 scenario files"):
        pf.scenario_files(tmp_path)


def test_sorting_scenario_objects_and_a_design_priced_in_another_currency(tmp_path):
    shop, saas = hl.load_scenario("ecommerce_shop"), hl.load_scenario("small_saas")
    euro = saas.replace(currency="EUR", name="Euro SaaS")  # its design (single_server) is priced in USD
    result = pf.portfolio([shop, saas, euro], keys=["shop", "saas", "euro"])
    by_key = {r["key"]: r for r in result.services}
    assert by_key["shop"]["file"] is None and by_key["shop"]["name"] == "E-commerce shop"
    # shop: ALB 197.10 + 2 x 714.82 + 2 x 569.40 = 2,765.54 (data/running_costs.csv), all in = that + DR + losses
    assert by_key["shop"]["design_cost_per_year"] == pytest.approx(2765.54, abs=1e-9)
    assert by_key["shop"]["all_in_cost"] == pytest.approx(
        2765.54 + by_key["shop"]["dr_cost_per_year"] + by_key["shop"]["expected_loss"])
    # euros never take a dollar design cost
    assert by_key["euro"]["design_currency"] == "USD" and by_key["euro"]["all_in_cost"] is None
    assert result.totals["EUR"]["design_costs_unknown"] == 1 and result.totals["EUR"]["design_cost_per_year"] == 0
    assert result.totals["USD"]["design_cost_per_year"] == pytest.approx(2765.54 + 714.82)
    view = pf.portfolio_view(result.services)
    assert view.loc[view["service"] == "Euro SaaS", "design/year"].item() == "$715 (not in EUR)"
    rows = result.services
    assert [r["key"] for r in pf.sorted_services(rows, "name")] == ["shop", "euro", "saas"]
    assert [r["key"] for r in pf.sorted_services(rows, "design_cost_per_year")][0] == "shop"
    low = pf.sorted_services(rows, "availability")
    assert [r["availability"] for r in low] == sorted(r["availability"] for r in rows)
    assert pf.sorted_services(rows, "all_in_cost")[-1]["key"] == "euro"  # unknown goes last
    with pytest.raises(hl.InvalidInputError, match="sort: 'colour' is not one of status, expected_loss"):
        pf.sorted_services(rows, "colour")
    with pytest.raises(hl.InvalidInputError, match="keys: 1 keys for 3 services"):
        pf.portfolio([shop, saas, euro], keys=["x"])


def test_the_portfolio_report_escapes_names_and_fetches_nothing(tmp_path, capsys):
    hostile = (SCENARIOS_DIR / "small_saas.yaml").read_text().replace(
        "name: Small SaaS", "name: \"<script>alert(1)</script> & <b>co</b>\"")
    (tmp_path / "hostile.yaml").write_text(hostile)
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    out = tmp_path / "portfolio.html"
    assert main(["portfolio", str(tmp_path), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count('class="hadr-portfolio-row') == 2 and "not read" in page
    assert "In USD, 1 service: designs $715 a year" in page
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert main(["portfolio", str(tmp_path), "--format", "html"]) == 2
    assert "--out: a portfolio report (--format html) needs a file to write" in capsys.readouterr().err
    assert main(["portfolio", str(tmp_path), "--jobs", "0"]) == 2
    assert "--jobs: 0 is not a whole number in [1, 256]" in capsys.readouterr().err


def test_hundreds_of_services_run_as_a_batch_in_processes_and_on_dask(tmp_path, capsys):
    from distributed import LocalCluster

    for i in range(30):
        shutil.copy(SCENARIOS_DIR / ("small_saas.yaml" if i % 2 else "ecommerce_shop.yaml"),
                    tmp_path / f"s{i:03d}.yaml")
    assert main(["portfolio", str(tmp_path), "--format", "json", "--quiet"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main(["portfolio", str(tmp_path), "--format", "json", "--jobs", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == alone
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main(["portfolio", str(tmp_path), "--format", "json", "--quiet",
                     "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(capsys.readouterr().out) == alone
    assert alone["counts"] == {"red": 15, "error": 0, "amber": 0, "green": 15}
    assert main(["portfolio", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9", "--quiet"]) == 2
    assert "--scheduler: cannot reach 'tcp://127.0.0.1:9'" in capsys.readouterr().err
