"""Start the Voila app and Debian's Chromium: shared by the browser tests and `make bench`."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hadr_lib.report import CHROMIUM_ARGS as _BASE

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_ARGS = [*_BASE, "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_voila(log_path: Path, notebook: str = "notebooks/app.ipynb", timeout: float = 60,
                extra_args: tuple[str, ...] = (), env_extra: dict | None = None):
    """Serve ``notebook`` as `make run` does (``hadr_lib.serve``: Voila with our fixes,
    and the repo's voila.json) on a free loopback port; yield (its URL, the process)."""
    port = free_port()
    env = dict(os.environ, **(env_extra or {}))
    # The app's template (see voila.json), as `make run` finds it.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(ROOT / "hadr_lib" / "share" / "jupyter"), env.get("JUPYTER_PATH")) if p)
    with open(log_path, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hadr_lib.serve", notebook, f"--port={port}", "--no-browser",
             "--Voila.ip=127.0.0.1", *extra_args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                # HEAD: up or not, without taking the preheated kernel as a page GET would.
                with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answered (405: pages are GET only)
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not start on {url}:\n{log_path.read_text()}") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
