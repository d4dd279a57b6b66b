"""Voila's front-end chunks as one script (hadr_lib.page_code)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hadr_lib import page_code

STRICT = b'"use strict";(self.webpackChunk_X=self.webpackChunk_X||[]).push([[11],{5:(e,t,n)=>{}}]);'
SLOPPY = b"(self.webpackChunk_X=self.webpackChunk_X||[]).push([[12],{6:function(e){}}]);"
LICENSED = b'/*! For license information please see 13.voila.js.LICENSE.txt */\n"use strict";' \
           b"(self.webpackChunk_X=self.webpackChunk_X||[]).push([[13],{}]);"
BRACKETED = b'"use strict"; (self["webpackChunk_any_monorepo"] = self["webpackChunk_any_monorepo"] || []).push([[2],{}]);'


def _write(folder: Path, name: str, code: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(code)
    return folder / name


def test_chunks_are_wrapped_one_function_each_in_the_order_asked(tmp_path):
    static = tmp_path / "static"
    for name, code in (("11.voila.js", STRICT), ("12.voila.js", SLOPPY), ("13.voila.js", LICENSED)):
        _write(static, name, code)
    bundle = page_code.build_bundle([static], [], voila_chunks=("13", "11", "12"), extension_chunks={})
    assert bundle.included == ("13.voila.js", "11.voila.js", "12.voila.js")
    assert bundle.missing == ()
    # each chunk's "use strict" stays the first statement of its own function
    assert bundle.body == (b"(function(){\n" + LICENSED + b"\n})();\n"
                           + b"(function(){\n" + STRICT + b"\n})();\n"
                           + b"(function(){\n" + SLOPPY + b"\n})();\n")
    assert bundle.etag == '"' + hashlib.sha1(bundle.body).hexdigest() + '"'


def test_the_first_folder_that_has_a_chunk_wins_as_voila_looks(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, "11.voila.js", STRICT)
    _write(second, "11.voila.js", SLOPPY)
    _write(second, "12.voila.js", SLOPPY)
    bundle = page_code.build_bundle([first, second], [], voila_chunks=("11", "12"), extension_chunks={})
    assert bundle.body.count(STRICT) == 1 and bundle.body.count(SLOPPY) == 1
    assert bundle.included == ("11.voila.js", "12.voila.js")


def test_what_is_missing_or_not_a_chunk_is_left_to_the_page_to_fetch(tmp_path):
    static = tmp_path / "static"
    _write(static, "11.voila.js", STRICT)
    _write(static, "14.voila.js", b"var exported = 1;")  # top-level names: wrapping would hide them
    _write(static, "15.voila.js", b"")
    bundle = page_code.build_bundle([static], [], voila_chunks=("11", "14", "15", "16", "../11"),
                                    extension_chunks={})
    assert bundle.included == ("11.voila.js",)
    assert bundle.missing == ("14.voila.js", "15.voila.js", "16.voila.js", "../11.voila.js")
    assert b"exported" not in bundle.body


def test_extension_chunks_are_found_by_id_whatever_their_hash(tmp_path):
    labext = tmp_path / "labextensions"
    static = labext / "@jupyter-widgets" / "manager" / "static"
    _write(static, "7.2a0ce575.js", SLOPPY)
    _write(static, "7.2a0ce575.js.LICENSE.txt", b"licences")
    _write(static, "71.bc79c9fe.js", STRICT)  # another id that starts with the same digit
    _write(labext / "anywidget" / "static", "2.3dbf81c0.js", BRACKETED)
    two = labext / "twice" / "static"
    _write(two, "9.aaaa.js", SLOPPY)
    _write(two, "9.bbbb.js", SLOPPY)  # two builds side by side: not ours to choose
    bundle = page_code.build_bundle(
        [], [tmp_path / "nowhere", labext], voila_chunks=(),
        extension_chunks={"@jupyter-widgets/manager": ("7", "8"), "anywidget": ("2",), "twice": ("9",),
                          "gone": ("1",)})
    assert bundle.included == ("@jupyter-widgets/manager/7", "anywidget/2")
    assert bundle.missing == ("@jupyter-widgets/manager/8", "twice/9", "gone/1")
    assert bundle.body == b"(function(){\n" + SLOPPY + b"\n})();\n" + b"(function(){\n" + BRACKETED + b"\n})();\n"


def test_the_installed_voila_and_extensions_have_every_listed_chunk():
    """The lists match the pinned versions (constraints.txt): after an upgrade this
    fails, naming what the bundle no longer finds (the page still works, fetching them)."""
    from voila.paths import collect_static_paths
    from voila.utils import get_voila_labextensions_path

    bundle = page_code.build_bundle(collect_static_paths(["voila", "nbconvert"], "lab"),
                                    get_voila_labextensions_path())
    assert bundle.missing == ()
    expected = len(page_code.VOILA_CHUNKS) + sum(map(len, page_code.EXTENSION_CHUNKS.values()))
    assert len(bundle.included) == expected == 86
    assert 3_000_000 < len(bundle.body) < 8_000_000
