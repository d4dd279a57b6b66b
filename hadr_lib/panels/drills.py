"""The drills tab: the source article's chaos tests, as spreads of recovery time."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..architecture_file import load_architecture, reference_architectures
from ..checks import InvalidInputError
from ..drills import DRILLS, drill_stages, run_drill
from ..model import Architecture
from ..plots import drill_figure
from .base import LABEL_STYLE, WIDE, Panel, chart, update_figure
from .tabs import AppTab

__all__ = ["DrillPanel"]


class DrillPanel(Panel):
    """A failover drill: pick the failure (the source article's three chaos tests),
    tune health checks and DNS TTL where they apply, and see the spread of recovery
    times against the RTO."""

    _DEFAULT_CHECKS = {"kill_instance": (30, 2), "lose_region": (30, 3)}

    def __init__(self, drill: str = "lose_region", rto_s: float | None = None, *,
                 runs: int = 5000, seed: int = 0):
        if drill not in DRILLS:
            raise InvalidInputError(f"drill: {drill!r} is not a drill; use one of {', '.join(DRILLS)}")
        super().__init__()
        self.runs, self.seed = runs, seed
        self._designs: dict[str, Architecture] = {}
        style = LABEL_STYLE
        self.drill = widgets.Dropdown(options=[(d.title, k) for k, d in DRILLS.items()], value=drill,
                                      description="Failure injected", style=style,
                                      layout=dict(WIDE))
        self.drill.add_class("hadr-drill-choice")
        self.rto = widgets.FloatSlider(layout=dict(WIDE), value=rto_s or DRILLS[drill].rto_s, min=10, max=1800,
                                       step=10, description="RTO target (s)", style=style,
                                       continuous_update=False)
        self.interval = widgets.ToggleButtons(options=[10, 30], value=30,
                                              description="Check every (s)", style=style)
        self.threshold = widgets.IntSlider(layout=dict(WIDE), value=self._DEFAULT_CHECKS.get(drill, (30, 3))[1], min=1,
                                           max=10, description="Failure threshold", style=style,
                                           continuous_update=False)
        self.ttl = widgets.FloatSlider(layout=dict(WIDE), value=60, min=0, max=600, step=5, description="DNS TTL (s)",
                                       style=style, continuous_update=False)
        self.about = widgets.HTML()
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-drill-summary")
        self.result = run_drill(drill, runs=runs, seed=seed, rto_s=self.rto.value)
        self.chart = chart(drill_figure(self.result))
        self.drill.observe(self._drill_changed, names="value")
        for control in (self.rto, self.interval, self.threshold, self.ttl):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.drill, self.about, self.rto, self.interval, self.threshold,
                                    self.ttl, self.summary, self.chart, self.message])

    def _drill_changed(self, change=None) -> None:
        key = self.drill.value
        with self.hold():
            interval, threshold = self._DEFAULT_CHECKS.get(key, (30, 3))
            self.interval.value, self.threshold.value = interval, threshold
            self.ttl.value = 60
            self.rto.value = DRILLS[key].rto_s
        self.update()

    def stages(self):
        key = self.drill.value
        if key not in self._DEFAULT_CHECKS:
            return drill_stages(key)
        return drill_stages(key, interval_s=self.interval.value, threshold=self.threshold.value,
                            ttl_s=self.ttl.value if key == "lose_region" else None)

    def refresh(self) -> None:
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


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "drills", "Drills",
    lambda ctx: DrillPanel(),
    ready=".hadr-drill-summary",
    about="recovery time of a failover drill against the RTO",
)
