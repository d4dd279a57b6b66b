"""Deciding between designs: side by side, what changed, and the cheapest replica
counts that meet a target.

``compare`` evaluates designs with the same assumptions (the block model: independent
failures except inside common-cause groups) and gives each one's availability,
downtime, outages and running cost, with the change against the first design.
``changed_blocks`` lists what differs between two designs, component by component.
``optimize`` searches replica counts: every combination in the given ranges is
evaluated at once (vectorised over combinations), so the cheapest that meets the
target and the cost-versus-nines frontier are exact for the grid, not a heuristic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .availability import DAYS_PER_YEAR, check_availability, finite_or_none, json_record, period_info
from .checks import InvalidInputError, invalid
from .design.blocks.component import Component
from .design.blocks.k_of_n import KofN, named_quorums
from .design.blocks.standby import in_a_primary
from .design.kinds import kind_of, leaves, map_leaves, map_tree, preorder
from .model import Architecture

__all__ = ["MAX_COMBINATIONS", "OptimizeResult", "best_sentence", "changed_blocks", "compare",
           "compare_records", "compare_sentence", "format_compare_table", "optimize", "parse_vary"]

#: Most replica-count combinations ``optimize`` evaluates.
MAX_COMBINATIONS = 1_000_000

_FIELDS = ("availability", "mtbf_h", "mttr_h", "count", "cost_per_year")


def compare(designs: Sequence[Architecture], *, year_days: float = DAYS_PER_YEAR) -> pd.DataFrame:
    """One row per design: availability, unavailability, nines, downtime per year
    [s], outages per year, cost per year (None unless every component has one), and
    the change of each against the first design (``*_delta``)."""
    if len(designs) < 1 or not all(isinstance(d, Architecture) for d in designs):
        raise InvalidInputError("designs: give one or more architectures")
    rows = []
    for d in designs:
        e = d.evaluate(year_days=year_days)
        rows.append({"name": d.name, "availability": float(e.availability),
                     "unavailability": e.unavailability, "nines": e.nines,
                     "downtime_per_year_s": e.downtime_per_year_s,
                     "outages_per_year": e.outages_per_year, "cost_per_year": d.cost_per_year})
    df = pd.DataFrame(rows)
    base = df.iloc[0]
    for col in ("unavailability", "downtime_per_year_s", "outages_per_year", "cost_per_year"):
        df[f"{col}_delta"] = [None if r[col] is None or base[col] is None or
                              (isinstance(r[col], float) and math.isnan(r[col]))
                              else r[col] - base[col] for _, r in df.iterrows()]
    return df


def format_compare_table(table: pd.DataFrame, currency: str | None = None,
                         currencies: Sequence[str | None] | None = None) -> pd.DataFrame:
    """``compare``'s table in people's units: percentages, nines, downtime in words and
    its change against the first design, outages and cost ("unknown" where a figure is
    missing). With ``currency`` (the scenario's) costs are money: each design's in its
    own ``currencies[i]`` where it names one."""
    from .formatting import format_duration, format_money, format_percent

    own = list(currencies) if currencies is not None else [None] * len(table)

    def cost(c, i) -> str:
        if unknown(c):
            return "unknown"
        money = own[i] or currency
        return format_money(c, money) if money else f"{c:,.0f}"

    def unknown(x) -> bool:
        return x is None or (isinstance(x, float) and math.isnan(x))

    return pd.DataFrame({
        "design": list(table["name"]),
        "availability": [format_percent(a) for a in table["availability"]],
        "nines": [f"{n:.2f}" for n in table["nines"]],
        "downtime/year": [format_duration(x) for x in table["downtime_per_year_s"]],
        "change": ["" if i == 0 else f"{'+' if d >= 0 else '-'}{format_duration(abs(d))}"
                   for i, d in enumerate(table["downtime_per_year_s_delta"])],
        "outages/year": ["unknown" if unknown(o) else f"{o:.3g}" for o in table["outages_per_year"]],
        "cost/year": [cost(c, i) for i, c in enumerate(table["cost_per_year"])],
    }, index=range(1, len(table) + 1))


def best_sentence(result: OptimizeResult, year_days: float = DAYS_PER_YEAR) -> str:
    """The optimiser's answer in one sentence: the cheapest counts meeting the target,
    or by how much the best combination misses it."""
    from .formatting import format_duration, format_percent

    varied = result.varied
    year_s = period_info("year", year_days=year_days).seconds
    if result.best is None:
        u_best = float(result.table["unavailability"].min())
        budget = (1 - result.target) * year_s
        return (f"None meets {format_percent(result.target)}: the best combination has "
                f"{format_duration(u_best * year_s)} of downtime a year, "
                f"{format_duration(u_best * year_s - budget)} over the budget of "
                f"{format_duration(budget)}.")
    counts = ", ".join(f"{n} x{result.best[n]}" for n in varied)
    return (f"Cheapest meeting {format_percent(result.target)}: {counts}, "
            f"{result.best['cost_per_year']:,.0f} a year, "
            f"{format_duration(result.best['unavailability'] * year_s)} of downtime a year.")


def _paths(arch: Architecture) -> dict[str, tuple[str, str]]:
    """Each component's place in the tree: the file keys of the blocks above it
    (``series/parallel/...``), and the innermost of them (a zone or region placement
    aside) as the block diagram captions it ("active-active: any 1 of 2")."""
    out: dict[str, tuple[str, str]] = {}
    stack: list[tuple[object, str, str]] = [(arch.root, "", "")]
    while stack:
        node, where, caption = stack.pop()
        kind = kind_of(node)
        if kind.leaf:
            out[node.name] = (where or "top", caption or "the top of the design")  # type: ignore[attr-defined]
            continue
        here = f"{where}/{kind.key}".lstrip("/")
        inner = caption if kind.key == "placed" else kind.label(node)
        stack.extend((kid, here, inner) for kid in kind.children(node))
    return out


def _field_words(field: str, value) -> tuple[str, str]:
    """A component field and its value as a manager reads them ("MTBF", "83.3 days")."""
    from .formatting import format_duration, format_percent

    if value is None:
        return _FIELD_WORDS[field], "none"
    if field == "availability":
        return "availability", format_percent(value)
    if field in ("mtbf_h", "mttr_h"):
        return _FIELD_WORDS[field], format_duration(float(value) * 3600)
    if field == "cost_per_year":
        return _FIELD_WORDS[field], f"{float(value):,.2f}".removesuffix(".00")
    return _FIELD_WORDS[field], f"{value:,}"


_FIELD_WORDS = {"availability": "availability", "mtbf_h": "MTBF", "mttr_h": "MTTR", "count": "replicas",
                "cost_per_year": "running cost a year"}


def compare_records(designs: Sequence[Architecture], *, year_days: float = DAYS_PER_YEAR,
                    table: pd.DataFrame | None = None) -> dict:
    """``compare`` as JSON takes it: ``year_days``, ``designs`` (one record per
    design, a NaN or infinite figure as None) and ``changes_from_first`` (each later
    design's ``changed_blocks`` against the first, by name)."""
    table = compare(designs, year_days=year_days) if table is None else table
    return {"year_days": year_days,
            "designs": [json_record(r) for r in table.to_dict(orient="records")],
            "changes_from_first": {d.name: changed_blocks(designs[0], d) for d in designs[1:]}}


def changed_blocks(a: Architecture, b: Architecture, *, labels: bool = False) -> list[str]:
    """What differs from design ``a`` to design ``b``, one sentence per change:
    components added or removed, figures changed (availability, MTBF, MTTR, replicas,
    cost), and components that moved to another kind of block. Parts are named by their
    file names, or with ``labels`` by what sentences call them, the file name added where
    the label does not contain it ("the primary database (pg-primary)"); with ``labels``
    figures and blocks are said as a manager reads them too ("MTBF 83.3 days -> 125
    days", "moved from active-active: any 1 of 2 to quorum: 2 of 3 needed"), not by their
    file keys ("mtbf_h 2000 -> 3000", "moved from series/parallel to series/k_of_n")."""
    ca = {c.name: c for c in a.components}
    cb = {c.name: c for c in b.components}
    pa, pb = _paths(a), _paths(b)

    def said(c) -> str:
        if not labels or c.name.casefold() in c.display.casefold():
            return c.display if labels else c.name
        return f"{c.display} ({c.name})"

    out = [(said(c), "removed") for name, c in ca.items() if name not in cb]
    out += [(said(c), "added") for name, c in cb.items() if name not in ca]
    for name in ca.keys() & cb.keys():
        x, y = ca[name], cb[name]
        for f in _FIELDS:
            vx, vy = getattr(x, f), getattr(y, f)
            if vx != vy:
                if labels:
                    (word, wx), (_, wy) = _field_words(f, vx), _field_words(f, vy)
                    out.append((said(y), f"{word} {wx} -> {wy}"))
                else:
                    out.append((said(y), f"{f} {vx} -> {vy}"))
        if pa[name][0] != pb[name][0]:
            i = 1 if labels else 0
            out.append((said(y), f"moved from {pa[name][i]} to {pb[name][i]}"))
    return sorted(f"{who}: {what}" for who, what in out)


def parse_vary(texts: Sequence[str]) -> dict[str, tuple[int, int]]:
    """``NAME=MIN..MAX`` (replica counts, inclusive) to ``{name: (min, max)}``."""
    out: dict[str, tuple[int, int]] = {}
    for text in texts:
        name, sep, span = str(text).partition("=")
        low, dots, high = span.partition("..")
        try:
            lo, hi = int(low), int(high)
        except ValueError:
            lo = hi = -1
        if not sep or not dots or not name or not 1 <= lo <= hi <= 1000:
            raise InvalidInputError(
                f"--vary: {text!r} is not NAME=MIN..MAX with whole numbers 1 <= MIN <= MAX <= 1000")
        if name in out:
            raise InvalidInputError(f"--vary: {name!r} is given twice")
        out[name] = (lo, hi)
    return out


@dataclass(frozen=True)
class OptimizeResult:
    """The search over replica counts: every combination, the cheapest meeting the
    target (``best``, None when none does) and the cost-versus-nines frontier."""

    target: float
    table: pd.DataFrame
    best: dict | None
    frontier: pd.DataFrame
    #: The components whose replica counts were varied (the table's first columns).
    varied: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The target, how many combinations were tried, the best and the cost-versus-
        nines frontier, for JSON (infinite nines become None)."""
        frontier = [{**{n: int(r[n]) for n in self.varied}, "cost_per_year": float(r["cost_per_year"]),
                     "unavailability": float(r["unavailability"]), "nines": finite_or_none(r["nines"]),
                     "meets_target": bool(r["meets_target"])}
                    for _, r in self.frontier.iterrows()]
        best = None if self.best is None else json_record(self.best)
        return {"target": self.target, "combinations": len(self.table), "best": best, "frontier": frontier}


def _majority(node: KofN) -> bool:
    return node.k == len(node.children) // 2 + 1


def _check_range(name: str, lo: Any, hi: Any, what: str) -> None:
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= 1000):
        raise invalid(f"vary.{name}", (lo, hi), f"is not a range of {what} in [1, 1000]")


def _check_quorum_range(node: KofN, name: str, lo: Any, hi: Any) -> None:
    """A quorum's sizes: whole numbers up to 1000, each able to hold its ``k`` (a
    majority quorum keeps a majority, so any size from 1 works)."""
    _check_range(name, lo, hi, "quorum sizes")
    if not _majority(node) and lo < node.k:
        raise invalid(f"vary.{name}", (lo, hi), f"goes below its k = {node.k} (it needs {node.k} up; "
                      "a majority quorum would follow its size)")
    if len(leaves(node.children[-1])) != 1:
        raise InvalidInputError(f"vary.{name}: its last member is not one component to copy; a quorum "
                                "whose size varies grows with copies of its last member")


def _copy_named(name: str) -> Callable[[Component], Component]:
    """A copy of a member under ``name``, taking its uncertainty draw (one type of part)."""
    def copy(c: Component) -> Component:
        return replace(c, name=name, same_as=c.same_as or c.name)
    return copy


def _resized(arch: Architecture, quorums: Mapping[str, KofN], sizes: Mapping[str, int]) -> Architecture:
    """``arch`` with each named quorum resized: members taken from the end, or copies of
    its last member added (named ``NAME-2``, ``NAME-3``, ..., each ``same_as`` it: one type
    of part); a majority quorum keeps a majority, another keeps its ``k``."""
    taken = {c.name for c in arch.components}
    new: dict[int, KofN] = {}
    for qname, n in sizes.items():
        node = quorums.get(qname)
        if node is None:
            continue
        kids = list(node.children[:n])
        template = node.children[-1]
        base = leaves(template)[0].name
        i = 2
        while len(kids) < n:
            while f"{base}-{i}" in taken:
                i += 1
            copy_name = f"{base}-{i}"
            taken.add(copy_name)
            kids.append(map_leaves(template, _copy_named(copy_name)))
        k = n // 2 + 1 if _majority(node) else node.k
        new[id(node)] = replace(node, k=k, children=tuple(kids))

    def block(original: Any, rebuilt: Any) -> Any:
        return new.get(id(original), rebuilt)

    root = map_tree(arch.root, block=block)
    return Architecture(root, arch.name, arch.description, domains=arch.domains, currency=arch.currency)


def optimize(arch: Architecture, target, vary: Mapping[str, tuple[int, int]], *,
             year_days: float = DAYS_PER_YEAR) -> OptimizeResult:
    """The cheapest replica counts meeting ``target`` [availability fraction], over
    every combination of the ``vary`` ranges (``{component: (min, max)}``), and the
    frontier: the combinations no other beats on both cost and unavailability.

    Every component needs ``cost_per_year``. Combinations are evaluated together
    (one vectorised pass), exact; a varied component inside a standby's primary
    changes the failover share, so there each combination is rebuilt and evaluated.
    """
    t = float(check_availability(target, "target"))
    if not vary:
        raise InvalidInputError("vary: give at least one component or named quorum and a range")
    names = [c.name for c in arch.components]
    quorums = named_quorums(preorder(arch.root))
    for name, (lo, hi) in vary.items():
        if name in quorums:
            _check_quorum_range(quorums[name], name, lo, hi)
            continue
        if name not in names:
            raise invalid("vary", name, "is not a component or a named quorum (k_of_n with a name) of "
                          f"{arch.name!r}; use one of {', '.join([*names, *quorums])}")
        _check_range(name, lo, hi, "replica counts")
    missing = [c.name for c in arch.components if c.cost_per_year is None]
    if missing:
        raise InvalidInputError(
            f"cost_per_year: missing for {', '.join(missing[:5])}{'...' if len(missing) > 5 else ''}; "
            "every component needs one to compare costs")
    varied = list(vary)
    ranges = [range(vary[n][0], vary[n][1] + 1) for n in varied]
    combos = math.prod(len(r) for r in ranges)
    if combos > MAX_COMBINATIONS or combos * len(names) > 50_000_000:
        raise InvalidInputError(
            f"vary: {combos:,} combinations of replica counts is over the limit of "
            f"{MAX_COMBINATIONS:,} (x {len(names)} components); narrow the ranges")
    grid = np.array(list(itertools.product(*ranges)), dtype=int).reshape(combos, len(varied))
    if any(n in quorums for n in varied):  # members added or taken away: each design rebuilt
        if combos * (len(names) + sum(vary[n][1] for n in varied if n in quorums)) > 20_000_000:
            raise InvalidInputError(f"vary: {combos:,} quorum designs of this size is too many to "
                                    "rebuild one by one; narrow the ranges")
        designs = [_resized(arch, quorums, dict(zip(varied, map(int, row)))) for row in grid]
        u = np.array([d.evaluate(year_days=year_days).unavailability for d in designs])
        cost = np.array([float(d.cost_per_year or 0.0) for d in designs])
    else:
        idx = [names.index(n) for n in varied]
        if in_a_primary(arch.root, set(varied)):
            u = np.array([arch.with_changes({n: {"count": int(c)} for n, c in zip(varied, row)})
                          .evaluate(year_days=year_days).unavailability for row in grid])
        else:
            Q = np.repeat(arch._q[:, None], combos, axis=1)
            for j, i in enumerate(idx):
                Q[i] = arch.components[i].replica_unavailability ** grid[:, j]
            _, u = arch._eval_q(Q)
            u = np.asarray(u, dtype=float)
        fixed = math.fsum(float(c.cost_per_year or 0.0) * c.count for k, c in enumerate(arch.components)
                          if k not in idx)
        cost = fixed + np.sum([float(arch.components[i].cost_per_year or 0.0) * grid[:, j]
                               for j, i in enumerate(idx)], axis=0)
    year = period_info("year", year_days=year_days).seconds
    with np.errstate(divide="ignore"):
        nines = -np.log10(u)
    table = pd.DataFrame(grid, columns=varied)
    table["unavailability"] = u
    table["nines"] = nines
    table["downtime_per_year_s"] = u * year
    table["cost_per_year"] = cost
    table["meets_target"] = u <= (1.0 - t) * (1 + 1e-12)
    ok = table[table["meets_target"]]
    best = None
    if not ok.empty:
        row = ok.sort_values(["cost_per_year", "unavailability"], kind="stable").iloc[0]
        best = {**{n: int(row[n]) for n in varied}, "cost_per_year": float(row["cost_per_year"]),
                "unavailability": float(row["unavailability"]), "nines": float(row["nines"])}
    order = table.sort_values(["cost_per_year", "unavailability"], kind="stable")
    keep, lowest = [], math.inf
    for i, ui in zip(order.index, order["unavailability"]):
        if ui < lowest:  # strictly better than every cheaper (or equal-cost) combination
            keep.append(i)
            lowest = ui
    frontier = order.loc[keep].reset_index(drop=True)
    return OptimizeResult(t, table, best, frontier, tuple(varied))


def compare_sentence(table: pd.DataFrame, downtime_cost_per_hour: float, currency: str = "USD",
                     cost_currencies: Sequence[str | None] = ()) -> str:
    """The second design of ``compare``'s table against the first, in money: how much
    downtime a year it saves or adds, what that is worth at ``downtime_cost_per_hour``,
    and the change in running cost where both designs have one (and price it in
    ``currency``: ``cost_currencies``, the designs' own, None for the scenario's)."""
    from .formatting import format_duration, format_money

    if len(table) < 2:
        raise InvalidInputError("table: compare at least two designs")
    if not (math.isfinite(downtime_cost_per_hour) and downtime_cost_per_hour >= 0):
        raise InvalidInputError(f"downtime_cost_per_hour: {downtime_cost_per_hour!r} is not a number >= 0")
    a, b = table.iloc[0], table.iloc[1]
    delta_s = float(b["downtime_per_year_s"] - a["downtime_per_year_s"])
    worth = abs(delta_s) / 3600 * downtime_cost_per_hour
    money = (lambda x: format_money(x, currency))  # noqa: E731
    if delta_s == 0:
        text = f"{b['name']} and {a['name']} have the same expected downtime"
    else:
        verb = "saves" if delta_s < 0 else "adds"
        text = (f"{b['name']} {verb} {format_duration(abs(delta_s))} of downtime a year against "
                f"{a['name']}, worth {money(worth)} a year at {money(downtime_cost_per_hour)} an hour")
    ca, cb = a["cost_per_year"], b["cost_per_year"]
    known = all(c is not None and not (isinstance(c, float) and math.isnan(c)) for c in (ca, cb))
    others = sorted({c for c in cost_currencies if c and c != currency})
    if known and others:
        text += f"; their running costs are in {'/'.join(others)}, not compared in {currency}"
    elif known:
        d = float(cb - ca)
        text += (f"; it costs {money(abs(d))} a year {'more' if d > 0 else 'less'} to run" if d
                 else "; it costs the same to run")
        if delta_s < 0 and d > 0:
            text += ", so it pays for itself" if worth >= d else ", more than the downtime it saves is worth"
    else:
        text += "; running costs are unknown (not every part of both designs is priced)"
    return text + "."
