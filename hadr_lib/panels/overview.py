"""The overview tab: the scenario picker, upload and download of the workspace, the
verdict in one colour, headline figures and the report."""

from __future__ import annotations

import html
import logging
import threading
from functools import partial

import ipywidgets as widgets

from ..formatting import format_duration, format_money, format_percent
from ..overview import overview
from ..scenario import load_scenario, reference_scenarios
from ..workspace import Workspace, parse_scenario_upload
from .base import (
    DR_ASSUMPTIONS,
    LABEL_STYLE,
    MODEL_ASSUMPTIONS,
    WIDE,
    Panel,
    assumptions,
    download_link,
    kpi_html,
    set_target_value,
    status_html,
    target_slider,
    upload_button,
)
from .tabs import AppTab

__all__ = ["OverviewPanel", "download_link"]

log = logging.getLogger("hadr_lib.panels")

_UPLOADED = "__uploaded__"


class OverviewPanel(Panel):
    """For managers: pick, upload or download a scenario and set the target; see the
    verdict in one colour, the money and the minutes, and prepare the report.

    The panel works on a ``Workspace`` (one is made from ``scenario`` and
    ``target`` when none is given): every other tab's what-ifs show here, and the
    download and the report are of the workspace as it stands.
    """

    def __init__(self, scenario: str = "ecommerce_shop", target: float = 0.9995,
                 on_scenario=None, *, workspace: Workspace | None = None):
        refs = reference_scenarios()
        if workspace is None:
            from ..checks import InvalidInputError

            if scenario not in refs:
                raise InvalidInputError(f"scenario: {scenario!r} is not a shipped scenario; use one "
                                        f"of {', '.join(refs)}")
            workspace = Workspace(scenario, target)
        super().__init__(workspace)
        self.on_scenario = on_scenario
        # Shipped scenarios are read once each; picking one again is instant.
        self.scenarios = {k: load_scenario(p) for k, p in refs.items()}
        self.uploaded = None
        self.scenario = widgets.Dropdown(
            options=self._options(), value=workspace.key or _UPLOADED,
            description="Scenario", style=LABEL_STYLE, layout=dict(WIDE))
        self.scenario.add_class("hadr-scenario")
        self.upload = upload_button("Upload a scenario", "hadr-upload")
        self.target = target_slider(workspace.target, "hadr-overview-target")
        self.kpis = widgets.HTML()
        self.kpis.add_class("hadr-kpis-box")
        self.verdict = widgets.HTML()
        self.verdict.add_class("hadr-overview")
        self.downloads = widgets.HTML()
        self.report_button = widgets.Button(description="Prepare the report",
                                            tooltip="Builds the HTML report of this workspace",
                                            layout={"width": "200px"})
        self.report_button.add_class("hadr-report-button")
        self.report_link = widgets.HTML()
        self.report_link.add_class("hadr-report-link")
        self.earlier_upload = upload_button("What changed since an earlier file?", "hadr-diff-upload")
        self.changes = widgets.HTML()
        self.changes.add_class("hadr-diff")
        self._earlier = None  # (file name, Scenario) of the earlier file, once given
        self._preparing = False
        self._reported: tuple[bytes, float] | None = None  # the state the link's report is of
        self._reports = None  # a ReportWorker, started at the first report
        self._done = threading.Event()
        self._done.set()
        self.reports_built = self.reports_skipped = 0
        self.scenario.observe(self._scenario_picked, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.earlier_upload.observe(self._earlier_uploaded, names="value")
        self.bind_target(self.target)
        self.report_button.on_click(self.prepare_report)
        self.update()
        self.widget = widgets.VBox([
            widgets.HBox([self.scenario, self.upload],
                         layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.target, self.kpis, self.verdict,
            widgets.HBox([self.downloads]),
            widgets.HBox([self.report_button, self.report_link],
                         layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.earlier_upload, self.changes,
            self.message,
            assumptions(f"{MODEL_ASSUMPTIONS} {DR_ASSUMPTIONS}"),
        ])

    def _options(self) -> list[tuple[str, str]]:
        options = [(sc.name, k) for k, sc in self.scenarios.items()]
        if self.ws.key is None:
            options.append((f"{self.ws.scenario.name} (uploaded)", _UPLOADED))
        return options

    def _scenario_picked(self, change) -> None:
        if self._holding or change["new"] in (None, _UPLOADED):
            return
        key = change["new"]
        self.report_link.value = ""
        try:
            self.ws.set_scenario(self.scenarios[key], origin=self, key=key)
        except Exception as exc:  # shown in the panel, never lost
            self.message.value = f"Could not open that scenario: {html.escape(str(exc))}"
            return
        self._after_scenario()

    def _uploaded(self, change) -> None:
        def open_it(name: str, content: bytes) -> None:
            # parse_scenario_upload checks the size, the text and the scenario
            self.ws.set_scenario(parse_scenario_upload(name, content), origin=self, key=None)

        ok, _ = self.take_upload(change, self.upload, open_it, "file")
        if not ok:
            return
        self._after_scenario()

    def _earlier_uploaded(self, change) -> None:
        """An earlier version of the scenario (last week's file): what changed since, and
        what follows, shown until another is given."""
        def keep(name: str, content: bytes):
            return name, parse_scenario_upload(name, content)

        ok, earlier = self.take_upload(change, self.earlier_upload, keep, "earlier file")
        if ok:
            self._earlier = earlier
            self.update()

    def _changes_html(self) -> str:
        from ..diff import scenario_diff

        if self._earlier is None:
            return ""
        name, earlier = self._earlier
        now = self.ws.scenario.replace(availability_target=self.ws.target)
        diff = scenario_diff(earlier, now)
        sections = []
        if diff.unchanged:
            sections.append("<p>Nothing changed.</p>")
        for title, lines in (("Inputs", [c.sentence for c in diff.inputs]), ("Design", list(diff.design)),
                             ("What follows", [c.sentence for c in diff.outcomes])):
            if lines:
                items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
                sections.append(f"<p><b>{title}</b></p><ul>{items}</ul>")
        return (f"<details open><summary><b>Since {html.escape(name)}</b> ({html.escape(earlier.name)} "
                f"then, the workspace now)</summary>{''.join(sections)}</details>")

    def _after_scenario(self) -> None:
        with self.hold():
            self.from_workspace(None)
        self.update()
        if self.on_scenario is not None:
            try:
                self.on_scenario(self.ws.key)
            except Exception as exc:  # shown in the panel, never lost
                self.message.value = f"Could not update the other tabs: {html.escape(str(exc))}"

    def from_workspace(self, change) -> None:
        self.scenario.options = self._options()
        self.scenario.value = self.ws.key or _UPLOADED
        set_target_value(self.target, self.ws.target)
        self.report_link.value = ""

    def refresh(self) -> None:
        ws = self.ws
        # The download first: the browser applies updates in order, so once the sentences
        # below show a change, the link already carries it (a click in between got the old file).
        text = ws.to_yaml()  # written once: the download and the report's freshness both need it
        self.downloads.value = download_link(
            text, ws.filename(), "text/yaml",
            "Download this scenario with your changes (YAML)", "hadr-download-scenario")
        ov = overview(ws.scenario, ws.target, before=ws.changed_design())
        money = partial(format_money, currency=ws.scenario.currency)
        cards = []
        if ov.evaluation is not None and ov.downtime_cost_per_year is not None:
            cards += [("Availability (designed)", format_percent(ov.evaluation.availability),
                       ov.availability_status),
                      ("Downtime a year", format_duration(ov.evaluation.downtime_per_year_s), None),
                      ("Cost of that downtime", f"{money(ov.downtime_cost_per_year)}/year", None)]
        if ov.design_cost_per_year is not None:
            cards.append(("Running the design", f"{format_money(ov.design_cost_per_year, ov.design_currency)}"
                          "/year", None))
        if ov.recommended and ov.annual_cost is not None and ov.expected_loss is not None:
            cards.append(("DR strategy + expected losses",
                          f"{money(ov.annual_cost + ov.expected_loss)}/year", "green"))
            if ov.all_in_cost is not None:
                cards.append(("All-in cost of risk", f"{money(ov.all_in_cost)}/year", None))
        else:
            cards.append(("DR strategy", "none meets the targets", "red"))
        self.kpis.value = kpi_html(cards)
        items = "".join(f"<li>{html.escape(x)}</li>" for x in ov.lines())
        self.verdict.value = status_html(
            ov.status, f"<b>{html.escape(ov.scenario.name)}: {ov.status}</b><ul>{items}</ul>")
        self.changes.value = self._changes_html()
        if self.report_link.value and not self._preparing and (text, ws.target) != self._reported:
            self.report_link.value = ""  # the report no longer matches the screen

    def _report_state(self) -> tuple[bytes, float]:
        """What a report is built from: the workspace's file and its target."""
        return self.ws.to_yaml(), self.ws.target

    def _worker(self):
        if self._reports is None:
            from ..report import ReportWorker

            self._reports = ReportWorker()
        return self._reports

    def prepare_report(self, button=None) -> None:
        """Prepare the workspace's report in the background (the app stays usable) and
        offer it for download as HTML and, where Chromium is installed, as PDF.

        One report at a time, and clicks coalesce: a click while one is being prepared,
        or while the link offers the report of the workspace as it stands, builds
        nothing (ten click messages queued in the kernel once built ten reports back to
        back). A change made while it is prepared is not lost: the report is prepared
        again for the workspace as it then stands, and a stale link is never shown."""
        from ..report import find_chromium

        state = self._report_state()
        if self._preparing or (self.report_link.value and state == self._reported):
            self.reports_skipped += 1
            return
        self._preparing = True
        self._reported = None
        self.report_button.disabled = True
        self.report_link.value = "Preparing the report (a few seconds; the app stays usable)…"
        self._done.clear()
        try:
            html_future, pdf_future = self._worker().prepare(
                state[0], self.ws.filename(), state[1], pdf=find_chromium() is not None)
        except Exception as exc:  # shown in the panel, never lost
            self._finished(state, None, None, exc)
            return
        self._when_done(html_future, lambda f: self._html_ready(state, f, pdf_future))

    def _when_done(self, future, handle) -> None:
        """Run ``handle(future)`` once ``future`` is done: on the kernel's event loop when
        there is one (widgets change in the thread that owns them), else at once."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None

        def done(f):
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(handle, f)
            else:
                handle(f)
        future.add_done_callback(done)

    def _html_ready(self, state, future, pdf_future) -> None:
        try:
            path = future.result()
        except Exception as exc:
            self._finished(state, None, None, exc)
            return
        if self._report_state() != state:  # changed meanwhile: prepare what is on screen now
            self._preparing = False
            self.report_link.value = ""
            self.prepare_report()
            return
        self.reports_built += 1
        self._reported = state
        self.report_link.value = download_link(path.read_bytes(), path.name, "text/html",
                                               "Download the report (HTML)")
        if pdf_future is None:
            self._finished(state, path, None, None)
        else:
            self._when_done(pdf_future, lambda f: self._pdf_ready(state, path, f))

    def _pdf_ready(self, state, html_path, future) -> None:
        try:
            pdf = future.result()
        except Exception as exc:
            self._finished(state, html_path, None, exc)
            return
        self._finished(state, html_path, pdf, None)

    def _finished(self, state, html_path, pdf_path, error) -> None:
        try:
            if error is not None:
                log.warning("report not prepared: %s", error)
                self.message.value = f"Could not prepare the report: {html.escape(str(error))}"
                if html_path is None:
                    self.report_link.value = ""
                    self._reported = None
            elif pdf_path is not None and self._reported == state and self.report_link.value:
                self.report_link.value += " " + download_link(
                    pdf_path.read_bytes(), pdf_path.name, "application/pdf", "Download the report (PDF)",
                    "hadr-report-pdf")
        finally:
            self._preparing = False
            self.report_button.disabled = False
            self._done.set()

    def wait_report(self, timeout: float = 300) -> bool:
        """Wait until the report being prepared is offered (or failed): True when done."""
        return self._done.wait(timeout)


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "overview", "Overview",
    lambda ctx: OverviewPanel(workspace=ctx.workspace),
    ready=".hadr-overview",
    about=("pick a scenario and a target: one colour, the money and the minutes, downloads of "
           "the scenario and its report"),
)
