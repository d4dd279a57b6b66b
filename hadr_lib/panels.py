"""Widget panels: controls wired to the pure functions, figures updated in place.

Each panel makes its widgets once; every control observes ``value`` and funnels
into one ``update`` method that reads all values and calls the library. Errors
in a callback are shown in the panel (never swallowed, never a traceback).
"""

from __future__ import annotations

import html
from numbers import Real

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .architecture_file import load_architecture, reference_architectures
from .availability import DAYS_PER_YEAR, InvalidInputError, check_availability, period_info
from .backup import ASSUMPTIONS as BACKUP_ASSUMPTIONS
from .backup import BackupPlan, describe_backups, plan_backups
from .budget import (
    BUDGET_PERIODS,
    TARGET_PRESETS,
    budget_summary,
    downtime_table,
    format_downtime_table,
    target_summary,
)
from .catalog import SLA_DISCLAIMER
from .dr import (
    format_strategy_table,
    load_strategies,
    recommend,
    recommendation_sentence,
    strategy_table,
)
from .drills import DRILLS, drill_stages, run_drill
from .failover import FAILOVER_PRESETS, detection, dns, failover_seconds, failover_summary
from .formatting import format_duration, format_percent
from .model import Architecture
from .overview import overview
from .plots import (
    annual_downtime_figure,
    block_diagram_figure,
    downtime_vs_nines_figure,
    dr_bar_figure,
    dr_cost_figure,
    drill_figure,
    failover_gantt_figure,
    importance_figure,
    restore_timeline_figure,
    sla_by_month_figure,
    slo_budget_figure,
    tornado_figure,
)
from .scenario import DISRUPTIONS, Scenario, load_scenario, reference_scenarios
from .simulation import simulate
from .slo import SLO_WINDOWS_DAYS, burn_rate_alerts, parse_window, slo_plan
from .verdict import improvement_advice, target_verdict

__all__ = [
    "ArchitectureAppPanel",
    "ArchitecturePanel",
    "BackupPanel",
    "DRStrategyPanel",
    "DrillPanel",
    "FailoverPanel",
    "SimulationPanel",
    "OverviewPanel",
    "SloPanel",
    "DowntimeBudgetPanel",
    "app_panel",
    "update_figure",
]

_PERIOD_LABELS = {
    "year": "year", "quarter": "quarter", "month": "month (1/12 year)",
    "month30": "month (30 days)", "week": "week", "day": "day",
}

ASSUMPTIONS = (
    "Downtime is counted over a 365.25-day year; a month is 1/12 of it (30.44 days) "
    "unless you pick the 30-day month. " + SLA_DISCLAIMER
)

MODEL_ASSUMPTIONS = (
    "Failures are independent except inside common-cause groups; each component has "
    "its own repair crew; active-active groups and quorums switch over instantly, and "
    "standbys take their stated failover time. " + SLA_DISCLAIMER
)

_STATUS = {"green": "#2ca02c", "amber": "#ff9f1c", "red": "#d62728"}
_STATUS_BG = {"green": "#eaf6ea", "amber": "#fff4e0", "red": "#fdeaea"}


_TABLE_CSS = ("<style>.hadr-table td, .hadr-table th {padding: 4px 14px; text-align: right}"
              ".hadr-table {border-collapse: collapse}</style>")


def update_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Copy a freshly built figure's traces and layout into a live FigureWidget."""
    with widget.batch_update():
        for live, new in zip(widget.data, figure.data):
            live.update(new.to_plotly_json(), overwrite=True)
        widget.layout.update(figure.layout.to_plotly_json(), overwrite=True)


def _target_options(target: float) -> list[tuple[str, float]]:
    values = sorted(set(TARGET_PRESETS) | {float(target)})
    return [(format_percent(v), v) for v in values]


def _error_html(exc: Exception) -> str:
    return ("<div class='hadr-error' style='color:#a00'>Could not update: "
            f"{html.escape(str(exc))}</div>")


class DowntimeBudgetPanel:
    """A target in, the downtime it allows out; and a downtime budget in, the
    availability it needs out.

    Parameters
    ----------
    target : float
        Target availability [fraction], e.g. 0.9995.
    period : str
        Period for the headline and the chart (``year``, ``month``, ...).
    budget_minutes : float
        A downtime budget [min] per ``budget_period`` for the inverse question.
    year_days : float
        Days in a year [days]; 365.25 by default.
    """

    def __init__(self, target: float = 0.9995, period: str = "month", *,
                 budget_minutes: float = 30.0, budget_period: str = "month",
                 year_days: float = DAYS_PER_YEAR, compact: bool = False):
        # Validate once, at the edge, naming the parameters as the caller wrote them.
        period_info("year", year_days=year_days)
        self.year_days = year_days
        target = check_availability(target, "target")
        period_info(period, year_days=year_days, field="period")
        budget_span = period_info(budget_period, year_days=year_days, field="budget_period")
        if not (isinstance(budget_minutes, Real) and 0 <= budget_minutes <= budget_span.seconds / 60):
            raise InvalidInputError(
                f"budget_minutes: {budget_minutes!r} is not in [0, {budget_span.seconds / 60:g}] "
                f"minutes per {budget_period} ({budget_span.basis})")

        period_options = [(_PERIOD_LABELS[p], p) for p in (*BUDGET_PERIODS, "month30")]
        self.target = widgets.SelectionSlider(
            options=_target_options(target), value=float(target),
            description="Target", continuous_update=True,
            layout={"width": "520px"}, style={"description_width": "70px"},
        )
        self.target.add_class("hadr-target")
        self.period = widgets.Dropdown(options=period_options, value=period,
                                       description="Period",
                                       style={"description_width": "70px"})
        self.headline = widgets.HTML()
        self.headline.add_class("hadr-headline")
        self.table = widgets.HTML()
        self.figure = go.FigureWidget(
            downtime_vs_nines_figure(period, target, year_days=year_days))
        self.budget = widgets.BoundedFloatText(
            value=budget_minutes, min=0.0, max=366 * 24 * 60.0, step=1.0,
            description="Budget (min)", style={"description_width": "90px"})
        self.budget_period = widgets.Dropdown(options=period_options, value=budget_period,
                                              description="per",
                                              style={"description_width": "30px"})
        self.required = widgets.HTML()
        self.required.add_class("hadr-required")
        self.message = widgets.HTML()
        for control in (self.target, self.period, self.budget, self.budget_period):
            control.observe(self.update, names="value")
        self.update()

        inverse = widgets.VBox([
            widgets.HTML("<b>The other way round:</b> how much downtime can you "
                         "afford, and what availability does that need?"),
            widgets.HBox([self.budget, self.budget_period]),
            self.required,
        ])
        parts = [self.target, self.period, self.headline, self.table, self.figure]
        if not compact:
            parts.append(inverse)
        parts += [self.message, widgets.HTML(f"<small>{ASSUMPTIONS}</small>")]
        self.widget = widgets.VBox(parts)

    def update(self, change=None) -> None:
        """Read every control, recompute, and update the widgets in place."""
        try:
            target, period = self.target.value, self.period.value
            kw = {"year_days": self.year_days}
            self.headline.value = f"<p style='font-size:1.2em'>{target_summary(target, period, **kw)}</p>"
            table = format_downtime_table(downtime_table([target], **kw))
            self.table.value = _TABLE_CSS + table.drop(columns="nines").to_html(
                border=0, classes="hadr-table")
            update_figure(self.figure, downtime_vs_nines_figure(period, target, **kw))
            self.required.value = budget_summary(
                float(self.budget.value) * 60, self.budget_period.value, **kw)
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class _LazyTabs:
    """Tabs whose panels are built the first time they are shown, so a new session
    starts with the overview alone (each figure widget costs the browser and the
    kernel at start-up, and ten sessions at once are ten times that)."""

    def __init__(self, titles, builders, first):
        self.builders = builders
        self.built: dict[str, object] = {}
        self.names = list(builders)
        self.tab = widgets.Tab(children=[first.widget] + [
            widgets.VBox([widgets.HTML("<p>Loading…</p>")]) for _ in self.names[1:]])
        for i, title in enumerate(titles):
            self.tab.set_title(i, title)
        self.built[self.names[0]] = first
        self.tab.observe(self._selected, names="selected_index")

    def _selected(self, change) -> None:
        index = change["new"]
        if index is not None:
            self.panel(self.names[index])

    def panel(self, name: str):
        """The panel called ``name``, built now if it was not yet."""
        if name not in self.built:
            i = self.names.index(name)
            try:
                built = self.builders[name]()
                self.built[name] = built
                self.tab.children[i].children = (built.widget,)
            except Exception as exc:  # shown in the tab, never lost
                self.tab.children[i].children = (widgets.HTML(_error_html(exc)),)
                raise
        return self.built[name]


def app_panel(target: float = 0.9995, period: str = "month", *,
              architecture: str = "multi_az_postgres", scenario: str = "ecommerce_shop",
              year_days: float = DAYS_PER_YEAR) -> widgets.Widget:
    """The managers' app: a title and tabs (overview, downtime budget, architecture,
    DR strategy, backup, SLO, failover drills), each built when first shown. The overview's scenario
    picker drives the DR strategy tab. ``box.panel(name)`` gives a tab's panel."""
    # Check every parameter now, not when a tab is first opened.
    period_info(period, year_days=year_days, field="period")
    if architecture not in reference_architectures():
        raise InvalidInputError(
            f"architecture: {architecture!r} is not a reference architecture; use one of "
            f"{', '.join(reference_architectures())}")

    def set_dr_scenario(name):
        if "dr" in tabs.built:
            tabs.built["dr"].set_scenario(name)

    front = OverviewPanel(scenario, target, on_scenario=set_dr_scenario)
    builders = {
        "overview": lambda: front,
        "budget": lambda: DowntimeBudgetPanel(target, period, year_days=year_days, compact=True),
        "architecture": lambda: ArchitectureAppPanel(architecture, target, year_days=year_days),
        "dr": lambda: DRStrategyPanel(front.scenario.value, compact=True),
        "backup": lambda: BackupPanel(),
        "slo": lambda: SloPanel(architecture, target, choose_architecture=True),
        "drills": lambda: DrillPanel(),
    }
    tabs = _LazyTabs(("Overview", "Downtime budget", "Architecture", "DR strategy", "Backup", "SLO",
                      "Drills"),
                     builders, front)
    title = widgets.HTML(
        "<h1>HA/DR workbook</h1><p>How available is the design, what does downtime cost, "
        "and which disaster-recovery strategy pays for itself?</p>")
    box = widgets.VBox([title, tabs.tab])
    box.panel = tabs.panel
    return box


# --------------------------------------------------------------------------- architectures

_NINES = {"min": 1.0, "max": 7.0, "step": 0.01}


def _nines_of(q: float) -> float:
    return float(np.clip(-np.log10(q), _NINES["min"], _NINES["max"])) if q > 0 else _NINES["max"]


def _availability_from_nines(n: float) -> float:
    return 1.0 - 10.0 ** -float(n)


class ArchitecturePanel:
    """An architecture with a control per component (availability as nines, or
    MTBF and MTTR; replica count) and per common-cause group (beta); live
    availability, downtime, block diagram, importance and tornado charts.

    Parameters
    ----------
    architecture : str or Architecture
        A reference architecture name (``data/architectures``), a YAML path, or a model.
    target : float
        Target availability [fraction] for the verdict.
    """

    def __init__(self, architecture="multi_az_postgres", target: float = 0.9995, *,
                 year_days: float = DAYS_PER_YEAR):
        self.base = (architecture if isinstance(architecture, Architecture)
                     else load_architecture(architecture))
        self.target = check_availability(target, "target")
        period_info("year", year_days=year_days)
        self.year_days = year_days
        self.controls: dict[tuple[str, str], widgets.Widget] = {}
        rows = []
        for comp in self.base.components:
            row = [widgets.HTML(f"<b>{html.escape(comp.name)}</b>",
                                layout={"width": "190px"})]
            if comp.mtbf_h is None:
                w = widgets.FloatSlider(value=_nines_of(comp.replica_unavailability),
                                        description="nines", readout_format=".2f",
                                        continuous_update=False, **_NINES)
                self.controls[(comp.name, "nines")] = w
                row.append(w)
            else:
                mtbf = widgets.FloatLogSlider(value=comp.mtbf_h, base=10, min=0, max=6,
                                              step=0.05, description="MTBF (h)",
                                              continuous_update=False)
                mttr = widgets.FloatLogSlider(value=max(comp.mttr_h, 0.01), base=10, min=-2,
                                              max=3, step=0.05, description="MTTR (h)",
                                              continuous_update=False)
                self.controls[(comp.name, "mtbf_h")] = mtbf
                self.controls[(comp.name, "mttr_h")] = mttr
                row += [mtbf, mttr]
            count = widgets.BoundedIntText(value=comp.count, min=1, max=9, description="count",
                                           layout={"width": "140px"})
            self.controls[(comp.name, "count")] = count
            row.append(count)
            rows.append(widgets.HBox(row))
        for i, group in enumerate(self.base.groups):
            w = widgets.FloatSlider(value=group.beta, min=0.0, max=1.0, step=0.005,
                                    description="beta", readout_format=".3f",
                                    continuous_update=False)
            self.controls[(f"group {i}", "beta")] = w
            label = group.name or f"common-cause group {i + 1}"
            rows.append(widgets.HBox([widgets.HTML(f"<b>{html.escape(label)}</b>",
                                                   layout={"width": "190px"}), w]))
        self.headline = widgets.HTML()
        self.headline.add_class("hadr-architecture-headline")
        self.message = widgets.HTML()
        imp = self.base.importance(year_days=year_days)
        self.diagram = go.FigureWidget(block_diagram_figure(self.base, imp))
        self.importance_chart = go.FigureWidget(importance_figure(imp))
        self.tornado = go.FigureWidget(tornado_figure(self.base.sensitivity(), year_days))
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.model = self.base
        self.update()
        self.widget = widgets.VBox([
            widgets.HTML(f"<h3>{html.escape(self.base.name)}</h3>"
                         f"<p>{html.escape(self.base.description)}</p>"),
            widgets.Accordion(children=[widgets.VBox(rows)], titles=("Components",)),
            self.headline, self.diagram, self.importance_chart, self.tornado, self.message,
            widgets.HTML(f"<small>{MODEL_ASSUMPTIONS}</small>"),
        ])

    def current_model(self) -> Architecture:
        """The base model with the values the controls now hold."""
        changes: dict[str, dict] = {}
        betas = {}
        for (owner, field_), w in self.controls.items():
            if field_ == "beta":
                betas[int(owner.split()[1])] = float(w.value)
                continue
            fields = changes.setdefault(owner, {})
            if field_ == "nines":
                fields["availability"] = _availability_from_nines(w.value)
            else:
                fields[field_] = int(w.value) if field_ == "count" else float(w.value)
        # Untouched components keep their typed figures exactly.
        for comp in self.base.components:
            f = changes[comp.name]
            if "availability" in f and abs(_nines_of(comp.replica_unavailability) -
                                           self.controls[(comp.name, "nines")].value) < 1e-9:
                del f["availability"]
            if "mtbf_h" in f and f["mtbf_h"] == comp.mtbf_h:
                del f["mtbf_h"]
            if "mttr_h" in f and abs(f["mttr_h"] - max(comp.mttr_h, 0.01)) < 1e-12:
                del f["mttr_h"]
        return self.base.with_changes(changes, betas)

    def update(self, change=None) -> None:
        """Read every control, re-evaluate, and update the figures in place."""
        try:
            self.model = model = self.current_model()
            e = model.evaluate(year_days=self.year_days)
            imp = model.importance(year_days=self.year_days)
            status, sentence = target_verdict(e.availability, self.target, model.name)
            outages = ("" if e.outages_per_year is None else
                       f"; about {e.outages_per_year:.2g} outages a year lasting "
                       f"{format_duration(e.mean_outage_s)} on average")
            self.headline.value = (
                f"<div style='font-size:1.15em;border-left:6px solid {_STATUS[status]};"
                f"padding-left:8px'><b>{format_percent(e.availability)}</b> "
                f"({e.nines:.2f} nines): {format_duration(e.downtime_per_year_s)} of downtime "
                f"a year, {format_duration(e.downtime_per_month_s)} a month{outages}."
                f"<br>{html.escape(sentence)}</div>")
            update_figure(self.diagram, block_diagram_figure(model, imp))
            update_figure(self.importance_chart, importance_figure(imp))
            update_figure(self.tornado, tornado_figure(model.sensitivity(), self.year_days))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class ArchitectureAppPanel:
    """For managers: pick a reference architecture and a target; see the verdict
    and the top three things to improve, in plain words."""

    def __init__(self, architecture: str = "multi_az_postgres", target: float = 0.9995, *,
                 year_days: float = DAYS_PER_YEAR):
        refs = reference_architectures()
        if architecture not in refs:
            raise InvalidInputError(
                f"architecture: {architecture!r} is not a reference architecture; use one of "
                f"{', '.join(refs)}")
        check_availability(target, "target")
        self.year_days = year_days
        self.models = {name: load_architecture(path) for name, path in refs.items()}
        self.choice = widgets.Dropdown(
            options=[(m.name, key) for key, m in self.models.items()], value=architecture,
            description="Design", style={"description_width": "70px"}, layout={"width": "520px"})
        self.target = widgets.SelectionSlider(
            options=_target_options(target), value=float(target), description="Target",
            continuous_update=True, layout={"width": "520px"},
            style={"description_width": "70px"})
        self.target.add_class("hadr-architecture-target")
        self.verdict = widgets.HTML()
        self.verdict.add_class("hadr-verdict")
        self.advice = widgets.HTML()
        self.advice.add_class("hadr-advice")
        self.description = widgets.HTML()
        self.message = widgets.HTML()
        for control in (self.choice, self.target):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.choice, self.target, self.verdict, self.advice,
                                    self.description, self.message,
                                    widgets.HTML(f"<small>{MODEL_ASSUMPTIONS}</small>")])

    def update(self, change=None) -> None:
        try:
            model = self.models[self.choice.value]
            e = model.evaluate(year_days=self.year_days)
            status, sentence = target_verdict(e.availability, self.target.value, model.name)
            self.verdict.value = (
                f"<div class='hadr-status-{status}' style='font-size:1.2em;padding:8px;"
                f"background:{_STATUS_BG[status]};border-left:8px solid {_STATUS[status]}'>"
                f"{html.escape(sentence)} That is {format_duration(e.downtime_per_year_s)} "
                f"of downtime a year.</div>")
            items = "".join(f"<li>{html.escape(s)}</li>" for s in
                            improvement_advice(model.importance(year_days=self.year_days,
                                                                include_groups=True)))
            self.advice.value = f"<p><b>What to improve first</b></p><ol>{items}</ol>"
            self.description.value = f"<p><small>{html.escape(model.description)}</small></p>"
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)


# --------------------------------------------------------------------------- DR planning


def _log_slider(value, low, high, description, step=0.05, width="520px"):
    return widgets.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high),
                                  step=step, description=description, continuous_update=False,
                                  readout_format=",.4g", layout={"width": width},
                                  style={"description_width": "190px"})


class DRStrategyPanel:
    """For managers: downtime cost, data cost, incident rates, targets and strategy
    costs in; total cost per strategy, break-even points and a recommendation out.

    Parameters
    ----------
    scenario : str or Scenario
        A scenario name (``data/scenarios``), a YAML path, or a ``Scenario``.
    """

    def __init__(self, scenario="ecommerce_shop", *, compact: bool = False):
        self.base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        sc = self.base
        unit = "record" if sc.data_unit == "records" else "GB"
        self.downtime_cost = _log_slider(max(sc.downtime_cost_per_hour, 100), 100, 1e7,
                                         f"Downtime cost ({sc.currency}/h)")
        self.downtime_cost.add_class("hadr-downtime-cost")
        self.data_cost = _log_slider(max(sc.data_cost_per_unit, 0.01), 0.01, 1e6,
                                     f"Lost data ({sc.currency}/{unit})")
        self.incidents = {d: widgets.FloatSlider(
            value=sc.incidents_per_year[d], min=0, max=max(20.0, sc.incidents_per_year[d]),
            step=0.05, description=f"{d.replace('_', ' ')} incidents/year",
            continuous_update=False, layout={"width": "520px"},
            style={"description_width": "190px"}) for d in DISRUPTIONS}
        self.rto = _log_slider(sc.rto_target_h, 0.001, 168, "RTO target (hours)")
        self.rpo = _log_slider(max(sc.rpo_target_h, 1e-4), 1e-4, 168, "RPO target (hours)")
        strategies = load_strategies(costs=sc.strategy_costs)
        self.costs = {s.id: widgets.BoundedFloatText(
            value=s.annual_cost, min=0, max=1e9, step=1000, description=s.label,
            layout={"width": "520px"}, style={"description_width": "300px"}) for s in strategies}
        self.recommendation = widgets.HTML()
        self.recommendation.add_class("hadr-recommendation")
        self.table = widgets.HTML()
        self.message = widgets.HTML()
        current = self.scenario()
        self.cost_chart = go.FigureWidget(dr_cost_figure(current))
        self.bar_chart = go.FigureWidget(dr_bar_figure(current, strategy_table(current)))
        controls = [self.downtime_cost, self.data_cost, *self.incidents.values(), self.rto,
                    self.rpo, *self.costs.values()]
        for control in controls:
            control.observe(self.update, names="value")
        self.update()
        inputs = widgets.Accordion(children=[
            widgets.VBox([*self.incidents.values()]),
            widgets.VBox([self.rto, self.rpo]),
            widgets.VBox(list(self.costs.values())),
        ], titles=("Incidents per year", "Targets", "Strategy costs per year"))
        self.title = widgets.HTML(f"<h3>{html.escape(sc.name)}</h3><p><small>"
                                  f"{html.escape(sc.description)}</small></p>")
        parts = [self.title, self.downtime_cost, self.data_cost, inputs, self.recommendation,
                 self.bar_chart, self.cost_chart]
        if not compact:
            parts.append(self.table)
        parts += [self.message, widgets.HTML(f"<small>{DR_ASSUMPTIONS}</small>")]
        self.widget = widgets.VBox(parts)

    def set_scenario(self, scenario) -> None:
        """Show another scenario: every control takes its values, then one update."""
        self.base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        sc = self.base
        self._holding = True
        try:
            self.downtime_cost.value = max(sc.downtime_cost_per_hour, 100)
            self.data_cost.value = max(sc.data_cost_per_unit, 0.01)
            for d, w in self.incidents.items():
                w.max = max(20.0, sc.incidents_per_year[d])
                w.value = sc.incidents_per_year[d]
            self.rto.value = sc.rto_target_h
            self.rpo.value = max(sc.rpo_target_h, 1e-4)
            for s in load_strategies(costs=sc.strategy_costs):
                self.costs[s.id].value = s.annual_cost
            self.title.value = (f"<h3>{html.escape(sc.name)}</h3><p><small>"
                                f"{html.escape(sc.description)}</small></p>")
        finally:
            self._holding = False
        self.update()

    def scenario(self) -> Scenario:
        """The base scenario with the values the controls hold."""
        return self.base.replace(
            downtime_cost_per_hour=float(self.downtime_cost.value),
            data_cost_per_unit=float(self.data_cost.value),
            incidents_per_year={d: float(w.value) for d, w in self.incidents.items()},
            rto_target_h=float(self.rto.value), rpo_target_h=float(self.rpo.value),
            strategy_costs={k: float(w.value) for k, w in self.costs.items()})

    def update(self, change=None) -> None:
        if getattr(self, "_holding", False):
            return  # set_scenario changes many controls and updates once
        try:
            sc = self.scenario()
            table = strategy_table(sc)
            rec, _ = recommend(table)
            status = "green" if rec else "red"
            self.recommendation.value = (
                f"<div class='hadr-status-{status}' style='font-size:1.15em;padding:8px;"
                f"background:{_STATUS_BG[status]};border-left:8px solid {_STATUS[status]}'>"
                f"{html.escape(recommendation_sentence(sc, table))}</div>")
            update_figure(self.bar_chart, dr_bar_figure(sc, table))
            update_figure(self.cost_chart, dr_cost_figure(sc))
            self.table.value = _TABLE_CSS + format_strategy_table(sc, table).to_html(
                index=False, border=0, classes="hadr-table")
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


DR_ASSUMPTIONS = (
    "Expected annual loss = sum over disruption types of incidents per year x (outage "
    "hours x downtime cost + data lost x its cost). A strategy that does not cover a "
    "disruption (replication copies a corrupted table faithfully) recovers by the "
    "scenario's fallback (72 h and 24 h of data by default). Strategy costs are "
    "illustrative until you enter yours.")


class BackupPanel:
    """A backup schedule in; storage, monthly cost, RPO, restore timeline and
    warnings out. Keyword arguments are ``BackupPlan`` fields."""

    def __init__(self, **plan):
        self.base = BackupPlan(**{"data_gb": 1000.0, "daily_change": 0.05, **plan})
        b = self.base
        style = {"description_width": "190px"}
        wide = {"width": "520px"}
        self.controls = {
            "data_gb": _log_slider(b.data_gb, 1, 1e6, "Data (GB)"),
            "daily_change": widgets.FloatSlider(value=b.daily_change, min=0, max=1, step=0.005,
                                                description="Changed per day (fraction)",
                                                continuous_update=False, layout=wide, style=style),
            "full_every_days": widgets.FloatSlider(value=b.full_every_days, min=1, max=35, step=1,
                                                   description="Full backup every (days)",
                                                   continuous_update=False, layout=wide, style=style),
            "incremental_every_h": widgets.FloatSlider(
                value=b.incremental_every_h or 24, min=1, max=168, step=1,
                description="Then every (hours)", continuous_update=False, layout=wide, style=style),
            "mode": widgets.Dropdown(options=["incremental", "differential"], value=b.mode,
                                     description="Kind", style=style),
            "log_shipping": widgets.Checkbox(value=b.log_shipping_every_s is not None,
                                             description="Ship logs (point-in-time recovery)"),
            "log_shipping_every_s": _log_slider(b.log_shipping_every_s or 300, 1, 86400,
                                                "Log segment every (s)"),
            "retention_days": widgets.FloatSlider(value=b.retention_days, min=1, max=400, step=1,
                                                  description="Keep backups (days)",
                                                  continuous_update=False, layout=wide, style=style),
            "restore_gb_per_h": _log_slider(b.restore_gb_per_h, 1, 1e5, "Restore rate (GB/h)"),
            "backup_gb_per_h": _log_slider(b.backup_gb_per_h, 1, 1e5, "Backup rate (GB/h)"),
            "cross_region_copy": widgets.Checkbox(value=b.cross_region_copy,
                                                  description="Copy to another region"),
            "copy_lag_h": widgets.FloatSlider(value=b.copy_lag_h, min=0, max=24, step=0.25,
                                              description="Copy lag (hours)",
                                              continuous_update=False, layout=wide, style=style),
            "price_per_gb_month": _log_slider(max(b.price_per_gb_month, 1e-4), 1e-4, 1,
                                              "Price per GB-month"),
            "rto_h": _log_slider(b.rto_h or 8, 0.01, 168, "RTO target (hours)"),
            "rpo_h": _log_slider(b.rpo_h or 24, 1e-3, 168, "RPO target (hours)"),
        }
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-backup-summary")
        self.warnings = widgets.HTML()
        self.message = widgets.HTML()
        self.result = plan_backups(self.plan())
        self.chart = go.FigureWidget(restore_timeline_figure(self.result))
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([*self.controls.values(), self.summary, self.warnings,
                                    self.chart, self.message,
                                    widgets.HTML(f"<small>{BACKUP_ASSUMPTIONS}</small>")])

    def plan(self) -> BackupPlan:
        v = {k: w.value for k, w in self.controls.items()}
        return BackupPlan(
            data_gb=float(v["data_gb"]), daily_change=float(v["daily_change"]),
            full_every_days=float(v["full_every_days"]),
            incremental_every_h=float(v["incremental_every_h"]), mode=v["mode"],
            log_shipping_every_s=float(v["log_shipping_every_s"]) if v["log_shipping"] else None,
            retention_days=float(v["retention_days"]), backup_gb_per_h=float(v["backup_gb_per_h"]),
            restore_gb_per_h=float(v["restore_gb_per_h"]),
            log_replay_gb_per_h=self.base.log_replay_gb_per_h,
            cross_region_copy=bool(v["cross_region_copy"]), copy_lag_h=float(v["copy_lag_h"]),
            price_per_gb_month=float(v["price_per_gb_month"]), rto_h=float(v["rto_h"]),
            rpo_h=float(v["rpo_h"]))

    def update(self, change=None) -> None:
        try:
            r = self.result = plan_backups(self.plan())
            self.summary.value = ("<p style='font-size:1.1em'>" +
                                  "<br>".join(html.escape(x) for x in describe_backups(r)) + "</p>")
            items = "".join(f"<li>{html.escape(w)}</li>" for w in r.warnings)
            self.warnings.value = f"<ul style='color:#a60'>{items}</ul>" if items else ""
            update_figure(self.chart, restore_timeline_figure(r))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class FailoverPanel:
    """A failover timeline: pick a preset, or tune Route 53's health checks and
    TTL; best, typical and worst recovery time against an RTO, and a Gantt chart."""

    def __init__(self, preset: str = "route53_region_failover", rto_s: float = 300.0):
        failover_seconds(preset)  # validates the name
        style = {"description_width": "190px"}
        self.preset = widgets.Dropdown(options=list(FAILOVER_PRESETS), value=preset,
                                       description="Failure", style=style)
        self.interval = widgets.ToggleButtons(options=[10, 30], value=30,
                                              description="Check every (s)", style=style)
        self.threshold = widgets.IntSlider(value=3, min=1, max=10, description="Failure threshold",
                                           style=style, continuous_update=False)
        self.ttl = widgets.FloatSlider(value=60, min=0, max=600, step=5, description="DNS TTL (s)",
                                       style=style, continuous_update=False)
        self.client_cache = widgets.FloatSlider(value=0, min=0, max=600, step=5,
                                                description="Client DNS cache (s)", style=style,
                                                continuous_update=False)
        self.rto = widgets.FloatSlider(value=rto_s, min=10, max=3600, step=10,
                                       description="RTO target (s)", style=style,
                                       continuous_update=False)
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-failover-summary")
        self.message = widgets.HTML()
        self.chart = go.FigureWidget(failover_gantt_figure(self.stages(), preset))
        for control in (self.preset, self.interval, self.threshold, self.ttl, self.client_cache,
                        self.rto):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.preset, self.interval, self.threshold, self.ttl,
                                    self.client_cache, self.rto, self.summary, self.chart,
                                    self.message])

    def stages(self):
        """The preset's stages; Route 53's detection and DNS stages follow the controls."""
        if self.preset.value != "route53_region_failover":
            return FAILOVER_PRESETS[self.preset.value]
        warm = FAILOVER_PRESETS["route53_region_failover"][-1]
        return (detection(self.interval.value, self.threshold.value, 6,
                          name=f"Route 53 health checks ({self.interval.value} s, threshold "
                               f"{self.threshold.value})"),
                dns(self.ttl.value, self.client_cache.value), warm)

    def update(self, change=None) -> None:
        try:
            route53 = self.preset.value == "route53_region_failover"
            for w in (self.interval, self.threshold, self.ttl, self.client_cache):
                w.disabled = not route53
            stages = self.stages()
            self.summary.value = (f"<p style='font-size:1.1em'>"
                                  f"{html.escape(failover_summary(stages, self.rto.value))}</p>")
            update_figure(self.chart, failover_gantt_figure(stages, self.preset.value))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------- drills and simulation


class DrillPanel:
    """A failover drill: pick the failure (the source article's three chaos tests),
    tune health checks and DNS TTL where they apply, and see the spread of recovery
    times against the RTO."""

    _DEFAULT_CHECKS = {"kill_instance": (30, 2), "lose_region": (30, 3)}

    def __init__(self, drill: str = "lose_region", rto_s: float | None = None, *,
                 runs: int = 5000, seed: int = 0):
        if drill not in DRILLS:
            raise InvalidInputError(f"drill: {drill!r} is not a drill; use one of {', '.join(DRILLS)}")
        self.runs, self.seed = runs, seed
        self._designs: dict[str, Architecture] = {}
        style = {"description_width": "190px"}
        self.drill = widgets.Dropdown(options=[(d.title, k) for k, d in DRILLS.items()], value=drill,
                                      description="Failure injected", style=style)
        self.drill.add_class("hadr-drill-choice")
        self.rto = widgets.FloatSlider(value=rto_s or DRILLS[drill].rto_s, min=10, max=1800,
                                       step=10, description="RTO target (s)", style=style,
                                       continuous_update=False)
        self.interval = widgets.ToggleButtons(options=[10, 30], value=30,
                                              description="Check every (s)", style=style)
        self.threshold = widgets.IntSlider(value=self._DEFAULT_CHECKS.get(drill, (30, 3))[1], min=1,
                                           max=10, description="Failure threshold", style=style,
                                           continuous_update=False)
        self.ttl = widgets.FloatSlider(value=60, min=0, max=600, step=5, description="DNS TTL (s)",
                                       style=style, continuous_update=False)
        self.about = widgets.HTML()
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-drill-summary")
        self.message = widgets.HTML()
        self.result = run_drill(drill, runs=runs, seed=seed, rto_s=self.rto.value)
        self.chart = go.FigureWidget(drill_figure(self.result))
        self._quiet = False
        self.drill.observe(self._drill_changed, names="value")
        for control in (self.rto, self.interval, self.threshold, self.ttl):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.drill, self.about, self.rto, self.interval, self.threshold,
                                    self.ttl, self.summary, self.chart, self.message])

    def _drill_changed(self, change=None) -> None:
        key = self.drill.value
        self._quiet = True
        try:
            interval, threshold = self._DEFAULT_CHECKS.get(key, (30, 3))
            self.interval.value, self.threshold.value = interval, threshold
            self.ttl.value = 60
            self.rto.value = DRILLS[key].rto_s
        finally:
            self._quiet = False
        self.update()

    def stages(self):
        key = self.drill.value
        if key not in self._DEFAULT_CHECKS:
            return drill_stages(key)
        return drill_stages(key, interval_s=self.interval.value, threshold=self.threshold.value,
                            ttl_s=self.ttl.value if key == "lose_region" else None)

    def update(self, change=None) -> None:
        if self._quiet:
            return
        try:
            key = self.drill.value
            d = DRILLS[key]
            for w in (self.interval, self.threshold):
                w.disabled = key not in self._DEFAULT_CHECKS
            self.ttl.disabled = key != "lose_region"
            self.about.value = (f"<p>On the <b>{html.escape(d.architecture.replace('_', ' '))}</b> "
                                f"reference architecture. The source article's test "
                                f"{html.escape(d.article)}.</p>")
            if d.architecture not in self._designs:  # each file read once
                self._designs[d.architecture] = load_architecture(
                    reference_architectures()[d.architecture])
            self.result = run_drill(key, architecture=self._designs[d.architecture],
                                    stages=self.stages(), rto_s=self.rto.value,
                                    runs=self.runs, seed=self.seed)
            self.summary.value = f"<p style='font-size:1.1em'>{html.escape(self.result.sentence())}</p>"
            update_figure(self.chart, drill_figure(self.result))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class SimulationPanel:
    """Simulated years of a design: the spread of downtime per year and the chance
    of meeting an SLA month by month, as the design, SLA and repair law change."""

    def __init__(self, architecture: str = "multi_az_postgres", sla: float = 0.9995, *,
                 years: int = 10, runs: int = 2000, seed: int = 0):
        refs = reference_architectures()
        if architecture not in refs:
            raise InvalidInputError(f"architecture: {architecture!r} is not a reference "
                                    f"architecture; use one of {', '.join(refs)}")
        self.years, self.runs, self.seed = years, runs, seed
        style = {"description_width": "160px"}
        self.architecture = widgets.Dropdown(options=list(refs), value=architecture,
                                             description="Architecture", style=style)
        self.sla = widgets.Dropdown(options=_target_options(sla), value=float(sla),
                                    description="SLA per month", style=style)
        self.repair = widgets.ToggleButtons(options=["exponential", "lognormal"], value="exponential",
                                            description="Repair times", style=style)
        self._designs: dict[str, Architecture] = {}
        self.table = widgets.HTML()
        self.table.add_class("hadr-simulation-summary")
        self.message = widgets.HTML()
        self.result = self._simulate()
        self.histogram = go.FigureWidget(annual_downtime_figure(self.result))
        self.months = go.FigureWidget(sla_by_month_figure(self.result))
        for control in (self.architecture, self.sla, self.repair):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.architecture, self.sla, self.repair, self.table,
                                    self.histogram, self.months, self.message])

    def _simulate(self):
        name = self.architecture.value
        if name not in self._designs:  # each file read once, not on every SLA or repair change
            self._designs[name] = load_architecture(reference_architectures()[name])
        return simulate(self._designs[name], years=self.years, runs=self.runs, seed=self.seed,
                        sla=self.sla.value, repair=self.repair.value, workers=1, progress=False)

    def update(self, change=None) -> None:
        try:
            self.result = self._simulate()
            rows = "".join(f"<tr><th style='text-align:left'>{html.escape(f)}</th><td>{html.escape(v)}</td></tr>"
                           for f, v in self.result.summary_table(speed=False).itertuples(index=False))
            self.table.value = f"{_TABLE_CSS}<table class='hadr-table'>{rows}</table>"
            update_figure(self.histogram, annual_downtime_figure(self.result))
            update_figure(self.months, sla_by_month_figure(self.result))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------- SLOs


class SloPanel:
    """An SLO target and window against a design's ceiling: the budget, what the
    design spends of it, a warning when the target is out of reach, and the
    burn-rate alerts."""

    def __init__(self, architecture="multi_az_postgres", target: float = 0.9995,
                 window_days: float = 30.0, *, choose_architecture: bool = False):
        refs = reference_architectures()
        self.models: dict[str, Architecture] = {}
        if isinstance(architecture, Architecture):
            key = architecture.name
            self.models[key] = architecture
        else:
            key = str(architecture)
            self.models[key] = load_architecture(architecture)
        if choose_architecture:
            for name, path in refs.items():
                self.models.setdefault(name, load_architecture(path))
        parse_window(window_days)
        target = check_availability(target, "target")
        style = {"description_width": "70px"}
        self.choice = widgets.Dropdown(options=[(m.name, k) for k, m in self.models.items()],
                                       value=key, description="Design", style=style,
                                       layout={"width": "520px"})
        self.target = widgets.SelectionSlider(options=_target_options(target), value=float(target),
                                              description="SLO", continuous_update=True,
                                              layout={"width": "520px"}, style=style)
        self.target.add_class("hadr-slo-target")
        days = float(window_days)
        windows = sorted(set(SLO_WINDOWS_DAYS) | {days})
        self.window = widgets.ToggleButtons(options=[(f"{w:g} days", w) for w in windows],
                                            value=days, description="Window", style=style)
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-slo-summary")
        self.alerts = widgets.HTML()
        self.message = widgets.HTML()
        self.figure = go.FigureWidget(slo_budget_figure(self.plan()))
        for control in (self.choice, self.target, self.window):
            control.observe(self.update, names="value")
        self.update()
        parts = ([self.choice] if choose_architecture else []) + [
            self.target, self.window, self.summary, self.figure, self.alerts, self.message]
        self.widget = widgets.VBox(parts)

    def plan(self):
        return slo_plan(self.models[self.choice.value], self.target.value, self.window.value)

    def update(self, change=None) -> None:
        try:
            plan = self.plan()
            status = "green" if plan.budget_used <= 0.5 else "amber" if plan.achievable else "red"
            self.summary.value = (
                f"<div class='hadr-status-{status}' style='padding:8px;background:{_STATUS_BG[status]};"
                f"border-left:8px solid {_STATUS[status]}'>{html.escape(plan.summary())}</div>")
            a = burn_rate_alerts(plan.window_days)
            view = a[["severity", "long_window", "short_window"]].copy()
            view["burn rate"] = [f"{x:.4g}" for x in a["burn_rate"]]
            view["budget consumed"] = [f"{x:.0%}" for x in a["budget_consumed"]]
            view["budget gone in"] = [format_duration(h * 3600) for h in a["time_to_exhaust_h"]]
            self.alerts.value = ("<p><b>Burn-rate alerts</b> (fire when both windows burn faster "
                                 "than the rate)</p>" + _TABLE_CSS +
                                 view.to_html(index=False, border=0, classes="hadr-table"))
            update_figure(self.figure, slo_budget_figure(plan))
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------- overview


def _download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` (a data: URI; no server)."""
    import base64

    payload = base64.b64encode(data).decode("ascii")
    return (f"<a class='hadr-download' download='{html.escape(filename)}' "
            f"style='color:#1f6feb;text-decoration:underline' "
            f"href='data:{mime};base64,{payload}'>{html.escape(label)}</a>")


class OverviewPanel:
    """For managers: pick a scenario and a target; see the verdict in one colour,
    the money and the minutes, and download the scenario and its report."""

    def __init__(self, scenario: str = "ecommerce_shop", target: float = 0.9995,
                 on_scenario=None):
        refs = reference_scenarios()
        if scenario not in refs:
            raise InvalidInputError(f"scenario: {scenario!r} is not a shipped scenario; use one of "
                                    f"{', '.join(refs)}")
        check_availability(target, "target")
        self.paths = refs
        self.on_scenario = on_scenario
        style = {"description_width": "70px"}
        # Each scenario is read and checked once; the target slider only re-prices it.
        self.scenarios = {k: load_scenario(p) for k, p in refs.items()}
        self.scenario = widgets.Dropdown(
            options=[(sc.name, k) for k, sc in self.scenarios.items()], value=scenario,
            description="Scenario", style=style, layout={"width": "520px"})
        self.target = widgets.SelectionSlider(
            options=_target_options(target), value=float(target), description="Target",
            continuous_update=True, layout={"width": "520px"}, style=style)
        self.target.add_class("hadr-overview-target")
        self.verdict = widgets.HTML()
        self.verdict.add_class("hadr-overview")
        self.downloads = widgets.HTML()
        self.report_button = widgets.Button(description="Prepare the report",
                                            tooltip="Builds the HTML report of this scenario",
                                            icon="", layout={"width": "200px"})
        self.report_button.add_class("hadr-report-button")
        self.report_link = widgets.HTML()
        self.report_link.add_class("hadr-report-link")
        self.message = widgets.HTML()
        self.scenario.observe(self._scenario_changed, names="value")
        self.target.observe(self.update, names="value")
        self.report_button.on_click(self.prepare_report)
        self.update()
        self.widget = widgets.VBox([
            self.scenario, self.target, self.verdict,
            widgets.HBox([self.downloads]), widgets.HBox([self.report_button, self.report_link]),
            self.message,
            widgets.HTML(f"<small>{MODEL_ASSUMPTIONS} {DR_ASSUMPTIONS}</small>"),
        ])

    def _scenario_changed(self, change=None) -> None:
        self.report_link.value = ""
        self.update()
        if self.on_scenario is not None:
            try:
                self.on_scenario(self.scenario.value)
            except Exception as exc:  # shown in the panel, never lost
                self.message.value = _error_html(exc)

    def update(self, change=None) -> None:
        try:
            ov = overview(self.scenarios[self.scenario.value], self.target.value)
            items = "".join(f"<li>{html.escape(x)}</li>" for x in ov.lines())
            self.verdict.value = (
                f"<div class='hadr-status-{ov.status}' style='font-size:1.15em;padding:10px;"
                f"background:{_STATUS_BG[ov.status]};border-left:10px solid {_STATUS[ov.status]}'>"
                f"<b>{html.escape(ov.scenario.name)}: {ov.status}</b><ul>{items}</ul></div>")
            path = self.paths[self.scenario.value]
            self.downloads.value = _download_link(path.read_bytes(), path.name, "text/yaml",
                                                  "Download the scenario (YAML)")
            self.message.value = ""
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = _error_html(exc)

    def prepare_report(self, button=None) -> None:
        """Build this scenario's report (a few seconds) and offer it for download."""
        import tempfile

        from .report import build_report

        self.report_link.value = "Preparing the report: about ten seconds…"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = build_report(self.scenario.value, tmp, target=self.target.value)
                self.report_link.value = _download_link(
                    path.read_bytes(), path.name, "text/html", "Download the report (HTML)")
        except Exception as exc:  # shown in the panel, never lost
            self.report_link.value = ""
            self.message.value = _error_html(exc)
