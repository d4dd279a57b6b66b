"""Event-by-event simulation with SimPy: slow, but it can share repair crews.

This is the simulation written the usual way: one SimPy process per component
replica (and per common-cause shock) that sleeps through its up time and its
repair; on every change of state the structure is evaluated again and the system's
downtime accumulated. It runs the plan ``simulation.compile_architecture`` builds,
so without shared crews it simulates exactly the model of ``simulation.simulate``
(same steady-state start, standby failover time and coverage, thinned common-cause
members and shocks, exponential repairs), one event at a time in Python. It has
two uses:

- the baseline ``make bench`` times the vectorised simulation against (and the
  tests check that the two agree);
- what the vectorised simulation and the analytic model both assume away:
  ``shared_crews`` gives groups of components one repair crew, so a failure
  waits while the crew repairs another one (first come, first served). With one
  crew for two units in parallel the unavailability is the Markov chain's
  ``2 r^2 / (1 + 2 r + 2 r^2)`` (``r = MTTR / MTBF``), about twice the
  independent ``q^2``. ``latent_standbys`` lets an idle standby fail unseen, to
  be found only at the next failover.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
import simpy

from .checks import check_int, invalid
from .model import Architecture
from .simulation import DEFAULT_MTTR_H, RunStatistics, compile_architecture

__all__ = ["EventResult", "machine_repair_unavailability", "simulate_events"]


def machine_repair_unavailability(n: int, mtbf_h: float, mttr_h: float, crews: int = 1) -> float:
    """Probability that all ``n`` identical units in parallel are down when ``crews``
    repair crews serve them (the textbook machine-repair birth-death chain).

    State ``k`` (units down) fails at ``(n - k) / MTBF`` and is repaired at
    ``min(k, crews) / MTTR``; the answer is the chain's steady-state ``pi_n``. With
    one crew per unit it is the independent ``q ** n``.
    """
    from .checks import check_number

    n = check_int("n", n, 1, 1000)
    crews = check_int("crews", crews, 1, n)
    check_number("mtbf_h", mtbf_h, 0, math.inf, low_open=True, what=" hours")
    check_number("mttr_h", mttr_h, 0, math.inf, what=" hours")
    weights = [1.0]
    for k in range(n):
        weights.append(weights[-1] * (n - k) * mttr_h / (min(k + 1, crews) * mtbf_h))
    return weights[-1] / math.fsum(weights)


class _Unit:
    """One alternating up/down replica."""

    def __init__(self, mtbf: float, mttr: float, crew):
        self.mtbf, self.mttr, self.crew = mtbf, mttr, crew
        self.down = False
        self.idle_standby_of = None  # with latent standbys: the standby block it waits in
        self.dormant_of = None  # a standby that waits dormant: its block, and its rate factor
        self.dormancy = 1.0


class _Model:
    def __init__(self, plan, env, rnd: random.Random, crews: dict, latent: bool = False):
        self.env, self.rnd, self.latent = env, rnd, latent
        self.units: list[_Unit] = []
        self.standbys: list[dict] = []
        self.shared: dict[str, list[_Unit]] = {}
        self.resources = {k: simpy.Resource(env, capacity=1) for k in set(crews.values())}
        self.crews = crews
        self.root = self._build(plan)

    def _build(self, plan):
        kind = plan[0]
        if kind in ("never", "always"):
            return (kind,)
        if kind == "leaf":
            _, count, mtbf, mttr, name = plan
            crew = self.resources.get(self.crews.get(name))
            units = [_Unit(mtbf, mttr, crew) for _ in range(count)]
            self.units += units
            return ("units", units)
        if kind == "shared":  # a zone or region: one unit wherever it appears
            _, name, mtbf, mttr = plan
            if name not in self.shared:
                unit = _Unit(mtbf, mttr, None)
                self.units.append(unit)
                self.shared[name] = [unit]
            return ("units", self.shared[name])
        if kind == "atleast":
            return ("atleast", plan[1], [self._build(k) for k in plan[2]])
        if kind == "crews":  # the group's replicas queue for its own crews
            _, m, classes, crews, _names = plan
            crew = simpy.Resource(self.env, capacity=int(crews))
            units = [_Unit(mtbf, mttr, crew) for count, mtbf, mttr in classes for _ in range(int(count))]
            self.units += units
            return ("atleast", m, [("units", [u]) for u in units])
        if kind == "standby":
            _, primary, group, t_h, coverage = plan[:5]
            start_h, dormancy, dormant = plan[7:10] if len(plan) > 7 else (0.0, 1.0, None)
            sb = {"primary": self._build(primary), "t": t_h, "c": coverage, "failing_over": False,
                  "start": start_h,
                  "timers": plan[5] if len(plan) > 5 else None,
                  "failback": plan[6] if len(plan) > 6 else True, "active": "primary",
                  "ok": True, "was_down": False, "token": 0, "demand": self.env.event()}
            first_standby = len(self.units)
            sb["group"] = self._build(group)
            if dormant is not None:  # the standbys fail less while they wait
                for u in self.units[first_standby:]:
                    u.dormant_of, u.dormancy = sb, float(dormancy)
            if self.latent:  # failures of idle standbys stay hidden until the next failover
                shared = {id(u) for units in self.shared.values() for u in units}
                for u in self.units[first_standby:]:
                    if id(u) not in shared:  # a zone's outage is no standby's latent failure
                        u.idle_standby_of = sb
            self.standbys.append(sb)
            return ("standby", sb)
        raise ValueError(f"unknown plan node {kind!r}")

    def down(self, node) -> bool:
        kind = node[0]
        if kind == "never":
            return False
        if kind == "always":
            return True
        if kind == "units":
            return all(u.down for u in node[1])
        if kind == "atleast":
            return sum(self.down(k) for k in node[2]) >= node[1]
        sb = node[1]
        active, other = (sb["primary"], sb["group"]) if sb["active"] == "primary" else (sb["group"], sb["primary"])
        if not self.down(active):
            return False
        if sb["failing_over"] or not sb["ok"]:
            return True
        return self.down(other)

    def _watch_standbys(self):
        """Start a failover when a primary goes down."""
        for sb in self.standbys:
            now_down = self.down(sb[sb["active"]])
            if now_down and not sb["was_down"]:
                demand, sb["demand"] = sb["demand"], self.env.event()
                demand.succeed()  # the failover finds any hidden standby failure
                sb["token"] += 1
                sb["ok"] = self.rnd.random() < sb["c"]
                t = sb["t"]
                if sb["timers"] is not None:  # this failover's own time
                    interval, threshold, ttl, fixed = sb["timers"]
                    t = fixed + interval * (threshold - 1 + self.rnd.random()) + ttl * self.rnd.random()
                if sb["active"] == "primary":  # a warm or cold standby is readied first
                    t += sb["start"]
                sb["failing_over"] = t > 0
                if t > 0:
                    self.env.process(self._failover(sb, sb["token"], t))
            if (not sb["failback"] and now_down and not sb["failing_over"] and sb["ok"]
                    and not self.down(sb["group" if sb["active"] == "primary" else "primary"])):
                # the failover is done and the other unit is up: it stays active from now on
                sb["active"] = "group" if sb["active"] == "primary" else "primary"
                now_down = False
            sb["was_down"] = now_down

    def _failover(self, sb, token, t):
        yield self.env.timeout(t)
        if sb["token"] == token:
            sb["failing_over"] = False
            self.changed()

    def changed(self):
        self._watch_standbys()
        now = self.env.now
        if self.system_down:
            self.downtime += now - self.since
        self.since = now
        self.system_down = self.down(self.root)
        if self.system_down and not self.was_down and now > 0:
            self.outages += 1  # outages begun inside the window, as the vectorised one counts
        self.was_down = self.system_down

    def _repair(self, unit: _Unit):
        if unit.crew is None:
            yield self.env.timeout(self.rnd.expovariate(1.0 / unit.mttr))
            return
        with unit.crew.request() as turn:  # wait for the shared crew, first come first served
            yield turn
            yield self.env.timeout(self.rnd.expovariate(1.0 / unit.mttr))

    def _noticed(self, unit: _Unit):
        """An idle standby's failure is found only when a failover needs it (a promoted
        standby, active without failback, is not idle: its failure is seen at once)."""
        sb = unit.idle_standby_of
        if sb is not None and sb["active"] == "primary" and not self.down(sb["primary"]):
            yield sb["demand"]

    def _serves(self, unit: _Unit) -> bool:
        """Whether a dormant standby serves now: its primary is down and the failover to
        it was not the one that fails (1 - coverage); from the primary's failure on."""
        sb = unit.dormant_of
        return sb is None or (self.down(sb["primary"]) and sb["ok"])

    def life(self, unit: _Unit):
        rnd = self.rnd
        rate = unit.dormancy / unit.mtbf  # while it waits (its full rate if not dormant)
        if rnd.random() < rate * unit.mttr / (1.0 + rate * unit.mttr):
            unit.down = True
            self.changed()
            yield from self._repair(unit)
            unit.down = False
            self.changed()
        while True:
            yield self.env.timeout(rnd.expovariate(1.0 / unit.mtbf))
            if unit.dormant_of is not None and not self._serves(unit) and rnd.random() >= unit.dormancy:
                continue  # a shock the waiting unit survives (thinning)
            unit.down = True
            self.changed()
            yield from self._noticed(unit)
            yield from self._repair(unit)
            unit.down = False
            self.changed()

    def run(self, horizon_h: float) -> tuple[float, int]:
        self.downtime, self.since, self.outages = 0.0, 0.0, 0
        self.system_down = self.was_down = False
        for u in self.units:
            if math.isfinite(u.mtbf) and u.mttr > 0:
                self.env.process(self.life(u))
        self.env.run(until=horizon_h)
        if self.system_down:
            self.downtime += horizon_h - self.since
        return self.downtime, self.outages


@dataclass(frozen=True)
class EventResult(RunStatistics):
    """Downtime [h] and outages of each run of the event-by-event simulation."""

    years: int
    hours_per_year: float
    downtime_h: np.ndarray = field(repr=False)
    outages: np.ndarray = field(repr=False)
    analytic_unavailability: float | None

    @property
    def run_unavailability(self) -> np.ndarray:
        return self.downtime_h / (self.years * self.hours_per_year)

    @property
    def outages_per_year(self) -> float:
        return float(self.outages.sum() / (self.outages.size * self.years))


def simulate_events(arch: Architecture, *, runs: int = 200, years: int = 10, seed: int = 0,
                    shared_crews=(), latent_standbys: bool = False,
                    default_mttr_h: float = DEFAULT_MTTR_H,
                    hours_per_year: float = 8760.0) -> EventResult:
    """Simulate ``runs`` runs of ``years`` years (of ``hours_per_year``), event by event.

    ``shared_crews`` is a list of groups of component names; the components of a
    group share one repair crew. Components in no group repair independently, as
    in the analytic model. ``latent_standbys`` makes standbys fail silently while
    idle: the failure is found, and its repair begun, only when the primary next
    fails and the failover needs the standby (the analytic model, and the
    vectorised simulation, repair every failure at once).
    """
    runs = check_int("runs", runs, 2, 1_000_000)
    years = check_int("years", years, 1, 1000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    crews: dict[str, int] = {}
    for i, group in enumerate(shared_crews):
        names = [group] if isinstance(group, str) else list(group)
        for name in names:
            arch.component(name)  # a clear error for a name the design lacks
            if name in crews:
                raise invalid(f"shared_crews[{i}]", name, "is already in another crew")
            crews[name] = i
    plan = compile_architecture(arch, default_mttr_h)
    rnd = random.Random(seed)
    out = []
    for _ in range(runs):
        env = simpy.Environment()
        out.append(_Model(plan, env, rnd, crews, bool(latent_standbys)).run(years * hours_per_year))
    down = np.array([d for d, _ in out])
    outages = np.array([o for _, o in out])
    return EventResult(years, hours_per_year, down, outages,
                       float(arch.availability().unavailability))
