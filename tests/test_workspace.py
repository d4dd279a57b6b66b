"""One workspace for the app: what-ifs reach every reader, files round-trip, uploads
are checked like any other input."""

import base64
from datetime import UTC, datetime

import pytest
import yaml

from hadr_lib import InvalidInputError
from hadr_lib.dr import recommend, strategy_table
from hadr_lib.scenario import load_scenario
from hadr_lib.workspace import (
    MAX_UPLOAD_BYTES,
    Change,
    Workspace,
    parse_scenario_upload,
    query_scenario,
)


def test_observers_hear_each_change_once_and_a_broken_one_does_not_stop_the_rest():
    ws = Workspace("small_saas")
    heard = []

    def broken(w, c):
        raise RuntimeError("boom")

    ws.observe(broken)
    ws.observe(lambda w, c: heard.append(c))
    ws.set_target(0.999, origin="budget")
    ws.set_target(0.999)  # no change, no call
    ws.what_if(downtime_cost_per_hour=2000.0)
    assert heard == [Change(target=True, origin="budget"), Change(scenario=True)]
    assert ws.scenario.downtime_cost_per_hour == 2000.0 and ws.target == 0.999
    with pytest.raises(InvalidInputError, match="target: 1.5"):
        ws.set_target(1.5)


def test_the_file_round_trips_with_what_ifs_and_design_inline():
    ws = Workspace("ecommerce_shop", 0.9999)
    ws.what_if(downtime_cost_per_hour=75_000.0, incidents_per_year={
        **ws.scenario.incidents_per_year, "region": 0.5})
    ws.set_design("mongodb_replica_set")
    data = yaml.safe_load(ws.to_yaml())
    assert data["downtime_cost_per_hour"] == 75_000.0
    assert data["incidents_per_year"]["region"] == 0.5
    assert data["availability_target"] == 0.9999
    assert data["architecture"]["name"] == "MongoDB replica set, majority writes"  # inline
    back = parse_scenario_upload("mine.yaml", ws.to_yaml())
    assert back.to_mapping() == ws.scenario.to_mapping() | {"availability_target": 0.9999,
                                                            "description": ws.description()}
    assert back.description.startswith("(Original text, written before these changes: the cost of an hour "
                                       "down, the incident rates, the design.) The source article's shop")
    assert back.design.evaluate().unavailability == ws.scenario.design.evaluate().unavailability
    again = Workspace(back)
    assert again.target == 0.9999 and again.key is None and again.design_key is None
    # Same money everywhere: the DR table of the file is the DR table of the workspace.
    assert recommend(strategy_table(back)) == recommend(strategy_table(ws.scenario))
    assert ws.filename() == "ecommerce_shop.yaml"
    assert again.filename() == "e_commerce_shop.yaml"


def test_a_shipped_design_named_by_the_scenario_is_inlined_on_download():
    ws = Workspace("small_saas")
    assert ws.design_key == "single_server"
    assert isinstance(yaml.safe_load(ws.to_yaml())["architecture"], dict)


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe not utf-8", "not UTF-8"),
    (b"- a list\n", "list at the top"),
    (b"name: x\n", "downtime_cost_per_hour: missing"),
    (b"name: [unclosed\n", "YAML syntax error"),
    (b"a: &a [1]\nb: *a\nc: {", "YAML syntax error"),
])
def test_bad_uploads_are_named(content, message):
    with pytest.raises(InvalidInputError, match=message) as err:
        parse_scenario_upload("upload.yaml", content)
    assert '"upload.yaml"' in str(err.value)


def test_an_upload_may_not_name_a_file_on_the_server(tmp_path):
    data = load_scenario("small_saas").to_mapping() | {"architecture": "/etc/passwd"}
    with pytest.raises(InvalidInputError, match="names a shipped design"):
        parse_scenario_upload("x.yaml", yaml.safe_dump(data).encode())
    with pytest.raises(InvalidInputError, match="bytes is more than"):
        parse_scenario_upload("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1))


def test_an_alias_bomb_upload_is_refused_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(InvalidInputError, match='"bomb.yaml": more than 4,000,000 values'):
        parse_scenario_upload("bomb.yaml", bomb.encode())


def test_query_string_names_a_shipped_scenario():
    assert query_scenario("scenario=small_saas") == "small_saas"
    assert query_scenario("?scenario=small_saas&x=1") == "small_saas"
    assert query_scenario("") is None and query_scenario("x=1") is None
    with pytest.raises(InvalidInputError, match="not a shipped scenario; use one of ecommerce_shop"):
        query_scenario("scenario=../../etc/passwd")


# ------------------------------------------------------------------ through the app's panels

from hadr_lib.panels import app_panel  # noqa: E402

_NOW = datetime(2026, 11, 27, tzinfo=UTC)


def _download(panel) -> dict:
    payload = panel.downloads.value.split("base64,")[1].split("'")[0]
    return yaml.safe_load(base64.b64decode(payload))


def test_a_what_if_on_the_dr_tab_reaches_the_overview_and_the_download():
    app = app_panel()
    front, dr = app.panel("overview"), app.panel("dr")
    before = front.verdict.value
    dr.downtime_cost.value = 1_000_000.0
    assert app.workspace.scenario.downtime_cost_per_hour == 1_000_000.0
    assert front.verdict.value != before and "$1,000,000 an hour" in front.verdict.value
    assert _download(front)["downtime_cost_per_hour"] == 1_000_000.0
    dr.incidents["region"].value = 2.0
    assert _download(front)["incidents_per_year"]["region"] == 2.0


def test_a_tab_out_of_sight_catches_up_when_shown_and_a_move_recomputes_one_tab(monkeypatch):
    """In the app, a slider recomputes the tab it is on; the other tabs follow the
    workspace when they are next shown (once, however many moves were made)."""
    app = app_panel()
    for index in (1, 2, 6, 4):  # Downtime budget, Architecture, SLO, then DR: clicks
        app.tabs.selected_index = index
    front, dr, budget = app.panel("overview"), app.panel("dr"), app.panel("budget")
    calls = {name: 0 for name in ("overview", "budget", "architecture", "slo", "dr")}
    for name in calls:
        panel = app.panel(name)
        monkeypatch.setattr(panel, "refresh", lambda p=panel, n=name, f=panel.refresh: (
            calls.__setitem__(n, calls[n] + 1), f())[1])
    before = front.verdict.value
    dr.downtime_cost.value = 1_000_000.0
    dr.incidents["region"].value = 2.0
    budget_target = budget.target.value
    assert calls == {"overview": 0, "budget": 0, "architecture": 0, "slo": 0, "dr": 2}
    assert front.verdict.value == before  # out of sight: not recomputed yet
    app.tabs.selected_index = 0
    assert calls["overview"] == 1 and "$1,000,000 an hour" in front.verdict.value
    assert _download(front)["incidents_per_year"]["region"] == 2.0
    front.target.value = 0.9999  # on the Overview now: the budget tab follows when shown
    assert calls["budget"] == 0 and budget.target.value == budget_target
    app.tabs.selected_index = 1
    assert calls["budget"] == 1 and budget.target.value == 0.9999
    app.tabs.selected_index = 1  # shown again with nothing new: no work
    assert calls["budget"] == 1


def test_one_target_for_every_tab():
    app = app_panel()
    budget, arch, slo, front = (app.panel(n) for n in ("budget", "architecture", "slo", "overview"))
    budget.target.value = 0.9999
    assert front.target.value == arch.target.value == slo.target.value == 0.9999
    assert "hadr-status-red" in arch.verdict.value and "short of the 99.99% target" in arch.verdict.value
    slo.target.value = 0.999
    assert budget.target.value == 0.999 and "43.8 minutes" in budget.headline.value
    assert _download(front)["availability_target"] == 0.999


def test_picking_a_scenario_updates_every_built_tab():
    app = app_panel()
    tabs = {n: app.panel(n) for n in ("dr", "architecture", "slo", "backup")}
    app.panel("overview").scenario.value = "small_saas"
    assert "Small SaaS" in tabs["dr"].title.value
    assert tabs["dr"].downtime_cost.value == 1500.0
    assert "Single server" in tabs["architecture"].verdict.value
    assert "Single server" in tabs["slo"].choice.label
    assert tabs["backup"].controls["rto_h"].value == 8.0  # the scenario's corrupted-data RTO


def test_upload_opens_the_file_as_the_workspace_and_bad_files_are_told():
    app = app_panel()
    front, dr = app.panel("overview"), app.panel("dr")
    data = load_scenario("regulated_payments").to_mapping()
    data["name"] = "<script>alert(1)</script> Payments"
    content = yaml.safe_dump(data).encode()
    front.upload.value = ({"name": "mine.yaml", "size": len(content), "content": memoryview(content),
                           "type": "text/yaml", "last_modified": _NOW},)
    assert app.workspace.key is None and app.workspace.scenario.name.startswith("<script>")
    assert "&lt;script&gt;" in front.verdict.value and "<script>" not in front.verdict.value
    assert front.scenario.label.endswith("(uploaded)")
    assert "Payments" in dr.title.value and "<script>" not in dr.title.value
    bad = b"name: x\ndowntime_cost_per_hour: -5\n"
    front.upload.value = ({"name": "bad.yaml", "size": len(bad), "content": memoryview(bad),
                           "type": "", "last_modified": _NOW},)
    assert "Could not open the uploaded file" in front.message.value
    assert app.workspace.scenario.name.startswith("<script>")  # the workspace is unchanged
    front.scenario.value = "small_saas"  # back to a shipped one
    assert app.workspace.key == "small_saas" and "(uploaded)" not in str(front.scenario.options)


def test_open_query_picks_the_scenario_and_says_when_it_cannot():
    app = app_panel()
    app.open_query("scenario=regulated_payments")
    assert app.workspace.key == "regulated_payments"
    app.open_query("scenario=<b>nope</b>")
    notice = app.children[1].value
    assert "not a shipped scenario" in notice and "<b>nope" not in notice
    assert app.workspace.key == "regulated_payments"


def test_compare_designs_tab_prices_the_other_design_and_can_adopt_it():
    app = app_panel()
    cmp = app.panel("compare")
    cmp.other.value = "single_server"
    assert "Single server adds 42 hours of downtime a year against Multi-AZ PostgreSQL" in cmp.sentence.value
    assert "worth $2,102,409 a year at $50,000 an hour" in cmp.sentence.value  # 42.05 h x $50,000
    assert "meets 99.95% with a chance of" in cmp.sure.value
    app.panel("dr").downtime_cost.value = 1000.0  # a what-if elsewhere re-prices it
    assert "at $1,000 an hour" in cmp.sentence.value
    cmp.adopt.click()
    assert app.workspace.design_key == "single_server"
    assert "Single server" in app.panel("overview").verdict.value
    assert cmp.adopt.disabled
    # The Overview prices the change of design: 714.82 - 2,765.54 = -2,050.72 a year to run
    overview = app.panel("overview")
    assert ("Multi-AZ PostgreSQL to Single server costs $2,051 a year less to run and adds 42 hours "
            "of downtime a year, worth $42,048 at $1,000 an hour.") in overview.verdict.value
    assert "Running the design" in overview.kpis.value and "$715/year" in overview.kpis.value
    app.workspace.set_design("multi_az_postgres")  # back to the scenario's own: nothing to price
    assert " to Single server" not in overview.verdict.value and " to Multi-AZ" not in overview.verdict.value


def test_strategies_run_together_from_the_dr_tab():
    app = app_panel()
    dr, front = app.panel("dr"), app.panel("overview")
    traces = len(dr.cost_chart.data)
    dr.layers.value = ("continuous_replication", "hourly_snapshot")
    assert app.workspace.scenario.layered_strategies == (("continuous_replication", "hourly_snapshot"),)
    assert len(dr.cost_chart.data) == traces + 1  # the combination is a line of its own
    assert "Continuous replication + Hourly snapshot" in str(dr.bar_chart.data[0].y).replace("<br>", " ")
    assert _download(front)["layered_strategies"] == [["continuous_replication", "hourly_snapshot"]]
    dr.layers.value = ("hourly_snapshot",)  # one is not a combination: said, nothing changed
    assert "pick 2 to 4 strategies, not 1" in dr.message.value
    assert app.workspace.scenario.layered_strategies == (("continuous_replication", "hourly_snapshot"),)
    dr.layers.value = ()
    assert app.workspace.scenario.layered_strategies == () and len(dr.cost_chart.data) == traces


def test_compare_takes_an_uploaded_design_b_and_can_adopt_it():
    """Compare my own design B (an upload, class hadr-compare-upload) against the
    workspace's design; a bad file is told; "Use this design" makes it the workspace's."""
    from hadr_lib.architecture_file import dump_architecture, load_architecture

    app = app_panel(scenario="ecommerce_shop")
    tab = app.panel("compare")
    assert "hadr-compare-upload" in tab.upload._dom_classes
    mine = dump_architecture(load_architecture("multi_az_postgres"))
    mine["name"] = "<b>Our</b> Postgres, three replicas"
    mine["architecture"]["series"][1]["parallel"][0]["component"]["count"] = 3
    content = yaml.safe_dump(mine).encode()
    tab.upload.value = ({"name": "b.yaml", "size": len(content), "content": memoryview(content),
                         "type": "text/yaml", "last_modified": _NOW},)
    assert tab.other.label == "<b>Our</b> Postgres, three replicas (uploaded)"
    assert "&lt;b&gt;Our&lt;/b&gt; Postgres" in tab.sure.value and "<b>Our</b>" not in tab.sure.value
    # in plain words: its label, "replicas", not the file's "app-a: count 1 -> 3"
    assert "the app server in zone A (app-a): replicas 1 -&gt; 3" in tab.changes.value
    assert "count" not in tab.changes.value
    assert not tab.adopt.disabled
    bad = b"name: x\narchitecture: {component: {name: a, availability: 1.5}}\n"
    tab.upload.value = ({"name": "bad.yaml", "size": len(bad), "content": memoryview(bad),
                         "type": "", "last_modified": _NOW},)
    assert "Could not open the uploaded design" in tab.message.value and "1.5" in tab.message.value
    assert tab.other.label.endswith("(uploaded)")  # the good upload is still the one compared
    tab.adopt.click()
    assert app.workspace.scenario.design.name == "<b>Our</b> Postgres, three replicas"
    assert app.workspace.scenario.design.component("app-a").count == 3
    tab.other.value = "single_server"  # back to a shipped design: the upload is dropped
    assert "(uploaded)" not in str(tab.other.options)


def test_a_design_upload_is_checked_like_a_scenario_upload():
    from hadr_lib.workspace import parse_design_upload

    with pytest.raises(InvalidInputError, match='"d.yaml": not UTF-8'):
        parse_design_upload("d.yaml", b"\xff\xfe")
    with pytest.raises(InvalidInputError, match='"d.yaml": list at the top'):
        parse_design_upload("d.yaml", b"- a\n")
    with pytest.raises(InvalidInputError, match="bytes is more than"):
        parse_design_upload("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(InvalidInputError, match=r'"d.yaml": architecture: missing'):
        parse_design_upload("d.yaml", b"name: x\n")


def test_the_portfolio_tab_lists_sorts_adds_uploads_and_opens_a_service_in_the_workspace():
    app = app_panel()
    tab = app.panel("portfolio")
    assert tab.table.value.count('class="hadr-portfolio-row') == 3  # the shipped scenarios
    assert "3 services</b>: 1 red, 2 green." in tab.totals.value
    assert "In USD, 3 services: designs $7,769 a year" in tab.totals.value  # 2,765.54 + 4,288.92 + 714.82
    assert [k for _, k in tab.pick.options] == ["small_saas", "regulated_payments", "ecommerce_shop"]
    tab.sort.value = "name"
    assert [k for _, k in tab.pick.options] == ["ecommerce_shop", "regulated_payments", "small_saas"]
    euro = load_scenario("small_saas").to_mapping() | {"name": "Euro <b>SaaS</b>", "currency": "EUR"}
    tab.upload.value = ({"name": "euro.yaml", "content": yaml.safe_dump(euro).encode(), "type": "", "size": 1,
                         "last_modified": _NOW},
                        {"name": "bad.yaml", "content": b"name: x\ndowntime_cost_per_hour: -5\n", "type": "",
                         "size": 1, "last_modified": _NOW})
    assert tab.table.value.count('class="hadr-portfolio-row') == 4
    assert "Euro &lt;b&gt;SaaS&lt;/b&gt;" in tab.table.value and "<b>SaaS" not in tab.table.value
    assert "Not added: &quot;bad.yaml&quot;: data: missing" in tab.message.value
    assert "1 service added" in tab.message.value
    assert "In EUR, 1 service: designs' running costs unknown" in tab.totals.value
    tab.pick.value = "Euro <b>SaaS</b> (euro.yaml)"
    tab.open.click()
    assert app.workspace.scenario.name == "Euro <b>SaaS</b>" and app.workspace.key is None
    assert app.tabs.selected_index == 0  # the Overview is brought to the front
    assert "Euro &lt;b&gt;SaaS&lt;/b&gt;" in app.panel("overview").verdict.value
    tab.pick.value = "regulated_payments"
    tab.open.click()
    assert app.workspace.key == "regulated_payments"
    assert app.panel("overview").scenario.value == "regulated_payments"


def _link_of(doc) -> str:
    import base64
    import json
    import zlib

    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_a_workspace_round_trips_through_its_link_and_hostile_links_are_refused():
    from hadr_lib.workspace import MAX_LINK_CHARS, workspace_from_link

    ws = Workspace("ecommerce_shop")
    ws.what_if(downtime_cost_per_hour=1234.0)
    ws.set_design("single_server")
    ws.set_target(0.9999)
    link = ws.to_link()
    assert set(link) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    other = Workspace("small_saas")
    other.open_link(link)
    assert other.to_mapping() == ws.to_mapping() and other.key == "ecommerce_shop" and other.target == 0.9999
    assert other.scenario.downtime_cost_per_hour == 1234.0 and other.scenario.design.name == "Single server"
    good = {"v": 1, "key": None, "scenario": ws.to_mapping()}
    bomb = b'{"v": 1, "scenario": {"name": "' + b"x" * (MAX_UPLOAD_BYTES + 10) + b'"}}'
    for text, message in [
            ("", "0 characters is not a workspace"),
            ("A" * (MAX_LINK_CHARS + 1), "characters is not a workspace"),
            ("not-base64!", "not the text the app writes"),
            (link[:-40], "not the text the app writes"),
            (_link_of(b"\xff\xfe"), "not the text the app writes"),
            (_link_of({"v": 99, "scenario": {}}), "not a workspace of this version"),
            (_link_of(bomb), f"more than the {MAX_UPLOAD_BYTES:,} bytes"),
            (_link_of({**good, "scenario": {**good["scenario"], "architecture": "/etc/passwd"}}),
             "an uploaded scenario names a shipped design"),
            (_link_of({**good, "scenario": {**good["scenario"], "downtime_cost_per_hour": -1}}),
             "downtime_cost_per_hour")]:
        with pytest.raises(InvalidInputError, match=message):
            workspace_from_link(text)
    before = other.to_mapping()
    with pytest.raises(InvalidInputError):
        other.open_link("garbage")
    assert other.to_mapping() == before  # a bad link changes nothing
    # An unknown key is dropped, not trusted
    _, key = workspace_from_link(_link_of({**good, "key": "../../etc"}))
    assert key is None


def test_the_app_keeps_its_address_in_step_and_restores_what_the_page_asks_for():
    app = app_panel()
    first = app.address.state
    app.panel("overview").target.value = 0.9999
    assert app.address.state != first and app.address.state == app.workspace.to_link()
    saved = Workspace("small_saas")
    saved.what_if(downtime_cost_per_hour=777.0)
    app.address.restore = "stored:" + saved.to_link()
    assert app.workspace.key == "small_saas" and app.workspace.scenario.downtime_cost_per_hour == 777.0
    assert "Your last workspace, Small SaaS, is open again." in app.children[1].value
    assert app.panel("dr").downtime_cost.value == 777.0 and app.address.restored == 1
    app.address.restore = "link:" + "x" * 50
    assert "The link's workspace could not be opened (the link&#x27;s workspace: not the text" in app.children[1].value
    assert app.workspace.key == "small_saas" and app.address.restored == 2


def test_the_backup_tabs_settings_and_the_slo_window_travel_with_the_scenario_file():
    app = app_panel()
    backup, slo = app.panel("backup"), app.panel("slo")
    backup.controls["retention_days"].value = 90
    backup.controls["log_shipping"].value = True
    slo.window.value = 28.0
    kept = app.workspace.scenario
    assert kept.backup["retention_days"] == 90.0 and kept.backup["log_shipping_every_s"] == 300.0
    assert kept.slo_window_days == 28.0
    saved = app.workspace.to_yaml()
    assert b"retention_days: 90.0" in saved and b"slo_window_days: 28.0" in saved
    # Another app opens the file: both tabs show what was kept, and the link carries it too
    other = app_panel()
    other.panel("backup")
    other.panel("slo")
    other.workspace.set_scenario(parse_scenario_upload("week.yaml", saved))
    assert other.panel("backup").controls["retention_days"].value == 90
    assert other.panel("backup").controls["log_shipping"].value is True
    assert other.panel("slo").window.value == 28.0
    third = app_panel()
    third.workspace.open_link(app.workspace.to_link())
    assert third.panel("slo").window.value == 28.0
    assert third.panel("backup").controls["retention_days"].value == 90  # built after: starts from it


def test_the_description_is_marked_as_the_original_text_once_its_figures_change():
    ws = Workspace("ecommerce_shop")
    original = ws.scenario.description
    assert ws.description() == original and ws.changed_figures() == []
    ws.set_target(0.9999)  # not a figure the description speaks of
    assert ws.description() == original
    ws.what_if(downtime_cost_per_hour=1000.0)
    marked = "(Original text, written before these changes: the cost of an hour down.) " + original
    assert ws.description() == marked and ws.to_mapping()["description"] == marked
    # The saved file keeps the mark; later changes join it, never a second mark
    again = Workspace(parse_scenario_upload("week.yaml", ws.to_yaml()))
    assert again.description() == marked
    again.set_design("single_server")
    assert again.description() == ("(Original text, written before these changes: the cost of an hour down, "
                                   "the design.) " + original)
    app = app_panel()
    app.panel("dr").downtime_cost.value = 1000.0
    assert "(Original text, written before these changes: the cost of an hour down.)" in app.panel("dr").title.value


def test_the_overview_says_what_changed_since_an_earlier_file_and_what_follows():
    app = app_panel()
    overview = app.panel("overview")
    last_week = app.workspace.to_yaml()
    overview.earlier_upload.value = ({"name": "last_week.yaml", "content": last_week, "type": "",
                                      "size": len(last_week), "last_modified": _NOW},)
    assert "Since last_week.yaml" in overview.changes.value and "Nothing changed." in overview.changes.value
    app.panel("dr").downtime_cost.value = 100_000.0
    app.workspace.set_design("single_server")
    shown = overview.changes.value
    assert "cost of an hour down: $50,000 -&gt; $100,000" in shown
    assert "design: Multi-AZ PostgreSQL -&gt; Single server" in shown
    assert "<b>What follows</b>" in shown and "design availability: 99.9797% -&gt; 99.5%" in shown
    overview.earlier_upload.value = ({"name": "bad.yaml", "content": b"name: [", "type": "", "size": 7,
                                      "last_modified": _NOW},)
    assert "Could not open the uploaded earlier file" in overview.message.value
    assert "Since last_week.yaml" in overview.changes.value  # the earlier one is kept
