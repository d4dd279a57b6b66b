"""The SLO tab: a target and window against a design's ceiling, and the alerts."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..architecture_file import load_architecture, reference_architectures
from ..availability import check_availability
from ..formatting import format_duration
from ..model import Architecture
from ..plots import slo_budget_figure
from ..slo import SLO_WINDOWS_DAYS, burn_rate_alerts, parse_window, slo_plan
from .base import (
    LABEL_STYLE,
    SCENARIO_DESIGN,
    TABLE_CSS,
    WIDE,
    Panel,
    chart,
    reference_models,
    set_target_value,
    show_value,
    status_html,
    target_slider,
    update_figure,
)
from .tabs import AppTab

__all__ = ["SloPanel"]


def _window_options(days: float) -> list[tuple[str, float]]:
    """The usual SLO windows and ``days``, read out in days."""
    return [(f"{w:g} days", w) for w in sorted(set(SLO_WINDOWS_DAYS) | {float(days)})]


class SloPanel(Panel):
    """An SLO target and window against a design's ceiling: the budget, what the
    design spends of it, a warning when the target is out of reach, and the
    burn-rate alerts. With a ``workspace``, the design is the scenario's and the
    SLO is the workspace's target."""

    def __init__(self, architecture="multi_az_postgres", target: float = 0.9995,
                 window_days: float = 30.0, *, choose_architecture: bool = False,
                 workspace=None):
        self.models: dict[str, Architecture] = {}
        if isinstance(architecture, Architecture):
            key = architecture.name
            self.models[key] = architecture
        else:
            key = str(architecture)
            self.models[key] = load_architecture(architecture)
        if choose_architecture and workspace is None:
            for name, model in reference_models().items():
                self.models.setdefault(name, model)
        if workspace is not None and workspace.scenario.slo_window_days is not None:
            window_days = workspace.scenario.slo_window_days  # kept in the scenario file
        parse_window(window_days)
        target = float(check_availability(workspace.target if workspace else target, "target"))
        super().__init__(workspace)
        self.choice = widgets.Dropdown(options=[(m.name, k) for k, m in self.models.items()],
                                       value=key, description="Design", style=LABEL_STYLE,
                                       layout=dict(WIDE))
        if workspace is not None:
            self._follow_design()
        self.target = target_slider(target, "hadr-slo-target", "SLO")
        days = float(window_days)
        self.window = widgets.ToggleButtons(options=_window_options(days), value=days, description="Window",
                                            style=LABEL_STYLE)
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-slo-summary")
        self.alerts = widgets.HTML()
        self.alerts.layout.overflow = "auto"
        self.figure = chart(slo_budget_figure(self.plan()))
        self.choice.observe(self.update, names="value")
        self.window.observe(self._window_moved, names="value")
        self.bind_target(self.target)
        self.update()
        shown = choose_architecture or workspace is not None
        parts = ([self.choice] if shown else []) + [
            self.target, self.window, self.summary, self.figure, self.alerts, self.message]
        self.widget = widgets.VBox(parts)

    def _follow_design(self) -> None:
        """The workspace's design is the one measured (it changes on the Architecture tab)."""
        design = self.ws.scenario.design
        label = None if design is None else design.name
        if design is None:  # said on screen, not silently assumed
            design = load_architecture(reference_architectures()["single_server"])
            label = f"{design.name} (the scenario has no design; pick one on the Architecture tab)"
        self.models = {SCENARIO_DESIGN: design}
        self.choice.options = [(label, SCENARIO_DESIGN)]
        self.choice.value = SCENARIO_DESIGN
        self.choice.disabled = True

    def _window_moved(self, change) -> None:
        """Another window: the scenario keeps it (its file, the link, the report)."""
        if self._holding:
            return
        if self.workspace is not None:
            try:
                self.ws.what_if(origin=self, slo_window_days=float(self.window.value))
            except Exception as exc:  # shown, never lost
                self.message.value = f"Could not keep that window: {html.escape(str(exc))}"
        self.update()

    def from_workspace(self, change) -> None:
        if change.design:
            self._follow_design()
        if change.target:
            set_target_value(self.target, self.ws.target)
        if change.scenario and self.ws.scenario.slo_window_days is not None:
            show_value(self.window, self.ws.scenario.slo_window_days, _window_options)

    def plan(self):
        return slo_plan(self.models[self.choice.value], self.target.value, self.window.value)

    def refresh(self) -> None:
        plan = self.plan()
        status = "green" if plan.budget_used <= 0.5 else "amber" if plan.achievable else "red"
        self.summary.value = status_html(status, html.escape(plan.summary()), size="1em")
        a = burn_rate_alerts(plan.window_days)
        view = a[["severity", "long_window", "short_window"]].rename(
            columns={"long_window": "long window", "short_window": "short window"})
        view["burn rate"] = [f"{x:.4g}" for x in a["burn_rate"]]
        view["budget consumed"] = [f"{x:.0%}" for x in a["budget_consumed"]]
        view["budget gone in"] = [format_duration(h * 3600) for h in a["time_to_exhaust_h"]]
        self.alerts.value = ("<p><b>Burn-rate alerts</b> (fire when both windows burn faster "
                             "than the rate)</p>" + TABLE_CSS +
                             view.to_html(index=False, border=0, classes="hadr-table"))
        update_figure(self.figure, slo_budget_figure(plan))


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "slo", "SLO",
    lambda ctx: SloPanel(ctx.architecture, ctx.target, workspace=ctx.workspace),
    ready=".hadr-slo-summary",
    about="an SLO against the design's ceiling: its error budget and burn-rate alerts",
)
