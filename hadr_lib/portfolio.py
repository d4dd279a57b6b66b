"""A portfolio: every service (a scenario file) of a folder, or the shipped scenarios,
in one table: the verdict colour, availability against its target, what the design
costs to run, the DR strategy's running cost and the expected losses, with totals.

A file that cannot be read is a row that says why (status ``error``), never a stop:
one colleague's broken file does not hide the others. Money is totalled per
currency: scenarios in different currencies are not added together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .availability import DAYS_PER_YEAR, check_availability, finite_or_none, nines
from .checks import InvalidInputError
from .overview import overview
from .scenario import SCENARIOS_DIR, load_scenario

__all__ = ["DEFAULT_TARGET", "MAX_SERVICES", "Portfolio", "portfolio", "scenario_files"]

#: Most scenario files one portfolio reads (a folder of more is refused, before any is read).
MAX_SERVICES = 2_000
#: The target of a scenario that gives no ``availability_target``.
DEFAULT_TARGET = 0.9995
_ORDER = {"red": 0, "error": 1, "amber": 2, "green": 3}


def scenario_files(folder: str | Path | None = None) -> list[Path]:
    """The scenario files (``*.yaml``, ``*.yml``) of ``folder``, sorted; the shipped
    scenarios without one. A folder of more than ``MAX_SERVICES`` is refused."""
    root = SCENARIOS_DIR if folder is None else Path(folder)
    if not root.is_dir():
        raise InvalidInputError(f"portfolio: {str(root)!r} is not a folder of scenario files")
    files: list[Path] = []
    for path in sorted(root.iterdir()):
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            files.append(path)
            if len(files) > MAX_SERVICES:
                raise InvalidInputError(
                    f"portfolio: {str(root)!r} holds more than {MAX_SERVICES:,} scenario files; "
                    "split it into folders")
    return files


@dataclass(frozen=True)
class Portfolio:
    """The services (rows, worst first) and the totals per currency."""

    services: list[dict[str, Any]]
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"services": self.services, "totals": self.totals,
                "counts": {s: sum(r["status"] == s for r in self.services) for s in _ORDER}}


def _service(path: Path, target: float | None, year_days: float) -> dict[str, Any]:
    row: dict[str, Any] = {"file": path.name, "name": path.stem, "status": "error", "currency": None,
                           "availability": None, "nines": None, "target": None,
                           "downtime_per_year_s": None, "design_cost_per_year": None,
                           "dr_strategy": None, "dr_cost_per_year": None, "expected_loss": None,
                           "downtime_cost_per_year": None, "error": None}
    try:
        sc = load_scenario(path)
        t = target if target is not None else (sc.availability_target or DEFAULT_TARGET)
        ov = overview(sc, t, year_days=year_days)
    except InvalidInputError as exc:
        row["error"] = str(exc)
        return row
    ev, arch = ov.evaluation, ov.architecture
    row.update({
        "name": sc.name, "status": ov.status, "currency": sc.currency, "target": ov.target,
        "availability": None if ev is None else float(ev.availability),
        "nines": None if ev is None else finite_or_none(float(nines(ev.availability))),
        "downtime_per_year_s": None if ev is None else ev.downtime_per_year_s,
        "design_cost_per_year": None if arch is None else arch.cost_per_year,
        "dr_strategy": ov.recommended_label, "dr_cost_per_year": ov.annual_cost,
        "expected_loss": ov.expected_loss, "downtime_cost_per_year": ov.downtime_cost_per_year,
    })
    return row


def portfolio(files: Iterable[str | Path] | None = None, *, target: float | None = None,
              year_days: float = DAYS_PER_YEAR) -> Portfolio:
    """Every service of ``files`` (scenario files; the shipped scenarios by default),
    each against its own ``availability_target`` (or ``target`` for all), worst first:
    red, unreadable, amber, green; then by expected losses."""
    t = None if target is None else float(check_availability(target, "target"))
    paths = scenario_files() if files is None else [Path(f) for f in files]
    if len(paths) > MAX_SERVICES:
        raise InvalidInputError(f"portfolio: {len(paths):,} scenario files; at most {MAX_SERVICES:,}")
    rows = [_service(p, t, year_days) for p in paths]
    rows.sort(key=lambda r: (_ORDER[r["status"]], -(r["expected_loss"] or 0.0), r["name"]))
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["currency"] is None:
            continue
        tot = totals.setdefault(r["currency"], {"services": 0, "design_cost_per_year": 0.0,
                                                "design_costs_unknown": 0, "dr_cost_per_year": 0.0,
                                                "expected_loss": 0.0})
        tot["services"] += 1
        if r["design_cost_per_year"] is None:
            tot["design_costs_unknown"] += 1
        else:
            tot["design_cost_per_year"] = math.fsum([tot["design_cost_per_year"], r["design_cost_per_year"]])
        for key in ("dr_cost_per_year", "expected_loss"):
            tot[key] = math.fsum([tot[key], r[key] or 0.0])
    return Portfolio(rows, totals)
