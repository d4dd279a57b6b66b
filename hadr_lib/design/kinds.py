"""Block kinds, found through one registry, and the one traversal of a block tree.

A kind is a unit. One module defines a block class and a ``KIND`` (a ``BlockKind``)
that owns everything the workbook does with blocks of that kind: its file key and
parsing (with error paths), writing it back, its JSON-Schema fragment, scalar and
vectorised evaluation, slopes and outage frequency, lowering to the simulation plan,
its label in the block diagram and what a drill sees when a part fails.

The built-in kinds are the modules of ``hadr_lib.design.blocks`` named in
``BUILTIN_MODULES``; another package adds a kind through the entry-point group
``hadr_lib.blocks`` (an entry point naming a ``BlockKind`` or a module with a
``KIND``), or at run time with ``register``. An object of no registered kind is an
error everywhere (``not_a_block``), never taken for one of them.

The traversal: ``children`` of a block, ``walk`` (every block, parents first, depth
bounded), ``leaves`` (the components, left to right) and ``map_leaves`` (the tree
with every leaf replaced) are written once here, in terms of each kind's
``children`` and ``rebuild``.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np

from ..checks import InvalidInputError, read_number
from ..safe_load import MAX_DEPTH, shown_key

__all__ = [
    "BUILTIN_MODULES",
    "ENTRY_POINT_GROUP",
    "BlockKind",
    "block_kinds",
    "block_list",
    "body_mapping",
    "children",
    "example_leaf",
    "is_block",
    "kind_named",
    "kind_of",
    "known_fields",
    "leaves",
    "map_leaves",
    "map_tree",
    "not_a_block",
    "optional_number",
    "preorder",
    "read_blocks",
    "register",
    "required_fields",
    "unregister",
    "walk",
    "whole_number",
]

#: The built-in kinds, in the order files, errors and the schema list them.
BUILTIN_MODULES = ("component", "series", "parallel", "k_of_n", "standby", "common_cause", "placed")
#: Where other packages register block kinds (``[project.entry-points."hadr_lib.blocks"]``).
ENTRY_POINT_GROUP = "hadr_lib.blocks"


class BlockKind:
    """What one kind of block means. A kind module defines a subclass and ``KIND``.

    Class attributes: ``key`` (the file key, e.g. ``"k_of_n"``), ``cls`` (the block
    class, a frozen dataclass), ``leaf`` (a component: no children, evaluated from
    its own figures), ``linear`` (the block's U is linear in each child's U, so the
    slope gives the exact change when a child changes; else ``delta`` says it),
    ``row`` (the diagram draws the children in a row, as a series, rather than
    stacked in a frame).

    Methods the evaluation calls take a ``memo`` (``design.evaluation.Memo``: the
    (A, U) of every block at one set of figures, in floats) or an ``ev``
    (``design.evaluation.Vector``: vectorised over the trailing axes of ``Q``).
    """

    key: str = ""
    cls: type = object
    leaf: bool = False
    linear: bool = True
    row: bool = False

    # -- structure ---------------------------------------------------------
    def children(self, node: Any) -> tuple:
        return tuple(node.children)

    def rebuild(self, node: Any, kids: tuple) -> Any:
        """``node`` with its children replaced by ``kids`` (same order as ``children``)."""
        return replace(node, children=tuple(kids))

    def in_domains(self, node: Any, domains: Any) -> Any:
        """``node`` told the design's zones and regions (``design.domains.Domains``), for a
        kind whose figures depend on which domains its parts sit in; itself by default."""
        return node

    def needed_up(self, node: Any) -> int:
        """How many children must be up for the block to be up (gates)."""
        raise InvalidInputError(f"a {self.key} block is not a gate of k children needed")

    def is_linear(self, node: Any) -> bool:
        """Whether this block's U is linear in each child's (``linear``, unless a
        kind's blocks differ: a gate with shared repair crews is not)."""
        return self.linear

    # -- file --------------------------------------------------------------
    def parse(self, body: Any, path: str, read: Callable[[Any, str], Any]) -> Any:
        """The block from the file's ``body`` under this kind's key at ``path``;
        ``read(value, path)`` reads a child block."""
        raise NotImplementedError

    def dump(self, node: Any, write: Callable[[Any], dict]) -> Any:
        """The body that ``parse`` reads back to ``node``; ``write`` dumps a child."""
        raise NotImplementedError

    def dump_mapping(self, node: Any, write: Callable[[Any], dict]) -> dict:
        """The block as the file's mapping: ``{key: body}`` (a kind written another
        way, like a placement beside its block's kind, says so here)."""
        return {self.key: self.dump(node, write)}

    def example_domains(self) -> dict:
        """Top-level ``zones``/``regions`` the ``examples`` need (none by default)."""
        return {}

    def schema(self) -> dict:
        """The JSON Schema of the body (``#/$defs/block``, ``#/$defs/blocks`` and
        ``#/$defs/number`` may be referred to)."""
        raise NotImplementedError

    # -- evaluation ----------------------------------------------------------
    def scalar(self, node: Any, memo: Any) -> tuple[float, float]:
        """(A, U) of the block from its children's values in ``memo``."""
        raise NotImplementedError

    def vector(self, node: Any, ev: Any, Q: Any, over: Mapping[int, Any]) -> tuple[Any, Any]:
        """(A, U) arrays of the block over the trailing axes of ``Q``."""
        raise NotImplementedError

    def frequency(self, node: Any, memo: Any) -> float | None:
        """Outages per hour of the block, or None if unknown."""
        raise NotImplementedError

    def slopes(self, node: Any, memo: Any) -> list[float]:
        """dU_block / dU_child for each child (``children`` order)."""
        raise NotImplementedError

    def outages(self, node: Any, memo: Any, kids: list) -> tuple | None:
        """The block's outage lengths as a mixture of exponentials, (shares, means [h])
        arrays, from its children's (``kids``, each such a pair or None); None if
        unknown. By default one exponential at the block's mean outage (U / frequency):
        exact where an outage ends when any of several down children comes back."""
        f = memo.frequency(node)
        if not f:
            return None
        return np.ones(1), np.array([memo.get(node)[1] / f])

    def delta(self, node: Any, memo: Any, index: int, change: float) -> float:
        """The change of the block's U when child ``index``'s U changes by ``change``
        (exact; the slope times the change for a linear kind)."""
        return self.slopes(node, memo)[index] * change

    def examples(self) -> list:
        """Bodies of this kind, as a file holds them, for the conformance suite
        (``tests/test_block_kinds.py``): small, with leaves given MTBF and MTTR so a
        simulation can check them. ``example_leaf`` makes such leaves."""
        raise NotImplementedError

    # -- elsewhere ---------------------------------------------------------
    def lower(self, node: Any, lower: Callable[[Any], tuple], ctx: Any) -> tuple:
        """The block as a simulation plan node (see ``simulation.compile_architecture``);
        ``lower`` lowers a child, ``ctx`` is a ``simulation.Lowering``."""
        raise NotImplementedError

    def label(self, node: Any) -> str:
        """The block's label in the block diagram (its name, for a leaf)."""
        raise NotImplementedError

    def after_failure(self, node: Any, failed: set[str],
                      recurse: Callable[[Any], tuple[bool, float]]) -> tuple[bool, float]:
        """(still up?, probability its failovers work) with one replica of each
        ``failed`` component down and everything else up (drills)."""
        kids = [recurse(c) for c in self.children(node)]
        ups = sum(u for u, _ in kids)
        cov = 1.0
        for u, c in kids:
            if u:
                cov *= c
        return ups >= self.needed_up(node), cov


# --------------------------------------------------------------------------- registry

_LOCK = threading.RLock()  # a plug-in may register() while the registry loads
_BY_KEY: dict[str, BlockKind] = {}
_BY_CLASS: dict[type, BlockKind] = {}
_LOADED = False


def _add(kind: Any, origin: str) -> None:
    if not isinstance(kind, BlockKind):
        raise InvalidInputError(f"{origin}: {type(kind).__name__} is not a BlockKind")
    key = kind.key
    if not isinstance(key, str) or not key.isidentifier() or key in ("name", "description", "architecture"):
        raise InvalidInputError(f"{origin}: {key!r} is not a usable block key (a lower-case identifier)")
    if not isinstance(kind.cls, type) or kind.cls is object:
        raise InvalidInputError(f"{origin}: kind {key!r} has no block class (cls)")
    if key in _BY_KEY or kind.cls in _BY_CLASS:
        raise InvalidInputError(f"{origin}: a block kind {key!r} (or its class) is already registered")
    _BY_KEY[key] = kind
    _BY_CLASS[kind.cls] = kind


def _entry_point_kinds() -> list[tuple[Any, str]]:
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point {ep.name!r} ({ep.value}) of {ENTRY_POINT_GROUP}"
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plug-in is named, not a traceback
            raise InvalidInputError(f"{origin}: cannot be loaded ({type(exc).__name__}: {exc})") from None
        found.append((getattr(obj, "KIND", obj), origin))
    return found


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    with _LOCK:
        if _LOADED:
            return
        for name in BUILTIN_MODULES:
            module = importlib.import_module(f"hadr_lib.design.blocks.{name}")
            _add(getattr(module, "KIND", None), f"hadr_lib.design.blocks.{name}")
        for kind, origin in _entry_point_kinds():
            _add(kind, origin)
        _LOADED = True


def register(kind: BlockKind) -> BlockKind:
    """Add a block kind at run time (tests, notebooks); an entry point does it for an
    installed package. Its key and class must be new."""
    _load()
    with _LOCK:
        _add(kind, f"register({type(kind).__name__})")
    return kind


def unregister(key: str) -> None:
    """Remove a kind added with ``register`` (the built-in kinds stay)."""
    _load()
    if key in BUILTIN_MODULES:
        raise InvalidInputError(f"{key}: a built-in block kind cannot be removed")
    with _LOCK:
        kind = _BY_KEY.pop(key, None)
        if kind is not None:
            _BY_CLASS.pop(kind.cls, None)


def block_kinds() -> tuple[str, ...]:
    """The keys of every registered kind: the built-in ones first."""
    _load()
    return tuple(_BY_KEY)


def kind_named(key: Any) -> BlockKind | None:
    """The kind a file key names, or None."""
    _load()
    return _BY_KEY.get(key) if isinstance(key, str) else None


def kind_of(node: Any) -> BlockKind:
    """The kind of a block; an object of no registered kind is an error."""
    kind = _BY_CLASS.get(type(node))
    if kind is None:
        _load()
        kind = _BY_CLASS.get(type(node))
        if kind is None:
            raise not_a_block(node)
    return kind


def is_block(node: Any) -> bool:
    _load()
    return type(node) in _BY_CLASS


def not_a_block(node: Any) -> InvalidInputError:
    """An object that is none of the block kinds: an error, never treated as one of them."""
    return InvalidInputError(
        f"architecture: {type(node).__name__} is not a block kind ({', '.join(block_kinds())})")


# --------------------------------------------------------------------------- traversal


def children(node: Any) -> tuple:
    """The child blocks of a block (none for a leaf)."""
    kind = kind_of(node)
    return () if kind.leaf else kind.children(node)


def preorder(root: Any, where: str = "architecture") -> list[tuple[Any, BlockKind]]:
    """Every block of the tree with its kind, parents before children, left to right;
    a tree nested deeper than ``MAX_DEPTH`` is refused (walked without recursion).
    The one walk the others are built on (a list: evaluation walks big trees often)."""
    _load()
    by_class = _BY_CLASS
    out: list[tuple[Any, BlockKind]] = []
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        kind = by_class.get(type(node))
        if kind is None:
            raise not_a_block(node)
        out.append((node, kind))
        if kind.leaf:
            continue
        if depth >= MAX_DEPTH:
            raise InvalidInputError(f"{where}: blocks nested more than {MAX_DEPTH} levels deep; refused")
        d = depth + 1
        stack.extend([(kid, d) for kid in reversed(kind.children(node))])
    return out


def walk(root: Any, where: str = "architecture") -> Iterator[Any]:
    """Every block of the tree, parents before children, left to right (see ``preorder``)."""
    return (node for node, _ in preorder(root, where))


def leaves(root: Any) -> list:
    """The leaves (components) of a tree, left to right."""
    return [node for node, kind in preorder(root) if kind.leaf]


def map_tree(root: Any, leaf: Callable[[Any], Any] | None = None,
             block: Callable[[Any, Any], Any] | None = None) -> Any:
    """The tree rebuilt from the leaves up (no recursion: any depth): every leaf
    replaced by ``leaf(leaf)``, every inner block by ``block(original, rebuilt)``
    (``rebuilt`` has the new children). Blocks with nothing changed below them are
    kept as they are."""
    new: dict[int, Any] = {}
    for node, kind in reversed(preorder(root)):  # children before parents
        if kind.leaf:
            new[id(node)] = node if leaf is None else leaf(node)
            continue
        old = kind.children(node)
        kids = tuple(new[id(c)] for c in old)
        rebuilt = node if all(a is b for a, b in zip(kids, old)) else kind.rebuild(node, kids)
        new[id(node)] = rebuilt if block is None else block(node, rebuilt)
    return new[id(root)]


def map_leaves(root: Any, fn: Callable[[Any], Any]) -> Any:
    """The tree with every leaf replaced by ``fn(leaf)`` (see ``map_tree``)."""
    return map_tree(root, leaf=fn)


# --------------------------------------------------------------------------- file helpers


def example_leaf(name: str, mtbf_h: float = 200.0, mttr_h: float = 4.0, **more: Any) -> dict:
    """A component block for a kind's ``examples``."""
    return {"component": {"name": name, "mtbf_h": mtbf_h, "mttr_h": mttr_h, **more}}



def body_mapping(path: str, value: Any, key: str, fields: tuple[str, ...]) -> Mapping:
    """``value`` as a mapping of known ``fields`` (a kind's body), or a clear error."""
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{path}: {value!r} is not a mapping (a {key} has fields {', '.join(fields)})")
    known_fields(path, value, fields)
    return value


def known_fields(path: str, value: Mapping, allowed: tuple[str, ...]) -> None:
    if len(value) <= len(allowed) and all(key in allowed for key in value):
        return
    for key in value:
        if key not in allowed:
            raise InvalidInputError(f"{path}.{shown_key(key)}: unknown field; allowed: {', '.join(allowed)}")


def required_fields(path: str, body: Mapping, *keys: str) -> None:
    for key in keys:
        if key not in body:
            raise InvalidInputError(f"{path}.{key}: missing")


def block_list(path: str, value: Any) -> list:
    if not isinstance(value, list) or not value:
        raise InvalidInputError(f"{path}: {value!r} is not a non-empty list of blocks")
    return value


@functools.cache
def _field_defaults(cls: type) -> dict:
    return {f.name: f.default for f in fields(cls)}


def unchecked(cls: type) -> Any:
    """An instance of the frozen dataclass ``cls`` holding its fields' defaults, built
    without ``__init__`` and its checks, for a reader that has made those checks and
    then sets its own fields in ``__dict__`` (a frozen dataclass sets each field through
    ``object.__setattr__``: most of reading a big design file)."""
    node: Any = object.__new__(cls)
    node.__dict__.update(_field_defaults(cls))
    return node


def read_blocks(path: str, value: Any, read: Callable[[Any, str], Any]) -> tuple:
    """The blocks of the file's list ``value`` at ``path``, each read by ``read``."""
    return tuple(read(c, f"{path}[{i}]") for i, c in enumerate(block_list(path, value)))


def optional_number(path: str, body: Mapping, key: str) -> Any:
    """``body[key]`` as a number, or None where it is missing or null."""
    value = body.get(key)
    return None if value is None else read_number(f"{path}.{key}", value)


def whole_number(path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{path}: {value!r} is not a whole number")
    return value
