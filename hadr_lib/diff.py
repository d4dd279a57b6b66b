"""What changed between two versions of a scenario ("what changed since last week"):
the inputs that differ, the design's changed parts, and the figures that follow
(the design's availability and downtime, the recommended DR strategy and what it
costs in total).

Amounts are in each scenario's own currency; when the currency itself changed, the
money figures are set side by side but not compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .availability import DAYS_PER_YEAR, finite_or_none
from .checks import InvalidInputError
from .formatting import format_duration, format_money, format_percent, format_price
from .scenario import Scenario

__all__ = ["Change", "ScenarioDiff", "scenario_diff"]

#: Most changed inputs listed (a scenario has a few dozen fields; a bound all the same).
MAX_CHANGES = 200
_YEAR_S = DAYS_PER_YEAR * 86400


@dataclass(frozen=True)
class Change:
    """One figure before and after, and the sentence that says it."""

    what: str
    before: Any
    after: Any
    sentence: str

    def to_dict(self) -> dict:
        def safe(v):
            if isinstance(v, float):
                return finite_or_none(v)
            if isinstance(v, (list, tuple)):
                return [safe(x) for x in v]
            return v
        return {"what": self.what, "before": safe(self.before), "after": safe(self.after),
                "sentence": self.sentence}


@dataclass(frozen=True)
class ScenarioDiff:
    """``scenario_diff``'s answer: ``inputs`` (the scenario's own fields, the design
    left out), ``design`` (sentences: the design's changed parts), ``outcomes`` (the
    figures that follow)."""

    before: str
    after: str
    inputs: tuple[Change, ...]
    design: tuple[str, ...]
    outcomes: tuple[Change, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.inputs or self.design or self.outcomes)

    def lines(self) -> list[str]:
        """The diff for people: what changed, then what follows."""
        if self.unchanged:
            return [f"{self.before} -> {self.after}: nothing changed."]
        out = [f"{self.before} -> {self.after}"]
        if self.inputs:
            out += ["", "Inputs:"] + [f"  {c.sentence}" for c in self.inputs]
        if self.design:
            out += ["", "Design:"] + [f"  {line}" for line in self.design]
        if self.outcomes:
            out += ["", "What follows:"] + [f"  {c.sentence}" for c in self.outcomes]
        return out

    def to_dict(self) -> dict:
        return {"before": self.before, "after": self.after,
                "changes": [c.to_dict() for c in self.inputs],
                "design_changes": list(self.design),
                "outcomes": [c.to_dict() for c in self.outcomes]}


def _flat(mapping: Mapping, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted paths (lists kept whole)."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, path + "."))
        else:
            out[path] = list(value) if isinstance(value, tuple) else value
    return out


def _is_money(path: str) -> bool:
    return (path in ("downtime_cost_per_hour", "data.cost_per_unit")
            or path.startswith("strategy_costs."))


#: A scenario file's keys in plain words (``_words`` adds the ones that take a name).
_WORDS = {
    "name": "name", "currency": "currency", "downtime_cost_per_hour": "cost of an hour down",
    "data.unit": "unit of data", "data.written_per_hour": "data written an hour",
    "targets.rto_h": "RTO target", "targets.rpo_h": "RPO target",
    "fallback.rto_h": "recovery time where no strategy covers a disruption",
    "fallback.rpo_h": "data lost where no strategy covers a disruption",
    "strategies": "your own strategies", "layered_strategies": "strategies run together",
    "availability_target": "availability target", "slo_window_days": "SLO window",
    "backup.data_gb": "data backed up", "backup.daily_change": "data changed a day",
    "backup.full_every_days": "a full backup every",
    "backup.incremental_every_h": "an incremental backup every", "backup.mode": "backup mode",
    "backup.log_shipping_every_s": "logs shipped every", "backup.retention_days": "backups kept for",
    "backup.backup_gb_per_h": "backup speed", "backup.restore_gb_per_h": "restore speed",
    "backup.log_replay_gb_per_h": "log replay speed",
    "backup.cross_region_copy": "a backup copy in another region", "backup.copy_lag_h": "that copy's lag",
    "backup.price_per_gb_month": "backup storage price a GB a month",
}
_INCIDENTS = {"instance": "instances lost a year", "zone": "zone outages a year",
              "region": "region outages a year", "data_corruption": "data corruptions a year"}
_OF = {"instance": "a lost instance", "zone": "a lost zone", "region": "a lost region",
       "data_corruption": "corrupted data"}
_TARGET = {"rto_h": "RTO target", "rpo_h": "RPO target"}


def _words(path: str, a: Scenario, b: Scenario) -> str:
    """The file key ``path`` in plain words (the key itself if it has none)."""
    if path in _WORDS:
        return _WORDS[path]
    head, _, rest = path.partition(".")
    if path == "data.cost_per_unit":
        unit = a.data_unit if a.data_unit == b.data_unit else "unit of data"
        return f"cost of each lost {unit.removesuffix('s') if unit == 'records' else unit}"
    if head == "incidents_per_year" and rest in _INCIDENTS:
        return _INCIDENTS[rest]
    if head == "targets":
        disruption, _, which = rest.partition(".")
        if disruption in _OF and which in _TARGET:
            return f"{_TARGET[which]} for {_OF[disruption]}"
    if head == "strategy_costs":
        from .strategies import load_strategies

        known = (*load_strategies(), *a.custom_strategies, *b.custom_strategies)
        label = next((s.label for s in known if s.id == rest), rest)
        return f"price of {label} a year"
    return path


def _shown(path: str, value: Any, currency: str) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if path == "backup.price_per_gb_month":
            return format_price(float(value), currency)
        if _is_money(path):
            return format_money(float(value), currency)
        if path.endswith("_gb_per_h"):
            return f"{value:,.6g} GB an hour"
        for suffix, seconds in (("_s", 1), ("_h", 3600), ("_days", 86400)):
            if path.endswith(suffix) and math.isfinite(value):
                return format_duration(float(value) * seconds)
        if path == "availability_target":
            return format_percent(float(value))
        if path == "backup.daily_change":
            return format_percent(float(value))
        if path == "backup.data_gb":
            return f"{value:,.6g} GB"
        return f"{value:,.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(path, v, currency) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def _input_changes(a: Scenario, b: Scenario) -> list[Change]:
    fa = _flat({k: v for k, v in a.to_mapping().items() if k != "architecture"})
    fb = _flat({k: v for k, v in b.to_mapping().items() if k != "architecture"})
    changes = []
    for path in [*fa, *(p for p in fb if p not in fa)]:
        va, vb = fa.get(path), fb.get(path)
        if va == vb:
            continue
        before, after = _shown(path, va, a.currency), _shown(path, vb, b.currency)
        if path == "description":
            sentence = "description: reworded"
        else:
            sentence = f"{_words(path, a, b)}: {before} -> {after}"
        changes.append(Change(path, va, vb, sentence))
        if len(changes) >= MAX_CHANGES:
            break
    return changes


def _design_changes(a: Scenario, b: Scenario) -> tuple[list[str], list[Change]]:
    from .compare import changed_blocks

    da, db = a.design, b.design
    if da is None and db is None:
        return [], []
    if da is None or db is None:
        return [f"design: {'none' if da is None else da.name} -> {'none' if db is None else db.name}"], []
    lines = [] if da.name == db.name else [f"design: {da.name} -> {db.name}"]
    lines += changed_blocks(da, db, labels=True)
    ea, eb = da.evaluate(), db.evaluate()
    outcomes = []
    if ea.unavailability != eb.unavailability:
        outcomes.append(Change(
            "design_availability", float(ea.availability), float(eb.availability),
            f"design availability: {format_percent(ea.availability)} -> {format_percent(eb.availability)} "
            f"({format_duration(ea.unavailability * _YEAR_S)} -> "
            f"{format_duration(eb.unavailability * _YEAR_S)} of downtime a year)"))
    return lines, outcomes


def _dr_outcomes(a: Scenario, b: Scenario) -> list[Change]:
    from .dr import dr_summary

    sa, sb = dr_summary(a), dr_summary(b)
    label = {s["name"]: s["label"] for s in sa["strategies"] + sb["strategies"]}
    out = []
    ra, rb = sa["recommended"], sb["recommended"]
    if ra != rb:
        out.append(Change("recommended", ra, rb,
                          f"recommended DR strategy: {label.get(ra, 'none')} -> {label.get(rb, 'none')}"))
    if ra is not None and rb is not None:
        ta = next(s["total_cost"] for s in sa["strategies"] if s["name"] == ra)
        tb = next(s["total_cost"] for s in sb["strategies"] if s["name"] == rb)
        if ta != tb:
            if a.currency != b.currency:
                sentence = (f"total cost of the recommended strategy: {format_money(ta, a.currency)} -> "
                            f"{format_money(tb, b.currency)} a year (the currency changed: not compared)")
            else:
                delta = tb - ta
                sentence = (f"total cost of the recommended strategy: {format_money(ta, a.currency)} -> "
                            f"{format_money(tb, b.currency)} a year ({'+' if delta > 0 else '-'}"
                            f"{format_money(abs(delta), b.currency)})")
            out.append(Change("recommended_total_cost_per_year", ta, tb, sentence))
    return out


def scenario_diff(before: Scenario, after: Scenario) -> ScenarioDiff:
    """What changed from scenario ``before`` to ``after``, and what follows from it."""
    for name, s in (("before", before), ("after", after)):
        if not isinstance(s, Scenario):
            raise InvalidInputError(f"{name}: {type(s).__name__} is not a Scenario (load one with load_scenario)")
    design_lines, design_outcomes = _design_changes(before, after)
    return ScenarioDiff(before.name, after.name, tuple(_input_changes(before, after)), tuple(design_lines),
                        tuple(design_outcomes + _dr_outcomes(before, after)))
