"""`hadr simulate`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
import inspect
import sys

from .. import assumptions as said
from ..architecture_file import load_architecture
from ..checks import InvalidInputError
from ..simulation import REPAIR_DISTRIBUTIONS, simulate
from .common import (
    ARCH_FILE,
    Command,
    flag_names,
    parse_availability,
    print_json,
)


def run(args) -> int:

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
    print("\n" + said.SIMULATION.format(repair=args.repair, default_mttr_h=args.default_mttr_h),
          said.SLA)
    return 0


#: The library's defaults (simulate's signature) are the command's.
_DEFAULTS = {name: param.default for name, param in inspect.signature(simulate).parameters.items()}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=ARCH_FILE)
    p.add_argument("--years", type=int, default=_DEFAULTS["years"],
                   help="calendar years per run (default %(default)s)")
    p.add_argument("--runs", type=int, default=_DEFAULTS["runs"], help="independent runs (default %(default)s)")
    p.add_argument("--seed", type=int, default=_DEFAULTS["seed"], help="random seed (default %(default)s)")
    p.add_argument("--workers", type=int, default=None,
                   help="local processes (default: one per CPU; 1 runs in this process)")
    p.add_argument("--sla", default=f"{_DEFAULTS['sla'] * 100:g}",
                   help="availability promised per calendar month (default %(default)s%%)")
    p.add_argument("--repair", choices=REPAIR_DISTRIBUTIONS, default=_DEFAULTS["repair"],
                   help="repair time distribution, mean MTTR either way")
    p.add_argument("--repair-sigma", type=float, default=_DEFAULTS["repair_sigma"],
                   help="lognormal shape (default %(default)g)")
    p.add_argument("--default-mttr-h", type=float, default=_DEFAULTS["default_mttr_h"],
                   help="repair time [h] of a component known only by its SLA (default %(default)g)")
    p.add_argument("--start-year", type=int, default=_DEFAULTS["start_year"],
                   help="first calendar year (default %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


COMMAND = Command(
    "simulate", run, "Monte Carlo: the spread of downtime, and a check of the analytic model",
    "Simulate failures and repairs of an architecture over many years: downtime "
    "per year (mean and percentiles), outages, the chance of meeting an SLA per "
    "calendar month, and the 99% confidence interval of the unavailability "
    "against the analytic value.",
    arguments=add_arguments)
