"""`hadr portfolio`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

import pandas as pd

from .common import Command, parse_availability, print_json, year_days_argument


def run(args) -> int:
    from ..formatting import format_duration, format_money, format_percent
    from ..portfolio import portfolio, scenario_files

    target = None if args.target is None else parse_availability(args.target, "--target", bare_percent=True)
    result = portfolio(scenario_files(args.folder), target=target, year_days=args.year_days)
    if args.format == "json":
        print_json(result.to_dict())
        return 0

    def money(x, currency):
        return "unknown" if x is None or currency is None else format_money(x, currency)

    rows = result.services
    view = pd.DataFrame({
        "service": [r["name"] for r in rows],
        "status": [r["status"] for r in rows],
        "availability": ["" if r["availability"] is None else format_percent(r["availability"]) for r in rows],
        "target": ["" if r["target"] is None else format_percent(r["target"]) for r in rows],
        "downtime/year": ["" if r["downtime_per_year_s"] is None else format_duration(r["downtime_per_year_s"])
                          for r in rows],
        "design/year": [money(r["design_cost_per_year"], r["currency"]) if r["status"] != "error" else ""
                        for r in rows],
        "DR/year": [money(r["dr_cost_per_year"], r["currency"]) if r["dr_strategy"] else "none fits"
                    if r["status"] != "error" else "" for r in rows],
        "expected losses": [money(r["expected_loss"], r["currency"]) if r["expected_loss"] is not None else ""
                            for r in rows],
    })
    view.index = range(1, len(view) + 1)
    print(f"{len(rows)} services, worst first")
    print(view.to_string())
    for r in rows:
        if r["status"] == "error":
            print(f"\n{r['file']}: not read: {r['error']}")
    for currency, t in result.totals.items():
        if t["design_costs_unknown"] == t["services"]:
            designs = "designs' running costs unknown (their parts are not priced)"
        else:
            unknown = (f", {t['design_costs_unknown']} of {t['services']} unknown" if t["design_costs_unknown"]
                       else "")
            designs = f"designs {format_money(t['design_cost_per_year'], currency)} a year{unknown}"
        dr = format_money(t["dr_cost_per_year"], currency)
        print(f"\nIn {currency}, {t['services']} services: {designs}; DR {dr} a year; expected losses "
              f"{format_money(t['expected_loss'], currency)} a year (the DR strategies' incident pricing; "
              "the designs' own downtime is a different lens, not added).")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR", nargs="?", default=None,
                   help="a folder of scenario files (YAML); the shipped scenarios without one")
    p.add_argument("--target", default=None,
                   help="one availability target for every service (default: each scenario's "
                        "availability_target, else 99.95%%)")
    year_days_argument(p)


COMMAND = Command(
    "portfolio", run, "every service of a folder in one table",
    "Each scenario file of the folder (the shipped scenarios without one): verdict colour, "
    "availability against its target, what the design and the DR strategy cost a year and the "
    "expected losses, worst first, with totals per currency. A file that cannot be read is "
    "listed with why, and the others still are.",
    arguments=add_arguments)
