"""Architecture models: reliability block diagrams, their evaluation and importance.

A model is a tree of blocks. Leaves are components (an availability, or an MTBF
and an MTTR, optionally ``count`` identical replicas in parallel); inner blocks are

- ``Series``: all children needed;
- ``Parallel``: active-active, up while any child is up;
- ``KofN``: up while at least ``k`` children are up (a majority quorum of 3 is k=2);
- ``Standby``: a primary and standbys that take over after a failover time with a
  probability of success (coverage);
- ``CommonCause``: a beta-factor group of redundant members (a zone or a region).

Each kind is one module under ``hadr_lib.design.blocks`` that owns its formulas
(the standby and beta-factor formulas are written out there), found through the
registry in ``hadr_lib.design.kinds``; other packages add kinds there. This module
builds an ``Architecture`` over any registered kinds: evaluation, importance,
sensitivity and what-if changes.

Assumptions, said once here and shown in the notebooks: failures are independent
except inside a common-cause group; repairs are independent (one crew per
component); ``Parallel`` and ``KofN`` switch over instantly and perfectly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
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
    finite_or_none,
    nines,
    period_info,
)
from .checks import InvalidInputError, check_number, invalid

# The kinds live in hadr_lib.design; their names stay importable from here
# (``x as x`` says a name is re-exported on purpose).
from .design.blocks.common_cause import CommonCause, groups_in
from .design.blocks.common_cause import group_label as group_label
from .design.blocks.component import MAX_COUNT as MAX_COUNT
from .design.blocks.component import Component
from .design.blocks.k_of_n import KofN
from .design.blocks.parallel import Parallel
from .design.blocks.placed import Placed, placed_in
from .design.blocks.series import Series
from .design.blocks.standby import Standby, standbys_in
from .design.blocks.standby import failover_share as failover_share
from .design.blocks.standby import standby_label as standby_label
from .design.domains import Domains
from .design.evaluation import Memo, Vector, base_q
from .design.evaluation import block_mean_outage_h as block_mean_outage_h
from .design.kinds import children, is_block, kind_of, leaves, map_tree, preorder
from .safe_load import check_text, paused_gc

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

#: Any block of a tree (a registered kind; these are the built-in ones).
Block = Component | Series | Parallel | KofN | Standby | CommonCause

def children_of(node: Block) -> tuple[Block, ...]:
    """The child blocks of a block (none for a component)."""
    return children(node)


def needed_up(node: Block) -> int:
    """How many children of a series, parallel, k-of-n or common-cause block must be
    up for the block to be up."""
    return kind_of(node).needed_up(node)


#: Most parts of standbys' primaries whose saving ``importance`` re-evaluates exactly.
MAX_REEVALUATED = 500
#: Most values one vectorised evaluation over domain states may hold (figures x states).
_MAX_STATE_CELLS = 1 << 26


@dataclass(frozen=True)
class _States:
    """The domain states an ``Architecture`` conditions on: the domains blocks are
    placed in, ``down[s, j]`` (domain j's own process down in state s), ``p[s]``,
    the mask of every placed block (its domain down, per state) and, per state, the
    ids of the placed blocks that are down."""

    domains: Domains
    down: np.ndarray
    p: np.ndarray
    masks: dict[int, np.ndarray]
    downsets: list[frozenset[int]]


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


def _with_domain_terms(root: Block, domains: Domains) -> Block:
    """The tree with each standby told which zones and regions take its primary (or
    every standby) down (``Standby.primary_domains``): a failover is charged against
    those outages' lengths too, not only the parts' repairs."""
    if not domains.all:
        return root

    out: Block = map_tree(root, block=lambda _, node: kind_of(node).in_domains(node, domains))
    return out


class Architecture:
    """A named reliability block diagram.

    Parameters
    ----------
    root : block
        The top block (``Component``, ``Series``, ``Parallel``, ``KofN``,
        ``Standby`` or ``CommonCause``).
    name, description : str
        For people.
    domains : Domains, optional
        The zones and regions blocks are placed in (``Placed``); the evaluation
        conditions on their states (``hadr_lib.design.domains``).
    """

    def __init__(self, root: Block, name: str = "architecture", description: str = "",
                 domains: Domains | None = None, findings: tuple[dict[str, str], ...] = (),
                 currency: str | None = None) -> None:
        if not is_block(root):
            raise invalid("architecture", root, "is not a block (component, series, ...)")
        check_text("name", name, max_len=200)
        check_text("description", description, multiline=True)
        if domains is not None and not isinstance(domains, Domains):
            raise invalid("domains", domains, "is not a Domains (read one with read_domains)")
        self.domains = domains if domains is not None else Domains()
        self.root = root = _with_domain_terms(root, self.domains)
        self.name = name
        self.description = description
        #: What the files a design was read from say (``hadr import``'s findings), kept
        #: with the design so that the report can show them.
        self.findings = tuple(findings)
        #: The currency of the components' ``cost_per_year`` (None: the scenario's).
        self.currency = None if currency is None else check_text("currency", currency, max_len=12)
        self._order = preorder(root)  # one walk, depth bounded, kept: every evaluation uses it
        self.components: tuple[Component, ...] = tuple(node for node, kind in self._order if kind.leaf)
        seen: dict[str, str] = {}
        for c in self.components:
            if c.name in seen:
                raise InvalidInputError(
                    f"{c.path}.name: {c.name!r} is a duplicate component name "
                    f"(also at {seen[c.name]}); names must be unique")
            seen[c.name] = c.path
        self.draw_of = self._shared_draws()
        self.groups: tuple[CommonCause, ...] = groups_in(self._order)
        self.standbys: tuple[Standby, ...] = standbys_in(self._order)
        self._ev = Vector(root, self.components)
        self._q = base_q(self.components)
        self.placed: tuple[Placed, ...] = placed_in(self._order)
        self._states = self._domain_states()

    def _shared_draws(self) -> tuple[int, ...]:
        """Per component, the index of the component whose uncertainty draw it takes
        (``same_as``, followed to its end; itself when it has none)."""
        index = {c.name: i for i, c in enumerate(self.components)}
        out = []
        for i, c in enumerate(self.components):
            j, hops = i, 0
            while self.components[j].same_as is not None:
                node = self.components[j]
                if node.same_as not in index:
                    raise InvalidInputError(
                        f"{node.path}.same_as: {node.same_as!r} is not a component of this design")
                j, hops = index[node.same_as], hops + 1
                if hops > len(self.components):
                    raise InvalidInputError(f"{c.path}.same_as: {c.same_as!r} leads round in a circle "
                                            "(same_as names must end at a component without one)")
            out.append(j)
        return tuple(out)

    def _domain_states(self) -> _States | None:
        """The states of the domains blocks are placed in (None when none is)."""
        if not self.placed:
            return None
        for node in self.placed:
            self.domains.check_placement(node.domain, f"{node.path}.{node.where}")
        for group in self.groups:  # a member may be placed; a block inside a member may not
            members = {id(c) for c in group.children}
            inside = [p for p in placed_in(preorder(group)) if id(p) not in members]
            if inside:
                raise InvalidInputError(
                    f"{inside[0].path}.{inside[0].where}: a block inside a member of a common_cause group "
                    "cannot be placed in a zone or region (the group's shared shock is set from its members' "
                    "own figures); place the member itself, or the whole group")
        used = {node.domain for node in self.placed}
        used |= {d.region for d in self.domains.all if d.name in used and d.region}
        domains = Domains([d for d in self.domains.all if d.name in used])
        down, p = domains.states()
        eff = domains.effective_down(down)
        masks = {id(node): eff[node.domain] for node in self.placed}
        downsets = [frozenset(k for k, m in masks.items() if m[s]) for s in range(p.size)]
        return _States(domains, down, p, masks, downsets)

    def _memos(self, q: np.ndarray) -> list[tuple[float, Memo]]:
        """(probability, Memo) of every domain state (one state, of probability 1,
        without domains)."""
        if self._states is None:
            return [(1.0, Memo(self.root, self._ev.index, q, self._order))]
        st = self._states
        return [(float(st.p[s]), Memo(self.root, self._ev.index, q, self._order, st.downsets[s]))
                for s in range(st.p.size)]

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
        if self._states is None:
            a, q = self._ev.aq(self.root, Q, over)
            return a, q
        st = self._states
        S = st.p.size
        if Q.size * S > _MAX_STATE_CELLS:
            raise InvalidInputError(
                f"zones, regions: {Q.size:,} figures x {S} domain states is more than "
                f"{_MAX_STATE_CELLS:,} values at once; evaluate fewer points or use fewer domains")
        Qs = np.repeat(Q[..., None], S, axis=-1)  # the states on a last axis
        over_s: dict[int, Any] = {k: (v[..., None] if isinstance(v, np.ndarray) and v.ndim else v)
                                  for k, v in (over or {}).items()}
        over_s.update(st.masks)
        a, q = self._ev.aq(self.root, Qs, over_s)
        return np.asarray(a) @ st.p, np.asarray(q) @ st.p

    def _conditioned(self, memos: list[tuple[float, Memo]]) -> tuple[float, float]:
        """(A, U) of the design: each state's weighted by its probability (all terms
        non-negative, summed exactly)."""
        a = math.fsum(p * m.get(self.root)[0] for p, m in memos)
        u = math.fsum(p * m.get(self.root)[1] for p, m in memos)
        return a, u

    def availability(self) -> Availability:
        """The system's availability [fraction] with its exact unavailability; the
        fast path of ``evaluate`` (no outage frequency)."""
        a, q = consistent(*self._conditioned(self._memos(self._q)))
        return Availability(a, q)

    def _frequency(self, memos: list[tuple[float, Memo]]) -> float | None:
        """Outages per hour: the parts' failures in each domain state, weighted, and
        each domain's own failures where they take the design down (its failure rate
        x P(it is up) x [U(design | it down) - U(design | it up)]: exact, the
        processes being independent)."""
        fs = [m.frequency(self.root) for _, m in memos]
        if any(f is None for f in fs):
            return None
        total = [p * f for (p, _), f in zip(memos, fs) if f is not None]
        for d, u_down, u_up in self._given_each_domain(memos):
            u_d = d.unavailability
            if u_down is not None and u_d < 1.0:
                total.append(d.failure_rate_h * (1.0 - u_d) * max(u_down - u_up, 0.0))
        return math.fsum(total)

    def _given_each_domain(self, memos: list[tuple[float, Memo]]) -> list[tuple[Any, float | None, float]]:
        """Per domain blocks are placed in: (the domain, U of the design given its own
        process down (None when it never is), U given it up), from the states' memos."""
        st = self._states
        if st is None:
            return []
        us = np.array([m.get(self.root)[1] for _, m in memos])
        out = []
        for j, d in enumerate(st.domains.all):
            on = st.down[:, j]
            u_d = d.unavailability
            u_down = math.fsum(st.p[on] * us[on]) / u_d if u_d > 0.0 else None
            out.append((d, u_down, math.fsum(st.p[~on] * us[~on]) / (1.0 - u_d)))
        return out

    @property
    def used_domains(self) -> tuple[Any, ...]:
        """The zones and regions blocks are placed in, with the regions of those zones."""
        return () if self._states is None else self._states.domains.all

    def survives_loss_of(self, domain: str) -> bool:
        """Whether the design stays up while the zone or region ``domain`` is down (a
        region takes its zones with it) and every part is up: its redundancy spans the
        domain."""
        self.domains.check_placement(domain, "domain")
        gone = self.domains.lost_with(domain)
        down = frozenset(id(node) for node in self.placed if node.domain in gone)
        memo = Memo(self.root, self._ev.index, np.zeros_like(self._q), self._order, down)
        return memo.get(self.root)[1] == 0.0

    def domain_saved(self, memos: list[tuple[float, Memo]] | None = None) -> list[tuple[str, str, float]]:
        """(name, zone or region, U saved if it never failed) of every domain blocks
        are placed in: U minus U(design | its own process up). ``memos``: the domain
        states' (``_memos``), if the caller has them."""
        if self._states is None:
            return []
        memos = self._memos(self._q) if memos is None else memos
        u = math.fsum(self._states.p * np.array([m.get(self.root)[1] for _, m in memos]))
        return [(d.name, d.kind, max(u - u_up, 0.0)) for d, _, u_up in self._given_each_domain(memos)]

    def evaluate(self, *, year_days: float = DAYS_PER_YEAR) -> Evaluation:
        """Availability, unavailability, nines and downtime per year and month.

        Outages per year and mean outage length are given when every component
        has an MTBF and an MTTR (None otherwise).
        """
        memos = self._memos(self._q)
        a, q = consistent(*self._conditioned(memos))
        avail = Availability(a, q)
        year = period_info("year", year_days=year_days).seconds
        month = period_info("month", year_days=year_days).seconds
        f = self._frequency(memos)
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
        change up the path. A part of a standby's primary also sets the primary's
        mean outage length (the failover's share of it): its saving is the design
        re-evaluated with it perfect (for up to ``MAX_REEVALUATED`` such parts; the
        slope's figure beyond). Sorted by downtime saved: what to improve first.

        Columns: ``name``, ``label`` (what sentences call it), ``kind`` (``component``; ``common_cause`` rows with
        ``include_groups``: what the design would save if the group's members failed
        independently, beta = 0), ``provider_sla`` (known only by a cloud SLA: not the
        owner's to improve), ``birnbaum``, ``downtime_saved_per_year_s``, ``share``.
        """
        with paused_gc():
            return self._importance(year_days, include_groups)

    def _importance(self, year_days: float, include_groups: bool) -> pd.DataFrame:
        year = period_info("year", year_days=year_days).seconds
        n = len(self.components)
        memos = self._memos(self._q)
        u_base = self._conditioned(memos)[1]
        birnbaum, saved = np.zeros(n), np.zeros(n)
        for p, memo in memos:  # linear in each state's figures: weighted exactly
            b, s_ = self._importance_in(memo)
            birnbaum += p * b
            saved += p * s_
        # A part of a standby's primary also sets how long the primary's outages last, and
        # so the failover's share of them: made perfect, the design is re-evaluated.
        in_primary = {id(c) for sb in self.standbys for c in leaves(sb.primary)}
        # without failback, a standby's rate also sets how the turns are shared
        in_primary |= {id(c) for sb in self.standbys if not sb.failback for b in sb.standbys for c in leaves(b)}
        if in_primary and len(in_primary) <= MAX_REEVALUATED:
            for i, c in enumerate(self.components):
                if id(c) in in_primary:
                    # never failing, but still with a repair time the primary's outage length can use
                    never = {"mtbf_h": 1e300} if c.mtbf_h is not None else {"availability": 1.0}
                    perfect = self.with_changes({c.name: never})
                    saved[i] = u_base - perfect.availability().unavailability
        saved = np.maximum(saved * year, 0.0)
        df = pd.DataFrame({
            "name": [c.name for c in self.components],
            "label": [c.display for c in self.components],
            "kind": "component",
            "provider_sla": [c.sla is not None for c in self.components],
            "birnbaum": birnbaum,
            "downtime_saved_per_year_s": saved,
        })
        if include_groups and self.groups:
            rows = []
            for g, group in enumerate(self.groups):
                u_free = self.with_changes(betas={g: 0.0}).evaluate(year_days=year_days).unavailability
                rows.append({"name": group_label(group, g), "label": group_label(group, g), "kind": "common_cause",
                             "provider_sla": False, "birnbaum": float("nan"),
                             "downtime_saved_per_year_s": max((u_base - u_free) * year, 0.0)})
            df = pd.concat([df, pd.DataFrame(rows)], ignore_index=True)
        if include_groups and self._states is not None:
            shown = {d.name: d.display for d in self.domains.all}
            rows = [{"name": name, "label": shown.get(name, name), "kind": kind, "provider_sla": False,
                     "birnbaum": float("nan"), "downtime_saved_per_year_s": saved_u * year}
                    for name, kind, saved_u in self.domain_saved(memos)]
            df = pd.concat([df, pd.DataFrame(rows)], ignore_index=True)
        df["share"] = df["downtime_saved_per_year_s"] / (u_base * year) if u_base > 0 else 0.0
        return df.sort_values("downtime_saved_per_year_s", ascending=False,
                              kind="stable").reset_index(drop=True)

    def _importance_in(self, memo: Memo) -> tuple[np.ndarray, np.ndarray]:
        """(Birnbaum, U saved if perfect) of every component at one domain state."""
        n = len(self.components)
        q0 = self._q
        birnbaum = np.zeros(n)
        parent: dict[int, tuple[Block, int, float]] = {}  # id(child) -> (parent, index among its kids, slope)
        needs_walk = np.zeros(n, dtype=bool)
        stack: list[tuple[Block, float, bool]] = [(self.root, 1.0, False)]
        while stack:
            node, slope, under_group = stack.pop()
            kind = kind_of(node)
            if kind.leaf:
                i = self._ev.index[id(node)]
                birnbaum[i] = slope
                needs_walk[i] = under_group
                continue
            kids, local = memo.slopes(node)
            inside = under_group or not kind.is_linear(node)
            for j, (kid, d) in enumerate(zip(kids, local)):
                parent[id(kid)] = (node, j, float(d))
                stack.append((kid, slope * float(d), inside))
        saved = birnbaum * q0  # exact where every block on the way up is linear
        for i in map(int, np.flatnonzero(needs_walk)):
            node, delta = self.components[i], -float(q0[i])
            while node is not self.root:
                up, j, d = parent[id(node)]
                delta = d * delta if kind_of(up).is_linear(up) else memo.delta_through(up, j, delta)
                node = up
            saved[i] = -delta
        return birnbaum, saved

    def sensitivity(self, span_nines: float = 1.0) -> pd.DataFrame:
        """System availability as each component moves ``span_nines`` either way.

        Each component's replica unavailability is multiplied and divided by
        ``10 ** span_nines`` (clipped to [0, 1]); the data behind a tornado chart,
        sorted by the swing in system unavailability. ``label`` is what sentences call
        the component (its name without one).
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
            "label": [c.display for c in self.components],
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
                     betas: Mapping[int, float] | None = None,
                     standbys: Mapping[int, Mapping[str, float]] | None = None) -> Architecture:
        """A copy with some component fields (``availability``, ``mtbf_h``,
        ``mttr_h``, ``count``), common-cause ``beta`` values (by group index) or
        standby ``failover_s``, ``coverage`` and ``failback`` (by index in ``self.standbys``) changed."""
        components = dict(components or {})
        betas = dict(betas or {})
        standbys = {i: dict(f) for i, f in (standbys or {}).items()}
        for i, fields in standbys.items():
            if isinstance(i, bool) or not isinstance(i, Integral) or not 0 <= i < len(self.standbys):
                raise invalid("standbys", i, f"is not a standby index in [0, {len(self.standbys) - 1}]")
            for key in fields:
                if key not in ("failover_s", "coverage", "failback"):
                    raise invalid(f"standbys[{i}]", key,
                                  "is not a standby field to change (failover_s, coverage, failback)")
        for name in components:
            self.component(name)
        for g in betas:
            if not isinstance(g, Integral) or not 0 <= g < len(self.groups):
                raise invalid("betas", g, f"is not a common-cause group index in [0, {len(self.groups) - 1}]")

        def changed(node: Component) -> Component:
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
                # a figure of one's own: no longer the SLA, nor what the old source said
                fields.setdefault("sla", None)
                fields.setdefault("source", None)
            return replace(node, **fields)

        # groups and standbys are numbered as self.groups and self.standbys number them: in walk order
        new_fields: dict[int, dict[str, Any]] = {id(g): {"beta": betas[i]} for i, g in enumerate(self.groups)
                                                 if i in betas}
        new_fields.update({id(sb): {**({"failover_timers": None} if "failover_s" in standbys[i] else {}),
                                    **standbys[i]}
                           for i, sb in enumerate(self.standbys) if i in standbys})

        def block(original: Block, rebuilt: Block) -> Block:
            fields = new_fields.get(id(original))
            return rebuilt if not fields else replace(rebuilt, **fields)

        root = map_tree(self.root, leaf=changed, block=block if new_fields else None)
        return Architecture(root, self.name, self.description, domains=self.domains, findings=self.findings,
                            currency=self.currency)
