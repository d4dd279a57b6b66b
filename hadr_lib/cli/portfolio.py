"""`hadr portfolio`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..checks import InvalidInputError
from .common import Command, dask_executor, parse_availability, print_json, year_days_argument


def run(args) -> int:
    from ..files import atomic_write
    from ..portfolio import portfolio, portfolio_view, scenario_files, totals_lines
    from ..views import portfolio_report_html

    target = None if args.target is None else parse_availability(args.target, "--target", bare_percent=True)
    if args.format == "html" and not args.out:
        raise InvalidInputError("--out: a portfolio report (--format html) needs a file to write")
    if isinstance(args.jobs, bool) or not 1 <= args.jobs <= 256:
        raise InvalidInputError(f"--jobs: {args.jobs!r} is not a whole number in [1, 256]")
    files = scenario_files(args.folder)
    options = dict(target=target, year_days=args.year_days, progress=not args.quiet and len(files) > 20)
    if args.scheduler:
        with dask_executor(args.scheduler) as executor:
            result = portfolio(files, executor=executor, **options)
    elif args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            result = portfolio(files, executor=pool, **options)
    else:
        result = portfolio(files, **options)
    if args.format == "json":
        print_json(result.to_dict())
        return 0
    if args.format == "html":
        atomic_write(Path(args.out), portfolio_report_html(result).encode("utf-8"))
        print(f"wrote {args.out}")
        return 0
    rows = result.services
    print(f"{len(rows)} services, worst first")
    print(portfolio_view(rows).to_string())
    for r in rows:
        if r["status"] == "error":
            print(f"\n{r['file']}: not read: {r['error']}")
    for line in totals_lines(result):
        print("\n" + line)
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR", nargs="?", default=None,
                   help="a folder of scenario files (YAML); the shipped scenarios without one")
    p.add_argument("--target", default=None,
                   help="one availability target for every service (default: each scenario's "
                        "availability_target, else 99.95%%)")
    p.add_argument("--out", metavar="FILE", help="where --format html writes the portfolio report")
    p.add_argument("--jobs", type=int, default=1, help="services evaluated in parallel processes")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="evaluate the services on a Dask cluster (tcp://host:8786); its workers must "
                        "read the same folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    year_days_argument(p)


COMMAND = Command(
    "portfolio", run, "every service of a folder in one table",
    "Each scenario file of the folder (the shipped scenarios without one): verdict colour, "
    "availability against its target, what the design and the DR strategy cost a year and the "
    "expected losses, worst first, with totals per currency. A file that cannot be read is "
    "listed with why, and the others still are. --format html writes a portfolio report.",
    formats=("table", "json", "html"), arguments=add_arguments)
