"""Shared repair: ``crews: N`` on a ``k_of_n`` or ``parallel`` of components.

Without it every part has its own repair crew. With ``N`` crews for the group's
``n`` units (each component counts its ``count`` replicas), a failure waits while
every crew is busy, so parts are down longer exactly when others are down too.

The model, exact and solved in closed form: each unit fails at ``lambda = 1 / MTBF``
while up; the busy crews are shared evenly among the units waiting for repair (a
unit is repaired at ``mu x min(J, N) / J`` with ``J`` units down). That chain is
reversible, so the probability of a set ``S`` of units down is::

    pi(S) = w(|S|) prod_{u in S} rho_u / Z,   rho = lambda / mu = MTTR / MTBF,
    w(J) = J! / prod_{i <= J} min(i, N)

and the group's U sums ``w(J) e_J(rho)`` over the ``J`` that bring it down
(``e_J``: the elementary symmetric polynomials of the units' ``rho``). With ``N >=
n`` it is the independent answer. It is also exact for first come, first served
(how crews work, and what both simulations do) whenever the members share one MTTR,
whatever their MTBFs (a product-form network: a FCFS station whose rate does not
depend on the class). Everything is in logarithms, so a 990-of-1000 quorum at high
nines keeps its precision and U is never above 1.

When the members' MTTRs differ, the order of repair matters: under first come, first
served a slow repair holds the crew while faster ones wait, and the even share errs
low (for two members and one crew by ``(r + 1/r) / 2 - 1`` of the pair's downtime, r
the ratio of their MTTRs: 8% at r = 1.5). Those groups are solved as the
first-come-first-served chain itself (state: the members in repair and the order of
those waiting, identical members merged), by GTH elimination, which keeps every
probability's relative precision, while the chain has at most ``MAX_FIFO_STATES``
states (up to five distinct members with one crew); past that the even share is used
and errs low, by much when the MTTRs spread widely (half the simulated U for six
members with MTTRs from 2 to 12 h in a 4-of-6 with one crew).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checks import InvalidInputError, invalid

__all__ = ["MAX_CREW_UNITS", "MAX_FIFO_STATES", "check_crews", "crew_classes", "shares_repair", "shared_repair_aq",
           "shared_repair_scalar"]

#: Most units (replicas) a group with shared crews may have: the solution is O(n^2).
MAX_CREW_UNITS = 2_000
#: Most states of a first-come-first-served chain solved exactly (members with
#: different MTTRs); past it, the even share (a product form) is used.
MAX_FIFO_STATES = 400
#: log(rho) for a unit that is always down (q = 1): large but finite, so the sums hold.
_LOG_RHO_MAX = 1e4


def crew_classes(children: tuple) -> list[tuple[int, float, float]]:
    """(count, MTBF, MTTR) of each child component; a member made perfect
    (availability 1 without MTBF) is never down: MTBF inf, MTTR 0."""
    return [(int(c.count), math.inf, 0.0) if _perfect(c) else (int(c.count), float(c.mtbf_h), float(c.mttr_h))
            for c in children]


def _perfect(child: Any) -> bool:
    return getattr(child, "mtbf_h", None) is None and getattr(child, "availability", None) == 1.0


def timed_component(child: Any) -> bool:
    """Whether a block is a component whose failures and repairs can be drawn one by
    one: it has MTBF and MTTR, or was made perfect (never down)."""
    from .kinds import kind_of

    return kind_of(child).leaf and (getattr(child, "mtbf_h", None) is not None or _perfect(child))


def check_crews(path: str, crews: Any, children: tuple) -> int | None:
    """``crews`` checked against the children (components with MTBF and MTTR, at
    most ``MAX_CREW_UNITS`` replicas in all); None when not given."""
    if crews is None:
        return None
    if isinstance(crews, bool) or not isinstance(crews, int) or crews < 1:
        raise invalid(f"{path}.crews", crews, "is not a whole number of repair crews (1 or more)")
    for i, child in enumerate(children):
        if not timed_component(child):
            raise InvalidInputError(
                f"{path}.crews: shared repair needs every member to be a component with mtbf_h and mttr_h; "
                f"member {i + 1} is not (crews: {crews})")
    units = sum(int(c.count) for c in children)
    if units > MAX_CREW_UNITS:
        raise InvalidInputError(
            f"{path}.crews: {units:,} replicas share the crews; at most {MAX_CREW_UNITS:,} can be solved "
            "(leave crews out for independent repair)")
    return int(crews)


#: The file's ``crews`` field, as the JSON Schema of ``parallel`` and ``k_of_n`` says it.
CREWS_SCHEMA = {"type": "integer", "minimum": 1, "description": (
    "Repair crews the members share (members: components with mtbf_h and mttr_h); "
    "default: each member repaired on its own.")}


def read_crews(path: str, body: Any) -> int | None:
    """A body's ``crews`` as a whole number (checked against the members later), or None."""
    from .kinds import whole_number

    crews = body.get("crews")
    return None if crews is None else whole_number(f"{path}.crews", crews)


def crews_label(node: Any) -> str:
    """``, N repair crews`` for a block label (empty without shared crews)."""
    crews = getattr(node, "crews", None)
    return "" if crews is None else f", {crews} repair crew{'s' if crews > 1 else ''}"


def shares_repair(node: Any) -> bool:
    """Whether a gate's members queue for repair (fewer crews than units)."""
    crews = getattr(node, "crews", None)
    return crews is not None and crews < sum(int(c.count) for c in node.children)


def _log_rho(q: Any) -> np.ndarray:
    """log(q / (1 - q)) of replica unavailabilities, -inf at 0, large at 1."""
    q = np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(q) - np.log1p(-q)
    return np.where(q >= 1.0, _LOG_RHO_MAX, np.minimum(out, _LOG_RHO_MAX))


def _log_binomials(c: int) -> np.ndarray:
    j = np.arange(c + 1)
    return np.array([math.lgamma(c + 1) - math.lgamma(x + 1) - math.lgamma(c - x + 1) for x in j])


def _times_class(poly: np.ndarray, c: int, log_rho: np.ndarray) -> np.ndarray:
    """``poly(x) (1 + rho x)^c`` in logs: coefficients on axis 0, anything after."""
    if c == 0:
        return poly
    binom = _log_binomials(c)
    out = np.full((poly.shape[0] + c, *poly.shape[1:]), -np.inf)
    for j in range(c + 1):
        term = poly + (binom[j] + j * log_rho) if j else poly + binom[0]
        np.logaddexp(out[j:j + poly.shape[0]], term, out=out[j:j + poly.shape[0]])
    return out


def _log_weights(n: int, crews: int) -> np.ndarray:
    """log w(J) for J = 0..n: sum over i = N+1..J of log(i / N)."""
    j = np.arange(n + 1, dtype=float)
    extra = np.maximum(j - crews, 0.0)
    lg = np.array([math.lgamma(x + 1) for x in range(n + 1)])
    return np.where(j > crews, lg - math.lgamma(crews + 1) - extra * math.log(crews), 0.0)


def _logsumexp(x: np.ndarray) -> np.ndarray:
    top = np.max(x, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.sum(np.exp(x - safe), axis=0))


def _live(counts: list[int], mttrs: list[float]) -> list[int]:
    """The members that can be down at all (an MTTR of 0: never down)."""
    return [i for i, (c, r) in enumerate(zip(counts, mttrs)) if c > 0 and r > 0]


def _fifo_needed(mttrs: list[float], counts: list[int], crews: int) -> bool:
    """Whether repair order matters (MTTRs differ) and the FIFO chain is small enough."""
    if len(set(mttrs)) <= 1:
        return False
    return _fifo_chain(tuple(counts), crews) is not None


def shared_repair_aq(counts: list[int], q: Any, m_down: int, crews: int,
                     mttrs: list[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(A, U) of a group down while ``m_down`` or more of its units are down, ``crews``
    crews shared; ``q`` holds each class's replica unavailability on axis 0
    (``MTTR / (MTBF + MTTR)``), vectorised over the rest; ``mttrs`` [h] (None: all
    the same)."""
    q = np.asarray(q, dtype=float)
    mttrs = [1.0] * len(counts) if mttrs is None else [float(x) for x in mttrs]
    live = _live(counts, mttrs)
    counts, mttrs, q = [counts[i] for i in live], [mttrs[i] for i in live], q[live]
    if sum(counts) < m_down:
        zero = np.zeros(q.shape[1:])
        return zero + 1.0, zero
    if _fifo_needed(mttrs, counts, crews):
        a, u, _ = _fifo_solve(counts, q, np.array(mttrs), m_down, crews)
        return a, u
    lr = _log_rho(q)
    poly = np.zeros((1, *lr.shape[1:]))
    for c, r in zip(counts, lr):
        poly = _times_class(poly, c, r)
    n = poly.shape[0] - 1
    logp = poly + _log_weights(n, crews).reshape((-1,) + (1,) * (poly.ndim - 1))
    z, down = _logsumexp(logp), _logsumexp(logp[m_down:])
    up = _logsumexp(logp[:m_down])
    return np.exp(up - z), np.exp(down - z)


def shared_repair_scalar(classes: list[tuple[int, float, float]], m_down: int,
                         crews: int) -> tuple[float, float, float]:
    """(A, U, outages per hour) of such a group; ``classes`` gives (count, replica
    unavailability, MTTR [h]) per member (its failure rate while up follows).

    With the even share the outage frequency is the flow from ``m_down - 1`` units
    down to ``m_down``: ``w(m-1) sum_u lambda_u e_{m-1}(rho without u) / Z``, from a
    second polynomial ``F`` kept beside ``E = prod (1 + rho x)``: adding ``c`` units
    gives ``F (1 + rho x)^c + c lambda E (1 + rho x)^(c-1)``."""
    live = _live([c for c, _, _ in classes], [r for _, _, r in classes])
    classes = [classes[i] for i in live if classes[i][1] > 0]
    counts = [c for c, _, _ in classes]
    if sum(counts) < m_down:
        return 1.0, 0.0, 0.0
    mttrs = [r for _, _, r in classes]
    if _fifo_needed(mttrs, counts, crews):
        av, uv, fv = _fifo_solve(counts, np.array([q for _, q, _ in classes]), np.array(mttrs), m_down, crews)
        return float(av), float(uv), float(fv)
    lr = _log_rho([q for _, q, _ in classes])
    e = np.zeros(1)
    f = np.full(1, -np.inf)
    for (c, _, mttr), r in zip(classes, lr):
        grown = _times_class(f, c, r)
        log_rate = r - math.log(mttr)  # lambda = rho / MTTR
        extra = np.concatenate([_times_class(e, c - 1, r) + math.log(c) + log_rate, [-np.inf]])
        f = np.logaddexp(grown, extra)
        e = _times_class(e, c, r)
    n = sum(counts)
    w = _log_weights(n, crews)
    logp = e + w
    z = float(_logsumexp(logp))
    u = float(np.exp(_logsumexp(logp[m_down:]) - z))
    a = float(np.exp(_logsumexp(logp[:m_down]) - z))
    return a, u, float(np.exp(w[m_down - 1] + f[m_down - 1] - z))


# --------------------------------------------------------------------------- first come, first served

_CHAINS: dict[tuple, Any] = {}


def _fifo_chain(counts: tuple[int, ...], crews: int) -> tuple | None:
    """The first-come-first-served chain of classes with ``counts`` units and
    ``crews`` crews: states (in repair per class, classes waiting in order), found
    from all up; returns (units down per state, transitions as arrays (from, to,
    class, is a failure, multiplicity)), or None past ``MAX_FIFO_STATES``."""
    key = (counts, crews)
    if key in _CHAINS:
        return _CHAINS[key]
    start = (tuple(0 for _ in counts), ())
    index: dict[tuple, int] = {start: 0}
    todo: list[tuple] = [start]
    edges: list[tuple[int, int, int, bool, int]] = []
    while todo:
        state = todo.pop()
        serving, waiting = state
        i = index[state]
        busy = sum(serving)
        moves = []
        for c, n in enumerate(counts):
            up = n - serving[c] - waiting.count(c)
            if up:  # a failure of class c
                nxt = ((*serving[:c], serving[c] + 1, *serving[c + 1:]), waiting) if busy < crews \
                    else (serving, (*waiting, c))
                moves.append((nxt, c, True, up))
            if serving[c]:  # a repair of class c ends; the crew takes the first waiting
                left = (*serving[:c], serving[c] - 1, *serving[c + 1:])
                if waiting:
                    w = waiting[0]
                    left = (*left[:w], left[w] + 1, *left[w + 1:])
                moves.append(((left, waiting[1:]), c, False, serving[c]))
        for nxt, c, is_fail, mult in moves:
            if nxt not in index:
                if len(index) >= MAX_FIFO_STATES:
                    _CHAINS[key] = None
                    return None
                index[nxt] = len(index)
                todo.append(nxt)
            edges.append((i, index[nxt], c, is_fail, mult))
    down = np.zeros(len(index), dtype=int)
    for (serving, waiting), i in index.items():
        down[i] = sum(serving) + len(waiting)
    e = np.array(edges, dtype=float).reshape(-1, 5)
    chain = (down, e[:, 0].astype(int), e[:, 1].astype(int), e[:, 2].astype(int), e[:, 3].astype(bool), e[:, 4])
    _CHAINS[key] = chain
    return chain


def _gth(rates: np.ndarray) -> np.ndarray:
    """Steady state of chains given by their off-diagonal rates (..., S, S), by
    Grassmann-Taksar-Heyman elimination: no subtractions, so every probability keeps
    its relative precision, however small."""
    p = rates.copy()
    size = p.shape[-1]
    for k in range(size - 1, 0, -1):
        out = p[..., k, :k].sum(axis=-1)
        col = p[..., :k, k] / np.where(out > 0, out, np.inf)[..., None]
        p[..., :k, :k] += col[..., :, None] * p[..., k, None, :k]
        p[..., :k, k] = col
    pi = np.zeros(p.shape[:-1])
    pi[..., 0] = 1.0
    for k in range(1, size):
        pi[..., k] = np.einsum("...i,...i->...", pi[..., :k], p[..., :k, k])
    return pi / pi.sum(axis=-1, keepdims=True)


def _fifo_solve(counts: list[int], q: np.ndarray, mttrs: np.ndarray, m_down: int,
                crews: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, U, outages per hour) of the first-come-first-served chain, vectorised over
    the trailing axes of ``q`` (a class per row)."""
    chain = _fifo_chain(tuple(counts), crews)
    assert chain is not None  # checked by the caller
    down, src, dst, cls, is_fail, mult = chain
    q = np.asarray(q, dtype=float)
    trailing = q.shape[1:]
    qf = q.reshape(len(counts), -1).T  # (K, classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(qf < 1.0, qf / (1.0 - qf), 1e300) / mttrs
    rate = np.where(is_fail, lam[:, cls], (1.0 / mttrs)[cls]) * mult  # (K, edges)
    size = down.size
    rates = np.zeros((qf.shape[0], size, size))
    np.add.at(rates.transpose(1, 2, 0), (src, dst), rate.T)  # a view: fills rates
    pi = _gth(rates)
    is_down = down >= m_down
    u = pi[:, is_down].sum(axis=1)
    a = pi[:, ~is_down].sum(axis=1)
    into = is_fail & (down[src] == m_down - 1) & (down[dst] == m_down)
    f = (pi[:, src[into]] * rate[:, into]).sum(axis=1)
    return a.reshape(trailing), u.reshape(trailing), f.reshape(trailing)
