"""Files written whole or not at all: a report, a design, an index page.

A user's file is never left half-written: the bytes go to a temporary file in the
same folder, which then replaces the target in one rename.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "safe_file_name"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (readable by
    all, as the umask allows: ``mkstemp`` alone would make it private)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_file_name(name: str, fallback: str, suffix: str = ".yaml") -> str:
    """A download's file name from a name people gave: letters and digits, the rest one
    ``_``, lower case, at most 60 characters (``Multi-AZ PostgreSQL`` ->
    ``multi_az_postgresql.yaml``); ``fallback`` when nothing is left."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return f"{(stem or fallback)[:60]}{suffix}"
