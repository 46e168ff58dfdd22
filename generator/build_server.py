"""The build server: the process of one `scrutiny build`, kept for the next build of the site.

Why: a build after one record changed re-renders only what depends on it, but in a new
process it must first check all of the site again, to know what the plan is. At N = 5,000
that check is 5 s of a 5-7 s build, spent on the 14,999 files that did not change (README,
Performance). `scrutiny serve` keeps what its last build worked out (`generator.memo`) and
checks only the files that changed: the same edits take it 1.0-1.6 s. The build server
gives `scrutiny build` that memory, as Gradle's daemon and Bazel's server do for theirs:

- a `scrutiny build` with no server to go to builds as before, keeping a `BuildMemo`; once
  it has said everything and before it exits, it forks: the parent exits with the build's
  status, and the child, detached from the terminal and the caller's pipes, keeps the memo
  and waits on a Unix socket;
- the next `scrutiny build` of the same site (same user, same tool files, same Python and
  installed packages) connects, sends its command line and folder, and prints what the server's build says
  and exits with its status: the server runs the very same command (`cli.run_in_server`)
  with the memo. Its progress is shown by the client's own bar;
- the server exits after `SCRUTINY_BUILD_SERVER_IDLE` seconds without a build (default
  900), on `scrutiny build-server stop`, when its socket is removed, or after an internal
  error (the client then builds in its own process, as if there were no server).

A reused result is the one a cold build would compute: every memo key names the bytes it
was made from (generator/memo.py), and tests/test_build_server.py compares the server's
output with a cold build's, byte for byte.

Off under CI (`CI` set), with `--no-server`, with `SCRUTINY_BUILD_SERVER=0`, and where the
platform has no fork or Unix sockets. The socket lives in a folder only its user may
enter (checked, never assumed), and the server answers only its own user (SO_PEERCRED).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

IDLE_SECONDS = 900
REQUEST_SECONDS = 10
SEND_SECONDS = 60
# (argv, cwd, memo, progress) -> exit status; output goes to sys.stdout and sys.stderr
RunCommand = Callable[[list[str], str, Any, Callable[[str, int, int], None]], int]


def wanted(no_server: bool = False) -> bool:
    """Whether `scrutiny build` may use (and start) a build server here."""
    if no_server or os.environ.get("CI") or os.environ.get("SCRUTINY_BUILD_SERVER", "1").lower() in ("0", "off", "no"):
        return False
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def idle_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get("SCRUTINY_BUILD_SERVER_IDLE", IDLE_SECONDS)))
    except ValueError:
        return IDLE_SECONDS


def _folder() -> Path | None:
    """The folder of this user's servers' sockets; None unless it is private to this user
    (someone else made it, it is a link, or others may enter it)."""
    folder = Path(tempfile.gettempdir()) / f"scrutiny-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def _site_name(root: Path) -> str:
    return hashlib.sha256(str(root).encode()).hexdigest()[:16]


def _installed() -> str:
    """When the installed packages last changed: a server started before a `pip install`
    (a new WeasyPrint, say) still has the old ones imported. Installing or removing a
    package adds or removes a folder in site-packages, which changes the folder's time."""
    times = []
    for entry in sys.path:
        if os.path.basename(entry) == "site-packages":
            try:
                times.append(str(os.stat(entry).st_mtime_ns))
            except OSError:
                pass
    return ",".join(times)


def address(root: Path) -> Path | None:
    """The socket of `root`'s server: one per site, user, tool version, Python and set of
    installed packages."""
    from generator.manifest import tool_digest
    folder = _folder()
    if folder is None:
        return None
    version = hashlib.sha256(f"{tool_digest()}\0{sys.version}\0{_installed()}".encode()).hexdigest()[:16]
    return folder / f"{_site_name(root)}-{version}.sock"


# ------------------------------------------------------------------------------ the client

def _connect(path: Path) -> socket.socket | None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
    except OSError:
        client.close()
        return None
    return client


def _messages(conn: socket.socket) -> Iterator[dict]:
    with conn.makefile("rb") as stream:
        for line in stream:
            yield json.loads(line)


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def delegate(root: Path, argv: list[str], progress: Callable[[str, int, int], None]) -> int | None:
    """Have `root`'s build server run `scrutiny ARGV`: its output is printed here and its
    exit status returned. None when there is no server, or it stopped before finishing
    (the caller builds in its own process: the output folder is never half-written)."""
    path = address(root)
    conn = _connect(path) if path is not None else None
    if conn is None:
        return None
    with conn:
        try:
            _send(conn, {"build": argv, "cwd": os.getcwd()})
            for message in _messages(conn):
                if "progress" in message:
                    progress(*message["progress"])
                elif "out" in message or "err" in message:
                    stream = sys.stdout if "out" in message else sys.stderr
                    stream.write(message.get("out", message.get("err")))
                    stream.flush()
                elif "exit" in message:
                    return int(message["exit"])
        except (OSError, ValueError):
            pass
    return None


def ask(root: Path, request: str) -> dict | None:
    """A server's answer to 'status' or 'stop'; None when `root` has no server."""
    return _ask(address(root), request)


def _ask(path: Path | None, request: str) -> dict | None:
    conn = _connect(path) if path is not None else None
    if conn is None:
        return None
    with conn:
        try:
            _send(conn, {request: True})
            return next(_messages(conn), None)
        except (OSError, ValueError):
            return None


# ------------------------------------------------------------------------------ the server

class _Lines:
    """A text stream whose writes go to the client as messages (`out` or `err`)."""

    encoding = "utf-8"

    def __init__(self, conn: socket.socket, key: str) -> None:
        self.conn, self.key = conn, key

    def write(self, text: str | bytes) -> int:
        if text:            # click.echo writes bytes to a stream it does not know as a terminal's
            _send_quietly(self.conn, {self.key: text.decode() if isinstance(text, bytes) else text})
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _peer_is_me(conn: socket.socket) -> bool:
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:              # no way to ask: the socket's private folder is the guard
        return True
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return uid == os.getuid()


def _peak_memory_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _stop_others(root: Path, path: Path) -> None:
    """Stop the servers of the same site left by other versions of the tool (or of Python):
    no client will reach them again, and each holds a corpus in memory until it idles out."""
    for other in path.parent.glob(f"{_site_name(root)}-*.sock"):
        if other != path and _ask(other, "stop") is None:
            other.unlink(missing_ok=True)       # left by a server that was killed


def _listen(path: Path) -> socket.socket | None:
    """A socket bound at `path`, or None when another live server holds it."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
    except OSError:
        other = _connect(path)
        if other is not None:           # a server is already there (two first builds at once)
            other.close()
            listener.close()
            return None
        try:                            # a socket file left by a server that was killed
            path.unlink()
            listener.bind(str(path))
        except OSError:
            listener.close()
            return None
    listener.listen(4)
    return listener


def start(root: Path, memo: Any, run: RunCommand, forget: Callable[[], Any] = lambda: None) -> None:
    """Fork a server for `root` that keeps `memo` (the process's build just ended and said
    everything). Returns in the parent, at once; the child calls `forget` (to let go of the
    last build's report) and never returns."""
    if threading.active_count() != 1:   # a fork copies only this thread: a lock another one
        return                          # holds would never be released in the child
    path = address(root)
    listener = _listen(path) if path is not None else None
    if listener is None:
        return
    _stop_others(root, path)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.fork() != 0:
        listener.close()
        return
    status = 0
    try:
        os.setsid()                     # no terminal: Ctrl-C and hang-ups are the client's
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):            # the caller's pipes reach end-of-file when it exits
            os.dup2(null, fd)
        os.close(null)
        _leave_helpers()
        forget()
        _serve(listener, path, root, memo, run)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _leave_helpers() -> None:
    """Let go of the helper processes that multiprocessing started for the parent: the PDF
    workers' fork server and the resource tracker. Each has the caller's stdout: kept alive
    by this process, they would keep the caller's pipe open (`scrutiny build | tail` would
    never end), and a fork server that is another process's child cannot be used from here
    anyway. They end with the parent; the next build that needs them starts its own.
    (These are multiprocessing's private fields, read with care: one not there is skipped.)"""
    from multiprocessing import forkserver, resource_tracker
    server = forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = server._forkserver_pid = server._forkserver_address = None
    tracker = resource_tracker._resource_tracker
    if getattr(tracker, "_fd", None) is not None:
        os.close(tracker._fd)
        tracker._fd = tracker._pid = None


def _serve(listener: socket.socket, path: Path, root: Path, memo: Any, run: RunCommand) -> None:
    """Answer requests until idle, told to stop, or the socket file is no longer ours."""
    inode = path.stat().st_ino
    listener.settimeout(idle_seconds())
    builds = 0
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                return
            with conn:
                if not _peer_is_me(conn):
                    continue
                conn.settimeout(REQUEST_SECONDS)    # a client that connects and says nothing
                try:
                    request = next(_messages(conn), None) or {}
                except (OSError, ValueError):
                    continue
                # Then only what the client does not read for this long is not sent (a
                # suspended client): the build goes on and the server with it.
                conn.settimeout(SEND_SECONDS)
                if "stop" in request:
                    _send(conn, {"stopped": os.getpid()})
                    return
                if "status" in request:
                    _send_quietly(conn, {"pid": os.getpid(), "root": str(root), "builds": builds,
                                 "peak_rss_mib": _peak_memory_mib()})
                    continue
                if "build" not in request:
                    continue
                builds += 1
                if not _build(conn, request, memo, run):
                    return
            if path.stat().st_ino != inode or not root.is_dir():
                return
    except OSError:
        return
    finally:
        try:
            if path.stat().st_ino == inode:
                path.unlink()
        except OSError:
            pass


def _build(conn: socket.socket, request: dict, memo: Any, run: RunCommand) -> bool:
    """Run one build for a client; False when the server must stop: after an internal
    error (the client, told nothing, builds in its own process) its memo is not trusted.
    A client that goes away (Ctrl-C) is simply no longer written to: the build goes on."""
    def progress(stage: str, done: int, total: int) -> None:
        _send_quietly(conn, {"progress": [stage, done, total]})

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Lines(conn, "out"), _Lines(conn, "err")
    try:
        status = run(list(request["build"]), str(request.get("cwd") or "/"), memo, progress)
    except BaseException:
        return False
    finally:
        sys.stdout, sys.stderr = out, err
    _send_quietly(conn, {"exit": status})
    return True


def _send_quietly(conn: socket.socket, message: dict) -> None:
    try:
        _send(conn, message)
    except OSError:
        pass
