"""Speed at any size: a design file or mapping to its answer (load + evaluate) on
random trees of 500 to 1000 leaves, series and parallel alternating over 8 levels
(576 and 864 leaves) and a 990-of-1000 quorum, against RePyability
(a peer library, installed by the ``bench`` extra), and importance on 10,000 and
100,000 leaves. The trees are drawn here from a seed, not tuned to the code."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from bench_model import best_of, peer_available

import hadr_lib as hl

SEED = 20261127


def random_tree(leaves: int, seed: int) -> dict:
    """A design mapping with ``leaves`` components: series, parallel and k-of-n
    blocks nested up to four deep, MTBF and MTTR typed as people type them."""
    rng = np.random.default_rng(seed)
    counter = iter(range(leaves))

    def leaf() -> dict:
        i = next(counter)
        return {"component": {"name": f"c{i}", "mtbf_h": float(rng.integers(500, 50_000)),
                              "mttr_h": float(np.round(rng.uniform(0.1, 12), 1))}}

    def block(n: int, depth: int) -> dict:
        if n == 1 or depth == 4:
            return leaf() if n == 1 else {"series": [leaf() for _ in range(n)]}
        parts = int(rng.integers(2, min(n, 6) + 1))
        cuts = np.sort(rng.choice(np.arange(1, n), parts - 1, replace=False))
        sizes = np.diff(np.concatenate([[0], cuts, [n]]))
        kids = [block(int(s), depth + 1) for s in sizes]
        kind = rng.choice(["series", "parallel", "k_of_n"], p=[0.5, 0.3, 0.2])
        if kind == "k_of_n" and len(kids) >= 3:
            return {"k_of_n": {"k": int(rng.integers(2, len(kids) + 1)), "of": kids}}
        return {str(kind if kind != "k_of_n" else "parallel"): kids}

    return {"name": f"random {leaves}", "architecture": block(leaves, 0)}


def alternating_tree(branching: list[int], seed: int) -> dict:
    """Series and parallel alternating level by level (series at the top), each block
    of a level with ``branching[level]`` children: a deep tree with as many gates as
    components (8 levels of 3, 3, 3, 2, 2, 2, 2, 2: 864 components, 863 gates)."""
    rng = np.random.default_rng(seed)
    counter = iter(range(10**9))

    def block(depth: int) -> dict:
        if depth == len(branching):
            return {"component": {"name": f"c{next(counter)}", "mtbf_h": float(rng.integers(500, 50_000)),
                                  "mttr_h": float(np.round(rng.uniform(0.1, 12), 1))}}
        return {"series" if depth % 2 == 0 else "parallel": [block(depth + 1) for _ in range(branching[depth])]}

    return {"name": f"alternating {len(branching)} levels", "architecture": block(0)}


def quorum(n: int = 1000, k: int = 990, seed: int = SEED) -> dict:
    rng = np.random.default_rng(seed)
    return {"name": f"{k}-of-{n}", "architecture": {"k_of_n": {"k": k, "of": [
        {"component": {"name": f"r{i}", "mtbf_h": float(rng.integers(2_000, 20_000)),
                       "mttr_h": float(np.round(rng.uniform(0.5, 4), 1))}} for i in range(n)]}}}


def to_repyability(design: dict):
    """The same structure as a RePyability RepairableRBD (exponential lives and repairs)."""
    import surpyval as surv
    from repyability import PerfectReliability, RepairableRBD

    edges, comps, ks = [], {}, {}
    joins = iter(range(10**9))

    def join(k: int | None = None) -> str:
        name = f"j{next(joins)}"
        comps[name] = PerfectReliability
        if k:
            ks[name] = k
        return name

    def build(node: dict, start: str, end: str) -> None:
        (kind, body), = node.items()
        if kind == "component":
            comps[body["name"]] = {
                "reliability": surv.Exponential.from_params([1 / body["mtbf_h"]]),
                "repairability": surv.Exponential.from_params([1 / body["mttr_h"]])}
            edges.extend([(start, body["name"]), (body["name"], end)])
        elif kind == "series":
            points = [start] + [join() for _ in body[:-1]] + [end]
            for child, a, b in zip(body, points, points[1:]):
                build(child, a, b)
        else:
            kids, k = (body, 1) if kind == "parallel" else (body["of"], body["k"])
            collector = join(k if k > 1 else None)
            for child in kids:
                build(child, start, collector)
            edges.append((collector, end))

    build(design["architecture"], "s", "t")
    return RepairableRBD(edges, comps, k=ks)


def ours(design: dict):
    return hl.load_architecture(design).evaluate()


def run() -> None:
    peer = peer_available()
    cases = [(f"random tree, {n} leaves (seed {SEED + i})", random_tree(n, SEED + i))
             for i, n in enumerate((500, 750, 1000))]
    cases += [(f"series and parallel alternating over 8 levels, {int(np.prod(b))} leaves (seed {SEED + 3 + i})",
               alternating_tree(b, SEED + 3 + i))
              for i, b in enumerate(([3, 3, 2, 2, 2, 2, 2, 2], [3, 3, 3, 2, 2, 2, 2, 2]))]
    cases.append(("990-of-1000 quorum", quorum()))
    folder = Path(tempfile.mkdtemp(prefix="hadr-bench-"))
    for label, design in cases:
        # best of 20 for ours (10-80 ms each) and of 5 for RePyability's (0.1-2 s each):
        # each side's best seen when this machine's load, which moves timings by a fifth
        # and more from second to second, let it run
        t_ours, e = best_of(lambda d=design: ours(d), 20)
        path = folder / "design.yaml"
        path.write_text(yaml.safe_dump(design, sort_keys=False))
        t_file, _ = best_of(lambda p=path: ours(p), 20)
        as_json = folder / "design.json"
        as_json.write_text(json.dumps(design))
        t_json, _ = best_of(lambda p=as_json: ours(p), 20)
        line = (f"{label}: load + evaluate {t_ours * 1e3:.1f} ms from a mapping, "
                f"{t_json * 1e3:.1f} ms from a JSON file, {t_file * 1e3:.1f} ms from a YAML file "
                f"(PyYAML's parser), U = {e.unavailability:.4e}")
        if peer:
            def theirs(d=design):
                return to_repyability(d).mean_unavailability()
            t_peer, u_peer = best_of(theirs, 5)
            line += (f"; RePyability build + mean_unavailability {t_peer * 1e3:.1f} ms "
                     f"(U = {float(u_peer):.4e}, relative difference "
                     f"{abs(float(u_peer) / e.unavailability - 1):.1e}): {t_peer / t_ours:.1f}x "
                     f"(mapping), {t_peer / t_json:.1f}x (JSON), {t_peer / t_file:.1f}x (YAML)")
        print(line)
    for n in (10_000, 100_000):
        design = random_tree(n, SEED)
        t0 = time.perf_counter()
        arch = hl.load_architecture(design)
        t_load = time.perf_counter() - t0
        t_eval, _ = best_of(arch.evaluate, 1)
        t_imp, imp = best_of(arch.importance, 1)
        print(f"{n:,}-leaf random tree: load {t_load:.2f} s, evaluate {t_eval:.2f} s, importance "
              f"{t_imp:.2f} s (all three {t_load + t_eval + t_imp:.2f} s; top: {imp['name'][0]})")


if __name__ == "__main__":
    run()
