"""Figure builders: they take values and return a ``go.Figure``, never show it."""

from __future__ import annotations

import math
from collections import Counter
from functools import partial

import numpy as np
import plotly.graph_objects as go

from .availability import DAYS_PER_YEAR, downtime, nines, period_info
from .budget import NINES_TIERS
from .design.blocks.placed import Placed
from .design.kinds import kind_of
from .formatting import format_duration, format_money, format_money_short, format_percent
from .theme import PALETTE, TEMPLATE, register_template

register_template()

__all__ = [
    "analytic_vs_simulated_figure",
    "annual_downtime_figure",
    "block_diagram_figure",
    "designed_vs_measured_figure",
    "drill_figure",
    "sla_by_month_figure",
    "sla_curve_figure",
    "dr_bar_figure",
    "dr_bar_spec",
    "dr_cost_figure",
    "dr_cost_spec",
    "failover_gantt_figure",
    "frontier_figure",
    "restore_timeline_figure",
    "slo_budget_figure",
    "downtime_vs_nines_figure",
    "duration_axis_ticks",
    "importance_figure",
    "plot_text",
    "tornado_figure",
    "uncertainty_figure",
]

_TICKS = (
    (0.001, "1 ms"), (0.01, "10 ms"), (0.1, "0.1 s"), (1, "1 s"), (10, "10 s"),
    (60, "1 min"), (600, "10 min"), (3600, "1 h"), (36000, "10 h"), (86400, "1 day"),
    (864000, "10 days"), (8640000, "100 days"),
)


def duration_axis_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Tick values [s] and labels in human units for a log axis from low to high [s]."""
    vals = [(v, t) for v, t in _TICKS if low <= v <= high]
    return [v for v, _ in vals], [t for _, t in vals]


#: Denser ticks in human units for an axis spanning a decade or two (1-2-5 steps).
_FINE_TICKS = (
    (1, "1 s"), (2, "2 s"), (5, "5 s"), (10, "10 s"), (20, "20 s"), (30, "30 s"),
    (60, "1 min"), (120, "2 min"), (300, "5 min"), (600, "10 min"), (1200, "20 min"), (1800, "30 min"),
    (3600, "1 h"), (7200, "2 h"), (18000, "5 h"), (36000, "10 h"), (86400, "1 day"), (172800, "2 days"),
    (432000, "5 days"), (864000, "10 days"), (1728000, "20 days"), (4320000, "50 days"),
    (8640000, "100 days"), (17280000, "200 days"),
)


def fine_duration_ticks(low: float, high: float, most: int = 8) -> tuple[list[float], list[str]]:
    """Tick values [s] and labels ("20 min", "1 h", "2 h") for a log axis from low to
    high [s], 1-2-5 steps thinned to at most ``most`` ticks; the coarse decades of
    ``duration_axis_ticks`` when the span is wider."""
    vals = [(v, t) for v, t in _FINE_TICKS if low <= v <= high]
    if len(vals) > most:
        return duration_axis_ticks(low, high)
    return [v for v, _ in vals], [t for _, t in vals]


def money_axis_ticks(low: float, high: float, currency: str = "USD", most: int = 8) -> tuple[list[float], list[str]]:
    """Tick values and labels ("$1k", "$10k", "$1M") for a log axis of money from low to
    high (> 0): the powers of ten between them, or 1-2-5 steps when fewer than two
    powers of ten fall inside; at most ``most`` ticks (every second, third... decade)."""
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or high < low:
        return [], []
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    if last - first + 1 >= 2:
        every = max(1, math.ceil((last - first + 1) / most))
        vals = [10.0 ** k for k in range(first, last + 1, every)]
    else:
        vals = [m * 10.0 ** k for k in range(first - 1, last + 1) for m in (1, 2, 5)
                if low * (1 - 1e-9) <= m * 10.0 ** k <= high * (1 + 1e-9)]
    return vals, [format_money_short(v, currency) for v in vals]


def _side(vertical: str, x: float, span: tuple[float, float]) -> str:
    """A point label's position on an x axis ``span``, so that neither edge of a
    phone-wide chart cuts it nor runs it into the y axis's labels: in the left third it
    reads rightwards, in the right third leftwards, and between the two it is centred on
    its point (a label reading leftwards from just past the middle reached the y axis's
    labels on a phone: "99.999%: 5.26 minutes" over "10 min")."""
    lo, hi = span
    if x < lo + (hi - lo) / 3:
        return f"{vertical} right"
    return f"{vertical} {'left' if x > lo + 2 * (hi - lo) / 3 else 'center'}"


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
        line={"color": PALETTE["blue"]},
    ))
    said = [f"{format_percent(a)}: {format_duration(s)}" for a, s in zip(tiers, tier_y)]
    # A tier at the target or up to 0.75 nines past it keeps its point but not its words: they
    # sit just above its point, level with the target's own label below the curve, and the two
    # ran together ("target 99.95%: 4.38 hours" into "99.99%: 52.6 minutes"). Tiers before the
    # target are higher on the curve, their words above them.
    ahead = tier_x - (nines(target) if target is not None else np.inf)
    near = (ahead >= 0) & (ahead < 0.75)
    fig.add_trace(go.Scatter(
        x=tier_x, y=tier_y, mode="markers+text", name="tiers",
        text=["" if n else t for t, n in zip(said, near)], hovertext=said,
        # labels read away from the nearer edge (``_side``), so a phone-wide chart keeps them whole
        textposition=[_side("top", x, nines_range) for x in tier_x], cliponaxis=False,
        marker={"size": 8, "color": PALETTE["blue"]}, hoverinfo="text",
    ))
    tx, ty, tt, tp = [], [], [], []
    if target is not None:
        d = downtime(target, period, year_days=year_days)
        tx, ty = [nines(target)], [float(d)]
        tp = [_side("bottom", tx[0], nines_range)]
        # reading leftwards (the right third), on two lines: on one it reached the y axis's
        # labels on a phone ("target 99.9995%: 2.63 minutes" over "1 min")
        gap = "<br>" if tp[0].endswith("left") else ": "
        tt = [f"target {format_percent(target)}{gap}{format_duration(d)}"]
    fig.add_trace(go.Scatter(
        x=tx, y=ty, mode="markers+text", name="target", text=tt, textposition=tp, cliponaxis=False,
        marker={"size": 14, "color": PALETTE["red"], "symbol": "diamond"},
        hoverinfo="text",
    ))
    tickvals, ticktext = duration_axis_ticks(y.min(), y.max())
    fig.update_layout(
        title=f"Allowed downtime per {p.name} ({p.basis})",
        xaxis_title="nines (3 = 99.9%)",
        yaxis={"type": "log", "title": f"downtime per {p.name}",
               "tickvals": tickvals, "ticktext": ticktext},
        showlegend=False, margin={"l": 70, "r": 30, "t": 60, "b": 50}, height=420,
        template=TEMPLATE,
    )
    return fig


# --------------------------------------------------------------------------- architectures

_PAD, _LABEL = 0.2, 0.45  # frame padding and label height, in grid cells


def _measure(node) -> tuple[float, float]:
    kind = kind_of(node)
    if kind.leaf:
        return 1.0, 1.0
    sizes = [_measure(k) for k in kind.children(node)]
    if kind.row:
        return sum(w for w, _ in sizes), max(h for _, h in sizes)
    return max(w for w, _ in sizes) + 2 * _PAD, sum(h for _, h in sizes) + _LABEL + _PAD


def plot_text(text: str, *, template: bool = False) -> str:
    """A user's text (a name, a label) as plotly shows it literally: plotly reads
    <b>, <a href> and the like in labels, titles and hovers, and decodes entities, so
    ``&``, ``<`` and ``>`` go in as entities; in a hover template ``%{`` would start a
    variable, so its ``%`` becomes a look-alike (``template=True``)."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("%{", "\uff05{") if template else out


def _group_label(node, domains=None) -> str:
    """A framed group's caption; a block placed in a labelled zone or region is said
    by that label ("in zone A"), as sentences say it."""
    if type(node) is Placed and domains is not None:
        d = domains.by_name.get(node.domain)
        if d is not None and d.label:
            return f"in {d.label}"
    return kind_of(node).label(node)


def _place(node, x: float, y: float, leaves: list, frames: list) -> None:
    kind = kind_of(node)
    if kind.leaf:
        leaves.append((node, x, y))
        return
    if kind.row:
        for k in kind.children(node):
            _place(k, x, y, leaves, frames)
            x += _measure(k)[0]
        return
    w, h = _measure(node)
    frames.append((node, x, y, w, h))
    cy = y + _LABEL
    for k in kind.children(node):
        _place(k, x + _PAD, cy, leaves, frames)
        cy += _measure(k)[1]


#: Characters per line of a component's label in its box of the block diagram.
_BOX_CHARS = 16


def block_diagram_figure(architecture, importance=None) -> go.Figure:
    """The block diagram of an architecture: series left to right, redundancy
    stacked, each group framed and labelled; components shaded by the share of
    system downtime they would save if perfect (from ``architecture.importance()``).

    Traces: 0 the component labels (hover shows figures), 1 the group labels.
    """
    from plotly.colors import sample_colorscale

    imp = (importance if importance is not None else architecture.importance()).set_index("name")
    leaves: list[tuple] = []
    frames: list[tuple] = []
    _place(architecture.root, 0.0, 0.0, leaves, frames)
    width, height = _measure(architecture.root)
    shapes, xs, ys, text, hover, ink = [], [], [], [], [], []
    for _node, gx, gy, gw, gh in frames:
        shapes.append({"type": "rect", "x0": gx + 0.04, "x1": gx + gw - 0.04, "y0": gy + 0.04,
                       "y1": gy + gh - 0.04, "line": {"dash": "dot", "color": "#555", "width": 1},
                       "fillcolor": "rgba(0,0,0,0)", "layer": "below"})
    for comp, lx, ly in leaves:
        row = imp.loc[comp.name]
        share = float(np.clip(row["share"], 0.0, 1.0))
        colour = sample_colorscale("Reds", [0.08 + 0.8 * share])[0]
        shapes.append({"type": "rect", "x0": lx + 0.08, "x1": lx + 0.92, "y0": ly + 0.15,
                       "y1": ly + 0.85, "line": {"color": "#333", "width": 1},
                       "fillcolor": colour, "layer": "below"})
        ink.append("white" if share > 0.45 else "#222")
        xs.append(lx + 0.5)
        ys.append(ly + 0.5)
        # A part by what people call it (its label), broken to fit its box; its name in the hover.
        label = wrap_label(plot_text(comp.display), _BOX_CHARS) + (f" ×{comp.count}" if comp.count > 1 else "")
        text.append(label)
        figure = (f"MTBF {comp.mtbf_h:g} h, MTTR {comp.mttr_h:g} h"
                  if comp.mtbf_h is not None else "")
        named = "" if comp.display == comp.name else f" ({plot_text(comp.name)})"
        hover.append(
            f"<b>{plot_text(comp.display)}</b>{named}<br>availability {format_percent(1 - comp.replica_unavailability)}"
            f"{' per replica' if comp.count > 1 else ''} {figure}<br>"
            f"if perfect: saves {format_duration(row['downtime_saved_per_year_s'])} a year "
            f"({share:.0%} of downtime)<br>Birnbaum importance {row['birnbaum']:.3g}")
    gx = [f[1] + _PAD for f in frames]
    gy = [f[2] + _LABEL / 2 + 0.03 for f in frames]
    # A long caption takes two lines (the band above a frame has room for two), so it
    # does not run past its frame and out of the chart ("... synchronous replica").
    gt = [plot_text(_group_label(f[0], getattr(architecture, "domains", None))) for f in frames]
    gt = [wrap_label(t, max(40, len(t) // 2 + 1)) for t in gt]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=text, hovertext=hover,
                             hoverinfo="text", textfont={"size": 11, "color": ink},
                             name="components"))
    fig.add_trace(go.Scatter(x=gx, y=gy, mode="text", text=gt, textposition="middle right",
                             hoverinfo="skip", textfont={"size": 10, "color": "#444"},
                             name="groups"))
    fig.update_layout(
        title=f"{plot_text(architecture.name)}: darker = more downtime saved if made perfect",
        shapes=shapes, showlegend=False, template=TEMPLATE,
        xaxis={"visible": False, "range": [-0.1, width + 0.1]},
        yaxis={"visible": False, "range": [height + 0.1, -0.1]},
        height=max(220, 70 * height + 90), margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def importance_figure(importance, top: int | None = None) -> go.Figure:
    """Downtime saved per year [min] if each component were perfect, largest on top;
    with ``importance(include_groups=True)``, each zone and region (were it never to
    fail) and common-cause group (were its members independent) too, said so."""
    df = importance if top is None else importance.head(top)
    minutes = df["downtime_saved_per_year_s"].to_numpy() / 60
    kinds = df["kind"] if "kind" in df else ["component"] * len(df)
    names = _bar_names(df, kinds)
    how = [f"Birnbaum {b:.3g}" if b == b else ("if never down" if k in ("zone", "region") else
                                              "if its members failed independently")
           for b, k in zip(df["birnbaum"], kinds)]
    fig = go.Figure(go.Bar(
        x=minutes, y=[plot_text(n) for n in names], orientation="h", marker_color=PALETTE["red"],
        text=[format_duration(s) for s in df["downtime_saved_per_year_s"]],
        textposition="auto", customdata=how,
        hovertemplate="%{y}: saves %{text} a year<br>%{customdata}<extra></extra>",
    ))
    fig.update_layout(
        title="What to improve first: downtime saved per year if perfect",
        xaxis_title="minutes per year", yaxis={"autorange": "reversed"},
        template=TEMPLATE, height=max(220, 28 * len(df) + 110),
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
    )
    return fig


def _bar_names(df, kinds) -> list[str]:
    """What each importance row is called on its bar: its label (what sentences call it;
    its name without one), a zone or region saying so when its label does not ("eu-west
    (region)"), a common-cause group marked as one; a label two rows share gets each
    row's name too, so no two bars fall on one line."""
    labels = df["label"] if "label" in df else df["name"]
    names = []
    for name, label, kind in zip(df["name"], labels, kinds):
        label = str(label) if isinstance(label, str) and label else str(name)
        if kind == "common_cause":
            label = label if "common cause" in label.lower() else f"{label} (common cause)"
        elif kind != "component" and kind not in label.lower():
            label = f"{label} ({kind})"
        names.append(label)
    seen = Counter(names)  # one count of every label (``names.count`` per bar was quadratic)
    shared = {n for n, times in seen.items() if times > 1}
    return [f"{n} [{name}]" if n in shared else n for n, name in zip(names, df["name"])]


def tornado_figure(sensitivity, year_days: float = DAYS_PER_YEAR, top: int | None = None) -> go.Figure:
    """System downtime per year [min] as each component gets 10x worse or better.

    Traces: 0 worse (right of the base line), 1 better (left of it).
    """
    df = sensitivity if top is None else sensitivity.head(top)
    year_min = period_info("year", year_days=year_days).seconds / 60
    base = float(df["system_unavailability"].iloc[0]) * year_min if len(df) else 0.0
    worse = df["system_unavailability_worse"].to_numpy() * year_min
    better = df["system_unavailability_better"].to_numpy() * year_min
    kinds = ["component"] * len(df)
    called = [plot_text(n) for n in _bar_names(df, kinds)]  # labels, as the importance bars
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=called, x=worse - base, base=base, orientation="h", name="component worse",
        marker_color=PALETTE["red"], customdata=[format_duration(m * 60) for m in worse],
        hovertemplate="%{y} worse: %{customdata} a year<extra></extra>"))
    fig.add_trace(go.Bar(
        y=called, x=better - base, base=base, orientation="h", name="component better",
        marker_color=PALETTE["green"], customdata=[format_duration(m * 60) for m in better],
        hovertemplate="%{y} better: %{customdata} a year<extra></extra>"))
    fig.update_layout(
        title="Sensitivity: system downtime per year as each component's unavailability "
              "is multiplied or divided by 10",
        barmode="overlay", xaxis_title="system downtime, minutes per year",
        yaxis={"autorange": "reversed"}, template=TEMPLATE,
        height=max(220, 28 * len(df) + 120), margin={"l": 10, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


# --------------------------------------------------------------------------- DR planning


def wrap_label(text: str, width: int = 40) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces (``<br>``,
    which plotly draws as a line break; a word longer than ``width`` stays whole). Text
    already broken by hand is left as it is."""
    text = str(text)
    if "<br>" in text or len(text) <= width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


#: Widest title, in characters, that a phone (390 px) shows whole at the template's font.
TITLE_WIDTH = 44
#: Widest axis title.
AXIS_TITLE_WIDTH = 38


#: Widest title and axis title on a wide page (a desktop's chart, about 700 px and up).
WIDE_TITLE_WIDTH, WIDE_AXIS_TITLE_WIDTH = 100, 80


def compact_titles(layout: dict, title_width: int = TITLE_WIDTH, axis_width: int = AXIS_TITLE_WIDTH) -> dict:
    """The changes that make a layout's titles fit a phone (or, with wider widths, a
    desktop): the chart's title and its axes' titles wrapped (``wrap_label``), and a top
    margin with room for the title's lines; {} when they already fit. Given a layout as a plain dict
    (``Figure.layout.to_plotly_json()``)."""
    out: dict = {}

    def text_of(title):
        return title.get("text") if isinstance(title, dict) else title

    title = text_of(layout.get("title"))
    if isinstance(title, str) and wrap_label(title, title_width) != title:
        wrapped = wrap_label(title, title_width)
        out["title"] = {"text": wrapped}
        given = layout.get("margin")
        margin: dict = dict(given) if isinstance(given, dict) else {}
        needed = 30 + 20 * wrapped.count("<br>") + 20  # the lines of a 15 px title, and a gap
        if (margin.get("t") or 80) < needed:
            out["margin"] = {**margin, "t": needed}
    for axis in ("xaxis", "yaxis"):
        body = layout.get(axis)
        name = text_of(body.get("title")) if isinstance(body, dict) else None
        if isinstance(name, str) and wrap_label(name, axis_width) != name:
            out[axis] = {"title": {"text": wrap_label(name, axis_width)}}
    return out


def dr_cost_spec(sweep) -> dict:
    """``dr_cost_figure`` as a plain figure dict (``data``, ``layout``): what a live
    chart takes on a slider move without building a ``go.Figure``."""
    sc = sweep.scenario
    money = partial(format_money, currency=sc.currency)
    t = sweep.table
    ok = dict(zip(t["strategy"], t["meets_rto"] & t["meets_rpo"]))
    data = [{"type": "scatter", "x": sweep.downtime_costs, "y": y, "mode": "lines",
             "name": plot_text(s.label) + ("" if ok[s.id] else " (misses targets)"),
             "line": {"dash": "solid" if ok[s.id] else "dot", "width": 2 if ok[s.id] else 1.5},
             "hovertemplate": (f"{plot_text(s.label, template=True)}<br>downtime %{{x:,.0f}}/h: "
                               "total %{y:,.0f}/year<extra></extra>")}
            for s, y in zip(sweep.strategies, sweep.totals)]
    be = sweep.break_even
    bx = be["break_even_cost_per_hour"].to_numpy()
    lo, hi = float(np.log10(np.min(sweep.downtime_costs))), float(np.log10(np.max(sweep.downtime_costs)))

    def right_half(x: float) -> bool:  # labels there read leftwards, so a narrow chart keeps them whole
        return (np.log10(max(x, 1e-9)) - lo) > (hi - lo) / 2

    data.append({"type": "scatter", "x": bx, "y": sweep.break_even_totals, "mode": "markers+text",
                 "name": "break-even", "marker": {"size": 11, "symbol": "x", "color": "black"},
                 "text": [f"{money(x)}/h: {plot_text(lbl)}" for x, lbl in zip(bx, be["to_label"])],
                 "textposition": ["top left" if right_half(x) else "top right" for x in bx],
                 "cliponaxis": False, "hoverinfo": "text"})
    # On a log axis a shape takes the value itself, an annotation its log10.
    x_cost = max(sc.downtime_cost_per_hour, 1e-9)
    leftwards = right_half(x_cost)
    layout = {
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": x_cost, "x1": x_cost,
                    "y0": 0, "y1": 1, "line": {"dash": "dash", "color": PALETTE["red"]}}],
        # Inside the plot's top, on two lines, reading away from the line to the side with
        # room: above the plot it met a phone's two-line title, and one line ran off the
        # left edge of a phone-wide chart.
        "annotations": [{"x": float(np.log10(x_cost)), "y": 1, "xref": "x", "yref": "paper",
                         "showarrow": False, "xanchor": "right" if leftwards else "left",
                         "yanchor": "top", "align": "right" if leftwards else "left",
                         "text": f"your downtime cost<br>{money(sc.downtime_cost_per_hour)}/h",
                         "bgcolor": "rgba(255,255,255,0.85)", "font": {"color": PALETTE["red"]}}],
        "title": {"text": f"Total annual cost per DR strategy ({sc.currency}): running cost + expected losses"},
        "xaxis": {"type": "log", "title": {"text": f"cost of downtime per hour ({sc.currency})"},
                  # the sweep's own span: the markers' labels must not stretch it on a phone
                  "range": [lo, hi], **_tick_dict(money_axis_ticks(10 ** lo, 10 ** hi, sc.currency))},
        "yaxis": {"type": "log", "title": {"text": f"total cost per year ({sc.currency})"},
                  **_tick_dict(money_axis_ticks(*_positive_span([*sweep.totals, sweep.break_even_totals]),
                                                sc.currency))},
        "height": 620, "legend": {"font": {"size": 10}, "orientation": "h", "y": -0.2, "yanchor": "top"},
        "margin": {"l": 70, "r": 20, "t": 60, "b": 50},
    }
    return {"data": data, "layout": layout}


def _tick_dict(ticks: tuple[list[float], list[str]]) -> dict:
    """An axis's explicit ticks, or nothing (plotly's own) when there are none."""
    vals, text = ticks
    return {"tickvals": vals, "ticktext": text} if vals else {}


def _positive_span(arrays) -> tuple[float, float]:
    """The smallest and largest positive finite value in ``arrays`` ((nan, nan) if none)."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays]) if len(arrays) else np.array([])
    values = values[np.isfinite(values) & (values > 0)]
    return (float(values.min()), float(values.max())) if values.size else (math.nan, math.nan)


def dr_cost_figure(scenario, downtime_costs=None, strategies=None) -> go.Figure:
    """Total annual cost of each strategy against the downtime cost per hour (log
    axes), break-even points marked, the scenario's own downtime cost a line.
    ``scenario`` is a ``Scenario`` or a ``CostSweep`` already computed.

    Traces: one line per strategy (in annual-cost order), then the break-even markers.
    """
    from .dr import CostSweep, cost_sweep

    sweep = scenario if isinstance(scenario, CostSweep) else cost_sweep(scenario, downtime_costs, strategies)
    spec = dr_cost_spec(sweep)
    return go.Figure(spec["data"], {**spec["layout"], "template": TEMPLATE})


def dr_bar_spec(scenario, table) -> dict:
    """``dr_bar_figure`` as a plain figure dict (``data``, ``layout``)."""
    t = table.sort_values("total_cost", kind="stable")
    labels = [wrap_label(plot_text(lbl), 30) + ("" if ok else " ✗")  # wrapped for a phone
              for lbl, ok in zip(t["label"], t["meets_rto"] & t["meets_rpo"])]
    money = partial(format_money, currency=scenario.currency)
    data = [
        {"type": "bar", "y": labels, "x": t["annual_cost"].to_numpy(), "orientation": "h",
         "name": "running cost", "marker": {"color": PALETTE["blue"]},
         "customdata": [money(v) for v in t["annual_cost"]],
         "hovertemplate": "%{y}: runs at %{customdata}/year<extra></extra>"},
        {"type": "bar", "y": labels, "x": t["expected_loss"].to_numpy(), "orientation": "h",
         "name": "expected losses", "marker": {"color": PALETTE["red"]},
         "customdata": [money(v) for v in t["expected_loss"]],
         "hovertemplate": "%{y}: loses %{customdata}/year on average<extra></extra>"},
    ]
    layout = {
        "barmode": "stack",
        "title": {"text": "Cost per year: running the strategy + expected losses (✗ misses RTO or RPO)"},
        "xaxis": {"title": {"text": f"{scenario.currency} per year"}},
        "yaxis": {"autorange": "reversed"}, "height": max(260, 30 * len(t) + 120),
        "legend": {"orientation": "h", "y": -0.2}, "margin": {"l": 10, "r": 20, "t": 60, "b": 40},
    }
    return {"data": data, "layout": layout}


def dr_bar_figure(scenario, table) -> go.Figure:
    """Running cost and expected loss per strategy, stacked, cheapest total first.

    Traces: 0 running cost, 1 expected loss.
    """
    spec = dr_bar_spec(scenario, table)
    return go.Figure(spec["data"], {**spec["layout"], "template": TEMPLATE})


def restore_timeline_figure(result) -> go.Figure:
    """The worst-case restore of a backup plan as a Gantt chart [h]."""
    names = [s[0] for s in result.restore_stages]
    fig = go.Figure(go.Bar(
        y=names, x=[s[2] for s in result.restore_stages], base=[s[1] for s in result.restore_stages],
        orientation="h", marker_color=PALETTE["blue"],
        text=[format_duration(s[2] * 3600) for s in result.restore_stages], textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(
        title=f"Worst-case restore: {format_duration(result.restore_h * 3600)}",
        xaxis_title="hours from the start of the restore", yaxis={"autorange": "reversed"},
        template=TEMPLATE, height=max(220, 45 * len(names) + 120),
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
    )
    return fig


def failover_gantt_figure(stages, title: str = "Failover timeline") -> go.Figure:
    """Stages of a failover one after another: typical durations as bars, the worst
    case as a lighter bar behind them [s].

    Traces: 0 worst case, 1 typical.
    """
    from .failover import timeline

    t = timeline(stages)
    fig = go.Figure([
        go.Bar(y=t["stage"], x=t["worst_s"], base=t["worst_start_s"], orientation="h",
               name="worst case", marker_color="rgba(214,39,40,0.35)",
               customdata=[format_duration(v) for v in t["worst_s"]],
               hovertemplate="%{y}: up to %{customdata}<extra></extra>"),
        go.Bar(y=t["stage"], x=t["typical_s"], base=t["typical_start_s"], orientation="h",
               name="typical", marker_color=PALETTE["blue"],
               customdata=[format_duration(v) for v in t["typical_s"]],
               hovertemplate="%{y}: typically %{customdata}<extra></extra>"),
    ])
    total_t = float(t["typical_s"].sum())
    total_w = float(t["worst_s"].sum())
    fig.update_layout(
        title=f"{title}: typically {format_duration(total_t)}, at worst {format_duration(total_w)}",
        barmode="overlay", xaxis_title="seconds after the failure", yaxis={"autorange": "reversed"},
        template=TEMPLATE, height=max(220, 45 * len(t) + 130),
        legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 20, "t": 50, "b": 40},
    )
    return fig


def slo_budget_figure(plan) -> go.Figure:
    """The error budget of an SLO window against the downtime the design spends on
    average [min]; red when the design spends more than the budget."""
    over = plan.expected_downtime_s > plan.error_budget_s
    values = [plan.error_budget_s / 60, plan.expected_downtime_s / 60]
    fig = go.Figure(go.Bar(
        y=["error budget", "the design spends"], x=values, orientation="h",
        marker_color=[PALETTE["blue"], PALETTE["red"] if over else PALETTE["green"]],
        text=[format_duration(v * 60) for v in values], textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(
        title=(f"{format_percent(plan.target)} over {plan.window_days:g} days: the design uses "
               f"{plan.budget_used:.0%} of the budget"),
        xaxis_title=f"minutes per {plan.window_days:g} days", template=TEMPLATE,
        height=230, margin={"l": 10, "r": 20, "t": 50, "b": 40},
    )
    return fig


# --------------------------------------------------------------------------- simulation


def annual_downtime_figure(result, sla: float | None = None) -> go.Figure:
    """Histogram of downtime per simulated year [min], with the mean, the 1-in-10
    and 1-in-100 years, and what the SLA allows in a year.

    Traces: 0 histogram. Lines are layout shapes.
    """
    sla = result.sla if sla is None else sla
    minutes = result.annual_downtime_s.reshape(-1) / 60.0
    s = result.annual_downtime_summary
    allowed = (1.0 - sla) * result.horizon_s / result.years / 60.0
    top = max(1.5 * s["p99"] / 60.0, 1.3 * allowed, 1e-3)
    fig = go.Figure(go.Histogram(
        x=minutes, xbins={"start": 0.0, "end": max(top, float(minutes.max(initial=0.0))) * 1.0001,
                          "size": top / 60}, name="years",
        marker_color=PALETTE["blue"], histnorm="percent",
        hovertemplate="%{x} min: %{y:.3g}% of years<extra></extra>"))
    marks = [(s["mean"] / 60, "mean", PALETTE["green"]), (s["p90"] / 60, "1 year in 10", PALETTE["amber"]),
             (s["p99"] / 60, "1 year in 100", PALETTE["red"]),
             (allowed, f"{format_percent(sla)} allows", "#555")]
    for i, (x, label, color) in enumerate(marks):
        fig.add_vline(x=x, line_color=color, line_dash="dash" if i == 3 else "solid",
                      annotation_text=f"{label}: {format_duration(x * 60)}",
                      annotation_position="top right", annotation_y=1 - 0.08 * i,
                      annotation_font_color=color)
    zero = float((minutes == 0).mean())
    fig.update_layout(
        title=(f"Downtime per year over {result.runs * result.years:,} simulated years "
               f"({zero:.0%} had none)"),
        xaxis={"title": "downtime in the year (minutes)", "range": [0, top]},
        yaxis_title="% of years",
        yaxis_type="log" if zero > 0.5 else "linear",
        template=TEMPLATE, height=360, showlegend=False,
        margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def sla_by_month_figure(result, sla: float | None = None) -> go.Figure:
    """Probability of meeting the SLA in each calendar month (February is shorter,
    so it allows less downtime) and in every month of a year.

    Traces: 0 months, 1 every month of the year.
    """
    sla = result.sla if sla is None else sla
    by = result.p_meet_sla_by_month(sla)
    every = result.p_meet_sla_every_month(sla)
    fig = go.Figure([
        go.Bar(x=list(by.index), y=by.values * 100, name="that month", marker_color=PALETTE["blue"],
               text=[format_percent(v) for v in by.values], textposition="outside",
               hovertemplate="%{x}: %{text}<extra></extra>"),
        go.Scatter(x=[by.index[0], by.index[-1]], y=[every * 100] * 2, mode="lines",
                   name=f"every month of a year: {format_percent(every)}",
                   line={"color": PALETTE["red"], "dash": "dash"}),
    ])
    low = float(min(by.min(), every)) * 100
    fig.update_layout(
        title=f"Chance of meeting {format_percent(sla)} per calendar month",
        yaxis_title="% of simulated months", yaxis_range=[max(0.0, low - (100 - low) * 0.5 - 0.5), 100.5],
        template=TEMPLATE, height=330, legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def sla_curve_figure(curve) -> go.Figure:
    """Probability of meeting an SLA against the SLA's nines (``p_meet_curve``).

    Traces: 0 a month, 1 every month of a year, 2 a whole year.
    """
    x = nines(curve["sla"].to_numpy())
    labels = [format_percent(v) for v in curve["sla"]]
    fig = go.Figure([
        go.Scatter(x=x, y=curve[col] * 100, mode="lines+markers", name=name, customdata=labels,
                   line={"color": color},
                   hovertemplate="%{customdata}: %{y:.3g}%<extra>" + name + "</extra>")
        for col, name, color in (("p_month", "a calendar month", PALETTE["blue"]),
                                 ("p_every_month", "every month of a year", PALETTE["red"]),
                                 ("p_year", "a whole year", PALETTE["green"]))
    ])
    fig.update_layout(
        title="Chance of meeting an SLA: stricter promises are missed more often",
        xaxis={"title": "SLA", "tickvals": list(x), "ticktext": labels},
        yaxis_title="% of simulated periods meeting it", yaxis_range=[0, 101],
        template=TEMPLATE, height=340, legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def analytic_vs_simulated_figure(table) -> go.Figure:
    """Simulated unavailability with its 99% CI against the analytic value, one row
    per architecture (``compare_with_analytic``), on a log axis.

    Traces: 0 simulated with CI, 1 analytic.
    """
    t = table
    fig = go.Figure([
        go.Scatter(x=t["simulated"], y=t["architecture"], mode="markers", name="simulated (99% CI)",
                   marker={"color": PALETTE["blue"], "size": 9},
                   error_x={"type": "data", "symmetric": False,
                            "array": t["ci99_high"] - t["simulated"],
                            "arrayminus": t["simulated"] - t["ci99_low"]},
                   hovertemplate="%{y}: %{x:.3g}<extra>simulated</extra>"),
        go.Scatter(x=t["analytic"], y=t["architecture"], mode="markers", name="analytic",
                   marker={"color": PALETTE["red"], "symbol": "x", "size": 11},
                   hovertemplate="%{y}: %{x:.3g}<extra>analytic</extra>"),
    ])
    fig.update_layout(
        title="Unavailability: analytic model against simulation",
        xaxis={"type": "log", "title": "unavailability (1 - A), log scale"},
        template=TEMPLATE, height=max(260, 50 * len(t) + 120),
        legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def drill_figure(result) -> go.Figure:
    """Recovery times of simulated drills: histogram and the share recovered by each
    time, against the RTO.

    Traces: 0 histogram, 1 recovered by then (cumulative %).
    """
    r = np.sort(result.recovery_s)
    top = max(float(np.percentile(r, 97)), result.rto_s) * 1.3
    beyond = float((r > top).mean())
    grid = np.linspace(0, top, 200)
    fig = go.Figure([
        go.Histogram(x=r, xbins={"start": 0.0, "end": float(r[-1]) + top / 60, "size": top / 60},
                     histnorm="percent", name="drills", marker_color=PALETTE["blue"], opacity=0.6,
                     hovertemplate="%{x} s: %{y:.3g}% of drills<extra></extra>"),
        go.Scatter(x=grid, y=result.p_meet(grid) * 100, mode="lines", yaxis="y2",
                   name="recovered by then", line={"color": PALETTE["green"]},
                   hovertemplate="%{x:.0f} s: %{y:.3g}% recovered<extra></extra>"),
    ])
    ok = result.p_meet_rto
    color = PALETTE["green"] if ok >= 0.99 else PALETTE["amber"] if ok >= 0.5 else PALETTE["red"]
    fig.add_vline(x=result.rto_s, line_color=color, line_width=3,
                  annotation_text=f"RTO {format_duration(result.rto_s)}: met in {format_percent(ok)}",
                  annotation_font_color=color)
    fig.update_layout(
        title=(f"{result.title}: recovery time over {result.runs:,} drills"
               + (f" ({format_percent(beyond)} take longer than shown)" if beyond else "")),
        xaxis={"title": "seconds after the failure", "range": [0, top]}, yaxis_title="% of drills",
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 101], "title": "% recovered",
                "showgrid": False, "tickvals": [0, 25, 50, 75, 100]},
        template=TEMPLATE, height=360, legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def frontier_figure(result, varied: list[str] | None = None) -> go.Figure:
    """Cost per year against nines for every replica-count combination of an
    ``OptimizeResult`` (grey), the frontier (no combination both cheaper and better,
    a line) and the target (a dashed line); the cheapest meeting it is ringed."""
    t = result.table
    varied = varied or list(result.varied)

    def label(df):
        return [", ".join(f"{n} x{int(r[n])}" for n in varied) for _, r in df.iterrows()]

    f = result.frontier
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=t["cost_per_year"], y=t["nines"], mode="markers", name="combinations",
        marker={"color": PALETTE["grey"], "size": 6}, text=label(t),
        hovertemplate="%{text}<br>%{y:.3f} nines, %{x:,.0f} a year<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=f["cost_per_year"], y=f["nines"], mode="lines+markers", name="frontier",
        line={"shape": "hv", "color": PALETTE["blue"]}, text=label(f),
        hovertemplate="%{text}<br>%{y:.3f} nines, %{x:,.0f} a year<extra></extra>"))
    target_nines = -np.log10(1 - result.target) if result.target < 1 else None
    if target_nines is not None:
        fig.add_hline(y=target_nines, line={"dash": "dash", "color": PALETTE["red"]},
                      annotation_text=f"target {format_percent(result.target)}")
    if result.best is not None:
        fig.add_trace(go.Scatter(
            x=[result.best["cost_per_year"]], y=[result.best["nines"]], mode="markers",
            name="cheapest meeting the target",
            marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"color": PALETTE["green"], "width": 3}},
            hoverinfo="skip"))
    fig.update_layout(
        title="Cost against nines: every combination of replica counts",
        xaxis_title="cost per year", yaxis_title="nines", template=TEMPLATE, height=420,
        legend={"orientation": "h", "y": -0.2})
    return fig


def uncertainty_figure(results: dict, target: float | None = None, *,
                       year_days: float = DAYS_PER_YEAR) -> go.Figure:
    """The spread of downtime per year [minutes, log scale] of one or more designs
    (``{label: UncertaintyResult}``) as box plots marking p5, median and p95; the
    target's budget as a dashed line."""
    year = period_info("year", year_days=year_days).seconds
    fig = go.Figure()
    spans = []  # each design's least and most minutes, for the ticks
    for label, r in results.items():
        minutes = np.maximum(r.unavailability * year / 60, 1e-6)
        spans.append((float(minutes.min()), float(minutes.max())))
        p5, p50, p95 = np.percentile(minutes, [5, 50, 95])
        fig.add_trace(go.Box(
            y=[label], q1=[p5], median=[p50], q3=[p95], lowerfence=[float(minutes.min())],
            upperfence=[float(minutes.max())], mean=[float(minutes.mean())], orientation="h",
            name=label, boxmean=True,
            hovertemplate=(f"{label}<br>p5 {format_duration(p5 * 60)}, median "
                           f"{format_duration(p50 * 60)}, p95 {format_duration(p95 * 60)}"
                           "<extra></extra>")))
    budget = None if target is None else (1 - target) * year / 60
    if budget is not None and budget > 0:  # a 100% target has no budget to draw on a log axis
        fig.add_shape(type="line", x0=budget, x1=budget, xref="x", y0=0, y1=1, yref="paper",
                      line={"dash": "dash", "color": PALETTE["red"]})
        # an annotation on a log axis is placed at log10 of its x (add_vline's label was
        # placed at 10^budget: the axis ran to 10^54-10^279 minutes in every report)
        fig.add_annotation(x=math.log10(budget), xref="x", y=1, yref="paper",
                           text=f"{format_percent(target)} budget", showarrow=False,
                           xanchor="left", yanchor="bottom")
    # Ticks said as durations ("30 min", "1 h", "2 h"): plotly's own log ticks over a decade
    # or two were bare digits, "5 6 7 8 9 100 2 3", 5 standing for 50 minutes.
    low = min((lo for lo, _ in spans), default=1.0) * 60
    high = max([hi for _, hi in spans] + ([budget] if budget else []), default=1.0) * 60
    tickvals, ticktext = fine_duration_ticks(low, high)
    ticks = {"tickvals": [v / 60 for v in tickvals], "ticktext": ticktext} if len(tickvals) >= 2 else {}
    fig.update_layout(
        title="How sure are we? Downtime per year over the uncertain figures (box: p5 to p95)",
        xaxis={"type": "log", "title": "downtime per year" if ticks else "minutes of downtime per year",
               **ticks}, showlegend=False,
        template=TEMPLATE, height=max(240, 70 * len(results) + 140))
    return fig


def designed_vs_measured_figure(compared) -> go.Figure:
    """Each component's designed unavailability (a diamond) against the measured one
    with its 90% interval (a bar), log scale: a diamond outside its bar is a figure the
    incident history contradicts."""
    df = compared
    u_meas = 1 - df["measured"].to_numpy(float)
    hi_u = 1 - df["measured_low"].astype(float).fillna(0.0).to_numpy()  # unknown: to U = 1
    lo_u = 1 - df["measured_high"].to_numpy(float)
    floor = 1e-9
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.maximum(u_meas, floor), y=df["component"], mode="markers", name="measured (90%)",
        marker={"color": PALETTE["blue"], "size": 9},
        error_x={"type": "data", "symmetric": False,
                 "array": np.maximum(hi_u, floor) - np.maximum(u_meas, floor),
                 "arrayminus": np.maximum(u_meas, floor) - np.maximum(lo_u, floor)},
        hovertemplate="%{y}: measured U %{x:.2e}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=np.maximum(1 - df["designed"].to_numpy(float), floor), y=df["component"],
        mode="markers", name="designed", marker={"symbol": "diamond", "size": 12,
                                                  "color": [PALETTE["green"] if ok else PALETTE["red"]
                                                            for ok in df["designed_inside_interval"]]},
        hovertemplate="%{y}: designed U %{x:.2e}<extra></extra>"))
    fig.update_layout(
        title="Designed against measured (red: outside the measured 90% interval)",
        xaxis={"type": "log", "title": "unavailability of one replica"},
        yaxis={"autorange": "reversed"}, template=TEMPLATE,
        height=max(240, 40 * len(df) + 140), legend={"orientation": "h", "y": -0.25})
    return fig
