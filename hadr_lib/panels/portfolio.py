"""The portfolio tab: every service (the shipped scenarios and the files uploaded here)
in one sortable table: verdict colour, availability against its target, what the
design and the DR strategy cost a year, expected losses, totals per currency. Picking
a service opens it in the workspace (every other tab then shows it)."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..portfolio import SORT_KEYS, Portfolio, portfolio, sorted_services
from ..scenario import Scenario, load_scenario, reference_scenarios
from ..views import portfolio_table_html, portfolio_totals_html
from ..workspace import parse_scenario_upload
from .base import LABEL_STYLE, WIDE, Panel, upload_button
from .tabs import AppTab

__all__ = ["PortfolioPanel"]

#: Most files one upload adds (each is a service; the portfolio itself takes up to 2,000).
MAX_UPLOADED = 200


class PortfolioPanel(Panel):
    """Every service in one table, sortable (class ``hadr-portfolio-sort``); uploads add
    services (``hadr-portfolio-upload``); picking one (``hadr-portfolio-pick``) and
    "Open" (``hadr-portfolio-open``) makes it the workspace's scenario."""

    def __init__(self, workspace, show_tab=None):
        super().__init__(workspace)
        self.show_tab = show_tab
        self.shipped = {k: load_scenario(p) for k, p in reference_scenarios().items()}
        self.uploaded: dict[str, Scenario] = {}  # label -> Scenario, in upload order
        self.result: Portfolio | None = None
        self.sort = widgets.Dropdown(options=[(label, key) for key, label in SORT_KEYS.items()],
                                     value="status", description="Sort by", style=LABEL_STYLE,
                                     layout={"width": "auto"})
        self.sort.add_class("hadr-portfolio-sort")
        self.upload = upload_button("Add services", "hadr-portfolio-upload", multiple=True)
        self.table = widgets.HTML()
        self.table.add_class("hadr-portfolio-table")
        self.table.layout.overflow = "auto"
        self.totals = widgets.HTML()
        self.totals.add_class("hadr-portfolio-totals")
        self.pick = widgets.Dropdown(description="Service", style=LABEL_STYLE, layout=dict(WIDE))
        self.pick.add_class("hadr-portfolio-pick")
        self.open = widgets.Button(description="Open in the workspace", layout={"width": "220px"},
                                   tooltip="Makes it the scenario of every tab")
        self.open.add_class("hadr-portfolio-open")
        self.sort.observe(lambda change: self.update(), names="value")
        self.upload.observe(self._uploaded, names="value")
        self.open.on_click(self._open)
        self._recompute()
        self.update()
        self.widget = widgets.VBox([
            widgets.HBox([self.sort, self.upload], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.table, self.totals,
            widgets.HBox([self.pick, self.open], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.message])

    def _services(self) -> dict[str, Scenario]:
        return {**self.shipped, **self.uploaded}

    def _recompute(self) -> None:
        services = self._services()
        self.result = portfolio(list(services.values()), keys=list(services))

    def _uploaded(self, change) -> None:
        files = change["new"] or ()
        if not files:
            return
        said, added = [], 0
        for f in list(files)[:MAX_UPLOADED]:
            name = str(f.get("name", "scenario"))
            try:
                sc = parse_scenario_upload(name, bytes(f.get("content", b"")))
            except Exception as exc:  # said, and the other files are still added
                said.append(f"Not added: {html.escape(str(exc))}")
                continue
            label = f"{sc.name} ({name})"
            self.uploaded[label] = sc
            added += 1
        if len(files) > MAX_UPLOADED:
            said.append(f"only the first {MAX_UPLOADED} files were read")
        with self.hold():
            self.upload.value = ()
        self._recompute()
        self.update()
        self.message.value = ("<br>".join(said) if said else "") + (
            f"<p>{added} service{'s' if added != 1 else ''} added.</p>" if added else "")

    def _open(self, button=None) -> None:
        key = self.pick.value
        services = self._services()
        if key not in services:
            return
        try:
            self.ws.set_scenario(services[key], origin=self, key=key if key in self.shipped else None)
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = f"Could not open that service: {html.escape(str(exc))}"
            return
        if self.show_tab is not None:
            self.show_tab("overview")
        self.message.value = f"<p>Opened {html.escape(self.ws.scenario.name)} in the workspace.</p>"

    def from_workspace(self, change) -> None:
        pass  # the portfolio is its files, not the workspace

    def refresh(self) -> None:
        assert self.result is not None
        rows = sorted_services(self.result.services, self.sort.value)
        self.table.value = portfolio_table_html(rows)
        self.totals.value = portfolio_totals_html(self.result)
        options = [(str(r["name"]), r["key"]) for r in rows if r["status"] != "error"]
        with self.hold():
            value = self.pick.value
            self.pick.options = options
            if value in [k for _, k in options]:
                self.pick.value = value


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "portfolio", "Portfolio",
    lambda ctx: PortfolioPanel(ctx.workspace, ctx.show_tab),
    ready=".hadr-portfolio-table",
    about="every service in one sortable table: verdict, availability against target, design and DR spend, "
          "expected losses, totals; open one in the workspace",
)
