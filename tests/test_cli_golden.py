"""Every CLI JSON output stays as it is: the JSON of these commands is compared, key
order included, with the files in tests/golden/cli (written by `python
tests/test_cli_golden.py --refresh` after a deliberate change, which the commit says)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from hadr_lib.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Timings vary from run to run; everything else must not.
VARYING = ("wall_s", "component_years_per_s")

COMMANDS = {
    "downtime": ["downtime", "99.95%", "0.99999", "100%"],
    "evaluate_postgres": ["evaluate", "multi_az_postgres"],
    "evaluate_uncertain": ["evaluate", "three_regions_active_active", "--uncertainty", "500",
                           "--error-factor", "3", "--target", "99.99"],
    "evaluate_two_regions": ["evaluate", "azure_web_app_two_regions"],
    "dr_ecommerce": ["dr", "ecommerce_shop"],
    "dr_payments": ["dr", "regulated_payments"],
    "slo_postgres": ["slo", "multi_az_postgres", "--target", "99.9"],
    "slo_single_7d": ["slo", "single_server", "--target", "99.99", "--window", "7d"],
    "compare": ["compare", "single_server", "multi_az_postgres", "three_regions_active_active"],
    "list": ["list"],
    "diff": ["diff", "ecommerce_shop", "small_saas"],
    "simulate": ["simulate", "single_server", "--runs", "200", "--years", "2", "--workers", "1", "--quiet"],
    "fit": ["fit", str(GOLDEN / "incidents.csv"), "--from", "2025-06-01", "--to", "2026-06-01",
            "--design", "multi_az_postgres"],
    "optimize": ["optimize", str(GOLDEN / "priced.yaml"), "--target", "99.99", "--vary", "app=1..4",
                 "db=1..3"],
}


def _json(args, capsys) -> dict:
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in VARYING:
        doc.pop(key, None)
    return doc


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_json_is_unchanged(name, capsys):
    want = json.loads((GOLDEN / "cli" / f"{name}.json").read_text(encoding="utf-8"))
    got = _json(COMMANDS[name], capsys)
    assert got == want
    assert list(got) == list(want)  # key order too


if __name__ == "__main__" and sys.argv[1:] == ["--refresh"]:
    class _Capture:
        def readouterr(self):
            out = sys.stdout.getvalue()
            sys.stdout = self.real
            return type("Captured", (), {"out": out})

    import io

    (GOLDEN / "cli").mkdir(exist_ok=True)
    for name, args in COMMANDS.items():
        capture = _Capture()
        capture.real, sys.stdout = sys.stdout, io.StringIO()
        doc = _json(args, capture)
        (GOLDEN / "cli" / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print("wrote", name)
