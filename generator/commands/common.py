"""What the commands share: the site folder, the moment a command runs for, how problems are printed."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.clock import at_london_offset, london_instant, now_in_london
from generator.problems import Severity

if TYPE_CHECKING:
    from generator.build import Checked


def site_root(ctx: click.Context):
    """The site's folder (`scrutiny -C DIR`), resolved."""
    return ctx.obj["root"]


def moment(as_of: dt.datetime | None) -> dt.datetime:
    """The moment a command works for: --as-of, or now."""
    return as_of or now_in_london()


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}(:?\d{2})?)?")


class AsOf(click.ParamType):
    """--as-of 2021-03-03 (the whole of that day, London time) or --as-of "2021-03-03 09:00"."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            if _DAY.fullmatch(value):
                day = dt.date.fromisoformat(value)
                return london_instant(dt.datetime.combine(day, dt.time(23, 59, 59)))
            if not _MOMENT.fullmatch(value):
                # Python reads more ('20261025', '2026-W43-7'), but as a moment: a day written so
                # would mean its first minute where 2026-10-25 means the whole day.
                raise ValueError(value)
            given = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
            # One instant, one London day: the day a paper is "as at" never follows the offset given.
            return at_london_offset(given) if given.tzinfo else london_instant(given)
        except ValueError:
            self.fail(f"'{value}' is not a date; write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'", param, ctx)
        except OverflowError:
            self.fail(f"'{value}' is beyond the calendar once put in London time; give a date between "
                      "the years 1 and 9999", param, ctx)


def summary_line(checked: Checked) -> str:
    counts = {s: sum(1 for p in checked.problems if p.severity is s) for s in Severity}

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (f"{plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}, "
            f"{plural(counts[Severity.NOTICE], 'notice')} in {plural(checked.files.content_files, 'file')}")


def print_problems(checked: Checked, fmt: str = "text", quiet_notices: bool = False, err: bool = False,
                   extra: dict | None = None) -> None:
    """Every problem, one per line, then the summary: all on stdout for `check` (the problems
    are its output, so `check > problems.txt` keeps them all), on stderr for `build`. `extra`:
    more of the one JSON document (the audit's report)."""
    if fmt == "json":
        click.echo(json.dumps({"problems": [p.as_dict() for p in checked.problems],
                               "summary": summary_line(checked), **(extra or {})}, indent=2), err=err)
        return
    for problem in checked.problems:
        if quiet_notices and problem.severity is Severity.NOTICE:
            continue
        click.echo(str(problem), err=err)
    click.echo(summary_line(checked), err=err)
