"""One run at a time per marts folder: an exclusive, non-blocking flock on <marts>/.run.lock.

The kernel releases the lock when the process dies (also on SIGKILL), so a crashed run never
leaves a stale lock behind and the next run starts without manual steps.
"""

from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".run.lock"
_held: dict[Path, int] = {}  # locks this process holds (a nested acquire in the same run is a no-op)


class RunLocked(Exception):
    """Another run holds the lock; the message (Dutch) says which."""


class MartsUnusable(RunLocked):
    """The folder for the lock cannot be made or written (read-only, a file in the way, disk full)."""


def acquire(marts: Path) -> bool:
    """Take the marts folder's lock; False when this process already holds it. Raises RunLocked
    when busy, MartsUnusable when the folder cannot be made or written."""
    marts = marts.resolve()
    try:
        marts.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MartsUnusable(f"De publicatiemap {marts} is niet te gebruiken: {failure_reason(exc)}.") from None
    return _acquire(marts, marts / LOCK_NAME, f"Er draait al een run op {marts}")


def acquire_database(database: Path) -> bool:
    """The analysts' database belongs to one run at a time, also when two marts folders share it:
    two runs never read each other's tables."""
    database = database.resolve()
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MartsUnusable(f"De map van de database {database.parent} is niet te gebruiken: {failure_reason(exc)}.") from None
    return _acquire(database, database.with_name(database.name + LOCK_NAME),
                    f"Een andere run gebruikt de database {database}")


def _acquire(key: Path, lock_file: Path, busy: str) -> bool:
    if key in _held:
        return False
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise MartsUnusable(f"{lock_file.parent} is niet te gebruiken: {failure_reason(exc)}.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "onbekend"
        os.close(fd)
        raise RunLocked(f"{busy} ({holder}). Deze run is geweigerd; probeer het opnieuw als die klaar is.") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, gestart {datetime.now():%Y-%m-%d %H:%M:%S}".encode(), 0)
    _held[key] = fd
    return True


_REASONS = {errno.EACCES: "geen schrijfrechten", errno.EPERM: "geen schrijfrechten",
            errno.EROFS: "alleen-lezen bestandssysteem", errno.ENOTDIR: "een deel van het pad is een bestand, geen map",
            errno.EEXIST: "er staat een bestand met die naam", errno.ENOSPC: "de schijf is vol"}


def failure_reason(exc: Exception) -> str:
    """Why a write failed, in a few Dutch words: from the OS error number, or from the text of a
    DuckDB error (which carries none), else its first line, bounded."""
    if getattr(exc, "errno", None) in _REASONS:
        return _REASONS[exc.errno]
    text = str(exc)
    if "No space left" in text:
        return _REASONS[errno.ENOSPC]
    if "Permission denied" in text:
        return _REASONS[errno.EACCES]
    return (getattr(exc, "strerror", None) or text.splitlines()[0][:200]) if text else type(exc).__name__


def release(path: Path) -> None:
    fd = _held.pop(path.resolve(), None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def run_lock(marts: Path, database: Path | None = None):
    """Hold the marts folder's lock (and the database's) for a whole in-process run, so that a run
    that fails half-way releases them too."""
    taken = [marts] if acquire(marts) else []
    try:
        if database is not None and acquire_database(database):
            taken.append(database)
        yield
    finally:
        for path in taken:
            release(path)
