"""`hadr dr`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..dr import (
    break_even_table,
    format_strategy_table,
    recommend,
    recommendation_sentence,
    strategy_table,
)
from ..scenario import load_scenario
from .common import (
    Command,
    finite,
    print_json,
)


def run(args) -> int:
    scenario = load_scenario(args.scenario)
    table = strategy_table(scenario)
    rec, reason = recommend(table)
    if args.format == "json":
        out = {
            "scenario": scenario.name,
            "currency": scenario.currency,
            "strategies": [
                {"name": r.strategy, "label": r.label, "annual_cost": float(r.annual_cost),
                 "expected_loss": float(r.expected_loss), "worst_case_loss": float(r.worst_case_loss),
                 "total_cost": float(r.total_cost),
                 "data_lost_per_year": float(r.data_lost_per_year),
                 "data_lost_per_year_worst": float(r.data_lost_per_year_worst),
                 "downtime_per_year_h": float(r.downtime_per_year_h),
                 "meets_rto": bool(r.meets_rto), "meets_rpo": bool(r.meets_rpo)}
                for r in table.itertuples()
            ],
            "recommended": rec,
            "reason": reason,
            "break_even": [
                {"from": r["from"], "to": r["to"],
                 "downtime_cost_per_hour": finite(r["break_even_cost_per_hour"])}
                for _, r in break_even_table(scenario, table).iterrows()
            ],
        }
        print_json(out)
        return 0
    view = format_strategy_table(scenario, table)
    view.index = range(1, len(view) + 1)
    print(f"{scenario.name} (money in {scenario.currency} per year)")
    print(view.to_string())
    print()
    print(recommendation_sentence(scenario, table))
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file, or a name in data/scenarios")


COMMAND = Command(
    "dr", run, "price DR strategies against a business scenario",
    "Annual cost, expected loss and total per DR strategy, and the cheapest that "
    "meets the scenario's RTO and RPO.",
    arguments=add_arguments)
