"""Monte Carlo failure simulation over the same block model as ``model.py``.

Every component replica alternates up and down: time to failure exponential with
mean MTBF, repair exponential or lognormal with mean MTTR. A component given only
as an availability (an SLA) gets a repair time of ``default_mttr_h`` (1 hour unless
told) and the MTBF that gives its availability. The block structure then turns
replica histories into system outages:

- ``Series``, ``Parallel``, ``KofN`` and a component's replicas: the block is down
  while at least ``m`` children are down (series ``m = 1``, parallel ``m = n``,
  k of n ``m = n - k + 1``);
- ``Standby``: each primary outage costs the failover time (or the whole outage if
  the primary is back sooner); the failover works with probability ``coverage``,
  after which the service is down only while the standbys are; a failed failover
  costs the whole primary outage. Failback is instant;
- ``CommonCause``: as the analytic beta-factor model, each member keeps failures
  at a rate that gives it ``(1 - beta)`` of its unavailability, and the group gets
  shared shocks (unavailability ``beta x`` the members' mean, outage as long as a
  member's mean outage) that take all members down together.

Everything is vectorised with numpy over runs and events: a block's outages are
interval arrays ``(run, start, end)`` for a whole chunk of runs, combined by one
sort and one cumulative sum. Components start in steady state (down with
probability ``MTTR / (MTBF + MTTR)``, with the remaining repair drawn from the
equilibrium distribution), so there is no warm-up bias.

Speed. Every replica of every plain component is drawn in one batch (``_Draw.units``):
failures are the points of a Poisson process at the failure rate that do not fall in
an earlier repair, and the processes of all replicas and runs are windows of one
unit-rate Poisson process, so one running sum of exponentials serves them all, with
no loop per run or per replica. Then, where a block is down only while two or more
of its children are, outages in stretches of a run where too few children have any
are dropped before anything is combined (``_Draw.node``): exact, and for three
regions that must all be down together, it leaves about one outage in a hundred.

Time runs over ``years`` consecutive calendar years from ``start_year``: months of
28 to 31 days and leap years, because cloud SLAs are measured per calendar month.

Reproducibility: runs are grouped in fixed blocks of ``block_runs(plan, years)``
(``BLOCK_RUNS``, doubled up to ``MAX_BLOCK_SCALE`` times for a design whose block
takes little memory: a function of the design and the years alone); block ``b``
draws from ``SeedSequence(seed, spawn_key=(b,))``. Chunks are whole blocks, and the
results are put back in run order, so a seed gives the same numbers whatever the
chunk size, the number of workers, the executor (processes, threads, Dask) or the
machine.

Assumptions shared with the analytic model (so agreement does not test them):
independent failures outside common-cause groups, one repair crew per component
unless a group says ``crews`` (its replicas then queue, first come, first served),
standbys that fail and are repaired whether or not they carry the load, unless
their ``mode`` says they wait dormant (then they fail ``dormant_factor`` times as
often while they wait).
"""

from __future__ import annotations

import calendar
import functools
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .availability import check_availability
from .checks import InvalidInputError, check_int, check_number, invalid
from .design.blocks.component import Component
from .design.blocks.placed import unplaced
from .design.kinds import kind_of, map_leaves
from .model import Architecture

__all__ = [
    "BLOCK_RUNS",
    "block_runs",
    "MAX_BLOCK_BYTES",
    "block_bytes",
    "check_budget",
    "DEFAULT_MTTR_H",
    "REPAIR_DISTRIBUTIONS",
    "SimulationResult",
    "compare_with_analytic",
    "compile_architecture",
    "simulate",
]

#: Repair time [h] given to a component known only by its availability.
DEFAULT_MTTR_H = 1.0
#: Runs per seeded block at least: the unit of work and of reproducibility (see
#: ``block_runs``; memory budgets are checked at this size).
BLOCK_RUNS = 500
#: Seconds a pool of worker processes takes to start and hand its results back, about:
#: by default ``simulate`` times its first block in this process and starts workers only
#: when the rest would take longer than that saved by sharing it (three regions over
#: 40,000 runs: 0.17 s in one process, 0.21-0.28 s with two new workers).
POOL_START_S = 0.3
#: A block of a design that takes little memory grows, doubling, up to this many times
#: ``BLOCK_RUNS`` while its peak memory estimate stays under ``WIDE_BLOCK_BYTES``: fewer
#: rounds of numpy calls per run (a block of 2,000 runs of three regions is 1.3x as fast
#: per run as one of 500).
MAX_BLOCK_SCALE = 4
WIDE_BLOCK_BYTES = 64 << 20
REPAIR_DISTRIBUTIONS = ("exponential", "lognormal")
#: Most expected failures per run that fall inside an earlier repair, per unit, for the
#: unit to be drawn as Poisson points thinned exactly (``_Draw.units``) rather than
#: stepped in cycles: past it the thinning would repeat too often.
THINNING_SHARE = 0.05
#: The stretch of a run [h] by which outages are sorted out before they are combined
#: (``_Draw.node``): 15 days. Results do not depend on it; the time does (10-year runs,
#: 15 days against 30: three zones of one region 25% faster, Multi-AZ PostgreSQL and
#: the one-region Azure app about 10%, three regions the same; 10 days no faster).
PRUNE_BIN_H = 360.0
#: Most bins a run is cut into for pruning (the bins widen past it: 1,000 years of runs
#: in 256 bins).
MAX_BINS = 256
#: Up to this many units drawn together are placed slice by slice, not point by point.
FEW_UNITS = 32
#: Two-sided 99% normal quantile.
Z99 = 2.5758293035489004
#: Standard errors within which a model figure outside the simulation's 99% interval
#: may still be chance (two-sided, about 6 in 100,000 beyond it).
CHANCE_Z = 4.0

_EMPTY = (np.empty(0, np.int64), np.empty(0), np.empty(0))


# --------------------------------------------------------------------------- plan


def _timed(default_mttr_h: float):
    """Give a component known by availability an MTTR and the matching MTBF."""
    def fn(c: Component) -> Component:
        if c.availability is None or c.availability in (0.0, 1.0):
            return c
        q = c.replica_unavailability
        return replace(c, availability=None, mttr_h=default_mttr_h,
                       mtbf_h=default_mttr_h * (1.0 - q) / q)
    return fn


def _rate_scaled(s: float):
    """Multiply every component's failure rate by ``s`` (0 < s <= 1)."""
    def fn(c: Component) -> Component:
        if c.mtbf_h is None:
            return c
        return replace(c, mtbf_h=c.mtbf_h / s)
    return fn


def _unavailability(node) -> float:
    """A block's own unavailability (its domains, drawn on their own, left out)."""
    return float(Architecture(unplaced(node)).availability().unavailability)


@functools.lru_cache(maxsize=256)
def _thinned(member, target_q: float):
    """``member`` with failure rates scaled so its unavailability is ``target_q``
    (remembered: blocks are immutable, and a design simulated again, as the app does on
    each change of a control, mostly has the same members and shocks)."""
    q = _unavailability(member)
    if target_q >= q:
        return member
    if target_q <= 0.0:
        return map_leaves(member, lambda c: replace(
            c, availability=1.0, mtbf_h=None, mttr_h=None) if c.mtbf_h is not None else c)
    return map_leaves(member, _rate_scaled(_scale_for(
        lambda scale: _unavailability(map_leaves(member, _rate_scaled(scale))), q, target_q)))


def _scale_for(u_of, q: float, target_q: float) -> float:
    """The rate scale s in (0, 1] with ``u_of(s) == target_q``, where ``u_of`` rises
    with s and ``u_of(1) == q > target_q``: regula falsi (Illinois) on log u against
    log s, where a power law (u ~ s^n for n parallel parts) is a straight line, kept
    inside a bracket; a handful of evaluations rather than bisection's fifty."""
    f_hi, x_hi = math.log(q / target_q), 0.0
    x_lo = math.log(target_q / q)  # linear guess; halved until below the target
    for _ in range(1100):
        f_lo = math.log(max(u_of(math.exp(x_lo)), 1e-300) / target_q)
        if f_lo < 0.0:
            break
        x_hi, f_hi = x_lo, f_lo
        x_lo -= math.log(2.0)
    else:  # pragma: no cover - u_of(s) > 0 for every s > 0 means 1100 halvings reach it
        return math.exp(x_lo)
    side = 0
    for _ in range(100):
        x = x_hi - f_hi * (x_hi - x_lo) / (f_hi - f_lo)
        if not x_lo < x < x_hi:
            x = 0.5 * (x_lo + x_hi)
        f = math.log(max(u_of(math.exp(x)), 1e-300) / target_q)
        if abs(f) <= 1e-15 or x_hi - x_lo <= 1e-15:
            return math.exp(x)
        if f < 0.0:
            x_lo, f_lo = x, f
            if side == -1:
                f_hi *= 0.5
            side = -1
        else:
            x_hi, f_hi = x, f
            if side == 1:
                f_lo *= 0.5
            side = 1
    return math.exp(0.5 * (x_lo + x_hi))


@dataclass(frozen=True)
class Lowering:
    """What a kind may need to lower itself to the plan (``BlockKind.lower``)."""

    default_mttr_h: float
    #: The design's zones and regions (``design.domains.Domains``), for placed blocks.
    domains: Any = None

    @staticmethod
    def unavailability(node) -> float:
        """The block's unavailability at its stated figures."""
        return _unavailability(node)

    @staticmethod
    def thinned(member, target_q: float):
        """``member`` with failure rates scaled so its unavailability is ``target_q``."""
        return _thinned(member, target_q)


def _compile(node, ctx: Lowering):
    return kind_of(node).lower(node, lambda child: _compile(child, ctx), ctx)


def compile_architecture(arch: Architecture, default_mttr_h: float = DEFAULT_MTTR_H) -> tuple:
    """The architecture as a plain, picklable simulation plan (nested tuples):
    ``("leaf", count, mtbf_h, mttr_h, name)`` (name None for a common-cause shock),
    ``("shared", name, mtbf_h, mttr_h)`` (a zone or region: one process for every
    block placed in it, drawn once per run), ``("atleast", m, children)``,
    ``("standby", primary, standbys, failover_h, coverage, timers)`` (timers None, or
    (interval_h, threshold, ttl_h, fixed_h) drawn per failover),
    ``("crews", m, ((count, mtbf_h, mttr_h), ...), crews, names)`` (replicas queueing
    for shared repair crews, down while ``m`` of them are), ``("never",)`` and
    ``("always",)``."""
    if not isinstance(arch, Architecture):
        raise invalid("architecture", arch, "is not an Architecture (load one with load_architecture)")
    check_number("default_mttr_h", default_mttr_h, 0, 1e6, low_open=True, what=" hours")
    return _compile(map_leaves(arch.root, _timed(default_mttr_h)), Lowering(default_mttr_h, arch.domains))


#: Most failure/repair cycles one ``simulate`` call may draw (several minutes of work).
MAX_CYCLES = 2_000_000_000
#: Most memory [bytes] one block of runs may take: the outage intervals of every
#: replica in the design, held together while they are combined, and the draws of one.
MAX_BLOCK_BYTES = 1 << 30
#: Peak bytes per outage interval of a block (run, start and end of every replica's
#: outages, their concatenation, sort keys and order): an upper bound; 24-71 measured
#: with every replica drawn in one batch (60 x 3 replicas in series; 3-of-3 regions of
#: 20 components each).
INTERVAL_BYTES = 128


def _budget_figures(plan, years: int) -> tuple[float, float, tuple]:
    """(expected cycles of one run, peak bytes of one block of runs, the busiest leaf
    as (cycles, name, count, mtbf, mttr), or a name of None when nothing fails)."""
    horizon_h = years * 366 * 24.0  # at most; leap years included
    total = 0.0
    worst: tuple = (0.0, None, 0, 0.0, 0.0)
    widest = 0.0
    stack = [plan]
    while stack:
        node = stack.pop()
        kind = node[0]
        if kind in ("leaf", "shared"):  # a shared process counted where it appears: never under
            _, count, mtbf, mttr, name = node if kind == "leaf" else (None, 1, *node[2:], node[1])
            if math.isfinite(mtbf) and mtbf + mttr > 0:
                per_replica = horizon_h / (mtbf + mttr)
                cycles = count * per_replica
                total += cycles
                widest = max(widest, per_replica)
                if cycles > worst[0]:
                    worst = (cycles, name or "a common-cause shock", count, mtbf, mttr)
        elif kind == "atleast":
            stack.extend(node[2])
        elif kind == "crews":  # each replica, with the warm-up before time 0
            _, _, classes, crews, names = node
            warm = _crews_warmup_h(classes, crews)
            for (count, mtbf, mttr), name in zip(classes, names):
                if math.isfinite(mtbf) and mtbf + mttr > 0:
                    per_replica = (horizon_h + warm) / (mtbf + mttr)
                    total += count * per_replica
                    widest = max(widest, per_replica)
                    if count * per_replica > worst[0]:
                        worst = (count * per_replica, name, count, mtbf, mttr)
        elif kind == "standby":
            stack.extend((node[1], node[2]))
    draw_bytes = 6 * 8 * BLOCK_RUNS * (widest + 3 * math.sqrt(widest) + 2)
    return total, INTERVAL_BYTES * BLOCK_RUNS * total + draw_bytes, worst


def block_runs(plan, years: int) -> int:
    """Runs per seeded block of ``plan`` over ``years``: ``BLOCK_RUNS`` doubled while a
    block's peak memory estimate stays under ``WIDE_BLOCK_BYTES`` (``MAX_BLOCK_SCALE``
    times at most). It depends on the design and the years alone, so a seed gives the
    same numbers on every machine and with any number of workers."""
    at_least = _budget_figures(plan, years)[1]  # bytes of a block of BLOCK_RUNS: linear in its runs
    scale = 1
    while scale < MAX_BLOCK_SCALE and 2 * scale * at_least <= WIDE_BLOCK_BYTES:
        scale *= 2
    return BLOCK_RUNS * scale


def _crews_warmup_h(classes, crews: int) -> float:
    """How long before time 0 a group sharing ``crews`` starts from all up [h]: 20 queue
    lengths of its longest repair, so the window opens near the steady state."""
    n = sum(int(c[0]) for c in classes)
    return 20.0 * max(float(c[2]) for c in classes) * max(1.0, n / crews)


def block_bytes(plan, years: int) -> float:
    """Peak memory [bytes] of simulating one block of ``BLOCK_RUNS`` runs of ``plan``
    (``compile_architecture``) over ``years``: an upper estimate: 10-20% above the
    measured peak for k-of-n, about 2x for a union, more for replicas all down together
    (intersected two sets at a time). A worker holds one block at a time."""
    return _budget_figures(plan, years)[1]


def check_budget(plan, *, years: int, runs: int) -> float:
    """Refuse, before anything is allocated, a simulation over ``MAX_CYCLES`` cycles
    or whose block of ``BLOCK_RUNS`` runs would pass ``MAX_BLOCK_BYTES``: the outage
    intervals of every replica (``count`` of them per component) are held at once
    while a block is combined, so memory grows with the replicas, not the components.
    Returns the expected number of cycles. The message names the busiest component
    and what to change."""
    per_run, bytes_, worst = _budget_figures(plan, years)
    cycles, name, count, mtbf, mttr = worst
    if name is None:
        return 0.0
    per_replica = cycles / count
    total = per_run * runs
    if total > MAX_CYCLES or bytes_ > MAX_BLOCK_BYTES:
        raise InvalidInputError(
            f"runs: {runs:,} runs of {years} years would draw about {total:.3g} failure/repair "
            f"cycles (limit {MAX_CYCLES:,}) and take {bytes_ / 2**30:.3g} GiB for each block "
            f"of {BLOCK_RUNS} runs ({per_run * BLOCK_RUNS:.3g} outages held at once; limit "
            f"{MAX_BLOCK_BYTES / 2**30:g} GiB); the busiest component, {name!r} ({count:,} x MTBF "
            f"{mtbf:g} h, MTTR {mttr:g} h), fails about {per_replica / years:.3g} times a year per "
            "replica. Use fewer runs or years, fewer replicas, or check its MTBF, MTTR and count")
    return total


# --------------------------------------------------------------------------- intervals


def _atleast(m: int, sets, horizon_h: float) -> tuple:
    """Intervals where at least ``m`` of the interval sets are down.

    Each set is ``(run, start, end)``, sorted by run then start and disjoint within
    a run, with times in [0, horizon_h]. All edges are sorted at once on the key
    ``run x (horizon + 1) + time`` (stable, starts placed before ends, so touching
    outages merge and no interval ends before it starts), then a cumulative sum
    counts how many sets are down.
    """
    sets = [s for s in sets if s[0].size]
    if len(sets) < m:
        return _EMPTY
    if len(sets) == 1:
        return sets[0]
    if m == len(sets):  # all down together: intersect two at a time
        out = sets[0]
        for other in sets[1:]:
            out = _both(out, other, horizon_h)
        return out
    run = np.concatenate([s[0] for s in sets])
    st = np.concatenate([s[1] for s in sets])
    en = np.concatenate([s[2] for s in sets])
    n = run.size
    base = run * (horizon_h + 1.0)
    if m == 1:  # union: sort the starts only, merge while the next starts before the reach
        order = np.argsort(base + st, kind="stable")
        run, st, en = run[order], st[order], en[order]
        reach = np.maximum.accumulate(base[order] + en)
        new = np.empty(n, bool)
        new[0] = True
        new[1:] = (base[order][1:] + st[1:]) > reach[:-1]
        first = np.flatnonzero(new)
        return run[first], st[first], np.maximum.reduceat(en, first)
    order = np.argsort(np.concatenate([base + st, base + en]), kind="stable")
    is_start = order < n
    cnt = np.cumsum(np.where(is_start, 1, -1), dtype=np.int32)
    up_edge = is_start & (cnt == m)
    down_edge = ~is_start & (cnt == m - 1)
    first = order[up_edge]
    s, e = st[first], en[order[down_edge] - n]
    return _nonempty(run[first], s, e)


def _both(a: tuple, b: tuple, horizon_h: float) -> tuple:
    """Intervals where both interval sets are down: for each interval of ``a`` the
    intervals of ``b`` it overlaps are found by binary search (no sort; nearly
    every interval of ``a`` overlaps none), and the overlaps come out in order."""
    span = horizon_h + 1.0
    a_start, a_end = a[0] * span + a[1], a[0] * span + a[2]
    b_end = b[0] * span + b[2]
    b_start = b[0] * span + b[1]
    lo = np.searchsorted(b_end, a_start, side="right")  # the first of b to end after a starts
    hi = np.searchsorted(b_start, a_end, side="left")  # the first of b to start after a ends
    count = np.maximum(hi - lo, 0)  # an empty interval of a (``_emptied``) may find less than none
    if not count.any():
        return _EMPTY
    i = np.repeat(np.arange(count.size), count)  # hi >= lo: b starts before it ends
    j = _ranges(lo, count)
    return _nonempty(a[0][i], np.maximum(a[1][i], b[1][j]), np.minimum(a[2][i], b[2][j]))


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """``starts[k], starts[k] + 1, ..., starts[k] + lens[k] - 1`` for every k, in order:
    ranges of indices laid end to end without a loop."""
    return np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))


def _in_order(found: list) -> tuple:
    """Intervals gathered as (run, start, end) parts by a loop that steps every run
    forward in time (so each run's intervals come in time order across the parts), in
    the order every set keeps (by run, then start), those that do not last dropped. A
    stable sort on the run alone keeps each run's time order: exact, and faster than
    sorting on the start too."""
    if not found:
        return _EMPTY
    r, s, e = (np.concatenate([f[k] for f in found]) for k in range(3))
    order = np.argsort(r, kind="stable")
    return _nonempty(r[order], s[order], e[order])


def _nonempty(r: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple:
    """The intervals that last, without copying when all do (nearly always)."""
    keep = e > s
    if keep.all():
        return r, s, e
    return r[keep], s[keep], e[keep]


class _Draw:
    """Random draws for one block of runs, counting the exponential variates."""

    def __init__(self, rng: np.random.Generator, runs: int, horizon_h: float,
                 repair: str, sigma: float):
        self.rng, self.runs, self.h = rng, runs, horizon_h
        self.repair, self.sigma = repair, sigma
        self.exponentials = 0
        self.shared: dict[str, tuple] = {}  # a zone's or region's outages, drawn once
        self.ready: dict[int, list[tuple]] = {}  # the replicas of leaves drawn ahead
        self.maybe: dict[int, np.ndarray | None] = {}  # bins where a block may be down
        self.edges: dict[int, tuple] = {}  # the bins of a set of intervals (``_edges``)
        self.marks: dict[int, np.ndarray] = {}  # the bins a unit touches, once asked for
        self.batch_of: dict[int, tuple] = {}  # a unit's batch of ``units``, and its place
        # bins of PRUNE_BIN_H, wider over long horizons: at most MAX_BINS a run
        self.bin_h = max(PRUNE_BIN_H, horizon_h / MAX_BINS)
        self.nbins = max(1, math.ceil(horizon_h / self.bin_h))
        self.prune = False  # set by ``ahead``: every leaf drawn, each plan node once

    def ahead(self, plan) -> None:
        """Draw every replica of every plain leaf (and every zone and region) of ``plan``
        in one ``units`` call, for ``node`` to take: one set of numpy calls for the
        whole design rather than one per component. Leaves under a standby whose units
        wait dormant, and groups sharing crews, are drawn by their own rules."""
        leaves: list[tuple] = []
        shared: dict[str, tuple] = {}
        stack = [plan]
        while stack:
            node = stack.pop()
            kind = node[0]
            if kind == "leaf":
                leaves.append(node)
            elif kind == "shared":
                shared.setdefault(node[1], node)
            elif kind == "atleast":
                stack.extend(node[2])
            elif kind == "standby":
                stack.append(node[1])
                if not (len(node) > 9 and node[9] is not None):
                    stack.append(node[2])
        self.prune = len({id(n) for n in leaves}) == len(leaves)
        counts = [n[1] for n in leaves] + [1] * len(shared)
        mtbf = np.repeat([n[2] for n in leaves] + [n[2] for n in shared.values()], counts)
        mttr = np.repeat([n[3] for n in leaves] + [n[3] for n in shared.values()], counts)
        if not mtbf.size:
            return
        drawn = self.units(mtbf.astype(float), mttr.astype(float))
        at = 0
        for n in leaves:
            self.ready.setdefault(id(n), []).extend(drawn[at: at + n[1]])
            at += n[1]
        for name in shared:
            self.shared[name] = drawn[at]
            at += 1

    def exponential(self, mean: float, shape) -> np.ndarray:
        """``rng.exponential(mean, shape)``, the same values (numpy scales standard
        variates), a fifth faster: without the scale's broadcasting, and none for 1."""
        e = self.rng.standard_exponential(shape)
        self.exponentials += e.size
        if mean != 1.0:
            e *= mean
        return e

    def repairs(self, mean: float, shape) -> np.ndarray:
        if self.repair == "exponential":
            return self.exponential(mean, shape)
        mu = math.log(mean) - 0.5 * self.sigma ** 2
        return self.rng.lognormal(mu, self.sigma, shape)

    def residual_repairs(self, mean: float, size: int) -> np.ndarray:
        """Remaining repair of a unit found down at time 0: the equilibrium residual,
        a uniform fraction of a length-biased repair."""
        if self.repair == "exponential":
            return self.exponential(mean, size)
        mu = math.log(mean) - 0.5 * self.sigma ** 2
        return self.rng.random(size) * self.rng.lognormal(mu + self.sigma ** 2, self.sigma, size)

    def residual_repairs_of(self, means: np.ndarray) -> np.ndarray:
        """``residual_repairs`` with each unit its own mean repair."""
        if self.repair == "exponential":
            return self.exponential(1.0, means.size) * means  # standard variates, each scaled by its mean
        biased = np.exp(self.sigma * self.rng.standard_normal(means.size) + 0.5 * self.sigma ** 2)
        return self.rng.random(means.size) * means * biased

    def units(self, mtbf: np.ndarray, mttr: np.ndarray) -> list[tuple]:
        """Down intervals of independent alternating up/down units, one tuple per unit,
        all drawn at once (one set of numpy calls for every unit of a design).

        With exponential lifetimes, a unit up at time t fails at the first point after
        t of a Poisson process at its failure rate (memorylessness), so its failures
        are the points of one such process on the real time axis that do not fall
        inside the repair of an earlier failure. The processes of every unit in every
        run are windows of one unit-rate Poisson process: unit u takes ``runs``
        consecutive windows of ``horizon / MTBF_u`` (its horizon in mean lifetimes),
        and Poisson points in disjoint windows are independent, so one running sum of
        exponentials serves every unit and run: as many lifetimes as failures (and a
        margin), no per-run loop, no count drawn first. A unit found down at time 0
        (probability MTTR / (MTBF + MTTR)) starts with its residual repair. Points
        inside a repair are rare for units up nearly all the time, and are removed
        exactly (made empty, ``_emptied``); a unit that would have many is stepped in cycles
        (``replica``). Rows are unit-major, so every unit's intervals are one slice,
        sorted by run then start; a point that is no failure stays as an empty interval
        touching the one before it, which every combination drops."""
        R, H = self.runs, self.h
        out: list[tuple] = [_EMPTY] * mtbf.size
        with np.errstate(divide="ignore", invalid="ignore"):
            q = mttr / (mtbf + mttr)
            quick = np.isfinite(mtbf) & (mtbf > 0.0) & (q * (H / mtbf + 1.0) <= THINNING_SHARE)
        for u in np.flatnonzero(~quick):
            out[u] = self.replica(float(mtbf[u]), float(mttr[u]))
        which = np.flatnonzero(quick)
        if not which.size:
            return out
        U, bf, br = which.size, mtbf[which], mttr[which]
        width = H / bf  # one run's window, in mean lifetimes
        bounds = np.concatenate([[0.0], np.cumsum(width * R)])
        x = self._poisson_points(float(bounds[-1]))
        cut = np.searchsorted(x, bounds)
        sizes = np.diff(cut)
        # a unit found down at time 0 starts with a failure at 0, its repair under way: the
        # few such points put in before their rows' first
        down0 = np.flatnonzero(self.rng.random(U * R) < np.repeat(q[which], R))
        if U <= FEW_UNITS:  # unit by unit on slices: fewer passes than gathering per point
            for i in range(U):
                part = x[cut[i]:cut[i + 1]]
                if i:
                    part -= bounds[i]
                part *= 1.0 / width[i]
            if down0.size:  # x counts runs within each unit's slice: a point at run r, time 0, is x = r
                unit0, run0 = np.divmod(down0, R)  # by unit, then run
                at = np.empty(down0.size, np.int64)
                per = np.searchsorted(unit0, np.arange(U + 1))
                for k in np.flatnonzero(np.diff(per)).tolist():
                    lo, hi = per[k], per[k + 1]
                    at[lo:hi] = cut[k] + np.searchsorted(x[cut[k]:cut[k + 1]], run0[lo:hi])
                x = np.insert(x, at, run0.astype(float))
                sizes = sizes + np.bincount(unit0, minlength=U)
                cut = np.concatenate([[0], np.cumsum(sizes)])
            run = x.astype(np.int64)
            for i in range(U):  # rounding may put a slice's last points at R: only they are looked at
                a, b = cut[i], cut[i + 1]
                if b > a and run[b - 1] >= R:
                    np.minimum(run[a:b], R - 1, out=run[a:b])
            x -= run
            for i in range(1, U):
                run[cut[i]:cut[i + 1]] += i * R
            x *= H
            t, row = x, run  # in [0, H): the failure times; rows unit-major
        else:
            unit = np.repeat(np.arange(U), sizes)
            x -= bounds[unit]
            x *= (1.0 / width)[unit]
            run = x.astype(np.int64)
            np.minimum(run, R - 1, out=run)
            x -= run
            run += unit * R
            x *= H
            t, row = x, run
            if down0.size:
                at = np.searchsorted(row, down0)
                row, t = np.insert(row, at, down0), np.insert(t, at, 0.0)
                sizes = sizes + np.bincount(down0 // R, minlength=U)
                cut = np.concatenate([[0], np.cumsum(sizes)])
        if br.min() == br.max():
            end = self.repairs(float(br[0]), t.size)
        elif U <= FEW_UNITS:
            end = self.repairs(1.0, t.size)
            for i in range(U):
                end[cut[i]:cut[i + 1]] *= br[i]
        else:
            end = self._unit_repairs(np.repeat(br, sizes))
        if down0.size and self.repair != "exponential":  # exponential: the rest is as long as a repair
            end[np.searchsorted(row, down0)] = self.residual_repairs_of(br[down0 // R])
        end += t
        inside = np.flatnonzero(t[1:] < end[:-1]) + 1  # a point inside the repair before it: rare
        inside = inside[row[inside] == row[inside - 1]]  # of the same row
        if inside.size:  # no failures: made empty where they stand, the arrays not copied
            self._emptied(row, t, end, inside)
        np.minimum(end, H, out=end)
        if br.min() <= 0.0:  # instant repairs: what lasts
            row, t, end = _nonempty(row, t, end)
            cut = np.searchsorted(row, np.arange(U + 1) * R)
        batch: tuple = (row, t, end, cut, [])
        for i, u in enumerate(which):
            a, b = cut[i], cut[i + 1]
            out[u] = row[a:b] - i * R, t[a:b], end[a:b]
            self.batch_of[id(out[u][1])] = (batch, i)
            batch[4].append(out[u])
        return out

    def _emptied(self, row, t, end, inside) -> None:
        """Make, in place, the points of ``units`` inside an earlier repair of their row
        empty intervals where the last failure's repair ends (``[e, e]``, at most the
        horizon): no failure, and the row still sorted and disjoint, without copying the
        batch to take them out. Every combination of sets drops them (``_nonempty``);
        only the rows with such points are worked on."""
        prev = inside - 1
        if inside.size == 1 or np.all(np.diff(inside) > 1):
            # nearly always: no two such points in a row, and the point after each (in its
            # row) starts after the repair of the one before it. Then, along a row, every
            # other point is a failure (the latest repair before it is its neighbour's, or
            # the one before that), and each such point is inside its neighbour's repair:
            # the only points to empty, where that repair ends
            later = np.minimum(inside + 1, row.size - 1)
            clear = (later == inside) | (row[later] != row[inside]) | (t[later] >= end[prev])
            if clear.all():
                t[inside] = end[inside] = np.minimum(end[prev], self.h)
                return
        rows = np.unique(row[inside])
        at = np.searchsorted(row, rows)
        idx = _ranges(at, np.searchsorted(row, rows, side="right") - at)
        keep = self._kept(row[idx], t[idx], end[idx])
        before = np.maximum.accumulate(np.where(keep, np.arange(idx.size), 0))  # each row's first is kept
        gone = np.flatnonzero(~keep)
        t[idx[gone]] = end[idx[gone]] = np.minimum(end[idx[before[gone]]], self.h)

    def _kept(self, rr, tt, ee) -> np.ndarray:
        """Which points of rows ``rr`` (sorted by row, then time ``tt``; repairs end at
        ``ee``) are failures: in each round, with every point still kept, the first point
        of a row inside an earlier kept repair is certainly not one (everything before it
        is), and is dropped."""
        ee = np.minimum(ee, self.h)
        keep = np.ones(rr.size, bool)
        while True:  # each round drops one point of each row still wrong: at most rr.size rounds
            k = np.flatnonzero(keep)
            rk = rr[k]
            # before a row's first wrong point every point starts after the one before it
            # ends, so that end is the latest: times compared as they are (a key of row and
            # time rounded times that differ in their last bits)
            ek = ee[k]
            bad = np.flatnonzero((rk[1:] == rk[:-1]) & (tt[k][1:] < ek[:-1])) + 1
            if not bad.size:
                return keep
            keep[k[bad[np.concatenate([[True], rk[bad][1:] != rk[bad][:-1]])]]] = False

    def _poisson_points(self, length: float) -> np.ndarray:
        """The points of a unit-rate Poisson process on [0, ``length``), in order:
        running sums of exponentials, drawn with a margin and topped up if short."""
        parts: list[np.ndarray] = []
        at = 0.0
        while at < length:
            need = length - at
            e = self.rng.standard_exponential(int(need + 6.0 * math.sqrt(need) + 16))
            self.exponentials += e.size
            np.cumsum(e, out=e)
            if at:
                e += at
            parts.append(e)
            at = float(e[-1])
        p = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return p[: np.searchsorted(p, length)]

    def replica(self, mtbf: float, mttr: float) -> tuple:
        """Down intervals of one alternating up/down unit over all runs."""
        R, H = self.runs, self.h
        if not math.isfinite(mtbf):
            return _EMPTY
        if mtbf == 0.0:
            return np.arange(R, dtype=np.int64), np.zeros(R), np.full(R, H)
        cycle = mtbf + mttr
        down0 = self.rng.random(R) < mttr / cycle
        first = self.residual_repairs(mttr, int(down0.sum()))
        return self._cycles(np.arange(R, dtype=np.int64), np.zeros(R), mtbf, mttr, down0, first)

    def _cycles(self, rows, t0, mtbf, mttr, down0=None, first=None):
        """Up/down cycles of units ``rows`` from times ``t0`` until the horizon.

        Draws a width that covers the horizon for nearly every run, then carries on
        only for the few runs it did not cover; returns intervals sorted by run.
        """
        H = self.h
        k = rows.size
        expected = float(np.max(H - t0)) / (mtbf + mttr)
        width = int(expected + 3.0 * math.sqrt(expected) + 2)
        end = self.exponential(mtbf, (k, width))
        dn = self.repairs(mttr, (k, width))
        if down0 is not None:
            end[down0, 0] = 0.0
            dn[down0, 0] = first
        end += dn
        np.cumsum(end, axis=1, out=end)
        if t0.any():
            end += t0[:, None]
        fail = end - dn
        mask = fail < H  # failures come in order along a row: each row's mask is a prefix
        r = np.repeat(rows, np.count_nonzero(mask, axis=1))
        s, e = fail[mask], end[mask]
        np.minimum(e, H, out=e)
        short = end[:, -1] < H
        if short.any():  # the rare runs the first draw did not cover: carry on, after their own
            r2, s2, e2 = self._cycles(rows[short], end[short, -1], mtbf, mttr)
            at = np.searchsorted(r, r2, side="right")
            r, s, e = np.insert(r, at, r2), np.insert(s, at, s2), np.insert(e, at, e2)
        return _nonempty(r, s, e)

    def _failover_h(self, n: int, t_h: float, timers) -> np.ndarray | float:
        """The time [h] of ``n`` failovers: ``t_h`` each, or with timers each its own
        (the health check's phase, the TTL left)."""
        if timers is None:
            return t_h
        interval, threshold, ttl, fixed = timers
        u = self.rng.random((2, n))
        return fixed + interval * (threshold - 1 + u[0]) + ttl * u[1]

    def _dormant_unit(self, mtbf: float, mttr: float, dormancy: float, serving: tuple) -> tuple:
        """Down intervals of a standby that fails at ``dormancy`` times its rate while it
        waits and at its full rate while it serves (inside the ``serving`` intervals): a
        Poisson stream of shocks at the full rate, each failing the unit if it serves, or
        with probability ``dormancy`` if it waits (thinning, exact for exponential
        lifetimes). Every run is stepped one shock at a time, all runs together, from
        the waiting steady state at time 0."""
        R, H = self.runs, self.h
        if not math.isfinite(mtbf):
            return _EMPTY
        wr, ws, we = serving
        span = 4.0 * H + 4.0
        order = np.lexsort((ws, wr))
        keys, ends, owner = (wr * span + ws)[order], we[order], wr[order]
        rows = np.arange(R, dtype=np.int64)
        rate_i = dormancy / mtbf
        down0 = self.rng.random(R) < rate_i * mttr / (1.0 + rate_i * mttr)
        t = np.zeros(R)
        t[down0] = self.residual_repairs(mttr, int(down0.sum()))
        found = [(rows[down0], np.zeros(int(down0.sum())), np.minimum(t[down0], H))]
        alive = t < H
        while alive.any():
            idx = rows[alive]
            x = t[idx] + self.rng.standard_exponential(idx.size) * mtbf
            self.exponentials += idx.size
            at = np.searchsorted(keys, idx * span + x, side="right") - 1
            safe = np.maximum(at, 0)
            serves = (at >= 0) & (owner[safe] == idx) & (x < ends[safe])
            fails = (serves | (self.rng.random(idx.size) < dormancy)) & (x < H)
            rep = self._unit_repairs(np.full(int(fails.sum()), mttr))
            found.append((idx[fails], x[fails], np.minimum(x[fails] + rep, H)))
            nxt = x.copy()
            nxt[fails] = x[fails] + rep
            t[idx] = nxt
            alive = t < H
        return _in_order(found)

    def _taking_turns(self, prim: tuple, group: tuple, t_h: float, coverage: float, timers,
                      start_h: float = 0.0) -> tuple:
        """Down intervals of a standby block without failback. The active unit (the
        primary at first) failing starts an outage; the failover works with
        ``coverage``: after its time the other unit, if up, becomes active (if down, the
        first of the two back does); the active unit back sooner ends the outage and
        stays active; a failed failover waits for the active unit.

        Every run is stepped one outage at a time, all runs together: the active
        unit's next failure and the other unit's state when the failover completes
        are looked up in both units' sorted down intervals, so the loop turns as many
        times as a run has outages, not as many as its units have events."""
        R, H = self.runs, self.h
        span = 4.0 * H + 4.0
        owner = np.concatenate([2 * prim[0], 2 * group[0] + 1])  # run x 2 + unit
        st, en = np.concatenate([prim[1], group[1]]), np.concatenate([prim[2], group[2]])
        keys = owner * span + st
        order = np.argsort(keys, kind="stable")  # two sorted runs merged
        owner, st, en, keys = owner[order], st[order], en[order], keys[order]
        n = keys.size
        if n == 0:
            return _EMPTY
        t, active = np.zeros(R), np.zeros(R, np.int64)
        idx = np.arange(R, dtype=np.int64)  # the runs still stepping
        found = []
        while idx.size:  # every turn passes one interval of the active unit: at most n turns
            me = 2 * idx + active[idx]
            now = t[idx]
            i = np.searchsorted(keys, me * span + now)
            while True:  # a key rounded onto now's: the interval starts before now, step past it
                at_i = np.minimum(i, n - 1)
                back = (i < n) & (st[at_i] < now) & (owner[at_i] == me)
                if not back.any():
                    break
                i += back
            has = i < n
            has[has] = owner[i[has]] == me[has]  # the active unit (up now) fails again
            if not has.all():
                idx, me, i = idx[has], me[has], i[has]
            fails, back_a = st[i], en[i]
            done = fails + self._failover_h(idx.size, t_h, timers)
            if start_h:  # a warm or cold standby is readied first
                done += np.where(me % 2 == 0, start_h, 0.0)
            other = me ^ 1
            at = np.minimum(done, H)  # later than the horizon: the outage runs to it anyway
            j = np.searchsorted(keys, other * span + at, side="right") - 1
            j -= (j >= 0) & (st[j] > at)  # a key rounded onto at's: that interval starts later
            j = np.maximum(j, 0)
            back_other = np.where((owner[j] == other) & (st[j] <= at) & (en[j] > done), en[j], done)
            switch = (self.rng.random(idx.size) < coverage) & (done < back_a) & (back_other < back_a)
            end = np.where(switch, back_other, back_a)  # the other unit serves first, or this one is back
            found.append((idx, fails, np.minimum(end, H)))
            active[idx] ^= switch
            t[idx] = end
            idx = idx[end < H]
        return _in_order(found)

    def _unit_repairs(self, means: np.ndarray) -> np.ndarray:
        """One repair time per entry of ``means`` [h] (each its own mean)."""
        if self.repair == "exponential":
            self.exponentials += means.size
            return self.rng.standard_exponential(means.shape) * means
        z = self.rng.standard_normal(means.shape)
        return means * np.exp(self.sigma * z - 0.5 * self.sigma ** 2)

    def _sharing_crews(self, m_down: int, classes: tuple, crews: int) -> tuple:
        """Down intervals of a group whose replicas queue for ``crews`` repair crews,
        first come, first served; down while ``m_down`` or more replicas are. Every run
        is stepped one event at a time, all runs together, from all units up well before
        time 0 (a warm-up of 20 queue-lengths of the longest repair), so the window
        starts near the steady state."""
        R, H = self.runs, self.h
        mtbf = np.repeat([float(c[1]) for c in classes], [int(c[0]) for c in classes])
        mttr = np.repeat([float(c[2]) for c in classes], [int(c[0]) for c in classes])
        n = mtbf.size
        warm = _crews_warmup_h(classes, crews)
        rows = np.arange(R)
        nxt = -warm + self.rng.standard_exponential((R, n)) * mtbf  # the unit's next event
        self.exponentials += R * n
        state = np.zeros((R, n), np.int8)  # 0 up, 1 waiting for a crew, 2 in repair
        stamp = np.full((R, n), np.inf)  # when a waiting unit failed (first come, first served)
        busy = np.zeros(R, np.int64)
        down = np.zeros(R, np.int64)
        since = np.zeros(R)
        found = []
        while True:
            i = np.argmin(nxt, axis=1)
            t = nxt[rows, i]
            live = t < H
            if not live.any():
                break
            st = state[rows, i]
            was = down >= m_down
            fail, done = live & (st == 0), live & (st == 2)
            # a unit fails: repaired at once if a crew is free, else it waits
            start = fail & (busy < crews)
            wait_ = fail & ~start
            r_s, i_s = rows[start], i[start]
            state[r_s, i_s] = 2
            nxt[r_s, i_s] = t[start] + self._unit_repairs(mttr[i_s])
            busy += start
            r_w, i_w = rows[wait_], i[wait_]
            state[r_w, i_w], stamp[r_w, i_w], nxt[r_w, i_w] = 1, t[wait_], np.inf
            down += fail
            # a repair ends: the unit is up, and its crew takes the unit waiting longest
            r_d, i_d = rows[done], i[done]
            state[r_d, i_d] = 0
            nxt[r_d, i_d] = t[done] + self.rng.standard_exponential(r_d.size) * mtbf[i_d]
            self.exponentials += r_d.size
            down -= done
            busy -= done
            waiting = np.where(state == 1, stamp, np.inf)
            j = np.argmin(waiting, axis=1)
            take = done & np.isfinite(waiting[rows, j])
            r_t, j_t = rows[take], j[take]
            state[r_t, j_t], stamp[r_t, j_t] = 2, np.inf
            nxt[r_t, j_t] = t[take] + self._unit_repairs(mttr[j_t])
            busy += take
            now = down >= m_down
            began, ended = live & now & ~was, live & was & ~now
            since = np.where(began, np.maximum(t, 0.0), since)
            ended &= t > 0
            if ended.any():
                found.append((rows[ended], np.where(since[ended] < 0, 0.0, since[ended]), t[ended]))
            since = np.where(live & was & ~now, 0.0, since)
        still = down >= m_down
        if still.any():
            found.append((rows[still], since[still], np.full(int(still.sum()), H)))
        return _in_order(found)

    # Pruning. Where a block is down only while m >= 2 of its children are, a child's
    # outage matters only in the stretches of time (bins of ``PRUNE_BIN_H`` of a run)
    # where m children have an outage at all; the leaves drawn ahead say where that is
    # before anything is combined, so their other outages are dropped first and the
    # combining works on the few left (for three regions that must all be down, about
    # one in a hundred). Exact: an outage touching a kept bin is kept whole, and the
    # block cannot be down outside those bins.

    def _edges(self, iv: tuple) -> tuple:
        """The bin each interval of ``iv`` starts in (run x bins + bin), and those that
        cross a bin's edge (nearly none: their places, and how many edges each
        crosses), kept for the block; for units drawn together, worked out for the
        whole batch at once."""
        key = id(iv[1])
        got = self.edges.get(key)
        if got is not None:
            return got[:3]
        if key in self.batch_of:  # every unit of the batch at once
            (row, t, end, cut, members), _ = self.batch_of[key]
            lo, wide, reach = self._bin_edges(row, t, end)
            size = self.runs * self.nbins
            at = np.searchsorted(wide, cut)
            for i, member in enumerate(members):
                a, wa, wb = cut[i], at[i], at[i + 1]
                self.edges[id(member[1])] = (lo[a:cut[i + 1]] - i * size, wide[wa:wb] - a, reach[wa:wb], member[1])
            return self.edges[key][:3]
        got = self._bin_edges(*iv)
        self.edges[key] = (*got, iv[1])  # the array itself kept: ids stay unique
        return got

    def _bin_edges(self, run, s, e) -> tuple:
        """The bin each interval starts in (run x bins + bin), the intervals that cross
        a bin's edge, and how many edges each crosses. Times are clamped to the last bin
        before they are truncated (the same bins as clamping after, for times >= 0):
        float passes, and one conversion to integers of every interval rather than two."""
        to_bin, top = 1.0 / self.bin_h, float(self.nbins - 1)
        f = s * to_bin
        np.minimum(f, top, out=f)  # an empty interval at the horizon (``_emptied``)
        lo = f.astype(np.intp)
        crossed = e * to_bin
        np.minimum(crossed, top, out=crossed)
        np.floor(crossed, out=crossed)
        np.floor(f, out=f)
        crossed -= f
        lo += run * self.nbins
        wide = np.flatnonzero(crossed > 0.0)
        return lo, wide, crossed[wide].astype(np.intp)

    def _mark(self, marks: np.ndarray, iv: tuple) -> np.ndarray:
        """Set, in the bin flags ``marks``, the bins the intervals ``iv`` touch: where
        they start, and the bins those across a bin's edge reach."""
        if iv[0].size:
            lo, wide, reach = self._edges(iv)
            marks[lo] = True
            if wide.size:
                marks[_ranges(lo[wide] + 1, reach)] = True
        return marks

    def _bins(self, iv: tuple) -> np.ndarray:
        """The bins (``runs x bins`` flags) that the intervals ``iv`` touch (not to be
        changed in place: they are kept for the block)."""
        got = self.marks.get(id(iv[1]))
        if got is None:
            got = self.marks[id(iv[1])] = self._mark(np.zeros(self.runs * self.nbins, bool), iv)
        return got

    def _maybe(self, plan) -> np.ndarray | None:
        """Bins where ``plan`` may be down (a superset), None where that is not known
        cheaply (standbys, shared crews)."""
        key = id(plan)
        if key in self.maybe:
            return self.maybe[key]
        kind, got = plan[0], None
        if kind == "never":
            got = np.zeros(self.runs * self.nbins, bool)
        elif kind == "leaf" and len(self.ready.get(key, ())) >= plan[1]:
            got = self._bins(self.ready[key][0])
            for iv in self.ready[key][1:plan[1]]:
                got = got & self._bins(iv)
        elif kind == "shared" and plan[1] in self.shared:
            got = self._bins(self.shared[plan[1]])
        elif kind == "atleast" and plan[1] == 1 and (units := self._units(plan[2])) is not None:
            # any one down, each child one unit drawn ahead (or never down): the children's
            # bins marked straight into one set of flags, not each into its own then joined
            got = np.zeros(self.runs * self.nbins, bool)
            for u in units:
                self._mark(got, u)
        elif kind == "atleast":
            m, kids = plan[1], [self._maybe(k) for k in plan[2]]
            known = [k for k in kids if k is not None]
            if m == len(kids) and known:  # all down together: where every known one may be
                got = known[0].copy()
                for k in known[1:]:
                    got &= k
            elif m == 1 and len(known) == len(kids):  # any one down
                got = known[0].copy()
                for k in known[1:]:
                    got |= k
            elif len(kids) - len(known) < m:
                count = np.full(self.runs * self.nbins, len(kids) - len(known), np.int32)
                for k in known:
                    count += k
                got = count >= m
        self.maybe[key] = got
        return got

    def _units(self, plans) -> list[tuple] | None:
        """The intervals of each of ``plans`` when every one is one unit drawn ahead
        (``_EMPTY`` for a block never down), else None."""
        out = []
        for plan in plans:
            kind, got = plan[0], None
            if kind == "never":
                got = _EMPTY
            elif kind == "leaf" and plan[1] == 1 and self.ready.get(id(plan)):
                got = self.ready[id(plan)][0]
            elif kind == "shared":
                got = self.shared.get(plan[1])
            if got is None:
                return None
            out.append(got)
        return out

    def _pruned(self, iv: tuple, keep: np.ndarray | None) -> tuple:
        """The intervals of ``iv`` that may touch a bin of ``keep`` (those that start in
        one, and the few across a bin's edge; all if keep is None)."""
        if keep is None or not iv[0].size:
            return iv
        first, wide, _ = self._edges(iv)
        hit = keep[first]
        hit[wide] = True
        hit = np.flatnonzero(hit)
        return iv[0][hit], iv[1][hit], iv[2][hit]

    def node(self, plan, keep: np.ndarray | None = None) -> tuple:
        """Down intervals of ``plan``, exact at least inside the bins ``keep`` (None:
        everywhere); outside them the block is not down, or its caller does not ask."""
        kind = plan[0]
        if kind == "never":
            return _EMPTY
        if kind == "always":
            R = self.runs
            return np.arange(R, dtype=np.int64), np.zeros(R), np.full(R, self.h)
        if kind == "leaf":
            count = plan[1]
            drawn = self.ready.get(id(plan))
            if drawn is None or len(drawn) < count:  # not drawn ahead (a plan node made later)
                drawn = self.units(np.full(count, plan[2]), np.full(count, plan[3]))
            else:
                drawn, self.ready[id(plan)] = drawn[:count], drawn[count:]
            return _atleast(count, [self._pruned(iv, keep) for iv in drawn], self.h)
        if kind == "shared":  # one zone or region: the same outages wherever it appears
            _, name, mtbf, mttr = plan
            if name not in self.shared:
                self.shared[name] = self.units(np.array([mtbf]), np.array([mttr]))[0]
            return self._pruned(self.shared[name], keep)
        if kind == "atleast":
            _, m, kids = plan
            if m >= 2 and self.prune:
                where = self._maybe(plan)
                if where is not None:
                    keep = where if keep is None else keep & where
            return _atleast(m, [self.node(k, keep) for k in kids], self.h)
        if kind == "crews":  # replicas queueing for shared repair crews
            _, m, classes, crews, _names = plan
            return self._sharing_crews(m, classes, crews)
        if kind == "standby":
            _, primary, group, t_h, coverage = plan[:5]
            timers = plan[5] if len(plan) > 5 else None
            start_h, dormancy, dormant = plan[7:10] if len(plan) > 7 else (0.0, 1.0, None)
            pr, ps, pe = _nonempty(*self.node(primary))  # a unit's empty intervals (``_emptied``) out
            if dormant is not None:  # waiting standbys fail less: drawn given when they serve
                ok = self.rng.random(pr.size) < coverage
                units = [self._dormant_unit(mtbf, mttr, dormancy, (pr[ok], ps[ok], pe[ok]))
                         for mtbf, mttr in dormant]
                sr, ss, se = _atleast(len(units), units, self.h)
            else:
                sr, ss, se = _nonempty(*self.node(group))
            if len(plan) > 6 and not plan[6]:  # no failback: the promoted unit stays active
                return self._taking_turns((pr, ps, pe), (sr, ss, se), t_h, coverage, timers, start_h)
            if dormant is None:
                ok = self.rng.random(pr.size) < coverage
            # a warm or cold standby is readied first
            t_h = self._failover_h(pr.size, t_h, timers) + start_h
            cut = np.minimum(ps + t_h, pe)
            fe = np.where(ok, cut, pe)
            held = fe > ps  # an instant failover that works is no outage (it was counted as one)
            failed_or_waiting = (pr[held], ps[held], fe[held])
            on_standby = ok & (cut < pe)
            w = (pr[on_standby], cut[on_standby], pe[on_standby])
            return _atleast(1, [failed_or_waiting, _atleast(2, [w, (sr, ss, se)], self.h)], self.h)
        raise ValueError(f"unknown plan node {kind!r}")


# --------------------------------------------------------------------------- blocks


def _month_edges_h(start_year: int, years: int) -> np.ndarray:
    days = [calendar.monthrange(y, m)[1] for y in range(start_year, start_year + years)
            for m in range(1, 13)]
    return np.concatenate([[0.0], np.cumsum(days) * 24.0])


def _months_of_days(edges: np.ndarray) -> np.ndarray:
    """The month of every day of the horizon: month edges are midnights, so a time's
    month is a lookup by its day (a gather, not a binary search)."""
    days: np.ndarray = np.diff(np.rint(edges / 24.0)).astype(np.intp)
    return np.repeat(np.arange(days.size), days)


def _start_months(s: np.ndarray, month_of_day: np.ndarray) -> np.ndarray:
    """The month each outage begins in: edge <= s < next edge (s >= 0: truncation floors)."""
    return month_of_day[(s / 24.0).astype(np.intp)]


def _month_parts(run, s, e, edges, month_of_day=None, first=None, key=None, hours=None) -> tuple:
    """Outages as run-month parts: (key, hours) of each outage whole in its first month
    (run x months + month, sorted as the outages are), and (keys, hours) of the few parts
    that correct them: less what runs past that month's end, plus the overlap with each
    later month. Adding each run-month's parts in that order gives its downtime [h].
    When known: ``first``, the month each outage begins in; ``key``, run x months +
    ``first``; ``hours``, ``e - s``."""
    months = edges.size - 1
    of_day = _months_of_days(edges) if month_of_day is None else month_of_day
    if first is None:
        first = _start_months(s, of_day)
    if key is None:
        key = run * months + first
    if hours is None:
        hours = e - s
    across = np.flatnonzero(e > edges[1:][first])  # the few outages that run past a month's edge
    s, e, k, first = s[across], e[across], key[across], first[across]
    last = of_day[np.ceil(e / 24.0).astype(np.intp) - 1]  # edge < e <= next edge
    parts = last - first + 1
    idx = np.repeat(np.arange(across.size), parts - 1)  # the later months each one reaches
    month = _ranges(first + 1, parts - 1)
    more_keys = np.concatenate([k, k[idx] + (month - first[idx])])
    more = np.concatenate([np.minimum(e, edges[first + 1]) - e,
                           np.minimum(e[idx], edges[month + 1]) - edges[month]])
    return key, hours, more_keys, more


def _per_month(run, s, e, runs: int, edges: np.ndarray, month_of_day=None, first=None,
               key=None, hours=None) -> np.ndarray:
    """Downtime [h] per run and month, shape (runs, months), outages split at month
    edges (``_month_parts``)."""
    key, hours, more_keys, more = _month_parts(run, s, e, edges, month_of_day, first, key, hours)
    cells = runs * (edges.size - 1)
    if more.size:
        key, hours = np.concatenate([key, more_keys]), np.concatenate([hours, more])
    return np.bincount(key, weights=hours, minlength=cells).reshape(runs, edges.size - 1)


def _month_sums(run, s, e, edges: np.ndarray, month_of_day=None, first=None, key=None,
                hours=None) -> tuple[np.ndarray, np.ndarray]:
    """``_per_month`` for a design that seldom fails: only the run-months with downtime,
    as (keys, hours), each key once and each sum added in the order ``_per_month``'s
    ``np.bincount`` adds it (a table of every run and month, nearly all zeros, is neither
    made nor copied)."""
    key, hours, more_keys, more = _month_parts(run, s, e, edges, month_of_day, first, key, hours)
    keys, sums = _sums_of_sorted(key, hours)
    if not more.size:
        return keys, sums
    at = np.minimum(np.searchsorted(keys, more_keys), keys.size - 1)  # parts come of outages: keys has some
    old = keys[at] == more_keys
    np.add.at(sums, at[old], more[old])  # one by one, in order
    order = np.argsort(more_keys[~old], kind="stable")
    new_keys, new_sums = _sums_of_sorted(more_keys[~old][order], more[~old][order])
    return np.concatenate([keys, new_keys]), np.concatenate([sums, new_sums])


def _sums_of_sorted(key: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of sorted ``key`` and the sum of each one's values, added in order."""
    if not key.size:
        return key, values
    new = _run_starts(key)
    return key[new], np.bincount(np.cumsum(new) - 1, weights=values)


def _run_starts(key: np.ndarray) -> np.ndarray:
    """Where each run of equal values of sorted, non-empty ``key`` starts (flags)."""
    new = np.empty(key.size, bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    return new


def _begun_per_run(run: np.ndarray, s: np.ndarray, runs: int) -> np.ndarray:
    """Outages of each run begun inside the window (``run`` sorted, starts in order
    within a run): all of a run's outages but one already under way at time 0, which
    can only be its first. Counted by searching the sorted runs, not by a pass per outage."""
    at = np.searchsorted(run, np.arange(runs + 1))
    counts = np.diff(at)
    first = at[:-1][counts > 0]
    counts[run[first][s[first] <= 0.0]] -= 1
    return counts


def _longest_per_year(key: np.ndarray, hours: np.ndarray, runs: int, years: int) -> np.ndarray:
    """The longest outage of each run and calendar year (the year it began in), shape
    (runs, years): ``key`` (run x months + start month, months = 12 x years) comes in
    order, so each run-year is one stretch of keys: where there are more outages than
    run-years, found by searching for each run-year's January (a fixed cost), else
    where the run-year (``key // 12``) changes (a cost per outage)."""
    longest = np.zeros(runs * years)
    if key.size > runs * years:
        at = np.searchsorted(key, np.arange(0, runs * years * 12 + 1, 12))
        some = np.flatnonzero(np.diff(at))
        longest[some] = np.maximum.reduceat(hours, at[some])
    elif key.size:
        year = key // 12
        first = np.flatnonzero(_run_starts(year))
        longest[year[first]] = np.maximum.reduceat(hours, first)
    return longest.reshape(runs, years)


#: glibc malloc settings for a process that simulates: arrays up to 32 MiB come from
#: the heap, and up to 64 MiB of freed heap is kept, not handed back to the system.
#: By default every block's arrays (a few hundred KiB each) are fresh mappings whose
#: pages fault in again on first touch: 2-2.5x the time of the arithmetic on them.
_MALLOC_SETTINGS = ((-3, 32 << 20), (-1, 64 << 20))  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
_malloc_tuned = False


def _tune_malloc() -> None:
    """Apply ``_MALLOC_SETTINGS`` once per process where the C library is glibc."""
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        for option, value in _MALLOC_SETTINGS:
            libc.mallopt(option, value)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): defaults stay
        pass


def _simulate_blocks(plan, seed: int, blocks, total_runs: int, start_year: int, years: int,
                     repair: str, sigma: float, size: int = BLOCK_RUNS) -> list[dict]:
    """Simulate whole seeded blocks of ``size`` runs (the unit of work sent to workers)."""
    _tune_malloc()
    edges = _month_edges_h(start_year, years)
    month_of_day = _months_of_days(edges)
    out = []
    for b in blocks:
        runs = min(size, total_runs - b * size)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(b,))))
        draw = _Draw(rng, runs, float(edges[-1]), repair, sigma)
        draw.ahead(plan)
        run, s, e = _nonempty(*draw.node(plan))  # sorted by run, then start
        month = _start_months(s, month_of_day)
        key = run * (12 * years) + month  # run-months, in order
        hours = e - s
        out.append({
            "block": b,
            "runs": runs,
            # downtime per run and month: a table where outages number a quarter of the
            # run-months or more, else only the run-months that have any
            "month_h": (_per_month(run, s, e, runs, edges, month_of_day, month, key, hours)
                        if 4 * key.size >= runs * 12 * years else
                        _month_sums(run, s, e, edges, month_of_day, month, key, hours)),
            "outages": _begun_per_run(run, s, runs),
            "longest_h": _longest_per_year(key, hours, runs, years),
            "exponentials": draw.exponentials,
        })
    return out


def _monthly_s(parts: list[dict], runs: int, months: int) -> np.ndarray:
    """The blocks' downtime per run and month [s], shape (runs, months): each block's
    table, or its run-months that have any downtime set in a table of zeros (pages the
    system hands over zeroed), in seconds (each sum in hours times 3600)."""
    out = np.zeros(runs * months)
    at = 0
    for g in parts:
        cells = g["runs"] * months
        if isinstance(g["month_h"], np.ndarray):  # a table
            np.multiply(g["month_h"].reshape(-1), 3600.0, out=out[at:at + cells])
        else:
            keys, hours = g["month_h"]
            out[keys + at] = hours * 3600.0
        at += cells
    return out.reshape(runs, months)


def _joined_s(parts: list[np.ndarray]) -> np.ndarray:
    """The blocks' per-run rows [h] stacked in order, in seconds: one pass that converts
    as it copies (a join and then a product would each go over the whole)."""
    out = np.empty((sum(p.shape[0] for p in parts), *parts[0].shape[1:]))
    at = 0
    for p in parts:
        np.multiply(p, 3600.0, out=out[at:at + p.shape[0]])
        at += p.shape[0]
    return out


# --------------------------------------------------------------------------- results


class RunStatistics:
    """Long-run unavailability over independent runs: the mean and its 99% confidence
    interval (normal approximation over the runs' own unavailabilities). Subclasses
    give ``run_unavailability``, one fraction per run."""

    @property
    def run_unavailability(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def unavailability_mean(self) -> float:
        return float(self.run_unavailability.mean())

    @property
    def unavailability_ci99(self) -> tuple[float, float]:
        """99% confidence interval of the long-run unavailability."""
        u = self.run_unavailability
        if u.size < 2:
            return (float("nan"), float("nan"))
        half = Z99 * float(u.std(ddof=1)) / math.sqrt(u.size)
        m = float(u.mean())
        return (max(0.0, m - half), m + half)

    def ci_contains(self, value: float) -> bool:
        lo, hi = self.unavailability_ci99
        return lo <= value <= hi

    def agreement(self, value: float) -> str:
        """How ``value`` (the model's unavailability) sits against the simulation:
        ``"inside"`` its 99% interval; ``"near"`` outside it but within ``CHANCE_Z``
        standard errors of the mean (a 99% interval misses one time in a hundred by
        chance); ``"outside"`` past that (the model's approximation shows)."""
        lo, hi = self.unavailability_ci99
        if lo <= value <= hi:
            return "inside"
        return "near" if abs(value - self.unavailability_mean) < CHANCE_Z * (hi - lo) / (2 * Z99) else "outside"


@dataclass(frozen=True)
class SimulationResult(RunStatistics):
    """What a simulation gives. Times in seconds unless a name says otherwise."""

    name: str
    runs: int
    years: int
    seed: int
    start_year: int
    sla: float
    repair: str
    monthly_downtime_s: np.ndarray = field(repr=False)  # (runs, 12 * years)
    month_seconds: np.ndarray = field(repr=False)  # (12 * years,)
    outages: np.ndarray = field(repr=False)  # (runs,) outages begun in the window
    longest_outage_per_year_s: np.ndarray = field(repr=False)  # (runs, years), by start
    analytic_unavailability: float | None
    component_years: float
    exponential_draws: int
    wall_s: float

    # -- per run ------------------------------------------------------------

    @property
    def horizon_s(self) -> float:
        return float(self.month_seconds.sum())

    @property
    def run_unavailability(self) -> np.ndarray:
        """Fraction of each run's time the system was down."""
        return self.monthly_downtime_s.sum(axis=1) / self.horizon_s

    @property
    def annual_downtime_s(self) -> np.ndarray:
        """Downtime [s] per run and calendar year, shape (runs, years)."""
        return self.monthly_downtime_s.reshape(self.runs, self.years, 12).sum(axis=2)

    # -- headline figures ----------------------------------------------------

    @property
    def annual_downtime_summary(self) -> dict[str, float]:
        """Mean, median, 90th and 99th percentile of downtime per year [s]."""
        a = self.annual_downtime_s.reshape(-1)
        p50, p90, p99 = np.percentile(a, [50, 90, 99])
        return {"mean": float(a.mean()), "p50": float(p50), "p90": float(p90), "p99": float(p99)}

    @property
    def outages_per_year(self) -> float:
        return float(self.outages.sum() / (self.runs * self.years))

    @property
    def longest_outage_s(self) -> float:
        """The longest outage of all simulated years [s]."""
        return float(self.longest_outage_per_year_s.max(initial=0.0))

    @property
    def longest_outage_summary(self) -> dict[str, float]:
        """The longest outage of a year [s]: median and 1-year-in-10 (90th percentile)."""
        p50, p90 = np.percentile(self.longest_outage_per_year_s.reshape(-1), [50, 90])
        return {"p50": float(p50), "p90": float(p90)}

    @property
    def runs_with_downtime(self) -> int:
        return int((self.monthly_downtime_s.sum(axis=1) > 0).sum())

    @property
    def ci_reliable(self) -> bool:
        """Whether enough runs saw downtime (10 or more) for the normal confidence
        interval to mean something; simulate more runs or years if not."""
        return self.runs_with_downtime >= 10

    @property
    def component_years_per_s(self) -> float:
        return self.component_years / self.wall_s if self.wall_s > 0 else float("inf")

    # -- SLA -------------------------------------------------------------------

    def _allowed_month_s(self, sla: float | None) -> np.ndarray:
        sla = self.sla if sla is None else check_availability(sla, "sla")
        return (1.0 - sla) * self.month_seconds

    def p_meet_sla_month(self, sla: float | None = None) -> float:
        """Probability that a calendar month meets the SLA (its downtime within
        ``(1 - sla) x`` that month's length)."""
        return float((self.monthly_downtime_s <= self._allowed_month_s(sla)).mean())

    def p_meet_sla_by_month(self, sla: float | None = None) -> pd.Series:
        """Probability of meeting the SLA in each calendar month (January to December)."""
        ok = self.monthly_downtime_s <= self._allowed_month_s(sla)
        by = ok.reshape(self.runs, self.years, 12).mean(axis=(0, 1))
        return pd.Series(by, index=list(calendar.month_abbr)[1:], name="p_meet")

    def p_meet_sla_every_month(self, sla: float | None = None) -> float:
        """Probability that all twelve months of a year meet the SLA (no credit claim)."""
        ok = self.monthly_downtime_s <= self._allowed_month_s(sla)
        return float(ok.reshape(self.runs, self.years, 12).all(axis=2).mean())

    def p_meet_sla_year(self, sla: float | None = None) -> float:
        """Probability that a year's availability meets the SLA taken over the year."""
        sla = self.sla if sla is None else check_availability(sla, "sla")
        year_s = self.month_seconds.reshape(self.years, 12).sum(axis=1)
        return float((self.annual_downtime_s <= (1.0 - sla) * year_s).mean())

    # -- export ------------------------------------------------------------------

    def to_dict(self) -> dict:
        lo, hi = self.unavailability_ci99
        return {
            "name": self.name,
            "runs": self.runs,
            "years": self.years,
            "seed": self.seed,
            "start_year": self.start_year,
            "repair": self.repair,
            "sla": self.sla,
            "unavailability_mean": self.unavailability_mean,
            "unavailability_ci99": [lo, hi],
            "analytic_unavailability": self.analytic_unavailability,
            "ci_reliable": self.ci_reliable,
            "analytic_in_ci99": (None if self.analytic_unavailability is None or not self.ci_reliable
                                 else self.ci_contains(self.analytic_unavailability)),
            "annual_downtime_s": self.annual_downtime_summary,
            "outages_per_year": self.outages_per_year,
            "longest_outage_s": self.longest_outage_s,
            "longest_outage_in_a_year_s": self.longest_outage_summary,
            "p_meet_sla_month": self.p_meet_sla_month(),
            "p_meet_sla_every_month_of_year": self.p_meet_sla_every_month(),
            "p_meet_sla_year": self.p_meet_sla_year(),
            "component_years": self.component_years,
            "component_years_per_s": self.component_years_per_s,
            "wall_s": self.wall_s,
        }

    def p_meet_curve(self, slas) -> pd.DataFrame:
        """Probability of meeting each SLA [fraction]: per calendar month, with every
        month of a year, and over a whole year."""
        slas = np.atleast_1d(check_availability(np.asarray(slas, dtype=float), "slas"))
        return pd.DataFrame({
            "sla": slas,
            "p_month": [self.p_meet_sla_month(float(x)) for x in slas],
            "p_every_month": [self.p_meet_sla_every_month(float(x)) for x in slas],
            "p_year": [self.p_meet_sla_year(float(x)) for x in slas],
        })

    def bad_year_sentence(self, downtime_cost_per_hour: float | None = None, currency: str = "USD") -> str:
        """The spread in words for a manager: the typical year, the 1-in-10 and the
        1-in-100 year (with their cost at ``downtime_cost_per_hour``, in ``currency``),
        and how often a month meets the SLA."""
        from .formatting import format_duration, format_money, format_percent

        a = self.annual_downtime_summary
        if downtime_cost_per_hour is not None:
            check_number("downtime_cost_per_hour", downtime_cost_per_hour, 0, 1e12)

        def cost(seconds):
            if downtime_cost_per_hour is None:
                return ""
            return f" ({format_money(seconds / 3600 * downtime_cost_per_hour, currency)})"

        return (f"Over {self.runs * self.years:,} simulated years, the median year has "
                f"{format_duration(a['p50'])} of downtime{cost(a['p50'])}, 1 year in 10 more than "
                f"{format_duration(a['p90'])}{cost(a['p90'])} and 1 year in 100 more than "
                f"{format_duration(a['p99'])}{cost(a['p99'])}; the average is "
                f"{format_duration(a['mean'])}{cost(a['mean'])}. "
                f"{format_percent(self.p_meet_sla_month())} of months meet {format_percent(self.sla)}, "
                f"and {format_percent(self.p_meet_sla_every_month())} of years meet it every month.")

    def reconcile_sentence(self) -> str:
        """The model's downtime a year set against the simulated one, in words: they
        agree when the model's figure lies inside the simulation's 99% interval; where
        it does not, both are given and the difference said ("" without a model figure)."""
        from .formatting import format_duration

        if self.analytic_unavailability is None:
            return ""
        year_s = self.horizon_s / self.years
        model = self.analytic_unavailability * year_s
        if not self.ci_reliable:
            return (f"The model gives {format_duration(model)} of downtime a year; the simulation saw too "
                    "few outages to check it (simulate more runs or years).")
        lo, hi = (x * year_s for x in self.unavailability_ci99)
        mean = self.unavailability_mean * year_s
        if lo <= model <= hi:
            return (f"The model's {format_duration(model)} of downtime a year lies inside the simulation's "
                    f"99% interval ({format_duration(lo)} to {format_duration(hi)}): the two agree.")
        side = "more" if model > hi else "less"
        said = (f"The model gives {format_duration(model)} of downtime a year, {side} than the simulation's "
                f"{format_duration(mean)} (99% interval {format_duration(lo)} to {format_duration(hi)})")
        if self.agreement(self.analytic_unavailability) == "near":
            return (said + ": just outside, as one simulation in a hundred lands by chance; simulate more "
                    "runs or years to tell chance from the model's approximations.")
        return (said + ": the model's formula is an approximation for this design, and the simulation, "
                "which follows each outage, is the closer figure.")

    def summary_table(self, speed: bool = True) -> pd.DataFrame:
        """The headline figures as (figure, value) rows; ``speed=False`` leaves out the
        machine-dependent speed."""
        from .formatting import format_duration, format_percent

        d = self.to_dict()
        lo, hi = d["unavailability_ci99"]
        a = self.annual_downtime_summary
        rows = [
            ("simulated", f"{self.runs:,} runs x {self.years} years "
             f"({self.start_year}-{self.start_year + self.years - 1}), seed {self.seed}"),
            ("availability (simulated)", format_percent(1 - d["unavailability_mean"])),
            ("unavailability, 99% CI", f"{lo:.3g} to {hi:.3g}"),
        ]
        if self.analytic_unavailability is not None:
            verdict = ("too few simulated outages to check it: simulate more runs or years"
                       if not self.ci_reliable else
                       f"{'inside' if d['analytic_in_ci99'] else 'OUTSIDE'} the 99% CI")
            rows.append(("unavailability (analytic)",
                         f"{self.analytic_unavailability:.3g} ({verdict})"))
        rows += [
            ("downtime per year: mean", format_duration(a["mean"])),
            ("downtime per year: median", format_duration(a["p50"])),
            ("downtime per year: 1 year in 10 worse than", format_duration(a["p90"])),
            ("downtime per year: 1 year in 100 worse than", format_duration(a["p99"])),
            ("outages per year", f"{d['outages_per_year']:.3g}"),
            ("longest outage in a year: median", format_duration(self.longest_outage_summary["p50"])),
            ("longest outage in a year: 1 year in 10 worse than",
             format_duration(self.longest_outage_summary["p90"])),
            ("longest outage of all years", format_duration(d["longest_outage_s"])),
            (f"months meeting the {format_percent(self.sla)} SLA", format_percent(d["p_meet_sla_month"])),
            ("years with every month meeting it", format_percent(d["p_meet_sla_every_month_of_year"])),
        ]
        if speed:
            rows.append(("speed", f"{d['component_years_per_s']:,.0f} component-years/s"))
        return pd.DataFrame(rows, columns=["figure", "value"])


def compare_with_analytic(architectures, **kwargs) -> pd.DataFrame:
    """Simulated unavailability (mean and 99% CI) against the analytic value, one row
    per architecture (a mapping of label to ``Architecture``), with ``inside`` the
    interval and the ``agreement`` (``RunStatistics.agreement``); ``kwargs`` go to
    ``simulate``."""
    rows = []
    for label, arch in dict(architectures).items():
        r = simulate(arch, **kwargs)
        lo, hi = r.unavailability_ci99
        rows.append({"architecture": label, "analytic": r.analytic_unavailability,
                     "simulated": r.unavailability_mean, "ci99_low": lo, "ci99_high": hi,
                     "inside": (None if r.analytic_unavailability is None
                                else r.ci_contains(r.analytic_unavailability)),
                     "agreement": (None if r.analytic_unavailability is None
                                   else r.agreement(r.analytic_unavailability)),
                     "outages_per_year": r.outages_per_year})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- driver


def _quiet_broken_pool_hook(args) -> None:
    """Python 3.11's pool manager thread, finding workers gone, sets an exception on
    futures already cancelled and dies with ``InvalidStateError`` (fixed in later
    releases); after ``stop_pool`` that is expected, so it is not printed."""
    from concurrent.futures import InvalidStateError
    from concurrent.futures.process import _ExecutorManagerThread

    if isinstance(args.thread, _ExecutorManagerThread) and args.exc_type is InvalidStateError:
        return
    _previous_thread_hook(args)


_previous_thread_hook = threading.excepthook


def stop_pool(pool: ProcessPoolExecutor, grace_s: float = 10.0) -> None:
    """Stop a process pool now: cancel what has not started, SIGTERM the workers
    (which may clean up, e.g. shut their kernels down), SIGKILL any still alive
    after ``grace_s``; no worker outlives the call."""
    threading.excepthook = _quiet_broken_pool_hook
    procs = list((getattr(pool, "_processes", None) or {}).values())
    # (shutdown forgets the result queue: take its write end first; see below)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
    # A worker stopped while sending a large result leaves half a message in the
    # result pipe, and the pool's manager thread waits for the rest forever (and the
    # interpreter with it, at exit). With the workers gone, closing this process's
    # own write end gives that read an end of file: the thread sees a broken pool
    # and ends.
    if writer is not None:
        try:
            writer.close()
        except OSError:
            pass
    # The manager thread, once it ends, has closed its wake-up pipe; Python 3.11 still
    # wakes every manager thread it knows at exit, and a closed pipe prints "Exception
    # ignored ... Bad file descriptor" with a traceback after our message. Forget it.
    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is not None:
        thread.join(max(0.0, deadline - time.monotonic()) + 1.0)
        if not thread.is_alive():
            from concurrent.futures import process as futures_process
            getattr(futures_process, "_threads_wakeups", {}).pop(thread, None)


def _ignore_interrupts(parent_pid: int | None = None) -> None:
    """Worker processes leave Ctrl-C to the caller, which cancels and shuts them down;
    SIGTERM (the caller stopping them, or the caller's death) ends them at once,
    whatever handler the caller had installed before they were forked."""
    import signal

    from .workers import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)


class _InProcess(Executor):
    """Runs each submitted chunk at once, in this process (``workers=1``)."""

    def submit(self, fn, /, *args, **kwargs):
        f = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            f.set_exception(exc)
        return f


def simulate(arch: Architecture, *, years: int = 10, runs: int = 1000, seed: int = 0,
             sla: float = 0.9995, repair: str = "exponential", repair_sigma: float = 1.0,
             default_mttr_h: float = DEFAULT_MTTR_H, start_year: int = 2027,
             workers: int | None = None, executor: Executor | None = None,
             chunk_blocks: int | None = None, progress: bool | Callable = True) -> SimulationResult:
    """Simulate ``runs`` independent histories of ``years`` calendar years each.

    Parameters
    ----------
    arch : Architecture
        The design (see ``load_architecture``).
    years, runs, seed : int
        Length of each history, number of histories, and the seed.
    sla : float
        Availability [fraction] promised per calendar month (``p_meet_sla_*``).
    repair : {"exponential", "lognormal"}
        Repair time distribution, mean MTTR either way; ``repair_sigma`` is the
        lognormal shape (the standard deviation of the log).
    default_mttr_h : float
        Repair time [h] of a component known only by its availability.
    workers : int, optional
        Local processes; 1 runs in this process. By default, the CPU count when the
        work is worth starting them (the first block, run here, says how long the rest
        would take: over ``POOL_START_S`` saved), else this process. Results do not
        depend on it.
    executor : concurrent.futures.Executor, optional
        Where chunks run instead (for example ``dask.distributed.Client(...).get_executor()``).
    chunk_blocks : int, optional
        Blocks of ``block_runs`` runs per chunk (default: about four chunks per
        worker). Results do not depend on it.
    progress : bool or callable
        A ``tqdm.auto`` progress bar (a widget in notebooks), or a callable given
        (runs done, runs in all) after each chunk.

    Ctrl-C (``KeyboardInterrupt``) cancels the chunks not started, stops the
    workers this call started and is raised again; nothing half-done is returned.
    """
    years = check_int("years", years, 1, 1000)
    runs = check_int("runs", runs, 2, 10_000_000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    start_year = check_int("start_year", start_year, 1, 9000)
    sla = check_availability(sla, "sla")
    if not isinstance(sla, float):
        raise invalid("sla", sla, "is not one availability")
    if repair not in REPAIR_DISTRIBUTIONS:
        raise invalid("repair", repair, f"is not one of {', '.join(REPAIR_DISTRIBUTIONS)}")
    repair_sigma = check_number("repair_sigma", repair_sigma, 0, 5, low_open=True)
    if workers is not None:
        workers = check_int("workers", workers, 1, 1024)
    if chunk_blocks is not None:
        chunk_blocks = check_int("chunk_blocks", chunk_blocks, 1, 10**6)
    if years * runs > 10_000_000:
        raise invalid("runs", runs, f"x years ({years}) is over 10,000,000 run-years (about 1 GB "
                   "of monthly downtimes); use fewer runs or years")

    plan = compile_architecture(arch, default_mttr_h)
    check_budget(plan, years=years, runs=runs)
    t0 = time.perf_counter()
    size = block_runs(plan, years)
    n_blocks = -(-runs // size)
    own = None
    if executor is not None and not isinstance(executor, Executor):
        raise invalid("executor", executor, "is not a concurrent.futures.Executor")
    n_workers = workers or os.cpu_count() or 1
    if executor is None and (n_workers == 1 or n_blocks == 1):
        executor, n_workers = _InProcess(), 1

    bar = None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=runs, desc=f"simulating {arch.name}", unit="run", leave=False)
    report = progress if callable(progress) else None

    parts: list[dict] = []
    futures: list[Future] = []
    done_runs = 0
    first = 0  # blocks done before the chunks are sent

    def taken(got: list[dict]) -> None:  # blocks done: kept, and the progress said
        nonlocal done_runs
        parts.extend(got)
        n = sum(g["runs"] for g in got)
        done_runs += n
        if bar is not None:
            bar.update(n)
        if report is not None:
            report(done_runs, runs)

    try:
        if executor is None and workers is None:  # the default: processes only where they pay for their start
            took = time.perf_counter()
            got = _simulate_blocks(plan, seed, [0], runs, start_year, years, repair, repair_sigma, size)
            took = time.perf_counter() - took
            first = 1
            taken(got)
            if took * (n_blocks - 1) * (1.0 - 1.0 / n_workers) < POOL_START_S:
                executor, n_workers = _InProcess(), 1
        if executor is None:
            own = executor = ProcessPoolExecutor(max_workers=min(n_workers, n_blocks - first),
                                                 initializer=_ignore_interrupts, initargs=(os.getpid(),))
        if chunk_blocks is None:
            chunk_blocks = max(1, min(40, -(-(n_blocks - first) // (4 * n_workers))))
        chunks = [list(range(i, min(n_blocks, i + chunk_blocks)))
                  for i in range(first, n_blocks, chunk_blocks)]
        for chunk in chunks:
            futures.append(executor.submit(_simulate_blocks, plan, seed, chunk, runs,
                                           start_year, years, repair, repair_sigma, size))
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                taken(f.result())
    except BaseException:
        for f in futures:
            f.cancel()
        if own is not None:
            stop_pool(own)
            own = None
        raise
    finally:
        if bar is not None:
            bar.close()
        if own is not None:
            own.shutdown(wait=True)
    parts.sort(key=lambda g: g["block"])
    wall = time.perf_counter() - t0

    edges = _month_edges_h(start_year, years)
    replicas = sum(c.count for c in arch.components)
    return SimulationResult(
        name=arch.name, runs=runs, years=years, seed=seed, start_year=start_year, sla=sla,
        repair=repair,
        monthly_downtime_s=_monthly_s(parts, runs, edges.size - 1),
        month_seconds=np.diff(edges) * 3600.0,
        outages=np.concatenate([g["outages"] for g in parts]),
        longest_outage_per_year_s=_joined_s([g["longest_h"] for g in parts]),
        analytic_unavailability=float(arch.availability().unavailability),
        component_years=float(replicas * runs * years),
        exponential_draws=int(sum(g["exponentials"] for g in parts)),
        wall_s=wall,
    )
