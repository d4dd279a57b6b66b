"""``parallel: [block, ...]``: active-active, up while any child is up."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ...availability import parallel_aq
from ..evaluation import log1p_neg_sum
from ..kinds import example_leaf
from .gate import ListGate, checked_children

__all__ = ["KIND", "Parallel"]


@dataclass(frozen=True)
class Parallel:
    """Active-active: up while any child is up."""

    children: tuple
    path: str = field(default="parallel", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(self.path, "parallel", self.children))


class ParallelKind(ListGate):
    key = "parallel"
    cls = Parallel

    def needed_up(self, node: Parallel) -> int:
        return 1

    def examples(self) -> list:
        return [[example_leaf("a", 50.0, 5.0), example_leaf("b", 30.0, 2.0)]]

    def scalar(self, node: Parallel, memo: Any) -> tuple[float, float]:
        a, q = memo.kids(node.children)
        s = log1p_neg_sum(a)
        return 1.0 if s is None else -math.expm1(s), math.prod(q)

    def vector(self, node: Parallel, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        return parallel_aq(*ev.children_aq(node, node.children, Q, over))

    def label(self, node: Parallel) -> str:
        return f"active-active: any 1 of {len(node.children)}"


KIND = ParallelKind()
