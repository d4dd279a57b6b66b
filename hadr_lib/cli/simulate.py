"""`hadr simulate`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
import sys

from ..architecture_file import load_architecture
from ..catalog import SLA_DISCLAIMER
from ..checks import InvalidInputError
from .common import (
    ARCH_FILE,
    Command,
    flag_names,
    parse_availability,
    print_json,
)


def run(args) -> int:
    from ..simulation import simulate

    arch = load_architecture(args.file)
    sla = parse_availability(args.sla, "--sla", bare_percent=True)
    try:
        result = simulate(arch, years=args.years, runs=args.runs, seed=args.seed, sla=sla,
                          repair=args.repair, repair_sigma=args.repair_sigma,
                          default_mttr_h=args.default_mttr_h, start_year=args.start_year,
                          workers=args.workers, progress=not args.quiet)
    except KeyboardInterrupt:
        print("hadr simulate: interrupted; nothing was written", file=sys.stderr)
        return 130
    except InvalidInputError as exc:
        raise flag_names(exc, {p: "--" + p.replace("_", "-") for p in (
            "years", "runs", "seed", "workers", "repair_sigma", "default_mttr_h", "start_year",
            "repair")}) from None
    if args.format == "json":
        print_json(result.to_dict())
        return 0
    print(arch.name)
    table = result.summary_table()
    print(table.to_string(index=False, header=False))
    print("\nAssumes independent failures except inside common-cause groups, one repair crew "
          f"per component, {args.repair} repairs; components known only by an SLA get a "
          f"{args.default_mttr_h:g} h repair time. {SLA_DISCLAIMER}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=ARCH_FILE)
    p.add_argument("--years", type=int, default=10, help="calendar years per run (default 10)")
    p.add_argument("--runs", type=int, default=1000, help="independent runs (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--workers", type=int, default=None,
                     help="local processes (default: one per CPU; 1 runs in this process)")
    p.add_argument("--sla", default="99.95", help="availability promised per calendar month "
                                                   "(default 99.95%%)")
    p.add_argument("--repair", choices=("exponential", "lognormal"), default="exponential",
                     help="repair time distribution, mean MTTR either way")
    p.add_argument("--repair-sigma", type=float, default=1.0, help="lognormal shape (default 1)")
    p.add_argument("--default-mttr-h", type=float, default=1.0,
                     help="repair time [h] of a component known only by its SLA (default 1)")
    p.add_argument("--start-year", type=int, default=2027, help="first calendar year (default 2027)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


COMMAND = Command(
    "simulate", run, "Monte Carlo: the spread of downtime, and a check of the analytic model",
    "Simulate failures and repairs of an architecture over many years: downtime "
    "per year (mean and percentiles), outages, the chance of meeting an SLA per "
    "calendar month, and the 99% confidence interval of the unavailability "
    "against the analytic value.",
    arguments=add_arguments)
