"""The DR strategy tab: business figures in, cost per strategy, break-even and a
recommendation out."""

from __future__ import annotations

import html
from functools import partial

import ipywidgets as widgets

from ..dr import (
    break_even_sentence,
    cost_sweep,
    domain_rate_sentence,
    format_strategy_table,
    load_strategies,
    recommend,
    recommendation_sentence,
    shortfalls,
    strategy_table,
)
from ..formatting import format_duration, format_money, parse_money
from ..plots import dr_bar_figure, dr_bar_spec, dr_cost_figure, dr_cost_spec
from ..scenario import DISRUPTIONS, Scenario, load_scenario
from .base import (
    DR_ASSUMPTIONS,
    LABEL_STYLE,
    TABLE_CSS,
    WIDE,
    Panel,
    assumptions,
    chart,
    hours_slider,
    money_slider,
    set_hours,
    set_snapped,
    status_html,
    update_figure,
)
from .tabs import AppTab

__all__ = ["DRStrategyPanel"]

_DOWNTIME = (100.0, 1e7)
_DATA = (0.01, 1e6)
_RTO = (10 / 3600, 720.0)
_RPO = (1 / 3600, 720.0)
_PLAIN = {"instance": "Instance lost", "zone": "Zone lost", "region": "Region lost",
          "data_corruption": "Data corrupted"}


def _hours(h: float) -> str:
    return format_duration(h * 3600)


def _amount(x: float) -> str:
    """A running cost in a text box: whole units with thousands separators."""
    return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}"


class DRStrategyPanel(Panel):
    """For managers: downtime cost, data cost, incident rates, targets and strategy
    costs in; total cost per strategy, break-even points and a recommendation out.

    Parameters
    ----------
    scenario : str or Scenario
        A scenario name (``data/scenarios``), a YAML path, or a ``Scenario``.
    workspace : Workspace, optional
        The app's shared state: the panel shows its scenario and writes every
        what-if back to it (so the Overview, the download and the report see it).
    """

    def __init__(self, scenario="ecommerce_shop", *, compact: bool = False, workspace=None):
        super().__init__(workspace)
        if workspace is not None:
            self.base = workspace.scenario
        else:
            self.base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        sc = self.base
        self.downtime_cost = money_slider(sc.downtime_cost_per_hour, *_DOWNTIME, sc.currency,
                                          "Cost of an hour down", "/h")
        self.downtime_cost.add_class("hadr-downtime-cost")
        self.data_cost = money_slider(sc.data_cost_per_unit, *_DATA, sc.currency,
                                      self._data_label(sc), self._data_unit(sc))
        self.data_cost.add_class("hadr-data-cost")
        self.incidents = {d: widgets.FloatSlider(
            value=sc.incidents_per_year[d], min=0, max=max(20.0, sc.incidents_per_year[d]),
            step=0.05, description=f"{_PLAIN[d]} (times a year)",
            continuous_update=False, layout=dict(WIDE), style=LABEL_STYLE) for d in DISRUPTIONS}
        self.rto = hours_slider(sc.rto_target_h, *_RTO, "Back within (RTO)")
        self.rto.add_class("hadr-rto")
        self.rpo = hours_slider(sc.rpo_target_h, *_RPO, "Lose at most (RPO)")
        self.rpo.add_class("hadr-rpo")
        self.costs: dict = {}
        self.costs_box = widgets.VBox()
        self.layers = widgets.SelectMultiple(rows=6, description="Run together", style=LABEL_STYLE,
                                             layout=dict(WIDE))
        self._strategy_controls(sc)
        self.layers.add_class("hadr-layers")
        self.layers_note = widgets.HTML(
            "<small>Pick 2 to 4 strategies to run together (replication and point-in-time "
            "backups, say): each disruption recovers by the best of them, and their costs add. "
            "Ctrl-click (Cmd on a Mac) picks several.</small>")
        self.recommendation = widgets.HTML()
        self.recommendation.add_class("hadr-recommendation")
        self.break_even = widgets.HTML()
        self.break_even.add_class("hadr-break-even")
        self.misses = widgets.HTML()
        self.misses.add_class("hadr-misses")
        # The strategy table; None when compact (the app's tab leaves it out).
        self.table: widgets.HTML | None = None
        if not compact:
            self.table = widgets.HTML()
            self.table.layout.overflow = "auto"
        current = self.scenario()
        self.cost_chart = chart(dr_cost_figure(current))
        self.bar_chart = chart(dr_bar_figure(current, strategy_table(current)))
        fields = {self.downtime_cost: "downtime_cost_per_hour", self.data_cost: "data_cost_per_unit",
                  self.rto: "rto_target_h", self.rpo: "rpo_target_h",
                  **{w: "incidents_per_year" for w in self.incidents.values()},
                  self.layers: "layered_strategies"}
        for control, name in fields.items():
            control.observe(partial(self._moved, name), names="value")
        self.update()
        inputs = widgets.Accordion(children=[
            widgets.VBox([*self.incidents.values()]),
            widgets.VBox([self.rto, self.rpo]),
            self.costs_box,
            widgets.VBox([self.layers_note, self.layers]),
        ], titles=("Incidents per year", "Targets", "Strategy costs per year",
                   "Strategies run together"))
        self.title = widgets.HTML(self._title_html(sc, self._description()))
        parts = [self.title, self.downtime_cost, self.data_cost, inputs, self.recommendation,
                 self.break_even, self.misses, self.bar_chart, self.cost_chart]
        if self.table is not None:
            parts.append(self.table)
        parts += [self.message, assumptions(DR_ASSUMPTIONS)]
        self.widget = widgets.VBox(parts)

    def _strategy_controls(self, sc: Scenario) -> None:
        """A running-cost box per strategy (the catalogue's and the scenario's own) and
        the strategies to run together; rebuilt when the scenario's strategies differ."""
        strategies = load_strategies(costs=sc.strategy_costs, custom=sc.custom_strategies)
        names = {s.id: f"{s.label}{' (yours)' if s.custom else ''} ({sc.currency}/year)" for s in strategies}
        if list(names) != list(self.costs):
            self.costs = {s.id: widgets.Text(
                value=_amount(s.annual_cost), description=names[s.id], continuous_update=False,
                layout=dict(WIDE), style=LABEL_STYLE) for s in strategies}
            for w in self.costs.values():
                w.add_class("hadr-strategy-cost")
                w.observe(partial(self._moved, "strategy_costs"), names="value")
            self.costs_box.children = tuple(self.costs.values())
            with self.hold():  # emptied only to take the new options: not a what-if
                self.layers.value = ()
                self.layers.options = [(s.label, s.id) for s in strategies]
        for s in strategies:
            self.costs[s.id].value = _amount(s.annual_cost)
            self.costs[s.id].description = names[s.id]
        self.layers.value = self._layer_ids(sc)

    @staticmethod
    def _data_unit(sc: Scenario) -> str:
        return "/record" if sc.data_unit == "records" else "/GB"

    @staticmethod
    def _data_label(sc: Scenario) -> str:
        return "Cost of a lost record" if sc.data_unit == "records" else "Cost of a lost GB"

    def _description(self) -> str:
        """The scenario's description; on a workspace, marked as the original text once
        the figures it was written for have changed."""
        return self.ws.description() if self.workspace is not None else self.base.description

    @staticmethod
    def _title_html(sc: Scenario, description: str) -> str:
        return f"<h3>{html.escape(sc.name)}</h3><p><small>{html.escape(description)}</small></p>"

    @staticmethod
    def _layer_ids(sc: Scenario) -> tuple[str, ...]:
        """The first layered combination of the scenario (the one the panel edits)."""
        return tuple(sc.layered_strategies[0]) if sc.layered_strategies else ()

    def _value(self, name: str):
        if name == "layered_strategies":
            ids = tuple(self.layers.value)
            if len(ids) == 1 or len(ids) > 4:
                raise ValueError(f"run together: pick 2 to 4 strategies, not {len(ids)}")
            rest = tuple(self.base.layered_strategies[1:])  # others from the file stay
            return ((ids,) if ids else ()) + rest
        if name == "incidents_per_year":
            return {d: float(w.value) for d, w in self.incidents.items()}
        if name == "strategy_costs":
            return {k: parse_money(w.value, f"running cost of {w.description.rsplit(' (', 1)[0]}", high=1e9)
                    for k, w in self.costs.items()}
        return float({"downtime_cost_per_hour": self.downtime_cost, "data_cost_per_unit": self.data_cost,
                      "rto_target_h": self.rto, "rpo_target_h": self.rpo}[name].value)

    def _moved(self, name: str, change=None) -> None:
        """A control moved: that one figure (and only it) becomes the scenario's."""
        if self._holding:
            return
        try:
            value = self._value(name)
            if self.workspace is not None:
                self.workspace.what_if(origin=self, **{name: value})
                self.base = self.ws.scenario
                self.title.value = self._title_html(self.base, self._description())
            else:
                self.base = self.base.replace(**{name: value})
        except Exception as exc:  # e.g. a cost out of range: shown, never lost
            self.message.value = f"Could not use that value: {html.escape(str(exc))}"
            return
        if name == "strategy_costs":  # read back with separators: 130000 -> 130,000
            with self.hold():
                for k, w in self.costs.items():
                    w.value = _amount(value[k])
        self.update()

    def set_scenario(self, scenario) -> None:
        """Show another scenario: every control takes its values, then one update."""
        self.base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        with self.hold():
            self._show(self.base)
        self.update()

    def from_workspace(self, change) -> None:
        if change.scenario:
            self.base = self.ws.scenario
            self._show(self.base)

    def _show(self, sc: Scenario) -> None:
        money = partial(format_money, currency=sc.currency)
        set_snapped(self.downtime_cost, sc.downtime_cost_per_hour, *_DOWNTIME,
                    lambda v: money(v) + "/h")
        self.data_cost.description = self._data_label(sc)
        unit = self._data_unit(sc)
        set_snapped(self.data_cost, sc.data_cost_per_unit, *_DATA, lambda v: money(v) + unit)
        for d, w in self.incidents.items():
            w.max = max(20.0, sc.incidents_per_year[d])
            w.value = sc.incidents_per_year[d]
        set_hours(self.rto, sc.rto_target_h, *_RTO)
        set_hours(self.rpo, sc.rpo_target_h, *_RPO)
        self._strategy_controls(sc)
        self.title.value = self._title_html(sc, self._description())

    def scenario(self) -> Scenario:
        """The scenario the panel shows, what-ifs included."""
        return self.base

    def refresh(self) -> None:
        sc = self.scenario()
        table = strategy_table(sc)
        rec, _ = recommend(table)
        self.recommendation.value = status_html(
            "green" if rec else "red", html.escape(recommendation_sentence(sc, table)))
        disagree = domain_rate_sentence(sc)
        self.break_even.value = f"<p>{html.escape(break_even_sentence(sc, table))}</p>" + (
            f"<p class='hadr-domain-rates'>{html.escape(disagree)}</p>" if disagree else "")
        why = shortfalls(sc)
        labels = dict(zip(table["strategy"], table["label"]))
        items = "".join(
            f"<li><b>{html.escape(labels[sid])}</b>: {html.escape('; '.join(phrases))}</li>"
            for sid, phrases in why.items() if phrases)
        self.misses.value = (f"<details><summary>Why the others miss your targets</summary>"
                             f"<ul style='font-size:0.92em'>{items}</ul></details>" if items else "")
        update_figure(self.bar_chart, dr_bar_spec(sc, table))
        update_figure(self.cost_chart, dr_cost_spec(cost_sweep(sc)))
        if self.table is not None:
            self.table.value = TABLE_CSS + format_strategy_table(sc, table).to_html(
                index=False, border=0, classes="hadr-table")


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "dr", "DR strategy",
    lambda ctx: DRStrategyPanel(compact=True, workspace=ctx.workspace),
    ready=".hadr-recommendation",
    about="DR strategies in money a year, the recommendation and its break-even",
)
