"""The ``hadr`` command line: thin subcommands over the library.

Bad input exits with status 2 and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .availability import DAYS_PER_YEAR, PERIODS, InvalidInputError, downtime, nines, unavailability
from .budget import BUDGET_PERIODS, downtime_table, format_downtime_table


def parse_availability(text: str) -> float:
    """``99.95%`` or ``0.9995`` to a fraction; a bare number above 1 is rejected."""
    t = text.strip()
    try:
        value = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise InvalidInputError(
            f"availability: {text!r} is not a number (write 99.95% or 0.9995)") from None
    if t.endswith("%"):
        # Keep the typed decimal: 99.9999999% is exactly 1e-9 short of 1.
        from decimal import Decimal
        value = float(Decimal(t[:-1]) / 100)
    if not 0 <= value <= 1:
        raise InvalidInputError(
            f"availability: {text!r} is not in [0, 1] or [0%, 100%] (write 99.95% or 0.9995)")
    return value


def _cmd_downtime(args) -> int:
    values = [parse_availability(t) for t in args.availability]
    table = downtime_table(values, args.periods, year_days=args.year_days)
    if args.format == "json":
        rows = []
        for a in values:
            rows.append({
                "availability": a,
                "unavailability": unavailability(a),
                "nines": nines(a),
                "downtime_s": {p: float(downtime(a, p, year_days=args.year_days))
                               for p in args.periods},
            })
        json.dump({"year_days": args.year_days, "basis": table.attrs["basis"],
                   "rows": rows}, sys.stdout, indent=2)
        print()
    else:
        print(format_downtime_table(table).to_string())
        for p, basis in table.attrs["basis"].items():
            print(f"  {p}: {basis}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hadr",
        description="HA/DR planning workbook: nines, downtime budgets and more.",
    )
    parser.add_argument("--version", action="version", version=f"hadr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    d = sub.add_parser("downtime", help="allowed downtime per period for availabilities",
                       description="Allowed downtime per period, computed from the exact "
                                   "unavailability.")
    d.add_argument("availability", nargs="+", help="e.g. 99.95%% or 0.9995")
    d.add_argument("--periods", nargs="+", default=list(BUDGET_PERIODS), choices=PERIODS,
                   help="periods to show (default: %(default)s)")
    d.add_argument("--year-days", type=float, default=DAYS_PER_YEAR,
                   help="days in a year (default: %(default)s)")
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.set_defaults(func=_cmd_downtime)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except InvalidInputError as exc:
        print(f"hadr {args.command}: error: {exc}", file=sys.stderr)
        return 2
