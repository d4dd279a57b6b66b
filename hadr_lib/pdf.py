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
import signal
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
#: Seconds a print waits for the spare page to finish loading before it prints without it.
SPARE_WAIT_S = 30.0
#: Until the page has painted: two animation frames after its load event.
_PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
#: Until the page's load event has fired (at once if it has).
_LOADED = ("new Promise(r => document.readyState === 'complete' ? r(true) : "
           "window.addEventListener('load', () => r(true), {once: true}))")
_LOADED_AND_PAINTED = f"({_LOADED}).then(() => {_PAINTED})"
#: Each style sheet of the page as CSS text (its rules, however they were added).
_SHEETS = ("[...document.styleSheets].map(s => { try { return [...s.cssRules].map(r => r.cssText).join('\\n'); }"
           " catch (e) { return ''; } })")


def _kill_helpers(profile: Path) -> None:
    """Kill the processes whose command line names ``profile`` (Chromium's zygote and
    renderers carry its --user-data-dir): when the main process crashed they live on,
    reparented, still writing to the profile. Chromium stays in its kernel's process
    group (so a killed kernel takes it along); Linux's /proc finds the helpers."""
    mark = str(profile).encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):  # gone meanwhile, or not ours
            continue


class PdfPrinter:
    """``print(html, pdf_path)`` with one Chromium started on first use and kept;
    ``close()`` stops it and removes its profile. One page at a time (a lock)."""

    def __init__(self, chromium: str, *, timeout: float = 120.0, idle_s: float | None = 300.0,
                 spare_head: str | None = None, spare_script: str | None = None) -> None:
        """``idle_s``: Chromium is stopped after that many seconds without a page (its
        memory back to the machine; the next page starts it again); None keeps it.

        ``spare_head`` and ``spare_script``: a spare page is kept loaded with
        ``spare_head`` (which must carry a Content-Security-Policy) and the script
        ``spare_script`` (plotly.js: parsing its 4.6 MB is about a second of every
        report's print). A page that carries ``<script>spare_script</script>`` is printed
        in the spare page with that element removed, its scripts run where the script
        already ran; the spare is then closed and the next one loaded."""
        self.chromium = chromium
        self.timeout = timeout
        self.idle_s = idle_s
        if spare_script is not None and "Content-Security-Policy" not in (spare_head or ""):
            raise InvalidInputError("PDF: a spare page's head must carry a Content-Security-Policy")
        self._spare_head = spare_head
        self._spare_element = None if spare_script is None else f"<script>{spare_script}</script>"
        self._spare: tuple[str, str] | None = None  # (target id, session id) of the loaded spare page
        self.spare_prints = 0  # pages printed in a spare page (the rest were loaded whole)
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
        self._spare = None
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
        if proc is not None and self._dir is not None:
            _kill_helpers(self._dir)  # they outlive a main process that crashed, and write to the profile
        if self._dir is not None:
            for _ in range(50):  # a helper still dying may write a last file into the profile
                shutil.rmtree(self._dir, ignore_errors=True)
                if not self._dir.exists():
                    break
                time.sleep(0.05)
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
                    self._open_spare()
                    return
                except (OSError, TimeoutError, ValueError) as exc:
                    self._stop()
                    if attempt == 2:
                        raise InvalidInputError(f"PDF: Chromium could not print the report ({exc})") from None

    def warm(self) -> None:
        """Start Chromium and load the spare page now (a report is being made), so the
        first print does not wait for either."""
        with self._lock:
            try:
                if not self._alive():
                    self._stop()
                    self._start()
                self._open_spare()
                self._rearm()
            except (OSError, TimeoutError, ValueError):
                self._stop()  # the print starts it again, and says what went wrong

    def _open_spare(self) -> None:
        """(Under the lock.) Load a spare page, without waiting for it to finish loading."""
        if self._spare_element is None or self._spare is not None or not self._alive():
            return
        assert self._dir is not None
        deadline = time.monotonic() + self.timeout
        source = self._dir / "spare.html"
        source.write_text(f"<!DOCTYPE html>\n<html><head>{self._spare_head}{self._spare_element}</head>"
                          "<body></body></html>", encoding="utf-8")
        target = self._call("Target.createTarget", {"url": "about:blank"}, deadline)["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True},
                             deadline)["sessionId"]
        self._send("Page.navigate", {"url": source.as_uri()}, session)  # its answer is not awaited
        self._spare = (target, session)

    def _print(self, page: str, pdf: Path) -> None:
        assert self._dir is not None
        deadline = time.monotonic() + self.timeout
        if self._spare is not None and self._spare_element is not None and self._spare_element in page:
            if self._print_in_spare(page.replace(self._spare_element, "", 1), pdf, deadline):
                return
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

    def _print_in_spare(self, page: str, pdf: Path, deadline: float) -> bool:
        """``page`` (the spare's script taken out) written into the loaded spare page:
        the document is replaced, the window and the script it ran are kept, and the
        spare's policy stays in force beside the page's own. False (nothing printed)
        when the spare did not load in time."""
        assert self._spare is not None and self._dir is not None
        (target, session), self._spare = self._spare, None
        try:
            if not self._spare_loaded(session, (self._dir / "spare.html").as_uri(),
                                      min(deadline, time.monotonic() + SPARE_WAIT_S)):
                return False
            # The style sheets the script added to the spare's head (plotly's own rules,
            # some inserted through the CSSOM, so not in any element's text) go with the
            # page, as they would were it loaded with the script in it.
            sheets = self._call("Runtime.evaluate", {"expression": _SHEETS, "returnByValue": True},
                                deadline, session).get("result", {}).get("value")
            end = page.lower().find("</head>")
            if not isinstance(sheets, list) or end < 0:
                return False
            styles = "".join(f"<style>{css}</style>" for css in sheets
                             if isinstance(css, str) and css and "</style" not in css.lower())
            page = page[:end] + styles + page[end:]
            frame = self._call("Page.getFrameTree", None, deadline, session)["frameTree"]["frame"]["id"]
            self._call("Page.setDocumentContent", {"frameId": frame, "html": page}, deadline, session)
            self._call("Runtime.evaluate", {"expression": _LOADED_AND_PAINTED, "awaitPromise": True},
                       deadline, session)
            data = self._call("Page.printToPDF", {"printBackground": True, "displayHeaderFooter": False,
                                                  "preferCSSPageSize": True}, deadline, session)["data"]
        finally:
            self._call("Target.closeTarget", {"targetId": target}, time.monotonic() + 10)
        Path(pdf).write_bytes(base64.b64decode(data))
        self.spare_prints += 1
        return True

    def _spare_loaded(self, session: str, uri: str, deadline: float) -> bool:
        """Whether the spare page has loaded its file (not the about:blank it opened on)
        by ``deadline``; asked every 20 ms (a page mid-navigation may not answer)."""
        while time.monotonic() < deadline:
            try:
                got = self._call("Runtime.evaluate", {"expression": "[location.href, document.readyState]",
                                                      "returnByValue": True}, deadline, session)
                if got.get("result", {}).get("value") == [uri, "complete"]:
                    return True
            except OSError as exc:  # the context was replaced as the page navigated: ask again
                if "Chromium closed" in str(exc):
                    raise
            time.sleep(0.02)
        return False


def unlimited_address_space() -> None:
    """(In Chromium's process, before it starts.) The address-space cap of a served
    kernel (``hadr_lib.limited``) lifted to its hard limit: Chromium's JavaScript engine
    reserves gigabytes of address space it never uses and dies (SIGTRAP) without them."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
