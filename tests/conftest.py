"""Shared test set-up: deterministic hypothesis, paths, the browser and a Voila server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# Same examples on every run and machine: no flaky property tests in CI.
settings.register_profile("hadr", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("hadr")


def chromium_path() -> str | None:
    """Debian's Chromium (Playwright's own browser download does not work here)."""
    explicit = os.environ.get("HADR_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        message = ("Chromium not found: install Debian's chromium "
                   "(make test does it as root) or set HADR_CHROMIUM")
        if os.environ.get("HADR_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (HADR_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def voila_app(chromium, tmp_path_factory):
    """The Voila app served on a free loopback port, with the repo's voila.json."""
    port = free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "notebooks/app.ipynb", f"--port={port}",
             "--no-browser", "--Voila.ip=127.0.0.1"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"Voila did not start on {url}:\n{log.read_text()}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield b
        b.close()
