"""The ``hadr`` command line: thin subcommands over the library, one module each.

``COMMAND_MODULES`` lists the modules of this package that are subcommands, in the
order ``hadr --help`` shows them; each defines ``COMMAND`` (a ``common.Command``). A new
subcommand is its module and one line here; the tests and the README read this list.
Bad input exits with status 2 and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .. import __version__
from ..checks import InvalidInputError
from ..registry import read_registry
from .common import SCHEMA_VERSION, Command, parse_availability

__all__ = ["COMMAND_MODULES", "SCHEMA_VERSION", "build_parser", "commands", "main", "parse_availability"]

#: The subcommands' modules, in the order of ``hadr --help``.
COMMAND_MODULES = ("downtime", "evaluate", "dr", "slo", "simulate", "compare", "optimize", "fit",
                   "diff", "portfolio", "check", "importing", "listing", "report")


def commands() -> tuple[Command, ...]:
    """The subcommands, each read from its module's ``COMMAND``."""
    return read_registry(__name__, COMMAND_MODULES, "COMMAND", Command,
                         listed_in="COMMAND_MODULES", noun="command")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hadr",
        description="HA/DR planning workbook: nines, downtime budgets and more.",
    )
    parser.add_argument("--version", action="version", version=f"hadr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands():
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        p.set_defaults(func=command.run)
        if command.formats:
            p.add_argument("--format", choices=command.formats, default=command.formats[0])
        if command.arguments is not None:
            command.arguments(p)
    return parser


def _terminate(signum, frame):
    """SIGTERM ends a run the way Ctrl-C does: workers stopped, no partial file."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except InvalidInputError as exc:
        print(f"hadr {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"hadr {args.command}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `hadr ... | head`: the reader left; not an error
        sys.stdout = None
        return 0
    except (MemoryError, RecursionError) as exc:
        print(f"hadr {args.command}: error: the input is too large or too deeply nested "
              f"({type(exc).__name__})", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("HADR_DEBUG"):
            raise
        print(f"hadr {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(a bug: please report it; HADR_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 70
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
