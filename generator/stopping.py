"""How a command and its workers stop: SIGTERM (`kill`, systemd) and SIGINT (Ctrl-C).

Kept apart from `speed/parallel.py` (which imports multiprocessing) so that the write stage,
which a build that finds nothing changed loads, can hold them too.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


@contextmanager
def stop_signals_held() -> Iterator[None]:
    """SIGTERM and Ctrl-C that come during the block take effect as it ends, never part way
    through it. A process started inside it starts with them blocked too: a worker unblocks
    them itself (`stopped_by_the_caller`). Multiprocessing's resource tracker, as it starts,
    unblocks both (CPython 3.11): start it before the block, as `PoolRunner.warm_up` does."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def stopped_by_the_caller() -> None:
    """In a worker process, first: SIGTERM ends it, whatever handler or signal mask it inherited
    (from the caller, or from a fork server first started inside `stop_signals_held`), since the
    caller stops its workers with SIGTERM. Ctrl-C reaches every process of the terminal's group:
    a worker leaves it to the caller, which stops its workers itself (each printed a traceback)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


class Terminated(BaseException):
    """SIGTERM, raised where this process was, as Ctrl-C raises KeyboardInterrupt."""


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (`kill PID`, systemd) ends the block as Ctrl-C does, every `finally` run on the
    way out: a build's workers are stopped and waited for, its half-made version deleted, and
    only then its lock let go. The process then ends by SIGTERM, as its caller expects. (Dying
    at once, it left its forked workers running on, holding the output's lock.)"""
    if threading.current_thread() is not threading.main_thread():      # only it may set handlers
        yield
        return
    received: list[int] = []

    def unwind(signum, frame) -> None:
        received.append(signum)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    except Terminated:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    # Also when the exception was swallowed on its way (raised in a finaliser, Python only prints it).
    if received:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
