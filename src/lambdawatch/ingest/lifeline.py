"""Worker processes die with the main process, however it ends.

On Linux the kernel sends SIGKILL to a worker when its parent dies (``PR_SET_PDEATHSIG``,
through ctypes). Everywhere, a daemon thread in the worker polls its parent's pid and exits once
the worker has been re-parented (the parent died, SIGKILL included). A broken pipe in the parent
ends the parent, which then ends the workers the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def _pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):  # no libc or no prctl: the watchdog alone
        return False


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)  # the parent is gone: nothing will read our results
        time.sleep(POLL_SECONDS)


def bind_to_parent(parent: int) -> None:
    """Call first thing in a worker process, with the pid of the process that started it."""
    _pdeathsig()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(
        target=_watch, args=(parent,), name="lambdawatch-lifeline", daemon=True
    ).start()
