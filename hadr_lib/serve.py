"""Serve the managers' app with Voila, hardened for being served to many people.

``python -m hadr_lib.serve NOTEBOOK [voila options]`` (``make run`` uses it) is
``voila`` with four fixes applied before it starts:

* **Websocket protocol.** Voila 0.5.13 (jupyter_server 2) freezes, 100% CPU and
  memory without bound, when a client connects to a kernel without the v1
  websocket subprotocol and then receives binary buffers. A kernel websocket that
  does not offer ``v1.kernel.websocket.jupyter.org`` is refused (HTTP 400) before
  it is upgraded; Voila's own page offers it.
* **Kernel messages checked before they are decoded.** jupyter_server reads the
  count of offsets at the head of a v1 binary frame and builds that many offsets
  before looking at the frame's length: eight 0xff bytes froze the server for a
  minute while its memory grew without bound. Every frame from a client is checked
  by ``v1_frame_problem`` (its count and offsets bounded by its own length, a
  known channel, the four parts of a message) and a bad one closes that websocket
  (code 1007) before jupyter_server sees it; a text frame closes it too (1003).
* **A cap on kernels, held exactly.** Each page is a kernel (about 100 MB). Past
  ``HADR_MAX_KERNELS`` (default 24) kernels in use, a new page gets a short
  "busy, try again" page with HTTP 503 instead of a kernel. Pages still starting
  count against the cap (they did not: 30 requests at once left 27 kernels).
* **Kernels only for page loads, and unconnected ones give way.** A request a
  browser marks as not a page load (``Sec-Fetch-Mode`` other than ``navigate``: a
  script's ``fetch``, an image, a no-cors request from another site) or as another
  site's frame gets HTTP 403 and no kernel: any web page could otherwise fill the
  server from its visitors' browsers. A client (an address) holds at most
  ``HADR_MAX_PENDING_PER_CLIENT`` (default 8) kernels it has not connected to; its
  next page shuts down its oldest. A full server shuts down the oldest kernel no
  client has connected to within ``HADR_EVICT_AFTER_S`` (default 20 s) of its page
  being sent, or whose last client left (its websocket closed) that long ago, to
  make room, so a burst of requests that never connect, or pages closed without
  shutting down their kernels, lock others out for seconds, not for the cull
  timeout. (The clock starts when the page has been sent, not
  when it was asked for: on a loaded server a page took longer than that to send and
  lost its kernel before it could connect.)
* **Each kernel's memory is capped.** A page's kernel, and the report kernel it
  starts, may take at most ``HADR_KERNEL_MEMORY_MB`` (default 3072) MiB of address
  space (``RLIMIT_AS``, through ``hadr_lib.limited``; an idle app kernel takes about
  1.1 GiB of address space for 180 MB resident). Past it an allocation fails with a
  ``MemoryError`` that the page shows as a message; the server and the other pages
  are untouched. ``0`` leaves kernels uncapped. It is the soft limit: Chromium,
  started to print a report to PDF, lifts it for itself (its JavaScript engine
  reserves gigabytes of address space it never uses, and died without them).
* **Preheated kernels are not culled as they are handed out.** A pooled kernel
  idle longer than the cull timeout was culled on the next tick after a page took
  it, before the page could connect: a blank page forever. Handing one out now
  counts as activity.
* **A page that is slow to connect keeps its kernel.** The culler took any kernel
  idle past the cull timeout with no client connected, including one whose page was
  still loading: with 20 pages opening at once on 2 cores, pages took over 45 s to
  load and connect, found their kernel gone, and stayed blank. A kernel that no
  client has connected to yet is culled only after ``HADR_CONNECT_GRACE_S`` (default
  300 s) idle, if that is longer than the cull timeout; a client that takes a page
  and never connects (not a browser) holds a kernel no longer than that.
* **Plotly's widget code sent once, not per chart.** plotly's FigureWidget carries
  its 5 MB JavaScript bundle in every chart's state, so each chart of each page
  shipped and evaluated it again (about a second a chart). Served here, charts are
  ``panels.base.chart`` widgets whose code is a few lines importing the bundle from
  ``/hadr/static/widgetbundle.js``: fetched once, cached by the browser.
* **Voila's front-end code in one response.** The page fetched Voila's 72 chunks and
  the widget extensions' 14 one request at a time, six at once: ``page_code`` serves
  them as one script from ``/hadr/static/voila-chunks.js``, which the app's template
  loads before Voila's entry (built from the installed files when the server starts;
  a chunk it lacks is fetched as before).
* **Kernels on unix sockets** (``KernelManager.transport: ipc`` in ``voila.json``). On
  TCP the server picked five free ports per kernel that another process could take
  before the kernel bound them: on a loaded machine a preheated kernel died of
  "Address already in use" and the page it was handed broke. Unix sockets in Voila's
  runtime folder have no port to race for, and nothing listens on the network.
* **No tracebacks to clients.** A client that sends a bogus comm message (or a
  widget state that does not validate) gets no traceback back; the error goes
  to the kernel's log (``quiet_kernel_errors``, called by ``app_panel`` in a
  kernel Voila started).
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import html
import logging
import math
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BUNDLE_ROUTE", "KERNEL_CHANNELS", "V1_PROTOCOL", "Admission", "connect_grace_s", "evict_after_s",
           "fetch_refusal", "kernel_cap", "kernel_memory_mb", "main", "patch_voila", "per_client_cap",
           "quiet_kernel_errors", "v1_frame_problem"]

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"

#: The channels a client may address in a v1 frame.
KERNEL_CHANNELS = frozenset({"shell", "control", "iopub", "stdin"})

#: Most parts one v1 frame may carry: header, parent header, metadata, content and
#: binary buffers (a widget message carries a handful).
MAX_FRAME_PARTS = 4 + 1024

#: Where the served app finds plotly's widget bundle (relative to the page).
BUNDLE_ROUTE = "hadr/static/widgetbundle.js"

log = logging.getLogger("hadr_lib.serve")

_REFUSED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>HA/DR workbook</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em">
<h1>Open the workbook from its address</h1>
<p class="hadr-refused">This request is not a page load, so it starts no session.
Type or paste the workbook's address into the browser's address bar.</p>
</body></html>"""

#: The reservation of the page request being served (None outside one).
_RESERVATION: contextvars.ContextVar[dict | None] = contextvars.ContextVar("hadr_reservation", default=None)

_BUSY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HA/DR workbook: busy</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em">
<h1>The workbook is busy</h1>
<p class="hadr-busy">{count} people are using it now, as many as this server takes.
Please try again in a few minutes; closed pages free their place within {minutes} minutes.</p>
</body></html>"""


def v1_frame_problem(frame: object) -> str | None:
    """Why a websocket frame from a client is not a well-formed message of the
    ``v1.kernel.websocket.jupyter.org`` protocol, or None when it is one.

    The frame is ``n`` (8 bytes, little-endian), then ``n`` offsets of 8 bytes, then
    the channel's name and the message's parts; offset 0 is where the channel starts
    (just past the offsets), each next offset where the next part starts, the last
    the end of the frame. The work done is bounded by the frame's length, whatever
    its bytes say.
    """
    if isinstance(frame, str):
        return "a text frame (this protocol sends binary frames)"
    if not isinstance(frame, bytes | bytearray | memoryview):
        return f"a {type(frame).__name__}, not a binary frame"
    data = bytes(frame)
    size = len(data)
    if size < 8:
        return f"{size} bytes is too short for a message"
    count = int.from_bytes(data[:8], "little")
    # channel start, header start, 3 more parts, end: at least 6 offsets
    if not 6 <= count <= MAX_FRAME_PARTS + 2:
        return f"it claims {count:,} offsets; a message has 6 to {MAX_FRAME_PARTS + 2:,}"
    head = 8 * (count + 1)
    if head > size:
        return f"it claims {count:,} offsets but is {size:,} bytes long"
    offsets = [int.from_bytes(data[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != head:
        return "its first offset is not the end of its offsets"
    if offsets[-1] != size:
        return "its last offset is not its length"
    if any(b < a for a, b in zip(offsets, offsets[1:])):
        return "its offsets decrease"
    try:
        channel = data[offsets[0]:offsets[1]].decode("utf-8")
    except UnicodeDecodeError:
        return "its channel is not UTF-8 text"
    if channel not in KERNEL_CHANNELS:
        return f"no such channel {channel[:40]!r}"
    return None


def _env_int(name: str, default: int, low: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}: {raw!r} is not a whole number") from None
    if value < low:
        raise SystemExit(f"{name}: {value} is not a whole number >= {low}")
    return value


@dataclass
class Admission:
    """Who gets a kernel (the pure part of the cap, tested without a server).

    ``pending`` counts page requests per client address that passed the check and
    have not been handed their kernel yet; ``handed`` maps a kernel handed to a page
    to (client address, time its page was sent) until a client connects to it or it is
    shut down. While the page is still being sent the time is infinite: a page that
    takes long to send on a loaded server is not yet late to connect (its kernel was
    evicted as stale while its page was still arriving).
    """

    cap: int
    per_client: int
    evict_after_s: float
    pending: dict[str, int] = field(default_factory=dict)
    handed: dict[str, tuple[str, float]] = field(default_factory=dict)
    left: dict[str, float] = field(default_factory=dict)

    def decide(self, client: str, in_use: int, now: float) -> tuple[bool, list[str]]:
        """(admit?, kernels to shut down first) for a page request from ``client``
        while ``in_use`` kernels (pages handed out, not the preheated pool) run."""
        evict: list[str] = []
        mine = sorted((t, k) for k, (c, t) in self.handed.items() if c == client)
        if len(mine) + self.pending.get(client, 0) >= self.per_client:
            if not mine:
                return False, []
            evict.append(mine[0][1])
        starting = sum(self.pending.values())
        if in_use - len(evict) + starting >= self.cap:
            waiting = [*((t, k) for k, (_, t) in self.handed.items()), *((t, k) for k, t in self.left.items())]
            stale = sorted((t, k) for t, k in waiting if now - t >= self.evict_after_s and k not in evict)
            if not stale:
                return False, []
            evict.append(stale[0][1])
        return True, evict

    def hand(self, kernel_id: str, client: str) -> None:
        """``client``'s page request got ``kernel_id``; its page is being sent."""
        self.release(client)
        self.handed[kernel_id] = (client, math.inf)

    def sent(self, kernel_id: str, now: float) -> None:
        """The page of ``kernel_id`` has been sent (or its client left): from ``now``
        its client is late if it does not connect."""
        if kernel_id in self.handed:
            self.handed[kernel_id] = (self.handed[kernel_id][0], now)

    def gone(self, kernel_id: str, now: float) -> None:
        """The last client connected to ``kernel_id`` left at ``now`` (a page closed,
        or a connection lost): from then it may give way on a full server."""
        self.left[kernel_id] = now

    def back(self, kernel_id: str) -> None:
        """A client connected to ``kernel_id`` (again), or it was shut down."""
        self.handed.pop(kernel_id, None)
        self.left.pop(kernel_id, None)

    def reserve(self, client: str) -> None:
        self.pending[client] = self.pending.get(client, 0) + 1

    def release(self, client: str) -> None:
        left = self.pending.get(client, 0) - 1
        if left > 0:
            self.pending[client] = left
        else:
            self.pending.pop(client, None)


#: Why a request may not start a kernel, from the browser's own Sec-Fetch headers
#: (None: it may be a page load; clients that send none, like curl, are let through).
def fetch_refusal(headers: Mapping[str, str]) -> str | None:
    """Why a GET of the app's page must not start a kernel, read from the
    ``Sec-Fetch-*`` headers every current browser sends, or None."""
    mode = headers.get("Sec-Fetch-Mode")
    if mode is not None and mode != "navigate":
        return f"not a page load (Sec-Fetch-Mode: {mode[:20]})"
    dest = headers.get("Sec-Fetch-Dest")
    site = headers.get("Sec-Fetch-Site")
    if dest is not None and dest != "document" and site == "cross-site":
        return f"another site's {dest[:20]}"
    return None


def kernel_cap() -> int:
    """Kernels in use a server allows (``HADR_MAX_KERNELS``, default 24, at least 1)."""
    return _env_int("HADR_MAX_KERNELS", 24, 1)


def per_client_cap() -> int:
    """Kernels one client address may hold unconnected (``HADR_MAX_PENDING_PER_CLIENT``,
    default 8): its next page shuts down its oldest."""
    return _env_int("HADR_MAX_PENDING_PER_CLIENT", 8, 1)


def evict_after_s() -> int:
    """Seconds after which a full server may shut down a kernel no client has connected
    to, to make room (``HADR_EVICT_AFTER_S``, default 20)."""
    return _env_int("HADR_EVICT_AFTER_S", 20, 0)


def kernel_memory_mb() -> int:
    """Address space [MiB] each kernel may take (``HADR_KERNEL_MEMORY_MB``, default
    3072; 0: no cap)."""
    return _env_int("HADR_KERNEL_MEMORY_MB", 3072, 0)


def connect_grace_s() -> int:
    """Seconds a kernel no client has connected to yet may stay idle before it is
    culled (``HADR_CONNECT_GRACE_S``, default 300; the cull timeout if longer)."""
    return _env_int("HADR_CONNECT_GRACE_S", 300, 0)


def patch_voila() -> None:
    """Apply the fixes above to Voila's handlers and kernel manager (idempotent)."""
    from jupyter_core.utils import ensure_async
    from voila import voila_kernel_manager
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    if getattr(TornadoVoilaHandler, "_hadr_patched", False):
        return
    cap = kernel_cap()
    grace = _dt.timedelta(seconds=connect_grace_s())

    # 1. Refuse kernel websockets without the v1 protocol, before the upgrade.
    ws_get = VoilaKernelWebsocketHandler.get

    async def get_ws(self, kernel_id, *args, **kwargs):
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if V1_PROTOCOL not in offered:
            log.warning("refused a kernel websocket without the %s subprotocol from %s",
                        V1_PROTOCOL, self.request.remote_ip)
            self.set_status(400)
            self.finish(f"This server speaks only the {V1_PROTOCOL} kernel protocol.")
            return
        return await ws_get(self, kernel_id, *args, **kwargs)

    VoilaKernelWebsocketHandler.get = get_ws

    # 1b. Check every frame before jupyter_server decodes it.
    ws_on_message = VoilaKernelWebsocketHandler.on_message

    def on_message(self, message):
        problem = v1_frame_problem(message)
        if problem is None:
            return ws_on_message(self, message)
        log.warning("closed a kernel websocket from %s: a malformed frame (%s)",
                    self.request.remote_ip, problem)
        self.close(1003 if isinstance(message, str) else 1007, "malformed kernel message")
        return None

    VoilaKernelWebsocketHandler.on_message = on_message

    # 2. Kernels only for page loads, under an exact cap; unconnected kernels give way.
    page_get = TornadoVoilaHandler.get
    admission = Admission(cap, per_client_cap(), evict_after_s())

    def pool_ids(km) -> tuple[set, int]:
        """Ids of the pool's ready kernels, and how many pool kernels are still starting."""
        ready, starting = set(), 0
        for pool in getattr(km, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ready.add(task.result().get("kernel_id"))
                else:
                    starting += 1
        return ready, starting

    async def get_page(self, path=None):
        refusal = fetch_refusal(self.request.headers)
        if refusal is not None:
            log.warning("no kernel for a request from %s: %s", self.request.remote_ip, refusal)
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_REFUSED_PAGE)
            return
        km = self.kernel_manager
        client = self.request.remote_ip or "?"
        ready, _ = pool_ids(km)
        # A pool kernel still starting may already be listed: counted as in use (never under).
        in_use = len(set(km.list_kernel_ids()) - ready)
        admit, evict = admission.decide(client, in_use, time.monotonic())
        if not admit:
            log.warning("busy: %d kernels in use, %d starting (cap %d); a page from %s was turned away",
                        in_use, sum(admission.pending.values()), cap, client)
            self.set_status(503)
            self.set_header("Retry-After", "120")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            timeout = getattr(km, "cull_idle_timeout", 0) or 120
            self.finish(_BUSY_PAGE.format(count=html.escape(str(min(in_use, cap))),
                                          minutes=max(1, round(timeout / 60 + 1))))
            return
        reservation = {"client": client}
        admission.reserve(client)  # before any await: concurrent requests see it
        why = {k: "its page closed" if k in admission.left else "handed out and never connected to"
               for k in evict}
        for kernel_id in evict:
            admission.back(kernel_id)
        token = _RESERVATION.set(reservation)
        try:
            for kernel_id in evict:
                log.warning("shut down kernel %s, %s, to make room", kernel_id, why[kernel_id])
                try:
                    await ensure_async(km.shutdown_kernel(kernel_id, now=True))
                except Exception:  # gone meanwhile
                    log.debug("kernel %s was already gone", kernel_id, exc_info=True)
            return await page_get(self, path)
        finally:
            _RESERVATION.reset(token)
            if "kernel" in reservation:
                admission.sent(reservation["kernel"], time.monotonic())
            else:  # never handed a kernel (an error, or a client that left)
                admission.release(client)

    def handed_out(kernel_id: str) -> None:
        """The page request being served got ``kernel_id``: it is now in use, not pending."""
        reservation = _RESERVATION.get()
        if reservation is not None and "kernel" not in reservation:
            reservation["kernel"] = kernel_id
            admission.hand(kernel_id, reservation["client"])

    TornadoVoilaHandler.get = get_page

    # 3. A kernel handed out of the pool is active now (else the culler may take it),
    # and one whose page has not connected yet has a grace before it is culled.
    factory = voila_kernel_manager.voila_kernel_manager_factory

    def patched_factory(*args, **kwargs):
        cls = factory(*args, **kwargs)
        rendered = cls.get_rendered_notebook
        notify_connect = cls.notify_connect
        notify_disconnect = cls.notify_disconnect
        cull_if_idle = cls.cull_kernel_if_idle
        shutdown = cls.shutdown_kernel
        start = cls.start_kernel

        def connected(self) -> set:
            """Kernels some client has connected to (forgotten when shut down)."""
            return self.__dict__.setdefault("_hadr_connected", set())

        def notify_connect_seen(self, kernel_id):
            connected(self).add(kernel_id)
            admission.back(kernel_id)
            return notify_connect(self, kernel_id)

        def notify_disconnect_seen(self, kernel_id):
            result = notify_disconnect(self, kernel_id)
            if getattr(self, "_kernel_connections", {}).get(kernel_id) == 0:
                admission.gone(kernel_id, time.monotonic())
            return result

        async def cull_kernel_if_idle(self, kernel_id):
            if kernel_id not in connected(self):
                last = getattr(self._kernels.get(kernel_id), "last_activity", None)
                if last is not None and _dt.datetime.now(_dt.UTC) - last <= grace:
                    return None  # its page may still be loading
            return await ensure_async(cull_if_idle(self, kernel_id))

        async def shutdown_kernel(self, kernel_id, *a, **kw):
            connected(self).discard(kernel_id)
            admission.back(kernel_id)
            return await ensure_async(shutdown(self, kernel_id, *a, **kw))

        async def get_rendered_notebook(self, *a, **kw):
            for _ in range(3):  # a pooled kernel that died meanwhile: the pool's next one
                result = await rendered(self, *a, **kw)
                kernel_id = result[2]
                try:
                    self.get_kernel(kernel_id).last_activity = _dt.datetime.now(_dt.UTC)
                except KeyError:  # culled or shut down meanwhile: its page would find no kernel
                    log.warning("a pooled kernel was gone when handed out; taking the next one")
                    continue
                break
            handed_out(kernel_id)
            return result

        async def start_kernel(self, *a, **kw):  # a page's own kernel when the pool is empty
            kernel_id = await ensure_async(start(self, *a, **kw))
            handed_out(kernel_id)  # a pool's kernel is started outside any page request
            return kernel_id

        cls.get_rendered_notebook = get_rendered_notebook
        cls.start_kernel = start_kernel
        cls.notify_connect = notify_connect_seen
        cls.notify_disconnect = notify_disconnect_seen
        cls.cull_kernel_if_idle = cull_kernel_if_idle
        cls.shutdown_kernel = shutdown_kernel
        return cls

    voila_kernel_manager.voila_kernel_manager_factory = patched_factory
    import voila.app as voila_app

    voila_app.voila_kernel_manager_factory = patched_factory

    # 3b. Every kernel started with its address space capped.
    memory_mb = kernel_memory_mb()
    if memory_mb:
        from jupyter_client.provisioning.local_provisioner import LocalProvisioner

        launch = LocalProvisioner.launch_kernel

        # limited.py run as a file in isolated mode (-I: no script folder on the path): with
        # -m, Python imports all of hadr_lib first, a second of CPU before every kernel.
        from . import limited

        wrapper = [sys.executable, "-I", limited.__file__]

        async def launch_capped(self, cmd, **kw):
            return await launch(self, [*wrapper, str(memory_mb), *cmd], **kw)

        LocalProvisioner.launch_kernel = launch_capped  # type: ignore[method-assign]

    # 4. Plotly's widget bundle as one cacheable file (see panels.base.chart).
    import plotly
    import tornado.web
    from jupyter_server.utils import url_path_join

    bundle_dir = str(Path(plotly.__file__).parent / "package_data")
    init_handlers = voila_app.Voila.init_handlers

    class BundleHandler(tornado.web.StaticFileHandler):
        def set_extra_headers(self, path):
            # Revalidated on every page (a 304 when unchanged): a plotly upgrade is seen at once.
            self.set_header("Cache-Control", "no-cache")

    # 5. Voila's front-end chunks as one script (see page_code).
    class PageCodeHandler(tornado.web.RequestHandler):
        def initialize(self, bundle):
            self.bundle = bundle

        def compute_etag(self):
            return self.bundle.etag  # computed once, not over 4 MB per request

        def get(self):
            self.set_header("Content-Type", "text/javascript; charset=UTF-8")
            self.set_header("Cache-Control", "no-cache")  # revalidated: an upgrade is seen at once
            self.write(self.bundle.body)

    def with_static_routes(self):
        from voila.utils import get_voila_labextensions_path

        from . import page_code

        handlers = init_handlers(self)
        route = url_path_join(self.server_url, "/" + BUNDLE_ROUTE.replace("widgetbundle.js", r"(widgetbundle\.js)"))
        denied = set(self.voila_configuration.extension_denylist or ())
        code = page_code.build_bundle(
            self.static_paths, get_voila_labextensions_path(self.voila_configuration.extra_labextensions_path),
            extension_chunks={k: v for k, v in page_code.EXTENSION_CHUNKS.items() if k not in denied})
        self.log.info("Voila's page code: %d chunks in one script of %.1f MB%s", len(code.included),
                      len(code.body) / 2**20,
                      f"; not found, fetched one by one: {', '.join(code.missing)}" if code.missing else "")
        return [(route, BundleHandler, {"path": bundle_dir}),
                (url_path_join(self.server_url, "/" + page_code.ROUTE), PageCodeHandler, {"bundle": code}),
                *handlers]

    voila_app.Voila.init_handlers = with_static_routes
    TornadoVoilaHandler._hadr_patched = True


def quiet_kernel_errors() -> bool:
    """In the app's kernel under Voila: an exception raised while handling a client's
    message (a widget state that does not validate, a bogus comm) is written to the
    kernel's log, not sent to clients as an ``error`` message with a traceback
    (ipywidgets calls ``showtraceback`` for those). Returns whether it applied:
    only in a kernel Voila started, so notebooks run elsewhere report errors as ever."""
    if not os.environ.get("VOILA_KERNEL_ID"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    kernel_log = logging.getLogger("hadr_lib.kernel")
    # The kernel echoes its stderr, file descriptor and all, to every client; its copy
    # of the original descriptor reaches the server's log only.
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    handler: logging.Handler = (logging.StreamHandler(os.fdopen(os.dup(fd), "w", buffering=1))
                                if fd is not None else logging.NullHandler())
    handler.setFormatter(logging.Formatter("[hadr kernel] %(levelname)s | %(name)s | %(message)s"))
    for name in ("hadr_lib.kernel", "hadr_lib.panels", "Comm", "ipykernel.comm"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False

    def showtraceback(*args, **kwargs):
        kernel_log.error("exception while handling a client message (not sent to the client)",
                         exc_info=True)

    shell.showtraceback = showtraceback
    return True


def main(argv: list[str] | None = None) -> None:
    """``voila`` with the fixes applied."""
    patch_voila()
    os.environ["HADR_WIDGET_BUNDLE"] = BUNDLE_ROUTE  # the kernels' charts load it from here
    from voila.app import main as voila_main

    sys.argv = [sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    voila_main()


if __name__ == "__main__":
    main()
