"""One run at a time per marts folder: an exclusive, non-blocking flock on <marts>/.run.lock.

The kernel releases the lock when the process dies (also on SIGKILL), so a crashed run never
leaves a stale lock behind and the next run starts without manual steps.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".run.lock"
_held: dict[Path, int] = {}  # locks this process holds (a nested acquire in the same run is a no-op)


class RunLocked(Exception):
    """Another run holds the lock; the message (Dutch) says which."""


def acquire(marts: Path) -> bool:
    """Take the lock; False when this process already holds it. Raises RunLocked when busy."""
    marts = marts.resolve()
    if marts in _held:
        return False
    marts.mkdir(parents=True, exist_ok=True)
    fd = os.open(marts / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "onbekend"
        os.close(fd)
        raise RunLocked(f"Er draait al een run op {marts} ({holder}). Deze run is geweigerd; "
                        "probeer het opnieuw als die klaar is.") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, gestart {datetime.now():%Y-%m-%d %H:%M:%S}".encode(), 0)
    _held[marts] = fd
    return True


def release(marts: Path) -> None:
    fd = _held.pop(marts.resolve(), None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def run_lock(marts: Path):
    acquired = acquire(marts)
    try:
        yield
    finally:
        if acquired:
            release(marts)
