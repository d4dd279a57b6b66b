"""What the gates share (series, parallel and k-of-n: up while ``needed_up`` of the
children are up, failures independent, switching instant and perfect)."""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

import numpy as np

from ...checks import InvalidInputError, invalid
from ..evaluation import critical_scalar
from ..kinds import BlockKind, is_block, read_blocks, unchecked
from ..repair import crew_classes, shared_repair_aq, shared_repair_scalar, shares_repair

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
    """A block up while ``needed_up`` of its children are up. A k-of-n or parallel of
    components may share ``crews`` repair crews (``design.repair``): the members are
    then no longer independent, and the block is evaluated as one chain."""

    def is_linear(self, node: Any) -> bool:
        return not shares_repair(node)

    def units_down(self, node: Any) -> int:
        """With shared crews: how many units (replicas) down bring the block down."""
        k = self.needed_up(node)
        if k == 1:  # all of them: every replica of every member
            return sum(int(c.count) for c in node.children)
        return len(node.children) - k + 1  # members of one replica each (checked)

    def _crews_q(self, node: Any, u: Any) -> Any:
        """Replica unavailabilities from the members' block U (``q ** count``)."""
        counts = np.array([int(c.count) for c in node.children], dtype=float)
        u = np.asarray(u, dtype=float)
        return u if not (counts > 1).any() else u ** (1.0 / counts.reshape((-1,) + (1,) * (u.ndim - 1)))

    def crews_scalar(self, node: Any, memo: Any, change: tuple[int, float] | None = None) -> tuple:
        """(A, U, frequency) of a block with shared crews at the memo's figures (member
        ``change[0]``'s U moved by ``change[1]``). Each member keeps its MTTR; its
        failure rate follows its U."""
        us = memo.kids(node.children)[1]
        if change is not None:
            us = list(us)
            us[change[0]] = min(max(us[change[0]] + change[1], 0.0), 1.0)
        qs = self._crews_q(node, us)
        classes = [(count, float(q), mttr) for (count, _, mttr), q in zip(crew_classes(node.children), qs)]
        return shared_repair_scalar(classes, self.units_down(node), node.crews)

    def crews_vector(self, node: Any, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        _, u = ev.children_aq(node, node.children, Q, over)
        classes = crew_classes(node.children)
        return shared_repair_aq([c for c, _, _ in classes], self._crews_q(node, u), self.units_down(node),
                                node.crews, [r for _, _, r in classes])

    def delta(self, node: Any, memo: Any, index: int, change: float) -> float:
        if not shares_repair(node):
            return super().delta(node, memo, index, change)
        return float(self.crews_scalar(node, memo, (index, change))[1] - memo.get(node)[1])

    def frequency(self, node: Any, memo: Any) -> float | None:
        """A gate fails when a child's failure is critical: ``f = sum_i I_i f_i`` with
        ``I_i`` the probability that the rest of the block makes child i critical
        (independent children, steady state). With shared crews: the chain's flow
        into the states that are down."""
        if shares_repair(node):
            return self.crews_scalar(node, memo)[2]
        kids = self.children(node)
        freqs = [memo.frequency(c) for c in kids]
        if None in freqs:
            return None
        a, q = memo.kids(kids)
        return math.fsum([f * w for f, w in zip(freqs, critical_scalar(self.needed_up(node), a, q))])

    def slopes(self, node: Any, memo: Any) -> list[float]:
        """Exact for any change of one child: a gate is linear in each child's U.
        With shared crews it is not: a central difference (``delta`` is exact)."""
        if shares_repair(node):
            out = []
            for i, (_, u) in enumerate(map(memo.get, node.children)):
                h = max(u * 1e-4, 1e-12)
                lo, hi = min(h, u), min(h, 1.0 - u)
                if lo + hi <= 0:
                    out.append(0.0)
                    continue
                up, down = self.crews_scalar(node, memo, (i, hi))[1], self.crews_scalar(node, memo, (i, -lo))[1]
                out.append((up - down) / (lo + hi))
            return out
        a, q = memo.kids(self.children(node))
        return critical_scalar(self.needed_up(node), a, q)

    def lower(self, node: Any, lower: Any, ctx: Any) -> tuple:
        """Down while ``n - needed + 1`` children are down. With shared crews: the
        members' replicas queue for ``crews`` crews, first come, first served."""
        kids = self.children(node)
        if shares_repair(node):
            return ("crews", self.units_down(node), tuple(crew_classes(kids)), int(node.crews),
                    tuple(c.name for c in kids))
        return ("atleast", len(kids) - self.needed_up(node) + 1, tuple(lower(c) for c in kids))


class ListGate(Gate):
    """A gate whose file body is the list of its children (``series: [...]``,
    ``parallel: [...]``); its block class takes ``(children, path=...)``.

    ``checks_children_only``: the class's own checks are that its children are a
    non-empty tuple of blocks (and nothing of the other fields, at their defaults),
    which ``read_blocks`` makes sure of: a gate read from a file is then built
    without them (a frozen dataclass sets each field through ``object.__setattr__``,
    and every child is checked again; a deep tree has as many gates as components)."""

    checks_children_only = False

    def parse(self, body: Any, path: str, read: Any) -> Any:
        return self.built(read_blocks(path, body, read), path)

    def built(self, kids: tuple, path: str) -> Any:
        """The gate of ``kids``, a non-empty tuple of blocks (``read_blocks`` makes sure)."""
        if self.checks_children_only:
            node = unchecked(self.cls)
            node.__dict__["children"], node.__dict__["path"] = kids, path
            return node
        return self.cls(kids, path=path)

    def dump(self, node: Any, write: Any) -> list:
        return [write(c) for c in node.children]

    def schema(self) -> dict:
        return {"$ref": "#/$defs/blocks"}
