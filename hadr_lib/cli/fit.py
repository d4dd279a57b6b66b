"""`hadr fit`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .. import assumptions as said
from ..architecture_file import load_architecture
from ..checks import InvalidInputError
from ..formatting import format_percent
from ..history import FORMATS as INCIDENT_FORMATS
from .common import (
    ARCH_FILE,
    Command,
    json_rows,
    print_json,
)


def _interval(x, lo, hi, unit: str) -> str:
    def f(v):
        return "?" if v is None or v != v else f"{v:.3g}"
    return f"{f(x)} [{f(lo)}, {f(hi)}] {unit}"


def run(args) -> int:
    from ..history import (
        comparison_lines,
        designed_vs_measured,
        fit_incidents,
        read_incidents,
        write_fitted_design,
    )

    incidents = read_incidents(args.file, args.input_format)
    table = fit_incidents(incidents, start=args.start, end=args.end, seed=args.seed)
    compared = None
    if args.design:
        compared = designed_vs_measured(load_architecture(args.design), table).to_dict(orient="records")
    if args.write:
        if not args.design:
            raise InvalidInputError("--write: needs --design (the design to update)")
        changed = write_fitted_design(args.design, table, args.write,
                                      f"fitted from {Path(args.file).name}, {len(incidents)} incidents",
                                      force=args.force)
    if args.format == "json":
        doc: dict = {"components": json_rows(table.to_dict(orient="records"))}
        if compared is not None:
            doc["designed_vs_measured"] = json_rows(compared)
        print_json(doc)
        return 0
    view = pd.DataFrame({
        "component": table["component"],
        "outages": table["outages"],
        "MTBF (90%)": [_interval(r.mtbf_h, r.mtbf_h_low, r.mtbf_h_high, "h") for r in table.itertuples()],
        "MTTR (90%)": [_interval(r.mttr_h, r.mttr_h_low, r.mttr_h_high, "h") for r in table.itertuples()],
        "availability (90%)": [
            f"{format_percent(r.availability)} ["
            f"{'?' if pd.isna(r.availability_low) else format_percent(r.availability_low)}, "
            f"{format_percent(r.availability_high)}]" for r in table.itertuples()],
        "open": table["open"],
    })
    print(view.to_string(index=False))
    if compared is not None:
        print("\nDesigned against measured:")
        print("\n".join(f"  {line}" for line in comparison_lines(pd.DataFrame(compared))))
    if args.write:
        print(f"\nwrote {args.write} (fitted: {', '.join(changed) or 'no component matched'})")
    print("\n" + said.FIT)
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="incident log")
    p.add_argument("--input-format", choices=INCIDENT_FORMATS,
                   help="the log's format (default: recognised)")
    p.add_argument("--from", dest="start", help="start of the observation window (ISO 8601)")
    p.add_argument("--to", dest="end", help="end of the observation window (ISO 8601)")
    p.add_argument("--design", help="a design to compare with (" + ARCH_FILE + ")")
    p.add_argument("--write", metavar="OUT.yaml",
                   help="write --design with the fitted MTBF and MTTR of matching components "
                        "(a new file; see --force)")
    p.add_argument("--force", action="store_true",
                   help="let --write replace an existing design file, keeping a copy as OUT.yaml.bak")
    p.add_argument("--seed", type=int, default=0,
                   help="unused: the availability interval is exact (kept for old scripts)")


COMMAND = Command(
    "fit", run, "MTBF, MTTR and availability from incident history",
    "Fit each component's MTBF, MTTR and availability, with 90% intervals, from "
    "an incident log: a CSV with component,start,end (ISO 8601; empty end = open), "
    "a Statuspage incidents.json or a PagerDuty incident CSV.",
    arguments=add_arguments)
