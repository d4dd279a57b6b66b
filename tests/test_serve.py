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
