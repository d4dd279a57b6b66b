"""Failover timelines: how long recovery takes, stage by stage.

A timeline is a sequence of stages, each with a best, typical and worst duration
[s]; recovery takes their sum. Stage builders:

- ``detection``: health checks every ``interval_s`` declare a target failed after
  ``threshold`` failed checks, each failing after ``timeout_s``. The failure lands
  at a uniformly random point of a check interval, so detection takes between
  ``(threshold - 1) x interval`` (best) and ``threshold x interval + timeout``
  (worst); typical is the middle of the first interval plus half the timeout.
- ``dns``: clients keep the old answer until its TTL (and any client cache) runs
  out: between 0 and ``ttl + client cache``; typical half of that.
- promotion, election and warm-up stages with published or stated ranges.

Presets are data, in ``data/failover_presets.csv``, each stage with its source and the
date it was read. The article this project started from uses Route 53 health checks
every 30 s with a failure threshold of 3 and a 60 s TTL.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from .catalog import DATA_DIR
from .checks import InvalidInputError

__all__ = [
    "FAILOVER_PRESETS",
    "PRESETS_CSV",
    "read_presets",
    "Stage",
    "detection",
    "dns",
    "failover_seconds",
    "failover_summary",
    "failover_table",
    "timeline",
]


@dataclass(frozen=True)
class Stage:
    """One stage of a recovery: durations [s] and where the figures come from."""

    name: str
    best_s: float
    typical_s: float
    worst_s: float
    source: str = ""

    def __post_init__(self):
        for label, v in (("best_s", self.best_s), ("typical_s", self.typical_s),
                         ("worst_s", self.worst_s)):
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0 or v == float("inf"):
                raise InvalidInputError(f"{self.name}.{label}: {v!r} is not a number of seconds >= 0")
        if not self.best_s <= self.typical_s <= self.worst_s:
            raise InvalidInputError(
                f"{self.name}: best {self.best_s:g} s, typical {self.typical_s:g} s and worst "
                f"{self.worst_s:g} s are not in order (best <= typical <= worst)")


def detection(interval_s: float = 30.0, threshold: int = 3, timeout_s: float = 4.0, *,
              name: str = "health-check detection", source: str = "") -> Stage:
    """Time to declare a target down [s] (see the module docstring)."""
    if not (isinstance(interval_s, (int, float)) and interval_s > 0):
        raise InvalidInputError(f"interval_s: {interval_s!r} is not a number of seconds > 0")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 10:
        raise InvalidInputError(f"threshold: {threshold!r} is not a whole number in [1, 10]")
    if not (isinstance(timeout_s, (int, float)) and 0 <= timeout_s <= interval_s):
        raise InvalidInputError(f"timeout_s: {timeout_s!r} is not a number of seconds in [0, interval_s]")
    return Stage(name, (threshold - 1) * interval_s, (threshold - 0.5) * interval_s + timeout_s / 2,
                 threshold * interval_s + timeout_s,
                 source or f"{threshold} checks every {interval_s:g} s, {timeout_s:g} s timeout")


def dns(ttl_s: float = 60.0, client_cache_s: float = 0.0, *, name: str = "DNS TTL and client caches",
        source: str = "") -> Stage:
    """Time until clients use the new answer [s]."""
    for label, v in (("ttl_s", ttl_s), ("client_cache_s", client_cache_s)):
        if not (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 86400 * 7):
            raise InvalidInputError(f"{label}: {v!r} is not a number of seconds in [0, 604800)")
    total = ttl_s + client_cache_s
    return Stage(name, 0.0, total / 2, total, source or f"TTL {ttl_s:g} s, client cache {client_cache_s:g} s")


#: Where the presets live: one row per stage, in order, each with its source and the
#: date it was read.
PRESETS_CSV = DATA_DIR / "failover_presets.csv"


def read_presets(path: Path) -> MappingProxyType:
    """Named timelines from the presets file, each stage checked as it is read."""
    presets: dict[str, list[Stage]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        need = ["preset", "stage", "best_s", "typical_s", "worst_s", "source", "read_on"]
        if reader.fieldnames != need:
            raise InvalidInputError(f"{path}: columns {reader.fieldnames}; expected {need}")
        for line, row in enumerate(reader, start=2):
            if not row["source"] or not row["read_on"]:
                raise InvalidInputError(f"{path}: line {line} ({row['preset']}): no source or date")
            try:  # a whole number stays one (96, not 96.0), as tables print it
                best, typical, worst = (int(row[k]) if row[k].strip().isdigit() else float(row[k])
                                        for k in ("best_s", "typical_s", "worst_s"))
            except ValueError:
                raise InvalidInputError(f"{path}: line {line} ({row['preset']}): a time is not a number") from None
            presets.setdefault(row["preset"], []).append(Stage(row["stage"], best, typical, worst, row["source"]))
    return MappingProxyType({name: tuple(stages) for name, stages in presets.items()})


#: Named timelines with sourced defaults (durations in seconds), from ``PRESETS_CSV``.
FAILOVER_PRESETS: Mapping[str, tuple[Stage, ...]] = read_presets(PRESETS_CSV)


def timeline(stages) -> pd.DataFrame:
    """Stages with their start and end [s] in the best, typical and worst case."""
    stages = list(stages)
    if not stages:
        raise InvalidInputError("stages: [] is not a non-empty list of stages")
    rows, t = [], {"best": 0.0, "typical": 0.0, "worst": 0.0}
    for st in stages:
        row = {"stage": st.name, "source": st.source}
        for case in t:
            d = getattr(st, f"{case}_s")
            row[f"{case}_start_s"], row[f"{case}_s"] = t[case], d
            t[case] += d
        rows.append(row)
    return pd.DataFrame(rows)


def failover_seconds(preset_or_stages, case: str = "typical") -> float:
    """Total recovery time [s] of a preset name or a list of stages."""
    if case not in ("best", "typical", "worst"):
        raise InvalidInputError(f"case: {case!r} is not one of best, typical, worst")
    stages = failover_stages(preset_or_stages)
    return float(sum(getattr(s, f"{case}_s") for s in stages))


def failover_error_factor(preset_or_stages) -> float | None:
    """How uncertain a timeline's total is, as the error factor of a lognormal around
    its typical total: the worst case read as the 95th percentile and the best as the
    5th, whichever lies further out (``max(worst / typical, typical / best)``, at most
    100). None when the three totals agree (nothing to draw); a best case of 0 s gives
    no lower side."""
    stages = failover_stages(preset_or_stages)
    best, typical, worst = (failover_seconds(stages, c) for c in ("best", "typical", "worst"))
    if typical <= 0:
        return None
    ef = max(worst / typical, typical / best if best > 0 else 1.0)
    return None if ef <= 1.0 else float(min(ef, 100.0))


def failover_stages(preset_or_stages):
    if isinstance(preset_or_stages, str):
        if preset_or_stages not in FAILOVER_PRESETS:
            raise InvalidInputError(f"failover_preset: {preset_or_stages!r} is not a preset; use one of "
                                    f"{', '.join(FAILOVER_PRESETS)}")
        return FAILOVER_PRESETS[preset_or_stages]
    return tuple(preset_or_stages)


def failover_table(presets=None) -> pd.DataFrame:
    """Best, typical and worst recovery time [s] per failure type (preset)."""
    names = list(presets or FAILOVER_PRESETS)
    return pd.DataFrame([{"failure": n, "best_s": failover_seconds(n, "best"),
                          "typical_s": failover_seconds(n, "typical"),
                          "worst_s": failover_seconds(n, "worst")} for n in names])


def failover_summary(preset_or_stages, rto_s: float) -> str:
    """One sentence: best, typical and worst recovery against an RTO [s]."""
    from .formatting import format_duration

    stages = failover_stages(preset_or_stages)
    best, typical, worst = (failover_seconds(stages, c) for c in ("best", "typical", "worst"))
    verdict = ("meets" if worst <= rto_s else
               "meets only in the typical case" if typical <= rto_s else "misses")
    return (f"Recovery takes {format_duration(best)} at best, {format_duration(typical)} "
            f"typically and {format_duration(worst)} at worst: it {verdict} the "
            f"{format_duration(rto_s)} RTO.")
