"""The designs tab: the workspace's design against another (shipped or uploaded), in minutes and money,
how sure the figures are, and a button to adopt the other design."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..compare import changed_blocks, compare, compare_sentence, format_compare_table
from ..formatting import format_percent
from ..model import Architecture
from ..uncertainty import propagate
from ..workspace import parse_design_upload
from .base import LABEL_STYLE, TABLE_CSS, WIDE, Panel, reference_models, upload_button
from .tabs import AppTab

__all__ = ["CompareDesignsPanel"]

#: Draws for "how sure": enough for a p5-p95 band to 2 digits, quick on a slider move.
_DRAWS = 2000
#: Spread assumed for figures without an error factor (p95/p50 of a lognormal).
_ERROR_FACTOR = 3.0
#: The dropdown's value while an uploaded design is compared.
_UPLOADED = "__uploaded__"


class CompareDesignsPanel(Panel):
    """The workspace's design against another, shipped or uploaded (a design file,
    class ``hadr-compare-upload``): availability, downtime, outages and cost side by
    side, what changed, what the difference is worth at the scenario's cost of
    downtime, and how sure the figures are (error factor 3 on figures without one).
    "Use this design" makes the other design the workspace's, for every tab."""

    def __init__(self, workspace, other: str | None = None):
        super().__init__(workspace)
        self.models = reference_models()
        keys = list(self.models)
        current = workspace.design_key
        if other is None:
            other = next((k for k in keys if k != current), keys[0])
        self.other = widgets.Dropdown(options=[(m.name, k) for k, m in self.models.items()],
                                      value=other, description="Compare with", style=LABEL_STYLE,
                                      layout=dict(WIDE))
        self.other.add_class("hadr-compare-with")
        self.upload = upload_button("Upload design B", "hadr-compare-upload")
        self.uploaded: Architecture | None = None  # the uploaded design, while it is the one compared
        self.sentence = widgets.HTML()
        self.sentence.add_class("hadr-compare-sentence")
        self.table = widgets.HTML()
        self.table.layout.overflow = "auto"
        self.changes = widgets.HTML()
        self.sure = widgets.HTML()
        self.sure.add_class("hadr-compare-sure")
        self.adopt = widgets.Button(description="Use this design", layout={"width": "200px"},
                                    tooltip="Makes it the scenario's design on every tab")
        self.adopt.add_class("hadr-compare-adopt")
        self.other.observe(self._picked, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.adopt.on_click(self._adopt)
        self.update()
        self.widget = widgets.VBox([
            widgets.HBox([self.other, self.upload], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.sentence, self.table, self.sure, self.changes, self.adopt, self.message])

    def _options(self) -> list[tuple[str, str]]:
        options = [(m.name, k) for k, m in self.models.items()]
        if self.uploaded is not None:
            options.append((f"{self.uploaded.name} (uploaded)", _UPLOADED))
        return options

    def _picked(self, change) -> None:
        if self._holding:
            return
        if change["new"] != _UPLOADED and self.uploaded is not None:
            self.uploaded = None  # back to the shipped designs
            with self.hold():
                value = self.other.value
                self.other.options = self._options()
                self.other.value = value
        self.update()

    def _uploaded(self, change) -> None:
        # limits, text and design are checked by parse_design_upload
        ok, design = self.take_upload(change, self.upload, parse_design_upload, "design")
        if not ok:
            return
        self.uploaded = design
        self.message.value = ""
        with self.hold():
            self.other.options = self._options()
            self.other.value = _UPLOADED
        self.update()

    def _other_design(self):
        return self.uploaded if self.other.value == _UPLOADED else self.models[self.other.value]

    def _adopt(self, button=None) -> None:
        from ..architecture_file import dump_architecture

        try:
            other = self.other.value
            if other == _UPLOADED and self.uploaded is not None:
                self.ws.set_design(dump_architecture(self.uploaded), origin=self)
            else:
                self.ws.set_design(other, origin=self)
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = f"Could not use that design: {html.escape(str(exc))}"
            return
        self.update()

    def from_workspace(self, change) -> None:
        pass  # refresh() reads the workspace

    def refresh(self) -> None:
        sc, target = self.ws.scenario, self.ws.target
        mine = sc.design
        other = self._other_design()
        if mine is None:
            self.sentence.value = "<p>This scenario has no design yet: pick one on the Architecture tab.</p>"
            self.table.value = self.changes.value = self.sure.value = ""
            return
        table = compare([mine, other])
        said = compare_sentence(table, sc.downtime_cost_per_hour, sc.currency, [mine.currency, other.currency])
        self.sentence.value = f"<p style='font-size:1.1em'>{html.escape(said)}</p>"
        view = format_compare_table(table, sc.currency, [mine.currency, other.currency])
        self.table.value = TABLE_CSS + view.to_html(index=False, border=0, classes="hadr-table")
        rows = []
        for design in (mine, other):
            u = propagate(design, _DRAWS, seed=0, default_error_factor=_ERROR_FACTOR, target=target)
            p = u.p_meet_target
            rows.append(f"<li><b>{html.escape(design.name)}</b>: between "
                        f"{format_percent(1 - u.percentile(95))} and {format_percent(1 - u.percentile(5))} "
                        f"(90% of {_DRAWS:,} draws)"
                        + ("" if p is None else f"; meets {format_percent(target)} with a chance of "
                           f"{p:.0%}") + "</li>")
        self.sure.value = (f"<p><b>How sure?</b> With every figure uncertain by a factor of "
                           f"{_ERROR_FACTOR:g} (p95/p50) unless its file says otherwise:</p><ul>"
                           + "".join(rows) + "</ul>")
        diff = changed_blocks(mine, other, labels=True)  # parts, figures and blocks in plain words
        items = "".join(f"<li>{html.escape(x)}</li>" for x in diff[:30])
        more = f"<li>... and {len(diff) - 30} more</li>" if len(diff) > 30 else ""
        self.changes.value = (f"<details><summary>What differs ({len(diff)})</summary>"
                              f"<ul style='font-size:0.92em'>{items}{more}</ul></details>")
        self.adopt.disabled = self.other.value != _UPLOADED and self.ws.design_key == self.other.value


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "compare", "Compare designs",
    lambda ctx: CompareDesignsPanel(ctx.workspace),
    ready=".hadr-compare-sentence",
    about="the design against another, shipped or uploaded: downtime, cost, what the difference is worth, how sure",
)
