"""`hadr report`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..report import REPORT_FORMATS
from .common import Command, dask_executor, parse_availability


def run(args) -> int:
    from ..report import build_reports

    shared = True if args.shared_plotly else False if args.inline_plotly else None
    target = (None if args.target is None
              else parse_availability(args.target, field="target", bare_percent=True))
    options = dict(target=target, fmt=args.format, jobs=args.jobs, shared_plotly=shared,
                   progress=not args.quiet, incidents=args.incidents)
    if args.scheduler:
        with dask_executor(args.scheduler) as executor:
            results = build_reports(args.scenario, args.out, executor=executor, **options)
    else:
        results = build_reports(args.scenario, args.out, **options)
    written = [r for r in results if r.ok and r.path is not None and r.path.is_file()]
    for r in written:
        print(f"wrote {r.path}")
    for r in results:
        if r not in written:
            print(f"hadr report: error: {r.scenario}: {r.error or 'no file was written'}",
                  file=sys.stderr)
    print(f"{len(written)} of {len(results)} reports written; index: "
          f"{Path(args.out) / 'index.html'}")
    return 0 if len(written) == len(results) else 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="*", help="scenario files or names (default: all in data/scenarios)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--jobs", type=int, default=1, help="scenarios run in parallel processes")
    p.add_argument("--target", help="availability promised (default: each scenario's "
                                    "availability_target, else 99.95%%)")
    p.add_argument("--incidents", metavar="FILE",
                   help="an incident log (CSV, Statuspage JSON, PagerDuty CSV): each report sets "
                        "its design's figures against those fitted from it")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the reports on a Dask cluster (tcp://host:8786); its workers "
                        "must share the output folder")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--shared-plotly", action="store_true",
                       help="load plotly.min.js from beside the reports (default for a batch)")
    group.add_argument("--inline-plotly", action="store_true",
                       help="inline plotly.js in every report (default for one report)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


COMMAND = Command(
    "report", run, "self-contained HTML (or PDF) reports for scenarios",
    "Execute notebooks/report.ipynb for each scenario with papermill and export "
    "it without code; writes index.html.", formats=REPORT_FORMATS,
    arguments=add_arguments)
