"""Voila's front-end code for the app's page in one response.

The page's JavaScript is Voila's JupyterLab build: its entry (``voila.js``) fetches 72
chunks of its own and the widget extensions fetch 14 more, one request each. On two
cores the browser spent the first second of a visit fetching them in rounds (six
connections at a time, each answered by the one-threaded server) while its main thread
waited. Served as one script that the page starts fetching as it opens, they cost one
request; the webpack runtimes find them already installed and fetch nothing
(100 requests a first visit became 15; the first usable control came at a median of
1.40 s against 1.81 s, 8 first visits each, alternated).

It is only ever a shortcut, never needed:

* each chunk only registers code with its build's loader, so one that the page never
  asks for costs its parse and nothing else, and one missing from the bundle (a Voila
  or ipywidgets upgrade renumbers them) is fetched as before;
* every file comes from the installed packages when the server starts, so the bundle
  and the loaders that read it are always the same build;
* a file that is not a chunk of this shape is left out, not wrapped;
* should the bundle fail to load, the page fetches each chunk itself.

Each chunk is wrapped in its own function, so a chunk's ``"use strict"`` stays its own
(14 of Voila's are not strict; concatenated bare, the first file's mode would decide
all of them).

The lists below are what the app's first page fetches with the versions in
``constraints.txt``; ``tests/test_app_browser.py`` fails, naming the chunks, when the
page fetches one the bundle lacks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EXTENSION_CHUNKS", "ROUTE", "VOILA_CHUNKS", "Bundle", "build_bundle"]

#: Where the served app's page finds the bundle (relative to the server's base URL).
ROUTE = "hadr/static/voila-chunks.js"

#: Voila's own chunks (``<id>.voila.js`` in its static folders), in the order the page
#: asks for them: its entry's 56, then 16 more once the kernel is connected.
VOILA_CHUNKS: tuple[str, ...] = (
    "5764", "8135", "3992", "9582", "8925", "7883", "7556", "6049", "1670", "6573", "3311", "4135",
    "1621", "3916", "3649", "8487", "9684", "4041", "143", "7155", "3144", "1601", "4972", "9890",
    "5312", "6468", "3459", "630", "5688", "2930", "73", "1187", "4173", "7483", "431", "3989",
    "8766", "9151", "4729", "6382", "5044", "7598", "9081", "7770", "3249", "4653", "8862", "9981",
    "5767", "4222", "8773", "3307", "6008", "8017", "457", "9212",
    "4371", "2829", "7259", "6074", "4875", "4486", "6305", "7393", "225", "614", "1996", "2121",
    "2772", "2296", "7245", "5992",
)

#: The widget extensions' chunks (``<id>.<hash>.js`` in ``<extension>/static``), by id:
#: the hash changes with each release, the id is what the page's request names.
EXTENSION_CHUNKS: dict[str, tuple[str, ...]] = {
    "@jupyter-widgets/jupyterlab-manager": ("7", "704", "170", "84", "32", "452", "967", "160", "718", "121"),
    "anywidget": ("2", "528"),
    "@voila-dashboards/widgets-manager8": ("883", "496"),
}

# A webpack or rspack chunk begins so: an optional licence comment and "use strict",
# then the push of [ids, modules] onto its build's global array (which is all a chunk
# does at its top level).
_CHUNK = re.compile(rb'\A(?:/\*.*?\*/\s*)?(?:"use strict";\s*)?\(self(?:\.[\w$]+|\["[\w@/$-]+"\])\s*=\s*self',
                    re.DOTALL)


@dataclass(frozen=True)
class Bundle:
    """The script, its entity tag, and the files it holds or left out."""

    body: bytes
    etag: str
    included: tuple[str, ...]
    missing: tuple[str, ...]


def _find(name: str, folders: Iterable[Path]) -> Path | None:
    for folder in folders:
        path = folder / name
        if path.is_file():
            return path
    return None


def _extension_chunk(extension: str, chunk_id: str, folders: Iterable[Path]) -> Path | None:
    if not re.fullmatch(r"\d+", chunk_id):
        return None
    for folder in folders:
        static = folder / extension / "static"
        found = sorted(p for p in static.glob(f"{chunk_id}.*.js") if re.fullmatch(rf"{chunk_id}\.\w+\.js", p.name))
        if len(found) == 1:
            return found[0]
        if found:  # two builds side by side: which one the page loads is not ours to guess
            return None
    return None


def build_bundle(static_dirs: Sequence[str | Path], labextension_dirs: Sequence[str | Path],
                 voila_chunks: Iterable[str] = VOILA_CHUNKS,
                 extension_chunks: dict[str, tuple[str, ...]] | None = None) -> Bundle:
    """The chunks found in Voila's static folders (first match wins, as Voila's own
    static handler looks) and in the extensions' folders, each wrapped in a function,
    in the order given."""
    statics = [Path(d) for d in static_dirs]
    labext = [Path(d) for d in labextension_dirs]
    wanted: list[tuple[str, Path | None]] = [
        (f"{c}.voila.js", _find(f"{c}.voila.js", statics) if re.fullmatch(r"\d+", c) else None)
        for c in voila_chunks]
    for extension, ids in (EXTENSION_CHUNKS if extension_chunks is None else extension_chunks).items():
        wanted += [(f"{extension}/{c}", _extension_chunk(extension, c, labext)) for c in ids]
    parts, included, missing = [], [], []
    for label, path in wanted:
        code = path.read_bytes() if path is not None else b""
        if path is None or not _CHUNK.match(code):
            missing.append(label)
            continue
        parts.append(b"(function(){\n" + code.rstrip() + b"\n})();\n")
        included.append(label)
    body = b"".join(parts)
    return Bundle(body=body, etag='"' + hashlib.sha1(body).hexdigest() + '"', included=tuple(included),
                  missing=tuple(missing))
