"""What the ``hadr`` subcommands share: the ``Command`` each module defines, reading an
availability as people type it, and JSON output."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..availability import DAYS_PER_YEAR, json_record
from ..checks import InvalidInputError

__all__ = ["ARCH_FILE", "SCHEMA_VERSION", "Command", "dask_executor", "flag_names", "json_rows",
           "parse_availability", "print_json", "year_days_argument"]


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, what runs it (``run(args) -> exit status``), its help
    line and description, and its arguments (``--format`` is added from ``formats``)."""

    name: str
    run: Callable[[argparse.Namespace], int]
    help: str
    description: str
    formats: tuple[str, ...] | None = ("table", "json")
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


def parse_availability(text: str, field: str = "availability", bare_percent: bool = False) -> float:
    """``99.95%`` or ``0.9995`` to a fraction, keeping the typed decimal (so
    ``99.9999999%`` is exactly 1e-9 short of 1). With ``bare_percent``, a bare number
    above 1 is a percentage (``--target 99.95``)."""
    t = text.strip()
    percent = t.endswith("%")
    try:
        value = Decimal(t[:-1] if percent else t)
    except InvalidOperation:
        raise InvalidInputError(
            f"{field}: {text!r} is not a number (write 99.95% or 0.9995)") from None
    if not value.is_finite():
        raise InvalidInputError(
            f"{field}: {text!r} is not a finite number (write 99.95% or 0.9995)")
    if bare_percent and not percent and value > 1:
        percent = True
    if percent:
        value = value / 100
    if not value.is_finite() or not 0 <= value <= 1:
        raise InvalidInputError(
            f"{field}: {text!r} is not in [0, 1] or [0%, 100%] (write 99.95% or 0.9995)")
    return float(value)


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """A Dask cluster's executor for ``--scheduler ADDRESS``, closed afterwards; a
    missing dask.distributed or an unreachable scheduler is a one-line error."""
    try:
        from distributed import Client
    except ImportError:
        raise InvalidInputError("--scheduler: needs dask.distributed "
                                "(pip install 'hadr-workbook[dask]')") from None
    _refused_now(address)
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InvalidInputError(f"--scheduler: cannot reach {address!r} ({exc})") from None
    with client:
        yield client.get_executor()


def _refused_now(address: str) -> None:
    """A ``tcp://HOST:PORT`` scheduler that refuses the connection outright is said at
    once (Dask's client would retry for its whole timeout); anything else is left to
    the client."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        return
    if parts.scheme != "tcp" or not host or port is None:
        return
    try:
        socket.create_connection((host, port), timeout=10).close()
    except ConnectionRefusedError as exc:
        raise InvalidInputError(f"--scheduler: cannot reach {address!r} ({exc})") from None
    except OSError:
        return  # unreachable in another way, or slow: the client says so within its timeout


def print_json(out: dict) -> None:
    """One JSON document on stdout: ``schema_version`` first, no NaN or infinity
    (a value that has none is null)."""
    doc = {"schema_version": SCHEMA_VERSION, **out}
    print(json.dumps(doc, indent=2, allow_nan=False))


def json_rows(rows) -> list[dict]:
    """Records for JSON: a float that is NaN or infinite becomes null."""
    return [json_record(r) for r in rows]


def flag_names(exc: InvalidInputError, flags: dict[str, str]) -> InvalidInputError:
    """The library's error with the flag the user typed in place of the parameter
    (``repair_sigma: ...`` -> ``--repair-sigma: ...``)."""
    text = str(exc)
    for param, flag in flags.items():
        if text.startswith(f"{param}:"):
            return InvalidInputError(flag + text[len(param):])
    return exc


def year_days_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year-days", type=float, default=DAYS_PER_YEAR,
                   help="days in a year (default: %(default)s)")


#: Version of the JSON the commands print: raised when a key is renamed or removed.
SCHEMA_VERSION = 1


ARCH_FILE = "architecture YAML file, or a name in data/architectures"
