"""What a forked helper process does first, so that it can neither outlive its parent nor keep anything of the
parent's open after it.

A child made by `fork` inherits every descriptor of its parent, close-on-exec or not: the run lock, the lock
descriptor `flock(1)` passes down from cron, the parent's end of every pipe. A worker left behind by a parent killed
with SIGKILL used to keep the run lock (every later night exited 75) and wait for ever on a pipe whose other end
it held itself. So a child asks the kernel to kill it when its parent dies (Linux `PR_SET_PDEATHSIG`), checks that
the parent did not die before it asked, and closes what it inherited but does not use.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> bool:
    """Have the kernel send SIGKILL to this process when the thread that forked it ends (Linux); leave at once if
    the parent is already gone (it may have died before the request). False where the kernel cannot do it: the
    caller then relies on its pipe to the parent (EOF when the parent dies)."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter is linked with
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:
        os._exit(0)
    return armed


def close_inherited(keep: frozenset[int] = frozenset()) -> list[int]:
    """Close the descriptors this process was given across `exec` (inheritable ones, like the lock `flock(1)`
    holds for cron), but standard input, output and error and `keep`. Descriptors Python opens are never
    inheritable, so none of the process's own is touched. Returns those closed (Linux; elsewhere none)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return []
    closed = []
    for name in names:
        fd = int(name)
        if fd < 3 or fd in keep:
            continue
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
            if os.get_inheritable(fd):
                os.close(fd)
                closed.append(fd)
    return closed
