"""`hadr optimize`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..architecture_file import load_architecture
from ..formatting import format_duration
from .common import (
    ARCH_FILE,
    Command,
    parse_availability,
    print_json,
    year_days_argument,
)


def run(args) -> int:
    from ..compare import best_sentence, optimize, parse_vary

    arch = load_architecture(args.file)
    target = parse_availability(args.target, field="target", bare_percent=True)
    result = optimize(arch, target, parse_vary(args.vary), year_days=args.year_days)
    varied = result.varied
    if args.format == "json":
        print_json({"name": arch.name, **result.to_dict()})
        return 0
    print(f"{arch.name}: {len(result.table):,} combinations of replica counts")
    print(best_sentence(result, args.year_days))
    view = result.frontier.copy()
    view["nines"] = [f"{x:.3f}" for x in view["nines"]]
    view["downtime/year"] = [format_duration(x) for x in view["downtime_per_year_s"]]
    view["cost/year"] = [f"{c:,.0f}" for c in view["cost_per_year"]]
    view["meets target"] = ["yes" if m else "no" for m in view["meets_target"]]
    print("\nCost against nines (no other combination is both cheaper and better):")
    print(view[[*varied, "nines", "downtime/year", "cost/year", "meets target"]]
          .to_string(index=False))
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=ARCH_FILE)
    p.add_argument("--target", required=True, help="e.g. 99.99 (percent), 99.99%% or 0.9999")
    p.add_argument("--vary", nargs="+", required=True, metavar="NAME=MIN..MAX",
                   help="a component's replica counts to try, e.g. app=2..6, or a named quorum's "
                        "sizes (a k_of_n with a name), e.g. etcd=3..7")
    year_days_argument(p)


COMMAND = Command(
    "optimize", run, "the cheapest replica counts meeting a target",
    "Try every combination of replica counts (and named quorums' sizes) in the given "
    "ranges (components need cost_per_year): the cheapest meeting the target, and the "
    "cost-versus-nines frontier. A majority quorum keeps a majority as it grows with "
    "copies of its last member.",
    arguments=add_arguments)
