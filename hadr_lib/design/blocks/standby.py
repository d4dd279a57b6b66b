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
"""

from __future__ import annotations

import math
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
from .gate import checked_children
from .parallel import Parallel

__all__ = ["KIND", "TIMERS", "Standby", "failover_share", "failover_times", "failover_times_s", "in_a_primary",
           "standby_label", "standbys_in"]

_FIELDS = ("primary", "standbys", "failover_s", "failover_preset", "failover", "coverage",
           "failover_error_factor", "name", "failback", "replication", "lag_s")
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
    roles: tuple = field(default=(1.0, 0.0), init=False, compare=False, repr=False)
    standby_outages: tuple | None = field(default=None, init=False, compare=False, repr=False)
    #: Mean outage length of the primary [h] at its stated figures (0 if unknown):
    #: derived once here, since every evaluation of the block needs it.
    primary_outage_h: float = field(default=0.0, init=False, compare=False, repr=False)
    #: The primary's outages as a mixture: (share of its downtime, mean outage [h]) per
    #: part (``outage_mixture``), or None without a failover time.
    primary_outages: tuple | None = field(default=None, init=False, compare=False, repr=False)

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
        outage = block_mean_outage_h(self.primary, memo=primary)
        if self.failover_s > 0 and outage is None:
            raise InvalidInputError(
                f"{p}.primary: a failover time needs the primary's mean outage length: "
                "give its components mtbf_h and mttr_h (or set failover_s: 0)")
        object.__setattr__(self, "primary_outage_h", 0.0 if outage is None else outage)
        if self.failover_s > 0 and outage:
            object.__setattr__(self, "primary_outages", outage_mixture(self.primary, memo=primary))
        if not isinstance(self.failback, bool):
            raise invalid(f"{p}.failback", self.failback, "is not true or false")
        self._check_replication()
        if not self.failback:
            self._promoted_stays(primary)

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
        group = self.standbys[0] if len(self.standbys) == 1 else Parallel(self.standbys, path=f"{p}.standbys")
        standbys = stated(group, f"{p}.standbys")
        rates = [_rate_while_up(self.primary, primary), _rate_while_up(group, standbys)]
        if None in rates:
            if self.failover_s == 0 and self.coverage == 1:
                return  # plain redundancy: who is active does not matter
            raise InvalidInputError(
                f"{p}.failback: false (the promoted standby stays active) needs the failure rates of the "
                "primary and the standbys: give their components mtbf_h and mttr_h, or say failback: true")
        if self.failover_s > 0:
            object.__setattr__(self, "standby_outages", outage_mixture(group, memo=standbys))
        # A turn ends at a failure that outlasts the failover (else the unit is back first
        # and stays active): turns last 1 / (rate x P(outage > t)) (coverage cancels out).
        r_p, r_g = float(rates[0] or 0.0), float(rates[1] or 0.0)  # both known here
        lp = r_p * _outlasts(self, self.primary_outages)
        lg = r_g * _outlasts(self, self.standby_outages)
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


def _outlasts(node: Standby, mix: tuple | None) -> float:
    """P(an outage outlasts the failover): over the outages' mixture by frequency (the
    downtime shares over the means), and over the failover's spread."""
    if mix is None or node.failover_s <= 0:
        return 1.0
    shares, means = mix
    freq = np.where(means > 0, shares / np.where(means > 0, means, 1.0), 0.0)
    if not freq.sum() > 0:
        return 1.0
    freq = freq / freq.sum()
    nodes, weights = failover_times(node)
    return float(weights @ (_per_mean(means, nodes, np.exp) @ freq))


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


def failover_times(node: Standby) -> tuple[np.ndarray, np.ndarray]:
    """The failover time [s] as nodes and weights (one node for a fixed time): a timed
    failover's two uniform phases on a Gauss-Legendre grid."""
    if node.failover_timers is None:
        return np.array([float(node.failover_s)]), np.ones(1)
    interval, threshold, ttl, promote, warmup = node.failover_timers
    u1, u2 = np.meshgrid(_GL_X, _GL_X, indexing="ij")
    t = promote + warmup + interval * (threshold - 1 + u1) + ttl * u2
    return t.ravel(), np.outer(_GL_W, _GL_W).ravel()


def failover_share(node: Standby, failover_s: np.ndarray | None = None, of: str = "primary") -> Any:
    """The share of the primary's outages a failover costs, ``E[min(t, R)] / E[R]``
    over the primary's outage-length mixture, at the block's failover time, or at each
    of ``failover_s`` [s] (an array); ``of="standbys"``: of the standbys' outages (a
    failover back to the primary, without failback)."""
    mix = node.primary_outages if of == "primary" else node.standby_outages
    t = node.failover_s if failover_s is None else np.asarray(failover_s, dtype=float)
    if mix is None:
        return 0.0 if failover_s is None else np.zeros_like(t)
    shares, means = mix
    if failover_s is None and node.failover_timers is not None:  # over the timers' spread
        nodes, weights = failover_times(node)
        return float(weights @ (_per_mean(means, nodes, _taken) @ shares))
    tau = np.sum(shares * _per_mean(means, t, _taken), axis=-1)
    return float(tau) if failover_s is None else tau


def standbys_in(order: list) -> tuple[Standby, ...]:
    """The standby blocks among ``preorder`` entries, in walk order."""
    return tuple(node for node, _ in order if type(node) is Standby)


def failover_times_s(root: Any) -> list[float]:
    """The failover time [s] of every standby in the tree."""
    return [node.failover_s for node in standbys_in(preorder(root))]


def in_a_primary(root: Any, names: set[str]) -> bool:
    """Whether a named component is in a standby's primary: the standby's failover
    share is fixed by its primary's figures when it is built, so changing such a
    component needs the design rebuilt, not just new figures."""
    return any(names & {c.name for c in leaves(node.primary)} for node in standbys_in(preorder(root)))


def standby_label(node: Standby) -> str:
    """A standby block as people read it: its name, else the failover of its primary's parts."""
    if node.name:
        return node.name
    names = [c.name for c in leaves(node.primary)]
    more = f" and {len(names) - 2} more" if len(names) > 2 else ""
    return f"failover of {', '.join(names[:2])}{more}"


def _read_timers(body: Any, where: str) -> tuple:
    """``failover: {check_interval_s, failure_threshold, dns_ttl_s, promote_s, warmup_s}``."""
    if not isinstance(body, dict):
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


def _u(node: Standby, up: Any, us: Any, tau_p: Any, tau_s: Any) -> Any:
    """U of the block from the primary's and the standbys' U and the failover shares:
    the primary's turn as the active unit, and without failback the standbys' turn."""
    c = node.coverage
    u = up * (c * (tau_p + (1 - tau_p) * us) + (1 - c))
    if node.failback:
        return u
    w_p, w_s = node.roles
    return w_p * u + w_s * us * (c * (tau_s + (1 - tau_s) * up) + (1 - c))


class StandbyKind(BlockKind):
    key = "standby"
    cls = Standby

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
                       lag_s=None if "lag_s" not in body else read_number(f"{path}.lag_s", body["lag_s"]))

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
                              "promote_s": 120.0, "warmup_s": 60.0}, "coverage": 0.95, "name": "region failover"}]

    def scalar(self, node: Standby, memo: Any) -> tuple[float, float]:
        up = memo.get(node.primary)[1]
        us = math.prod(memo.kids(node.standbys)[1])
        u = _u(node, up, us, failover_share(node), failover_share(node, of="standbys"))
        return 1.0 - u, u

    def vector(self, node: Standby, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        _, up = ev.aq(node.primary, Q, over)
        _, us = parallel_aq(*ev.children_aq(node, node.standbys, Q, over))
        tau = over.get(id(node))
        tau_p, tau_s = (failover_share(node), failover_share(node, of="standbys")) if tau is None else tau
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
        timed = node.failover_s > 0

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

    def slopes(self, node: Standby, memo: Any) -> list[float]:
        """Exact: the formula is linear in the primary's U and in the standbys' (each)."""
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
                node.failover_s / 3600.0, float(node.coverage), timers, bool(node.failback))

    def label(self, node: Standby) -> str:
        from ...formatting import format_duration, format_percent

        name = f"{node.name}: " if node.name else ""
        timed = " on average (timers)" if node.failover_timers is not None else ""
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
