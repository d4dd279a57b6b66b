"""Simulated years of a design (architects' notebook; not an app tab)."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..architecture_file import load_architecture, reference_architectures
from ..checks import InvalidInputError
from ..model import Architecture
from ..plots import annual_downtime_figure, sla_by_month_figure
from ..simulation import simulate
from .base import LABEL_STYLE, TABLE_CSS, Panel, chart, target_options, update_figure

__all__ = ["SimulationPanel"]


class SimulationPanel(Panel):
    """Simulated years of a design: the spread of downtime per year and the chance
    of meeting an SLA month by month, as the design, SLA and repair law change."""

    def __init__(self, architecture: str = "multi_az_postgres", sla: float = 0.9995, *,
                 years: int = 10, runs: int = 2000, seed: int = 0):
        refs = reference_architectures()
        if architecture not in refs:
            raise InvalidInputError(f"architecture: {architecture!r} is not a reference "
                                    f"architecture; use one of {', '.join(refs)}")
        super().__init__()
        self.years, self.runs, self.seed = years, runs, seed
        style = LABEL_STYLE
        self.architecture = widgets.Dropdown(options=list(refs), value=architecture,
                                             description="Architecture", style=style)
        self.sla = widgets.Dropdown(options=target_options(sla), value=float(sla),
                                    description="SLA per month", style=style)
        self.repair = widgets.ToggleButtons(options=["exponential", "lognormal"], value="exponential",
                                            description="Repair times", style=style)
        self._designs: dict[str, Architecture] = {}
        self.table = widgets.HTML()
        self.table.add_class("hadr-simulation-summary")
        self.result = self._simulate()
        self.histogram = chart(annual_downtime_figure(self.result))
        self.months = chart(sla_by_month_figure(self.result))
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

    def refresh(self) -> None:
        self.result = self._simulate()
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(f)}</th><td>{html.escape(v)}</td></tr>"
                       for f, v in self.result.summary_table(speed=False).itertuples(index=False))
        self.table.value = f"{TABLE_CSS}<table class='hadr-table'>{rows}</table>"
        update_figure(self.histogram, annual_downtime_figure(self.result))
        update_figure(self.months, sla_by_month_figure(self.result))
