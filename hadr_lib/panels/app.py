"""The managers' app: one workspace and the tabs of ``panels.tabs``, each built when first shown."""

from __future__ import annotations

import html
import logging
import os

import ipywidgets as widgets

from ..architecture_file import reference_architectures
from ..availability import DAYS_PER_YEAR, period_info
from ..checks import InvalidInputError
from ..workspace import Workspace, query_scenario
from .base import Panel, chart, error_html
from .tabs import TabContext, app_tabs

__all__ = ["APP_CSS", "app_panel"]

log = logging.getLogger("hadr_lib.panels")

#: Page styles: charts and controls take the panel's width; on a phone (390 px) no
#: sideways scroll, tab labels readable, long labels wrap.
APP_CSS = """<style>
.hadr-app {max-width: 1100px; margin: 0 auto; box-sizing: border-box}
.hadr-app .widget-slider .widget-readout, .hadr-app .widget-readout {min-width: 7em}
.hadr-app .lm-TabBar-content {flex-wrap: wrap}
.hadr-app .lm-TabBar-tab {min-width: 0 !important; flex: 0 1 auto !important}
.hadr-app .lm-TabBar-tabLabel {white-space: nowrap}
.hadr-app .js-plotly-plot, .hadr-app .plotly-graph-div {max-width: 100%}
.hadr-app .widget-label, .hadr-app .widget-label-basic {overflow: visible; white-space: normal}
.hadr-app .hadr-table {font-size: 0.92em}
@media (max-width: 600px) {
  .hadr-app h1 {font-size: 1.5em}
  .hadr-app .widget-inline-hbox {flex-wrap: wrap; height: auto !important; min-height: 28px}
  .hadr-app .widget-inline-hbox > .widget-label {width: 100% !important; max-width: 100%;
      text-align: left !important; line-height: 1.3; margin-bottom: 2px}
  .hadr-app .widget-inline-hbox > .slider-container {flex: 1 1 55%; min-width: 0}
  .hadr-app .widget-inline-hbox > select, .hadr-app .widget-inline-hbox > input {flex: 1 1 100%; min-width: 0}
  .hadr-app .lm-TabBar-tab {padding: 0 6px}
  .hadr-app .modebar-container {display: none !important}
}
</style>"""


def _warm_up_charts() -> None:
    """Load what the first chart needs (plotly's figure classes and validators: about
    1.5 s of imports) while the app is built, which a preheated kernel does before
    anyone asks, so the first chart tab opens at once."""
    from ..theme import TEMPLATE

    w = chart({"data": [{"type": "scatter", "x": [1], "y": [1]}, {"type": "bar", "x": [1], "y": ["a"]}],
               "layout": {"template": TEMPLATE, "xaxis": {"type": "log"},
                          "shapes": [{"type": "line", "x0": 1, "x1": 1, "y0": 0, "y1": 1}],
                          "annotations": [{"x": 0, "y": 1, "text": "a"}]}})
    w.close()


class _LazyTabs:
    """Tabs whose panels are built the first time they are shown, so a new session
    starts with the overview alone (each figure widget costs the browser and the
    kernel at start-up, and ten sessions at once are ten times that)."""

    def __init__(self, titles, builders, first):
        self.builders = builders
        self.built: dict[str, Panel] = {}
        self.names = list(builders)
        # one "Loading…" and one layout shown by every tab not yet built: each widget
        # model is sent to the browser and built there before the first control works
        loading, layout = widgets.HTML("<p>Loading…</p>"), widgets.Layout()
        self.tab = widgets.Tab(children=[first.widget] + [
            widgets.VBox([loading], layout=layout) for _ in self.names[1:]])
        for i, title in enumerate(titles):
            self.tab.set_title(i, title)
        self.built[self.names[0]] = first
        self.tab.observe(self._selected, names="selected_index")

    def _selected(self, change) -> None:
        index = change["new"]
        if index is None:
            return
        name = self.names[index]
        for other, built in self.built.items():
            if other != name:
                built.show(False)  # out of sight: it catches up when shown again
        try:
            self.panel(name).show(True)
        except Exception:  # shown in the tab by panel(); logged here, never sent as a traceback
            log.exception("tab %s could not be built", name)

    def panel(self, name: str):
        """The panel called ``name``, built now if it was not yet."""
        if name not in self.built:
            i = self.names.index(name)
            try:
                built = self.builders[name]()
                self.built[name] = built
                self.tab.children[i].children = (built.widget,)
            except Exception as exc:  # shown in the tab, never lost
                self.tab.children[i].children = (widgets.HTML(error_html(exc)),)
                raise
        return self.built[name]


def app_panel(target: float = 0.9995, period: str = "month", *,
              architecture: str = "multi_az_postgres", scenario: str = "ecommerce_shop",
              year_days: float = DAYS_PER_YEAR) -> widgets.Widget:
    """The managers' app: a title and the tabs of ``panels.tabs.TAB_MODULES`` (overview,
    downtime budget, architecture, compare designs, DR strategy, backup, SLO, failover
    drills, portfolio) over one ``Workspace``: a scenario,
    its design and the target, which every tab reads and writes. ``box.panel(name)``
    gives a tab's panel, ``box.workspace`` the workspace, ``box.open_query(qs)``
    opens the scenario a URL's ``?scenario=NAME`` names.

    ``architecture`` is the design used when the scenario has none.
    """
    # Check every parameter now, not when a tab is first opened.
    period_info(period, year_days=year_days, field="period")
    if architecture not in reference_architectures():
        raise InvalidInputError(
            f"architecture: {architecture!r} is not a reference architecture; use one of "
            f"{', '.join(reference_architectures())}")
    from ..serve import quiet_kernel_errors

    quiet_kernel_errors()  # served by Voila: no tracebacks to clients
    if os.environ.get("VOILA_PREHEAT") == "True":
        _warm_up_charts()  # before anyone asks; a kernel started for a waiting page skips it
    workspace = Workspace(scenario, target)
    if workspace.scenario.design is None:
        workspace.set_design(architecture)
    registry = app_tabs()
    names = [t.name for t in registry]
    shown: list = []  # the tab bar, once built: show_tab brings a tab to the front

    def show_tab(name: str) -> None:
        if shown and name in names:
            shown[0].selected_index = names.index(name)

    context = TabContext(workspace, target, period, year_days, architecture, show_tab)
    if registry[0].name != "overview":  # it holds the scenario a link opens
        raise InvalidInputError(f"TAB_MODULES: the first tab is {registry[0].name!r}, not 'overview'")
    front = registry[0].build(context)
    tabs = _LazyTabs([t.title for t in registry],
                     {t.name: (lambda t=t: t.build(context)) for t in registry}, front)
    shown.append(tabs.tab)
    title = widgets.HTML(
        APP_CSS + "<h1>HA/DR workbook</h1><p>How available is the design, what does downtime "
        "cost, and which disaster-recovery strategy pays for itself?</p>")
    notice = widgets.HTML()
    notice.add_class("hadr-notice")
    address = _address_bar(workspace, notice)
    box = widgets.VBox([title, notice, tabs.tab, address], layout={"width": "100%"})
    box.add_class("hadr-app")

    def open_query(query: str | None) -> None:
        """Open the scenario ``?scenario=NAME`` names; a bad name is said, not raised."""
        try:
            name = query_scenario(query or "")
        except InvalidInputError as exc:
            notice.value = (f"<div class='hadr-error' style='color:#a00'>The link asks for "
                            f"{html.escape(str(exc))}; showing {html.escape(workspace.scenario.name)}."
                            "</div>")
            return
        if name is not None and name != workspace.key:
            front.scenario.value = name

    box.tabs = tabs.tab
    box.panel = tabs.panel
    box.workspace = workspace
    box.open_query = open_query
    box.address = address
    return box


def _address_bar(workspace: Workspace, notice: widgets.HTML):
    """The page's address and the browser's storage follow the workspace; what the page
    asks to restore (a shared link, a reload, the last visit) is opened, or said."""
    from .address import AddressBar
    from .base import set_page_width

    bar = AddressBar(state=workspace.to_link())
    bar.observe(lambda change: set_page_width(change["new"]), "width")  # titles wrapped to the page

    def changed(ws, change) -> None:
        bar.state = ws.to_link()

    def restore(change) -> None:
        asked = str(change["new"] or "")
        if not asked:
            return
        source, _, text = asked.partition(":")
        try:
            workspace.open_link(text, origin=bar)
        except InvalidInputError as exc:
            where = "The link's workspace" if source == "link" else "The workspace kept in this browser"
            notice.value = (f"<div class='hadr-error' style='color:#a00'>{where} could not be opened "
                            f"({html.escape(str(exc))}); showing {html.escape(workspace.scenario.name)}.</div>")
        else:
            if source == "stored":
                notice.value = (f"<div class='hadr-restored'>Your last workspace, "
                                f"{html.escape(workspace.scenario.name)}, is open again.</div>")
        bar.state = workspace.to_link()
        bar.restored += 1

    workspace.observe(changed)
    bar.observe(restore, names="restore")
    return bar
