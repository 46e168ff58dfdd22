"""Embargoes written as a London time the clocks skip or repeat.

Such a time names one instant (`clock.london_instant`: the first after the gap, the second of
the two), so nothing leaks; but the clerk typed a time that is not what every message and
paper then prints, and is told so at the line they wrote it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from generator.clock import LONDON, london_instant, london_time, repeated, skipped

_MINUTE = dt.timedelta(minutes=1)


def written_wall_time(value: Any) -> dt.datetime | None:
    """The London wall-clock time an embargo's written text gives, to the minute; None when
    it gives an offset (it names one instant) or is not a time (its own error says so)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return moment if moment.tzinfo is None and not moment.second and not moment.microsecond else None


def clock_change_note(wall: dt.datetime) -> tuple[str, str] | None:
    """(message, hint) for a London wall-clock time the clocks skip or repeat; None for any other.
    The time read is printed by `clock.london_time`, as every message prints an embargo."""
    if skipped(wall):
        instant = london_instant(wall)          # a fixed offset: a minute before it is a real minute
        gap_starts = (instant - _MINUTE).astimezone(LONDON).replace(tzinfo=None) + _MINUTE
        return (f"{wall.isoformat(' ', 'minutes')} does not happen in London (the clocks go forward at "
                f"{gap_starts.time().isoformat('minutes')}); read as {london_time(instant)} "
                f"{instant.astimezone(LONDON).tzname()}", f"write {london_time(instant)}, or another time")
    if repeated(wall):
        first, second = (wall.replace(tzinfo=LONDON, fold=fold) for fold in (0, 1))
        return (f"{wall.time().isoformat('minutes')} on {wall.day} {wall:%B %Y} happens twice in London; "
                f"read as the second, {london_time(second)}", f"write {first.isoformat(' ', 'minutes')} for the first")
    return None


def embargo_fields(data: Any) -> Iterator[tuple[tuple, Any]]:
    """(field path, written value) of each embargo a record's plain data gives: its own and,
    in a meeting, each agenda item's."""
    if not isinstance(data, dict):
        return
    if "embargo_until" in data:
        yield ("embargo_until",), data["embargo_until"]
    items = data.get("items")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and "embargo_until" in item:
            yield ("items", index, "embargo_until"), item["embargo_until"]


def clock_change_embargoes(data: Any) -> list[tuple[tuple, str, str]]:
    """(field path, message, hint) for each embargo written, without an offset, as a London
    time the clocks skip or repeat."""
    found = []
    for field, value in embargo_fields(data):
        wall = written_wall_time(value)
        note = clock_change_note(wall) if wall is not None else None
        if note is not None:
            found.append((field, *note))
    return found
