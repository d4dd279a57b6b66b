"""The drills tab: the source article's chaos tests, as spreads of recovery time."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..architecture_file import load_architecture, reference_architectures
from ..checks import InvalidInputError
from ..drills import DRILLS, design_drill, drill_stages, run_drill
from ..model import Architecture
from ..plots import drill_figure
from .base import LABEL_STYLE, WIDE, Panel, chart, update_figure
from .tabs import AppTab

__all__ = ["DrillPanel"]


#: The drill on the workspace's own design (the dropdown's value).
_DESIGN = "design"


class DrillPanel(Panel):
    """A failover drill: pick the failure (a part of the workspace's design, or the
    source article's three chaos tests on their reference designs), tune health
    checks and DNS TTL where they apply, and see the spread of recovery times against
    the RTO. With a ``workspace`` the first drill fails a part of its design (class
    ``hadr-drill-part``: which one), with its standbys' failover times, against the
    scenario's RTO for a lost instance."""

    _DEFAULT_CHECKS = {"kill_instance": (30, 2), "lose_region": (30, 3)}

    def __init__(self, drill: str | None = None, rto_s: float | None = None, *,
                 runs: int = 5000, seed: int = 0, workspace=None):
        mine = workspace is not None and workspace.scenario.design is not None
        drill = drill or (_DESIGN if mine else "lose_region")
        if drill not in DRILLS and not (drill == _DESIGN and mine):
            raise InvalidInputError(f"drill: {drill!r} is not a drill; use one of {', '.join(DRILLS)}")
        super().__init__(workspace)
        self.runs, self.seed = runs, seed
        self._designs: dict[str, Architecture] = {}
        style = LABEL_STYLE
        self.drill = widgets.Dropdown(options=self._drill_options(), value=drill,
                                      description="Failure injected", style=style,
                                      layout=dict(WIDE))
        self.drill.add_class("hadr-drill-choice")
        self.part = widgets.Dropdown(options=self._parts(), description="Part that fails", style=style,
                                     layout=dict(WIDE))
        self.part.add_class("hadr-drill-part")
        rto = rto_s or self._default_rto(drill)
        self.rto = widgets.FloatSlider(layout=dict(WIDE), value=rto, min=10, max=max(1800.0, rto),
                                       step=10, description="RTO target (s)", style=style,
                                       continuous_update=False, readout_format=".0f")
        self.interval = widgets.ToggleButtons(options=[10, 30], value=30,
                                              description="Check every (s)", style=style)
        self.threshold = widgets.IntSlider(layout=dict(WIDE), value=self._DEFAULT_CHECKS.get(drill, (30, 3))[1], min=1,
                                           max=10, description="Failure threshold", style=style,
                                           continuous_update=False)
        self.ttl = widgets.FloatSlider(layout=dict(WIDE), value=60, min=0, max=600, step=5, description="DNS TTL (s)",
                                       style=style, continuous_update=False, readout_format=".0f")
        self.about = widgets.HTML()
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-drill-summary")
        self.result = run_drill("lose_region", runs=10, seed=seed, rto_s=60.0)  # replaced by update()
        self.chart = chart(drill_figure(self.result))
        self.drill.observe(self._drill_changed, names="value")
        for control in (self.part, self.rto, self.interval, self.threshold, self.ttl):
            control.observe(self.update, names="value")
        self.update()
        self.widget = widgets.VBox([self.drill, self.part, self.about, self.rto, self.interval,
                                    self.threshold, self.ttl, self.summary, self.chart, self.message])

    def _design(self):
        ws = self.workspace
        return None if ws is None else ws.scenario.design

    def _drill_options(self) -> list[tuple[str, str]]:
        design = self._design()
        mine = [] if design is None else [("Your design: a part fails", _DESIGN)]
        return mine + [(d.title, k) for k, d in DRILLS.items()]

    def _parts(self) -> list[tuple[str, str]]:
        """The design's parts as people call them (their label), each by its name."""
        design = self._design()
        return [] if design is None else [(c.display, c.name) for c in design.components]

    def _default_rto(self, key: str) -> float:
        """The scenario's RTO for a lost instance on the own design; the drill's own otherwise."""
        if key == _DESIGN:
            return float(self.ws.scenario.rto_targets["instance"] * 3600.0)
        return DRILLS[key].rto_s

    def _set_rto(self, seconds: float) -> None:
        self.rto.max = max(1800.0, seconds)
        self.rto.value = seconds

    def _drill_changed(self, change=None) -> None:
        key = self.drill.value
        with self.hold():
            interval, threshold = self._DEFAULT_CHECKS.get(key, (30, 3))
            self.interval.value, self.threshold.value = interval, threshold
            self.ttl.value = 60
            self._set_rto(self._default_rto(key))
        self.update()

    def from_workspace(self, change) -> None:
        """A new scenario or design: the own-design drill follows it (its parts, its RTO)."""
        if change is not None and not (change.scenario or change.design):
            return
        key = self.drill.value
        self.drill.options = self._drill_options()
        if key == _DESIGN and self._design() is None:
            key = "lose_region"
        self.drill.value = key
        self.part.options = self._parts()
        if key == _DESIGN:
            self._set_rto(self._default_rto(key))

    def stages(self):
        key = self.drill.value
        if key not in self._DEFAULT_CHECKS:
            return drill_stages(key)
        return drill_stages(key, interval_s=self.interval.value, threshold=self.threshold.value,
                            ttl_s=self.ttl.value if key == "lose_region" else None)

    def refresh(self) -> None:
        key = self.drill.value
        for w in (self.interval, self.threshold):
            w.disabled = key not in self._DEFAULT_CHECKS
        self.ttl.disabled = key != "lose_region"
        for w in (self.interval, self.threshold, self.ttl):  # a control that does not apply is not shown
            w.layout.display = "none" if w.disabled else None
        self.part.layout.display = None if key == _DESIGN else "none"
        if key == _DESIGN:
            design = self._design()
            part = self.part.value or design.components[0].name
            drill = design_drill(design, part, self.rto.value)
            which = design.component(part)
            what = f"<b>{html.escape(which.display)}</b>"
            self.about.value = (f"<p>On <b>{html.escape(design.name)}</b>, the workspace's design: "
                                f"{f'one of the {which.count} replicas of {what}' if which.count > 1 else what} "
                                f"fails; recovery is {html.escape(', then '.join(st.name for st in drill.stages))}. "
                                f"The RTO is the scenario's for a lost instance.</p>")
            self.result = run_drill(drill, architecture=design, rto_s=self.rto.value,
                                    runs=self.runs, seed=self.seed)
            self.summary.value = f"<p style='font-size:1.1em'>{html.escape(self.result.sentence())}</p>"
            update_figure(self.chart, drill_figure(self.result))
            return
        d = DRILLS[key]
        if d.architecture not in self._designs:  # each file read once
            self._designs[d.architecture] = load_architecture(
                reference_architectures()[d.architecture])
        self.about.value = (f"<p>On the shipped design <b>{html.escape(self._designs[d.architecture].name)}</b>. "
                            f"The source article's test {html.escape(d.article)}.</p>")
        self.result = run_drill(key, architecture=self._designs[d.architecture],
                                stages=self.stages(), rto_s=self.rto.value,
                                runs=self.runs, seed=self.seed)
        self.summary.value = f"<p style='font-size:1.1em'>{html.escape(self.result.sentence())}</p>"
        update_figure(self.chart, drill_figure(self.result))


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "drills", "Drills",
    lambda ctx: DrillPanel(workspace=ctx.workspace),
    ready=".hadr-drill-summary",
    about="recovery time of a failover drill on your design (or the article's) against the RTO",
)
