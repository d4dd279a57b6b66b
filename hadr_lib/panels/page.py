"""What the page asked for, read inside a kernel Voila serves, without importing Voila.

``voila.utils.get_query_string`` imports Voila's server side (jupyter_server,
jupyterlab_server, and through jsonschema a URI grammar compiled at import): 3 to 7 s
of CPU in every page's kernel before the app can answer. ``page_query_string`` reads
the same thing with the standard library and ``websockets`` (which Voila itself uses).

Voila's protocol: a kernel started for a page that is already waiting has the page's
request in its environment (``QUERY_STRING`` and friends). A preheated kernel
(``VOILA_PREHEAT=True``) is started before any page asks; it connects to the server's
``voila/query/<kernel id>`` websocket, which sends the request's variables as one JSON
object once a page takes the kernel.
"""

from __future__ import annotations

import json
import os
import threading

__all__ = ["page_query_string", "query_socket_url"]

#: Seconds to wait for the server to accept the websocket (Voila's own figure).
OPEN_TIMEOUT_S = 5.0
#: The largest request message read (a page's environment is a few hundred bytes).
MAX_MESSAGE_BYTES = 1 << 16


def query_socket_url(env=None) -> str:
    """The websocket a preheated kernel waits on, from Voila's environment variables."""
    env = os.environ if env is None else env
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def _wait_for_page(url: str) -> dict[str, str]:
    """The request variables the server sends once a page takes this kernel ({} when the
    server cannot be reached or sends something else)."""
    import asyncio

    import websockets

    got: dict[str, str] = {}

    async def receive() -> None:
        try:
            async with websockets.connect(url, open_timeout=OPEN_TIMEOUT_S, max_size=MAX_MESSAGE_BYTES) as ws:
                data = json.loads(await ws.recv())
        except (OSError, TimeoutError, ValueError, websockets.exceptions.WebSocketException):
            return
        if isinstance(data, dict):
            got.update({str(k): str(v) for k, v in data.items() if isinstance(v, str)})

    # The kernel's own event loop is running: wait in a thread with a loop of its own.
    thread = threading.Thread(target=lambda: asyncio.run(receive()), name="hadr-page-query", daemon=True)
    thread.start()
    thread.join()
    return got


def page_query_string() -> str:
    """The query string of the page this kernel serves (``scenario=small_saas``), "" when
    there is none or outside Voila. A preheated kernel first waits for its page, as
    Voila's ``wait_for_request`` does, and takes the page's variables into its
    environment."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        os.environ.update(_wait_for_page(query_socket_url()))
    return os.environ.get("QUERY_STRING", "")
