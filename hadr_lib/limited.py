"""``python -m hadr_lib.limited MIB COMMAND...``: run COMMAND with its address space
capped at MIB mebibytes (``RLIMIT_AS``), inherited by everything it starts.

The served app starts each page's kernel through it (``hadr_lib.serve``,
``HADR_KERNEL_MEMORY_MB``): a kernel that asks for more gets a ``MemoryError``,
which the app shows as a message, instead of taking the machine's memory from
everyone else. The process is replaced (``exec``), so the kernel keeps the pid the
server knows it by.
"""

from __future__ import annotations

import os
import sys

__all__ = ["cap_address_space", "main"]


def cap_address_space(mib: int) -> None:
    """Cap this process's address space (and its children's) at ``mib`` MiB."""
    import resource

    limit = mib * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    # The soft limit only: the kernel's own allocations fail past it, while a helper that
    # needs a large address space and is trusted with it (Chromium printing a report to PDF:
    # its JavaScript engine reserves gigabytes it never touches) may lift it for itself
    # (``report.print_pdf``).
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or not args[0].isdigit() or int(args[0]) < 1:
        raise SystemExit("usage: python -m hadr_lib.limited MIB COMMAND [ARG...]")
    cap_address_space(int(args[0]))
    os.execvp(args[1], args[1:])


if __name__ == "__main__":
    main()
