"""Architecture models: reliability block diagrams, their evaluation and importance.

A model is a tree of blocks. Leaves are components (an availability, or an MTBF
and an MTTR, optionally ``count`` identical replicas in parallel); inner blocks are

- ``Series``: all children needed;
- ``Parallel``: active-active, up while any child is up;
- ``KofN``: up while at least ``k`` children are up (a majority quorum of 3 is k=2);
- ``Standby``: a primary and standbys that take over after a failover time with a
  probability of success (coverage);
- ``CommonCause``: a beta-factor group of redundant members (a zone or a region).

Assumptions, said once here and shown in the notebooks: failures are independent
except inside a common-cause group; repairs are independent (one crew per
component); ``Parallel`` and ``KofN`` switch over instantly and perfectly.

Standby formula. Let the primary have unavailability ``U_p`` and mean outage
length ``R_p`` [h] (its MTTR), the standby group (the standbys in parallel)
``U_s``, the failover time ``t`` [h] and the coverage ``c``. Each primary failure
costs the failover time even when failover works (``min(t, R_p)``: a primary
repaired sooner ends the outage); for the rest of the primary's repair the
service runs on the standbys; a failed failover (probability ``1 - c``) costs the
whole repair. Per unit time, with ``tau = min(t, R_p) / R_p``::

    U = U_p * (c * (tau + (1 - tau) * U_s) + (1 - c))

so ``t = 0`` and ``c = 1`` give ``U_p * U_s`` (plain parallel), and ``c = 0`` gives
``U_p`` (the standbys never help). It neglects a standby failing while the primary
is repaired beyond the ``U_s`` share, and the failback.

Beta-factor formula. A fraction ``beta`` of each member's unavailability is a
shared shock that takes the whole group down: members keep an independent part
``(1 - beta) U_i`` (combined as ``k`` of ``n``, parallel by default) and the group
suffers a shared shock of unavailability ``beta * mean(U_i)``, in series. For
identical members this is the textbook beta-factor model (``Q_ccf = beta Q``):
``beta = 0`` is independent, ``beta = 1`` makes the group one unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from .availability import (
    DAYS_PER_YEAR,
    Availability,
    AvailabilityArray,
    availability_result,
    check_availability,
    consistent,
    decimal_complement,
    decimal_complement_scalar,
    finite_or_none,
    k_of_n_aq,
    nines,
    parallel_aq,
    period_info,
    series_aq,
    unavailability,
)
from .checks import NOT_A_FRACTION, InvalidInputError, check_number, invalid
from .safe_load import MAX_DEPTH, check_text, paused_gc

__all__ = [
    "Architecture",
    "CommonCause",
    "Component",
    "Evaluation",
    "KofN",
    "Parallel",
    "Series",
    "Standby",
]

_HOURS_PER_YEAR = DAYS_PER_YEAR * 24

#: Most identical replicas one component may have.
MAX_COUNT = 1_000_000


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Component:
    """A leaf: one kind of part, with ``count`` identical replicas in parallel.

    Give either ``availability`` [fraction] or both ``mtbf_h`` and ``mttr_h`` [h].
    With MTBF/MTTR the component also knows its failure frequency and mean outage
    length. ``source`` says where the figure comes from.
    """

    name: str
    availability: float | None = None
    mtbf_h: float | None = None
    mttr_h: float | None = None
    count: int = 1
    source: str | None = None
    path: str = field(default="component", compare=False, repr=False)
    #: What one replica costs to run for a year (None: not given).
    cost_per_year: float | None = None
    #: How uncertain the figure is: p95 / p50 of a lognormal unavailability (None: certain).
    error_factor: float | None = None
    #: The cloud SLA id the figure comes from: the part is known only by its provider's
    #: contractual floor, not something the design's owner can improve.
    sla: str | None = None
    #: Unavailability of one replica, derived once here (every evaluation needs it).
    _replica_q: float = field(default=0.0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        p = self.path
        name = self.name
        if type(name) is not str or not name.isprintable() or len(name) > 200 or not name.strip():
            if not isinstance(name, str) or not name.strip():
                raise invalid(f"{p}.name", name, "is not a non-empty name")
            check_text(f"{p}.name", name, max_len=200)
        count_ok = type(self.count) is int or (
            isinstance(self.count, Integral) and not isinstance(self.count, bool))
        if not count_ok or not 1 <= self.count <= MAX_COUNT:
            raise invalid(f"{p}.count", self.count, f"is not a whole number in [1, {MAX_COUNT:,}]")
        object.__setattr__(self, "count", int(self.count))
        has_a = self.availability is not None
        has_m = self.mtbf_h is not None or self.mttr_h is not None
        if has_a == has_m:
            raise InvalidInputError(
                f"{p}: give either availability or both mtbf_h and mttr_h (component "
                f"{self.name!r} has {'both' if has_a else 'neither'})")
        if has_a:
            a = self.availability
            if type(a) is float or type(a) is int:  # the common case, without numpy
                if not 0.0 <= a <= 1.0:  # also NaN
                    raise invalid(f"{p}.availability", a, NOT_A_FRACTION)
                q = decimal_complement_scalar(float(a))
            else:
                given: Any = a  # whatever the caller passed (an array, a decimal): checked
                check_availability(given, f"{p}.availability")
                q = unavailability(given)  # one value: checked below
                if not isinstance(q, float):
                    raise invalid(f"{p}.availability", a, "is not one availability")
        else:
            if self.mtbf_h is None or self.mttr_h is None:
                missing = "mtbf_h" if self.mtbf_h is None else "mttr_h"
                raise InvalidInputError(f"{p}.{missing}: missing (give both mtbf_h and mttr_h)")
            mtbf = check_number(f"{p}.mtbf_h", self.mtbf_h, 0, np.inf, low_open=True, what=" hours")
            mttr = check_number(f"{p}.mttr_h", self.mttr_h, 0, np.inf, what=" hours")
            q = mttr / (mtbf + mttr)
        object.__setattr__(self, "_replica_q", float(q))
        if self.cost_per_year is not None:
            check_number(f"{p}.cost_per_year", self.cost_per_year, 0, 1e12, what=" a year")
        if self.error_factor is not None:
            check_number(f"{p}.error_factor", self.error_factor, 1, 100, what=" (p95 / p50)")

    @property
    def replica_unavailability(self) -> float:
        """Unavailability of one replica [fraction] (a typed decimal taken as written)."""
        return self._replica_q

    @property
    def replica_failures_per_hour(self) -> float | None:
        """Failure frequency of one replica [1/h]: ``1 / (MTBF + MTTR)``, or None."""
        if self.mtbf_h is None:
            return None
        return 1.0 / (self.mtbf_h + (self.mttr_h or 0.0))

    @property
    def mean_outage_h(self) -> float | None:
        """Mean outage length of the block [h]: MTTR / count (all replicas down)."""
        return None if self.mttr_h is None else self.mttr_h / self.count

    def block_unavailability(self, replica_q: Any) -> np.ndarray:
        """Unavailability of the block of ``count`` replicas: ``q ** count``."""
        return np.asarray(replica_q, dtype=float) ** self.count


def _children(path: str, kind: str, children: Any) -> tuple[Block, ...]:
    children = tuple(children)
    if not children:
        raise InvalidInputError(f"{path}: a {kind} needs at least one block")
    for i, child in enumerate(children):
        if not isinstance(child, _BLOCKS):
            raise invalid(f"{path}[{i}]", child, "is not a block (component, series, ...)")
    return children  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Series:
    """All children needed."""

    children: tuple[Block, ...]
    path: str = field(default="series", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", _children(self.path, "series", self.children))


@dataclass(frozen=True)
class Parallel:
    """Active-active: up while any child is up."""

    children: tuple[Block, ...]
    path: str = field(default="parallel", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", _children(self.path, "parallel", self.children))


@dataclass(frozen=True)
class KofN:
    """Up while at least ``k`` children are up (exact for non-identical children)."""

    k: int
    children: tuple[Block, ...]
    path: str = field(default="k_of_n", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", _children(f"{self.path}.of", "k_of_n", self.children))
        _check_k_path(f"{self.path}.k", self.k, len(self.children))


def _check_k_path(path: str, k: Any, n: int) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= int(k) <= n:
        raise invalid(path, k, f"is not a whole number in [1, {n}] (n = {n} blocks)")


@dataclass(frozen=True)
class Standby:
    """A primary, and standbys that take over after ``failover_s`` [s] with
    probability ``coverage``; see the module docstring for the formula."""

    primary: Block
    standbys: tuple[Block, ...]
    failover_s: float = 0.0
    coverage: float = 1.0
    path: str = field(default="standby", compare=False, repr=False)
    #: How uncertain the failover time is: p95 / p50 of a lognormal (None: certain).
    failover_error_factor: float | None = None
    #: Mean outage length of the primary [h] at its stated figures (0 if unknown):
    #: derived once here, since every evaluation of the block needs it.
    primary_outage_h: float = field(default=0.0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        p = self.path
        if not isinstance(self.primary, _BLOCKS):
            raise invalid(f"{p}.primary", self.primary, "is not a block (component, series, ...)")
        object.__setattr__(self, "standbys", _children(f"{p}.standbys", "standby list", self.standbys))
        check_number(f"{p}.failover_s", self.failover_s, 0, np.inf, what=" seconds")
        check_number(f"{p}.coverage", self.coverage, 0, 1, what=" (a probability)")
        if self.failover_error_factor is not None:
            check_number(f"{p}.failover_error_factor", self.failover_error_factor, 1, 100,
                          what=" (p95 / p50)")
        _check_depth(self.primary, f"{p}.primary")
        outage = block_mean_outage_h(self.primary)
        if self.failover_s > 0 and outage is None:
            raise InvalidInputError(
                f"{p}.primary: a failover time needs the primary's mean outage length: "
                "give its components mtbf_h and mttr_h (or set failover_s: 0)")
        object.__setattr__(self, "primary_outage_h", 0.0 if outage is None else outage)


@dataclass(frozen=True)
class CommonCause:
    """A beta-factor group of redundant members, up while ``k`` are up (1 by default)."""

    beta: float
    children: tuple[Block, ...]
    k: int = 1
    name: str | None = None
    path: str = field(default="common_cause", compare=False, repr=False)
    #: How uncertain beta is: p95 / p50 of a lognormal, cut at 1 (None: certain).
    beta_error_factor: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "children",
                           _children(f"{self.path}.of", "common_cause", self.children))
        check_number(f"{self.path}.beta", self.beta, 0, 1, what=" (a fraction of failures)")
        if self.beta_error_factor is not None:
            check_number(f"{self.path}.beta_error_factor", self.beta_error_factor, 1, 100,
                          what=" (p95 / p50)")
        _check_k_path(f"{self.path}.k", self.k, len(self.children))


_BLOCKS = (Component, Series, Parallel, KofN, Standby, CommonCause)
#: Any block of a tree.
Block = Component | Series | Parallel | KofN | Standby | CommonCause


def children_of(node: Block) -> tuple[Block, ...]:
    """The child blocks of a block (none for a component)."""
    if isinstance(node, Component):
        return ()
    if isinstance(node, Standby):
        return (node.primary, *node.standbys)
    if isinstance(node, (Series, Parallel, KofN, CommonCause)):
        return node.children
    raise not_a_block(node)


def not_a_block(node: Any) -> InvalidInputError:
    """An object that is none of the block kinds: an error, never treated as one of them."""
    return InvalidInputError(
        f"architecture: {type(node).__name__} is not a block kind (component, series, parallel, "
        "k_of_n, standby, common_cause)")


def _check_depth(root: Block, where: str) -> None:
    """Refuse a tree nested deeper than ``MAX_DEPTH`` (walked without recursion), so
    the recursive evaluation below never meets Python's recursion limit."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInputError(
                f"{where}: blocks nested more than {MAX_DEPTH} levels deep; refused")
        stack.extend((kid, depth + 1) for kid in children_of(node))


def needed_up(node: Block) -> int:
    """How many children of a series, parallel, k-of-n or common-cause block must be
    up for the block to be up."""
    if isinstance(node, Series):
        return len(node.children)
    if isinstance(node, Parallel):
        return 1
    if isinstance(node, (KofN, CommonCause)):
        return int(node.k)
    raise not_a_block(node)


# --------------------------------------------------------------------------- evaluation


def _stack(results: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    a = np.stack(np.broadcast_arrays(*[r[0] for r in results]))
    q = np.stack(np.broadcast_arrays(*[r[1] for r in results]))
    return a, q


class _Evaluator:
    """Evaluates a tree for block unavailabilities ``Q`` (one row per component).

    Everything is vectorised over trailing axes of ``Q``, so sweeps and importance
    are one call. Frequencies [1/h] are computed on request (scalars only).
    """

    def __init__(self, root: Block, components: tuple[Component, ...] | list[Component]) -> None:
        self.root = root
        self.index = {id(c): i for i, c in enumerate(components)}
        self.components = components
        self._plans: dict[int, tuple[np.ndarray, list[Block]]] = {}

    def children_aq(self, node: Block, kids: tuple[Block, ...], Q: np.ndarray,
                    over: Mapping[int, Any] | None = None) -> tuple[Any, Any]:
        """(A, U) of ``kids`` stacked on axis 0: leaf children in one fancy-indexing
        gather (wide blocks stay vectorised), the others evaluated one by one (the
        leaves last, whatever their place among the kids)."""
        plan = self._plans.get(id(node))
        if plan is None:
            leaves = np.array([self.index[id(c)] for c in kids if isinstance(c, Component)],
                              dtype=int)
            plan = self._plans[id(node)] = (leaves, [c for c in kids if not isinstance(c, Component)])
        leaves, others = plan
        parts = [self.aq(c, Q, over) for c in others]
        if not leaves.size:
            return _stack(parts)
        q = Q[leaves]
        if not parts:
            return 1.0 - q, q
        a_o, q_o = _stack(parts)
        return np.concatenate([a_o, 1.0 - q]), np.concatenate([q_o, q])

    def aq(self, node: Block, Q: np.ndarray,
           over: Mapping[int, Any] | None = None) -> tuple[Any, Any]:
        """(A, U) of ``node``, vectorised over the trailing axes of ``Q``.

        ``over`` replaces block parameters, keyed by ``id(block)``: a common-cause
        group's ``beta`` or a standby's failover share ``tau`` (see ``failover_share``), each a
        value or an array broadcasting with the trailing axes of ``Q`` (uncertainty
        draws them)."""
        if isinstance(node, Component):
            q = Q[self.index[id(node)]]
            return 1.0 - q, q
        return self._aq(node, Q, over or {})

    def _aq(self, node: Block, Q: np.ndarray, over: Mapping[int, Any]) -> tuple[Any, Any]:
        if isinstance(node, (Series, Parallel, KofN)):
            a, q = self.children_aq(node, node.children, Q, over)
            if isinstance(node, Series):
                return series_aq(a, q)
            if isinstance(node, Parallel):
                return parallel_aq(a, q)
            return k_of_n_aq(node.k, a, q)
        if isinstance(node, Standby):
            _, up = self.aq(node.primary, Q, over)
            _, us = parallel_aq(*self.children_aq(node, node.standbys, Q, over))
            tau = over.get(id(node), failover_share(node))
            c = node.coverage
            u = up * (c * (tau + (1 - tau) * us) + (1 - c))
            return 1.0 - u, u
        if isinstance(node, CommonCause):
            a, q = self.children_aq(node, node.children, Q, over)
            b = over.get(id(node), node.beta)
            a_struct, u_struct = k_of_n_aq(node.k, a + b * q, (1 - b) * q)
            u_cc = b * np.mean(q, axis=0)
            with np.errstate(divide="ignore"):
                u = -np.expm1(np.log1p(-u_struct) + np.log1p(-u_cc))
            return a_struct * (1 - u_cc), u
        raise not_a_block(node)


def _log1p_neg_sum(xs: list[float]) -> float | None:
    """``sum(log1p(-x))`` of ``xs``, or None when an ``x`` is 1 (a log of zero)."""
    total = []
    for x in xs:
        if x >= 1.0:
            return None
        total.append(math.log1p(-x))
    return math.fsum(total)


def _k_of_n_scalar(k: int, a: list[float], q: list[float]) -> tuple[float, float]:
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
    return math.fsum(f), down


def _critical_scalar(k: int, a: list[float], q: list[float]) -> list[float]:
    """``_critical`` in plain floats for small blocks (numpy for big quorums)."""
    n = len(a)
    if k == n or k == 1:
        x = a if k == n else q
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
        return [float(x) for x in _critical(k, np.array(a), np.array(q))]
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


class _Scalar:
    """A tree at one set of block unavailabilities, in plain floats: (A, U) of every
    block in one pass from the leaves up, without recursion and without numpy's
    per-call cost on small blocks (the path of ``evaluate`` and ``importance``;
    ``_Evaluator`` stays for vectorised sweeps). Same formulas as ``_Evaluator``;
    sums are exact (``math.fsum``)."""

    def __init__(self, root: Block, index: dict[int, int], Q: np.ndarray) -> None:
        self.index = index
        self.Q = [float(x) for x in Q]
        self.val: dict[int, tuple[float, float]] = {}
        order, stack = [], [root]
        while stack:
            node = stack.pop()
            if not isinstance(node, Component):
                order.append(node)
                stack.extend(children_of(node))
        for node in reversed(order):  # children before parents
            self.val[id(node)] = self._block(node)

    def get(self, node: Block) -> tuple[float, float]:
        if isinstance(node, Component):
            q = self.Q[self.index[id(node)]]
            return 1.0 - q, q
        return self.val[id(node)]

    def kids(self, kids: tuple[Block, ...]) -> tuple[list[float], list[float]]:
        pairs = [self.get(c) for c in kids]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _block(self, node: Block) -> tuple[float, float]:
        if isinstance(node, Standby):
            up = self.get(node.primary)[1]
            us = math.prod(self.kids(node.standbys)[1])
            tau, c = failover_share(node), node.coverage
            u = up * (c * (tau + (1 - tau) * us) + (1 - c))
            return 1.0 - u, u
        a, q = self.kids(node.children)  # type: ignore[union-attr]  # not a component here
        if isinstance(node, Series):
            s = _log1p_neg_sum(q)
            return math.prod(a), 1.0 if s is None else -math.expm1(s)
        if isinstance(node, Parallel):
            s = _log1p_neg_sum(a)
            return 1.0 if s is None else -math.expm1(s), math.prod(q)
        if isinstance(node, KofN):
            return _k_of_n_scalar(node.k, a, q)
        if not isinstance(node, CommonCause):
            raise not_a_block(node)
        _, _, a_struct, u_struct, u_cc = self.group(node)
        if u_struct >= 1.0 or u_cc >= 1.0:
            u = 1.0
        else:
            u = -math.expm1(math.log1p(-u_struct) + math.log1p(-u_cc))
        return a_struct * (1 - u_cc), u

    def group(self, node: CommonCause) -> tuple[list[float], list[float], float, float, float]:
        """A common-cause group's independent part, a k-of-n of its members with a
        fraction ``1 - beta`` of their U (``a2``, ``q2``), that part's A and U, and the
        shared shock's U: ``U = 1 - (1 - U_struct)(1 - U_cc)``."""
        a, q = self.kids(node.children)
        b = node.beta
        a2, q2 = [x + b * y for x, y in zip(a, q)], [(1 - b) * y for y in q]
        a_struct, u_struct = _k_of_n_scalar(node.k, a2, q2)
        return a2, q2, a_struct, u_struct, b * math.fsum(q) / len(q)

    def frequency(self, node: Block) -> float | None:
        """Outages per hour of ``node``, or None if unknown.

        A block fails when a child's failure is critical: ``f = sum_i I_i f_i``
        with ``I_i`` the probability that the rest of the block makes child i
        critical (independent children, steady state); block values come from this
        pass, so the whole tree costs one walk.
        """
        if isinstance(node, Component):
            f1 = node.replica_failures_per_hour
            if f1 is None:
                return None
            # n replicas in parallel: one fails while the other n - 1 are down.
            n = node.count
            return f1 if n == 1 else n * f1 * node.replica_unavailability ** (n - 1)
        if isinstance(node, Standby):
            fp = self.frequency(node.primary)
            fs_list = [self.frequency(c) for c in node.standbys]
            known_s = [f for f in fs_list if f is not None]
            if fp is None or len(known_s) < len(fs_list):
                return None
            a_s, q_s = self.kids(node.standbys)
            fs = math.fsum(f * w for f, w in zip(known_s, _critical_scalar(1, a_s, q_s)))
            c, r = node.coverage, node.primary_outage_h
            t = min(node.failover_s / 3600.0, r)
            # Every primary failure is an outage when failover takes time; with an
            # instant failover only if the standbys are down or fail during repair.
            hit = 1.0 if t > 0 else math.prod(q_s)
            return float(fp * ((1 - c) + c * hit) + fp * c * fs * (r - t))
        freqs = [self.frequency(c) for c in node.children]
        known = [f for f in freqs if f is not None]
        if len(known) < len(freqs):
            return None
        if isinstance(node, CommonCause):
            b = node.beta
            a2, q2, _, u_struct, u_cc = self.group(node)
            crit = _critical_scalar(node.k, a2, q2)
            f_struct = math.fsum((1 - b) * f * w for f, w in zip(known, crit))
            f_cc = b * math.fsum(known) / len(known)
            return f_struct * (1 - u_cc) + f_cc * (1 - u_struct)
        a, q = self.kids(node.children)
        return math.fsum(f * w for f, w in zip(known, _critical_scalar(needed_up(node), a, q)))

    def slopes(self, node: Block) -> tuple[tuple[Block, ...], list[float]]:
        """The children of ``node`` and dU_node / dU_child for each.

        Series, parallel, k-of-n and standby blocks are linear in each child, so
        these slopes are exact for any change of one child; a common-cause group is
        quadratic in a member (see ``delta_through``)."""
        if isinstance(node, Standby):
            kids = (node.primary, *node.standbys)
            up = self.get(node.primary)[1]
            a_s, q_s = self.kids(node.standbys)
            tau, c = failover_share(node), node.coverage
            d_primary = c * (tau + (1 - tau) * math.prod(q_s)) + (1 - c)
            scale = up * c * (1 - tau)
            return kids, [d_primary] + [scale * x for x in _critical_scalar(1, a_s, q_s)]
        kids = node.children  # type: ignore[union-attr]  # not a component here
        if isinstance(node, CommonCause):
            b = node.beta
            a2, q2, _, u_struct, u_cc = self.group(node)
            return kids, [(1 - u_cc) * (1 - b) * w + (1 - u_struct) * b / len(kids)
                          for w in _critical_scalar(node.k, a2, q2)]
        a, q = self.kids(kids)
        return kids, _critical_scalar(needed_up(node), a, q)

    def delta_through(self, node: CommonCause, child_index: int, delta: float) -> float:
        """Exact change of a common-cause group's U when member ``child_index``'s U
        changes by ``delta``: ``U = 1 - (1 - U_s)(1 - U_cc)`` with both parts linear
        in the member, so the product term is kept."""
        b, n = node.beta, len(node.children)
        a2, q2, _, u_s, u_cc = self.group(node)
        crit = _critical_scalar(node.k, a2, q2)[child_index]
        d_s, d_cc = crit * (1 - b) * delta, b * delta / n
        return float(d_s * (1 - u_cc) + d_cc * (1 - u_s) - d_s * d_cc)


def _critical(k: int, a: np.ndarray, q: np.ndarray) -> np.ndarray:
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


def block_mean_outage_h(node: Block) -> float | None:
    """Mean outage length [h] of a block at its stated figures, or None if unknown."""
    comps = _leaves(node)
    memo = _Scalar(node, {id(c): i for i, c in enumerate(comps)}, _base_q(comps))
    _, u = memo.get(node)
    f = memo.frequency(node)
    if f is None:
        return None
    return float(u) / f if f > 0 else 0.0


def failover_share(node: Standby, failover_s: np.ndarray | None = None) -> Any:
    """The share of the primary's outage a failover costs, ``min(t, R_p) / R_p``, at
    the block's failover time, or at each of ``failover_s`` [s] (an array)."""
    r = node.primary_outage_h
    if failover_s is None:
        return min(node.failover_s / 3600.0, r) / r if r > 0 else 0.0
    t = np.asarray(failover_s, dtype=float)
    return np.minimum(t / 3600.0, r) / r if r > 0 else np.zeros_like(t)


def group_label(group: CommonCause, index: int) -> str:
    """A common-cause group as people read it: its name, else its place."""
    return group.name or f"common cause {index + 1}"


def standby_label(node: Standby) -> str:
    """A standby block as people read it: the failover of its primary's parts."""
    names = [c.name for c in _leaves(node.primary)]
    more = f" and {len(names) - 2} more" if len(names) > 2 else ""
    return f"failover of {', '.join(names[:2])}{more}"


def _leaves(node: Block) -> list[Component]:
    """The components of a tree, left to right (iterative: any depth)."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Component):
            out.append(n)
        else:
            stack.extend(reversed(children_of(n)))
    return out


def _base_q(components: tuple[Component, ...] | list[Component]) -> np.ndarray:
    """Block unavailabilities ``q ** count`` of the components, in one array."""
    q = np.array([c.replica_unavailability for c in components], dtype=float)
    counts = np.array([c.count for c in components], dtype=float)
    return np.asarray(q ** counts)


@dataclass(frozen=True)
class Evaluation:
    """What an architecture gives: availability and the downtime it implies."""

    availability: Availability
    downtime_per_year_s: float
    downtime_per_month_s: float
    outages_per_year: float | None
    mean_outage_s: float | None
    year_days: float

    @property
    def unavailability(self) -> float:
        return self.availability.unavailability

    @property
    def nines(self) -> float:
        return float(nines(self.availability))

    def to_dict(self) -> dict[str, float | None]:
        """The figures as JSON takes them (infinite nines become None)."""
        return {
            "availability": float(self.availability),
            "unavailability": self.unavailability,
            "nines": finite_or_none(self.nines),
            "downtime_per_year_s": self.downtime_per_year_s,
            "downtime_per_month_s": self.downtime_per_month_s,
            "outages_per_year": finite_or_none(self.outages_per_year),
            "mean_outage_s": finite_or_none(self.mean_outage_s),
        }


def importance_records(importance: pd.DataFrame) -> list[dict[str, Any]]:
    """``Architecture.importance`` rows as JSON takes them: name, kind, whether the
    figure is a provider's SLA, Birnbaum importance and downtime saved per year [s]."""
    return [{"name": r.name, "kind": r.kind, "provider_sla": bool(r.provider_sla),
             "birnbaum": finite_or_none(float(r.birnbaum)),
             "downtime_saved_per_year_s": float(r.downtime_saved_per_year_s)}
            for r in importance.itertuples()]


class Architecture:
    """A named reliability block diagram.

    Parameters
    ----------
    root : block
        The top block (``Component``, ``Series``, ``Parallel``, ``KofN``,
        ``Standby`` or ``CommonCause``).
    name, description : str
        For people.
    """

    def __init__(self, root: Block, name: str = "architecture", description: str = "") -> None:
        if not isinstance(root, _BLOCKS):
            raise invalid("architecture", root, "is not a block (component, series, ...)")
        check_text("name", name, max_len=200)
        check_text("description", description, multiline=True)
        self.root = root
        self.name = name
        self.description = description
        leaves: list[Component] = []
        groups: list[CommonCause] = []
        standbys: list[Standby] = []
        stack = [(root, 1)]  # one walk: depth bounded, leaves, groups and standbys in order
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise InvalidInputError(
                    f"architecture: blocks nested more than {MAX_DEPTH} levels deep; refused")
            if isinstance(node, Component):
                leaves.append(node)
                continue
            if isinstance(node, CommonCause):
                groups.append(node)
            elif isinstance(node, Standby):
                standbys.append(node)
            stack.extend((kid, depth + 1) for kid in reversed(children_of(node)))
        self.components: tuple[Component, ...] = tuple(leaves)
        seen: dict[str, str] = {}
        for c in self.components:
            if c.name in seen:
                raise InvalidInputError(
                    f"{c.path}.name: {c.name!r} is a duplicate component name "
                    f"(also at {seen[c.name]}); names must be unique")
            seen[c.name] = c.path
        self.groups: tuple[CommonCause, ...] = tuple(groups)
        self.standbys: tuple[Standby, ...] = tuple(standbys)
        self._ev = _Evaluator(root, self.components)
        self._q = _base_q(self.components)

    def __repr__(self) -> str:
        return f"Architecture({self.name!r}, {len(self.components)} components)"

    @property
    def cost_per_year(self) -> float | None:
        """What the design costs to run for a year: every component's
        ``cost_per_year`` x ``count``; None unless every component has a cost."""
        if any(c.cost_per_year is None for c in self.components):
            return None
        return math.fsum(float(c.cost_per_year or 0.0) * c.count for c in self.components)

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise invalid("component", name, f"is not a component of {self.name!r}; "
                   f"use one of {', '.join(c.name for c in self.components)}")

    # -- evaluation ---------------------------------------------------------

    def _eval_q(self, Q: np.ndarray, over: Mapping[int, Any] | None = None) -> tuple[Any, Any]:
        a, q = self._ev.aq(self.root, Q, over)
        return a, q

    def availability(self) -> Availability:
        """The system's availability [fraction] with its exact unavailability; the
        fast path of ``evaluate`` (no outage frequency)."""
        a, q = consistent(*_Scalar(self.root, self._ev.index, self._q).get(self.root))
        return Availability(a, q)

    def evaluate(self, *, year_days: float = DAYS_PER_YEAR) -> Evaluation:
        """Availability, unavailability, nines and downtime per year and month.

        Outages per year and mean outage length are given when every component
        has an MTBF and an MTTR (None otherwise).
        """
        memo = _Scalar(self.root, self._ev.index, self._q)
        a, q = consistent(*memo.get(self.root))
        avail = Availability(a, q)
        year = period_info("year", year_days=year_days).seconds
        month = period_info("month", year_days=year_days).seconds
        f = memo.frequency(self.root)
        outages = None if f is None else f * year / 3600.0
        mean = None if not f else float(q) / f * 3600.0
        return Evaluation(avail, float(q) * year, float(q) * month, outages, mean, year_days)

    def sweep(self, name: str, availabilities: Any) -> np.ndarray:
        """System availability [fraction] as one component's replica availability
        moves over ``availabilities`` (an array); returns an ``AvailabilityArray``."""
        i = self.components.index(self.component(name))
        a = check_availability(np.atleast_1d(np.asarray(availabilities, dtype=float)),
                               "availabilities")
        q_rep = decimal_complement(np.asarray(a))
        Q = np.repeat(self._q[:, None], q_rep.size, axis=1)
        Q[i] = self.components[i].block_unavailability(q_rep)
        result = availability_result(*self._eval_q(Q))
        assert isinstance(result, AvailabilityArray)  # one or more points: an array
        return result

    def importance(self, *, year_days: float = DAYS_PER_YEAR,
                   include_groups: bool = False) -> pd.DataFrame:
        """Birnbaum importance and downtime saved per year if each component were perfect.

        Birnbaum importance is ``dU_sys / dU_i`` with respect to the component's
        block (all its replicas), at the stated figures. One pass down the tree
        multiplies each block's slope with respect to its children (exact: series,
        parallel, k-of-n and standby blocks are linear in each child), so the whole
        table costs about one evaluation: O(n) for n components, not O(n^2).

        Downtime saved is ``U_sys`` minus its value with the block perfect: the
        slope times the block's U where the path to the top is linear, and exact
        through a common-cause group (quadratic in a member) by following the
        change up the path. Sorted by downtime saved: what to improve first.

        Columns: ``name``, ``kind`` (``component``; ``common_cause`` rows with
        ``include_groups``: what the design would save if the group's members failed
        independently, beta = 0), ``provider_sla`` (known only by a cloud SLA: not the
        owner's to improve), ``birnbaum``, ``downtime_saved_per_year_s``, ``share``.
        """
        with paused_gc():
            return self._importance(year_days, include_groups)

    def _importance(self, year_days: float, include_groups: bool) -> pd.DataFrame:
        year = period_info("year", year_days=year_days).seconds
        n = len(self.components)
        q0 = self._q
        memo = _Scalar(self.root, self._ev.index, q0)
        u_base = memo.get(self.root)[1]
        birnbaum = np.zeros(n)
        parent: dict[int, tuple[Block, int, float]] = {}  # id(child) -> (parent, index among its kids, slope)
        needs_walk = np.zeros(n, dtype=bool)
        stack: list[tuple[Block, float, bool]] = [(self.root, 1.0, False)]
        while stack:
            node, slope, under_group = stack.pop()
            if isinstance(node, Component):
                i = self._ev.index[id(node)]
                birnbaum[i] = slope
                needs_walk[i] = under_group
                continue
            kids, local = memo.slopes(node)
            inside = under_group or isinstance(node, CommonCause)
            for j, (kid, d) in enumerate(zip(kids, local)):
                parent[id(kid)] = (node, j, float(d))
                stack.append((kid, slope * float(d), inside))
        saved = birnbaum * q0  # exact where every block on the way up is linear
        for i in map(int, np.flatnonzero(needs_walk)):
            node, delta = self.components[i], -float(q0[i])
            while node is not self.root:
                up, j, d = parent[id(node)]
                delta = (memo.delta_through(up, j, delta)
                         if isinstance(up, CommonCause) else d * delta)
                node = up
            saved[i] = -delta
        saved = np.maximum(saved * year, 0.0)
        df = pd.DataFrame({
            "name": [c.name for c in self.components],
            "kind": "component",
            "provider_sla": [c.sla is not None for c in self.components],
            "birnbaum": birnbaum,
            "downtime_saved_per_year_s": saved,
        })
        if include_groups and self.groups:
            rows = []
            for g, group in enumerate(self.groups):
                u_free = self.with_changes(betas={g: 0.0}).evaluate(year_days=year_days).unavailability
                rows.append({"name": group_label(group, g), "kind": "common_cause",
                             "provider_sla": False, "birnbaum": float("nan"),
                             "downtime_saved_per_year_s": max((u_base - u_free) * year, 0.0)})
            df = pd.concat([df, pd.DataFrame(rows)], ignore_index=True)
        df["share"] = df["downtime_saved_per_year_s"] / (u_base * year) if u_base > 0 else 0.0
        return df.sort_values("downtime_saved_per_year_s", ascending=False,
                              kind="stable").reset_index(drop=True)

    def sensitivity(self, span_nines: float = 1.0) -> pd.DataFrame:
        """System availability as each component moves ``span_nines`` either way.

        Each component's replica unavailability is multiplied and divided by
        ``10 ** span_nines`` (clipped to [0, 1]); the data behind a tornado chart,
        sorted by the swing in system unavailability.
        """
        check_number("span_nines", span_nines, 0, 6, low_open=True)
        n = len(self.components)
        rep_q = np.array([c.replica_unavailability for c in self.components])
        factor = 10.0 ** span_nines
        worse = np.minimum(rep_q * factor, 1.0)
        better = rep_q / factor
        Q = np.repeat(self._q[:, None], 2 * n, axis=1)
        for i, c in enumerate(self.components):
            Q[i, 2 * i] = c.block_unavailability(worse[i])
            Q[i, 2 * i + 1] = c.block_unavailability(better[i])
        a, u = self._eval_q(Q)
        a0, u0 = self._eval_q(self._q)
        df = pd.DataFrame({
            "name": [c.name for c in self.components],
            "component_availability": 1 - rep_q,
            "worse_component_availability": 1 - worse,
            "better_component_availability": 1 - better,
            "system_availability_worse": a[0::2],
            "system_availability_better": a[1::2],
            "system_unavailability_worse": u[0::2],
            "system_unavailability_better": u[1::2],
            "system_unavailability": float(u0),
        })
        df["swing"] = df["system_unavailability_worse"] - df["system_unavailability_better"]
        return df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)

    # -- changes (for sliders) ---------------------------------------------

    def with_changes(self, components: Mapping[str, Mapping[str, Any]] | None = None,
                     betas: Mapping[int, float] | None = None) -> Architecture:
        """A copy with some component fields (``availability``, ``mtbf_h``,
        ``mttr_h``, ``count``) or common-cause ``beta`` values (by group index) changed."""
        components = dict(components or {})
        betas = dict(betas or {})
        for name in components:
            self.component(name)
        for g in betas:
            if not isinstance(g, Integral) or not 0 <= g < len(self.groups):
                raise invalid("betas", g, f"is not a common-cause group index in [0, {len(self.groups) - 1}]")
        group_index = {id(g): i for i, g in enumerate(self.groups)}

        def rebuild(node: Block) -> Block:
            if isinstance(node, Component):
                change = components.get(node.name)
                if not change:
                    return node
                fields = dict(change)
                if "availability" in fields:
                    fields.setdefault("mtbf_h", None)
                    fields.setdefault("mttr_h", None)
                elif "mtbf_h" in fields or "mttr_h" in fields:
                    fields.setdefault("availability", None)
                if {"availability", "mtbf_h", "mttr_h"} & fields.keys():
                    fields.setdefault("sla", None)  # a figure of one's own, no longer the SLA
                return replace(node, **fields)
            if isinstance(node, Standby):
                return replace(node, primary=rebuild(node.primary),
                               standbys=tuple(rebuild(c) for c in node.standbys))
            kids = tuple(rebuild(c) for c in node.children)
            if isinstance(node, CommonCause) and group_index[id(node)] in betas:
                return replace(node, children=kids, beta=betas[group_index[id(node)]])
            return replace(node, children=kids)

        return Architecture(rebuild(self.root), self.name, self.description)
