"""A kernel websocket client that is not a browser: what a hostile or careless
client can send to the served app (used by the browser tests and `make bench`)."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
import uuid
from datetime import UTC, datetime

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

V1 = "v1.kernel.websocket.jupyter.org"


def open_page(url: str, timeout: float = 60) -> tuple[str, str]:
    """GET the app's page; return (its HTML, the kernel id it was given)."""
    with urllib.request.urlopen(url, timeout=timeout) as r:
        page = r.read().decode("utf-8", "replace")
    m = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page) or re.search(
        r"kernel_id\W+([0-9a-f-]{36})", page)
    return page, (m.group(1) if m else "")


def _run(make_coro):
    """Run a coroutine on its own loop in its own thread (the caller's thread may already
    run one, as Playwright's sync API does)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coro())).result()


def _msg(msg_type: str, content: dict, session: str) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "probe",
                       "session": session, "date": datetime.now(UTC).isoformat(),
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": []}


def _pack_v1(msg: dict, channel: str) -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts, channel)


def _unpack_v1(data) -> tuple[str, dict]:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    if isinstance(data, str):
        m = json.loads(data)
        return m.get("channel", ""), m
    channel, parts = deserialize_msg_from_ws_v1(data)
    names = ("header", "parent_header", "metadata", "content")
    return channel, {k: json.loads(p) for k, p in zip(names, parts[:4])}


async def connect(ws_url: str, protocols: list[str] | None):
    """Open a kernel websocket offering ``protocols``; raise HTTPClientError if refused."""
    req = HTTPRequest(ws_url, connect_timeout=20,
                      headers={"Origin": ws_url.replace("ws://", "http://").split("/api")[0]})
    return await websocket_connect(req, subprotocols=protocols)


def refused_without_v1(base: str, kernel_id: str) -> int | None:
    """The HTTP status a kernel websocket without the v1 protocol gets (None: accepted)."""
    url = f"{base.replace('http://', 'ws://').rstrip('/')}/api/kernels/{kernel_id}/channels?session_id=probe"

    async def run():
        try:
            ws = await connect(url, None)
        except HTTPClientError as exc:
            return exc.code
        ws.close()
        return None

    return _run(run)


def bogus_comms(base: str, kernel_id: str, wait_s: float = 3.0) -> list[dict]:
    """Send comm messages no browser sends (unknown comm, unknown target, a widget
    state that does not validate, garbage buffers); return every message received."""
    url = f"{base.replace('http://', 'ws://').rstrip('/')}/api/kernels/{kernel_id}/channels?session_id=probe"
    session = uuid.uuid4().hex

    async def run():
        ws = await connect(url, [V1])
        got: list[dict] = []

        async def send(msg_type, content):
            await ws.write_message(_pack_v1(_msg(msg_type, content, session), "shell"), binary=True)

        await send("comm_info_request", {"target_name": "jupyter.widget"})
        comms: dict = {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while loop.time() < deadline and not comms:
            data = await asyncio.wait_for(ws.read_message(), 10)
            if data is None:
                break
            _, m = _unpack_v1(data)
            got.append(m)
            if m["header"]["msg_type"] == "comm_info_reply":
                comms = m["content"].get("comms", {})
        await send("comm_msg", {"comm_id": "no-such-comm", "data": {"method": "update", "state": {}}})
        await send("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "no.such.target",
                                 "data": {}})
        for comm_id in list(comms)[:40]:
            await send("comm_msg", {"comm_id": comm_id, "data": {
                "method": "update", "state": {"value": {"not": "valid"}, "index": "x",
                                              "layout": "garbage", "children": ["IPY_MODEL_nope"]},
                "buffer_paths": [["value"]]}})
            await send("comm_msg", {"comm_id": comm_id, "data": {"method": "no-such-method"}})
        end = loop.time() + wait_s
        while loop.time() < end:
            try:
                data = await asyncio.wait_for(ws.read_message(), max(0.05, end - loop.time()))
            except TimeoutError:
                break
            if data is None:
                break
            got.append(_unpack_v1(data)[1])
        ws.close()
        return got

    return _run(run)


def kernel_answers(base: str, kernel_id: str, timeout: float = 20) -> bool:
    """Whether the kernel behind a page still answers a kernel_info_request over a v1
    websocket (False when the server refuses: culled, or never there)."""
    url = f"{base.replace('http://', 'ws://').rstrip('/')}/api/kernels/{kernel_id}/channels?session_id=probe"

    async def run():
        try:
            ws = await connect(url, [V1])
        except HTTPClientError:
            return False
        await ws.write_message(_pack_v1(_msg("kernel_info_request", {}, uuid.uuid4().hex), "shell"),
                               binary=True)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        try:
            while loop.time() < end:
                data = await asyncio.wait_for(ws.read_message(), max(0.05, end - loop.time()))
                if data is None:
                    return False
                if _unpack_v1(data)[1]["header"]["msg_type"] == "kernel_info_reply":
                    return True
        except TimeoutError:
            return False
        finally:
            ws.close()
        return False

    return _run(run)


def send_frames(base: str, kernel_id: str, frames: list, wait_s: float = 5.0) -> list[int | None]:
    """Send each frame (bytes: binary; str: text) on its own v1 kernel websocket; return
    the close code the server gave each (None: still open after ``wait_s``)."""
    url = f"{base.replace('http://', 'ws://').rstrip('/')}/api/kernels/{kernel_id}/channels?session_id=probe"

    async def one(frame):
        ws = await connect(url, [V1])
        await ws.write_message(frame, binary=isinstance(frame, bytes))
        loop = asyncio.get_running_loop()
        end = loop.time() + wait_s
        try:
            while loop.time() < end:
                data = await asyncio.wait_for(ws.read_message(), max(0.05, end - loop.time()))
                if data is None:
                    return ws.close_code
        except TimeoutError:
            pass
        ws.close()
        return None

    async def run():
        return [await one(f) for f in frames]

    return _run(run)
