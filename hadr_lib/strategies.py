"""The DR strategy catalogue and the disruption types it is priced against.

Below both the scenario (which checks that its strategy ids and disruption types
exist) and the pricing in ``dr`` (which prices each strategy against a scenario).
The catalogue is ``data/dr_strategies.csv``: one row per strategy, with its RTO and
RPO [h], annual cost, the disruptions it covers and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .catalog import DATA_DIR
from .checks import InvalidInputError

__all__ = ["DISRUPTIONS", "Strategy", "load_strategies", "strategy_ids"]

#: Disruption types a scenario counts incidents of, and a strategy may cover.
DISRUPTIONS = ("instance", "zone", "region", "data_corruption")


@dataclass(frozen=True)
class Strategy:
    """One DR strategy of the catalogue (times in hours, cost per year)."""

    id: str
    label: str
    rto_h: float
    rpo_h: float
    annual_cost: float
    protects_against: frozenset
    source: str
    notes: str = ""
    corruption_rto_h: float | None = None
    corruption_rpo_h: float | None = None
    #: Copies are taken every ``rpo_h`` (backups, snapshots): a failure at a random
    #: moment loses half an interval on average. Otherwise (replication) the RPO is
    #: the lag, counted in full.
    rpo_periodic: bool = False
    #: A scenario's own strategy: (RTO [h], RPO [h], periodic) per disruption it
    #: covers, in place of the fields above (None: a catalogue row).
    recovery: Mapping[str, tuple[float, float, bool]] | None = None

    @property
    def custom(self) -> bool:
        """Whether the strategy is the scenario's own, not the catalogue's."""
        return self.recovery is not None

    def periodic_for(self, disruption: str) -> bool:
        """Whether the copy restored after ``disruption`` is a periodic one."""
        if self.recovery is not None:
            return disruption in self.recovery and self.recovery[disruption][2]
        return self.rpo_periodic

    def times_for(self, disruption: str) -> tuple[float, float] | None:
        """(RTO, RPO) [h] for a disruption type, or None where not covered."""
        if disruption not in self.protects_against:
            return None
        if self.recovery is not None:
            rto, rpo, _ = self.recovery[disruption]
            return rto, rpo
        if disruption == "data_corruption" and self.corruption_rto_h is not None:
            return self.corruption_rto_h, (self.rpo_h if self.corruption_rpo_h is None
                                           else self.corruption_rpo_h)
        return self.rto_h, self.rpo_h


def _periodic(value, path: str, i: int) -> bool:
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise InvalidInputError(f"{path}: row {i + 2}: rpo_periodic {value!r} is not true or false")
    return text == "true"


@lru_cache(maxsize=4)
def _read(path: str) -> tuple[Strategy, ...]:
    df = pd.read_csv(path, keep_default_na=False)
    need = ("strategy", "label", "rto_h", "rpo_h", "annual_cost", "protects_against", "source")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InvalidInputError(f"{path}: missing columns {missing}")
    out = []
    for i, r in df.iterrows():
        protects = frozenset(str(r["protects_against"]).split())
        unknown = protects - set(DISRUPTIONS)
        if unknown or not r["source"]:
            raise InvalidInputError(
                f"{path}: row {i + 2} ({r['strategy']}): protects_against {sorted(unknown)} "
                f"not in {DISRUPTIONS}, or no source")
        corr = r.get("corruption_rto_h", "")
        out.append(Strategy(
            r["strategy"], r["label"], float(r["rto_h"]), float(r["rpo_h"]),
            float(r["annual_cost"]), protects, r["source"], r.get("notes", ""),
            float(corr) if corr != "" else None,
            float(r["corruption_rpo_h"]) if corr != "" else None,
            _periodic(r.get("rpo_periodic", "false"), path, i)))
    return tuple(out)


def load_strategies(path: str | Path | None = None, costs=None, custom=()) -> list[Strategy]:
    """The strategy catalogue (``data/dr_strategies.csv``) and ``custom`` strategies
    (a scenario's own, after it), with ``costs`` (a mapping of strategy id to annual
    cost) replacing their costs."""
    strategies = [*_read(str(path or DATA_DIR / "dr_strategies.csv")), *custom]
    costs = dict(costs or {})
    ids = {s.id for s in strategies}
    for key, value in costs.items():
        if key not in ids:
            raise InvalidInputError(f"strategy_costs.{key}: unknown strategy; use one of {', '.join(sorted(ids))}")
        if not (isinstance(value, (int, float)) and value >= 0):
            raise InvalidInputError(f"strategy_costs.{key}: {value!r} is not a number >= 0")
    return [replace(s, annual_cost=float(costs[s.id])) if s.id in costs else s for s in strategies]


def strategy_ids() -> tuple[str, ...]:
    """The catalogue's strategy ids, in its order."""
    return tuple(s.id for s in load_strategies())
