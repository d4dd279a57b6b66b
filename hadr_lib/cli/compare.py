"""`hadr compare`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from .. import assumptions as said
from ..architecture_file import load_architecture
from .common import (
    ARCH_FILE,
    Command,
    print_json,
    year_days_argument,
)


def run(args) -> int:
    from ..compare import compare, compare_records, format_compare_table

    designs = [load_architecture(f) for f in args.files]
    table = compare(designs, year_days=args.year_days)
    doc = compare_records(designs, year_days=args.year_days, table=table)
    changes = doc["changes_from_first"]
    if args.format == "json":
        print_json(doc)
        return 0
    # money in each design's own currency where its file names one (the shipped designs: USD)
    print(format_compare_table(table, None, [d.currency for d in designs]).to_string())
    for name, lines in changes.items():
        print(f"\n{designs[0].name} -> {name}:")
        print("\n".join(f"  {line}" for line in lines) or "  no change in components")
    print(f"\n{said.MODEL} {said.SLA}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help=ARCH_FILE)
    year_days_argument(p)


COMMAND = Command(
    "compare", run, "designs side by side: availability, downtime, "
    "outages, cost, and what changed",
    "Evaluate two or more designs with the same assumptions; the deltas and the "
    "changed components are against the first.",
    arguments=add_arguments)
