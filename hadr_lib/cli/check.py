"""`hadr check`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..architecture_file import load_architecture
from ..checks import InvalidInputError
from .common import ARCH_FILE, Command, parse_availability, print_json, year_days_argument


def run(args) -> int:
    from ..check import check_design, check_markdown, check_text

    target = parse_availability(args.target, field="--target", bare_percent=True)
    try:
        max_drop = float(args.max_drop)
    except ValueError:
        raise InvalidInputError(f"--max-drop: {args.max_drop!r} is not a number of nines (0 or more)") from None
    design, traps = _design(args.design)
    base = None if args.against is None else _design(args.against, "--against")[0]
    doc = check_design(design, target, base, max_drop, year_days=args.year_days)
    if traps is not None:  # read from infrastructure code: its traps go with the verdict
        doc["findings"] = [f for f in traps if f["severity"] in ("error", "warning")]
    if args.format == "json":
        print_json(doc)
    elif args.format == "markdown":
        print(check_markdown(doc), end="")
    else:
        print(check_text(doc))
    return 0 if doc["ok"] else 1


def _design(path: str, field: str = "DESIGN"):
    """The architecture at ``path`` and, when it is infrastructure code (a folder, or a
    file an importer reads: Terraform, CloudFormation, Kubernetes, boto3), what
    ``hadr import`` found in it (None for an architecture file)."""
    from ..importers import import_paths, importers
    from ..safe_load import read_text

    p = Path(path)
    code = p.is_dir()
    if not code and p.is_file():
        text = read_text(p)
        code = any(imp.claims(str(p), text) for imp in importers())
    if not code:
        return load_architecture(path), None
    doc = import_paths([p])
    if doc["design"] is None:
        raise InvalidInputError(f"{field}: {path}: nothing in these files could be modelled "
                                "(hadr import lists what it read)")
    return load_architecture(doc["design"]), doc["findings"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("design", metavar="DESIGN", help=ARCH_FILE + "; or a folder or files of infrastructure "
                   "code, read as hadr import reads them")
    p.add_argument("--target", required=True,
                   help="the availability the design must meet: 99.95%%, 99.95 or 0.9995")
    p.add_argument("--against", metavar="BASE", help="the design this one replaces (e.g. the main branch's file "
                   "or infrastructure code)")
    p.add_argument("--max-drop", default="0", metavar="NINES",
                   help="nines the design may lose against BASE (default 0: any loss fails)")
    year_days_argument(p)


COMMAND = Command(
    "check", run, "a gate for CI: exit 0 when the design meets the target (and loses at most "
    "--max-drop nines against --against), 1 when not, 2 on bad input",
    "Evaluate DESIGN against --target and, with --against BASE, against the design it replaces. "
    "--format markdown writes a pull-request comment: both figures, the parts and the file fields "
    "that changed.",
    formats=("text", "json", "markdown"), arguments=add_arguments)


def _options_with_values() -> set[str]:
    """The flags of ``hadr check`` that take a value, read from its own arguments."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--format", choices=COMMAND.formats)
    add_arguments(p)
    return {flag for action in p._actions if action.option_strings and action.nargs != 0
            for flag in action.option_strings}


def check_files(argv: list[str] | None = None) -> int:
    """``hadr-check-files [OPTIONS] FILE...`` (the pre-commit hook): ``hadr check`` on
    each file with the same options; the worst exit status (2 over 1 over 0)."""
    import sys

    from . import main

    args = list(sys.argv[1:] if argv is None else argv)
    options: list[str] = []
    files: list[str] = []
    takes_value = _options_with_values()
    i = 0
    while i < len(args):
        if args[i] in takes_value and i + 1 < len(args):
            options += args[i:i + 2]
            i += 2
        elif args[i].startswith("--"):
            options.append(args[i])
            i += 1
        else:
            files.append(args[i])
            i += 1
    if not files:
        print("hadr-check-files: error: no design files given", file=sys.stderr)
        return 2
    worst = 0
    for f in files:
        code = main(["check", f, *options])
        worst = max(worst, code)
    return worst
