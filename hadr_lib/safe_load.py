"""Reading files that come from other people: bounded before any work is done.

Design and scenario files are YAML written by someone else. Before a file is parsed
it must be a regular file no larger than ``MAX_FILE_BYTES``; before it is turned into
Python objects its node graph is walked once (without expanding aliases) to bound
its nesting depth (``MAX_DEPTH``) and its size with every alias expanded
(``MAX_NODES``), so a 600-byte "billion laughs" alias bomb or a 3000-level nesting
is refused in milliseconds, with a message, instead of exhausting memory or the
stack. Text fields are checked for control characters, which could rewrite a
terminal (ANSI escapes) or hide text.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .checks import InvalidInputError

__all__ = ["COUNT_EVENTS_OVER_BYTES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "check_depth", "check_text",
           "paused_gc", "read_text", "read_yaml", "shown_key"]

#: Largest file read [bytes]: a 100,000-component design is about 8 MB of YAML.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Deepest nesting of blocks or YAML collections accepted (real designs use < 20).
MAX_DEPTH = 100
#: Most YAML nodes after alias expansion (a 100,000-component design has ~700,000).
MAX_NODES = 4_000_000
#: Texts longer than this [bytes] have their nodes counted from the parser's event
#: stream before any node is built. A built node costs ~450 bytes and ~15 us, an
#: event ~2.6 us and nothing kept, so a 32 MiB list of 16 million ones is refused
#: after 4 million events (about 10 s, under 200 MB) instead of after building all
#: of them (4 minutes, 7 GB). Below this size at most ~2 nodes per byte fit, so
#: building them costs at most a few hundred MB and the count is skipped.
COUNT_EVENTS_OVER_BYTES = 256 * 1024

# PyYAML's C parser is ~20x faster than the pure-Python one when libyaml is present.
_BaseLoader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses a key given twice in one mapping, or a key that
    is not a plain value (a list or a mapping as a key)."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        mark = key_node.start_mark
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a {type(key).__name__} is not allowed as a key "
                f"(line {mark.line + 1}); keys are names", mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Devices (``/dev/zero``), FIFOs, sockets and folders are refused before they are
    opened for reading, and the size is checked again on what is read, so a file
    that grows meanwhile cannot slip past the limit.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise InvalidInputError(f"{path}: {kind}; give a YAML file")
    if st.st_size > limit:
        raise InvalidInputError(
            f"{path}: {st.st_size:,} bytes is over the limit of {limit:,} bytes")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the stat
                raise InvalidInputError(f"{path}: not a regular file; give a YAML file")
            data = f.read(limit + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InvalidInputError(f"{path}: over the limit of {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _check_graph(root, origin: str, max_depth: int, max_nodes: int) -> None:
    """Walk a composed YAML node graph once, iteratively: refuse nesting deeper than
    ``max_depth``, an alias that contains itself, and more than ``max_nodes`` nodes
    once aliases are expanded (sizes are memoised per node, so the walk is linear in
    the file, not in the expansion)."""
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            total = 1
            for child in _node_children(node):
                total += size[id(child)]
            if total > max_nodes:
                raise InvalidInputError(
                    f"{origin}: more than {max_nodes:,} values once YAML aliases are "
                    "expanded; refused (an alias bomb, or a design too large)")
            size[key] = total
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise InvalidInputError(f"{origin}: a YAML alias refers to itself; refused")
        if depth > max_depth:
            mark = node.start_mark
            raise InvalidInputError(
                f"{origin}: nested more than {max_depth} levels deep (line {mark.line + 1}); "
                "refused")
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in _node_children(node):
            if id(child) in open_nodes:
                raise InvalidInputError(f"{origin}: a YAML alias refers to itself; refused")
            if id(child) not in size:
                stack.append((child, depth + 1, False))


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent,
                yaml.AliasEvent)


def _count_nodes(text: str, origin: str, max_nodes: int) -> None:
    """Refuse a text with more than ``max_nodes`` YAML nodes before aliases are
    expanded, reading only the parser's events (none is kept), and stopping at the
    first event past the limit. Syntax errors are left to the real parse."""
    parser = _BaseLoader(text)
    count = 0
    try:
        while parser.check_event():
            if isinstance(parser.get_event(), _NODE_EVENTS):
                count += 1
                if count > max_nodes:
                    raise InvalidInputError(
                        f"{origin}: more than {max_nodes:,} YAML values; refused "
                        "(a 100,000-component design has about 700,000)")
    except yaml.YAMLError:
        return  # the parse that follows reports it with its line and column
    finally:
        parser.dispose()


def _node_children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _parse_error(exc: BaseException, origin: str) -> InvalidInputError:
    """A parser's failure as one line naming the file: a syntax error with its line and
    column, nesting past the parser's own recursion, a value that cannot be built (e.g.
    an int of more than 4300 digits)."""
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return InvalidInputError(f"{origin}: YAML syntax error{where}: {problem}")
    if isinstance(exc, RecursionError):
        return InvalidInputError(f"{origin}: nested too deeply; refused")
    return InvalidInputError(f"{origin}: a value cannot be read ({exc})")


def read_yaml(source, *, origin: str | None = None, max_depth: int = MAX_DEPTH,
              max_nodes: int = MAX_NODES):
    """Parse a YAML file (a path) or text (a ``str`` with ``origin`` given) safely:
    size, depth and alias expansion bounded, duplicate and non-plain keys refused."""
    if origin is None:
        path = Path(source)
        origin = str(path)
        text = read_text(path)
    else:
        text = source
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise InvalidInputError(f"{origin}: over the limit of {MAX_FILE_BYTES:,} bytes")
    if text.lstrip().startswith("{"):  # JSON (a YAML subset) parses ~50x quicker
        data = _read_json(text, origin)
        if data is not None:
            return data
    if len(text) > COUNT_EVENTS_OVER_BYTES:
        _count_nodes(text, origin, max_nodes)
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, origin, max_depth, max_nodes)
        return loader.construct_document(node)
    except InvalidInputError:
        raise
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        raise _parse_error(exc, origin) from None
    finally:
        loader.dispose()


def _json_object(pairs):
    out = dict(pairs)  # at C speed; a key given twice shows as a shorter dict
    if len(out) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise InvalidInputError(f"duplicate key {key!r}")
            seen.add(key)
    return out


def _read_json(text: str, origin: str):
    """``text`` as JSON (duplicate keys refused, nesting bounded), or None when it is
    not JSON, so the YAML parser reads it (``{a: 1}`` is YAML, not JSON)."""
    try:
        data = json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError:
        return None
    except InvalidInputError as exc:
        raise InvalidInputError(f"{origin}: {exc}") from None
    except RecursionError:  # json's decoder stops at Python's recursion limit
        raise InvalidInputError(f"{origin}: nested too deeply; refused") from None
    return data  # no aliases in JSON; the design reader bounds the nesting it walks


def check_depth(data, origin: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a mapping/list structure (from Python or JSON) nested deeper than
    ``max_depth``, walking it iteratively; shared sub-structures are visited once."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        kind = type(value)
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            children = list(value.values())
        elif kind is list or isinstance(value, tuple):
            children = list(value)
        else:
            continue
        if depth > max_depth:
            raise InvalidInputError(f"{origin}: nested more than {max_depth} levels deep; refused")
        if id(value) in seen:
            continue
        seen.add(id(value))
        stack.extend((c, depth + 1) for c in children)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a big tree of objects is built
    (none of them cyclic): it would otherwise scan the growing tree again and again,
    a quarter to a half of the time of loading 100,000 components."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def shown_key(key) -> str:
    """A mapping key as it may appear in a message: itself if it is printable text,
    else its ``repr`` (so escapes in a hostile key never reach a terminal raw)."""
    return key if isinstance(key, str) and key.isprintable() and len(key) <= 80 else repr(key)[:80]


def check_text(field: str, value, *, multiline: bool = False, max_len: int = 10_000) -> str:
    """``value`` if it is a text without control characters (tabs and newlines
    allowed with ``multiline``) and at most ``max_len`` characters long."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{field}: {value!r} is not a text")
    if len(value) > max_len:
        raise InvalidInputError(f"{field}: {len(value):,} characters is over the limit of {max_len:,}")
    if value.isprintable():  # the common case, in C: no control or format characters
        return value
    allowed = "\t\n\r" if multiline else ""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") \
                and ch not in "\u200d":
            raise InvalidInputError(
                f"{field}: {value!r} contains the control character U+{ord(ch):04X}; "
                "names and texts must be printable")
    return value



class _TolerantLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader for other tools' files (infrastructure code): keys given twice are
    kept (the last wins, as most of those tools read them) and reported, not refused."""


_STR_TAG = "tag:yaml.org,2002:str"
#: YAML's plain scalar tags and how a safe constructor builds each (others: their text).
_SCALARS = {f"tag:yaml.org,2002:{t}": f"construct_yaml_{t}" for t in ("int", "float", "bool", "null", "timestamp")}


def _scalar(loader, node):
    if node.tag == _STR_TAG:
        return node.value
    build = _SCALARS.get(node.tag)
    return getattr(loader, build)(node) if build else str(node.value)


#: CloudFormation's short-form tags: ``!Ref x`` is ``{"Ref": x}``, ``!GetAtt a.b`` is
#: ``{"Fn::GetAtt": ["a", "b"]}``, ``!Condition c`` is ``{"Condition": c}``, any other
#: ``!Name v`` is ``{"Fn::Name": v}`` (what the long form in JSON says).
def _cloudformation_tag(tag: str, value):
    name = tag[1:]
    if name in ("Ref", "Condition"):
        return {name: value}
    if name == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{name}": value}


def _node_value(loader, node, path: tuple, lines: dict, duplicates: list, budget: list, line: int = 0,
                tags: bool = False):
    """``node`` as plain data (mappings, lists, scalars), each value's line recorded in
    ``lines`` by its path (a value under a key: the key's line), keys given twice listed
    in ``duplicates``; ``budget`` (one integer in a list) bounds the values built,
    aliases expanded. Tags other than YAML's plain ones build nothing: a tagged scalar
    is read as its text, a tagged collection as a plain one."""
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidInputError("more values than the limit once YAML aliases are expanded; refused")
    lines[path] = line or node.start_mark.line + 1
    if tags and isinstance(node.tag, str) and node.tag.startswith("!") and not node.tag.startswith("!!"):
        tag, node.tag = node.tag, {yaml.ScalarNode: "tag:yaml.org,2002:str",
                                   yaml.SequenceNode: "tag:yaml.org,2002:seq"}.get(type(node), "tag:yaml.org,2002:map")
        try:
            return _cloudformation_tag(tag, _node_value(loader, node, path, lines, duplicates, budget, line, tags))
        finally:
            node.tag = tag
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # merge keys (<<)
        out: dict = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else "<non-scalar key>"
            if not isinstance(key, (str, int, float, bool)):
                key = str(key)
            key_line = key_node.start_mark.line + 1
            if key in out:
                duplicates.append((path + (key,), key_line))
            out[key] = _node_value(loader, value_node, path + (key,), lines, duplicates, budget, key_line, tags)
        return out
    return [_node_value(loader, child, path + (i,), lines, duplicates, budget, 0, tags)
            for i, child in enumerate(node.value)]


def read_yaml_documents(text: str, origin: str, *, max_depth: int = MAX_DEPTH,
                        max_nodes: int = MAX_NODES, tags: bool = False) -> list[tuple[Any, dict, list]]:
    """Every document of a YAML stream (``---`` separated), read safely (size, depth
    and alias expansion bounded, no tags that build objects) as (data, lines,
    duplicates): ``lines`` maps a value's path (a tuple of keys and indices) to its
    line; ``duplicates`` lists (path, line) of keys given twice (the last kept). With
    ``tags``, local tags are CloudFormation's short forms (``_cloudformation_tag``)."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InvalidInputError(f"{origin}: over the limit of {MAX_FILE_BYTES:,} bytes")
    if len(text) > COUNT_EVENTS_OVER_BYTES:
        _count_nodes(text, origin, max_nodes)
    loader = _TolerantLoader(text)
    out = []
    budget = [max_nodes]
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _check_graph(node, origin, max_depth, max_nodes)
            lines: dict = {}
            duplicates: list = []
            data = _node_value(loader, node, (), lines, duplicates, budget, 0, tags)
            out.append((data, lines, duplicates))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{origin}: {exc}") if not str(exc).startswith(origin) else exc from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        raise _parse_error(exc, origin) from None
    finally:
        loader.dispose()
    return out
