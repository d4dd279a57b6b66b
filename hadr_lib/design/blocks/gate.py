"""What the gates share (series, parallel and k-of-n: up while ``needed_up`` of the
children are up, failures independent, switching instant and perfect)."""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

from ...checks import InvalidInputError, invalid
from ..evaluation import critical_scalar
from ..kinds import BlockKind, is_block, read_blocks

__all__ = ["Gate", "ListGate", "check_k", "checked_children"]


def checked_children(path: str, kind: str, kids: Any) -> tuple:
    """``kids`` as a tuple of blocks, at least one; anything else is a clear error."""
    kids = tuple(kids)
    if not kids:
        raise InvalidInputError(f"{path}: a {kind} needs at least one block")
    for i, child in enumerate(kids):
        if not is_block(child):
            raise invalid(f"{path}[{i}]", child, "is not a block (component, series, ...)")
    return kids


def check_k(path: str, k: Any, n: int) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= int(k) <= n:
        raise invalid(path, k, f"is not a whole number in [1, {n}] (n = {n} blocks)")


class Gate(BlockKind):
    """A block up while ``needed_up`` of its children are up."""

    def frequency(self, node: Any, memo: Any) -> float | None:
        """A gate fails when a child's failure is critical: ``f = sum_i I_i f_i`` with
        ``I_i`` the probability that the rest of the block makes child i critical
        (independent children, steady state)."""
        kids = self.children(node)
        freqs = [memo.frequency(c) for c in kids]
        if any(f is None for f in freqs):
            return None
        a, q = memo.kids(kids)
        return math.fsum(f * w for f, w in zip(freqs, critical_scalar(self.needed_up(node), a, q)))

    def slopes(self, node: Any, memo: Any) -> list[float]:
        """Exact for any change of one child: a gate is linear in each child's U."""
        a, q = memo.kids(self.children(node))
        return critical_scalar(self.needed_up(node), a, q)

    def lower(self, node: Any, lower: Any, ctx: Any) -> tuple:
        """Down while ``n - needed + 1`` children are down."""
        kids = self.children(node)
        return ("atleast", len(kids) - self.needed_up(node) + 1, tuple(lower(c) for c in kids))


class ListGate(Gate):
    """A gate whose file body is the list of its children (``series: [...]``,
    ``parallel: [...]``); its block class takes ``(children, path=...)``."""

    def parse(self, body: Any, path: str, read: Any) -> Any:
        return self.cls(read_blocks(path, body, read), path=path)

    def dump(self, node: Any, write: Any) -> list:
        return [write(c) for c in node.children]

    def schema(self) -> dict:
        return {"$ref": "#/$defs/blocks"}
