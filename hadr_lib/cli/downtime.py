"""`hadr downtime`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..availability import PERIODS
from ..budget import BUDGET_PERIODS, downtime_records, downtime_table, format_downtime_table
from .common import (
    Command,
    parse_availability,
    print_json,
    year_days_argument,
)


def run(args) -> int:
    values = [parse_availability(t) for t in args.availability]
    table = downtime_table(values, args.periods, year_days=args.year_days)
    if args.format == "json":
        rows = downtime_records(values, args.periods, year_days=args.year_days)
        print_json({"year_days": args.year_days, "basis": table.attrs["basis"], "rows": rows})
    else:
        print(format_downtime_table(table).to_string())
        for p, basis in table.attrs["basis"].items():
            print(f"  {p}: {basis}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("availability", nargs="+", help="e.g. 99.95%% or 0.9995")
    p.add_argument("--periods", nargs="+", default=list(BUDGET_PERIODS), choices=PERIODS,
                   help="periods to show (default: %(default)s)")
    year_days_argument(p)


COMMAND = Command(
    "downtime", run, "allowed downtime per period for availabilities",
    "Allowed downtime per period, computed from the exact unavailability.",
    arguments=add_arguments)
