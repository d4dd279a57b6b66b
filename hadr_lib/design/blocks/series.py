"""``series: [block, ...]``: every child needed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...availability import series_aq
from ..evaluation import log1p_neg_sum
from ..kinds import example_leaf
from .gate import ListGate, checked_children

__all__ = ["KIND", "Series"]


@dataclass(frozen=True)
class Series:
    """All children needed."""

    children: tuple
    path: str = field(default="series", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(self.path, "series", self.children))


class SeriesKind(ListGate):
    checks_children_only = True
    key = "series"
    cls = Series
    row = True

    def needed_up(self, node: Series) -> int:
        return len(node.children)

    def examples(self) -> list:
        return [[example_leaf("a"), example_leaf("b", 1000.0, 0.5)]]

    def scalar(self, node: Series, memo: Any) -> tuple[float, float]:
        a, q = memo.kids(node.children)
        s = log1p_neg_sum(q)
        return math.prod(a), 1.0 if s is None else -math.expm1(s)

    def vector(self, node: Series, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        return series_aq(*ev.children_aq(node, node.children, Q, over))

    def outages(self, node: Series, memo: Any, kids: list) -> tuple | None:
        """Each child's outages, weighted by its share of the series' downtime
        (``U_i`` times the others up): a part's repair ends the outage it started."""
        if any(k is None for k in kids):
            return None
        a, q = memo.kids(node.children)
        shares, means = [], []
        for i, (s, m) in enumerate(kids):
            w = q[i] * math.prod(a[:i]) * math.prod(a[i + 1:])
            shares.append(w * s / np.sum(s))
            means.append(m)
        return np.concatenate(shares), np.concatenate(means)

    def label(self, node: Series) -> str:
        return f"series of {len(node.children)}"


KIND = SeriesKind()
