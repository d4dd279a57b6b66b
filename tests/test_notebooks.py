"""Notebooks executed for real: papermill runs with their values asserted, nbval's
comparison shown to bite, and committed notebooks kept thin and small."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import nbformat
import papermill as pm
import pytest

from conftest import NOTEBOOKS

pytestmark = pytest.mark.notebook


def execute(tmp_path, name, **parameters):
    out = tmp_path / f"out-{name}"
    pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters,
                        kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    return nbformat.read(out, as_version=4)


def text_of(nb, tag) -> str:
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"one cell tagged {tag!r}"
    parts = []
    for out in cells[0].outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/html", "") or out.data.get("text/plain", ""))
    return "".join(parts)


def checked(name):
    """The committed notebook, for the cells nbval checks (``# NBVAL_CHECK_OUTPUT``).

    ``notebooks/`` is in the suite's testpaths: nbval executes every committed notebook
    with its defaults in the same run and fails if a checked cell's output differs from
    the committed one. Asserting on those outputs therefore asserts on a fresh run with
    the defaults, without executing the notebook a second time; ``checked_text_of``
    refuses a cell nbval does not compare. Figures are checked on the papermill runs."""
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def checked_text_of(nb, tag) -> str:
    (cell,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert "# NBVAL_CHECK_OUTPUT" in cell.source, f"nbval does not compare the cell tagged {tag!r}"
    assert cell.outputs, f"the cell tagged {tag!r} has no committed output"
    return text_of(nb, tag)


def assert_figures(nb, *tags) -> None:
    """Each tagged cell's first output is a plotly figure."""
    for tag in tags:
        outputs = [o for c in nb.cells if tag in c.metadata.get("tags", []) for o in c.outputs]
        assert outputs and "application/vnd.plotly.v1+json" in outputs[0].data, tag


def test_downtime_budget_with_its_defaults(tmp_path):
    nb = execute(tmp_path, "downtime_budget.ipynb")
    table = text_of(nb, "tiers-table")
    for figure in ("3.65 days", "8.77 hours", "52.6 minutes", "5.26 minutes"):
        assert figure in table
    seed = text_of(nb, "seed-article")
    assert "8.8 min" in seed and "59.8" in seed
    target = text_of(nb, "target")
    assert "A target of 99.95% allows 21.9 minutes of downtime per month" in target
    assert "4.38 hours" in target
    assert "needs an availability of at least 99.93155%" in text_of(nb, "inverse")
    assert_figures(nb, "figure")


def test_downtime_budget_with_other_parameters(tmp_path):
    nb = execute(tmp_path, "downtime_budget.ipynb", target=0.999, period="year",
                 budget_minutes=5.0, budget_period="week", year_days=365.0)
    target = text_of(nb, "target")
    assert "A target of 99.9% allows 8.76 hours of downtime per year (365 days)." in target
    assert ("5 minutes of downtime per week (7 days) needs an availability of at least "
            "99.9504%") in text_of(nb, "inverse")


@pytest.mark.parametrize("parameters, message", [
    ({"target": 1.3}, "target: 1.3 is not in [0, 1]"),
    ({"period": "decade"}, "period: 'decade' is not a period"),
    ({"budget_minutes": -1.0}, "budget_minutes: -1.0 is not in"),
])
def test_downtime_budget_rejects_bad_parameters(tmp_path, parameters, message):
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "downtime_budget.ipynb", **parameters)
    assert message in str(err.value)


def test_architecture_explorer_with_its_defaults():
    nb = checked("architecture_explorer.ipynb")
    result = checked_text_of(nb, "result")
    assert "Multi-AZ PostgreSQL" in result
    assert "availability   99.9797% (3.69 nines)" in result
    assert "1.78 hours a year" in result
    assert "comfortably above the 99.95% target" in result
    assert checked_text_of(nb, "advice").startswith("Survive the loss of the region")
    assert "Improve or add redundancy to the primary database" in checked_text_of(nb, "advice")
    assert "The load balancer is known only by its provider's SLA" in checked_text_of(nb, "advice")


def test_architecture_explorer_with_another_design_and_a_file(tmp_path):
    nb = execute(tmp_path, "architecture_explorer.ipynb",
                 architecture="azure_web_app_single_region", target=0.999)
    result = text_of(nb, "result")
    assert "availability   99.616%" in result and "short of the 99.9% target" in result
    assert_figures(nb, "diagram", "importance", "tornado")
    f = tmp_path / "mine.yaml"
    f.write_text("name: Two boxes\narchitecture:\n  parallel:\n"
                 "    - component: {name: a, availability: 0.99}\n"
                 "    - component: {name: b, availability: 0.99}\n")
    nb = execute(tmp_path, "architecture_explorer.ipynb", architecture=str(f))
    assert "availability   99.99% (4.00 nines)" in text_of(nb, "result")


def test_architecture_explorer_bad_file_names_the_place(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("architecture:\n  series:\n    - component: {name: a, availability: 1.3}\n")
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "architecture_explorer.ipynb", architecture=str(f))
    assert "architecture.series[0].component.availability: 1.3 is not in [0, 1]" in str(err.value)


def test_rto_rpo_tradeoffs_with_its_defaults():
    nb = checked("rto_rpo_tradeoffs.ipynb")
    table = checked_text_of(nb, "table")
    assert "E-commerce shop: downtime costs 50,000 USD an hour" in table
    assert "953,125" in table  # daily backups, by hand in test_cli
    assert checked_text_of(nb, "recommendation").startswith(
        "Recommended: Warm standby + point-in-time backups (AWS), $191,499 a year")
    assert "$438,600,000" in checked_text_of(nb, "seed-article")


def test_rto_rpo_tradeoffs_other_scenario_and_cost(tmp_path):
    nb = execute(tmp_path, "rto_rpo_tradeoffs.ipynb", scenario="small_saas",
                 downtime_cost_per_hour=100000.0)
    assert "downtime costs 100,000 USD an hour" in text_of(nb, "table")
    assert_figures(nb, "bars", "sweep")
    assert "Warm standby + point-in-time backups" in text_of(nb, "recommendation")
    nb = execute(tmp_path, "rto_rpo_tradeoffs.ipynb", scenario="small_saas")
    assert "Hourly snapshot" in text_of(nb, "recommendation")
    assert "costs less in total than Hourly snapshot" in text_of(nb, "break-even")


def test_rto_rpo_tradeoffs_bad_scenario(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "rto_rpo_tradeoffs.ipynb", downtime_cost_per_hour=-5.0, scenario="small_saas")
    assert "downtime_cost_per_hour: -5.0 is not a number >= 0" in str(err.value)


def test_backup_planner(tmp_path):
    nb = execute(tmp_path, "backup_planner.ipynb")
    summary = text_of(nb, "summary")
    assert "Storage kept: 7,800 GB (6 fulls, chains of 6), about 179.40 a month." in summary
    assert "Worst restore: 5.2 hours (meets the RTO)." in summary
    nb = execute(tmp_path, "backup_planner.ipynb", log_shipping_every_s=300.0,
                 cross_region_copy=True, copy_lag_h=0.25, rpo_h=0.1)
    summary = text_of(nb, "summary")
    assert "at worst 5 minutes" in summary and "after a region loss 20 minutes" in summary
    assert "Warning" not in summary
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "backup_planner.ipynb", mode="synthetic")
    assert "mode: 'synthetic' is not a backup mode" in str(err.value)


def test_failover_timeline(tmp_path):
    nb = execute(tmp_path, "failover_timeline.ipynb")
    assert "rds_multi_az" in text_of(nb, "presets")
    assert ("Recovery takes 1.08 minutes at best, 2.05 minutes typically and 3.6 minutes "
            "at worst: it meets the 5 minutes RTO.") in text_of(nb, "chosen")
    nb = execute(tmp_path, "failover_timeline.ipynb", preset="mongodb_replica_set", rto_s=30.0)
    assert "meets only in the typical case" in text_of(nb, "chosen")
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "failover_timeline.ipynb", preset="teleport")
    assert "teleport" in str(err.value)


def test_slo_planner(tmp_path):
    nb = execute(tmp_path, "slo_planner.ipynb")
    assert text_of(nb, "summary").startswith("A 99.95% SLO over 30 days allows 21.6 minutes")
    alerts = text_of(nb, "alerts")
    assert "14.4" in alerts and "3d" in alerts
    assert "apiVersion: openslo/v1" in text_of(nb, "openslo")
    assert "version: prometheus/v1" in text_of(nb, "sloth")
    nb = execute(tmp_path, "slo_planner.ipynb", target=0.9999, window_days=7.0)
    summary = text_of(nb, "summary")
    assert "over 7 days" in summary and "Warning: the target is above" in summary
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "slo_planner.ipynb", target=1.0)
    assert "target: 1.0 is not in (0, 1)" in str(err.value)


def test_app_notebook_runs(tmp_path):
    nb = execute(tmp_path, "app.ipynb", target=0.999)
    widgets = [o for c in nb.cells for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, "the app displays its widget"


def test_nbval_fails_when_a_checked_number_changes(tmp_path):
    """A run that compares nothing is not a test: show that a changed number fails."""
    src = NOTEBOOKS / "downtime_budget.ipynb"
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    shutil.copy(src, good)
    nb = nbformat.read(src, as_version=4)
    checked = [c for c in nb.cells if "# NBVAL_CHECK_OUTPUT" in c.source]
    assert len(checked) >= 3 and all(c.outputs for c in checked)
    target = next(c for c in checked if "target" in c.metadata.get("tags", []))
    assert "21.9 minutes" in target.outputs[0].text
    target.outputs[0].text = target.outputs[0].text.replace("21.9 minutes", "22.9 minutes")
    nbformat.write(nb, bad)
    cfg = NOTEBOOKS.parent / "tests" / "nbval_sanitize.cfg"
    run = subprocess.run(  # one session for both: each notebook gets its own kernel
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-sanitize-with", str(cfg),
         "-p", "no:cacheprovider", "-q", "-rfE", "--rootdir", str(tmp_path), "good.ipynb", "bad.ipynb"],
        cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout
    failed = sorted({line.split("::")[0].split()[-1] for line in run.stdout.splitlines()
                     if line.startswith("FAILED ")})
    assert failed == ["bad.ipynb"], run.stdout  # the good copy passes, the changed one fails
    assert "22.9 minutes" in run.stdout
    assert "1 failed," in run.stdout  # only the changed cell differs


def test_nbval_runs_the_committed_notebooks_in_this_suite():
    """``checked`` relies on it: the suite collects notebooks/ with nbval."""
    import tomllib

    conf = tomllib.loads((NOTEBOOKS.parent / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in conf["testpaths"] and "--nbval-lax" in conf["addopts"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_are_thin_and_small(path):
    nb = nbformat.read(path, as_version=4)
    assert path.stat().st_size < 50_000
    assert "widgets" not in nb.metadata
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert "execution" not in cell.metadata, "no run's timestamps in a committed notebook"
        assert "def " not in cell.source, "logic belongs in hadr_lib"
        if "# NBVAL_CHECK_OUTPUT" not in cell.source:
            assert cell.outputs == [], "only nbval's reference outputs are committed"
            assert cell.execution_count is None
    # The parameters cell holds plain literals only (papermill injects after it).
    for line in params[0].source.splitlines():
        name, _, rest = line.partition("=")
        value = rest.split("#")[0].strip()
        ast.literal_eval(value)  # raises on anything but a plain literal


def test_failure_simulation_with_its_defaults():
    nb = checked("failure_simulation.ipynb")
    text_of = checked_text_of
    summary = text_of(nb, "summary")
    assert "4,000 runs x 10 years (2027-2036), seed 2027" in summary
    assert "(inside the 99% CI)" in summary
    check = text_of(nb, "analytic-check")
    from hadr_lib import reference_architectures

    # every design inside the simulation's 99% interval, or just outside it (within 4
    # standard errors: 7 intervals of 99% all hold only 93% of the time), none far outside
    agree = check.count("inside") + check.count("just outside (chance?)")
    assert agree == len(reference_architectures()) == 7 and "OUTSIDE" not in check
    slow = text_of(nb, "slow-failover").splitlines()
    assert slow[0].endswith("the analytic value is inside the interval")
    assert slow[1] == "min(t, mean repair) would say 0.01: outside the interval"
    crews = text_of(nb, "shared-crew").splitlines()
    assert crews[0].startswith("a crew each      analytic 0.0083; chain 0.0083; simulated 0.0083")
    assert crews[1].startswith("one shared crew  analytic 0.0164; chain 0.0164; simulated 0.0164")
    latent = text_of(nb, "latent-standby").splitlines()
    assert latent[0].startswith("watched standby") and latent[1].startswith("unwatched standby")
    law = text_of(nb, "repair-law").splitlines()
    assert law[0].startswith("exponential") and law[1].startswith("lognormal")


def test_failure_simulation_with_other_parameters(tmp_path):
    nb = execute(tmp_path, "failure_simulation.ipynb", architecture="single_server", sla=0.999,
                 years=2, runs=600, seed=1, repair="lognormal", workers=1)
    summary = text_of(nb, "summary")
    assert "Single server" in summary and "600 runs x 2 years (2027-2028), seed 1" in summary
    assert "months meeting the 99.9% SLA" in summary
    assert_figures(nb, "histogram", "by-month", "sla-curve-figure", "analytic-figure")


def test_failure_simulation_rejects_bad_parameters(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "failure_simulation.ipynb", repair="weibull")
    assert "repair: 'weibull' is not one of exponential, lognormal" in str(err.value)


def test_failover_drills_with_its_defaults():
    nb = checked("failover_drills.ipynb")
    text_of = checked_text_of
    table = text_of(nb, "drill-table")
    assert "Lose a region (us-east-1)" in table and "meets the RTO in 0%" in table
    assert "Kill an app instance" in table and "meets the RTO in 100%" in table
    assert "RTO of 1 minute in 0% of 10,000 drills" in text_of(nb, "chosen")
    assert "RTO of 1 minute in 9" in text_of(nb, "what-if")  # most drills pass
    assert "no failover path is left" in text_of(nb, "no-path")


def test_failover_drills_with_other_parameters(tmp_path):
    nb = execute(tmp_path, "failover_drills.ipynb", drill="fail_db_primary", rto_s=120.0,
                 runs=2000, seed=3)
    chosen = text_of(nb, "chosen")
    assert chosen.startswith("Fail the database primary") and "RTO of 2 minutes" in chosen
    assert_figures(nb, "figure")
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "failover_drills.ipynb", drill="unplug")
    assert "drill: 'unplug' is not a drill" in str(err.value)


def test_design_review_with_its_defaults():
    nb = checked("design_review.ipynb")
    text_of = checked_text_of
    table = text_of(nb, "compare")
    assert "Multi-AZ PostgreSQL     99.9797%" in table and "-1.76 hours" in table
    assert "12,250" in table and "route53: added" in table
    spread = text_of(nb, "uncertainty").splitlines()
    assert spread[0].startswith("Multi-AZ PostgreSQL: median") and "learn more about the load balancer" in spread[0]
    assert text_of(nb, "optimize").startswith("Cheapest meeting 99.95%: app-a x1, app-b x1, pg-standby x1, 12,250")
    assert text_of(nb, "history").startswith("No incident log given")


def test_design_review_checks_figures_against_an_incident_log(tmp_path):
    log = tmp_path / "incidents.csv"
    # pg-primary down 6 times for 10 hours in a year: far worse than its 2 h in 4,380 h
    log.write_text("component,start,end\n" + "".join(
        f"pg-primary,2026-0{m}-01T00:00:00Z,2026-0{m}-01T10:00:00Z\n" for m in range(1, 7)))
    nb = execute(tmp_path, "design_review.ipynb", incidents=str(log),
                 observed_from="2026-01-01T00:00:00Z", observed_to="2027-01-01T00:00:00Z",
                 draws=1000)
    lines = text_of(nb, "history").splitlines()
    assert lines[0].startswith("pg-primary: designed 99.9544%, measured 99.315% (90%: ")
    assert lines[0].endswith("outside what the history supports: revise the figure.")
    assert_figures(nb, "history-figure")


def test_design_review_other_designs_and_a_bad_range(tmp_path):
    nb = execute(tmp_path, "design_review.ipynb", design_b="single_server", target=0.9999,
                 draws=1000)
    assert "+42 hours" in text_of(nb, "compare")
    assert text_of(nb, "optimize").startswith("None meets 99.99%")
    assert_figures(nb, "uncertainty-figure", "frontier")
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(tmp_path, "design_review.ipynb", vary={"nope": [1, 2]})
    assert "'nope' is not a component" in str(err.value)


def test_infrastructure_import_with_its_defaults(tmp_path):
    """The shipped examples: the traps named with their sources, the design evaluated."""
    nb = execute(tmp_path, "infrastructure_import.ipynb")
    findings = text_of(nb, "findings")
    assert findings.splitlines()[0].endswith("info")
    assert "ERROR    key spec.replicas is given twice" in findings
    assert "failover records for api.example.com are not a pair (PRIMARY, SECONDARY, SECONDARY)" in findings
    assert "WARNING  Cluster cache-db: no backups configured" in findings
    headline = text_of(nb, "headline")
    assert headline.startswith("14 components; imported design gives")  # 5 + 6 + 3 (one per region) and "of downtime a year" in headline
    assert_figures(nb, "diagram")
    other = execute(tmp_path, "infrastructure_import.ipynb",
                    path=str(NOTEBOOKS.parent / "tests" / "fixtures" / "import" / "spread.yaml"), target=0.99)
    assert text_of(other, "findings").startswith("0 error, 0 warning")
