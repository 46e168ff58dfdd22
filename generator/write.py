"""Stage 6, write: build the next version of the site beside it, then swap it in at once.

A failed or killed build leaves the previous output exactly as it was: nothing is ever
written into the live folder. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`
call (both folders exist at every instant); elsewhere it is three renames, and a build
that finds the old folder parked (killed between them) puts it back first.

The next version is made in the spare folder (`.site.previous` beside `site`): the
version the last swap replaced, trimmed to the files the live site still has at the same
version (`Staging.trim`), so it never holds a file the live site does not. Its manifest
says which version each of its files is, so a build changes only the files that differ:
a file it already holds at the wanted version stays, an unchanged live file is
hard-linked, the rest are rendered. One record changed costs a few file operations, not
a copy of a site of twelve thousand folders. Files are never changed in place (they are
unlinked, then written), because the two folders share their files as hard links.

Folders a file was deleted from stay until just before the swap (`Staging.commit`), when
those still empty are removed: a page rendered again is written into the folder its old
version left, so a build that renders everything again (a template changed) neither
removes nor makes twelve thousand folders (2.7 s of one such build at N = 5,000), and no
empty folder (which would name a withheld record) goes live.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping

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
    """Put back a live output parked by a build killed between the renames of a swap
    without `renameat2`; what the spare folder then holds is unknown, and its manifest
    is gone (see `build`), so it is emptied when next opened."""
    parked = target.with_name(f".{target.name}.old")
    if not parked.exists():
        return
    if not target.exists():
        parked.rename(target)
    elif not spare_path(target).exists():
        parked.rename(spare_path(target))
    else:
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


def write_file(destination: Path, chunks: Iterable[bytes]) -> None:
    """Write a new file at `destination`. Whatever was there is unlinked first, never
    overwritten: it may be a hard link to the same file in the live site."""
    _clear(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as handle:
        handle.writelines(chunks)


def _clear(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _prune(folder: Path, top: Path) -> None:
    """Remove `folder` and its parents up to `top` while they are empty."""
    while folder != top:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def spare_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.previous")


class Staging:
    """The next version of `target`, made in the spare folder and swapped in by `commit`.

    `spare_keys`: the manifest of the spare folder (the build before the live one), or
    empty when it is not known (no spare yet, or a build was killed while changing it).
    Opening reads the spare folder once and deletes every file its manifest does not
    vouch for: assets and the search index, which each build puts back, and anything
    else (a stray file, the remains of a killed build)."""

    def __init__(self, target: Path, spare_keys: Mapping[str, str]) -> None:
        self.target = target
        self.path = spare_path(target)
        recover(target)
        for stale in target.parent.glob(f".{target.name}.staging-*"):     # left by older versions
            shutil.rmtree(stale, ignore_errors=True)
        try:
            if self.path.is_symlink() or self.path.exists() and not self.path.is_dir():
                # Never followed: a link here (a linked output folder swapped out by an
                # earlier build) leads to someone else's files.
                self.path.unlink()
            self.path.mkdir(parents=True, exist_ok=True)
            # Folders that are, or may become, empty: removed by `commit` if they still are.
            self.emptied: set[str] = set()
            self.held = self._inventory(spare_keys)
        except OSError as exc:
            raise OutputError(f"cannot write to {target.parent}: {exc.strerror}") from exc

    def _inventory(self, spare_keys: Mapping[str, str]) -> dict[str, str]:
        """{path: key} of the files the spare folder holds at a known version; the others
        are deleted (and the folders they leave empty, or found empty, noted for `commit`)."""
        held: dict[str, str] = {}
        stack = [("", str(self.path))]
        while stack:
            prefix, folder = stack.pop()
            with os.scandir(folder) as entries:
                entries = list(entries)
            if not entries:
                self.emptied.add(folder)
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((name + "/", entry.path))
                elif name in spare_keys:
                    held[name] = spare_keys[name]
                else:
                    os.unlink(entry.path)
                    self.emptied.add(folder)
        return held

    def holds(self, relative: str, key: str) -> bool:
        """True when the spare folder already holds `relative` at this version."""
        return self.held.get(relative) == key

    def write(self, relative: str, data: bytes) -> None:
        try:
            write_file(self.path / relative, (data,))
        except OSError as exc:
            self.abandon()
            if exc.errno == errno.ENOSPC:
                raise OutputError(f"the disk is full while writing {relative}; the previous output is unchanged") from exc
            raise OutputError(f"cannot write {relative}: {exc.strerror}; the previous output is unchanged") from exc

    def reuse(self, relative: str) -> bool:
        """Hard-link an unchanged file from the live output; False if it is not there."""
        source = self.target / relative
        if not source.is_file():
            return False
        destination = self.path / relative
        _clear(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)
        return True

    def reuse_tree(self, relative: str) -> bool:
        """Hard-link a whole unchanged folder (e.g. the search index) from the live output."""
        source = self.target / relative
        shutil.rmtree(self.path / relative, ignore_errors=True)
        if not source.is_dir():
            return False
        for file in source.rglob("*"):
            if file.is_file():
                self.reuse(file.relative_to(self.target).as_posix())
        return True

    def remove(self, relatives: Iterable[str]) -> None:
        """Delete files the next version does not have (a record withheld or gone)."""
        base = str(self.path)
        for relative in relatives:
            destination = os.path.join(base, relative)
            _clear(Path(destination))
            self.emptied.add(os.path.dirname(destination))

    def _prune_emptied(self) -> None:
        """Remove the noted folders that are still empty, and parents that they leave empty."""
        for folder in sorted(self.emptied, key=len, reverse=True):        # deepest first
            _prune(Path(folder), self.path)
        self.emptied.clear()

    def commit(self) -> bool:
        """Swap the next version in; True when the version it replaced is now the spare."""
        self._prune_emptied()
        if not self.target.exists():
            self.path.rename(self.target)
            return False
        if not _exchange(self.path, self.target):
            parked = self.target.with_name(f".{self.target.name}.old")
            self.target.rename(parked)
            self.path.rename(self.target)
            parked.rename(self.path)
        return True

    def trim(self, previous: Mapping[str, str], keys: Mapping[str, str]) -> dict[str, str]:
        """After `commit`, make the spare folder (the version just replaced) a part of the
        live site: delete what changed or went (a page since withheld, the old search index
        and assets), keep the files the live site has at the same version. Returns the
        spare folder's manifest: {path: key} of what it kept."""
        kept = {path: key for path, key in previous.items() if keys.get(path) == key}
        self.remove(path for path in previous if path not in kept)
        self.emptied.clear()        # the folders stay, for the next build to write into
        for folder in ("pagefind", "assets"):
            shutil.rmtree(self.path / folder, ignore_errors=True)
        return kept

    def abandon(self) -> None:
        """A build that failed part way: its half-made spare folder is deleted."""
        shutil.rmtree(self.path, ignore_errors=True)
