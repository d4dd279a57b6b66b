"""One look for every chart and card: the palette, the status colours and the plotly
template ``hadr`` (figures name it by ``TEMPLATE``; ``register_template`` makes it
known to plotly, which ``plots`` does on import). No plotly import here, so modules
that only need the colours start quickly."""

from __future__ import annotations

__all__ = ["FONT", "PALETTE", "STATUS", "STATUS_BG", "TEMPLATE", "register_template"]

#: Named colours; charts use these names, never their own hex codes.
PALETTE = {
    "blue": "#1f77b4",    # the design, running cost, "what you have"
    "red": "#d62728",     # losses, misses, your own figure on a chart
    "green": "#2ca02c",   # meets the target
    "amber": "#ff9f1c",   # within reach, a warning
    "grey": "#bbbbbb",    # context, frames
    "link": "#1f6feb",
}

#: Verdict colours (a border) and their light backgrounds (a card).
STATUS = {"green": PALETTE["green"], "amber": PALETTE["amber"], "red": PALETTE["red"]}
STATUS_BG = {"green": "#eaf6ea", "amber": "#fff4e0", "red": "#fdeaea"}

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

TEMPLATE = "hadr"



def register_template() -> None:
    """Register the ``hadr`` template with plotly (plotly_white, our colours and font;
    long labels wrap into the margin instead of being cut)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    if TEMPLATE in pio.templates:
        return
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        colorway=[PALETTE["blue"], PALETTE["red"], PALETTE["green"], PALETTE["amber"],
                  "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"],
        font={"family": FONT, "size": 13},
        title={"font": {"size": 15}, "x": 0, "xanchor": "left"},
        # The toolbar stands on the right edge, never over the title (the app hides it on phones).
        modebar={"orientation": "v"},
        xaxis={"automargin": True}, yaxis={"automargin": True},
        hoverlabel={"font": {"family": FONT}},
    )
    pio.templates[TEMPLATE] = template
