"""The failover tab: a timeline of detection, DNS and promotion against an RTO."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..failover import FAILOVER_PRESETS, detection, dns, failover_seconds, failover_summary
from ..plots import failover_gantt_figure
from .base import LABEL_STYLE, WIDE, Panel, chart, update_figure

__all__ = ["FailoverPanel"]


class FailoverPanel(Panel):
    """A failover timeline: pick a preset, or tune Route 53's health checks and
    TTL; best, typical and worst recovery time against an RTO, and a Gantt chart."""

    def __init__(self, preset: str = "route53_region_failover", rto_s: float = 300.0):
        failover_seconds(preset)  # validates the name
        super().__init__()
        style = LABEL_STYLE
        self.preset = widgets.Dropdown(options=list(FAILOVER_PRESETS), value=preset,
                                       description="Failure", style=style,
                                       layout=dict(WIDE))
        self.interval = widgets.ToggleButtons(options=[10, 30], value=30,
                                              description="Check every (s)", style=style)
        self.threshold = widgets.IntSlider(layout=dict(WIDE), value=3, min=1, max=10, description="Failure threshold",
                                           style=style, continuous_update=False)
        self.ttl = widgets.FloatSlider(layout=dict(WIDE), value=60, min=0, max=600, step=5, description="DNS TTL (s)",
                                       style=style, continuous_update=False)
        self.client_cache = widgets.FloatSlider(layout=dict(WIDE), value=0, min=0, max=600, step=5,
                                                description="Client DNS cache (s)", style=style,
                                                continuous_update=False)
        self.rto = widgets.FloatSlider(layout=dict(WIDE), value=rto_s, min=10, max=3600, step=10,
                                       description="RTO target (s)", style=style,
                                       continuous_update=False)
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-failover-summary")
        self.chart = chart(failover_gantt_figure(self.stages(), preset))
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

    def refresh(self) -> None:
        route53 = self.preset.value == "route53_region_failover"
        for w in (self.interval, self.threshold, self.ttl, self.client_cache):
            w.disabled = not route53
        stages = self.stages()
        self.summary.value = (f"<p style='font-size:1.1em'>"
                              f"{html.escape(failover_summary(stages, self.rto.value))}</p>")
        update_figure(self.chart, failover_gantt_figure(stages, self.preset.value))
