"""Shared test set-up: deterministic hypothesis, paths, the browser and a Voila server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from hadr_lib.report import find_chromium

from voila_server import CHROMIUM_ARGS, serve_voila

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# Same examples on every run and machine: no flaky property tests in CI.
settings.register_profile("hadr", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("hadr")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium (Playwright's own browser download does not work here)."""
    path = find_chromium()  # $HADR_CHROMIUM, else chromium on the PATH
    if path is None:
        message = ("Chromium not found: install Debian's chromium "
                   "(make test does it as root) or set HADR_CHROMIUM")
        if os.environ.get("HADR_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (HADR_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def voila_app(chromium, tmp_path_factory):
    """The Voila app served on a free loopback port, with the repo's voila.json."""
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    try:
        with serve_voila(log) as (url, _):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()
