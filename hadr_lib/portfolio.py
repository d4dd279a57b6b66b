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
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .availability import DAYS_PER_YEAR, check_availability, finite_or_none, nines
from .checks import InvalidInputError
from .overview import overview
from .scenario import SCENARIOS_DIR, Scenario, load_scenario

__all__ = ["DEFAULT_TARGET", "MAX_SERVICES", "SORT_KEYS", "Portfolio", "portfolio", "scenario_files",
           "sorted_services"]

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


def _service(task: tuple[Any, str, float | None, float]) -> dict[str, Any]:
    """One service's row; ``task`` is (a scenario file or ``Scenario``, its key, the
    target or None, year_days). A module-level function of one picklable argument, so
    a Dask cluster's workers can run it."""
    item, key, target, year_days = task
    file = Path(item).name if not isinstance(item, Scenario) else None
    name = Path(item).stem if not isinstance(item, Scenario) else item.name
    row: dict[str, Any] = {"file": file, "key": key, "name": name, "status": "error", "currency": None,
                           "availability": None, "nines": None, "target": None,
                           "downtime_per_year_s": None, "design_cost_per_year": None,
                           "design_currency": None, "dr_strategy": None, "dr_cost_per_year": None,
                           "expected_loss": None, "downtime_cost_per_year": None, "all_in_cost": None,
                           "error": None}
    try:
        sc = item if isinstance(item, Scenario) else load_scenario(item)
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
        "design_currency": None if arch is None else ov.design_currency,
        "dr_strategy": ov.recommended_label, "dr_cost_per_year": ov.annual_cost,
        "expected_loss": ov.expected_loss, "downtime_cost_per_year": ov.downtime_cost_per_year,
        "all_in_cost": ov.all_in_cost,
    })
    return row


#: How the portfolio can be sorted: key -> what people read.
SORT_KEYS = {"status": "Worst first", "expected_loss": "Expected losses", "all_in_cost": "All-in cost of risk",
             "design_cost_per_year": "Design spend", "dr_cost_per_year": "DR spend",
             "availability": "Availability", "name": "Name"}


def sorted_services(services: list[dict[str, Any]], by: str = "status") -> list[dict[str, Any]]:
    """The rows sorted by ``by`` (a ``SORT_KEYS`` key): worst first (red, unreadable,
    amber, green, then by expected losses; the default); money largest first;
    availability lowest first; names A to Z. Unknown figures go last."""
    if by not in SORT_KEYS:
        raise InvalidInputError(f"sort: {by!r} is not one of {', '.join(SORT_KEYS)}")
    if by == "status":
        return sorted(services, key=lambda r: (_ORDER[r["status"]], -(r["expected_loss"] or 0.0), str(r["name"])))
    if by == "name":
        return sorted(services, key=lambda r: str(r["name"]).casefold())
    sign = 1.0 if by == "availability" else -1.0
    return sorted(services, key=lambda r: (r[by] is None, sign * (r[by] or 0.0), str(r["name"])))


def portfolio(files: Iterable[str | Path | Scenario] | None = None, *, target: float | None = None,
              year_days: float = DAYS_PER_YEAR, keys: Iterable[str] | None = None,
              executor: Executor | None = None, progress: bool = False) -> Portfolio:
    """Every service of ``files`` (scenario files or ``Scenario`` objects; the shipped
    scenarios by default), each against its own ``availability_target`` (or ``target``
    for all), worst first: red, unreadable, amber, green; then by expected losses.

    ``keys`` names each service for whoever opens it (default: the file's stem, or the
    scenario's name). ``executor`` runs the services elsewhere (a process pool, or
    ``distributed.Client(address).get_executor()`` for a Dask cluster whose workers
    read the same files); ``progress`` shows a bar while they run.
    """
    t = None if target is None else float(check_availability(target, "target"))
    items = scenario_files() if files is None else [f if isinstance(f, Scenario) else Path(f) for f in files]
    if len(items) > MAX_SERVICES:
        raise InvalidInputError(f"portfolio: {len(items):,} scenario files; at most {MAX_SERVICES:,}")
    names = list(keys) if keys is not None else [
        f.name if isinstance(f, Scenario) else Path(f).stem for f in items]
    if len(names) != len(items):
        raise InvalidInputError(f"keys: {len(names)} keys for {len(items)} services")
    if executor is not None and not isinstance(executor, Executor):
        raise InvalidInputError(f"executor: {executor!r} is not a concurrent.futures.Executor")
    tasks = [(f, k, t, year_days) for f, k in zip(items, names)]
    from tqdm.auto import tqdm

    with tqdm(total=len(tasks), desc="services", unit="service", disable=not progress) as bar:
        if executor is None:
            rows = []
            for task in tasks:
                rows.append(_service(task))
                bar.update()
        else:
            rows = []
            for row in executor.map(_service, tasks):
                rows.append(row)
                bar.update()
    rows = sorted_services(rows)
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["currency"] is None:
            continue
        tot = totals.setdefault(r["currency"], {"services": 0, "design_cost_per_year": 0.0,
                                                "design_costs_unknown": 0, "dr_cost_per_year": 0.0,
                                                "expected_loss": 0.0})
        tot["services"] += 1
        if r["design_cost_per_year"] is None or r["design_currency"] != r["currency"]:
            tot["design_costs_unknown"] += 1  # unpriced, or priced in another currency: not added
        else:
            tot["design_cost_per_year"] = math.fsum([tot["design_cost_per_year"], r["design_cost_per_year"]])
        for key in ("dr_cost_per_year", "expected_loss"):
            tot[key] = math.fsum([tot[key], r[key] or 0.0])
    return Portfolio(rows, totals)


def portfolio_view(services: list[dict[str, Any]]):
    """The rows as people read them (a DataFrame of text, one row per service, in the
    given order): availability and target as percentages, downtime in words, money in
    each service's currency, "unknown" where a figure is not known."""
    import pandas as pd

    from .formatting import format_duration, format_money, format_percent

    def money(x, currency) -> str:
        return "unknown" if x is None or currency is None else format_money(x, currency)

    def design(r) -> str:
        if r["status"] == "error":
            return ""
        if r["design_cost_per_year"] is not None and r["design_currency"] not in (None, r["currency"]):
            return f"{format_money(r['design_cost_per_year'], r['design_currency'])} (not in {r['currency']})"
        return money(r["design_cost_per_year"], r["currency"])

    err = [r["status"] == "error" for r in services]
    view = pd.DataFrame({
        "service": [str(r["name"]) for r in services],
        "status": [r["status"] for r in services],
        "availability": ["" if r["availability"] is None else format_percent(r["availability"]) for r in services],
        "target": ["" if r["target"] is None else format_percent(r["target"]) for r in services],
        "downtime/year": ["" if r["downtime_per_year_s"] is None else format_duration(r["downtime_per_year_s"])
                          for r in services],
        "design/year": [design(r) for r in services],
        "DR/year": ["" if e else money(r["dr_cost_per_year"], r["currency"]) if r["dr_strategy"] else "none fits"
                    for r, e in zip(services, err)],
        "expected losses": ["" if r["expected_loss"] is None else money(r["expected_loss"], r["currency"])
                            for r in services],
        "all in": ["" if e else money(r["all_in_cost"], r["currency"]) for r, e in zip(services, err)],
    })
    view.index = range(1, len(view) + 1)
    return view


def totals_lines(result: Portfolio) -> list[str]:
    """The totals in sentences, one per currency (money is never added across
    currencies, and the designs' own downtime, another lens on the same outages, is
    not added to the expected losses)."""
    from .formatting import format_money

    out = []
    for currency, t in result.totals.items():
        if t["design_costs_unknown"] == t["services"]:
            designs = "designs' running costs unknown (unpriced, or priced in another currency)"
        else:
            unknown = (f", {t['design_costs_unknown']} of {t['services']} unknown or in another currency"
                       if t["design_costs_unknown"] else "")
            designs = f"designs {format_money(t['design_cost_per_year'], currency)} a year{unknown}"
        n = t["services"]
        out.append(f"In {currency}, {n} service{'s' if n != 1 else ''}: {designs}; DR "
                   f"{format_money(t['dr_cost_per_year'], currency)} a year; expected losses "
                   f"{format_money(t['expected_loss'], currency)} a year (the DR strategies' incident "
                   "pricing; the designs' own downtime is a different lens, not added).")
    return out
