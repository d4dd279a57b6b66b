"""`hadr dr`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..dr import (
    domain_rate_sentence,
    dr_summary,
    format_strategy_table,
    recommendation_sentence,
    strategy_table,
)
from ..scenario import load_scenario
from .common import (
    Command,
    print_json,
)


def run(args) -> int:
    scenario = load_scenario(args.scenario)
    table = strategy_table(scenario)
    if args.format == "json":
        print_json(dr_summary(scenario, table))
        return 0
    view = format_strategy_table(scenario, table)
    view.index = range(1, len(view) + 1)
    print(f"{scenario.name} (money in {scenario.currency} per year)")
    print(view.to_string())
    print()
    print(recommendation_sentence(scenario, table))
    disagree = domain_rate_sentence(scenario)
    if disagree:
        print(disagree)
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file, or a name in data/scenarios")


COMMAND = Command(
    "dr", run, "price DR strategies against a business scenario",
    "Annual cost, expected loss and total per DR strategy, and the cheapest that "
    "meets the scenario's RTO and RPO.",
    arguments=add_arguments)
