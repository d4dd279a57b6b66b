"""The served app against clients that are not browsers, a crowd, and the culler
(`make run` serves it through hadr_lib.serve)."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from kernel_client import bogus_comms, kernel_answers, open_page, refused_without_v1, send_frames

from voila_server import serve_voila

pytestmark = pytest.mark.browser


def test_a_kernel_websocket_without_the_v1_protocol_is_refused(voila_app):
    """Voila 0.5.13 freezes (100% CPU, unbounded memory) on such a client once binary
    buffers flow; it is refused before the upgrade, and the page's own client works."""
    _, kernel_id = open_page(voila_app)
    assert kernel_id
    assert refused_without_v1(voila_app, kernel_id) == 400
    assert kernel_answers(voila_app, kernel_id)


def _served_pid(url: str) -> int:
    """The pid of the server listening on ``url``'s port."""
    import psutil

    port = int(url.rstrip("/").rsplit(":", 1)[1])
    for conn in psutil.net_connections("tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            return conn.pid
    raise AssertionError(f"nothing listens on {port}")


def test_served_kernels_talk_over_unix_sockets_not_tcp_ports(voila_app):
    """Kernels on TCP took random free ports that another process could take before the
    kernel bound them: on CI a preheated kernel died of 'Address already in use' and the
    page handed it broke. They use IPC (unix sockets in Voila's runtime folder): no port
    to race for, and nothing listening on the network."""
    import psutil

    _, kernel_id = open_page(voila_app)
    assert kernel_answers(voila_app, kernel_id)
    server = psutil.Process(_served_pid(voila_app))
    kernels = [c for c in server.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
    assert kernels
    for k in kernels:
        cmd = k.cmdline()
        connection = json.loads(Path(cmd[cmd.index("-f") + 1]).read_text())
        assert connection["transport"] == "ipc" and connection["ip"].startswith("/"), connection
        # a kernel the server is still starting (preheated for the next page) has read its
        # connection file but may not have bound its sockets yet: wait for them
        deadline = time.monotonic() + 30
        while not any(c.family == socket.AF_UNIX for c in k.net_connections("unix")) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(c.family == socket.AF_UNIX for c in k.net_connections("unix"))
        # the ports the server chose are not TCP ports (ipykernel's debugger socket binds
        # one itself, at a port zmq picks atomically: no race)
        listening = {c.laddr.port for c in k.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
        chosen = {connection[f"{n}_port"] for n in ("shell", "iopub", "stdin", "control", "hb")}
        assert not listening & chosen


def test_malformed_binary_frames_do_not_freeze_the_server(voila_app):
    """Eight 0xff bytes on a v1 kernel websocket froze the server for a minute while its
    memory grew past 2.7 GB (jupyter_server trusted the frame's offset count). Each bad
    frame now closes its websocket; the server answers at once and its memory stays flat."""
    import random

    import psutil

    server = psutil.Process(_served_pid(voila_app))
    _, kernel_id = open_page(voila_app)
    before = server.memory_info().rss
    rng = random.Random(8)
    frames = [b"\xff" * 8, rng.randbytes(65536), b"\x00" * 8, (10**6).to_bytes(8, "little") + bytes(64),
              "not json", b""]
    codes = send_frames(voila_app, kernel_id, frames, wait_s=5)
    assert codes == [1007, 1007, 1007, 1007, 1003, 1007], codes
    start = time.monotonic()
    try:  # HEAD: whether it answers, without taking a kernel (pages are GET only: 405)
        urllib.request.urlopen(urllib.request.Request(voila_app, method="HEAD"), timeout=5).close()
    except urllib.error.HTTPError as exc:
        assert exc.code == 405
    answered = time.monotonic() - start
    time.sleep(1)
    grown = server.memory_info().rss - before
    assert answered < 1.0, answered
    assert grown < 50 * 2**20, f"server memory grew {grown / 2**20:.0f} MB"
    assert kernel_answers(voila_app, kernel_id)  # the page's kernel is untouched


def test_each_kernel_has_its_memory_capped(voila_app):
    """`make run` caps each kernel's address space (HADR_KERNEL_MEMORY_MB, 3072 MiB):
    the page's kernel and the preheated one both carry the limit."""
    import psutil

    open_page(voila_app)
    server = psutil.Process(_served_pid(voila_app))

    def kernels() -> tuple[list, int]:
        """The server's kernels, and how many are still in the capping wrapper (not exec'd yet)."""
        found, wrapped = [], 0
        for child in server.children(recursive=False):  # a kernel's own forks are not kernels
            try:
                line = " ".join(child.cmdline())
            except psutil.Error:  # gone meanwhile
                continue
            if "ipykernel" in line:
                if "limited.py" in line:
                    wrapped += 1
                else:
                    found.append(child)
        return found, wrapped

    # The pool's next kernel starts some seconds after the page took the preheated one
    # (voila.json's fill_delay), then runs through the capping wrapper.
    deadline = time.monotonic() + 60
    while ((got := kernels())[1] or len(got[0]) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    kernels_seen, _ = got
    assert len(kernels_seen) >= 2
    for kernel in kernels_seen:
        assert kernel.rlimit(psutil.RLIMIT_AS)[0] == 3072 * 2**20


def test_bogus_comm_messages_get_no_traceback(voila_app):
    _, kernel_id = open_page(voila_app)
    received = bogus_comms(voila_app, kernel_id)
    kinds = {m["header"]["msg_type"] for m in received}
    assert "comm_info_reply" in kinds  # the probe did reach the widgets
    text = json.dumps(received)
    assert "error" not in kinds and "stream" not in kinds, kinds
    assert "Traceback" not in text and "TraitError" not in text
    assert kernel_answers(voila_app, kernel_id)  # and the kernel is still fine


def _first_page(url: str) -> str:
    """The first page's kernel on a server with a cap of one. While the preheated kernel
    is still starting it counts as in use (the cap is never undercounted), so on a loaded
    machine the first page may be told "busy" for a few seconds: it gets in once that
    kernel is ready."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return open_page(url)[1]
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and time.monotonic() < deadline, exc
            time.sleep(1)


def test_a_full_server_says_so(chromium, tmp_path):
    # Long enough that the first page's kernel cannot be taken as stale to make room.
    env = {"HADR_MAX_KERNELS": "1", "HADR_EVICT_AFTER_S": "600"}
    with serve_voila(tmp_path / "voila.log", env_extra=env) as (url, _):
        first = _first_page(url)
        assert first
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=60)
        assert err.value.code == 503 and err.value.headers["Retry-After"] == "120"
        body = err.value.read().decode()
        assert "The workbook is busy" in body and "Traceback" not in body


def test_a_closed_page_s_kernel_makes_room_on_a_full_server(chromium, tmp_path):
    """A page that was connected and then closed (its websocket gone) leaves its kernel
    until the culler's timeout; on a full server it gives way after HADR_EVICT_AFTER_S,
    so the next page is served, not told "busy" for minutes."""
    env = {"HADR_MAX_KERNELS": "1", "HADR_EVICT_AFTER_S": "2"}
    log = tmp_path / "voila.log"
    with serve_voila(log, notebook="notebooks/downtime_budget.ipynb", env_extra=env) as (url, _):
        first = _first_page(url)
        assert kernel_answers(url, first)  # connected, then closed: the page is gone
        time.sleep(2.5)
        _, second = open_page(url)
        assert second and second != first
        assert kernel_answers(url, second)
        assert f"shut down kernel {first}, its page closed, to make room" in log.read_text()


def test_a_preheated_kernel_idle_past_the_cull_timeout_survives_being_handed_out(chromium, tmp_path):
    """The pool's kernel sits idle longer than the cull timeout; a page takes it and
    the next cull tick comes before the page connects: the page must still work.
    (The app's own kernel waits for its page's query string, busy, so the culler
    leaves it alone; a notebook that finishes, like this one, shows the race.)"""
    args = ("--MappingKernelManager.cull_idle_timeout=3", "--MappingKernelManager.cull_interval=1")
    with serve_voila(tmp_path / "voila.log", notebook="notebooks/downtime_budget.ipynb",
                     extra_args=args) as (url, _):
        time.sleep(10)  # the preheated kernel, done at about 3 s, is now idle well past 3 s
        _, kernel_id = open_page(url)
        time.sleep(2.2)  # two cull ticks before the page's websocket connects
        assert kernel_answers(url, kernel_id), (tmp_path / "voila.log").read_text()[-2000:]


def test_the_pool_refills_after_the_page_has_loaded_not_while(chromium, tmp_path):
    """The preheated kernel's replacement starts ``fill_delay`` seconds (voila.json) after
    a page takes it: starting a kernel and running the app took about a second of CPU
    while the page's scripts loaded, on the same two cores when served locally. It does
    start then, and the next page is handed the new preheated kernel."""
    import psutil

    delay = json.loads((Path(__file__).resolve().parent.parent / "voila.json").read_text())[
        "VoilaKernelManager"]["fill_delay"]
    assert 3 <= delay <= 10, delay  # past a first visit's load, well before anyone's second
    log = tmp_path / "voila.log"
    with serve_voila(log, notebook="notebooks/downtime_budget.ipynb") as (url, proc):
        server = psutil.Process(proc.pid)

        def kernels() -> int:
            count = 0
            for child in server.children(recursive=False):
                try:
                    count += "ipykernel" in " ".join(child.cmdline())
                except psutil.Error:
                    pass
            return count

        deadline = time.monotonic() + 60
        while "is filled with 1 kernel" not in log.read_text():  # the pool has its first kernel (maybe still starting)
            assert time.monotonic() < deadline, _log_tail(log)
            time.sleep(0.1)
        assert kernels() == 1
        # The page is read in a thread, while its kernel count is watched: the pool hands
        # out its kernel during the request, so the refill cannot start before asked + delay.
        with ThreadPoolExecutor(1) as reader:
            asked = time.monotonic()
            page = reader.submit(open_page, url)
            while time.monotonic() - asked < delay - 1:
                assert kernels() == 1, ("the pool refilled while the first page was loading", _log_tail(log))
                time.sleep(0.1)
            page.result()
        while kernels() < 2:
            assert time.monotonic() < asked + delay + 60, _log_tail(log)
            time.sleep(0.1)
        open_page(url)
        assert log.read_text().count("Using pre-heated kernel") == 2, _log_tail(log)


def test_a_page_slow_to_connect_keeps_its_kernel_for_the_grace_only(chromium, tmp_path):
    """A crowd of pages on 2 cores takes longer to load than the cull timeout: a kernel
    no client has connected to yet is not culled before HADR_CONNECT_GRACE_S, and is
    culled after it (a client that never connects holds a kernel no longer)."""
    args = ("--MappingKernelManager.cull_idle_timeout=2", "--MappingKernelManager.cull_interval=1")
    with serve_voila(tmp_path / "voila.log", notebook="notebooks/downtime_budget.ipynb",
                     extra_args=args, env_extra={"HADR_CONNECT_GRACE_S": "8"}) as (url, _):
        _, slow = open_page(url)  # the page is read; its websocket comes late
        time.sleep(5)  # past the 2 s cull timeout, several cull ticks, within the grace
        log = (tmp_path / "voila.log").read_text()
        assert kernel_answers(url, slow), log[-2000:]
        _, never = open_page(url)  # this client never connects
        deadline = time.monotonic() + 30
        while f"Kernel shutdown: {never}" not in (tmp_path / "voila.log").read_text():
            assert time.monotonic() < deadline, "the unconnected kernel outlived its grace"
            time.sleep(0.5)
        assert not kernel_answers(url, never)  # gone: a page asking for it now is told so


def _log_tail(path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _get_status(url: str, headers: dict | None = None, timeout: float = 180) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_no_cors_requests_start_no_kernel_and_a_burst_cannot_lock_people_out(chromium, tmp_path):
    """30 cross-origin no-cors GETs (what any web page can make its visitors' browsers
    send) left 27 kernels against a cap of 24 and a busy page for everyone for 5 minutes.
    Now they start no kernel; a burst of plain GETs never holds more kernels than the
    cap; and a page load after the burst gets a kernel that answers, within seconds."""
    import threading

    import psutil

    env = {"HADR_MAX_KERNELS": "4", "HADR_EVICT_AFTER_S": "6"}
    with serve_voila(tmp_path / "voila.log", notebook="notebooks/downtime_budget.ipynb",
                     env_extra=env) as (url, proc):
        server = psutil.Process(proc.pid)

        log_path = tmp_path / "voila.log"

        def kernel_procs() -> list[tuple[str, str]]:
            """(kernel id, process status) of the server's kernels, leaving out those it
            has already shut down (a killed process may take a moment to go). A kernel is
            a direct child of the server, counted once: a kernel's own short-lived forks
            carry its command line (one was counted as a sixth kernel on CI)."""
            shut = set(re.findall(r"Kernel shutdown: ([0-9a-f-]{36})", log_path.read_text(errors="replace")))
            found: dict[str, str] = {}
            for child in server.children(recursive=False):
                try:
                    cmd = " ".join(child.cmdline())
                    status = child.status()
                except psutil.Error:  # gone, or a zombie waiting to be reaped
                    continue
                if "ipykernel" in cmd:
                    m = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
                    kernel_id = m.group(1) if m else f"pid {child.pid}"
                    if kernel_id not in shut:
                        found.setdefault(kernel_id, status)
            return sorted(found.items())

        def kernels() -> int:
            return len(kernel_procs())

        deadline = time.monotonic() + 60
        while kernels() < 1:  # the preheated kernel
            assert time.monotonic() < deadline
            time.sleep(0.2)
        no_cors = {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"}
        with ThreadPoolExecutor(30) as pool:
            statuses = list(pool.map(lambda _: _get_status(url, no_cors), range(30)))
        assert statuses == [403] * 30
        assert kernels() == 1

        most, stop = [0, []], threading.Event()

        def sample():
            while not stop.is_set():
                now = kernel_procs()
                if len(now) > most[0]:
                    most[:] = [len(now), now]
                time.sleep(0.05)

        watcher = threading.Thread(target=sample)
        watcher.start()
        try:
            with ThreadPoolExecutor(30) as pool:
                statuses = list(pool.map(lambda _: _get_status(url), range(30)))
        finally:
            stop.set()
            watcher.join()
        # 4 at once; a slow machine may reach the last requests after the first kernels
        # turned stale, and make room for one or two more
        assert statuses.count(200) >= 4 and statuses.count(503) >= 20, statuses
        assert most[0] <= 4 + 1, (most, _log_tail(tmp_path / "voila.log"))  # the cap, and the pool's preheated kernel
        time.sleep(6.5)  # the burst's kernels, never connected to, are now stale
        navigate = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}
        req = urllib.request.Request(url, headers=navigate)
        with urllib.request.urlopen(req, timeout=120) as r:
            page = r.read().decode()
        kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page) or re.search(
            r"kernel_id\W+([0-9a-f-]{36})", page)
        assert kernel_id, page[-2000:]
        assert kernel_answers(url, kernel_id.group(1))
        assert "shut down kernel" in (tmp_path / "voila.log").read_text()
