"""Evaluating a block tree: the scalar pass (``Memo``) and the vectorised one
(``Vector``), each dispatching every block to its kind, and the numeric helpers the
kinds share (k-of-n in floats, critical probabilities).

The formulas of each kind are in its module under ``hadr_lib.design.blocks``; what is
here knows only that a leaf's block unavailability is a row of ``Q``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..availability import k_of_n_aq
from .kinds import kind_of, preorder

__all__ = [
    "Memo",
    "Vector",
    "base_q",
    "block_mean_outage_h",
    "critical",
    "critical_scalar",
    "k_of_n_scalar",
    "log1p_neg_sum",
    "outage_mixture",
    "stated",
    "stack_aq",
]


def stack_aq(results: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    a = np.stack(np.broadcast_arrays(*[r[0] for r in results]))
    q = np.stack(np.broadcast_arrays(*[r[1] for r in results]))
    return a, q


class Vector:
    """Evaluates a tree for block unavailabilities ``Q`` (one row per leaf).

    Everything is vectorised over trailing axes of ``Q``, so sweeps and importance
    are one call. ``over`` replaces block parameters, keyed by ``id(block)``: a
    common-cause group's ``beta`` or a standby's failover share ``tau``, each a value
    or an array broadcasting with the trailing axes of ``Q`` (uncertainty draws them).
    """

    def __init__(self, root: Any, components: tuple | list) -> None:
        self.root = root
        self.index = {id(c): i for i, c in enumerate(components)}
        self.components = components
        self._plans: dict[int, tuple[np.ndarray, list]] = {}

    def children_aq(self, node: Any, kids: tuple, Q: np.ndarray,
                    over: Mapping[int, Any] | None = None) -> tuple[Any, Any]:
        """(A, U) of ``kids`` stacked on axis 0: leaf children in one fancy-indexing
        gather (wide blocks stay vectorised), the others evaluated one by one (the
        leaves last, whatever their place among the kids: only for kinds symmetric in
        their children)."""
        plan = self._plans.get(id(node))
        if plan is None:
            is_leaf = [kind_of(c).leaf for c in kids]
            leaf_rows = np.array([self.index[id(c)] for c, lf in zip(kids, is_leaf) if lf], dtype=int)
            plan = self._plans[id(node)] = (leaf_rows, [c for c, lf in zip(kids, is_leaf) if not lf])
        leaf_rows, others = plan
        parts = [self.aq(c, Q, over) for c in others]
        if not leaf_rows.size:
            return stack_aq(parts)
        q = Q[leaf_rows]
        if not parts:
            return 1.0 - q, q
        a_o, q_o = stack_aq(parts)
        return np.concatenate([a_o, 1.0 - q]), np.concatenate([q_o, q])

    def aq(self, node: Any, Q: np.ndarray, over: Mapping[int, Any] | None = None) -> tuple[Any, Any]:
        """(A, U) of ``node``, vectorised over the trailing axes of ``Q``."""
        kind = kind_of(node)
        if kind.leaf:
            q = Q[self.index[id(node)]]
            return 1.0 - q, q
        return kind.vector(node, self, Q, over or {})


class Memo:
    """A tree at one set of block unavailabilities, in plain floats: (A, U) of every
    block in one pass from the leaves up, without recursion and without numpy's
    per-call cost on small blocks (the path of ``evaluate`` and ``importance``;
    ``Vector`` is for sweeps). Same formulas as ``Vector``; sums are exact
    (``math.fsum``)."""

    def __init__(self, root: Any, index: dict[int, int], Q: np.ndarray,
                 order: list | None = None, down: frozenset[int] = frozenset()) -> None:
        """``order`` is ``preorder(root)`` when the caller keeps it (an ``Architecture``
        does: its tree never changes), else it is walked here. ``down`` holds the ids
        of blocks forced down (placed in a failure domain that is down in the state
        being evaluated)."""
        self.index = index
        self.down = down
        self.order = preorder(root) if order is None else order  # the walk, parents first
        self.val: dict[int, tuple[float, float]] = {}  # (A, U) of every block, leaves included
        self._kids: dict[int, tuple] = {}  # ``kids`` answered: (the tuple, its A, its U)
        val, qs = self.val, [float(x) for x in Q]
        for node, kind in reversed(self.order):  # children first
            if kind.leaf:
                q = qs[index[id(node)]]
                val[id(node)] = (1.0 - q, q)
            else:
                val[id(node)] = kind.scalar(node, self)

    def get(self, node: Any) -> tuple[float, float]:
        return self.val[id(node)]

    def kids(self, kids: tuple) -> tuple[list[float], list[float]]:
        """The A and the U of each of ``kids`` (lists not to be changed in place: a
        tuple's, which a block's children are, are kept, as its figure and then its
        outage frequency each ask for them)."""
        if type(kids) is tuple:
            got = self._kids.get(id(kids))
            if got is not None and got[0] is kids:  # the tuple itself is held: its id stays its own
                return got[1], got[2]
        val = self.val
        pairs = [val[id(c)] for c in kids]
        a, q = [p[0] for p in pairs], [p[1] for p in pairs]
        if type(kids) is tuple:
            self._kids[id(kids)] = (kids, a, q)
        return a, q

    def frequency(self, node: Any) -> float | None:
        """Outages per hour of ``node``, or None if unknown (see each kind)."""
        return kind_of(node).frequency(node, self)

    def slopes(self, node: Any) -> tuple[tuple, list[float]]:
        """The children of ``node`` and dU_node / dU_child for each."""
        kind = kind_of(node)
        return kind.children(node), kind.slopes(node, self)

    def delta_through(self, node: Any, child_index: int, delta: float) -> float:
        """The exact change of ``node``'s U when child ``child_index``'s U changes by ``delta``."""
        return float(kind_of(node).delta(node, self, child_index, delta))


def log1p_neg_sum(xs: list[float]) -> float | None:
    """``sum(log1p(-x))`` of ``xs``, or None when an ``x`` is 1 (a log of zero)."""
    total = []
    for x in xs:
        if x >= 1.0:
            return None
        total.append(math.log1p(-x))
    return math.fsum(total)


def k_of_n_scalar(k: int, a: list[float], q: list[float]) -> tuple[float, float]:
    """``k_of_n_aq`` in plain floats (the same recurrence), numpy when it is big."""
    n, m = len(a), len(a) - k
    if n * (m + 1) > 20_000:
        av, u = k_of_n_aq(k, np.array(a), np.array(q))
        return float(av), float(u)
    f = [1.0] + [0.0] * m
    down = 0.0
    for ai, qi in zip(a, q):
        down += f[m] * qi
        for d in range(m, 0, -1):
            f[d] = f[d] * ai + f[d - 1] * qi
        f[0] *= ai
    # the smaller side carries the precision; the other is derived (never A > 1)
    return (1.0 - down, down) if down <= 0.5 else (math.fsum(f), 1.0 - math.fsum(f))


def critical_scalar(k: int, a: list[float], q: list[float]) -> list[float]:
    """``critical`` in plain floats for small blocks (numpy for big quorums)."""
    n = len(a)
    if k == n or k == 1:
        x = a if k == n else q
        # the product of the others; two and three children (a deep tree's gates)
        # written out, the same products as the loops below
        if n == 2:
            return [x[1], x[0]]
        if n == 3:
            return [x[1] * x[2], x[0] * x[2], x[0] * x[1]]
        before, acc = [], 1.0
        for v in x:
            before.append(acc)
            acc *= v
        out, acc = [0.0] * n, 1.0
        for i in range(n - 1, -1, -1):
            out[i] = before[i] * acc
            acc *= x[i]
        return out
    m = n - k
    if n * (m + 1) > 20_000:
        return [float(x) for x in critical(k, np.array(a), np.array(q))]
    prefix, p = [], [1.0] + [0.0] * m
    for ai, qi in zip(a, q):
        prefix.append(p)
        p = [p[0] * ai] + [p[d] * ai + p[d - 1] * qi for d in range(1, m + 1)]
    out, s = [0.0] * n, [1.0] + [0.0] * m
    for i in range(n - 1, -1, -1):
        pi = prefix[i]
        out[i] = math.fsum(pi[d] * s[m - d] for d in range(m + 1))
        s = [s[0] * a[i]] + [s[d] * a[i] + s[d - 1] * q[i] for d in range(1, m + 1)]
    return out


def critical(k: int, a: np.ndarray, q: np.ndarray) -> np.ndarray:
    """For each unit i of a k-of-n group (1-D ``a``, ``q``): P(exactly n - k of the
    others are down), the probability that unit i's failure brings the group down,
    which is also dU_group / dU_i.

    Prefix and suffix distributions of the number of units down (truncated at
    m = n - k) give every unit's answer in O(n m): ``sum_d P_i[d] S_i+1[m - d]``.
    The prefixes are kept at every ~sqrt(n)-th unit and recomputed block by block
    on the way back, so memory is O(sqrt(n) m) even for a 5,000-of-10,000 quorum.
    """
    a = np.asarray(a, dtype=float)
    q = np.asarray(q, dtype=float)
    n = a.shape[0]
    if k == n or k == 1:  # series: the others all up; parallel: the others all down
        x = a if k == n else q
        before = np.concatenate([[1.0], np.cumprod(x[:-1])])
        after = np.concatenate([np.cumprod(x[::-1][:-1])[::-1], [1.0]])
        return np.asarray(before * after)
    m = n - k
    step = max(1, int(math.isqrt(n)))
    checkpoints = {}
    p = np.zeros(m + 1)
    p[0] = 1.0
    for i in range(n):
        if i % step == 0:
            checkpoints[i] = p.copy()
        p[1:] = p[1:] * a[i] + p[:-1] * q[i]
        p[0] *= a[i]
    out = np.empty(n)
    s = np.zeros(m + 1)  # distribution over the units after the current one
    s[0] = 1.0
    for start in range(((n - 1) // step) * step, -1, -step):
        rows = [checkpoints[start]]
        for i in range(start, min(n, start + step) - 1):
            nxt = rows[-1].copy()
            nxt[1:] = nxt[1:] * a[i] + nxt[:-1] * q[i]
            nxt[0] *= a[i]
            rows.append(nxt)
        for i in range(min(n, start + step) - 1, start - 1, -1):
            out[i] = float(np.dot(rows[i - start], s[::-1]))
            s[1:] = s[1:] * a[i] + s[:-1] * q[i]
            s[0] *= a[i]
    return out


def base_q(components: tuple | list) -> np.ndarray:
    """Block unavailabilities ``q ** count`` of the components, in one array."""
    q = np.array([c.replica_unavailability for c in components], dtype=float)
    counts = np.array([c.count for c in components], dtype=float)
    return np.asarray(q ** counts)


def stated(node: Any, where: str = "architecture") -> Memo:
    """A block on its own at its stated figures (one walk, depth bounded; ``where``
    names it in that error): what ``block_mean_outage_h`` and ``outage_mixture`` read,
    built once by a caller that needs both."""
    order = preorder(node, where)
    comps = [n for n, kind in order if kind.leaf]
    return Memo(node, {id(c): i for i, c in enumerate(comps)}, base_q(comps), order)


def block_mean_outage_h(node: Any, where: str = "architecture", memo: Memo | None = None) -> float | None:
    """Mean outage length [h] of a block at its stated figures, or None if unknown
    (``memo``: its ``stated`` Memo, if the caller has it)."""
    memo = stated(node, where) if memo is None else memo
    _, u = memo.get(node)
    f = memo.frequency(node)
    if f is None:
        return None
    return float(u) / f if f > 0 else 0.0


def outage_mixture(node: Any, where: str = "architecture",
                   memo: Memo | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """What a block's outages are made of, as a mixture of exponential lengths: (share
    of the block's downtime, mean outage [h]) per term; None where an outage length is
    unknown (a part without MTBF and MTTR) or the block never fails. Each kind says
    how its children's mixtures combine (``BlockKind.outages``): a series keeps each
    child's outages (a part's repair ends the outage it started), a redundant block
    ends an outage when any child comes back (one exponential at its mean outage:
    exact for exponential repairs)."""
    memo = stated(node, where) if memo is None else memo
    mix: dict[int, Any] = {}
    for block, kind in reversed(memo.order):  # children first
        kids = [] if kind.leaf else [mix[id(c)] for c in kind.children(block)]
        mix[id(block)] = kind.outages(block, memo, kids)
    out = mix[id(node)]
    if out is None:
        return None
    shares, means = out
    total = float(np.sum(shares))
    if not total > 0:
        return None
    return np.asarray(shares, dtype=float) / total, np.asarray(means, dtype=float)
