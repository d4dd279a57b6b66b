"""hadr_lib.serve's checks that need no server: the v1 frame check."""

from __future__ import annotations

import json
import random

import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

from hadr_lib.serve import MAX_FRAME_PARTS, v1_frame_problem

PARTS = [json.dumps({"msg_type": "kernel_info_request", "msg_id": "1"}).encode(), b"{}", b"{}", b"{}"]


def frame(parts=PARTS, channel="shell") -> bytes:
    return serialize_msg_to_ws_v1(parts, channel)


def test_a_real_message_passes_and_decodes_as_jupyter_server_decodes_it():
    data = frame([*PARTS, b"\x00" * 100, b""])
    assert v1_frame_problem(data) is None
    assert deserialize_msg_from_ws_v1(data) == ("shell", [*PARTS, b"\x00" * 100, b""])
    assert v1_frame_problem(bytearray(data)) is None
    assert v1_frame_problem(memoryview(data)) is None


@pytest.mark.parametrize("data, says", [
    (b"\xff" * 8, "claims 18,446,744,073,709,551,615 offsets"),   # the frame that froze the server
    (b"", "0 bytes is too short"),
    (b"\x06\x00\x00", "3 bytes is too short"),
    ((5).to_bytes(8, "little") + bytes(40), "a message has 6 to"),
    ((7).to_bytes(8, "little") + bytes(16), "claims 7 offsets but is 24 bytes long"),
    ((MAX_FRAME_PARTS + 3).to_bytes(8, "little"), "offsets; a message has"),
    ("text", "a text frame"),
    (None, "a NoneType, not a binary frame"),
])
def test_malformed_frames_are_named(data, says):
    problem = v1_frame_problem(data)
    assert problem is not None and says in problem, problem


def _with_offset(data: bytes, index: int, value: int) -> bytes:
    at = 8 * (index + 1)
    return data[:at] + value.to_bytes(8, "little") + data[at + 8:]


def test_offsets_must_stay_inside_the_frame_and_in_order():
    good = frame()
    assert "first offset" in v1_frame_problem(_with_offset(good, 0, 3))
    assert "last offset" in v1_frame_problem(_with_offset(good, 5, len(good) + 1))
    assert "last offset" in v1_frame_problem(good + b"x")
    assert "decrease" in v1_frame_problem(_with_offset(good, 2, 2**63))
    assert "no such channel 'nope'" in v1_frame_problem(frame(channel="nope"))
    assert "not UTF-8" in v1_frame_problem(frame(channel="shell").replace(b"shell", b"\xffhell"))


def test_random_frames_are_refused_in_bounded_time():
    """Random bytes (a 64 KB frame did freeze the server) are refused at once; any
    frame the check passes decodes without error into the channel and parts it names."""
    rng = random.Random(23)
    for size in [8, 9, 48, 64, 1000, 65536]:
        for _ in range(200):
            data = rng.randbytes(size)
            problem = v1_frame_problem(data)
            assert problem is not None
    # small counts with random offsets, half of them on a real channel: what passes
    # decodes cleanly into the channel and parts it names
    passed = 0
    for i in range(2000):
        count = rng.randint(6, 9)
        channel = b"shell" if i % 2 else rng.randbytes(5)
        body = channel + rng.randbytes(rng.randint(0, 40))
        start = 8 * (count + 1)
        offsets = sorted(rng.randint(start + len(channel), start + len(body)) for _ in range(count))
        offsets[0], offsets[1], offsets[-1] = start, start + len(channel), start + len(body)
        offsets.sort()
        data = count.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + body
        if v1_frame_problem(data) is None:
            passed += 1
            name, parts = deserialize_msg_from_ws_v1(data)
            assert name == "shell" and len(parts) == count - 2
    assert 900 <= passed <= 1000


# --- who gets a kernel ---------------------------------------------------------------

from hadr_lib.serve import Admission, fetch_refusal  # noqa: E402


def test_the_cap_counts_pages_still_starting():
    """30 requests at once: each passes the check before any kernel exists, so the
    check must count reservations, or the cap overshoots (27 kernels for a cap of 24)."""
    adm = Admission(cap=24, per_client=100, evict_after_s=20)
    admitted = 0
    for i in range(30):
        ok, evict = adm.decide(f"10.0.0.{i}", in_use=0, now=0.0)
        assert evict == []
        if ok:
            adm.reserve(f"10.0.0.{i}")
            admitted += 1
    assert admitted == 24


def test_a_full_server_makes_room_from_the_oldest_unconnected_kernel_only_when_stale():
    adm = Admission(cap=2, per_client=100, evict_after_s=20)
    adm.handed = {"k1": ("a", 0.0), "k2": ("b", 5.0)}
    assert adm.decide("c", in_use=2, now=10.0) == (False, [])      # none old enough
    assert adm.decide("c", in_use=2, now=21.0) == (True, ["k1"])   # k1 handed 21 s ago
    adm.handed.pop("k1")                                           # connected: never evicted
    assert adm.decide("c", in_use=2, now=21.0) == (False, [])
    assert adm.decide("c", in_use=2, now=30.0) == (True, ["k2"])


def test_a_kernel_whose_page_is_still_being_sent_is_never_stale():
    """On a loaded server the app's page took over 20 s to send: its kernel was evicted
    as stale before its client could connect. The clock starts when the page is sent."""
    adm = Admission(cap=1, per_client=100, evict_after_s=20)
    adm.reserve("a")
    adm.hand("k1", "a")
    assert adm.pending == {}
    assert adm.decide("b", in_use=1, now=1e6) == (False, [])       # still being sent
    adm.sent("k1", now=100.0)
    assert adm.decide("b", in_use=1, now=119.0) == (False, [])     # sent 19 s ago
    assert adm.decide("b", in_use=1, now=120.0) == (True, ["k1"])  # 20 s: late
    adm.handed.pop("k1")                                           # connected meanwhile
    adm.sent("k1", now=130.0)                                      # its page ends: no effect
    assert adm.handed == {}


def test_one_client_holds_at_most_per_client_unconnected_kernels():
    adm = Admission(cap=24, per_client=3, evict_after_s=20)
    adm.handed = {"k1": ("a", 1.0), "k2": ("a", 0.5), "k3": ("a", 2.0), "k4": ("b", 0.0)}
    # client a is at its limit: its own oldest (k2) goes, at once, whatever its age
    assert adm.decide("a", in_use=4, now=2.0) == (True, ["k2"])
    assert adm.decide("b", in_use=4, now=2.0) == (True, [])
    adm.handed = {}
    for _ in range(3):
        adm.reserve("a")
    assert adm.decide("a", in_use=0, now=0.0) == (False, [])       # three of its pages starting
    adm.release("a")
    assert adm.decide("a", in_use=0, now=0.0) == (True, [])
    for _ in range(2):
        adm.release("a")
    assert adm.pending == {}


def test_a_kernel_whose_page_closed_gives_way_once_stale_and_not_after_it_is_back():
    """Pages closed without shutting their kernels down filled a cap of 24 within two
    minutes of a test run, and the next page was told "busy" until the culler came.
    A kernel whose last client left gives way on a full server, oldest first, after
    the same wait as an unconnected one; a client that reconnects keeps it."""
    adm = Admission(cap=2, per_client=100, evict_after_s=20)
    adm.gone("k1", now=0.0)
    adm.gone("k2", now=5.0)
    assert adm.decide("c", in_use=2, now=19.0) == (False, [])      # both left under 20 s ago
    assert adm.decide("c", in_use=2, now=26.0) == (True, ["k1"])   # the one that left first
    adm.back("k1")                                                 # its page reconnected
    assert adm.decide("c", in_use=2, now=24.0) == (False, [])
    assert adm.decide("c", in_use=2, now=25.0) == (True, ["k2"])
    adm.handed = {"k3": ("a", 1.0)}                                # an unconnected one, older
    assert adm.decide("c", in_use=2, now=30.0) == (True, ["k3"])
    assert adm.decide("c", in_use=1, now=30.0) == (True, [])       # room: nothing goes


def test_both_limits_at_once_evict_two_different_kernels():
    adm = Admission(cap=2, per_client=1, evict_after_s=0)
    adm.handed = {"k1": ("a", 0.0), "k2": ("b", 1.0)}
    ok, evict = adm.decide("a", in_use=3, now=5.0)  # 3 in use (one connected), cap 2
    assert ok and evict == ["k1", "k2"]


@pytest.mark.parametrize("headers, refused", [
    ({}, None),  # curl and other clients that say nothing
    ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}, None),
    ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"}, None),
    ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-origin"}, None),
    ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "cross-site"}, "not a page load"),
    ({"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"}, "not a page load"),
    ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}, "not a page load"),
    ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"}, "another site's iframe"),
])
def test_only_page_loads_may_start_a_kernel(headers, refused):
    got = fetch_refusal(headers)
    assert (got is None) if refused is None else (refused in got), got


# --- kernels' memory cap ----------------------------------------------------------------

def _limited(mib: int, code: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "hadr_lib.limited", str(mib), sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60)


def test_a_capped_process_gets_a_memory_error_past_its_cap_and_works_below_it():
    grab = "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20); x = bytearray({} * 2**20)"
    ok = _limited(300, grab.format(100))
    assert ok.returncode == 0 and ok.stdout.split() == ["300"], ok.stderr
    over = _limited(300, grab.format(400))
    assert over.returncode == 1 and "MemoryError" in over.stderr


@pytest.mark.parametrize("argv", [[], ["300"], ["x", "true"], ["0", "true"]])
def test_limited_wants_a_size_and_a_command(argv):
    from hadr_lib.limited import main

    with pytest.raises(SystemExit, match="usage"):
        main(argv)


def test_a_capped_kernel_still_prints_a_pdf_with_chromium(chromium, tmp_path):
    """A served kernel's address space is capped (soft limit); Chromium, which reserves
    gigabytes it never uses, lifts the cap for itself and prints (it died with SIGTRAP)."""
    code = ("import sys; from pathlib import Path; from hadr_lib.report import print_pdf; "
            "w = Path(sys.argv[1]); print_pdf('<html><head></head><body><p>hello</p></body></html>', "
            "w / 'out.pdf', sys.argv[2], workdir=w, timeout=120); "
            "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20)")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "hadr_lib.limited", "3072", sys.executable, "-c", code,
                           str(tmp_path), chromium], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3072"]  # the kernel itself stays capped
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
