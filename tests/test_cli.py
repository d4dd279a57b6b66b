import json
import subprocess
import sys

import pytest

from hadr_lib.cli import main, parse_availability


def run(*args):
    return subprocess.run([sys.executable, "-m", "hadr_lib", *args],
                          capture_output=True, text=True)


def test_help_lists_the_commands():
    out = run("--help")
    assert out.returncode == 0
    assert "downtime" in out.stdout


def test_downtime_table(capsys):
    assert main(["downtime", "99.9%", "0.9999"]) == 0
    out = capsys.readouterr().out
    assert "8.77 hours" in out and "52.6 minutes" in out
    assert "month: 1/12 of a 365.25-day year" in out


def test_downtime_json(capsys):
    assert main(["downtime", "99.9%", "--periods", "year", "month30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = data["rows"][0]
    assert row["availability"] == 0.999
    assert row["unavailability"] == pytest.approx(0.001, rel=1e-12)
    assert row["downtime_s"]["month30"] == pytest.approx(2592.0, rel=1e-12)
    assert data["basis"]["month30"] == "30 days"


def test_percent_keeps_the_typed_decimal():
    assert parse_availability("99.9999999%") == 0.999999999
    assert parse_availability("0.9995") == 0.9995


@pytest.mark.parametrize("arg", ["1.3", "101%", "abc", "-0.1"])
def test_bad_availability_exits_2_with_a_message(arg):
    out = run("downtime", arg)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert f"availability: '{arg}'" in out.stderr
