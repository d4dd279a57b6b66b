"""``hadr check``: the gate a pull request passes. Exit codes, the figures (the drop
in nines worked by hand), what changed, and a comment that user strings cannot mark up."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re

import pytest
import yaml

import hadr_lib as hl
from hadr_lib.check import check_design, check_markdown, field_changes, md_escape
from hadr_lib.cli import main


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _pair(tmp_path, name="db pair", app_count=2, failover_s=90):
    design = {"name": name, "architecture": {"series": [
        {"component": {"name": "app", "mtbf_h": 2190, "mttr_h": 1, "count": app_count}},
        {"standby": {"primary": {"component": {"name": "db", "mtbf_h": 4380, "mttr_h": 2}},
                     "standbys": [{"component": {"name": "db-2", "mtbf_h": 4380, "mttr_h": 2}}],
                     "failover_s": failover_s}}]}}
    path = tmp_path / f"{name.replace(' ', '_')}-{app_count}-{failover_s}.yaml"
    path.write_text(yaml.safe_dump(design), encoding="utf-8")
    return path


def test_exit_0_when_the_target_is_met_and_1_when_not(tmp_path):
    path = _pair(tmp_path)
    u = hl.load_architecture(str(path)).evaluate().unavailability
    below = f"{(1 - 2 * u) * 100:.6f}%"  # an availability the design clears
    above = f"{(1 - u / 2) * 100:.6f}%"
    code, out, _ = _run(["check", str(path), "--target", below])
    assert code == 0 and out.startswith("PASS")
    code, out, _ = _run(["check", str(path), "--target", above])
    assert code == 1 and out.startswith("FAIL") and "MISSED" in out


def test_the_drop_in_nines_is_the_log_of_the_unavailability_ratio(tmp_path):
    base, worse = _pair(tmp_path), _pair(tmp_path, app_count=1, failover_s=900)
    ub = hl.load_architecture(str(base)).evaluate().unavailability
    uw = hl.load_architecture(str(worse)).evaluate().unavailability
    code, out, _ = _run(["check", str(worse), "--target", "99%", "--against", str(base), "--format", "json"])
    doc = json.loads(out)
    assert code == 1  # any loss fails by default
    assert doc["drop_nines"] == pytest.approx(math.log10(uw / ub), rel=1e-12)
    assert doc["meets_target"] and not doc["within_drop"] and not doc["ok"]
    assert doc["design"]["unavailability"] == uw and doc["against"]["unavailability"] == ub
    assert doc["changed_parts"] == ["app: count 2 -> 1"]
    assert {c["field"]: (c["before"], c["after"]) for c in doc["changed_fields"]} == {
        "architecture.series[0].component.count": (2, None),
        "architecture.series[1].standby.failover_s": (90.0, 900.0)}
    allowed = doc["drop_nines"] + 0.01
    code, _, _ = _run(["check", str(worse), "--target", "99%", "--against", str(base), "--max-drop", f"{allowed}"])
    assert code == 0
    # the other way round it gains nines: a negative drop, within any limit
    code, out, _ = _run(["check", str(base), "--target", "99%", "--against", str(worse), "--format", "json"])
    assert code == 0 and json.loads(out)["drop_nines"] == pytest.approx(-math.log10(uw / ub), rel=1e-12)


def test_the_same_design_written_differently_loses_nothing(tmp_path):
    a = {"name": "a", "architecture": {"component": {"name": "x", "availability": 0.9995}}}
    b = {"name": "b", "architecture": {"component": {"name": "x", "availability": "99.95%"}}}
    doc = check_design(hl.load_architecture(b), 0.999, hl.load_architecture(a))
    assert doc["ok"] and doc["drop_nines"] == 0.0 and doc["changed_fields"] == [] and doc["changed_parts"] == []


def test_a_perfect_design_and_back(tmp_path):
    perfect = hl.load_architecture({"name": "p", "architecture": {"component": {"name": "x", "availability": 1}}})
    some = hl.load_architecture({"name": "s", "architecture": {"component": {"name": "x", "availability": 0.99}}})
    lost = check_design(some, 0.9, perfect, max_drop=20)
    assert lost["drop_nines"] is None and not lost["within_drop"] and not lost["ok"]
    gained = check_design(perfect, 0.9, some)
    assert gained["drop_nines"] is None and gained["within_drop"] and gained["ok"]


def test_the_markdown_comment_shows_names_as_text():
    evil = "[click](https://evil.example) <img src=x> **bold** | col"
    design = hl.load_architecture({"name": evil, "architecture": {"series": [
        {"component": {"name": evil, "availability": 0.999}},
        {"component": {"name": "db", "availability": 0.9999, "source": "`rm -rf` _x_"}}]}})
    base = hl.load_architecture({"name": "base", "architecture": {"series": [
        {"component": {"name": evil, "availability": 0.9999}},
        {"component": {"name": "db", "availability": 0.9999}}]}})
    md = check_markdown(check_design(design, 0.99, base, max_drop=2))
    assert md.startswith("✅ **HA/DR check passed**")
    for markup in (r"\]\(https", r"<img", r"\*\*bold", r"`rm", r"\| col"):  # none unescaped
        assert not re.search(r"(?<!\\)" + markup, md), markup
    assert md_escape("a|b") == "a\\|b" and md_escape("x\n# y") == "x \\# y"
    assert "\\[click\\]\\(https://evil\\.example\\)" in md
    assert "| base | 99.97% |" not in md and "| base: base |" in md
    assert "`architecture.series[1].component.source`" in md


def test_bad_input_exits_2_with_a_message(tmp_path):
    path = _pair(tmp_path)
    code, _, err = _run(["check", str(path), "--target", "1.5%x"])
    assert code == 2 and err.startswith("hadr check: error: --target: '1.5%x' is not a number")
    code, _, err = _run(["check", str(path), "--target", "99%", "--max-drop", "lots"])
    assert code == 2 and "--max-drop: 'lots' is not a number of nines" in err
    code, _, err = _run(["check", str(path), "--target", "99%", "--max-drop", "-1"])
    assert code == 2 and "max_drop: -1" in err
    code, _, err = _run(["check", str(tmp_path / "nowhere.yaml"), "--target", "99%"])
    assert code == 2 and "nowhere.yaml" in err
    with pytest.raises(SystemExit) as exc:  # --target is required: argparse's own exit 2
        _run(["check", str(path)])
    assert exc.value.code == 2


def test_field_changes_lists_added_and_removed_fields():
    a = hl.load_architecture({"name": "a", "architecture": {"component": {"name": "x", "availability": 0.99}}})
    b = hl.load_architecture({"name": "b", "architecture": {"component": {
        "name": "x", "availability": 0.99, "count": 3, "cost_per_year": 100}}})
    assert field_changes(a, b) == [("architecture.component.cost_per_year", None, 100.0),
                                   ("architecture.component.count", None, 3)]


def test_the_pre_commit_hook_checks_every_file_and_exits_with_the_worst(tmp_path):
    from pathlib import Path

    from hadr_lib.cli.check import check_files

    good, bad = _pair(tmp_path), _pair(tmp_path, app_count=1, failover_s=900)
    u_bad = hl.load_architecture(str(bad)).evaluate().unavailability
    target = f"{(1 - u_bad / 2) * 100:.6f}%"  # between the two designs
    assert hl.load_architecture(str(good)).evaluate().unavailability < u_bad / 2
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert check_files(["--target", target, str(good)]) == 0
        assert check_files(["--target", target, str(good), str(bad)]) == 1
    assert out.getvalue().count("PASS") == 2 and out.getvalue().count("FAIL") == 1
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert check_files(["--target", target, str(bad), str(tmp_path / "missing.yaml")]) == 2
        assert check_files(["--target", target]) == 2
    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "hadr-check" and hook["entry"] == "hadr-check-files"
    import tomllib

    scripts = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())[
        "project"]["scripts"]
    assert scripts["hadr-check-files"] == "hadr_lib.cli.check:check_files"


_TF_BASE = '''resource "aws_db_instance" "orders" {
  identifier              = "orders"
  multi_az                = true
  backup_retention_period = 7
}
'''


def test_infrastructure_code_is_checked_as_hadr_import_reads_it(tmp_path):
    """Platform teams gate pull requests on their Terraform, not on a design file: DESIGN
    and BASE may be folders or files of infrastructure code. A change that turns Multi-AZ
    off loses nines and fails, and the traps in the code go with the verdict."""
    base, head = tmp_path / "base", tmp_path / "head"
    base.mkdir()
    head.mkdir()
    (base / "main.tf").write_text(_TF_BASE)
    (head / "main.tf").write_text(_TF_BASE.replace("multi_az                = true", "multi_az = false"))
    code, out, err = _run(["check", str(base), "--target", "99.9%"])
    assert code == 0 and out.startswith("PASS") and err == ""
    code, out, _ = _run(["check", str(head), "--target", "99.9%", "--against", str(base), "--format", "json"])
    doc = json.loads(out)
    assert code == 1 and doc["within_drop"] is False and doc["drop_nines"] > 1.5  # one host, not a pair
    assert [f["severity"] for f in doc["findings"]] == ["warning"]
    assert "multi_az is false" in doc["findings"][0]["message"]
    code, out, _ = _run(["check", str(head / "main.tf"), "--target", "99.9%", "--against", str(base),
                         "--format", "markdown"])
    assert code == 1 and "Traps in the infrastructure code (1)" in out and "multi\\_az is false" in out
    # a design file is still a design file, with no findings key; files that model nothing are an error
    design = tmp_path / "d.yaml"
    design.write_text("architecture:\n  component: {name: a, availability: 0.9999}\n")
    code, out, _ = _run(["check", str(design), "--target", "99.9%", "--format", "json"])
    assert code == 0 and "findings" not in json.loads(out)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "vars.tf").write_text('variable "x" {}\n')
    code, _, err = _run(["check", str(tmp_path / "empty"), "--target", "99.9%"])
    assert code == 2 and "nothing in these files could be modelled" in err
