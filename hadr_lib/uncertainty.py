"""How sure are we? Figures with an error factor, propagated through the design.

A component may carry ``error_factor`` (EF): its unavailability is then uncertain,
lognormal with the stated figure as the median and ``EF = p95 / p50`` (so
``sigma = ln(EF) / 1.645``), the convention of probabilistic risk assessment. Each
draw samples every uncertain component once and evaluates the whole design; the
replicas of one component share their draw (state-of-knowledge correlation: they are
the same kind of part, so if the figure is optimistic it is optimistic for all of
them). Two replicas with median U 1e-3 and EF 3 give a mean system U of 2.44e-6,
not the 1.56e-6 that independent draws would.

The design's other judgements may be uncertain too, in the same way: a common-cause
group's ``beta_error_factor`` (its beta lognormal around the stated beta, cut at 1)
and a standby's ``failover_error_factor`` (its failover time lognormal around the
stated time). A beta of 0.05 with EF 5 says "between 1% and 25%, nine times in ten";
because the mean of a lognormal lies above its median, an uncertain beta or failover
time raises the mean downtime even where the median stays put.

Assumptions: the lognormal is cut at U = 1 (and at beta = 1); a standby's primary
keeps its mean outage length at the stated figures (a failover costs at most the
whole outage); draws are seeded and independent between components, groups and
standbys; ``default_error_factor`` applies to components only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .availability import DAYS_PER_YEAR, check_availability, period_info
from .checks import InvalidInputError, check_number
from .design.blocks.common_cause import group_label
from .design.blocks.standby import failover_share, standby_label
from .model import Architecture

__all__ = ["EF_Z", "MAX_DRAWS", "UncertaintyResult", "affordable_draws", "propagate"]

#: The 95th percentile of the standard normal: EF = p95 / p50 = exp(1.645 sigma).
EF_Z = 1.6448536269514722
#: Most draws x components one call evaluates.
MAX_DRAWS = 20_000_000


@dataclass(frozen=True)
class UncertaintyResult:
    """System unavailability over ``draws`` samples of the uncertain figures."""

    name: str
    draws: int
    seed: int
    unavailability: np.ndarray  # one per draw
    year_days: float
    target: float | None
    sensitivity: pd.DataFrame

    def percentile(self, p: float) -> float:
        return float(np.percentile(self.unavailability, p))

    @property
    def mean(self) -> float:
        return float(np.mean(self.unavailability))

    @property
    def p_meet_target(self) -> float | None:
        """Share of draws meeting the target (None without a target)."""
        if self.target is None:
            return None
        return float(np.mean(self.unavailability <= (1 - self.target) * (1 + 1e-12)))

    def summary(self) -> dict:
        """p5, p50, p95 and mean of the unavailability and the downtime per year [s]."""
        year = period_info("year", year_days=self.year_days).seconds
        u = {"p5": self.percentile(5), "p50": self.percentile(50), "p95": self.percentile(95),
             "mean": self.mean}
        return {"unavailability": u, "downtime_per_year_s": {k: v * year for k, v in u.items()},
                "p_meet_target": self.p_meet_target}

    def to_dict(self) -> dict:
        """The draws, the seed, ``summary()`` and what to learn more about, for JSON."""
        return {"draws": self.draws, "seed": self.seed, **self.summary(),
                "learn_more_about": [{"name": r.name, "label": r.label, "kind": r.kind,
                                      "error_factor": r.error_factor,
                                      "share": float(r.share)} for r in self.sensitivity.itertuples()]}


def _uncertain_figures(arch: Architecture) -> int:
    return len(arch.components) + len(arch.groups) + len(arch.standbys)


def affordable_draws(arch: Architecture, wanted: int) -> int:
    """The most draws, up to ``wanted``, that ``propagate`` evaluates for ``arch``
    within ``MAX_DRAWS`` (draws x uncertain figures); at least 100, the fewest it
    takes. A design with more than ``MAX_DRAWS / 100`` (200,000) figures is refused."""
    if not isinstance(arch, Architecture):
        raise InvalidInputError(f"architecture: {arch!r} is not an Architecture")
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 100:
        raise InvalidInputError(f"draws: {wanted!r} is not a whole number >= 100")
    params = _uncertain_figures(arch)
    fit = MAX_DRAWS // max(params, 1)
    if fit < 100:
        raise InvalidInputError(
            f"architecture: {params:,} uncertain figures (components, common-cause groups, "
            f"standbys) is over the limit of {MAX_DRAWS // 100:,} for uncertainty")
    return min(wanted, fit)


def propagate(arch: Architecture, draws: int = 10_000, seed: int = 0, *,
              default_error_factor: float | None = None, target: float | None = None,
              year_days: float = DAYS_PER_YEAR) -> UncertaintyResult:
    """Sample every component's unavailability from its error factor (or
    ``default_error_factor`` for those without one; components with neither are
    certain), every common-cause beta with a ``beta_error_factor`` and every failover
    time with a ``failover_error_factor``, and evaluate the design once per draw,
    vectorised.

    ``sensitivity`` ranks what to learn more about: the squared rank correlation
    between each uncertain figure's draw and the system's unavailability, as a share
    of the total (figures that barely move the result score near 0). Its ``kind``
    says what the figure is: ``component``, ``common_cause`` (a group's beta) or
    ``failover`` (a standby's failover time).
    """
    if not isinstance(arch, Architecture):
        raise InvalidInputError(f"architecture: {arch!r} is not an Architecture")
    if isinstance(draws, bool) or not isinstance(draws, int) or not 100 <= draws <= 10_000_000:
        raise InvalidInputError(f"draws: {draws!r} is not a whole number in [100, 10,000,000]")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise InvalidInputError(f"seed: {seed!r} is not a whole number >= 0")
    if default_error_factor is not None:
        check_number("error_factor", default_error_factor, 1, 100)
    t = None if target is None else float(check_availability(target, "target"))
    n = len(arch.components)
    params = _uncertain_figures(arch)
    if draws * params > MAX_DRAWS:
        raise InvalidInputError(
            f"draws: {draws:,} draws x {params:,} uncertain figures (components, common-cause "
            f"groups, standbys) is over the limit of {MAX_DRAWS:,}; "
            + (f"use at most {MAX_DRAWS // params:,} draws" if MAX_DRAWS // params >= 100
               else "the design is too large for uncertainty"))
    ef = np.array([c.error_factor or default_error_factor or 1.0 for c in arch.components])
    q_med = np.array([c.replica_unavailability for c in arch.components])
    counts = np.array([c.count for c in arch.components], dtype=float)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, draws))
    root = np.asarray(arch.draw_of, dtype=int)
    if (root != np.arange(n)).any():  # parts named same_as another take its draw (one state of knowledge)
        z = z[root]
    uncertain = (ef > 1) & (q_med > 0) & (q_med < 1)
    q = np.repeat(q_med[:, None], draws, axis=1)
    q[uncertain] = np.minimum(_lognormal(q_med[uncertain, None], ef[uncertain, None], z[uncertain]), 1.0)
    Q = q ** counts[:, None]  # the replicas of a component share their draw
    # Drawn after the components, so a design without these keeps its draws.
    over: dict[int, Any] = {}
    figures = []
    for r in dict.fromkeys(int(root[i]) for i in np.flatnonzero(uncertain)):  # one figure per draw
        members = np.flatnonzero(uncertain & (root == r))
        figures.append((", ".join(arch.components[i].name for i in members), "component",
                        float(ef[members[0]]), z[r], ", ".join(arch.components[i].display for i in members)))
    for g, group in enumerate(arch.groups):
        ef_g = group.beta_error_factor or 1.0
        if ef_g > 1 and 0 < group.beta < 1:
            zg = rng.standard_normal(draws)
            over[id(group)] = np.minimum(_lognormal(group.beta, ef_g, zg), 1.0)
            figures.append((f"beta of {group_label(group, g)}", "common_cause", ef_g, zg,
                            f"{group_label(group, g)} (how often they fail together)"))
    for node in arch.standbys:
        ef_s = node.failover_error_factor or 1.0
        if ef_s > 1 and node.failover_s > 0 and node.primary_outage_h > 0:
            zs = rng.standard_normal(draws)
            t_draws = _lognormal(node.failover_s, ef_s, zs)
            over[id(node)] = (failover_share(node, t_draws), failover_share(node, t_draws, of="standbys"),
                              t_draws)
            figures.append((f"{standby_label(node)} (time)", "failover", ef_s, zs,
                            f"the time of the {standby_label(node)}"))
    _, u = arch._eval_q(Q, over)
    u = np.asarray(u, dtype=float).reshape(draws)
    rows = []
    u_rank = _ranks(u)
    for name, kind, factor, zi, label in figures:
        rho = float(np.corrcoef(_ranks(zi), u_rank)[0, 1]) if np.ptp(u) > 0 else 0.0
        rows.append({"name": name, "label": label, "kind": kind, "error_factor": factor,
                     "rank_correlation": 0.0 if math.isnan(rho) else rho})
    sens = pd.DataFrame(rows, columns=["name", "label", "kind", "error_factor", "rank_correlation"])
    total = float((sens["rank_correlation"] ** 2).sum()) if len(sens) else 0.0
    sens["share"] = (sens["rank_correlation"] ** 2 / total) if total > 0 else 0.0
    sens = sens.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)
    return UncertaintyResult(arch.name, draws, seed, u, year_days, t, sens)


def _lognormal(median, error_factor, z: np.ndarray) -> np.ndarray:
    """Draws of a lognormal with this median and ``EF = p95 / p50`` from standard
    normal draws ``z``."""
    return np.asarray(median * np.exp(np.log(error_factor) / EF_Z * z))


def _ranks(x: np.ndarray) -> np.ndarray:
    r = np.empty(x.size)
    r[np.argsort(x, kind="stable")] = np.arange(x.size)
    return r
