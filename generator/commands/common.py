"""What the commands share: the site folder, the moment a command runs for, how problems are printed."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.clock import at_london_offset, london_instant, now_in_london
from generator.problems import Severity
from generator.write import manifest
from generator.write.manifest import manifest_path

if TYPE_CHECKING:
    from generator.build import Checked


def site_root(ctx: click.Context):
    """The site's folder (`scrutiny -C DIR`), resolved."""
    return ctx.obj["root"]


def real_path(path: Path) -> Path:
    """`path`, links resolved as far as they lead (`resolve` raises on a loop; the write stage refuses one)."""
    return Path(os.path.realpath(path))


def inside_live_site(target: Path, root: Path) -> bool:
    """True when `target` is output/site, the live site, or anything inside it."""
    live, target = real_path(root / "output" / "site"), real_path(target)
    return target == live or live in target.parents


def is_publish_destination(folder: Path) -> bool:
    """A folder tools/publish publishes into (its DEST): marked by `.purpose`, or, made before
    that mark existed, holding the `current` link and `releases/`."""
    return (folder / ".purpose").is_file() or (folder / "current").is_symlink() and (folder / "releases").is_dir()


PREVIEW_FOLDERS = ("preview", "serve", "rehearsal")     # under output/: where previews are built


def live_folder_holding(target: Path, root: Path) -> Path | None:
    """The folder that is, or may be, served to the public and holds `target` (or is it), if
    one does: output/site; a DEST tools/publish publishes the live site into (`current` is a
    link into it); or a site a build made elsewhere with -o whose manifest does not say it
    is a preview (a build killed, or from before the mark, is taken as live). output/'s own
    preview folders are previews. A preview goes into none of the others.

    Both the folders `target` is in as written and those its links lead to are asked: a
    link inside a live site to a folder elsewhere is served with it."""
    if inside_live_site(target, root):
        return real_path(root / "output" / "site")
    previews = _output_folders(root, PREVIEW_FOLDERS)
    for folder in _folders_holding(target):
        if is_publish_destination(folder):
            try:
                purpose = (folder / ".purpose").read_text(encoding="utf-8").strip()
            except OSError:
                purpose = "live"               # a DEST from before the mark: only live runs made those
            if purpose != "rehearsal":
                return folder
        if folder not in previews and manifest_path(folder).exists() and manifest.read(folder).preview is not True:
            return folder
    return None


def whole_site_holding(target: Path, root: Path) -> Path | None:
    """The public site a build made, with its pages, that holds `target` (or is it), if one
    does: output/site, a DEST of tools/publish, or a folder whose manifest says neither that
    only papers were built into it (`--pdf-only`; output/pdf is such a folder) nor that it
    is a preview (whose pages `--pdf-only --drafts` may replace)."""
    if inside_live_site(target, root):
        return real_path(root / "output" / "site")
    others = _output_folders(root, ("pdf", *PREVIEW_FOLDERS))
    for folder in _folders_holding(target):
        if is_publish_destination(folder):
            return folder
        if folder not in others and manifest_path(folder).exists():
            marks = manifest.read(folder)
            if marks.pdf_only is not True and marks.preview is not True:
                return folder
    return None


def _output_folders(root: Path, names: tuple[str, ...]) -> set[Path]:
    """output/NAME for each name, where it is a folder of output/ itself (not a link elsewhere)."""
    output = real_path(root / "output")
    return {real_path(root / "output" / name) for name in names
            if not (root / "output" / name).is_symlink() and real_path(root / "output" / name).parent == output}


def _folders_holding(target: Path) -> list[Path]:
    """`target` and the folders holding it, both as written (each resolved) and as its links
    lead: a link inside a site to a folder elsewhere is served with the site."""
    written = Path(os.path.abspath(target))
    return list(dict.fromkeys([real_path(target), *real_path(target).parents,
                               *(real_path(folder) for folder in written.parents)]))


def moment(as_of: dt.datetime | None) -> dt.datetime:
    """The moment a command works for: --as-of, or now."""
    return as_of or now_in_london()


class AsOf(click.ParamType):
    """--as-of 2021-03-03 (the whole of that day, London time) or --as-of "2021-03-03 09:00"."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            if len(value) == 10:
                day = dt.date.fromisoformat(value)
                return london_instant(dt.datetime.combine(day, dt.time(23, 59, 59)))
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


def print_problems(checked: Checked, fmt: str = "text", quiet_notices: bool = False, err: bool = False) -> None:
    """Every problem, one per line, then the summary: all on stdout for `check` (the problems
    are its output, so `check > problems.txt` keeps them all), on stderr for `build`."""
    if fmt == "json":
        click.echo(json.dumps({"problems": [p.as_dict() for p in checked.problems],
                               "summary": summary_line(checked)}, indent=2), err=err)
        return
    for problem in checked.problems:
        if quiet_notices and problem.severity is Severity.NOTICE:
            continue
        click.echo(str(problem), err=err)
    click.echo(summary_line(checked), err=err)
