"""`hadr compare`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from .. import assumptions as said
from ..architecture_file import load_architecture
from .common import (
    ARCH_FILE,
    Command,
    json_rows,
    print_json,
    year_days_argument,
)


def run(args) -> int:
    from ..compare import changed_blocks, compare, format_compare_table

    designs = [load_architecture(f) for f in args.files]
    table = compare(designs, year_days=args.year_days)
    changes = {d.name: changed_blocks(designs[0], d) for d in designs[1:]}
    if args.format == "json":
        print_json({"year_days": args.year_days,
                     "designs": json_rows(table.to_dict(orient="records")),
                     "changes_from_first": changes})
        return 0
    print(format_compare_table(table).to_string())
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
