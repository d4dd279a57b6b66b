"""What every panel shares: the update loop (hold, refresh, show errors), the
status card, the target control bound to a workspace, sliders that snap, and the
way a figure widget takes a new figure (changed arrays only)."""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import logging
import weakref
from collections.abc import Callable, Iterator
from typing import TypeVar

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .. import assumptions as said
from ..budget import TARGET_PRESETS
from ..formatting import duration_options, format_money, format_percent, snap_options
from ..theme import PALETTE, STATUS, STATUS_BG
from ..workspace import Change, Workspace

#: What an upload's reader returns (``Panel.take_upload``).
T = TypeVar("T")

log = logging.getLogger("hadr_lib.panels")

#: What the tabs' figures assume (the texts live in ``hadr_lib.assumptions``).
ASSUMPTIONS = f"{said.PERIODS} {said.SLA}"
MODEL_ASSUMPTIONS = f"{said.MODEL} {said.SLA}"
DR_ASSUMPTIONS = f"{said.DR} {said.STRATEGY_COSTS}"

TABLE_CSS = ("<style>.hadr-table td, .hadr-table th {padding: 4px 14px; text-align: right}"
             ".hadr-table {border-collapse: collapse}</style>")

#: The value a design picker gives the scenario's own design (one not shipped).
SCENARIO_DESIGN = "__scenario__"

#: Controls take the panel's width up to this; on a phone, the screen's.
WIDE = {"width": "100%", "max_width": "560px"}
LABEL_STYLE = {"description_width": "initial"}


def download_link(data: bytes, filename: str, mime: str, label: str, css: str = "") -> str:
    """An HTML link that downloads ``data`` as ``filename`` (a data: URI; no server)."""
    payload = base64.b64encode(data).decode("ascii")
    return (f"<a class='hadr-download {css}' download='{html.escape(filename)}' "
            f"style='color:#1f6feb;text-decoration:underline' "
            f"href='data:{mime};base64,{payload}'>{html.escape(label)}</a>")


#: What a scenario or design upload accepts.
FILE_TYPES = ".yaml,.yml,.json"


def upload_button(description: str, css_class: str, accept: str = FILE_TYPES, *,
                  multiple: bool = False) -> widgets.FileUpload:
    """A file-upload button as the tabs show it: ``description`` on it, sized to it,
    and ``css_class`` for pages and tests to find it by."""
    upload = widgets.FileUpload(accept=accept, multiple=multiple, description=description,
                                layout={"width": "auto"})
    upload.add_class(css_class)
    return upload


def update_figure(widget: go.FigureWidget, figure) -> None:
    """Bring a live FigureWidget to a freshly built figure, sending only what changed
    (a slider move changes a few arrays; the layout rarely). ``figure`` is a
    ``go.Figure`` or a plain figure dict (``data``, ``layout``), which is quicker:
    no figure object is built, only the changed properties are validated."""
    if isinstance(figure, dict):
        traces, layout = figure["data"], figure.get("layout", {})
    else:
        traces = [t.to_plotly_json() for t in figure.data]
        layout = figure.layout.to_plotly_json()
    if getattr(widget, "_hadr_layout", None) is not None:  # what a change of the page's width refits
        widget._hadr_layout = {**widget._hadr_layout, **_titles_of(layout)}
    layout = _fitted_layout(layout)  # as chart() drew it: titles the page shows whole
    if len(widget.data) != len(traces):  # a strategy added or removed: new traces
        with widget.batch_update():
            widget.data = ()
            widget.add_traces([{k: v for k, v in t.items() if k != "uid"} for t in traces])
            widget.layout.update({k: v for k, v in layout.items() if k != "template"}, overwrite=True)
        return
    with widget.batch_update():
        for live, new in zip(widget.data, traces):
            current = live.to_plotly_json()
            changed = {k: v for k, v in new.items()
                       if k not in ("uid", "type") and not _same(current.get(k), v)}
            if changed:
                live.update(changed, overwrite=True)
        current = widget.layout.to_plotly_json()
        changed = {k: v for k, v in layout.items()
                   if k != "template" and not _same(current.get(k), v)}
        if changed:
            widget.layout.update(changed, overwrite=True)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
        except (TypeError, ValueError):
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


#: The served charts' widget code: plotly's bundle imported from the server. Evaluating
#: it holds the page for most of a second, and the page handles widget messages one
#: after another, so a chart must not make the widgets after it wait: its model
#: returns at once and the bundle is imported when the chart is first drawn, a frame
#: after its tab's numbers are (the page also imports it when idle: the template).
#: plotly's own model starts then, and the figure changes that came meanwhile
#: (``_py2js_*``, which plotly's model applies in order) are handed to it in order.
_SHIM = """const url = new URL(%s, document.baseURI).href;  // plotly %s
const CHANGES = ["_py2js_addTraces", "_py2js_deleteTraces", "_py2js_moveTraces", "_py2js_restyle",
  "_py2js_relayout", "_py2js_update", "_py2js_animate", "_py2js_removeLayoutProps",
  "_py2js_removeTraceProps"];
// Two frames drawn, then the first idle moment (at most 300 ms later).
const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(
  () => idle(r, {timeout: 300}))));
export default () => {
  let drawn, ready;
  const wanted = new Promise((r) => { drawn = r; });
  return {
    initialize(ctx) {
      const model = ctx.model, pending = [], keep = {}, heard = {}, replaying = new Map();
      for (const name of CHANGES) {
        keep[name] = () => pending.push([name, model.get(name)]);
        model.on("change:" + name, keep[name]);
      }
      // plotly's model reads the changes through this view of the model, so each one
      // missed can be replayed with the value it had.
      const seen = new Proxy(model, {get(target, key) {
        if (key === "get") return (name) => replaying.has(name) ? replaying.get(name) : target.get(name);
        if (key === "on") return (event, callback, ...rest) => {
          (heard[event] ??= []).push(callback);
          return target.on(event, callback, ...rest);
        };
        const value = target[key];
        return typeof value === "function" ? value.bind(target) : value;
      }});
      ready = wanted.then(nextFrame).then(() => import(url)).then(async (m) => {
        const inner = typeof m.default === "function" ? await m.default() : m.default;
        await inner.initialize?.({...ctx, model: seen});
        for (const name of CHANGES) model.off("change:" + name, keep[name]);
        for (const [name, value] of pending.splice(0)) {
          replaying.set(name, value);
          for (const callback of heard["change:" + name] ?? []) callback();
          replaying.delete(name);
        }
        return inner;
      });
    },
    async render(ctx) {
      drawn();
      return (await ready).render(ctx);
    },
  };
};"""


@functools.lru_cache(maxsize=1)
def _figure_widget_class():
    """plotly's FigureWidget, or, in the app served by ``hadr_lib.serve`` (which sets
    ``HADR_WIDGET_BUNDLE``), one whose widget code imports plotly's bundle from the
    server (once per page, cached) instead of carrying 5 MB in every chart."""
    import json
    import os

    import plotly

    route = os.environ.get("HADR_WIDGET_BUNDLE")
    if not route:
        return go.FigureWidget

    class ServedFigureWidget(go.FigureWidget):
        _esm = _SHIM % (json.dumps(route), json.dumps(plotly.__version__))

    return ServedFigureWidget


#: Pages at least this wide [px] get titles wrapped for a desktop, narrower ones for a phone.
WIDE_PAGE_PX = 700
_page = {"wide": False}  # this kernel's page (one per kernel); a phone's until the page says
_charts: list[weakref.ref] = []  # the live charts (figures are unhashable), refitted when the width class changes


def _widths() -> tuple[int, int]:
    from ..plots import AXIS_TITLE_WIDTH, TITLE_WIDTH, WIDE_AXIS_TITLE_WIDTH, WIDE_TITLE_WIDTH

    return (WIDE_TITLE_WIDTH, WIDE_AXIS_TITLE_WIDTH) if _page["wide"] else (TITLE_WIDTH, AXIS_TITLE_WIDTH)


def set_page_width(px) -> bool:
    """The page's width [px] (the app's ``AddressBar`` reports it): titles are wrapped
    for a phone below ``WIDE_PAGE_PX`` and for a desktop above, every live chart's
    refitted when that changes. True when it changed."""
    try:
        wide = float(px) >= WIDE_PAGE_PX
    except (TypeError, ValueError):
        return False
    if wide == _page["wide"]:
        return False
    _page["wide"] = wide
    for widget in _live_charts():
        source = getattr(widget, "_hadr_layout", None)
        if source is not None:
            fitted = _fitted_layout(source)
            margin = dict(fitted.get("margin") or {})
            margin.setdefault("t", None)  # room made for wrapped lines goes back to the default
            with widget.batch_update():
                widget.layout.update({**{k: fitted[k] for k in ("title", "xaxis", "yaxis") if k in fitted},
                                      "margin": margin}, overwrite=False)
    return True


def _titles_of(layout: dict) -> dict:
    """The parts of a plain layout ``_fitted_layout`` changes, as given (unwrapped)."""
    out = {k: layout[k] for k in ("title", "margin") if layout.get(k)}
    for axis in ("xaxis", "yaxis"):
        if isinstance(layout.get(axis), dict) and "title" in layout[axis]:
            out[axis] = {"title": layout[axis]["title"]}
    return out


def _live_charts() -> list:
    """The charts still alive (the list forgets the others)."""
    live = [w for w in (ref() for ref in _charts) if w is not None]
    _charts[:] = [weakref.ref(w) for w in live]
    return live


def _fitted_layout(layout: dict) -> dict:
    """A plain layout with titles the page shows whole (``plots.compact_titles`` at the
    page's widths: a phone's until the page says it is wide)."""
    from ..plots import compact_titles

    layout = dict(layout)
    for key, value in compact_titles(layout, *_widths()).items():
        if key == "title":
            layout["title"] = {**_as_title(layout.get("title")), **value}
        elif key == "margin":
            layout["margin"] = value
        else:  # an axis: its other settings stay
            axis = dict(layout.get(key) or {})
            axis["title"] = {**_as_title(axis.get("title")), **value["title"]}
            layout[key] = axis
    return layout


def _fit_titles(figure):
    """``figure`` (a ``go.Figure`` or a plain figure dict) with titles the page shows whole."""
    if isinstance(figure, dict):
        return {**figure, "layout": _fitted_layout(figure.get("layout", {}))}
    from ..plots import compact_titles

    changes = compact_titles(figure.layout.to_plotly_json(), *_widths())
    if changes:
        figure.update_layout(changes)
    return figure


def _as_title(title) -> dict:
    return dict(title) if isinstance(title, dict) else ({"text": title} if title else {})


def chart(figure) -> go.FigureWidget:
    """A live chart of ``figure`` (see ``_figure_widget_class``), its titles fitted to the
    page (a phone's until the page says it is wide; refitted when that changes)."""
    layout = figure.get("layout", {}) if isinstance(figure, dict) else figure.layout.to_plotly_json()
    source = _titles_of(layout)
    widget = _figure_widget_class()(_fit_titles(figure))
    widget._hadr_layout = source
    if len(_charts) > 500:  # charts a closed tab left behind
        _live_charts()
    _charts.append(weakref.ref(widget))
    return widget


@functools.lru_cache(maxsize=1)
def _reference_models() -> tuple:
    from ..architecture_file import load_architecture, reference_architectures

    return tuple((name, load_architecture(path)) for name, path in reference_architectures().items())


def reference_models() -> dict:
    """The shipped designs by name, each file read once per process (models are not
    changed in place: ``with_changes`` returns a new one)."""
    return dict(_reference_models())


def error_html(exc: Exception) -> str:
    return ("<div class='hadr-error' style='color:#a00'>Could not update: "
            f"{html.escape(str(exc))}</div>")


def status_html(status: str, inner: str, *, size: str = "1.15em") -> str:
    """A verdict card: ``inner`` (already HTML) on the status colour."""
    return (f"<div class='hadr-status-{status} hadr-card' style='font-size:{size};padding:8px 10px;"
            f"background:{STATUS_BG[status]};border-left:8px solid {STATUS[status]};"
            f"border-radius:4px'>{inner}</div>")


def kpi_html(cards: list[tuple[str, str, str | None]]) -> str:
    """Headline cards: (label, value, status or None) each, wrapping on narrow screens."""
    out = []
    for label, value, status in cards:
        edge = STATUS.get(status or "", PALETTE["grey"])
        out.append(
            f"<div class='hadr-kpi' style='flex:1 1 150px;min-width:0;padding:8px 12px;"
            f"border:1px solid #ddd;border-top:5px solid {edge};border-radius:6px;background:#fff'>"
            f"<div style='font-size:0.8em;color:#555'>{html.escape(label)}</div>"
            f"<div class='hadr-kpi-value' style='font-size:1.35em;font-weight:600;"
            f"overflow-wrap:anywhere'>{html.escape(value)}</div></div>")
    return ("<div class='hadr-kpis' style='display:flex;flex-wrap:wrap;gap:8px;margin:6px 0'>"
            + "".join(out) + "</div>")


def target_options(target: float) -> list[tuple[str, float]]:
    values = sorted(set(TARGET_PRESETS) | {float(target)})
    return [(format_percent(v), v) for v in values]


def target_slider(target: float, css_class: str, description: str = "Target") -> widgets.SelectionSlider:
    w = widgets.SelectionSlider(options=target_options(target), value=float(target),
                                description=description, continuous_update=True,
                                layout=dict(WIDE), style=LABEL_STYLE)
    w.add_class(css_class)
    return w


def show_value(slider: widgets.SelectionSlider, value: float, options) -> None:
    """Show ``value`` on a selection slider; ``options(value)`` gives the options that
    include it, read out as they should be now: a scenario in another currency or unit
    relabels the options even where the values are the same ($2,000/record was left
    beside EUR 120,000/h after a switch)."""
    value = float(value)
    new = options(value)
    if list(slider.options) != list(new):
        slider.options = new
    slider.value = value


def set_target_value(slider: widgets.SelectionSlider, target: float) -> None:
    """Show ``target`` on a target slider, adding it to the options if needed."""
    show_value(slider, target, target_options)


def snap_slider(value: float, low: float, high: float, label, description: str) -> widgets.SelectionSlider:
    """A log slider over round values (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, ...) read
    out by ``label``; ``value`` is among the options even off the steps or the range."""
    value = float(value)
    return widgets.SelectionSlider(
        options=snap_options(value, low, high, label), value=value, description=description,
        continuous_update=False, layout=dict(WIDE), style=LABEL_STYLE)


def money_slider(value: float, low: float, high: float, currency: str, description: str,
                 unit: str = "") -> widgets.SelectionSlider:
    """A snapping log slider over round amounts ($100, $150, $200, ...), read out as money."""
    return snap_slider(value, low, high, lambda v: format_money(v, currency) + unit, description)


def hours_slider(value_h: float, low_h: float, high_h: float, description: str) -> widgets.SelectionSlider:
    """A slider over round durations (30 seconds, 15 minutes, 4 hours), read out in
    words; its values are hours. ``value_h`` is among the options."""
    value_h = float(value_h)
    return widgets.SelectionSlider(
        options=duration_options(value_h * 3600, low_h * 3600, high_h * 3600),
        value=value_h, description=description, continuous_update=False,
        layout=dict(WIDE), style=LABEL_STYLE)


def set_hours(slider: widgets.SelectionSlider, value_h: float, low_h: float, high_h: float) -> None:
    """Show ``value_h`` on an ``hours_slider``, adding it to the options if needed."""
    show_value(slider, value_h, lambda v: duration_options(v * 3600, low_h * 3600, high_h * 3600))


def set_snapped(slider: widgets.SelectionSlider, value: float, low: float, high: float, label) -> None:
    """Show ``value`` on a snapping slider, adding it to the options if needed."""
    show_value(slider, value, lambda v: snap_options(v, low, high, label))


class Panel:
    """A panel: ``widget`` to display, ``update()`` to recompute from the controls.

    Subclasses implement ``refresh()`` (read controls, call the library, write
    widgets); ``update`` wraps it so an error is logged and shown in the panel,
    never lost and never a traceback. ``hold()`` batches many control changes
    into one update. With a ``workspace``, ``from_workspace(change)`` takes the
    workspace's state into the controls whenever another tab changes it; a panel
    out of sight (``show(False)``, an app tab not selected) does that when it is
    next shown, once, so a slider on one tab recomputes that tab alone.
    """

    widget: widgets.Widget

    def __init__(self, workspace: Workspace | None = None):
        self.workspace = workspace
        self.message = widgets.HTML()
        self.message.add_class("hadr-message")
        self._holding = 0
        self.shown = True
        self._behind: Change | None = None  # what the workspace did while out of sight
        if workspace is not None:
            workspace.observe(self._workspace_changed)

    @property
    def ws(self) -> Workspace:
        """The workspace (for panels that have one)."""
        if self.workspace is None:
            raise RuntimeError(f"{type(self).__name__} has no workspace")
        return self.workspace

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Change many controls; no update until the block ends."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def update(self, change=None) -> None:
        """Read every control, recompute, and update the widgets in place."""
        if self._holding:
            return
        try:
            self.refresh()
            self.message.value = ""
        except Exception as exc:  # shown in the panel and logged, never lost
            log.warning("%s could not update: %s", type(self).__name__, exc,
                        exc_info=not isinstance(exc, ValueError))
            self.message.value = error_html(exc)

    def refresh(self) -> None:
        raise NotImplementedError

    def from_workspace(self, change: Change) -> None:
        """Take the workspace's state into the controls (called inside ``hold``)."""

    def show(self, shown: bool) -> None:
        """In sight or not; coming into sight, catch up with the workspace."""
        self.shown = shown
        if shown and self._behind is not None:
            change, self._behind = self._behind, None
            self._follow(change)

    def _workspace_changed(self, workspace: Workspace, change: Change) -> None:
        if change.origin is self:
            return
        if not self.shown:
            before = self._behind or Change()
            self._behind = Change(scenario=before.scenario or change.scenario,
                                  design=before.design or change.design,
                                  target=before.target or change.target, origin=change.origin)
            return
        self._follow(change)

    def _follow(self, change: Change) -> None:
        try:
            with self.hold():
                self.from_workspace(change)
        except Exception as exc:
            log.warning("%s could not follow the workspace: %s", type(self).__name__, exc)
            self.message.value = error_html(exc)
            return
        self.update()

    def take_upload(self, change, upload: widgets.FileUpload, read: Callable[[str, bytes], T],
                    what: str) -> tuple[bool, T | None]:
        """An upload's one file given to ``read(name, content)``: (True, its result), or
        (False, None) with the error told in the panel ("Could not open the uploaded
        ``what``"), never a traceback. The control is emptied either way, so the same
        file may be uploaded again."""
        files = change["new"]
        if not files:
            return False, None
        f = files[0]
        try:
            return True, read(str(f.get("name", "upload")), bytes(f["content"]))
        except Exception as exc:  # a bad file is told, never a traceback
            self.message.value = (f"<div class='hadr-error' style='color:#a00'>Could not open the "
                                  f"uploaded {what}: {html.escape(str(exc))}</div>")
            return False, None
        finally:
            with self.hold():
                upload.value = ()

    def bind_target(self, slider: widgets.SelectionSlider) -> None:
        """The slider writes the workspace's target (when there is one) and updates."""
        def moved(change):
            if self._holding:
                return
            if self.workspace is not None:
                self.workspace.set_target(change["new"], origin=self)
            self.update()
        slider.observe(moved, names="value")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def assumptions(text: str) -> widgets.HTML:
    return widgets.HTML(f"<small style='color:#444'>{html.escape(text)}</small>")
