"""``standby: {primary: block, standbys: [block], failover_s: 90, coverage: 0.99}``:
a primary, and standbys that take over after a failover time with a probability of
success (``failover_preset`` names a timeline in ``data/failover_presets.csv``).

Let the primary have unavailability ``U_p``, the standby group (the standbys in
parallel) ``U_s``, the failover time ``t`` and the coverage ``c``. A primary outage
of length ``R`` costs ``min(t, R)`` even when the failover works (a primary back
sooner ends it); for the rest, ``(R - t)+``, the service runs on the standbys; a
failed failover (probability ``1 - c``) costs the whole outage. Per unit time::

    U = U_p * (c * (tau + (1 - tau) * U_s) + (1 - c)),   tau = E[min(t, R)] / E[R]

``tau`` is taken over the primary's outage-length distribution, not its mean: each
outage lasts about as long as the repair of the part that started it (exponential),
so ``tau = sum_i a_i (1 - exp(-t / m_i))`` over the primary's parts, ``a_i`` the
part's share of the primary's downtime and ``m_i`` its mean outage
(``design.evaluation.outage_mixture``). That is exact for a one-part primary with
exponential repairs (the simulation's default); ``min(t, mean R) / mean R`` was 58%
high when ``t`` equals the mean repair. ``t = 0`` and ``c = 1`` give ``U_p * U_s``
(plain parallel), ``c = 0`` gives ``U_p``. It neglects a standby failing while the
primary is repaired beyond the ``U_s`` share.

``failback: true``: service returns to the primary, instantly and for free, once it
is repaired; that is the formula above. ``failback: false`` (the default, as Patroni
and RDS behave): the promoted standby stays active until it fails in turn, so the
primary and the standbys take turns, each until a failure that outlasts the failover
(turns last ``1 / (rate while up x P(outage > t))``; coverage cancels out)::

    U = w_p U_p (c (tau_p + (1 - tau_p) U_s) + 1 - c) + w_s U_s (c (tau_s + (1 - tau_s) U_p) + 1 - c)

with ``w`` each side's share of the time as the active unit. Identical units give the
formula above; a weaker standby, active much of the time, is worse. It needs every
part's failure rate (MTBF and MTTR), unless the failover is instant and certain. With
several standbys it takes the group as one unit and its failures as a Poisson stream;
the group's failures cluster (one standby still down after the first is back), so the
figure errs low there, by 7% in a case tested against the simulation.

``mode: warm|cold``: ``start_s`` is added to every failover to the standbys, and with
``dormant_factor`` below 1 (cold: 0) each standby fails that much less often while it
waits (failback only). The primary's turn then costs ``U_p (c (tau + G) + 1 - c)``
where ``G`` (``_dormant_rest``) is the share of the primary's downtime, past the
failover, during which every standby is down, each a two-state unit that serves from
the primary's failure; exact for one standby and a one-part primary (tests: a Markov
chain in mpmath), with several standbys their states at the primary's failure taken as
independent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...availability import parallel_aq
from ...checks import InvalidInputError, check_number, invalid, read_number
from ...safe_load import check_text, shown_key
from ..evaluation import Memo, block_mean_outage_h, critical_scalar, outage_mixture, stated
from ..kinds import (
    BlockKind,
    body_mapping,
    example_leaf,
    is_block,
    leaves,
    optional_number,
    preorder,
    read_blocks,
    required_fields,
    whole_number,
)
from ..repair import crew_classes, timed_component
from .gate import checked_children
from .parallel import Parallel

__all__ = ["KIND", "TIMERS", "Standby", "domain_terms", "failover_share", "failover_times", "failover_times_s",
           "in_a_primary", "standby_label", "standbys_in"]

_FIELDS = ("primary", "standbys", "failover_s", "failover_preset", "failover", "coverage",
           "failover_error_factor", "name", "failback", "replication", "lag_s", "mode", "start_s",
           "dormant_factor")
#: How a standby waits: running and ready (hot), running but to be readied (warm), off (cold).
MODES = ("hot", "warm", "cold")
#: A waiting standby's failure rate as a share of a running one's, unless the file says.
DORMANT_DEFAULT = {"hot": 1.0, "warm": 1.0, "cold": 0.0}
#: At most this many dormant standbys (their joint states are summed over 2^n terms).
MAX_DORMANT_STANDBYS = 6
#: How a standby's copy of the data follows the primary (``replication:``).
REPLICATION = ("sync", "async")
#: The timers of a failover (``failover: {...}``), in file order, and their defaults.
TIMERS = ("check_interval_s", "failure_threshold", "dns_ttl_s", "promote_s", "warmup_s")
_TIMER_DEFAULTS = {"failure_threshold": 1, "dns_ttl_s": 0.0, "promote_s": 0.0, "warmup_s": 0.0}
#: Gauss-Legendre nodes on [0, 1] for the two uniform phases of a timed failover.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
_GL_X, _GL_W = (_GL_X + 1.0) / 2.0, _GL_W / 2.0


@dataclass(frozen=True)
class Standby:
    """A primary, and standbys that take over after ``failover_s`` [s] with
    probability ``coverage``; see the module docstring for the formula."""

    primary: Any
    standbys: tuple
    failover_s: float = 0.0
    coverage: float = 1.0
    path: str = field(default="standby", compare=False, repr=False)
    #: How uncertain the failover time is: p95 / p50 of a lognormal (None: certain).
    failover_error_factor: float | None = None
    #: What people call it ("database failover"); None: named after its primary's parts.
    name: str | None = None
    #: The failover's timers (``TIMERS`` order), or None for a fixed ``failover_s``. The
    #: failover then lasts ``promote + warmup + interval x (threshold - 1 + U1) + ttl x U2``
    #: with U1 (the phase of the first failed check) and U2 (the TTL left in resolvers)
    #: uniform on [0, 1]; ``failover_s`` is set to its mean.
    failover_timers: tuple | None = None
    #: Whether service returns to the primary once it is repaired (true), or the promoted
    #: standby stays active until it fails in turn (false, the default: Patroni, RDS).
    failback: bool = False
    #: Without failback: (share of time the primary is the active unit, the standbys'),
    #: from their failure rates while up; and the standbys' outages as a mixture.
    #: How the standbys' copy follows the primary: "sync" (nothing lost at a failover),
    #: "async" (``lag_s`` seconds lost), or None (not said: DR keeps the strategy's RPO).
    replication: str | None = None
    #: An asynchronous replica's lag [s]: the data a failover loses.
    lag_s: float | None = None
    #: How the standbys wait (``MODES``); ``start_s`` [s] readies a warm or cold one and is
    #: added to every failover to it; ``dormant_factor``: its failure rate while it waits,
    #: as a share of its rate while it serves (default by mode: hot and warm 1, cold 0).
    mode: str = "hot"
    start_s: float = 0.0
    dormant_factor: float | None = None
    #: The dormant factor in force, and the standbys' (MTBF, MTTR) [h] when it is below 1
    #: (a standby made perfect: MTBF inf, MTTR 0).
    dormancy: float = field(default=1.0, init=False, compare=False, repr=False)
    dormant_units: tuple | None = field(default=None, init=False, compare=False, repr=False)
    #: The primary's failure rate while up [1/h] (0 if unknown), at its stated figures.
    primary_rate: float = field(default=0.0, init=False, compare=False, repr=False)
    roles: tuple = field(default=(1.0, 0.0), init=False, compare=False, repr=False)
    standby_outages: tuple | None = field(default=None, init=False, compare=False, repr=False)
    #: Mean outage length of the primary [h] at its stated figures (0 if unknown):
    #: derived once here, since every evaluation of the block needs it.
    primary_outage_h: float = field(default=0.0, init=False, compare=False, repr=False)
    #: The primary's outages as a mixture: (share of its downtime, mean outage [h]) per
    #: part (``outage_mixture``), or None without a failover time.
    primary_outages: tuple | None = field(default=None, init=False, compare=False, repr=False)
    #: Zones and regions whose outage takes the primary (``primary_domains``) or every
    #: standby (``standby_domains``) down, each (share of time down, mean outage [h],
    #: outages per hour): their outages join the block's own in the failover's charge
    #: and the turns. Set by the ``Architecture`` that holds the domains (``domain_terms``).
    primary_domains: tuple = field(default=(), compare=False, repr=False)
    standby_domains: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        p = self.path
        if self.failover_timers is not None:
            object.__setattr__(self, "failover_s", _timers_mean(self.failover_timers, f"{p}.failover"))
        if not is_block(self.primary):
            raise invalid(f"{p}.primary", self.primary, "is not a block (component, series, ...)")
        object.__setattr__(self, "standbys", checked_children(f"{p}.standbys", "standby list", self.standbys))
        check_number(f"{p}.failover_s", self.failover_s, 0, np.inf, what=" seconds")
        check_number(f"{p}.coverage", self.coverage, 0, 1, what=" (a probability)")
        if self.failover_error_factor is not None:
            check_number(f"{p}.failover_error_factor", self.failover_error_factor, 1, 100,
                         what=" (p95 / p50)")
        if self.name is not None:
            check_text(f"{p}.name", self.name, max_len=200)
        primary = stated(self.primary, f"{p}.primary")  # one walk of the primary, depth bounded
        outage = _with_domains_mean(block_mean_outage_h(self.primary, memo=primary), primary, self.primary,
                                    self.primary_domains)
        if (self.failover_s > 0 or self.start_s > 0) and outage is None:
            raise InvalidInputError(
                f"{p}.primary: a failover time needs the primary's mean outage length: "
                "give its components mtbf_h and mttr_h (or set failover_s: 0)")
        object.__setattr__(self, "primary_outage_h", 0.0 if outage is None else outage)
        self._check_mode()
        if (self.failover_s > 0 or self.start_s > 0 or self.dormancy < 1) and outage:
            object.__setattr__(self, "primary_outages", _with_domains_mix(
                outage_mixture(self.primary, memo=primary), primary.get(self.primary)[1], self.primary_domains))
        if self.dormancy < 1:
            self._check_dormant(primary)
        if not isinstance(self.failback, bool):
            raise invalid(f"{p}.failback", self.failback, "is not true or false")
        self._check_replication()
        if not self.failback:
            self._promoted_stays(primary)

    def _check_mode(self) -> None:
        p = self.path
        if not isinstance(self.mode, str) or self.mode not in MODES:
            raise invalid(f"{p}.mode", self.mode, f"is not one of {', '.join(MODES)}")
        check_number(f"{p}.start_s", self.start_s, 0, 86_400 * 7, what=" seconds")
        if self.mode == "hot" and self.start_s > 0:
            raise invalid(f"{p}.start_s", self.start_s, "is for a warm or cold standby (a hot one is ready); "
                          "say mode: warm or mode: cold, or add the time to the failover")
        d = self.dormant_factor
        if d is not None:
            check_number(f"{p}.dormant_factor", d, 0, 1, what=" (a waiting standby's failure rate over a "
                         "running one's)")
            if self.mode == "hot" and d != 1:
                raise invalid(f"{p}.dormant_factor", d, "is for a warm or cold standby (a hot one runs and "
                              "fails as the primary does); say mode: warm or mode: cold")
        object.__setattr__(self, "dormancy", float(DORMANT_DEFAULT[self.mode] if d is None else d))

    def _check_dormant(self, primary: Memo) -> None:
        """A standby that fails less while it waits: each standby a component with MTBF
        and MTTR (or made perfect), the primary's outages known, service returning to the
        primary (a dormant standby is a spare, not a new primary)."""
        p = self.path
        why = f"(mode: {self.mode}, dormant_factor {self.dormancy:g})"
        if not self.failback:
            raise InvalidInputError(
                f"{p}.failback: a standby that waits dormant {why} is a spare: say failback: true (service "
                "returns to the primary once it is repaired), or dormant_factor: 1 for one that stays active")
        if len(self.standbys) > MAX_DORMANT_STANDBYS:
            raise InvalidInputError(f"{p}.standbys: {len(self.standbys)} dormant standbys; at most "
                                    f"{MAX_DORMANT_STANDBYS} {why}")
        for i, sb in enumerate(self.standbys):
            if not timed_component(sb) or getattr(sb, "count", 1) != 1:
                raise InvalidInputError(
                    f"{p}.standbys[{i}]: a dormant standby {why} must be one component with mtbf_h and "
                    "mttr_h (list several standbys rather than count)")
        if self.primary_outages is None and primary.get(self.primary)[1] > 0:
            raise InvalidInputError(f"{p}.primary: a dormant standby {why} needs the primary's outages: give "
                                    "its components mtbf_h and mttr_h")
        object.__setattr__(self, "dormant_units", tuple((m, r) for _, m, r in crew_classes(self.standbys)))
        object.__setattr__(self, "primary_rate", float(_rate_while_up(self.primary, primary) or 0.0)
                           + math.fsum(t[2] for t in self.primary_domains))

    def _check_replication(self) -> None:
        p = self.path
        if self.replication is None:
            if self.lag_s is not None:
                raise InvalidInputError(f"{p}.lag_s: give replication: async with it (a lag is an "
                                        "asynchronous replica's)")
            return
        if self.replication not in REPLICATION:
            raise invalid(f"{p}.replication", self.replication, f"is not one of {', '.join(REPLICATION)}")
        if self.replication == "sync":
            if self.lag_s not in (None, 0, 0.0):
                raise invalid(f"{p}.lag_s", self.lag_s, "is for replication: async (a synchronous replica "
                              "has no lag)")
            return
        if self.lag_s is None:
            raise InvalidInputError(f"{p}.lag_s: missing (replication: async needs the replica's lag in "
                                    "seconds: what a failover loses)")
        check_number(f"{p}.lag_s", self.lag_s, 0, 86_400 * 30, what=" seconds")

    @property
    def rpo_s(self) -> float | None:
        """The data a failover to the standbys loses [s]: 0 for synchronous replication,
        the lag for asynchronous, None when the block does not say."""
        if self.replication is None:
            return None
        return 0.0 if self.replication == "sync" else float(self.lag_s or 0.0)

    def _promoted_stays(self, primary: Memo) -> None:
        """Without failback the primary and the standbys take turns as the active unit,
        each until it fails: each is active a share of the time inversely proportional to
        its failure rate while up."""
        p = self.path
        group = _standby_group(self)
        standbys = stated(group, f"{p}.standbys")
        rates = [_rate_while_up(self.primary, primary), _rate_while_up(group, standbys)]
        rates = [None if r is None else r + math.fsum(t[2] for t in extra)
                 for r, extra in zip(rates, (self.primary_domains, self.standby_domains))]
        if None in rates:
            if self.failover_s == 0 and self.coverage == 1:
                return  # plain redundancy: who is active does not matter
            raise InvalidInputError(
                f"{p}.failback: false (the promoted standby stays active) needs the failure rates of the "
                "primary and the standbys: give their components mtbf_h and mttr_h, or say failback: true")
        if self.failover_s > 0:
            object.__setattr__(self, "standby_outages", _with_domains_mix(
                outage_mixture(group, memo=standbys), standbys.get(group)[1], self.standby_domains))
        # A turn ends at a failure that outlasts the failover (else the unit is back first
        # and stays active): turns last 1 / (rate x P(outage > t)) (coverage cancels out).
        r_p, r_g = float(rates[0] or 0.0), float(rates[1] or 0.0)  # both known here
        lp = r_p * _outlasts(self, self.primary_outages, True)
        lg = r_g * _outlasts(self, self.standby_outages, False)
        if lp + lg > 0:
            object.__setattr__(self, "roles", (lg / (lp + lg), lp / (lp + lg)))


def _per_mean(means: np.ndarray, t_s: Any, fn: Any) -> np.ndarray:
    """``fn(-t / m)`` for each failover time ``t_s`` [s] (a new last axis) and outage
    mean ``m`` [h] of a mixture; 0 where ``m`` is 0 (an outage that never lasts)."""
    t_h = np.asarray(t_s, dtype=float)[..., None] / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(means > 0, fn(-t_h / np.where(means > 0, means, 1.0)), 0.0)


def _taken(x: np.ndarray) -> np.ndarray:
    """``1 - exp(x)`` for ``x = -t / m``: E[min(t, R)] / E[R] of an exponential R."""
    return -np.expm1(x)


def _outlasts(node: Standby, mix: tuple | None, to_standbys: bool) -> float:
    """P(an outage outlasts the failover): over the outages' mixture by frequency (the
    downtime shares over the means), and over the failover's spread."""
    if mix is None or node.failover_s + (node.start_s if to_standbys else 0.0) <= 0:
        return 1.0
    shares, means = mix
    freq = np.where(means > 0, shares / np.where(means > 0, means, 1.0), 0.0)
    if not freq.sum() > 0:
        return 1.0
    freq = freq / freq.sum()
    nodes, weights = failover_times(node, to_standbys)
    return float(weights @ (_per_mean(means, nodes, np.exp) @ freq))


def _standby_group(node: Standby) -> Any:
    """The standbys as one block: the one standby, or all of them in parallel."""
    return node.standbys[0] if len(node.standbys) == 1 else Parallel(node.standbys, path=f"{node.path}.standbys")


def _with_domains_mean(mean_h: float | None, memo: Memo, node: Any, terms: tuple) -> float | None:
    """A block's mean outage [h] with the outages of the domains ``terms`` that take it
    down: (its downtime + theirs) / (its outages + theirs) per hour."""
    if not terms or mean_h is None:
        return mean_h
    u, f = memo.get(node)[1], memo.frequency(node) or 0.0
    du, df = math.fsum(t[0] for t in terms), math.fsum(t[2] for t in terms)
    return (u + du) / (f + df) if f + df > 0 else mean_h


def _with_domains_mix(mix: tuple | None, u: float, terms: tuple) -> tuple | None:
    """An outage mixture (shares of downtime, means [h]) with the domains' outages
    ``terms`` added, each weighted by its share of time down against the block's own
    downtime ``u``."""
    if not terms:
        return mix
    own_s, own_m = (np.zeros(0), np.zeros(0)) if mix is None else mix
    shares = np.concatenate([np.asarray(own_s, dtype=float) * u, [t[0] for t in terms]])
    means = np.concatenate([np.asarray(own_m, dtype=float), [t[1] for t in terms]])
    total = float(np.sum(shares))
    return (shares / total, means) if total > 0 else mix


def domain_terms(block: Any, domains: Any) -> tuple:
    """The zones and regions whose outage alone takes ``block`` down (every part up),
    each as (share of time down, mean outage [h], outages per hour), for
    ``Standby.primary_domains`` / ``standby_domains``. ``domains`` is the design's
    ``Domains``; a region takes its zones' blocks with it."""
    from ..evaluation import Memo, preorder
    from .placed import Placed

    order = preorder(block)
    placed = [n for n, _ in order if type(n) is Placed]
    if not placed:
        return ()
    comps = [n for n, kind in order if kind.leaf]
    index = {id(c): i for i, c in enumerate(comps)}
    zeros = np.zeros(len(comps))
    out = []
    for d in domains.all:
        gone = domains.lost_with(d.name)
        down = frozenset(id(n) for n in placed if n.domain in gone)
        if not down or Memo(block, index, zeros, order, down).get(block)[1] < 1.0:
            continue
        share = d.unavailability
        out.append((share, d.mttr_h, d.failure_rate_h * (1.0 - share)))
    return tuple(out)


def _rate_while_up(node: Any, memo: Memo) -> float | None:
    """Failures per hour of a block while it is up (outage frequency / availability),
    from its ``stated`` Memo."""
    f = memo.frequency(node)
    a = memo.get(node)[0]
    if f is None:
        return None
    return f / a if a > 0 else math.inf


def _timers_mean(timers: Any, where: str) -> float:
    """The mean failover time [s] of ``timers``, each checked."""
    if not isinstance(timers, tuple) or len(timers) != len(TIMERS):
        raise InvalidInputError(f"{where}: {timers!r} is not the five timers {', '.join(TIMERS)}")
    interval, threshold, ttl, promote, warmup = timers
    check_number(f"{where}.check_interval_s", interval, 0, 86_400, what=" seconds")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 100:
        raise InvalidInputError(f"{where}.failure_threshold: {threshold!r} is not a whole number in [1, 100]")
    for key, value in (("dns_ttl_s", ttl), ("promote_s", promote), ("warmup_s", warmup)):
        check_number(f"{where}.{key}", value, 0, 86_400, what=" seconds")
    return float(promote + warmup + interval * (threshold - 0.5) + ttl / 2.0)


def failover_times(node: Standby, to_standbys: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The failover time [s] as nodes and weights (one node for a fixed time): a timed
    failover's two uniform phases on a Gauss-Legendre grid. To the standbys it includes
    their ``start_s``; back to the primary (without failback) it does not."""
    start = node.start_s if to_standbys else 0.0
    if node.failover_timers is None:
        return np.array([float(node.failover_s) + start]), np.ones(1)
    interval, threshold, ttl, promote, warmup = node.failover_timers
    u1, u2 = np.meshgrid(_GL_X, _GL_X, indexing="ij")
    t = promote + warmup + start + interval * (threshold - 1 + u1) + ttl * u2
    return t.ravel(), np.outer(_GL_W, _GL_W).ravel()


def failover_share(node: Standby, failover_s: np.ndarray | None = None, of: str = "primary") -> Any:
    """The share of the primary's outages a failover costs, ``E[min(t, R)] / E[R]``
    over the primary's outage-length mixture, at the block's failover time, or at each
    of ``failover_s`` [s] (an array); ``of="standbys"``: of the standbys' outages (a
    failover back to the primary, without failback)."""
    mix = node.primary_outages if of == "primary" else node.standby_outages
    start = node.start_s if of == "primary" else 0.0
    t = node.failover_s + start if failover_s is None else np.asarray(failover_s, dtype=float) + start
    if mix is None:
        return 0.0 if failover_s is None else np.zeros_like(t)
    shares, means = mix
    if failover_s is None and node.failover_timers is not None:  # over the timers' spread
        nodes, weights = failover_times(node, of == "primary")
        return float(weights @ (_per_mean(means, nodes, _taken) @ shares))
    tau = np.sum(shares * _per_mean(means, t, _taken), axis=-1)
    return float(tau) if failover_s is None else tau


def standbys_in(order: list) -> tuple[Standby, ...]:
    """The standby blocks among ``preorder`` entries, in walk order."""
    return tuple(node for node, _ in order if type(node) is Standby)


def failover_times_s(root: Any) -> list[float]:
    """The failover time [s] of every standby in the tree (a warm or cold one's start
    time included)."""
    return [node.failover_s + node.start_s for node in standbys_in(preorder(root))]


def in_a_primary(root: Any, names: set[str]) -> bool:
    """Whether a named component is in a standby's primary: the standby's failover
    share is fixed by its primary's figures when it is built, so changing such a
    component needs the design rebuilt, not just new figures."""
    return any(names & {c.name for c in leaves(node.primary)} for node in standbys_in(preorder(root)))


def standby_label(node: Standby) -> str:
    """A standby block as people read it: its name, else the failover of its primary's parts."""
    if node.name:
        return node.name
    names = [c.display for c in leaves(node.primary)]
    more = f" and {len(names) - 2} more" if len(names) > 2 else ""
    return f"failover of {', '.join(names[:2])}{more}"


def _read_timers(body: Any, where: str) -> tuple:
    """``failover: {check_interval_s, failure_threshold, dns_ttl_s, promote_s, warmup_s}``."""
    if not isinstance(body, Mapping):  # a scenario's inline design is read-only mappings
        raise InvalidInputError(f"{where}: {body!r} is not a mapping of {', '.join(TIMERS)}")
    for key in body:
        if key not in TIMERS:
            raise InvalidInputError(f"{where}.{shown_key(key)}: unknown timer; allowed: {', '.join(TIMERS)}")
    if "check_interval_s" not in body:
        raise InvalidInputError(f"{where}.check_interval_s: missing (how often health is checked)")
    values = []
    for key in TIMERS:
        raw = body.get(key, _TIMER_DEFAULTS.get(key))
        values.append(whole_number(f"{where}.{key}", raw) if key == "failure_threshold"
                      else read_number(f"{where}.{key}", raw))
    return tuple(values)


def _dormant_p0(node: Standby, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each dormant standby's chance of being down when the primary fails, and its
    rate of settling while it serves [1/h]; ``q`` (standbys on axis 0) is each one's
    unavailability while it serves. Each standby is a two-state Markov unit that fails
    ``dormancy`` times as often while it waits: between the primary's failures (up
    times exponential at the primary's rate) it settles towards its waiting
    unavailability, through the primary's outages (the outage mixture) towards its
    serving one, or stays waiting where the failover fails (1 - coverage). ``p0`` is
    the fixed point of that cycle."""
    d, c, r = node.dormancy, node.coverage, node.primary_rate
    mttr = np.asarray([r for _, r in node.dormant_units or ()], dtype=float).reshape((-1,) + (1,) * (q.ndim - 1))
    shares, means = node.primary_outages  # type: ignore[misc]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        freq = np.where(means > 0, shares / np.where(means > 0, means, 1.0), 0.0)
        freq = freq / freq.sum()
        ok = (mttr > 0) & (q > 0) & (q < 1)
        qq = np.where(ok, q, 0.5)
        m = np.where(mttr > 0, mttr, 1.0)
        lam = qq / (1.0 - qq) / m
        kap_a = 1.0 / (m * (1.0 - qq))  # serving: lambda + mu
        kap_i = d * lam + 1.0 / m  # waiting
        u_i = d * lam / kap_i

        def settle(kappa: np.ndarray) -> np.ndarray:  # E[exp(-kappa R)] over the outages
            return np.sum(freq / (1.0 + kappa[..., None] * means), axis=-1)

        la, li = settle(kap_a), settle(kap_i)
        a_end = c * qq * (1.0 - la) + (1.0 - c) * u_i * (1.0 - li)
        b_end = c * la + (1.0 - c) * li
        lu = r / (r + kap_i) if r > 0 else np.zeros_like(kap_i)
        p0 = (u_i * (1.0 - lu) + lu * a_end) / (1.0 - lu * b_end)
    p0 = np.where(ok, p0, np.where(q >= 1, 1.0, 0.0))
    return p0, np.where(ok, kap_a, 1e300)


def _dormant_rest(node: Standby, q: np.ndarray, t_s: Any = None) -> Any:
    """``G``: the share of the primary's downtime, past the failover, during which every
    dormant standby is down too: ``E[int_t^R prod_k P_k(s) ds] / E[R]`` with
    ``P_k(s) = q_k + (p0_k - q_k) exp(-kappa_k s)`` (each standby serving from the
    primary's failure), summed over the 2^n subsets of the product's terms and over the
    primary's outage mixture and the failover's spread (``t_s`` [s]: one failover time
    per entry of ``q[0]`` instead, e.g. uncertainty draws). Hot standbys give
    ``(1 - tau) U_s``."""
    q = np.asarray(q, dtype=float)
    if node.primary_outages is None:  # a primary that never fails: nothing to cover
        return np.zeros(q.shape[1:])
    p0, kap = _dormant_p0(node, q)
    b = p0 - q
    shares, means = node.primary_outages  # type: ignore[misc]
    if t_s is None:
        nodes, weights = failover_times(node)
        t_h = nodes / 3600.0  # (T,)
    else:
        t_h = (np.asarray(t_s, dtype=float) + node.start_s)[..., None] / 3600.0  # (..., 1)
        weights = np.ones(1)
    n = q.shape[0]
    inv_m = np.where(means > 0, 1.0 / np.where(means > 0, means, 1.0), 0.0)
    total = np.zeros(q.shape[1:] + (weights.size,))
    for subset in range(1 << n):
        coef = np.ones(q.shape[1:])
        k_s = np.zeros(q.shape[1:])
        for k in range(n):
            if subset >> k & 1:
                coef = coef * b[k]
                k_s = k_s + kap[k]
            else:
                coef = coef * q[k]
        rate = k_s[..., None, None] + inv_m  # (..., 1, M)
        with np.errstate(over="ignore", invalid="ignore"):
            term = np.exp(-rate * t_h[..., :, None]) / (k_s[..., None, None] * means + 1.0)
        term = np.where(np.isfinite(term), term, 0.0)
        total = total + coef[..., None] * np.sum(shares * term, axis=-1)
    return total @ weights


def _u(node: Standby, up: Any, us: Any, tau_p: Any, tau_s: Any) -> Any:
    """U of the block from the primary's and the standbys' U and the failover shares:
    the primary's turn as the active unit, and without failback the standbys' turn."""
    c = node.coverage
    u = up * (c * (tau_p + (1 - tau_p) * us) + (1 - c))
    if node.failback:
        return u
    w_p, w_s = node.roles
    return w_p * u + w_s * us * (c * (tau_s + (1 - tau_s) * up) + (1 - c))


def _u_dormant(node: Standby, up: Any, qs: Any, tau_p: Any, t_s: Any = None) -> Any:
    """U of a block whose standbys wait dormant (failback only): the primary's outages
    cost the failover, and past it the time every standby is down (``_dormant_rest``)."""
    c = node.coverage
    return up * (c * (tau_p + _dormant_rest(node, qs, t_s)) + (1 - c))


class StandbyKind(BlockKind):
    key = "standby"
    cls = Standby

    def in_domains(self, node: Standby, domains: Any) -> Standby:
        """The standby told which zones and regions take its primary (or every standby)
        down (``domain_terms``): its failover is charged against their outages too."""
        terms = (domain_terms(node.primary, domains), domain_terms(_standby_group(node), domains))
        if terms == (node.primary_domains, node.standby_domains):
            return node
        return replace(node, primary_domains=terms[0], standby_domains=terms[1])

    def is_linear(self, node: Standby) -> bool:
        """Linear in each child's U, unless the standbys wait dormant (then the time
        they are down while they serve is not linear in their U)."""
        return node.dormancy >= 1

    def children(self, node: Standby) -> tuple:
        return (node.primary, *node.standbys)

    def rebuild(self, node: Standby, kids: tuple) -> Standby:
        return replace(node, primary=kids[0], standbys=tuple(kids[1:]))

    def parse(self, body: Any, path: str, read: Any) -> Standby:
        body = body_mapping(path, body, self.key, _FIELDS)
        required_fields(path, body, "primary", "standbys")
        primary = read(body["primary"], f"{path}.primary")
        standbys = read_blocks(f"{path}.standbys", body["standbys"], read)
        ef = optional_number(path, body, "failover_error_factor")
        ways = [k for k in ("failover_s", "failover_preset", "failover") if k in body]
        if len(ways) > 1:
            raise InvalidInputError(f"{path}: give one of failover_s, failover_preset or failover, not "
                                    f"{' and '.join(ways)}")
        timers = None
        if "failover_preset" in body:
            from ...failover import failover_error_factor, failover_seconds
            try:
                failover_s = failover_seconds(body["failover_preset"])
                if ef is None:  # the preset's best and worst cases say how sure it is
                    ef = failover_error_factor(body["failover_preset"])
            except InvalidInputError as exc:
                raise InvalidInputError(f"{path}.{exc}") from None
        elif "failover" in body:
            timers = _read_timers(body["failover"], f"{path}.failover")
            failover_s = 0.0
        else:
            failover_s = read_number(f"{path}.failover_s", body.get("failover_s", 0))
        return Standby(primary, standbys, failover_s=failover_s,
                       coverage=read_number(f"{path}.coverage", body.get("coverage", 1)), path=path,
                       failover_error_factor=ef, name=body.get("name"), failover_timers=timers,
                       failback=body.get("failback", False), replication=body.get("replication"),
                       lag_s=None if "lag_s" not in body else read_number(f"{path}.lag_s", body["lag_s"]),
                       mode=body.get("mode", "hot"), start_s=read_number(f"{path}.start_s", body.get("start_s", 0)),
                       dormant_factor=optional_number(path, body, "dormant_factor"))

    def dump(self, node: Standby, write: Any) -> dict:
        body: dict = {"primary": write(node.primary), "standbys": [write(c) for c in node.standbys]}
        if node.failover_timers is None:
            body["failover_s"] = float(node.failover_s)
        else:
            body["failover"] = {k: (int(v) if k == "failure_threshold" else float(v))
                                for k, v in zip(TIMERS, node.failover_timers)}
        if node.coverage != 1:
            body["coverage"] = float(node.coverage)
        if node.failover_error_factor is not None:
            body["failover_error_factor"] = float(node.failover_error_factor)
        if node.name is not None:
            body["name"] = node.name
        if node.failback:
            body["failback"] = True
        if node.replication is not None:
            body["replication"] = node.replication
        if node.replication == "async":
            body["lag_s"] = float(node.lag_s or 0.0)
        if node.mode != "hot":
            body["mode"] = node.mode
        if node.start_s:
            body["start_s"] = float(node.start_s)
        if node.dormant_factor is not None:
            body["dormant_factor"] = float(node.dormant_factor)
        return body

    def schema(self) -> dict:
        number = "#/$defs/number"
        return {
            "type": "object", "additionalProperties": False, "required": ["primary", "standbys"],
            "allOf": [{"not": {"required": pair}} for pair in (
                ["failover_s", "failover_preset"], ["failover_s", "failover"], ["failover_preset", "failover"])],
            "properties": {
                "primary": {"$ref": "#/$defs/block"},
                "standbys": {"$ref": "#/$defs/blocks"},
                "failover_s": {"$ref": number, "description": "Detection plus switchover [s], >= 0; default 0."},
                "failover_preset": {"type": "string", "description": (
                    "A failover timeline preset (a name in data/failover_presets.csv); its typical total "
                    "becomes failover_s.")},
                "failover": {
                    "type": "object", "additionalProperties": False, "required": ["check_interval_s"],
                    "description": (
                        "The failover's timers: it lasts promote_s + warmup_s + check_interval_s x "
                        "(failure_threshold - 1 + U1) + dns_ttl_s x U2, U1 and U2 uniform on [0, 1] (the "
                        "phase of the first failed check, the TTL left in resolvers): a distribution, "
                        "whose mean becomes failover_s."),
                    "properties": {
                        "check_interval_s": {"$ref": number, "description": "Health-check interval [s]."},
                        "failure_threshold": {"type": "integer", "minimum": 1, "maximum": 100,
                                              "description": "Failed checks before failing over; default 1."},
                        "dns_ttl_s": {"$ref": number, "description": "DNS TTL [s] clients may still hold; default 0."},
                        "promote_s": {"$ref": number, "description": "Promoting the standby [s]; default 0."},
                        "warmup_s": {"$ref": number, "description": "Warm-up and reconnects [s]; default 0."},
                    },
                },
                "coverage": {"$ref": number,
                             "description": "Probability that a failover works, in [0, 1]; default 1."},
                "failover_error_factor": {"$ref": number, "description": (
                    "How uncertain the failover time is: p95 / p50 of a lognormal, in [1, 100]. With "
                    "failover_preset and no factor, the preset's best and worst cases give it.")},
                "name": {"type": "string", "description": "What people call it, e.g. database failover."},
                "failback": {"type": "boolean", "description": (
                    "true: service returns to the primary once it is repaired; false (default): the "
                    "promoted standby stays active until it fails in turn (Patroni, RDS).")},
                "replication": {"enum": list(REPLICATION), "description": (
                    "How the standbys' copy follows the primary: sync loses nothing at a failover, async "
                    "loses lag_s; it sets the RPO of the recoveries the design makes itself.")},
                "lag_s": {"$ref": number, "description": "An asynchronous replica's lag [s], up to 30 days."},
                "mode": {"enum": list(MODES), "description": (
                    "How the standbys wait: hot (running and ready, the default), warm (running, readied "
                    "in start_s), cold (off: started in start_s, and does not fail while it waits).")},
                "start_s": {"$ref": number, "description": (
                    "Readying a warm or cold standby [s], added to every failover to it; default 0.")},
                "dormant_factor": {"$ref": number, "description": (
                    "A waiting standby's failure rate over a serving one's, in [0, 1]; default 1 (warm), "
                    "0 (cold). Below 1: each standby one component with MTBF and MTTR, and failback: true.")},
            },
        }

    def examples(self) -> list:
        return [{"primary": example_leaf("p", 100.0, 4.0), "standbys": [example_leaf("s", 50.0, 5.0)],
                 "failover_s": 120.0, "coverage": 0.9, "failback": True},
                {"primary": example_leaf("p", 2000.0, 1.0), "standbys": [example_leaf("s", 300.0, 3.0)],
                 "failover_s": 600.0, "coverage": 0.98, "name": "promoted replica stays primary",
                 "replication": "async", "lag_s": 5.0},
                {"primary": example_leaf("p", 100.0, 4.0),
                 "standbys": [example_leaf("s1", 50.0, 5.0), example_leaf("s2", 80.0, 2.0)],
                 "failover_s": 0.0, "failover_error_factor": 3.0, "name": "database failover",
                 "replication": "sync"},
                {"primary": example_leaf("p", 100.0, 1.0), "standbys": [example_leaf("s", 80.0, 2.0)],
                 "failover": {"check_interval_s": 600.0, "failure_threshold": 3, "dns_ttl_s": 1800.0,
                              "promote_s": 120.0, "warmup_s": 60.0}, "coverage": 0.95, "name": "region failover"},
                {"primary": example_leaf("p", 100.0, 4.0),
                 "standbys": [example_leaf("s1", 50.0, 5.0), example_leaf("s2", 80.0, 2.0)],
                 "failover_s": 300.0, "coverage": 0.9, "failback": True, "mode": "cold", "start_s": 120.0,
                 "name": "cold spares"},
                {"primary": example_leaf("p", 100.0, 1.0), "standbys": [example_leaf("s", 80.0, 2.0)],
                 "failover": {"check_interval_s": 60.0, "failure_threshold": 3, "dns_ttl_s": 300.0,
                              "promote_s": 30.0, "warmup_s": 0.0},
                 "failback": True, "mode": "warm", "dormant_factor": 0.3, "start_s": 600.0, "name": "warm site"}]

    def scalar(self, node: Standby, memo: Any) -> tuple[float, float]:
        up = memo.get(node.primary)[1]
        qs = memo.kids(node.standbys)[1]
        if node.dormancy < 1:
            u = float(_u_dormant(node, up, np.array(qs, dtype=float), failover_share(node)))
            return 1.0 - u, u
        u = _u(node, up, math.prod(qs), failover_share(node), failover_share(node, of="standbys"))
        return 1.0 - u, u

    def vector(self, node: Standby, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        _, up = ev.aq(node.primary, Q, over)
        kids = ev.children_aq(node, node.standbys, Q, over)
        tau = over.get(id(node))
        tau_p, tau_s = (failover_share(node), failover_share(node, of="standbys")) if tau is None else tau[:2]
        if node.dormancy < 1:
            u = _u_dormant(node, up, np.asarray(kids[1], dtype=float), tau_p, None if tau is None else tau[2])
            return 1.0 - u, u
        _, us = parallel_aq(*kids)
        u = _u(node, up, us, tau_p, tau_s)
        return 1.0 - u, u

    def frequency(self, node: Standby, memo: Any) -> float | None:
        """Every failure of the active unit is an outage when failover takes time (with
        an instant failover only if the other is down); a failed failover costs the
        repair; the other failing during the repair (after the failover) is one more.
        Without failback, the primary's and the standbys' turns weighted by ``roles``."""
        fp = memo.frequency(node.primary)
        fs_list = [memo.frequency(c) for c in node.standbys]
        known_s = [f for f in fs_list if f is not None]
        if fp is None or len(known_s) < len(fs_list):
            return None
        a_s, q_s = memo.kids(node.standbys)
        fs = math.fsum(f * w for f, w in zip(known_s, critical_scalar(1, a_s, q_s)))
        up, us = memo.get(node.primary)[1], math.prod(q_s)
        c = node.coverage
        timed = node.failover_s + node.start_s > 0
        if node.dormancy < 1 and node.primary_outages is not None:  # waiting standbys are down less often
            us_at_failure = float(np.prod(_dormant_p0(node, np.array(q_s, dtype=float))[0]))
            return float(fp * ((1 - c) + c * (1.0 if timed else us_at_failure))
                         + fp * c * fs * node.primary_outage_h * (1.0 - failover_share(node)))

        def turn(f_active: float, r_active: float, tau: float, u_other: float, f_other: float) -> float:
            hit = 1.0 if timed and r_active > 0 else u_other
            return f_active * ((1 - c) + c * hit) + f_active * c * f_other * r_active * (1.0 - tau)

        r_p = node.primary_outage_h
        out = turn(fp, r_p, failover_share(node), us, fs)
        if node.failback:
            return float(out)
        w_p, w_s = node.roles
        r_s = us / fs if fs > 0 else 0.0
        back = turn(fs, r_s, failover_share(node, of="standbys"), up, fp)
        return float(w_p * out + w_s * back)

    def _dormant_at(self, node: Standby, memo: Any, index: int, value: float) -> float:
        """The block's U with child ``index`` (a dormant standby, 1 on) at U ``value``."""
        up = memo.get(node.primary)[1]
        qs = np.array(memo.kids(node.standbys)[1], dtype=float)
        qs[index - 1] = min(max(value, 0.0), 1.0)
        return float(_u_dormant(node, up, qs, failover_share(node)))

    def delta(self, node: Standby, memo: Any, index: int, change: float) -> float:
        """Exact: the primary enters linearly; a dormant standby's change is re-evaluated."""
        if node.dormancy >= 1 or index == 0:
            return self.slopes(node, memo)[index] * change
        q = memo.kids(node.standbys)[1][index - 1]
        return self._dormant_at(node, memo, index, q + change) - self._dormant_at(node, memo, index, q)

    def slopes(self, node: Standby, memo: Any) -> list[float]:
        """Exact: the formula is linear in the primary's U and in the standbys' (each);
        with dormant standbys, their slopes are central differences."""
        if node.dormancy < 1:
            up = memo.get(node.primary)[1]
            qs = np.array(memo.kids(node.standbys)[1], dtype=float)
            c = node.coverage
            tau = failover_share(node)
            out = [float(c * (tau + _dormant_rest(node, qs)) + (1 - c))]
            for k, q in enumerate(qs):
                h = max(1e-6 * q, 1e-300)
                lo, hi = max(q - h, 0.0), min(q + h, 1.0)
                if hi <= lo:
                    out.append(0.0)
                    continue
                out.append((self._dormant_at(node, memo, k + 1, hi) - self._dormant_at(node, memo, k + 1, lo))
                           / (hi - lo))
            return out
        up = memo.get(node.primary)[1]
        a_s, q_s = memo.kids(node.standbys)
        us = math.prod(q_s)
        tau_p, tau_s, c = failover_share(node), failover_share(node, of="standbys"), node.coverage
        w_p, w_s = (1.0, 0.0) if node.failback else node.roles
        d_primary = w_p * (c * (tau_p + (1 - tau_p) * us) + (1 - c)) + w_s * us * c * (1 - tau_s)
        d_group = w_p * up * c * (1 - tau_p) + w_s * (c * (tau_s + (1 - tau_s) * up) + (1 - c))
        return [d_primary] + [d_group * x for x in critical_scalar(1, a_s, q_s)]

    def lower(self, node: Standby, lower: Any, ctx: Any) -> tuple:
        sb = tuple(lower(c) for c in node.standbys)
        timers = None
        if node.failover_timers is not None:
            interval, threshold, ttl, promote, warmup = node.failover_timers
            timers = (interval / 3600.0, int(threshold), ttl / 3600.0, (promote + warmup) / 3600.0)
        return ("standby", lower(node.primary), ("atleast", len(sb), sb),
                node.failover_s / 3600.0, float(node.coverage), timers, bool(node.failback),
                node.start_s / 3600.0, float(node.dormancy), node.dormant_units)

    def label(self, node: Standby) -> str:
        from ...formatting import format_duration, format_percent

        name = f"{node.name}: " if node.name else ""
        timed = " on average (timers)" if node.failover_timers is not None else ""
        if node.mode != "hot":
            timed += f" + {format_duration(node.start_s)} to start a {node.mode} standby"
            if node.dormancy < 1:
                timed += (" that does not fail while it waits" if node.dormancy == 0
                          else f" that fails {node.dormancy:g} times as often while it waits")
        copy = {None: "", "sync": ", synchronous replication"}.get(
            node.replication, f", asynchronous replication ({format_duration(node.lag_s or 0.0)} lag)")
        return (f"{name}standby: failover {format_duration(node.failover_s)}{timed}, "
                f"works {format_percent(node.coverage)} of the time{copy}")

    def after_failure(self, node: Standby, failed: set[str], recurse: Any) -> tuple[bool, float]:
        up_p, cov_p = recurse(node.primary)
        if up_p:
            return True, cov_p
        for s in node.standbys:
            up_s, cov_s = recurse(s)
            if up_s:
                return True, node.coverage * cov_s
        return False, 1.0


KIND = StandbyKind()
