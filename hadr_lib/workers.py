"""Worker processes that do not outlive the process that started them.

``hadr simulate`` and ``hadr report --jobs N`` run their work in a process pool. Ctrl-C
and SIGTERM stop the pool cleanly, but SIGKILL of the command (an out-of-memory
killer, ``kill -9``, a CI timeout) gives it no chance: its workers, and the report
kernels they started, went on as orphans. Each worker now asks Linux to send it
SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), on which it cleans up as
when the pool stops it; where that call is missing, a watcher thread polls the parent.
"""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None, sig: int = signal.SIGTERM, poll_s: float = 1.0) -> str:
    """Have ``sig`` sent to this process when its parent (``parent_pid``, by default
    the current one) dies; returns how: ``"prctl"`` or ``"watcher"``. If the parent is
    already gone, the signal is sent at once."""
    parent = os.getppid() if parent_pid is None else parent_pid
    how = "watcher"
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0:
            how = "prctl"
    except (OSError, AttributeError):
        pass
    if how == "watcher":
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(poll_s)
            os.kill(os.getpid(), sig)

        threading.Thread(target=watch, name="hadr-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # it died before the request took effect
        os.kill(os.getpid(), sig)
    return how
