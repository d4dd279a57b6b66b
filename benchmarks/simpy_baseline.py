"""A plain event-by-event SimPy simulation of the same model, as a baseline.

This is how such a simulation is usually written: one SimPy process per component
replica (and per common-cause shock) that sleeps through its up time and its
repair, and on every change of state the system's structure is evaluated again and
its downtime accumulated. It runs the plan ``hadr_lib.simulation`` compiles, so it
simulates exactly the same model (steady-state start, standby failover time and
coverage, thinned common-cause members and shocks, exponential repairs), one event
at a time in Python. ``make bench`` times it against the vectorised simulation, and
``tests/test_simulation.py`` checks that the two agree.
"""

from __future__ import annotations

import math
import random

import simpy


class _Unit:
    """One alternating up/down replica."""

    def __init__(self, mtbf: float, mttr: float):
        self.mtbf, self.mttr = mtbf, mttr
        self.down = False


class _Model:
    def __init__(self, plan, env: simpy.Environment, rnd: random.Random):
        self.env, self.rnd = env, rnd
        self.units: list[_Unit] = []
        self.standbys: list[dict] = []
        self.root = self._build(plan)

    def _build(self, plan):
        kind = plan[0]
        if kind in ("never", "always"):
            return (kind,)
        if kind == "leaf":
            _, count, mtbf, mttr = plan
            units = [_Unit(mtbf, mttr) for _ in range(count)]
            self.units += units
            return ("units", units)
        if kind == "atleast":
            return ("atleast", plan[1], [self._build(k) for k in plan[2]])
        if kind == "standby":
            _, primary, group, t_h, coverage = plan
            sb = {"primary": self._build(primary), "group": self._build(group), "t": t_h,
                  "c": coverage, "failing_over": False, "ok": True, "was_down": False, "token": 0}
            self.standbys.append(sb)
            return ("standby", sb)
        raise ValueError(kind)

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
        if not self.down(sb["primary"]):
            return False
        if sb["failing_over"] or not sb["ok"]:
            return True
        return self.down(sb["group"])

    def watch_standbys(self):
        """Start a failover when a primary goes down (called on every event)."""
        for sb in self.standbys:
            now_down = self.down(sb["primary"])
            if now_down and not sb["was_down"]:
                sb["token"] += 1
                sb["ok"] = self.rnd.random() < sb["c"]
                sb["failing_over"] = sb["t"] > 0
                if sb["t"] > 0:
                    self.env.process(self._failover(sb, sb["token"]))
            sb["was_down"] = now_down

    def _failover(self, sb, token):
        yield self.env.timeout(sb["t"])
        if sb["token"] == token:
            sb["failing_over"] = False
            self.changed()

    def changed(self):
        self.watch_standbys()
        now = self.env.now
        if self.system_down:
            self.downtime += now - self.since
        self.since = now
        self.system_down = self.down(self.root)
        if self.system_down and not self.was_down and now > 0:
            self.outages += 1  # outages begun inside the window, as the vectorised one counts
        self.was_down = self.system_down

    def life(self, unit: _Unit):
        rnd = self.rnd
        if rnd.random() < unit.mttr / (unit.mtbf + unit.mttr):
            unit.down = True
            self.changed()
            yield self.env.timeout(rnd.expovariate(1.0 / unit.mttr))
            unit.down = False
            self.changed()
        while True:
            yield self.env.timeout(rnd.expovariate(1.0 / unit.mtbf))
            unit.down = True
            self.changed()
            yield self.env.timeout(rnd.expovariate(1.0 / unit.mttr))
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


def simulate_simpy(plan, *, runs: int, years: int, seed: int = 0,
                   hours_per_year: float = 8760.0) -> list[tuple[float, int]]:
    """(downtime [h], outages) of each run of ``years`` years, event by event."""
    rnd = random.Random(seed)
    out = []
    for _ in range(runs):
        env = simpy.Environment()
        out.append(_Model(plan, env, rnd).run(years * hours_per_year))
    return out
