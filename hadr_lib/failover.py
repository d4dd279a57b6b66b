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

Presets carry their sources. The article this project started from uses Route 53
health checks every 30 s with a failure threshold of 3 and a 60 s TTL.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .checks import InvalidInputError

__all__ = [
    "FAILOVER_PRESETS",
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


_R53 = "Route 53 health checks: interval 10 or 30 s, threshold 1-10 (default 3); HTTP: connect 4 s, response 2 s"
_WARMUP = Stage("application warm-up and reconnects", 5, 15, 60,
                "assumed: connection pools refill and caches warm; measure yours")

#: Named timelines with sourced defaults (durations in seconds).
FAILOVER_PRESETS: dict[str, tuple[Stage, ...]] = {
    "route53_region_failover": (
        detection(30, 3, 6, name="Route 53 health checks (30 s, threshold 3)", source=_R53),
        dns(60, 0, name="DNS TTL (60 s, as AWS recommends for failover records)",
            source="AWS: 60 s or less for health-checked failover records"),
        _WARMUP,
    ),
    "mongodb_replica_set": (
        Stage("replica-set election", 10, 12, 30,
              "MongoDB: electionTimeoutMillis 10 s; median election should not typically exceed "
              "12 s; worst assumed"),
        Stage("driver rediscovers the primary and retries", 1, 2, 10,
              "assumed: retryable writes after server selection"),
    ),
    "rds_multi_az": (
        Stage("RDS Multi-AZ instance failover (detection, promotion, DNS)", 60, 90, 120,
              "AWS: Multi-AZ DB instance failover typically completes in 60-120 s"),
        _WARMUP,
    ),
    "rds_multi_az_cluster": (
        Stage("RDS Multi-AZ DB cluster failover", 10, 25, 35,
              "AWS: Multi-AZ DB cluster failover typically under 35 s; best and typical assumed"),
        _WARMUP,
    ),
    "postgres_patroni": (
        Stage("leader lock expires (Patroni ttl 30 s, loop_wait 10 s)", 20, 30, 40,
              "Patroni defaults: ttl 30 s, loop_wait 10 s"),
        Stage("standby promotion", 1, 3, 10, "assumed: pg_promote on a synchronous standby"),
        _WARMUP,
    ),
}


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
