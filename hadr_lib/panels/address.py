"""The workspace in the page's address and in the browser: a reload, a shared link or
the next visit opens the workspace as it was (scenario, design, what-ifs, target).

``AddressBar`` is a widget with no face. The page writes ``#w=...`` (``Workspace.to_link``)
into its address after every change, without a reload and without a server request (the
part after ``#`` is never sent), and keeps the same text in its local storage. When the
page opens, the address's workspace, else the stored one (unless the address names a
scenario, ``?scenario=NAME``), is sent back once as ``restore`` and opened.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["STORAGE_KEY", "AddressBar"]

#: Where the browser keeps the last workspace (``localStorage``).
STORAGE_KEY = "hadr-workspace"

_ESM = """
const KEY = %s;
export default {
  render({ model, el }) {
    el.style.display = "none";
    const hash = (location.hash.match(/[#&]w=([A-Za-z0-9_-]+)/) || [])[1] || "";
    let stored = "";
    try { stored = localStorage.getItem(KEY) || ""; } catch (e) { /* storage off: links still work */ }
    const named = new URLSearchParams(location.search).has("scenario");
    let waiting = false;  // the page's workspace is sent first: what the kernel shows now must not overwrite it
    if (hash || (stored && !named)) {
      waiting = true;
      model.set("restore", hash ? "link:" + hash : "stored:" + stored);
      model.save_changes();
    }
    const write = () => {
      const state = model.get("state");
      if (!state) return;
      const search = new URLSearchParams(location.search);
      search.delete("scenario");  // the workspace says which scenario
      const query = search.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + "#w=" + state);
      try { localStorage.setItem(KEY, state); } catch (e) { /* full or off */ }
    };
    // The page's width, for titles wrapped to fit it (sent when it first shows, and after a resize).
    let timer = null;
    const measure = () => { model.set("width", Math.round(window.innerWidth)); model.save_changes(); };
    measure();
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(measure, 300); });
    model.on("change:state", () => { waiting = false; write(); });
    model.on("change:restored", () => { waiting = false; write(); });
    if (!waiting) write();
  },
};
"""


class AddressBar(anywidget.AnyWidget):
    """``state``: the workspace's link text (set by the app after every change);
    ``restore``: what the page asks to open (``link:TEXT`` or ``stored:TEXT``), once;
    ``restored``: counts the restores answered (so the page writes the address again
    even when the workspace did not change); ``width``: the page's width [px]."""

    _esm = _ESM % ('"' + STORAGE_KEY + '"')
    state = traitlets.Unicode("").tag(sync=True)
    restore = traitlets.Unicode("").tag(sync=True)
    restored = traitlets.Int(0).tag(sync=True)
    #: The page's width [px], as the browser reports it (0 until it does).
    width = traitlets.Int(0).tag(sync=True)
