"""Stage 6, write: the next version of the site is made beside it, then swapped in at once.

A build holds the output folder's lock (`locked`) from before it reads anything until its
site is live, so two builds never overlap, and every decision about the live site (is it
still right? may this file of it be reused?) is made from what was read under the lock.
A second build waits for the first, then starts from what the first left.

Only what the plan names goes live: every file swapped in belongs to a planned output,
and the manifest records what each was made from (`manifest`). A failed or killed build
leaves the live site exactly as it was: nothing is ever written into the live folder. On
Linux the swap is one `renameat2(RENAME_EXCHANGE)` call (both folders exist at every
instant); elsewhere it is three renames, and a build that finds the old folder parked
(killed between them) puts it back first.

The next version is made in the spare folder (`.site.previous`), which holds the version
the last swap replaced. A file there is kept only when it *is* the live file the plan
reuses (a hard link to it: the same inode); everything else is deleted, unchanged live
files are linked in, and only what changed is rendered. Files are never changed in place,
because the two folders share their files: a file is unlinked, then written.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import filecmp
import os
import shutil
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from generator.load.files import file_digests, find_files
from generator.plan.keys import AS_AT
from generator.plan.state import inputs_digest
from generator.problems import OutputError
from generator.stopping import stop_signals_held
from generator.write import manifest
from generator.write.manifest import LiveFile, Manifest

if TYPE_CHECKING:             # types only: a no-change build decides without loading the pipeline
    from generator.plan.outputs import Output, Plan

# under output/: the folders builds make that are, or may be, served (the site, previews, serve's, rehearsals)
SERVED_FOLDERS = ("site", "preview", "serve", "serve-preview", "rehearsal")
# every folder builds make: those, and the papers alone (--pdf-only), which is not a site
BUILD_FOLDERS = SERVED_FOLDERS + ("pdf",)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def output_error(exc: OSError, what: str) -> OutputError:
    """The one message for any failure to write the next version: the live site is untouched."""
    reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
    return OutputError(f"cannot write {what} ({reason}); the previous output is unchanged")


def check_target(site: Path, root: Path) -> None:
    """A build writes only a folder of its own: never the site's folder (or one holding it),
    nor a folder of someone else's files, which the swap would replace; nor a link to a folder
    (`scrutiny serve`'s output/serve made a link to a site: the swap and trim went through it)."""
    given, site, root = Path(site), Path(os.path.realpath(site)), Path(os.path.realpath(root))
    if site == root or root.is_relative_to(site) or site.is_relative_to(root / "content") \
            or site.is_relative_to(root / "templates"):
        raise OutputError(f"{site} holds the site's own files; build into a folder of its own, e.g. output/site")
    if site.is_symlink() or site.exists() and not site.is_dir():     # a link left: one in a loop
        raise OutputError(f"{site} is not a folder; give a folder for the site")
    if given.is_symlink():
        raise OutputError(f"{given} is a link to {site}; build into a folder of its own")
    if site == root / "output":           # it holds the live site, the previews and the members' papers
        raise OutputError(f"{site} holds every build's folders, which a build there would replace; "
                          "build into a folder inside it, e.g. output/site")
    # output/'s build folders are Scrutiny's own (docs/user-guide.md says so); any other folder
    # under output/ may be the clerk's (a pack saved there), as any folder elsewhere may.
    ours = site.parent == Path(os.path.realpath(root / "output")) and site.name in BUILD_FOLDERS \
        or manifest.manifest_path(site).exists() or spare_path(site).is_dir()
    if not ours and site.is_dir() and any(site.iterdir()):
        raise OutputError(f"{site} already holds files Scrutiny did not make, which a build would replace; "
                          "give an empty or new folder")


@contextmanager
def locked(site: Path, root: Path, waiting: Callable[[str], None] = lambda holder: None) -> Iterator[LiveSite]:
    """Hold the lock of the folder `site` is in, waiting for another build to finish first
    (`waiting` is told who holds it); yields the live site as it is now. `root`: the site's
    own folder, which a build never writes (`check_target`)."""
    check_target(site, root)
    try:
        site.parent.mkdir(parents=True, exist_ok=True)
        # Never through a link: a link here would have the lock truncate someone else's file.
        handle = os.fdopen(os.open(lock_path(site), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644), "r+")
    except OSError as exc:
        raise OutputError(f"cannot write to {site.parent}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            waiting(handle.read().strip() or "another process")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        recover(site)
        yield LiveSite(site, manifest.read(site) if site.is_dir() else Manifest())
    finally:
        handle.close()


def _files(folder: Path) -> Iterator[tuple[str, str]]:
    """(path relative to `folder`, full path) of every file and link under it; folders not followed."""
    stack = [("", str(folder))]
    while stack:
        prefix, here = stack.pop()
        try:
            entries = list(os.scandir(here))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((f"{prefix}{entry.name}/", entry.path))
            else:
                yield prefix + entry.name, entry.path


@dataclass(frozen=True)
class LiveSite:
    folder: Path
    manifest: Manifest

    def trusting_nothing(self) -> LiveSite:
        """This site with no file vouched for: a build makes every file again (the marks are
        the build's own, written at the swap)."""
        return LiveSite(self.folder, Manifest())

    def is_current(self, root: Path, options: str, moment: dt.datetime) -> bool:
        """True when the live site is exactly what a build of the site at `root` with
        `options` at `moment` would write: built from the same files for a state that still
        holds, every file of it as it was made, and nothing but live files beside it."""
        state = self.manifest.state
        if state is None:
            return False
        files = find_files(root)
        return state.holds_at(inputs_digest(files, file_digests(files), options), moment) and self.intact() \
            and self.spare_holds_live_files_only()

    def intact(self) -> bool:
        """Every recorded file is there, unchanged, and there is no other file."""
        recorded = self.manifest.files
        found = 0
        for relative, path in _files(self.folder):
            entry = recorded.get(relative)
            if entry is None or not entry.is_at(path):
                return False
            found += 1
        return found == len(recorded)

    def spare_holds_live_files_only(self) -> bool:
        """True when every file in the spare folder is the live file at its path. A build
        killed (SIGKILL cannot wait) while it rendered, or before its trim ended, left others
        there, a withdrawn record's pages perhaps, which a web server serving the site's parent
        folder serves: only a build that goes on to its swap and trim removes them."""
        return all(_same_file(path, self.folder / relative) for relative, path in _files(spare_path(self.folder)))

    def reusable(self, relative: str, key: str) -> bool:
        """True when the live file at `relative` was made with `key` and is still as it was made."""
        entry = self.manifest.files.get(relative)
        return entry is not None and entry.key == key and entry.is_at(os.path.join(self.folder, relative))

    def files_of(self, output: Output) -> list[str]:
        """The live files an output made: itself, or every file under it for a folder."""
        if not output.is_folder:
            return [output.path] if output.path in self.manifest.files else []
        prefix = output.path + "/"
        return [path for path in self.manifest.files if path.startswith(prefix)]


def lock_path(site: Path) -> Path:
    """The lock every build of `site` takes first, beside it (one for all sites of its folder)."""
    return site.parent / ".lock"


def spare_path(site: Path) -> Path:
    return site.with_name(f".{site.name}.previous")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def recover(site: Path) -> None:
    """Put back a live site parked by a build killed between the renames of a swap without
    `renameat2`. Its manifest was removed before the swap began, so nothing is trusted."""
    parked = site.with_name(f".{site.name}.old")
    if not parked.exists():
        return
    if not site.exists():
        parked.rename(site)
    elif not spare_path(site).exists():
        parked.rename(spare_path(site))
    else:
        shutil.rmtree(parked, ignore_errors=True)


def _same_file(a: str, b: Path) -> bool:
    """True when `a` and `b` are links to one file (the spare folder's copy of a live file)."""
    try:
        first, second = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _prune(folders: Iterable[str], top: str) -> None:
    """Remove each folder, and its parents up to `top`, while they are empty (deepest first)."""
    for folder in sorted(set(folders), key=len, reverse=True):
        while folder != top and folder.startswith(top):
            try:
                os.rmdir(folder)
            except OSError:
                break
            folder = os.path.dirname(folder)


class Staging:
    """The next version of the live site, made in the spare folder and swapped in by `commit`."""

    def __init__(self, live: LiveSite, plan: Plan, preview: bool = False, pdf_only: bool = False) -> None:
        self.live = live
        self.plan = plan
        self.preview = preview              # what the manifest says, for `write.targets`
        self.pdf_only = pdf_only
        self.path = spare_path(live.folder)
        self.reused: list[str] = []
        self.trimmed = False                # the spare folder holds live files only (the swap is done)
        self._emptied: set[str] = set()
        self._folders = tuple(o.path + "/" for o in plan.outputs if o.is_folder)
        try:
            if self.path.is_symlink() or self.path.exists() and not self.path.is_dir():
                self.path.unlink()          # never followed: a link here leads to someone else's files
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, str(self.path)) from exc

    def key_of(self, relative: str) -> str | None:
        """The key of the planned output a file belongs to; None when no output makes it."""
        key = self.plan.keys.get(relative)
        if key is None:
            folder = next((f for f in self._folders if relative.startswith(f)), None)
            key = self.plan.keys.get(folder[:-1]) if folder else None
        return key

    def _unlink(self, path: str) -> None:
        try:
            os.unlink(path)
        except IsADirectoryError:
            shutil.rmtree(path)
        except FileNotFoundError:
            return
        self._emptied.add(os.path.dirname(path))

    def prepare(self) -> list[Output]:
        """Make the spare folder hold exactly the live files the plan reuses; returns the
        outputs still to render."""
        held: set[str] = set()          # spare files that are live files this build reuses
        for relative, path in _files(self.path):
            key = self.key_of(relative)
            if key is not None and self._is_reused_live_file(relative, path, key):
                held.add(relative)
            else:
                self._unlink(path)
        todo = []
        for output in self.plan.outputs:
            key = self.plan.keys[output.path]
            files = self.live.files_of(output)
            if files and all(relative in held or self.live.reusable(relative, key) for relative in files):
                for relative in files:
                    if relative not in held:
                        self._link(relative)
                self.reused.append(output.path)
                continue
            for relative in files:
                if relative in held:
                    self._unlink(os.path.join(self.path, relative))
            if output.is_folder:
                shutil.rmtree(self.path / output.path, ignore_errors=True)
            todo.append(output)
        return todo

    def _is_reused_live_file(self, relative: str, path: str, key: str) -> bool:
        """True when the spare file at `path` is the live file at `relative` (hard links to
        one file, links never followed) and that file may be reused with `key`."""
        entry = self.live.manifest.files.get(relative)
        if entry is None or entry.key != key:
            return False
        try:
            live, spare = os.lstat(os.path.join(self.live.folder, relative)), os.lstat(path)
        except OSError:
            return False
        return entry.matches(live) and (live.st_dev, live.st_ino) == (spare.st_dev, spare.st_ino)

    def _link(self, relative: str) -> None:
        source, destination = self.live.folder / relative, self.path / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, destination)
        except FileExistsError:
            destination.unlink()
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)

    def write(self, relative: str, chunks: Iterable[bytes]) -> None:
        """Write a new file: whatever was there is unlinked first (it may be the live file)."""
        write_file(self.path / relative, chunks)

    def changed_papers(self, rendered: Iterable[str], today: dt.date) -> list[tuple[str, dt.date]]:
        """The papers dated before `today` (each as at its issue) whose bytes this version changes
        from the live ones, with their day: a paper is a record of what was issued, so a
        correction to one after its issue is said, never made silently (docs/papers.md)."""
        days = {o.path: dt.date.fromisoformat(key[len(AS_AT):])
                for o in self.plan.outputs for key in o.inputs if key.startswith(AS_AT)}
        changed = []
        for relative in rendered:
            day = days.get(relative)
            live = self.live.folder / relative
            if day is not None and day < today and live.is_file() \
                    and not filecmp.cmp(self.path / relative, live, shallow=False):
                changed.append((relative, day))
        return sorted(changed)

    def commit(self) -> list[str]:
        """Swap the next version in; returns the paths no longer live."""
        files: dict[str, LiveFile] = {}
        for relative, path in _files(self.path):
            key = self.key_of(relative)
            facts = os.lstat(path)
            if key is None or not stat.S_ISREG(facts.st_mode):
                self._unlink(path)          # not planned, or not a file the build wrote: never goes live
            else:
                files[relative] = LiveFile(key, facts.st_size, facts.st_mtime_ns)
        _prune(self._emptied, str(self.path))
        site = self.live.folder
        manifest.forget(site)
        # SIGTERM and Ctrl-C wait through the swap and the trim: between them the spare folder
        # holds the version just replaced, served beside a site built with `-o` into a web server's folder.
        with stop_signals_held():
            if not site.exists():
                self.path.rename(site)
            elif not _exchange(self.path, site):
                parked = site.with_name(f".{site.name}.old")
                site.rename(parked)
                self.path.rename(site)
                parked.rename(self.path)
            live = Manifest(self.plan.state, files, preview=self.preview, pdf_only=self.pdf_only)
            manifest.save(site, live)
            self.trim(live)
            self.trimmed = True
        return sorted(set(self.live.manifest.files) - set(files))

    def trim(self, live: Manifest) -> None:
        """The spare folder now holds the version just replaced: keep only what is live at
        the same version, so it never holds anything the live site does not. Every file is
        looked at, not only those the old manifest lists: a paper written into the live folder
        with `-o` (public then, perhaps withdrawn now) was there too, and a web server that
        serves the site's parent folder serves the spare one."""
        if not self.path.exists():
            return
        if not self.live.manifest.files:
            shutil.rmtree(self.path, ignore_errors=True)      # a version nothing vouched for
            return
        self._emptied.clear()
        for relative, path in _files(self.path):
            if relative not in live.files or not _same_file(path, self.live.folder / relative):
                self._unlink(path)          # not the live file: an old version, or nothing a build planned
        _prune(self._emptied, str(self.path))

    def abandon(self) -> None:
        """A build that failed part way: its half-made version is deleted. One stopped once its
        swap and trim were done (a Ctrl-C or SIGTERM held through them) leaves the spare folder,
        live files only, for the next build to reuse."""
        if not self.trimmed:
            shutil.rmtree(self.path, ignore_errors=True)


def write_file(destination: Path, chunks: Iterable[bytes]) -> None:
    """Write a new file at `destination`. Whatever was there is unlinked first, never
    overwritten: it may be a hard link to the same file in the live site."""
    try:
        destination.unlink()
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as handle:
        handle.writelines(chunks)
