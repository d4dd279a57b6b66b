"""Widget panels: controls wired to the pure functions, figures updated in place.

Each panel makes its widgets once; every control observes ``value`` and funnels
into one ``update`` method that reads all values and calls the library. Errors
in a callback are shown in the panel (never swallowed, never a traceback).
"""

from __future__ import annotations

import html
from numbers import Real

import ipywidgets as widgets
import plotly.graph_objects as go

from .availability import DAYS_PER_YEAR, InvalidInputError, check_availability, period_info
from .budget import (
    BUDGET_PERIODS,
    TARGET_PRESETS,
    budget_summary,
    downtime_table,
    format_downtime_table,
    target_summary,
)
from .formatting import format_percent
from .plots import downtime_vs_nines_figure

__all__ = ["DowntimeBudgetPanel", "app_panel", "update_figure"]

_PERIOD_LABELS = {
    "year": "year", "quarter": "quarter", "month": "month (1/12 year)",
    "month30": "month (30 days)", "week": "week", "day": "day",
}

ASSUMPTIONS = (
    "Downtime is counted over a 365.25-day year; a month is 1/12 of it (30.44 days) "
    "unless you pick the 30-day month. A cloud SLA is a contractual floor below which "
    "credits are paid, not a measured uptime."
)


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


def app_panel(target: float = 0.9995, period: str = "month", *,
              year_days: float = DAYS_PER_YEAR) -> widgets.Widget:
    """The managers' app: a title and tabs (the downtime budget, for now)."""
    budget = DowntimeBudgetPanel(target, period, year_days=year_days, compact=True)
    tabs = widgets.Tab(children=[budget.widget])
    tabs.set_title(0, "Downtime budget")
    title = widgets.HTML(
        "<h1>HA/DR workbook</h1><p>Pick the availability you promise; see the "
        "downtime it allows.</p>")
    box = widgets.VBox([title, tabs])
    box.panels = {"budget": budget}
    return box
