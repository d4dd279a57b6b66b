"""Failover drills: inject a failure, draw the recovery, compare it with the RTO.

The source article's chaos tests (kill an instance, fail the database primary,
lose a region) become simulated drills:

1. the failure is injected into an architecture: one replica of each named
   component goes down;
2. the block structure says whether a failover path is left (another replica,
   a standby, another region). If there is one, recovery is the failover timeline:
   each stage's duration is drawn from its best / typical / worst range (a PERT
   distribution, the usual choice for three-point estimates: mean
   ``(best + 4 typical + worst) / 6``), and a standby takes over only with its
   coverage; a failed failover waits for the repair. With no failover path, the
   service waits for the repair (exponential, mean MTTR; a component known only by
   its SLA gets the simulation's default repair time);
3. over many drills, the distribution of recovery time, its percentiles and the
   probability of meeting the RTO.

Draws are vectorised over drills and seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import InvalidInputError, check_int, check_number, invalid
from .design.kinds import kind_of
from .failover import FAILOVER_PRESETS, Stage, detection, dns, failover_stages
from .model import Architecture
from .simulation import DEFAULT_MTTR_H

__all__ = ["DRILLS", "Drill", "DrillResult", "design_drill", "drill_stages", "drill_table", "run_drill"]

_ALB = ("ELB target groups: health checks every 30 s, 5 s timeout, unhealthy after 2 failures "
        "(defaults)")

#: Timeline of a load balancer noticing a dead target and routing around it.
LB_TARGET_STAGES = (
    detection(30, 2, 5, name="load balancer health checks (30 s, threshold 2)", source=_ALB),
    Stage("in-flight requests to the dead target fail; clients retry", 0, 1, 5,
          "assumed: one retry with backoff"),
)


@dataclass(frozen=True)
class Drill:
    """A failure to inject: which components lose a replica, and how recovery goes."""

    key: str
    title: str
    architecture: str  # a reference architecture name
    fail: tuple[str, ...]
    stages: tuple[Stage, ...]
    rto_s: float
    article: str  # what the source article's test checks


DRILLS: dict[str, Drill] = {
    "kill_instance": Drill(
        "kill_instance", "Kill an app instance", "multi_az_postgres", ("app-a",),
        LB_TARGET_STAGES, 300.0,
        "kills a random instance and waits up to 5 minutes for health (its RTO: 5 min)"),
    "fail_db_primary": Drill(
        "fail_db_primary", "Fail the database primary", "multi_az_postgres", ("pg-primary",),
        FAILOVER_PRESETS["rds_multi_az"], 300.0,
        "kills the primary and checks that the secondary was promoted (no time limit; "
        "5 min assumed here, as for the instance test)"),
    "lose_region": Drill(
        "lose_region", "Lose a region (us-east-1)", "three_regions_active_active",
        ("elb-us-east-1", "ec2-us-east-1", "dynamodb-us-east-1"),
        FAILOVER_PRESETS["route53_region_failover"], 60.0,
        "partitions us-east-1 and fails the test if traffic is not in eu-west-1 within 60 s"),
}


def drill_stages(drill: str, *, interval_s: float | None = None, threshold: int | None = None,
                 ttl_s: float | None = None) -> tuple[Stage, ...]:
    """A drill's stages with its health checks (``interval_s``, ``threshold``) and,
    for a region, the DNS TTL changed; ``None`` keeps the drill's own."""
    if drill not in DRILLS:
        raise invalid("drill", drill, f"is not a drill; use one of {', '.join(DRILLS)}")
    stages = DRILLS[drill].stages
    if interval_s is None and threshold is None and ttl_s is None:
        return stages
    if drill == "kill_instance":
        i = 30 if interval_s is None else interval_s
        k = 2 if threshold is None else threshold
        return (detection(i, k, min(5, i), name=f"load balancer health checks ({i:g} s, threshold {k})",
                          source=_ALB),) + stages[1:]
    if drill == "lose_region":
        i = 30 if interval_s is None else interval_s
        k = 3 if threshold is None else threshold
        ttl = 60.0 if ttl_s is None else ttl_s
        return (detection(i, k, 6, name=f"Route 53 health checks ({i:g} s, threshold {k})"),
                dns(ttl, 0, name=f"DNS TTL ({ttl:g} s)"), stages[-1])
    return stages


# --------------------------------------------------------------------------- structure


def _after_failure(node, failed: set[str]) -> tuple[bool, float]:
    """(is the block still up, probability its standbys take over) with one replica
    of each failed component down and everything else up (each kind says how)."""
    return kind_of(node).after_failure(node, failed, lambda child: _after_failure(child, failed))


def design_drill(architecture: Architecture, component: str, rto_s: float) -> Drill:
    """A drill on a design of one's own: one replica of ``component`` fails, against
    ``rto_s`` [s] (a scenario's RTO for a lost instance). Recovery is the failover of
    the innermost standby whose primary holds the part (its ``failover_s``, spread by
    its error factor: best ``t / EF``, worst ``t x EF``); a part with redundancy that
    switches over at once (replicas, active-active, a quorum) recovers at once; a part
    with none waits for its repair (its one stage says so, and takes no time)."""
    from .design.blocks.standby import standby_label, standbys_in
    from .design.kinds import leaves, preorder

    if not isinstance(architecture, Architecture):
        raise invalid("architecture", architecture, "is not an Architecture")
    architecture.component(component)  # a clear error for a name the design lacks
    check_number("rto_s", rto_s, 0, 1e9, low_open=True, what=" seconds")
    holders = [sb for sb in standbys_in(preorder(architecture.root))
               if component in {c.name for c in leaves(sb.primary)}]
    label = architecture.component(component).display
    stages: tuple[Stage, ...]
    if holders:  # walk order: the last one holding it is the innermost
        sb = holders[-1]
        if sb.failover_timers is not None:  # its timers, each a stage with its own spread
            interval, threshold, ttl, promote, warmup = sb.failover_timers
            timed = [Stage(f"detection: {threshold} failed checks, every {interval:g} s",
                           interval * (threshold - 1), interval * (threshold - 0.5), interval * threshold,
                           "the design's check_interval_s x failure_threshold (the first check falls "
                           "anywhere in an interval)"),
                     Stage(f"DNS answers cached for up to {ttl:g} s", 0.0, ttl / 2, ttl, "the design's dns_ttl_s"),
                     Stage(f"promotion ({promote:g} s)", promote, promote, promote, "the design's promote_s"),
                     Stage(f"warm-up ({warmup + sb.start_s:g} s)", warmup + sb.start_s, warmup + sb.start_s,
                           warmup + sb.start_s, "the design's warmup_s and start_s")]
            stages = tuple(st for st in timed if st.worst_s > 0) or (timed[2],)
        else:
            ef = sb.failover_error_factor or 1.0
            t = float(sb.failover_s) + sb.start_s
            stages = (Stage(f"{standby_label(sb)} ({t:g} s)", t / ef, t, t * ef,
                            "the design's failover_s" + (" and start_s" if sb.start_s else "")
                            + (f", x/÷ its error factor {ef:g}" if ef > 1 else "")),)
    elif _after_failure(architecture.root, {component})[0]:
        stages = (Stage("switch to the redundancy left (instant in the model)", 0.0, 0.0, 0.0,
                        "the model: replicas, active-active and quorums switch over at once"),)
    else:  # nothing takes over: the drill's recovery is the part's repair
        stages = (Stage("its repair: nothing takes over, so the service is down until the part is repaired",
                        0.0, 0.0, 0.0, "the design: the part has no redundancy and no standby"),)
    return Drill(f"design:{component}", f"Fail {label} ({architecture.name})", architecture.name,
                 (component,), stages, float(rto_s), "a drill on your own design")


# --------------------------------------------------------------------------- draws


def _pert(rng: np.random.Generator, stage: Stage, n: int) -> np.ndarray:
    a, m, b = stage.best_s, stage.typical_s, stage.worst_s
    if b == a:
        return np.full(n, a)
    alpha = 1 + 4 * (m - a) / (b - a)
    beta = 1 + 4 * (b - m) / (b - a)
    return a + (b - a) * rng.beta(alpha, beta, n)


@dataclass(frozen=True)
class DrillResult:
    """Recovery times [s] over simulated drills, against an RTO [s]."""

    title: str
    rto_s: float
    recovery_s: np.ndarray = field(repr=False)
    stage_means_s: pd.Series = field(repr=False)
    failover_path: bool
    coverage: float
    repair_h: float
    seed: int

    @property
    def runs(self) -> int:
        return int(self.recovery_s.size)

    @property
    def p_meet_rto(self) -> float:
        return float((self.recovery_s <= self.rto_s).mean())

    def p_meet(self, rto_s) -> np.ndarray:
        """Probability of recovering within each RTO in ``rto_s`` [s] (an array)."""
        r = np.sort(self.recovery_s)
        return np.searchsorted(r, np.asarray(rto_s, dtype=float), side="right") / r.size

    @property
    def percentiles_s(self) -> dict[str, float]:
        p50, p90, p99 = np.percentile(self.recovery_s, [50, 90, 99])
        return {"mean": float(self.recovery_s.mean()), "p50": float(p50), "p90": float(p90),
                "p99": float(p99), "max": float(self.recovery_s.max())}

    def sentence(self) -> str:
        from .formatting import format_duration, format_percent

        p = self.percentiles_s
        path = ("a failover path is left" if self.failover_path
                else "no failover path is left, so the service waits for the repair")
        cov = (f"; {format_percent(1 - self.coverage)} of failovers fail and wait for the repair"
               if self.failover_path and self.coverage < 1 else "")
        return (f"{self.title}: {path}{cov}. Recovery takes {format_duration(p['p50'])} in half "
                f"the drills and {format_duration(p['p90'])} or less in 9 of 10; it meets the RTO of "
                f"{format_duration(self.rto_s)} in {format_percent(self.p_meet_rto)} of "
                f"{self.runs:,} drills.")


def run_drill(drill: str | Drill, *, architecture: Architecture | None = None,
              fail=None, stages=None, rto_s: float | None = None, runs: int = 10_000,
              seed: int = 0, default_mttr_h: float = DEFAULT_MTTR_H) -> DrillResult:
    """Simulate ``runs`` drills of one failure (a key of ``DRILLS`` or a ``Drill``).

    ``architecture``, ``fail`` (component names), ``stages`` (a preset name or
    stages) and ``rto_s`` override the drill's own.
    """
    if isinstance(drill, str):
        if drill not in DRILLS:
            raise invalid("drill", drill, f"is not a drill; use one of {', '.join(DRILLS)}")
        drill = DRILLS[drill]
    if not isinstance(drill, Drill):
        raise invalid("drill", drill, "is not a Drill or a drill name")
    if architecture is None:
        from .architecture_file import load_architecture, reference_architectures

        architecture = load_architecture(reference_architectures()[drill.architecture])
    if not isinstance(architecture, Architecture):
        raise invalid("architecture", architecture, "is not an Architecture")
    fail = drill.fail if fail is None else (fail,) if isinstance(fail, str) else tuple(fail)
    if not fail:
        raise invalid("fail", fail, "is not a non-empty list of component names")
    for name in fail:
        architecture.component(name)  # a clear error for a name the design lacks
    stages = drill.stages if stages is None else failover_stages(stages)
    if not stages:
        raise InvalidInputError("stages: [] is not a non-empty list of stages")
    rto_s = drill.rto_s if rto_s is None else check_number("rto_s", rto_s, 0, 1e9,
                                                            low_open=True, what=" seconds")
    runs = check_int("runs", runs, 10, 10_000_000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    check_number("default_mttr_h", default_mttr_h, 0, 1e6, low_open=True, what=" hours")

    rng = np.random.default_rng(seed)
    up, coverage = _after_failure(architecture.root, set(fail))
    comps = [architecture.component(n) for n in fail]
    repair_h = max(c.mttr_h if c.mttr_h is not None else default_mttr_h for c in comps)
    # the repair of the failed components (the longest of them)
    repair_s = np.max(np.stack([rng.exponential((c.mttr_h if c.mttr_h is not None
                                                 else default_mttr_h) * 3600.0, runs)
                                for c in comps]), axis=0)
    draws = np.stack([_pert(rng, s, runs) for s in stages], axis=1)
    failover_s = draws.sum(axis=1)
    if up:
        works = rng.uniform(size=runs) < coverage
        recovery = np.where(works, failover_s, np.maximum(failover_s, repair_s))
    else:
        recovery = repair_s
    means = pd.Series(draws.mean(axis=0), index=[s.name for s in stages], name="mean_s")
    return DrillResult(drill.title, float(rto_s), recovery, means, bool(up), float(coverage),
                       float(repair_h), int(seed))


def drill_table(runs: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """The three article drills on their reference architectures, one row each."""
    rows = []
    for key, d in DRILLS.items():
        r = run_drill(key, runs=runs, seed=seed)
        p = r.percentiles_s
        rows.append({"drill": d.title, "architecture": d.architecture,
                     "failover_path": r.failover_path, "rto_s": r.rto_s,
                     "p50_s": p["p50"], "p90_s": p["p90"], "p99_s": p["p99"],
                     "p_meet_rto": r.p_meet_rto, "article_test": d.article})
    return pd.DataFrame(rows)
