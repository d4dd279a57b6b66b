"""The widget panels, driven from Python as a slider move would drive them."""

from pathlib import Path

import pytest

import hadr_lib as hl
from hadr_lib import InvalidInputError
from hadr_lib.panels import DowntimeBudgetPanel, app_panel
from hadr_lib.panels.tabs import TAB_MODULES, app_tabs


def test_panel_starts_from_its_parameters():
    p = DowntimeBudgetPanel(0.9995, "month", budget_minutes=30, budget_period="month")
    assert "21.9 minutes" in p.headline.value
    assert "99.95%" in p.headline.value
    assert "99.93155%" in p.required.value
    assert p.figure.data[2].text == ("target 99.95%: 21.9 minutes",)
    assert p.message.value == ""


def test_moving_the_controls_updates_in_place():
    p = DowntimeBudgetPanel(0.9995, "month")
    fig = p.figure
    p.target.value = 0.999
    assert "43.8 minutes" in p.headline.value
    assert p.figure is fig  # updated in place, not rebuilt
    assert fig.data[2].text == ("target 99.9%: 43.8 minutes",)
    # the tier just past the target gives it room: its words follow the target
    assert fig.data[1].text[2:4] == ("", "99.99%: 4.38 minutes")  # was ("99.9%: ...", "") at 99.95%
    p.period.value = "year"
    assert "8.77 hours" in p.headline.value
    assert "365.25 days" in fig.layout.title.text
    p.budget_period.value = "year"
    p.budget.value = 60
    assert "99.98859%" in p.required.value


def test_a_target_off_the_presets_is_offered():
    p = DowntimeBudgetPanel(0.99971, "year")
    assert p.target.value == 0.99971
    assert "99.971%" in p.target.label


@pytest.mark.parametrize("kwargs, field", [
    ({"target": 1.3}, "target: 1.3"),
    ({"period": "decade"}, "period: 'decade'"),
    ({"budget_period": "decade"}, "budget_period: 'decade'"),
    ({"budget_minutes": -5}, "budget_minutes: -5"),
    ({"budget_minutes": 50000, "budget_period": "month"}, "budget_minutes: 50000"),
    ({"year_days": 0}, "year_days: 0"),
])
def test_bad_parameters_are_named(kwargs, field):
    with pytest.raises(InvalidInputError, match=f"^{field}"):
        DowntimeBudgetPanel(**kwargs)


def test_callback_errors_are_shown_not_lost(monkeypatch):
    p = DowntimeBudgetPanel()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("hadr_lib.panels.budget.target_summary", broken)
    p.target.value = 0.99
    assert "Could not update: boom" in p.message.value


def test_app_panel_has_the_budget_tab():
    app = app_panel(0.999, "year")
    assert app.tabs.get_title(1) == "Downtime budget"
    assert "8.77 hours" in app.panel("budget").headline.value


# ------------------------------------------------------------------ architectures

from hadr_lib.panels import ArchitectureAppPanel, ArchitecturePanel  # noqa: E402


def test_architecture_panel_starts_from_the_model():
    p = ArchitecturePanel("multi_az_postgres", 0.9995)
    assert "99.9797%" in p.headline.value and "1.78 hours" in p.headline.value
    assert "comfortably above the 99.95% target" in p.headline.value
    assert p.controls[("load-balancer", "nines")].value == pytest.approx(4.0)
    assert p.controls[("app-a", "mtbf_h")].value == pytest.approx(2190)
    # Untouched controls give back the typed figures exactly.
    assert p.current_model().evaluate().unavailability == p.base.evaluate().unavailability


def test_architecture_panel_controls_update_figures_in_place():
    p = ArchitecturePanel("multi_az_postgres", 0.9995)
    diagram, bars = p.diagram, p.importance_chart
    p.controls[("load-balancer", "nines")].value = 6.0
    assert "99.9896%" in p.headline.value
    assert p.diagram is diagram and p.importance_chart is bars
    assert list(bars.data[0].y[:2]) == ["the region", "the primary database"]  # the load balancer is no longer first
    p.controls[("pg-primary", "mttr_h")].value = 0.5
    assert p.model.component("pg-primary").mttr_h == pytest.approx(0.5)


def test_the_explorer_downloads_its_design_with_the_changes_made():
    import base64

    import yaml

    p = ArchitecturePanel("multi_az_postgres", 0.9995)
    p.controls[("load-balancer", "nines")].value = 5.0
    p.controls[("app-a", "count")].value = 3
    link = p.download.value
    assert "download='multi_az_postgresql.yaml'" in link and "hadr-download" in link
    text = base64.b64decode(link.split("base64,")[1].split("'")[0]).decode()
    assert text.startswith("# Multi-AZ PostgreSQL: written by hadr-workbook")
    again = hl.load_architecture(yaml.safe_load(text))
    assert again.component("app-a").count == 3
    assert again.component("load-balancer").sla is None  # a figure of one's own now
    assert again.evaluate() == p.model.evaluate()  # the same design, to the last digit


def test_beta_control_moves_the_answer():
    p = ArchitecturePanel("three_regions_active_active", 0.99999)
    assert "99.9997%" in p.headline.value
    p.controls[("group 0", "beta")].value = 0.0
    assert "99.9999999973%" in p.headline.value


def test_failover_controls_move_the_answer_and_the_download():
    """The explorer's standby controls: failover time and the chance it works."""
    import base64

    import yaml

    p = ArchitecturePanel("multi_az_postgres", 0.9995)
    assert p.controls[("standby 0", "failover_s")].value == pytest.approx(90)
    before = p.model.evaluate().unavailability
    p.controls[("standby 0", "failover_s")].value = 900.0
    p.controls[("standby 0", "coverage")].value = 0.9
    (sb,) = p.model.standbys
    assert (sb.failover_s, sb.coverage) == (900.0, 0.9)
    expected = hl.load_architecture("multi_az_postgres")
    expected = expected.with_changes(standbys={0: {"failover_s": 900.0, "coverage": 0.9}})
    assert p.model.evaluate() == expected.evaluate() and expected.evaluate().unavailability > before
    link = p.download.value
    text = base64.b64decode(link.split("base64,")[1].split("'")[0]).decode()
    standby = yaml.safe_load(text)["architecture"]["series"][2]["standby"]
    assert standby["failover_s"] == 900.0 and standby["coverage"] == 0.9


def test_the_failback_box_switches_who_stays_active():
    """A weaker standby that stays active once promoted (the default) costs more than
    one that hands back to the primary; the box gives what with_changes gives."""
    arch = hl.Architecture(hl.Standby(hl.Component("db-a", mtbf_h=2000, mttr_h=1),
                                      (hl.Component("db-b", mtbf_h=300, mttr_h=3),), failover_s=600,
                                      coverage=0.98), "weaker standby")
    p = ArchitecturePanel(arch, 0.999)
    box = p.controls[("standby 0", "failback")]
    assert box.value is False and "hadr-failback" in box._dom_classes
    stays = p.model.evaluate().unavailability
    box.value = True
    assert p.model.standbys[0].failback
    back = arch.with_changes(standbys={0: {"failback": True}}).evaluate().unavailability
    assert p.model.evaluate().unavailability == back and stays > 1.5 * back
    box.value = False
    assert p.model.evaluate().unavailability == stays


def test_architecture_panel_rejects_bad_input():
    with pytest.raises(InvalidInputError, match="target: 2"):
        ArchitecturePanel("single_server", 2)
    with pytest.raises(InvalidInputError, match="no such file"):
        ArchitecturePanel("nowhere.yaml")


def test_architecture_app_panel_verdict_and_advice():
    p = ArchitectureAppPanel("multi_az_postgres", 0.9995)
    assert "hadr-status-green" in p.verdict.value
    assert "The load balancer is known only by its provider&#x27;s SLA" in p.advice.value
    p.target.value = 0.9999
    assert "hadr-status-red" in p.verdict.value and "short of the 99.99% target" in p.verdict.value
    p.choice.value = "single_server"
    assert "99.5%" in p.verdict.value
    with pytest.raises(InvalidInputError, match="architecture: 'nope' is not a reference"):
        ArchitectureAppPanel("nope")


def test_app_has_an_architecture_tab():
    app = app_panel(0.9995, "month")
    assert app.tabs.get_title(2) == "Architecture"
    arch = app.panel("architecture")
    assert "Multi-AZ PostgreSQL" in arch.verdict.value  # the scenario's design
    arch.choice.value = "mongodb_replica_set"
    assert "MongoDB" in arch.verdict.value
    # The design is the workspace's: the overview and the SLO tab follow it.
    assert "MongoDB" in app.panel("overview").verdict.value
    assert "MongoDB" in app.panel("slo").summary.value or "MongoDB" in app.panel("slo").choice.label


def test_a_scenario_without_a_design_gets_the_apps_default_design():
    app = app_panel(scenario="ecommerce_shop", architecture="single_server")
    assert app.workspace.scenario.design.name == "Multi-AZ PostgreSQL"  # it has one
    bare = {k: v for k, v in app.workspace.scenario.to_mapping().items() if k != "architecture"}
    from hadr_lib.scenario import load_scenario
    from hadr_lib.workspace import Workspace

    ws = Workspace(load_scenario(bare))
    assert ws.scenario.design is None


# ------------------------------------------------------------------ DR planning

from hadr_lib.panels import BackupPanel, DRStrategyPanel, FailoverPanel  # noqa: E402


def test_dr_panel_recommends_and_follows_the_sliders():
    p = DRStrategyPanel("small_saas")
    assert "Recommended: Hourly snapshot" in p.recommendation.value
    chart = p.cost_chart
    p.downtime_cost.value = 100_000
    assert "Recommended: Warm standby + point-in-time backups" in p.recommendation.value
    assert p.cost_chart is chart
    assert p.costs["aws_warm_standby_pitr"].value == "130,000"  # prices read with separators
    p.costs["aws_warm_standby_pitr"].value = "10000000"
    assert "Hourly snapshot" in p.recommendation.value
    assert p.costs["aws_warm_standby_pitr"].value == "10,000,000"  # read back with separators
    p.costs["aws_warm_standby_pitr"].value = "lots"
    assert ("Could not use that value: running cost of Warm standby + point-in-time backups (AWS): &#x27;lots&#x27; "
            "is not an amount") in p.message.value
    assert p.scenario().strategy_costs["aws_warm_standby_pitr"] == 10_000_000
    p.rto.value = 30 / 3600  # 30 seconds
    assert "hadr-status-red" in p.recommendation.value
    assert "Nothing in the catalogue meets" in p.recommendation.value


def test_dr_panel_incidents_change_the_losses():
    p = DRStrategyPanel("ecommerce_shop")
    before = p.table.value
    p.incidents["region"].value = 5
    assert p.table.value != before


def test_backup_panel():
    p = BackupPanel(data_gb=1000, daily_change=0.05, rto_h=8, rpo_h=24)
    assert "Storage kept: 7,800 GB" in p.summary.value
    assert "region loss loses every backup" in p.warnings.value
    p.controls["cross_region_copy"].value = True
    assert p.warnings.value == ""
    p.controls["log_shipping"].value = True
    assert "at worst 5 minutes" in p.summary.value
    assert len(p.chart.data[0].y) == 3


def test_the_backup_tab_prices_in_the_scenarios_currency():
    from hadr_lib.scenario import load_scenario
    from hadr_lib.workspace import Workspace

    mapping = {**hl.load_scenario("small_saas").to_mapping(), "currency": "EUR"}
    p = BackupPanel(workspace=Workspace(load_scenario(mapping)))
    assert "€" in p.summary.value and "$" not in p.summary.value
    assert "$" in BackupPanel().summary.value  # no workspace: dollars, said


def test_failover_panel():
    p = FailoverPanel("route53_region_failover", 300)
    assert "2.05 minutes typically" in p.summary.value
    p.threshold.value = 1
    p.interval.value = 10
    assert "meets" in p.summary.value
    assert p.chart.data[1].x[0] == pytest.approx(0.5 * 10 + 3)
    p.preset.value = "rds_multi_az"
    assert p.threshold.disabled
    assert "1.75 minutes typically" in p.summary.value


def test_app_has_a_dr_tab():
    app = app_panel(scenario="regulated_payments")
    assert app.tabs.get_title(4) == "DR strategy"
    assert "Regulated payments" in app.panel("dr").widget.children[0].value


# ------------------------------------------------------------------ SLOs

from hadr_lib.panels import SloPanel  # noqa: E402


def test_slo_panel_follows_target_window_and_design():
    p = SloPanel("multi_az_postgres", 0.9995, 30, choose_architecture=True)
    assert "hadr-status-green" in p.summary.value and "21.6 minutes" in p.summary.value
    assert "14.4" in p.alerts.value
    p.target.value = 0.9999
    assert "hadr-status-red" in p.summary.value and "Warning" in p.summary.value
    p.window.value = 7
    assert "14m" in p.alerts.value and "70s" in p.alerts.value  # windows scale with the SLO
    p.choice.value = "three_regions_active_active"
    assert "Three regions" in p.summary.value
    with pytest.raises(InvalidInputError, match="window"):
        SloPanel("single_server", 0.999, "2w")


def test_app_has_an_slo_tab():
    app = app_panel()
    assert app.tabs.get_title(6) == "SLO"


# ------------------------------------------------------------------ overview

import base64  # noqa: E402

from hadr_lib.panels import OverviewPanel  # noqa: E402


def test_overview_panel_verdict_and_scenario_download():
    seen = []
    p = OverviewPanel("ecommerce_shop", 0.9995, on_scenario=seen.append)
    assert "hadr-status-green" in p.verdict.value and "E-commerce shop: green" in p.verdict.value
    payload = p.downloads.value.split("base64,")[1].split("'")[0]
    assert b"downtime_cost_per_hour: 50000" in base64.b64decode(payload)
    p.target.value = 0.9999
    assert "hadr-status-red" in p.verdict.value
    p.scenario.value = "small_saas"
    assert seen == ["small_saas"] and "Small SaaS: red" in p.verdict.value
    with pytest.raises(InvalidInputError, match="scenario: 'nope' is not a shipped scenario"):
        OverviewPanel("nope")


def test_app_scenario_picker_drives_the_dr_tab():
    app = app_panel()
    assert [app.tabs.get_title(i) for i in range(len(app_tabs()))] == [t.title for t in app_tabs()]
    app.panel("dr")  # built before the scenario changes: follows it
    app.panel("overview").scenario.value = "small_saas"
    dr = app.panel("dr")
    assert "Small SaaS" in dr.title.value
    assert "Recommended: Hourly snapshot" in dr.recommendation.value
    assert dr.downtime_cost.value == pytest.approx(1500)


@pytest.mark.notebook
def test_overview_panel_prepares_a_report_in_the_background_as_html_and_pdf():
    from hadr_lib.report import find_chromium

    p = OverviewPanel("small_saas")
    p.prepare_report()
    assert p.report_button.disabled and "Preparing the report" in p.report_link.value  # returned at once
    p.target.value = p.target.options[-1][1]  # a change while it is prepared is not lost
    assert p.wait_report(300)
    assert "Download the report (HTML)" in p.report_link.value and not p.report_button.disabled
    html_text = base64.b64decode(p.report_link.value.split("base64,")[1].split("'")[0]).decode()
    assert "<title>HA/DR report: Small SaaS</title>" in html_text
    last = p.target.options[-1][0]  # the report is of the target moved to during preparation
    assert f"Target: <b>{last}</b>" in html_text and p.reports_built == 1
    if find_chromium():
        pdf = p.report_link.value.split("hadr-report-pdf")[1].split("base64,")[1].split("'")[0]
        assert base64.b64decode(pdf).startswith(b"%PDF-")
    else:
        assert "hadr-report-pdf" not in p.report_link.value
    p._reports.close()


@pytest.mark.notebook
def test_repeated_report_clicks_coalesce_and_a_change_clears_the_link():
    """Ten click messages built ten reports back to back (36 s of busy kernel, 74 MB
    sent back); now the first builds and the rest find its report already there."""
    p = OverviewPanel("small_saas")
    for _ in range(10):
        p.report_button.click()  # what each click message from a client does
    assert p.wait_report(300)
    assert (p.reports_built, p.reports_skipped) == (1, 9)
    assert "Download the report (HTML)" in p.report_link.value and not p.report_button.disabled
    p.report_button.click()  # the link already offers this workspace's report
    assert (p.reports_built, p.reports_skipped) == (1, 10)
    p.target.value = p.target.options[-1][1]  # the screen changes: its report is gone
    assert p.report_link.value == ""
    p.report_button.click()
    p.report_button.click()
    assert p.wait_report(300)
    assert (p.reports_built, p.reports_skipped) == (2, 11)
    p._reports.close()


def test_app_tabs_are_built_when_first_shown():
    app = app_panel()
    tabs = app.tabs
    assert "Loading" in tabs.children[4].children[0].value
    # Tabs not yet built show one "Loading…" widget and share one layout: every widget
    # model is sent to the browser and built there before the first control works
    waiting = tabs.children[1:]
    assert len({id(t.children[0]) for t in waiting}) == len({id(t.layout) for t in waiting}) == 1
    tabs.selected_index = 4  # what a click on the tab does
    assert tabs.children[4].children[0] is app.panel("dr").widget
    assert "Loading" in tabs.children[5].children[0].value  # the others still wait
    assert "Recommended" in app.panel("dr").recommendation.value
    # A DR tab first opened after the scenario changed starts from that scenario.
    app2 = app_panel()
    app2.panel("overview").scenario.value = "regulated_payments"
    assert "Regulated payments" in app2.panel("dr").title.value


def test_app_rejects_bad_parameters_at_once():
    with pytest.raises(InvalidInputError, match="architecture: 'nope'"):
        app_panel(architecture="nope")
    with pytest.raises(InvalidInputError, match="period: 'decade'"):
        app_panel(period="decade")


def test_drill_panel_follows_the_failure_and_the_checks():
    from hadr_lib.panels import DrillPanel

    p = DrillPanel()
    assert "Lose a region" in p.summary.value and "RTO of 1 minute in 0%" in p.summary.value
    assert not p.ttl.disabled
    p.ttl.value = 0
    p.interval.value = 10
    p.threshold.value = 1
    # one 10 s check, no TTL: most drills now make the 60 s RTO
    assert "RTO of 1 minute in 0%" not in p.summary.value
    p.drill.value = "kill_instance"  # defaults of the new drill come back, one update
    assert p.rto.value == 300 and p.threshold.value == 2 and p.ttl.value == 60
    assert p.ttl.disabled and not p.threshold.disabled
    assert p.ttl.layout.display == "none" and p.threshold.layout.display is None  # only what applies is shown
    assert "RTO of 5 minutes in 100%" in p.summary.value
    assert "kills a random instance" in p.about.value
    p.drill.value = "fail_db_primary"
    assert p.threshold.disabled and "1% of failovers fail" in p.summary.value
    assert p.chart.layout.title.text.startswith("Fail the database primary")
    assert p.message.value == ""
    app = app_panel()
    assert isinstance(app.panel("drills"), DrillPanel)


def test_drills_run_on_the_workspaces_design_against_the_scenarios_rto():
    """The drills tab ran a built-in design against a 60 s target whatever the scenario
    ("met in 0%" for an 8-hour RTO): its first drill is now the workspace's own design."""
    from hadr_lib.panels import DrillPanel

    app = app_panel(scenario="small_saas")  # RTO 8 hours; its design: Single server
    p = app.panel("drills")
    assert p.drill.value == "design" and p.drill.label == "Your design: a part fails"
    assert "On <b>Single server</b>, the workspace's design" in p.about.value
    # its one server has no redundancy: the drill says so (it said "one replica of the
    # server fails; recovery is switch to the redundancy left")
    assert "design: <b>the server</b> fails; recovery is its repair: nothing takes over" in p.about.value
    assert "redundancy left" not in p.about.value and "replica" not in p.about.value
    assert "hadr-drill-part" in p.part._dom_classes and list(p.part.options) == [("the server", "server")]
    assert p.rto.value == 8 * 3600
    assert "no failover path is left" in p.summary.value and "RTO of 8 hours" in p.summary.value
    assert "in 0%" not in p.summary.value
    # a design with a standby: its failover time is the recovery
    app.workspace.set_design("multi_az_postgres")
    p.show(True)
    assert [v for _, v in p.part.options][:2] == ["load-balancer", "app-a"]
    p.part.value = "pg-primary"
    assert "failover of the primary database (90 s)" in p.about.value
    assert "Recovery takes 1.5 minutes in half the drills" in p.summary.value
    p.drill.value = "lose_region"  # the article's drills are still there
    assert p.rto.value == 60 and "Lose a region" in p.summary.value
    assert "On the shipped design <b>Three regions, active-active</b>" in p.about.value  # its name, not its key
    assert DrillPanel().drill.value == "lose_region"  # no workspace: the article's drill
    # Plain names and the design's own failover timers: each timer is a stage of the drill
    design = {"name": "Timed", "architecture": {"standby": {
        "primary": {"component": {"name": "db-1", "label": "the primary database", "mtbf_h": 2000, "mttr_h": 4}},
        "standbys": [{"component": {"name": "db-2", "label": "the replica", "mtbf_h": 2000, "mttr_h": 4}}],
        "failover": {"check_interval_s": 10, "failure_threshold": 3, "dns_ttl_s": 60, "promote_s": 20,
                     "warmup_s": 5}}}}
    app.workspace.set_design(design)
    p.drill.value = "design"
    assert ("the primary database", "db-1") in list(p.part.options)
    p.part.value = "db-1"
    assert ("design: <b>the primary database</b> fails; recovery is detection: 3 failed checks, every "
            "10 s, then DNS answers cached for up to 60 s, then promotion (20 s), then warm-up (5 s)."
            in p.about.value)  # every stage, not the first alone
    stages = list(p.result.stage_means_s.index)
    assert stages == ["detection: 3 failed checks, every 10 s", "DNS answers cached for up to 60 s",
                      "promotion (20 s)", "warm-up (5 s)"]
    # recovery lies within the timers' bounds: 20 + 20 + 0 + 5 s at best, 30 + 60 + 20 + 5 s at worst
    assert 45 <= p.result.recovery_s.min() and p.result.recovery_s.max() <= 115
    assert p.result.title == "Fail the primary database (Timed)"
    # a part of replicas: one of them fails and the others carry on
    app.workspace.set_design({"name": "Pair", "architecture": {"component": {
        "name": "web", "label": "the web servers", "count": 2, "mtbf_h": 1000, "mttr_h": 2}}})
    p.part.value = "web"
    assert ("design: one of the 2 replicas of <b>the web servers</b> fails; recovery is switch to the "
            "redundancy left" in p.about.value)
    assert p.result.p_meet_rto == 1.0


def test_simulation_panel_updates_in_place():
    from hadr_lib.panels import SimulationPanel

    p = SimulationPanel(runs=600, years=5)
    before = p.table.value
    agree = "inside" if p.result.ci_contains(p.result.analytic_unavailability) else "OUTSIDE"
    assert f"{agree} the 99% CI" in before and "months meeting the 99.95% SLA" in before
    histogram = p.histogram
    p.architecture.value = "single_server"
    assert p.histogram is histogram and p.table.value != before
    assert "5,000" not in p.table.value and "600 runs x 5 years" in p.table.value
    p.sla.value = 0.999
    assert "months meeting the 99.9% SLA" in p.table.value
    assert p.months.layout.title.text == "Chance of meeting 99.9% per calendar month"
    p.repair.value = "lognormal"
    assert p.result.repair == "lognormal" and p.message.value == ""
    with pytest.raises(InvalidInputError, match="architecture"):
        SimulationPanel("nope")


def test_wide_tables_scroll_inside_their_panel():
    """A table wider than the screen (a phone) scrolls in its own box, not the page:
    the Layout trait is ``overflow`` (ipywidgets 8 has no ``overflow_x``)."""
    app = app_panel()
    tables = [DowntimeBudgetPanel().table, DRStrategyPanel().table, SloPanel().alerts,
              app.panel("compare").table]
    assert [t.layout.overflow for t in tables] == ["auto"] * 4
    assert app.panel("dr").table is None  # the app's DR tab shows no table


# --------------------------------------------------------------------------- the tab registry


def _classes(widget) -> set[str]:
    """CSS classes of a widget and everything under it."""
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()) or ():
        found |= _classes(child)
    return found


def test_the_app_has_the_registered_tabs_in_order():
    tabs = app_tabs()
    assert [t.name for t in tabs] == list(TAB_MODULES)
    assert [t.title for t in tabs] == ["Overview", "Downtime budget", "Architecture", "Compare designs",
                                       "DR strategy", "Backup", "SLO", "Drills", "Portfolio"]


@pytest.mark.parametrize("tab", app_tabs(), ids=lambda t: t.name)
def test_every_registered_tab_builds_and_shows_its_numbers(tab):
    app = app_panel()
    panel = app.panel(tab.name)
    assert tab.ready.lstrip(".") in _classes(panel.widget), tab.ready
    assert tab.about and tab.about == tab.about.strip()


def test_a_tab_module_without_a_tab_is_refused(monkeypatch):
    import hadr_lib.panels.tabs as tabs_module

    monkeypatch.setattr(tabs_module, "TAB_MODULES", ("overview", "base"))
    with pytest.raises(InvalidInputError, match="hadr_lib.panels.base: TAB is NoneType, not an AppTab"):
        tabs_module.app_tabs()
    monkeypatch.setattr(tabs_module, "TAB_MODULES", ("budget", "overview"))
    with pytest.raises(InvalidInputError, match="the first tab is 'budget', not 'overview'"):
        app_panel()


def test_the_readme_lists_every_tab():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for tab in app_tabs():
        assert f"{tab.title} ({tab.about})" in readme, tab.title


def test_the_architecture_tab_takes_infrastructure_code_and_lists_the_findings():
    from pathlib import Path

    from hadr_lib.panels.architecture import UPLOADED
    from hadr_lib.workspace import Workspace

    shop = (Path(__file__).resolve().parent / "fixtures" / "import" / "shop.yaml").read_bytes()
    ws = Workspace("ecommerce_shop")
    p = ArchitectureAppPanel("multi_az_postgres", 0.9995, workspace=ws)
    import datetime

    def file(name, content):  # as the browser sends a file
        return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
                "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}

    p.upload.value = (file("shop.yaml", shop),)
    assert ws.scenario.design.name == "imported design"
    assert [c.name for c in ws.scenario.design.components][:2] == ["shop/web", "zk-0"]
    assert "key spec.replicas is given twice" in p.findings.value and "hadr-finding-error" in p.findings.value
    assert "imported design" in p.verdict.value
    p.choice.value = "single_server"  # another design: the findings were about the upload
    assert p.findings.value == ""
    # without a workspace, the upload is a choice of its own; a design file has no findings
    alone = ArchitectureAppPanel("single_server", 0.999)
    design = b"name: <i>mine</i>\narchitecture: {component: {name: a, availability: 0.999}}\n"
    alone.upload.value = (file("mine.yaml", design),)
    assert alone.choice.value == UPLOADED and alone.findings.value == ""
    assert "&lt;i&gt;mine&lt;/i&gt;" in alone.verdict.value
    # code that models nothing is refused with a message; the design stays
    alone.upload.value = (file("notes.py", b"print('hi')\n"),)
    assert "nothing in it could be modelled" in alone.message.value and alone.choice.value == UPLOADED


def test_the_dr_tab_reads_out_money_in_the_new_scenarios_currency_and_unit_after_a_switch():
    from hadr_lib.panels.dr import DRStrategyPanel
    from hadr_lib.workspace import Workspace

    ws = Workspace("ecommerce_shop")
    panel = DRStrategyPanel(workspace=ws, compact=True)
    first = ws.scenario
    other_unit = "GB" if first.data_unit == "records" else "records"
    # the same figures, so the same slider values: only the currency and the unit differ
    euro = first.replace(currency="EUR", data_unit=other_unit, name="Euro shop")
    ws.set_scenario(euro)
    unit = "/GB" if other_unit == "GB" else "/record"
    assert panel.data_cost.value == first.data_cost_per_unit
    labels = [label for label, _ in panel.data_cost.options]
    assert all(label.startswith("€") and label.endswith(unit) for label in labels), labels[:3]
    assert all(label.startswith("€") for label, _ in panel.downtime_cost.options)
    assert panel.data_cost.description == ("Cost of a lost GB" if other_unit == "GB" else "Cost of a lost record")


def test_the_backup_tabs_storage_price_reads_in_the_scenarios_currency():
    from hadr_lib.panels.app import app_panel as make_app

    app = make_app()
    price = app.panel("backup").controls["price_per_gb_month"]
    assert price.label == "$0.023 per GB-month"
    app.workspace.set_scenario(app.workspace.scenario.replace(currency="EUR"))
    assert price.label == "€0.023 per GB-month"
    assert all(label.startswith("€") for label, _ in price.options)


def test_chart_titles_are_wrapped_for_the_pages_width():
    """A phone's widths until the page says it is wide; every live chart refitted when
    the page's width class changes, and freshly drawn ones follow."""
    import plotly.graph_objects as go

    from hadr_lib.panels import base

    long = "Total cost a year of each strategy, against what an hour of downtime costs you"  # 79 characters
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    fig.update_layout(title=long, xaxis_title="what an hour of downtime costs, in the scenario's currency")
    widget = base.chart(fig)
    try:
        assert widget.layout.title.text.count("<br>") == 1  # two lines on a phone
        assert "<br>" in widget.layout.xaxis.title.text
        assert base.set_page_width(1280) is True
        assert widget.layout.title.text == long and widget.layout.margin.t is None  # one line, default room
        assert "<br>" not in widget.layout.xaxis.title.text
        assert base.set_page_width(1400) is False  # still wide: nothing to do
        fresh = base.chart(go.Figure(layout={"title": long}))
        assert fresh.layout.title.text == long
        base.update_figure(widget, {"data": [{"type": "scatter", "x": [1], "y": [2]}],
                                    "layout": {"title": {"text": long + " now"}}})
        assert widget.layout.title.text == long + " now"
        assert base.set_page_width(390) is True
        assert widget.layout.title.text.count("<br>") == 1 and "<br>" in widget.layout.xaxis.title.text
        assert base.set_page_width("not a width") is False
    finally:
        base.set_page_width(0)  # the other tests' charts are a phone's
