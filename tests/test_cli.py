import json
import subprocess
import sys

import pytest
import yaml

from hadr_lib.checks import InvalidInputError
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


def test_evaluate_table(capsys):
    assert main(["evaluate", "single_server"]) == 0
    out = capsys.readouterr().out
    assert "99.5%" in out and "43.8 hours per year" in out
    assert "What to improve first" in out and "server" in out
    assert "contractual floor" in out


def test_evaluate_table_gives_labels_beside_the_file_s_names(capsys, tmp_path):
    """The sentences under the table say a part by its label ("the primary database"):
    the table gives both, the name to find it in the file and the label to find it in
    the sentences; a design without labels keeps the one column."""
    def header(out):
        return next(line.split() for line in out.splitlines() if line.split()[:1] == ["part"])

    assert main(["evaluate", "multi_az_postgres"]) == 0
    out = capsys.readouterr().out
    assert header(out) == ["part", "label", "kind", "birnbaum", "saved", "per", "year"]
    row = next(line for line in out.splitlines() if " pg-primary " in line)
    assert "the primary database" in row
    assert "Improve or add redundancy to the primary database" in out
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: Plain\narchitecture:\n  series:\n    - component: {name: web, availability: 0.999}\n"
                     "    - component: {name: db, availability: 0.9995}\n")
    assert main(["evaluate", str(plain)]) == 0
    assert header(capsys.readouterr().out) == ["part", "kind", "birnbaum", "saved", "per", "year"]


def test_evaluate_json_keys_and_values(capsys):
    assert main(["evaluate", "data/architectures/multi_az_postgres.yaml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("availability", "unavailability", "nines", "downtime_per_year_s", "components"):
        assert key in data
    assert data["unavailability"] == pytest.approx(1 - data["availability"], rel=1e-9)
    assert data["downtime_per_year_s"] == pytest.approx(data["unavailability"] * 31557600, rel=1e-12)
    first = data["components"][0]
    assert set(first) == {"name", "kind", "provider_sla", "birnbaum", "downtime_saved_per_year_s"}
    assert first["name"] == "load-balancer"
    saved = [c["downtime_saved_per_year_s"] for c in data["components"]]
    assert saved == sorted(saved, reverse=True)


def test_evaluate_a_perfect_system_is_valid_json(tmp_path, capsys):
    f = tmp_path / "dns.yaml"
    f.write_text("architecture: {component: {name: dns, sla: aws-route53}}\n")
    assert main(["evaluate", str(f), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nines"] is None and data["unavailability"] == 0.0


@pytest.mark.parametrize("content, message", [
    ("architecture: {component: {name: x, availability: 1.3}}\n",
     "architecture.component.availability: 1.3 is not in [0, 1]"),
    ("architecture: {series: [\n", "YAML syntax error"),
])
def test_evaluate_bad_file_exits_2(tmp_path, content, message):
    f = tmp_path / "bad.yaml"
    f.write_text(content)
    out = run("evaluate", str(f))
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_dr_table(capsys):
    assert main(["dr", "ecommerce_shop"]) == 0
    out = capsys.readouterr().out
    assert "E-commerce shop (money in USD per year)" in out
    # daily backups: the design recovers the 6.5 instance and zone losses in 90 s each and
    # loses nothing (its standby replicates synchronously); it waits out the 0.1 region
    # outages (its region's 8 h: sooner than a day's restore, and nothing is lost); the 0.5
    # corruptions take 24 h and lose 12 h of data on average, 24 at worst
    hours = 0.025 * 6.5 + 8 * 0.1 + 24 * 0.5
    loss = hours * 50000 + 12 * 1000 * 0.5 * 50
    assert f"{loss:,.0f}" == "948,125" and f"{5000 + loss:,.0f}" in out
    assert f"{hours * 50000 + 24 * 1000 * 0.5 * 50:,.0f}" in out  # the worst case
    assert "Recommended: Warm standby + point-in-time backups (AWS)" in out


def test_dr_json(capsys):
    assert main(["dr", "data/scenarios/small_saas.yaml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recommended"] == "hourly_snapshot"
    first = data["strategies"][0]
    assert {"name", "annual_cost", "expected_loss", "total_cost", "meets_rto", "meets_rpo"} <= set(first)
    for s in data["strategies"]:
        assert s["total_cost"] == pytest.approx(s["annual_cost"] + s["expected_loss"])
    assert data["break_even"][0]["to"] == "aws_warm_standby_pitr"


def test_dr_nothing_meets_gives_null_and_a_reason(tmp_path, capsys):
    f = tmp_path / "strict.yaml"
    f.write_text("name: strict\ndowntime_cost_per_hour: 1000\n"
                 "data: {unit: GB, written_per_hour: 1, cost_per_unit: 1}\n"
                 "incidents_per_year: {region: 1}\ntargets: {rto_h: 0.0001, rpo_h: 0}\n")
    assert main(["dr", str(f), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recommended"] is None and "no strategy" in data["reason"]


def test_dr_bad_scenario_exits_2(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\ndowntime_cost_per_hour: -1\ndata: {unit: GB, written_per_hour: 1, "
                 "cost_per_unit: 1}\nincidents_per_year: {}\ntargets: {rto_h: 1, rpo_h: 1}\n")
    out = run("dr", str(f))
    assert out.returncode == 2
    assert "downtime_cost_per_hour: -1 is not a number >= 0" in out.stderr
    assert "Traceback" not in out.stderr


def test_slo_table_and_json(capsys):
    assert main(["slo", "multi_az_postgres", "--target", "99.95"]) == 0
    out = capsys.readouterr().out
    assert "allows 21.6 minutes of downtime" in out and "14.4" in out
    assert main(["slo", "multi_az_postgres", "--target", "99.99%", "--window", "30d", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"ceiling", "target", "error_budget_s", "alerts"} <= set(data)
    assert data["target"] == 0.9999 and data["error_budget_s"] == pytest.approx(259.2)
    assert data["achievable"] is False
    assert data["schema_version"] == 1
    assert data["alerts"][0] == {"severity": "page", "long_window": "1h", "short_window": "5m",
                                 "long_window_s": 3600.0, "short_window_s": 300.0,
                                 "burn_rate": pytest.approx(14.4), "budget_consumed": 0.02,
                                 "time_to_exhaust_h": pytest.approx(50)}


def test_slo_exports(capsys):
    assert main(["slo", "single_server", "--target", "0.99", "--format", "openslo", "--service", "web"]) == 0
    docs = list(yaml.safe_load_all(capsys.readouterr().out))
    assert docs[1]["kind"] == "SLO" and docs[1]["spec"]["service"] == "web"
    assert main(["slo", "single_server", "--target", "99", "--format", "sloth", "--window", "7d"]) == 0
    spec, windows = yaml.safe_load_all(capsys.readouterr().out)
    assert spec["version"] == "prometheus/v1"
    assert windows["kind"] == "AlertWindows" and windows["spec"]["sloPeriod"] == "7d"


def test_slo_bad_target_exits_2():
    out = run("slo", "single_server", "--target", "101")
    assert out.returncode == 2 and "target: '101' is not in [0, 1]" in out.stderr


def test_simulate_json_keys_and_reproducible(capsys):
    args = ["simulate", "multi_az_postgres", "--years", "3", "--runs", "600", "--seed", "4",
            "--workers", "1", "--format", "json", "--quiet"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main([a if a != "1" else "2" for a in args]) == 0  # two worker processes
    again = json.loads(capsys.readouterr().out)
    for key in ("unavailability_mean", "unavailability_ci99", "annual_downtime_s", "p_meet_sla_month"):
        assert first[key] == again[key]
    assert set(first["annual_downtime_s"]) == {"mean", "p50", "p90", "p99"}
    lo, hi = first["unavailability_ci99"]
    assert lo <= first["analytic_unavailability"] <= hi
    assert first["component_years_per_s"] > 0
    assert first["sla"] == 0.9995 and first["runs"] == 600 and first["years"] == 3


def test_simulate_table_says_its_assumptions(capsys):
    assert main(["simulate", "single_server", "--years", "1", "--runs", "200", "--quiet",
                 "--sla", "99.9%"]) == 0
    out = capsys.readouterr().out
    assert "inside the 99% CI" in out
    assert "months meeting the 99.9% SLA" in out
    assert "1 h repair time" in out and "contractual floor" in out


@pytest.mark.parametrize("args, message", [
    (["--runs", "1"], "--runs: 1 is not a whole number"),
    (["--sla", "101"], "--sla"),
    (["--years", "0"], "--years: 0"),
    (["--repair-sigma", "-1"], "--repair-sigma: -1.0"),
])
def test_simulate_bad_input_exits_2(capsys, args, message):
    assert main(["simulate", "single_server", "--quiet", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_simulate_ctrl_c_stops_the_workers_cleanly(how):
    """Ctrl-C in a terminal reaches the whole process group: the workers ignore it, the
    command cancels what is left, says so and exits 130 with no traceback and no output.
    SIGTERM (a service manager, `kill`) reaches the command alone: it stops its workers."""
    import os
    import re
    import signal
    import threading
    import time

    # Ctrl-C as a terminal delivers it: to a command that neither ignores nor blocks
    # SIGINT. Both are inherited through exec; in two full runs the command ran on for a
    # minute after the signal, as it rightly does under nohup, while run alone it stops.
    def as_from_a_terminal():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    parent_sigint = signal.getsignal(signal.SIGINT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hadr_lib", "simulate", "azure_web_app_two_regions",
         "--runs", "2000000", "--years", "5", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=as_from_a_terminal)
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(iter(lambda: proc.stderr.read(1), "")))
    reader.start()
    # wait for a finished chunk: the workers are up (and ignoring Ctrl-C) by then; or,
    # should the progress line be slow to show, for both workers to have run 5 s
    import psutil

    def pool_workers() -> int:
        """Children forked as the pool's workers (same command line as the command):
        not a transient helper some import may run, which once let the signal come
        while the command was still importing."""
        main = psutil.Process(proc.pid)
        n = 0
        for child in main.children():
            try:
                n += child.cmdline() == main.cmdline()
            except psutil.Error:
                pass
        return n

    done = re.compile(r"\| *[1-9][0-9,]*/2000000")
    deadline, workers_seen = time.monotonic() + 120, None
    while not done.search("".join(err)) and time.monotonic() < deadline:
        if workers_seen is None and pool_workers() >= 2:
            workers_seen = time.monotonic()
        if workers_seen is not None and time.monotonic() - workers_seen > 5:
            break
        time.sleep(0.1)
    assert proc.poll() is None, "".join(err)
    with open(f"/proc/{proc.pid}/status") as status:  # for the message, should it fail
        masks = " ".join(line.strip() for line in status if line.startswith(("SigBlk", "SigIgn", "SigCgt")))
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"still running 60 s after the signal (the test's own SIGINT handler: "
                             f"{parent_sigint}; the command's {masks}); stderr: {''.join(err)[-2000:]}") from None
    out = proc.stdout.read()
    assert code == 130, (code, "".join(err)[-2000:], out[-500:])
    reader.join(timeout=10)
    text = "".join(err)
    assert "interrupted; nothing was written" in text
    assert "Traceback" not in text, text
    assert out == ""
    # and no worker is left behind: the process group empties
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("worker processes outlived the command")


def test_simulate_help_reads_well():
    out = run("simulate", "--help")
    assert out.returncode == 0
    assert "the 99% confidence interval" in " ".join(out.stdout.split())
    assert "%%" not in out.stdout


# --------------------------------------------------------------------------- the command registry


def test_the_commands_are_the_registrys_in_order():
    from hadr_lib.cli import COMMAND_MODULES, commands

    names = [c.name for c in commands()]
    assert names == ["downtime", "evaluate", "dr", "slo", "simulate", "compare", "optimize", "fit",
                     "diff", "portfolio", "check", "import", "list", "report"]
    assert len(COMMAND_MODULES) == len(names)
    shown = run("--help").stdout
    assert shown.index("downtime") < shown.index("evaluate") < shown.index("report")


def _command_names() -> list[str]:
    from hadr_lib.cli import commands

    return [c.name for c in commands()]


@pytest.mark.parametrize("name", _command_names())
def test_every_command_has_help_and_is_in_the_readme(name):
    from pathlib import Path

    from hadr_lib.cli import commands

    command = {c.name: c for c in commands()}[name]
    assert command.help and command.description.endswith(".")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"hadr {name}" in readme


def test_a_command_module_without_a_command_is_refused(monkeypatch):
    import hadr_lib.cli as cli

    monkeypatch.setattr(cli, "COMMAND_MODULES", ("downtime", "common"))
    with pytest.raises(InvalidInputError, match="hadr_lib.cli.common: COMMAND is NoneType, not a Command"):
        cli.commands()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("downtime", "downtime"))
    with pytest.raises(InvalidInputError, match="command names repeat"):
        cli.commands()


def test_evaluate_and_simulate_say_the_librarys_assumptions(capsys):
    from hadr_lib import assumptions as said

    assert main(["evaluate", "multi_az_postgres"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert said.MODEL in out and said.SLA in out
    assert main(["simulate", "single_server", "--runs", "200", "--years", "1", "--workers", "1",
                 "--quiet"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert said.SIMULATION.format(repair="exponential", default_mttr_h=1.0) in out


def test_cli_json_is_the_results_to_dict(capsys):
    import hadr_lib as hl
    from hadr_lib.model import importance_records

    arch = hl.load_architecture("multi_az_postgres")
    assert main(["evaluate", "multi_az_postgres", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"schema_version": 1, "name": arch.name, **arch.evaluate().to_dict(),
                   "year_days": 365.25, "components": importance_records(arch.importance(include_groups=True)),
                   "cost_per_year": arch.cost_per_year}
    assert main(["slo", "multi_az_postgres", "--target", "99.9", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {k: doc[k] for k in hl.slo_plan(arch, 0.999, 30).to_dict()} == hl.slo_plan(arch, 0.999, 30).to_dict()


def test_downtime_json_of_a_perfect_availability_has_no_infinity(capsys):
    """`hadr downtime 100% --format json` exited 70 (JSON has no infinity for its nines)."""
    assert main(["downtime", "100%", "99.9%", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["nines"] is None and rows[0]["downtime_s"]["year"] == 0.0
    assert rows[1]["nines"] == pytest.approx(3.0) and rows[1]["downtime_s"]["month"] == pytest.approx(2629.8)
