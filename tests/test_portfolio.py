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
    assert "In EUR, 1 services:" in out and "In USD, 2 services:" in out
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
