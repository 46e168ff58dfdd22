"""Stage 6, write: build into a staging folder beside the target, then swap it in at once.

A failed or killed build leaves the previous output exactly as it was: nothing is ever
written into the live folder. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`
call (both folders exist at every instant); elsewhere it is two renames, and a build
that finds the old folder parked (killed between the two) puts it back first.
Unchanged files are hard-linked from the previous build instead of rewritten.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be written (read-only, full, locked): a message for people."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def recover(target: Path) -> None:
    """Put back a previous output parked by a build killed between two renames."""
    parked = target.with_name(f".{target.name}.old")
    if parked.exists() and not target.exists():
        parked.rename(target)
    elif parked.exists():
        shutil.rmtree(parked, ignore_errors=True)


@contextmanager
def build_lock(output_root: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one is told, not queued."""
    try:
        output_root.mkdir(parents=True, exist_ok=True)
        handle = open(output_root / ".lock", "a+")
    except OSError as exc:
        raise OutputError(f"cannot write to {output_root}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputError(f"another build is writing {output_root} ({holder}); "
                              "wait for it to finish and run this again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


class Staging:
    """A new version of `target`, filled file by file, then swapped in by `commit`."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.path = target.with_name(f".{target.name}.staging-{os.getpid()}")
        recover(target)
        for stale in target.parent.glob(f".{target.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            self.path.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot write to {target.parent}: {exc.strerror}") from exc

    def write(self, relative: str, data: bytes) -> None:
        destination = self.path / relative
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        except OSError as exc:
            self.abandon()
            if exc.errno == errno.ENOSPC:
                raise OutputError(f"the disk is full while writing {relative}; the previous output is unchanged") from exc
            raise OutputError(f"cannot write {relative}: {exc.strerror}; the previous output is unchanged") from exc

    def reuse(self, relative: str) -> bool:
        """Hard-link an unchanged file from the current output; False if it is not there."""
        source = self.target / relative
        if not source.is_file():
            return False
        destination = self.path / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)
        return True

    def reuse_tree(self, relative: str) -> bool:
        """Hard-link a whole unchanged folder (e.g. the search index) from the current output."""
        source = self.target / relative
        if not source.is_dir():
            return False
        for file in source.rglob("*"):
            if file.is_file():
                self.reuse(file.relative_to(self.target).as_posix())
        return True

    def commit(self) -> None:
        if self.target.exists():
            if not _exchange(self.path, self.target):
                parked = self.target.with_name(f".{self.target.name}.old")
                self.target.rename(parked)
                self.path.rename(self.target)
                shutil.rmtree(parked, ignore_errors=True)
                return
            shutil.rmtree(self.path, ignore_errors=True)     # the old version, now at the staging path
        else:
            self.path.rename(self.target)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
