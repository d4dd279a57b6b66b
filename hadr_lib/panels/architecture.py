"""The architecture tabs: an explorer with a control per component (architects), and
the managers' verdict with what to improve first."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..architecture_file import architecture_yaml, load_architecture, reference_architectures
from ..availability import DAYS_PER_YEAR, check_availability, period_info
from ..checks import InvalidInputError
from ..files import safe_file_name
from ..formatting import format_duration, format_percent
from ..model import Architecture, standby_label
from ..plots import block_diagram_figure, importance_figure, tornado_figure
from ..theme import STATUS
from ..verdict import improvement_advice, target_verdict
from ..views import findings_html
from .base import (
    LABEL_STYLE,
    MODEL_ASSUMPTIONS,
    SCENARIO_DESIGN,
    WIDE,
    Panel,
    assumptions,
    chart,
    download_link,
    reference_models,
    set_target_value,
    status_html,
    target_slider,
    update_figure,
    upload_button,
)
from .tabs import AppTab

__all__ = ["ArchitectureAppPanel", "ArchitecturePanel"]

_NINES = {"min": 1.0, "max": 7.0, "step": 0.01}


def _nines_of(q: float) -> float:
    return float(np.clip(-np.log10(q), _NINES["min"], _NINES["max"])) if q > 0 else _NINES["max"]


def _availability_from_nines(n: float) -> float:
    return 1.0 - 10.0 ** -float(n)


class ArchitecturePanel(Panel):
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
        self.target = float(check_availability(target, "target"))
        period_info("year", year_days=year_days)
        super().__init__()
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
                mttr = widgets.FloatLogSlider(value=max(comp.mttr_h or 0.0, 0.01), base=10, min=-2,
                                              max=3, step=0.05, description="MTTR (h)",
                                              continuous_update=False)
                self.controls[(comp.name, "mtbf_h")] = mtbf
                self.controls[(comp.name, "mttr_h")] = mttr
                row += [mtbf, mttr]
            count = widgets.BoundedIntText(value=comp.count, min=1, max=9, description="count",
                                           layout={"width": "140px"})
            self.controls[(comp.name, "count")] = count
            row.append(count)
            rows.append(widgets.HBox(row, layout={"flex_flow": "row wrap"}))
        for i, group in enumerate(self.base.groups):
            w = widgets.FloatSlider(value=group.beta, min=0.0, max=1.0, step=0.005,
                                    description="beta", readout_format=".3f",
                                    continuous_update=False)
            self.controls[(f"group {i}", "beta")] = w
            label = group.name or f"common-cause group {i + 1}"
            rows.append(widgets.HBox([widgets.HTML(f"<b>{html.escape(label)}</b>",
                                                   layout={"width": "190px"}), w],
                                     layout={"flex_flow": "row wrap"}))
        for i, sb in enumerate(self.base.standbys):
            failover = widgets.FloatLogSlider(value=max(sb.failover_s, 1.0), base=10, min=0, max=5, step=0.05,
                                              description="failover (s)", readout_format=".3g",
                                              continuous_update=False)
            coverage = widgets.FloatSlider(value=sb.coverage, min=0.0, max=1.0, step=0.001,
                                           description="works (p)", readout_format=".3f",
                                           continuous_update=False)
            failback = widgets.Checkbox(value=sb.failback, description="fails back to the primary",
                                        indent=False, layout={"width": "220px"})
            failback.add_class("hadr-failback")
            if sb.failover_s > 0:  # a failover time needs its primary's outage length
                self.controls[(f"standby {i}", "failover_s")] = failover
            self.controls[(f"standby {i}", "coverage")] = coverage
            self.controls[(f"standby {i}", "failback")] = failback
            shown = [failover, coverage, failback] if sb.failover_s > 0 else [coverage, failback]
            rows.append(widgets.HBox([widgets.HTML(f"<b>{html.escape(standby_label(sb))}</b>",
                                                   layout={"width": "190px"}), *shown],
                                     layout={"flex_flow": "row wrap"}))
        self.headline = widgets.HTML()
        self.headline.add_class("hadr-architecture-headline")
        self.download = widgets.HTML()
        self.download.add_class("hadr-design-download")
        imp = self.base.importance(year_days=year_days, include_groups=True)
        self.diagram = chart(block_diagram_figure(self.base, imp[imp["kind"] == "component"]))
        self.importance_chart = chart(importance_figure(imp))
        self.tornado = chart(tornado_figure(self.base.sensitivity(), year_days))
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.model = self.base
        self.update()
        self.widget = widgets.VBox([
            widgets.HTML(f"<h3>{html.escape(self.base.name)}</h3>"
                         f"<p>{html.escape(self.base.description)}</p>"),
            widgets.Accordion(children=[widgets.VBox(rows)], titles=("Components",)),
            self.headline, self.download, self.diagram, self.importance_chart, self.tornado, self.message,
            assumptions(MODEL_ASSUMPTIONS),
        ])

    def current_model(self) -> Architecture:
        """The base model with the values the controls now hold."""
        changes: dict[str, dict] = {}
        betas = {}
        standbys: dict[int, dict[str, float]] = {}
        for (owner, field_), w in self.controls.items():
            if field_ == "beta":
                betas[int(owner.split()[1])] = float(w.value)
                continue
            if owner.startswith("standby "):
                i = int(owner.split()[1])
                base = getattr(self.base.standbys[i], field_)
                moved = abs(float(w.value) - max(base, 1.0)) > 1e-9 if field_ == "failover_s" else w.value != base
                if moved:  # untouched, the typed figure stays exactly as it was
                    standbys.setdefault(i, {})[field_] = (bool(w.value) if field_ == "failback"
                                                          else float(w.value))
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
            if "mttr_h" in f and abs(f["mttr_h"] - max(comp.mttr_h or 0.0, 0.01)) < 1e-12:
                del f["mttr_h"]
        return self.base.with_changes(changes, betas, standbys)

    def refresh(self) -> None:
        self.model = model = self.current_model()
        e = model.evaluate(year_days=self.year_days)
        imp = model.importance(year_days=self.year_days, include_groups=True)  # zones, regions, groups too
        status, sentence = target_verdict(e.availability, self.target, model.name)
        outages = ("" if e.outages_per_year is None else
                   f"; about {e.outages_per_year:.2g} outages a year lasting "
                   f"{format_duration(e.mean_outage_s or 0.0)} on average")
        self.headline.value = (
            f"<div style='font-size:1.15em;border-left:6px solid {STATUS[status]};"
            f"padding-left:8px'><b>{format_percent(e.availability)}</b> "
            f"({e.nines:.2f} nines): {format_duration(e.downtime_per_year_s)} of downtime "
            f"a year, {format_duration(e.downtime_per_month_s)} a month{outages}."
            f"<br>{html.escape(sentence)}</div>")
        self.download.value = download_link(
            architecture_yaml(model).encode("utf-8"), safe_file_name(model.name, "design"), "text/yaml",
            "Download this design (YAML, with the changes made here)")
        update_figure(self.diagram, block_diagram_figure(model, imp[imp["kind"] == "component"]))
        update_figure(self.importance_chart, importance_figure(imp))
        update_figure(self.tornado, tornado_figure(model.sensitivity(), self.year_days))


#: The dropdown's key of an uploaded design (without a workspace).
UPLOADED = "__uploaded__"
class ArchitectureAppPanel(Panel):
    """For managers: pick a design and a target; see the verdict and the top three
    things to improve, in plain words. With a ``workspace``, the design is the
    scenario's and picking another changes the scenario for every tab."""

    def __init__(self, architecture: str = "multi_az_postgres", target: float = 0.9995, *,
                 year_days: float = DAYS_PER_YEAR, workspace=None):
        refs = reference_architectures()
        if architecture not in refs:
            raise InvalidInputError(
                f"architecture: {architecture!r} is not a reference architecture; use one of "
                f"{', '.join(refs)}")
        check_availability(target, "target")
        super().__init__(workspace)
        self.year_days = year_days
        self.models = reference_models()
        self.choice = widgets.Dropdown(
            options=self._options(), value=self._current_key(architecture),
            description="Design", style=LABEL_STYLE, layout=dict(WIDE))
        self.choice.add_class("hadr-design")
        self.target = target_slider(workspace.target if workspace else target,
                                    "hadr-architecture-target")
        self.verdict = widgets.HTML()
        self.verdict.add_class("hadr-verdict")
        self.advice = widgets.HTML()
        self.advice.add_class("hadr-advice")
        self.description = widgets.HTML()
        # A design file, or infrastructure code read as hadr import reads it.
        self.upload = upload_button("Open a design or infrastructure code", "hadr-design-upload",
                                    ".yaml,.yml,.json,.tf,.py")
        self.findings = widgets.HTML()
        self.findings.add_class("hadr-import-findings")
        self.choice.observe(self._design_picked, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.bind_target(self.target)
        self.update()
        self.widget = widgets.VBox([
            widgets.HBox([self.choice, self.upload], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.target, self.verdict, self.advice, self.findings, self.description, self.message,
            assumptions(MODEL_ASSUMPTIONS)])

    def _uploaded(self, change) -> None:
        from ..architecture_file import dump_architecture
        from ..workspace import parse_design_or_code_upload

        ok, got = self.take_upload(change, self.upload, parse_design_or_code_upload, "design")
        if not ok or got is None:
            return
        design, findings = got
        self.message.value = ""
        if self.workspace is not None:
            self.ws.set_design(dump_architecture(design), origin=self)
        else:
            self.models[UPLOADED] = design
        with self.hold():
            self.choice.options = self._options()
            self.choice.value = self._current_key(UPLOADED) if self.workspace is not None else UPLOADED
        self.findings.value = findings_html(findings)
        self.update()

    def _options(self) -> list[tuple[str, str]]:
        options = [(m.name + (" (uploaded)" if key == UPLOADED else ""), key) for key, m in self.models.items()]
        ws = self.workspace
        if ws is not None and ws.design_key is None and ws.scenario.design is not None:
            options.insert(0, (f"{ws.scenario.design.name} (this scenario's own)", SCENARIO_DESIGN))
        return options

    def _current_key(self, default: str) -> str | None:
        ws = self.workspace
        if ws is None:
            return default
        if ws.scenario.design is None:
            return None
        return ws.design_key or SCENARIO_DESIGN

    def _design_picked(self, change) -> None:
        if self._holding:
            return
        key = change["new"]
        if key not in (SCENARIO_DESIGN, UPLOADED):
            self.findings.value = ""  # they were about the upload
        if self.workspace is not None and key not in (None, SCENARIO_DESIGN):
            try:
                self.workspace.set_design(key, origin=self)
            except Exception as exc:  # shown in the panel, never lost
                self.message.value = f"Could not use that design: {html.escape(str(exc))}"
                return
        self.update()

    def from_workspace(self, change) -> None:
        if change.design:
            self.findings.value = ""  # another tab changed the design: the upload's findings are not its
            self.choice.options = self._options()
            self.choice.value = self._current_key(self.choice.value)
        if change.target:
            set_target_value(self.target, self.ws.target)

    def model(self) -> Architecture | None:
        if self.workspace is not None:
            return self.ws.scenario.design
        return self.models[self.choice.value]

    def refresh(self) -> None:
        model = self.model()
        if model is None:
            self.verdict.value = status_html(
                "amber", "This scenario has no design yet: pick one above to see how available it is.")
            self.advice.value = self.description.value = ""
            return
        e = model.evaluate(year_days=self.year_days)
        status, sentence = target_verdict(e.availability, self.target.value, model.name)
        self.verdict.value = status_html(
            status, f"{html.escape(sentence)} That is {format_duration(e.downtime_per_year_s)} "
                    "of downtime a year.", size="1.2em")
        items = "".join(f"<li>{html.escape(s)}</li>" for s in
                        improvement_advice(model.importance(year_days=self.year_days,
                                                            include_groups=True)))
        self.advice.value = f"<p><b>What to improve first</b></p><ol>{items}</ol>"
        self.description.value = f"<p><small>{html.escape(model.description)}</small></p>"


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "architecture", "Architecture",
    lambda ctx: ArchitectureAppPanel(ctx.architecture, ctx.target, year_days=ctx.year_days,
                                     workspace=ctx.workspace),
    ready=".hadr-verdict",
    about="does a design meet the target, and the three things to improve first",
)
