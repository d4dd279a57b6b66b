"""`hadr diff`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..scenario import load_scenario
from .common import Command, print_json

SCENARIO_FILE = "a scenario file (YAML), or the name of one in data/scenarios"


def run(args) -> int:
    from ..diff import scenario_diff

    diff = scenario_diff(load_scenario(args.before), load_scenario(args.after))
    if args.format == "json":
        print_json(diff.to_dict())
        return 0
    print("\n".join(diff.lines()))
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("before", metavar="BEFORE", help=SCENARIO_FILE + " (last week's)")
    p.add_argument("after", metavar="AFTER", help=SCENARIO_FILE + " (this week's)")


COMMAND = Command(
    "diff", run, "what changed between two versions of a scenario, and what follows",
    "The inputs that differ (money in each scenario's currency, times as durations), the "
    "design's changed parts, and the figures that follow: the design's availability, the "
    "recommended DR strategy and its total cost a year.",
    arguments=add_arguments)
