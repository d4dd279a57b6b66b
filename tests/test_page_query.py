"""The page's query string inside a kernel Voila serves, read without importing Voila."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading

import pytest

from hadr_lib.panels.page import page_query_string, query_socket_url


def test_outside_voila_and_in_a_kernel_started_for_a_waiting_page(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert page_query_string() == ""
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # Voila's word for a kernel started for a page
    monkeypatch.setenv("QUERY_STRING", "scenario=small_saas")
    assert page_query_string() == "scenario=small_saas"


def test_the_socket_url_follows_voilas_variables():
    env = {"VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": "9999", "VOILA_SERVER_URL": "/app/",
           "VOILA_KERNEL_ID": "k-1"}
    assert query_socket_url(env) == "ws://127.0.0.1:9999/app/voila/query/k-1"
    assert query_socket_url({**env, "VOILA_WS_BASE_URL": "/ws/", "VOILA_WS_PROTOCOL": "wss"}) == \
        "wss://127.0.0.1:9999/ws/voila/query/k-1"


def _serve_once(send: str | None):
    """A websocket server on a free port that sends ``send`` to its first client (or
    closes without a word); returns (port, the paths asked for, a stop function)."""
    import websockets

    ready, asked, box = threading.Event(), [], {}

    async def handler(ws):
        asked.append(ws.request.path)
        if send is not None:
            await ws.send(send)

    async def main():
        async with websockets.serve(handler, "127.0.0.1", 0) as server:
            box["port"] = server.sockets[0].getsockname()[1]
            box["stop"] = asyncio.get_running_loop().create_future()
            box["loop"] = asyncio.get_running_loop()
            ready.set()
            await box["stop"]

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    ready.wait(10)

    def stop():
        box["loop"].call_soon_threadsafe(box["stop"].set_result, None)
        thread.join(10)

    return box["port"], asked, stop


def _preheated(monkeypatch, port):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-7")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)


def test_a_preheated_kernel_waits_for_its_page_and_takes_its_request(monkeypatch):
    port, asked, stop = _serve_once(json.dumps({"QUERY_STRING": "scenario=regulated_payments",
                                                "SERVER_NAME": "localhost", "ODD": 3}))
    try:
        _preheated(monkeypatch, port)
        assert page_query_string() == "scenario=regulated_payments"
        assert asked == ["/voila/query/kernel-7"]
        import os

        assert os.environ["SERVER_NAME"] == "localhost" and "ODD" not in os.environ  # strings only
    finally:
        stop()


@pytest.mark.parametrize("send", [None, "not json", json.dumps(["a", "list"])])
def test_a_server_that_says_nothing_useful_leaves_no_query(monkeypatch, send):
    port, _, stop = _serve_once(send)
    try:
        _preheated(monkeypatch, port)
        assert page_query_string() == ""
    finally:
        stop()


def test_no_server_leaves_no_query(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    _preheated(monkeypatch, port)
    assert page_query_string() == ""


def test_reading_it_imports_no_part_of_voila():
    code = ("import sys; from hadr_lib.panels.page import page_query_string; page_query_string(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('voila', 'jupyter_server', "
            "'jupyterlab_server', 'rfc3987_syntax') "
            "and not getattr(sys.modules[m], '_hadr_stand_in', False)))")  # hadr_lib.deferred's
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"
