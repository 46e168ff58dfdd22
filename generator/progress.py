"""A progress bar (rich) on a terminal for builds that take a while; silent in CI and --quiet."""

from __future__ import annotations

import os
import sys
import time


class Progress:
    """Shows nothing for the first second, so quick rebuilds stay quiet."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.bar = None
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "Progress":
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < 1.0:
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn
            self.bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
