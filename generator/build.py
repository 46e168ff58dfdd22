"""The pipeline: load -> validate -> resolve -> plan -> render -> write.

`check_site` runs the first three stages; every command that reads content uses it.
`build_site` runs all six for `scrutiny build`, `make site` and `scrutiny serve`. Content
errors stop a build before anything is written; the previous output stays as it was.

A build holds the output folder's lock from its first read to its last write, so every
decision about the live site is made from what is read under the lock: first whether the
live site is still exactly what this build would write (`LiveSite.is_current`: then
nothing is done), then which of its files each output may reuse (`Staging.prepare`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from generator.clock import now_in_london
from generator.load.documents import read_records
from generator.load.files import CACHES, SiteFiles, cache_folder, find_files
from generator.plan.outputs import Build, Plan, plan_build
from generator.plan.state import BuildOptions, inputs_digest
from generator.problems import OutputError, Problem, Severity
from generator.render import render_site
from generator.render.html import template_problems
from generator.render.search import SearchIndexError
from generator.resolve import Corpus, resolve
from generator.speed.collector import rare_collections
from generator.speed.memo import BuildMemo, no_memo
from generator.speed.parsed_cache import ParsedCache
from generator.validate import Records, Validator, validate_read
from generator.write import LiveSite, Staging, locked, output_error
from generator.write.targets import unsafe_target

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Checked:
    files: SiteFiles
    records: Records
    corpus: Corpus | None
    problems: tuple[Problem, ...]     # sorted by file and line
    digests: dict[str, str] = field(default_factory=dict)     # of each file as it was read, by name shown

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def check_site(root: Path, as_of: dt.date, memo: BuildMemo | None = None, files: SiteFiles | None = None,
               cache: bool = True) -> Checked:
    """Load, validate and resolve everything under root/content; never raises on content.
    `memo`: what earlier builds in this process worked out (`scrutiny serve`); `files`: the
    site's files, found already; `cache`: read and keep parsed records in .cache/parsed/
    (without it every file is parsed from its bytes: the audit trusts nothing a build kept)."""
    with rare_collections():
        return _check(files or find_files(root), as_of, memo, cache)


def _check(files: SiteFiles, as_of: dt.date, memo: BuildMemo | None, cache: bool) -> Checked:
    # No content/, no site: a mistyped -C (or a check in the home folder) makes no .cache/ there.
    parsed = ParsedCache(cache_folder(files.root, "parsed")) if cache and (files.root / "content").is_dir() else None
    validator = Validator(memo.check if memo else None)
    digests: dict[str, str] = {}

    def reading():
        for found, doc, problems in read_records(files, parsed, memo.check if memo else None):
            if doc is not None:
                digests[found.shown] = doc.digest
            yield found, doc, problems

    records, invalid = validate_read(reading(), validator)
    if parsed is not None:
        parsed.save()
    corpus, unresolved = resolve(records, as_of, memo.check.part if memo else no_memo)
    if memo:
        memo.check.finish()
    # A record with errors of its own is checked against the others for errors only (what is
    # valid in it: `validate_document`'s salvage); its warnings and notices wait for its values.
    erring = {p.path for p in invalid if p.severity is Severity.ERROR}
    unresolved = [p for p in unresolved if p.severity is Severity.ERROR or p.path not in erring]
    problems = tuple(sorted({*files.problems, *invalid, *unresolved, *template_problems(files.templates)},
                            key=lambda p: p.sort_key))
    return Checked(files, records, corpus, problems, digests)


@dataclass
class BuildReport:
    checked: Checked | None           # None: the live site was already right, nothing was checked
    plan: Plan | None = None
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    corrected: list[tuple[str, dt.date]] = field(default_factory=list)   # issued papers changed, with their day
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.checked is None or not self.checked.errors


def _discard_caches(root: Path) -> None:
    """Each cache a build keeps, deleted: only these, never what else `.cache` (or where a
    link of it leads) may hold."""
    for name in CACHES:
        kept = cache_folder(root, name)
        if kept.is_symlink() or kept.is_file():
            kept.unlink(missing_ok=True)
        else:
            shutil.rmtree(kept, ignore_errors=True)


def build_site(options: BuildOptions, memo: BuildMemo | None = None, progress: Progress | None = None,
               waiting: Callable[[str], None] = lambda holder: None, out_of_date: bool = False) -> BuildReport:
    """Build the site into `options.output`. `memo`: kept by `scrutiny serve` between builds;
    `waiting`: told who holds the lock when another build must finish first; `out_of_date`:
    the caller has just found the live site out of date (building is always safe, so the
    no-change test is not made twice)."""
    started = time.perf_counter()
    with locked(options.output, options.root, waiting) as live, rare_collections():
        if options.clock:
            # A build that waited for another publishes as at now, not as at the moment it began
            # waiting: with that, it would take back what the other had just released.
            options = replace(options, now=now_in_london())
        # Asked again here, under the lock: the command asked before another build could
        # have made this folder live (or a site with pages) meanwhile.
        unsafe = unsafe_target(options.output, options.root, options.preview, options.pdf_only)
        if unsafe is not None:
            raise OutputError(f"{unsafe}; nothing was written")
        if options.rebuild:
            # Trust nothing earlier builds kept: the caches go, and no live file is reused.
            _discard_caches(options.root)
            live, out_of_date = live.trusting_nothing(), True
        # An empty memo (`scrutiny serve` starting) is filled even when nothing changed: the
        # first save is then as quick as the ones after it.
        if not out_of_date and (memo is None or len(memo.check) > 0) and \
                live.is_current(options.root, options.describe(), options.now):
            report = BuildReport(None, reused=sorted(live.manifest.files))
            report.timings["total"] = time.perf_counter() - started
            return report
        files = find_files(options.root)
        checked = check_site(options.root, options.as_of, memo, files, cache=not options.rebuild)
        report = BuildReport(checked)
        report.timings["check"] = time.perf_counter() - started
        if checked.errors or checked.corpus is None:
            return report
        stage = time.perf_counter()
        build = Build(files.templates, files.assets, inputs_digest(files, checked.digests, options.describe()),
                      pdf=options.pdf, search=options.search, pdf_only=options.pdf_only,
                      papers_as_of=options.papers_as_of, pdf_on_demand=options.pdf_on_demand, mark=options.mark)
        report.plan = plan = plan_build(checked.corpus, options.now, build, preview=options.drafts)
        report.timings["plan"] = time.perf_counter() - stage
        _render_and_write(options, live, plan, files, report, memo, progress)
    report.timings["total"] = time.perf_counter() - started
    return report


def _render_and_write(options: BuildOptions, live: LiveSite, plan: Plan, files: SiteFiles, report: BuildReport,
                      memo: BuildMemo | None, progress: Progress | None) -> None:
    stage = time.perf_counter()
    staging = Staging(live, plan, options.preview, options.pdf_only)
    try:
        todo = staging.prepare()
        report.reused = staging.reused
        report.rendered = render_site(options.root, plan, todo, files.templates, staging.path, staging.write,
                                      options.jobs, progress, memo.data if memo else None,
                                      options.reuse_layouts and not options.rebuild)
        report.timings["render"] = time.perf_counter() - stage
        stage = time.perf_counter()
        if not options.preview:
            report.corrected = staging.changed_papers(report.rendered, options.now.date())
        report.removed = staging.commit()
    except OSError as exc:
        staging.abandon()
        raise output_error(exc, exc.filename or "the next version of the site") from exc
    except SearchIndexError as exc:
        staging.abandon()
        raise OutputError(f"{exc}; the previous output is unchanged") from exc
    except BaseException:
        staging.abandon()
        raise
    report.timings["write"] = time.perf_counter() - stage


__all__ = ["BuildOptions", "BuildReport", "Checked", "OutputError", "build_site", "check_site"]
