"""A headless Chromium kept running to print reports to PDF: the app's reports skip
Chromium's start (about 2 s of its 3) on every PDF after the first.

Chromium is driven over ``--remote-debugging-pipe`` (the DevTools protocol on its file
descriptors 3 and 4, JSON messages ended by a NUL byte): no port is opened, so no
other process on the machine can drive it. Each page opens in a fresh target, is
printed and closed; the same offline rules as ``report.print_pdf`` hold (the page's
policy blocks every fetch, no host name resolves, a proxy that does not exist).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .checks import InvalidInputError

__all__ = ["CHROMIUM_ARGS", "OFFLINE_ARGS", "PdfPrinter", "unlimited_address_space"]

#: How the project starts Chromium, headless or driven by Playwright: no sandbox (it runs
#: as root in containers), no GPU, and none of its own network traffic.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync")
#: A Chromium that prints reports reaches nothing: no extension, no host name resolves, and
#: every request goes through a proxy that does not exist (loopback included).
OFFLINE_ARGS = ("--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>")

#: The largest message read from Chromium (a PDF comes base64-encoded in one message).
MAX_MESSAGE_BYTES = 256 << 20
#: Run as ``python -c``: the pipe ends given as arguments become descriptors 3 and 4
#: (copied to 10 and up first, so neither overwrites the other; 3 and 4 made inheritable
#: even where a copy already sat there), then Chromium replaces it.
_TRAMPOLINE = ("import fcntl, os, sys; r, w = (fcntl.fcntl(int(x), fcntl.F_DUPFD, 10) for x in sys.argv[1:3]); "
               "os.dup2(r, 3); os.dup2(w, 4); os.set_inheritable(3, True); os.set_inheritable(4, True); "
               "os.execv(sys.argv[3], sys.argv[3:])")
#: Until the page has painted: two animation frames after its load event.
_PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


class PdfPrinter:
    """``print(html, pdf_path)`` with one Chromium started on first use and kept;
    ``close()`` stops it and removes its profile. One page at a time (a lock)."""

    def __init__(self, chromium: str, *, timeout: float = 120.0, idle_s: float | None = 300.0) -> None:
        """``idle_s``: Chromium is stopped after that many seconds without a page (its
        memory back to the machine; the next page starts it again); None keeps it."""
        self.chromium = chromium
        self.timeout = timeout
        self.idle_s = idle_s
        self._idle: threading.Timer | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._dir: Path | None = None
        self._to: int | None = None
        self._from: int | None = None
        self._buf = b""
        self._id = 0

    # -- the process ------------------------------------------------------------------
    def _start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="hadr-chromium-"))
        cmd_r, cmd_w = os.pipe()  # we write commands; Chromium reads them on its fd 3
        out_r, out_w = os.pipe()  # Chromium writes answers on its fd 4; we read them
        # A small Python moves the two ends to 3 and 4 (any numbers the pipes got) and
        # becomes Chromium.
        argv = [self.chromium, "--headless", *CHROMIUM_ARGS, *OFFLINE_ARGS, "--remote-debugging-pipe",
                f"--user-data-dir={self._dir / 'profile'}", "about:blank"]
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _TRAMPOLINE, str(cmd_r), str(out_w), *argv],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(cmd_r, out_w), preexec_fn=unlimited_address_space)
        finally:
            os.close(cmd_r)
            os.close(out_w)
        self._to, self._from, self._buf = cmd_w, out_r, b""

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        """Stop Chromium and remove its profile (a later ``print`` starts it again)."""
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
            self._stop()

    def _rearm(self) -> None:
        if self.idle_s is None:
            return
        if self._idle is not None:
            self._idle.cancel()
        self._idle = threading.Timer(self.idle_s, self._stop_if_idle)
        self._idle.daemon = True
        self._idle.start()

    def _stop_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):  # busy printing: the print re-arms the timer
            try:
                self._stop()
            finally:
                self._lock.release()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        for fd in (self._to, self._from):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to = self._from = None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # -- the protocol -----------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        assert self._to is not None
        while data:
            data = data[os.write(self._to, data):]
        return self._id

    def _next(self, deadline: float) -> dict:
        """The next message from Chromium, waiting until ``deadline`` (monotonic)."""
        assert self._from is not None
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise OSError("Chromium closed its pipe")
            self._buf += chunk
            if len(self._buf) > MAX_MESSAGE_BYTES:
                raise OSError("Chromium sent a message over 256 MiB")
        raw, _, self._buf = self._buf.partition(b"\0")
        return json.loads(raw)

    def _call(self, method: str, params: dict | None, deadline: float, session: str | None = None) -> dict:
        want = self._send(method, params, session)
        while True:
            msg = self._next(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise OSError(f"Chromium: {method}: {msg['error'].get('message', msg['error'])}")
                return dict(msg.get("result") or {})

    # -- printing ---------------------------------------------------------------------
    def print(self, page: str, pdf: Path) -> None:
        """Print the HTML ``page`` to ``pdf`` (the caller writes it into place atomically).
        The page must carry its own Content-Security-Policy (``ReportWorker`` gives a
        report the report's): a page without one is refused, never printed with its
        fetches allowed."""
        if "Content-Security-Policy" not in page:
            raise InvalidInputError("PDF: the page carries no Content-Security-Policy; refused (a report "
                                    "carries one that blocks every fetch)")
        with self._lock:
            for attempt in (1, 2):  # a Chromium that died meanwhile is started again, once
                if not self._alive():
                    self._stop()
                    self._start()
                try:
                    self._print(page, pdf)
                    self._rearm()
                    return
                except (OSError, TimeoutError, ValueError) as exc:
                    self._stop()
                    if attempt == 2:
                        raise InvalidInputError(f"PDF: Chromium could not print the report ({exc})") from None

    def _print(self, page: str, pdf: Path) -> None:
        assert self._dir is not None
        deadline = time.monotonic() + self.timeout
        source = self._dir / f"page-{self._id}.html"
        source.write_text(page, encoding="utf-8")
        target = self._call("Target.createTarget", {"url": "about:blank"}, deadline)["targetId"]
        try:
            session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 deadline)["sessionId"]
            self._call("Page.enable", None, deadline, session)
            want = self._send("Page.navigate", {"url": source.as_uri()}, session)
            loaded = answered = False
            while not (loaded and answered):
                msg = self._next(deadline)
                if msg.get("id") == want:
                    if "error" in msg or (msg.get("result") or {}).get("errorText"):
                        raise OSError(f"Chromium could not open the page: {msg}")
                    answered = True
                elif msg.get("method") == "Page.loadEventFired" and msg.get("sessionId") == session:
                    loaded = True
            self._call("Runtime.evaluate", {"expression": _PAINTED, "awaitPromise": True}, deadline, session)
            data = self._call("Page.printToPDF", {"printBackground": True, "displayHeaderFooter": False,
                                                  "preferCSSPageSize": True}, deadline, session)["data"]
        finally:
            try:
                self._call("Target.closeTarget", {"targetId": target}, time.monotonic() + 10)
            finally:
                source.unlink(missing_ok=True)
        Path(pdf).write_bytes(base64.b64decode(data))


def unlimited_address_space() -> None:
    """(In Chromium's process, before it starts.) The address-space cap of a served
    kernel (``hadr_lib.limited``) lifted to its hard limit: Chromium's JavaScript engine
    reserves gigabytes of address space it never uses and dies (SIGTRAP) without them."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
