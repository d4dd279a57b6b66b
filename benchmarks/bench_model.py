"""Architecture-model benchmarks: big trees and quorums against a flat numpy
product and against RePyability (a peer reliability library, installed by the
``bench`` extra only), with precision checked against mpmath."""

from __future__ import annotations

import statistics
import time

import mpmath
import numpy as np

import hadr_lib as hl
from hadr_lib.model import Architecture, Component, Parallel, Series
from hadr_lib.panels import ArchitecturePanel

mpmath.mp.dps = 50
BLOCKS, BRANCH = 100, 50  # series of 100 blocks, each 2 branches of 50 leaves: 10,000 leaves


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _tree_figures(seed=20261125):
    rng = np.random.default_rng(seed)
    mtbf = np.round(rng.uniform(1_000, 20_000, (BLOCKS, 2, BRANCH)))
    mttr = np.round(rng.uniform(0.5, 8, (BLOCKS, 2, BRANCH)), 1)
    return mtbf, mttr


def _our_tree(mtbf, mttr):
    blocks = []
    for b in range(BLOCKS):
        branches = []
        for r in range(2):
            leaves = tuple(Component(f"c{b}_{r}_{j}", mtbf_h=float(mtbf[b, r, j]),
                                     mttr_h=float(mttr[b, r, j])) for j in range(BRANCH))
            branches.append(Series(leaves))
        blocks.append(Parallel(tuple(branches)))
    return Architecture(Series(tuple(blocks)), "10,000-leaf tree")


def _mp_tree(mtbf, mttr):
    u_sys_up = mpmath.mpf(1)
    for b in range(BLOCKS):
        u_block = mpmath.mpf(1)
        for r in range(2):
            up = mpmath.mpf(1)
            for j in range(BRANCH):
                m, t = mpmath.mpf(repr(float(mtbf[b, r, j]))), mpmath.mpf(repr(float(mttr[b, r, j])))
                up *= m / (m + t)
            u_block *= 1 - up
        u_sys_up *= 1 - u_block
    return 1 - u_sys_up


def _repyability_tree(mtbf, mttr):
    import surpyval as surv
    from repyability import PerfectReliability, RepairableRBD

    edges, comps = [], {}
    for b in range(BLOCKS):
        start, end = ("s" if b == 0 else f"j{b}"), ("t" if b == BLOCKS - 1 else f"j{b + 1}")
        if end != "t":
            comps[end] = PerfectReliability
        for r in range(2):
            prev = start
            for j in range(BRANCH):
                name = f"c{b}_{r}_{j}"
                edges.append((prev, name))
                comps[name] = {"reliability": surv.Exponential.from_params([1 / mtbf[b, r, j]]),
                               "repairability": surv.Exponential.from_params([1 / mttr[b, r, j]])}
                prev = name
            edges.append((prev, end))
    return RepairableRBD(edges, comps)


def _rel(x, ref) -> str:
    return f"{abs(float(x) / float(ref) - 1):.1e}"


def bench_tree(peer: bool) -> None:
    mtbf, mttr = _tree_figures()
    arch = _our_tree(mtbf, mttr)
    ref = _mp_tree(mtbf, mttr)
    t_ours, a = best_of(arch.availability)
    q = mttr / (mtbf + mttr)
    t_flat, _ = best_of(lambda: (np.prod(1 - q), -np.expm1(np.sum(np.log1p(-q)))), 20)
    print(f"10,000-leaf tree (series of 100 x parallel of 2 x series of 50): "
          f"{t_ours * 1e3:.2f} ms; flat numpy product over 10,000 leaves {t_flat * 1e3:.3f} ms "
          f"(ratio {t_ours / t_flat:.0f}); unavailability {a.unavailability:.6e}, "
          f"relative error vs mpmath {_rel(a.unavailability, ref)}")
    if peer:
        t0 = time.perf_counter()
        rbd = _repyability_tree(mtbf, mttr)
        build = time.perf_counter() - t0
        t_peer, u_peer = best_of(rbd.mean_unavailability, 3)
        print(f"  RePyability mean_unavailability: {t_peer * 1e3:.1f} ms (+{build:.1f} s to build), "
              f"relative error {_rel(u_peer, ref)}; hadr-workbook is {t_peer / t_ours:.0f}x faster")


def bench_quorum(peer: bool) -> None:
    n, k = 10_000, 5_000
    units = [0.5] * n
    # P(more than 5,000 of 10,000 fair units down) = (1 - C(n, n/2) / 2^n) / 2
    ref = (1 - mpmath.binomial(n, n // 2) / mpmath.mpf(2) ** n) / 2
    t_ours, a = best_of(lambda: hl.k_of_n(k, units), 3)
    t_flat, _ = best_of(lambda: np.prod(np.asarray(units)), 20)
    print(f"5,000-of-10,000 quorum: {t_ours * 1e3:.0f} ms; flat numpy product {t_flat * 1e6:.0f} us "
          f"(ratio {t_ours / t_flat:.0f}); unavailability relative error vs mpmath "
          f"{_rel(a.unavailability, ref)}")
    if peer:
        import surpyval as surv
        from repyability import PerfectReliability, RepairableRBD

        edges, comps = [], {}
        for i in range(n):
            edges += [("s", f"c{i}"), (f"c{i}", "v")]
            comps[f"c{i}"] = {"reliability": surv.Exponential.from_params([1.0]),
                              "repairability": surv.Exponential.from_params([1.0])}
        edges.append(("v", "t"))
        comps["v"] = PerfectReliability
        rbd = RepairableRBD(edges, comps, k={"v": k})
        t_peer, u_peer = best_of(rbd.mean_unavailability, 1)
        print(f"  RePyability mean_unavailability: {t_peer:.1f} s, relative error "
              f"{_rel(u_peer, ref)}; hadr-workbook is {t_peer / t_ours:.0f}x faster")


def bench_panels() -> None:
    for name in hl.reference_architectures():
        panel = ArchitecturePanel(name)
        control = next(w for (comp, field), w in panel.controls.items() if field != "count")
        values = [control.value * 0.9, control.value]
        times = []
        for i in range(12):
            t0 = time.perf_counter()
            control.value = values[i % 2]  # observe -> update, figures updated in place
            times.append(time.perf_counter() - t0)
        print(f"architecture panel, one control moved, {name} ({len(panel.base.components)} "
              f"components): p50 {statistics.median(times) * 1e3:.0f} ms, "
              f"max {max(times) * 1e3:.0f} ms (Python side)")


def peer_available() -> bool:
    """Whether RePyability (the bench extra) is installed; says so when it is not."""
    try:
        import repyability  # noqa: F401
    except ImportError:
        print("RePyability not installed (`make bench` installs the bench extra): peer skipped")
        return False
    return True


def run() -> None:
    peer = peer_available()
    bench_tree(peer)
    bench_quorum(peer)
    bench_panels()
