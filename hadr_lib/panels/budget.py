"""The downtime budget tab: a target in, the downtime it allows out, and back."""

from __future__ import annotations

from numbers import Real

import ipywidgets as widgets
import plotly.graph_objects as go

from ..availability import DAYS_PER_YEAR, check_availability, period_info
from ..budget import (
    BUDGET_PERIODS,
    budget_summary,
    downtime_table,
    format_downtime_table,
    target_summary,
)
from ..checks import InvalidInputError
from ..plots import downtime_vs_nines_figure
from .base import (
    ASSUMPTIONS,
    LABEL_STYLE,
    TABLE_CSS,
    Panel,
    assumptions,
    chart,
    set_target_value,
    target_slider,
    update_figure,
)
from .tabs import AppTab

__all__ = ["DowntimeBudgetPanel"]

_PERIOD_LABELS = {
    "year": "year", "quarter": "quarter", "month": "month (1/12 year)",
    "month30": "month (30 days)", "week": "week", "day": "day",
}


class DowntimeBudgetPanel(Panel):
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
    workspace : Workspace, optional
        The app's shared state: the target follows it and writes it.
    """

    target: widgets.SelectionSlider
    period: widgets.Dropdown
    headline: widgets.HTML
    table: widgets.HTML
    figure: go.FigureWidget
    required: widgets.HTML
    budget: widgets.BoundedFloatText
    budget_period: widgets.Dropdown

    def __init__(self, target: float = 0.9995, period: str = "month", *,
                 budget_minutes: float = 30.0, budget_period: str = "month",
                 year_days: float = DAYS_PER_YEAR, compact: bool = False, workspace=None):
        # Validate once, at the edge, naming the parameters as the caller wrote them.
        period_info("year", year_days=year_days)
        self.year_days = year_days
        target = float(check_availability(workspace.target if workspace else target, "target"))
        period_info(period, year_days=year_days, field="period")
        budget_span = period_info(budget_period, year_days=year_days, field="budget_period")
        if not (isinstance(budget_minutes, Real) and 0 <= budget_minutes <= budget_span.seconds / 60):
            raise InvalidInputError(
                f"budget_minutes: {budget_minutes!r} is not in [0, {budget_span.seconds / 60:g}] "
                f"minutes per {budget_period} ({budget_span.basis})")
        super().__init__(workspace)
        period_options = [(_PERIOD_LABELS[p], p) for p in (*BUDGET_PERIODS, "month30")]
        self.target = target_slider(target, "hadr-target")
        self.period = widgets.Dropdown(options=period_options, value=period,
                                       description="Period", style=LABEL_STYLE)
        self.headline = widgets.HTML()
        self.headline.add_class("hadr-headline")
        self.table = widgets.HTML()
        self.table.layout.overflow = "auto"
        self.figure = chart(
            downtime_vs_nines_figure(period, target, year_days=year_days))
        self.budget = widgets.BoundedFloatText(
            value=budget_minutes, min=0.0, max=366 * 24 * 60.0, step=1.0,
            description="Budget (min)", style=LABEL_STYLE, layout={"width": "220px"})
        self.budget_period = widgets.Dropdown(options=period_options, value=budget_period,
                                              description="per", style=LABEL_STYLE,
                                              layout={"width": "220px"})
        self.required = widgets.HTML()
        self.required.add_class("hadr-required")
        self.bind_target(self.target)
        for control in (self.period, self.budget, self.budget_period):
            control.observe(self.update, names="value")
        self.update()

        inverse = widgets.VBox([
            widgets.HTML("<b>The other way round:</b> how much downtime can you "
                         "afford, and what availability does that need?"),
            widgets.HBox([self.budget, self.budget_period],
                         layout={"flex_flow": "row wrap"}),
            self.required,
        ])
        parts = [self.target, self.period, self.headline, self.table, self.figure]
        if not compact:
            parts.append(inverse)
        parts += [self.message, assumptions(ASSUMPTIONS)]
        self.widget = widgets.VBox(parts)

    def from_workspace(self, change) -> None:
        if change.target:
            set_target_value(self.target, self.ws.target)

    def refresh(self) -> None:
        target, period = self.target.value, self.period.value
        days = self.year_days
        self.headline.value = f"<p style='font-size:1.2em'>{target_summary(target, period, year_days=days)}</p>"
        table = format_downtime_table(downtime_table([target], year_days=days))
        self.table.value = TABLE_CSS + table.drop(columns="nines").to_html(
            border=0, classes="hadr-table")
        update_figure(self.figure, downtime_vs_nines_figure(period, target, year_days=days))
        self.required.value = budget_summary(
            float(self.budget.value) * 60, self.budget_period.value, year_days=days)


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "budget", "Downtime budget",
    lambda ctx: DowntimeBudgetPanel(ctx.target, ctx.period, year_days=ctx.year_days, compact=True,
                                    workspace=ctx.workspace),
    ready=".hadr-headline",
    about="the downtime a target allows per period, and the availability a downtime budget needs",
)
