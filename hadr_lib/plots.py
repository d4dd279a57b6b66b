"""Figure builders: they take values and return a ``go.Figure``, never show it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .availability import DAYS_PER_YEAR, downtime, nines, period_info
from .budget import NINES_TIERS
from .formatting import format_duration, format_percent

__all__ = ["downtime_vs_nines_figure", "duration_axis_ticks"]

_TICKS = (
    (0.001, "1 ms"), (0.01, "10 ms"), (0.1, "0.1 s"), (1, "1 s"), (10, "10 s"),
    (60, "1 min"), (600, "10 min"), (3600, "1 h"), (36000, "10 h"), (86400, "1 day"),
    (864000, "10 days"), (8640000, "100 days"),
)


def duration_axis_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Tick values [s] and labels in human units for a log axis from low to high [s]."""
    vals = [(v, t) for v, t in _TICKS if low <= v <= high]
    return [v for v, _ in vals], [t for _, t in vals]


def downtime_vs_nines_figure(period: str = "year", target=None, *,
                             year_days: float = DAYS_PER_YEAR,
                             nines_range: tuple[float, float] = (1.0, 7.0),
                             points: int = 241) -> go.Figure:
    """Allowed downtime per period [s, log scale] against the number of nines.

    Traces: 0 the curve, 1 the usual tiers (labelled), 2 the target (empty when
    ``target`` is None). The title states the period's basis.
    """
    p = period_info(period, year_days=year_days)
    x = np.linspace(nines_range[0], nines_range[1], points)
    y = 10.0 ** -x * p.seconds
    tiers = np.asarray(NINES_TIERS)
    tier_x = nines(tiers)
    tier_y = downtime(tiers, period, year_days=year_days)
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="lines", name=f"downtime per {p.name}",
        customdata=[format_duration(s) for s in y],
        hovertemplate="%{x:.2f} nines: %{customdata}<extra></extra>",
        line={"color": "#1f77b4"},
    ))
    fig.add_trace(go.Scatter(
        x=tier_x, y=tier_y, mode="markers+text", name="tiers",
        text=[f"{format_percent(a)}: {format_duration(s)}" for a, s in zip(tiers, tier_y)],
        textposition="top right", marker={"size": 8, "color": "#1f77b4"},
        hoverinfo="text",
    ))
    tx, ty, tt = [], [], []
    if target is not None:
        d = downtime(target, period, year_days=year_days)
        tx, ty = [nines(target)], [float(d)]
        tt = [f"target {format_percent(target)}: {format_duration(d)}"]
    fig.add_trace(go.Scatter(
        x=tx, y=ty, mode="markers+text", name="target", text=tt,
        textposition="bottom left", marker={"size": 14, "color": "#d62728", "symbol": "diamond"},
        hoverinfo="text",
    ))
    tickvals, ticktext = duration_axis_ticks(y.min(), y.max())
    fig.update_layout(
        title=f"Allowed downtime per {p.name} ({p.basis})",
        xaxis_title="nines (3 = 99.9%)",
        yaxis={"type": "log", "title": f"downtime per {p.name}",
               "tickvals": tickvals, "ticktext": ticktext},
        showlegend=False, margin={"l": 70, "r": 30, "t": 60, "b": 50}, height=420,
        template="plotly_white",
    )
    return fig
