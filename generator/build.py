"""Run the whole pipeline: check, plan, render what changed, write atomically.

`build_site` is what `scrutiny build` and `make site` run. Content errors stop the
build before anything is written; the previous output stays as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from generator import manifest
from generator.write import OutputError, Staging, build_lock

if TYPE_CHECKING:
    from generator.memo import BuildMemo
    from generator.pipeline import Checked
    from generator.plan import Output, Plan


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    output: Path                      # the folder that becomes the site, e.g. output/site
    as_of: dt.date
    now: dt.datetime                  # embargo checks: the moment the build runs (or --as-of)
    drafts: bool = False
    pdf: bool = True
    jobs: int = 0                     # 0: all cores
    search: bool = True
    pdf_only: bool = False            # `make pdf`: the papers and packs only, into their own folder
    reuse_layouts: bool = True        # PDF documents laid out by an earlier build (.cache/): speed only
    # The process ends after this build (`scrutiny build`): the corpus stays frozen (see
    # `_build`) rather than going back to the cycle collector, whose next pass would walk all
    # of it for nothing (4 s at N = 5,000). `scrutiny serve` and tests build again: False.
    exits_after: bool = False


@dataclass
class BuildReport:
    checked: Checked | None       # None: nothing changed since the last build, nothing was checked
    plan: Plan | None = None
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.checked is None or not self.checked.errors


class ContentErrors(Exception):
    pass


def _digest_files(paths) -> str:
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(path.encode())
        hasher.update(Path(path).read_bytes())
    return hasher.hexdigest()


class TemplateDigests:
    """The digest of a page template together with every template it uses."""

    def __init__(self, env) -> None:
        self.env = env
        self.cache: dict[str, str] = {}

    def __call__(self, name: str | None) -> str:
        if name is None:
            return ""
        if name not in self.cache:
            from generator.render.html import template_dependencies
            files = []
            for dependency in template_dependencies(self.env, name):
                files.append(self.env.loader.get_source(self.env, dependency)[1])
            self.cache[name] = _digest_files(files)
        return self.cache[name]


def _options_text(options: BuildOptions) -> str:
    return (f"drafts={options.drafts}|pdf={options.pdf}|search={options.search}|pdf_only={options.pdf_only}|"
            f"output={options.output}")


def _nothing_changed(options: BuildOptions, state: dict, fingerprint: str, previous: dict[str, str]) -> bool:
    """True when the last complete build read exactly these inputs on the same day, no embargo
    has ended since, and its files are all still there: then there is nothing to do."""
    if not state or state.get("fingerprint") != fingerprint or state.get("as_of") != options.as_of.isoformat():
        return False
    next_release = state.get("next_release")
    if next_release and options.now >= dt.datetime.fromisoformat(next_release):
        return False
    output = str(options.output)
    return all(os.path.isfile(os.path.join(output, path)) for path in previous)


def next_release(corpus, now: dt.datetime) -> dt.datetime | None:
    """The first embargo still to end after `now`: the moment a rebuild would publish more."""
    moments = [e.embargo_until for kind in (corpus.inspections, corpus.action_plans, corpus.reports,
                                            corpus.meetings, corpus.indicators)
               for e in kind.values() if e.embargo_until]
    moments += [item.embargo_until for m in corpus.meetings.values() for item in m.items if item.embargo_until]
    later = [m for m in moments if m > now]
    return min(later) if later else None


def build_site(options: BuildOptions, progress: Callable[[str, int, int], None] | None = None,
               memo: BuildMemo | None = None) -> BuildReport:
    """`memo`: kept by a process that builds again (`scrutiny serve`), so that the next check
    validates and resolves only the files that changed, and the data files are put together
    from the pieces of the inspections that did not (see `generator.memo`)."""
    try:
        return _build(options, progress, memo)
    finally:
        # A process that builds again without a memo (tests) lets the collector have this
        # build's corpus back. With a memo (`scrutiny serve`), most of the next corpus is this
        # one, kept: unfrozen, the collector's next full pass would walk all of it for nothing
        # (2.3-2.6 s at N = 5,000, in every other build; such passes found no garbage).
        if not options.exits_after and memo is None:
            gc.unfreeze()


def _build(options: BuildOptions, progress: Callable[[str, int, int], None] | None,
           memo: BuildMemo | None) -> BuildReport:
    started = time.perf_counter()
    manifest_path = options.output.parent / ".manifests" / f"{options.output.name}.json"
    previous, state = manifest.load_with_state(manifest_path) if options.output.exists() else ({}, {})
    state = state if previous else {}
    fingerprint, files = manifest.input_fingerprint(options.root, _options_text(options), state.get("inputs"))
    # An empty memo (`scrutiny serve` starting) is filled even when nothing changed: the
    # first save is then as quick as the ones after it (`BuildMemo.warm_up`).
    if previous and _nothing_changed(options, state, fingerprint, previous) and (
            memo is None or len(memo.check) or not memo.warm_up):
        report = BuildReport(None)
        report.reused = sorted(previous)
        report.timings["total"] = time.perf_counter() - started
        return report
    # Imported here, past the no-change return: importing the pipeline takes longer than
    # telling that nothing changed.
    from generator.pipeline import check_site, collector_paused, parsed_folder
    from generator.plan import plan_site
    from generator.render.html import make_environment, theme_asset_files
    from generator.render.data import DATA_FROM_PARTS, data_parts
    from generator.render.parallel import render_pages

    # The corpus lives until the build ends. Frozen (before the collector runs again), the
    # cycle collector never walks it (3 s at N = 5,000), and forked render workers do not
    # copy its pages just to walk them (the Python documentation's advice before fork).
    with collector_paused():
        checked = check_site(options.root, options.as_of, options.jobs, parsed=parsed_folder(options.root),
                             digests={name: entry[4] for name, entry in files["files"].items()},
                             memo=memo.check if memo is not None else None)
        gc.freeze()
    report = BuildReport(checked)
    report.timings["check"] = time.perf_counter() - started
    if checked.errors or checked.corpus is None:
        return report

    stage = time.perf_counter()
    plan = plan_site(checked.corpus, options.now, preview=options.drafts, pdf=options.pdf)
    if options.pdf_only:
        plan = replace(plan, outputs=tuple(o for o in plan.outputs if o.kind in ("pdf", "pack")))
    report.plan = plan
    env = make_environment(options.root / "templates", cache=options.root / ".cache" / "jinja")
    digests = manifest.input_digests(plan)
    template_digest = TemplateDigests(env)
    assets = theme_asset_files()
    assets_digest = _digest_files(str(p) for _, p in assets)
    keys = {o.path: manifest.output_key(o, digests, template_digest(o.template), assets_digest
                                        if o.kind in ("pdf", "pack") else "")
            for o in plan.outputs}
    report.timings["plan"] = time.perf_counter() - stage

    spare_manifest_path = manifest_path.with_name(f"{options.output.name}.previous.json")
    with build_lock(options.output.parent):
        # The spare folder is about to change: without its manifest, a build killed while
        # it changes leaves it unknown, and the next build empties it rather than trust it.
        stage = time.perf_counter()
        spare_keys = manifest.load(spare_manifest_path)
        spare_manifest_path.unlink(missing_ok=True)
        staging = Staging(options.output, spare_keys)
        writing = time.perf_counter() - stage
        try:
            stage = time.perf_counter()
            todo: list[Output] = []
            for output in plan.outputs:
                key = keys[output.path]
                if staging.holds(output.path, key) or (previous.get(output.path) == key and staging.reuse(output.path)):
                    report.reused.append(output.path)
                else:
                    todo.append(output)
            # Before anything is rendered or indexed: a page withheld since must not be found
            # in the folder by the search indexer, nor go live.
            staging.remove(path for path in staging.held if path not in keys)
            for output in (o for o in todo if o.kind == "file"):
                staging.write(output.path, plan.corpus.attachments[output.subject].raw or b"")
                report.rendered.append(output.path)
            html_outputs = [o for o in todo if o.kind not in ("pdf", "pack", "file")]      # pages and data
            parts = None
            if memo is not None and (not len(memo.data) or any(o.path in DATA_FROM_PARTS for o in html_outputs)):
                # Made here, before the workers fork: they inherit them, and the next build
                # (in this process) reuses every piece whose inspection did not change. Made
                # by the first build too (serve starting), so that the first edit is quick.
                parts = data_parts(plan.corpus, memo.data)
            report.rendered += render_pages(env, plan, html_outputs, staging.path, options.jobs, progress, parts)
            report.timings["render"] = time.perf_counter() - stage

            pdf_outputs = [o for o in todo if o.kind in ("pdf", "pack")]
            if pdf_outputs:
                stage = time.perf_counter()
                from generator.render.papers import render_pdfs
                for path, data in render_pdfs(options.root, plan, pdf_outputs, jobs=options.jobs, progress=progress,
                                              reuse_layouts=options.reuse_layouts):
                    staging.write(path, data)
                    report.rendered.append(path)
                report.timings["pdf"] = time.perf_counter() - stage

            for relative, source in ([] if options.pdf_only else assets):
                staging.write(relative, source.read_bytes())
            search_parts = None         # the pages each part of the search index holds
            if options.search and not options.pdf_only:
                stage = time.perf_counter()
                from generator.render.search import EarlierIndex, index_site
                # The live site's index is reused only if it indexed these very pages (the spare
                # folder may have held some of them at another version, or pages since withheld),
                # and so is each part of it that did.
                differs = [path for path in set(keys) | set(previous) if previous.get(path) != keys.get(path)]
                pages_changed = any(path.endswith(".html") for path in differs) or not staging.reuse_tree("pagefind")
                search_parts = state.get("search_parts")
                if pages_changed:
                    from generator.render.parallel import default_jobs
                    earlier = EarlierIndex(options.output / "pagefind", search_parts,
                                           lambda page: page in previous and previous.get(page) == keys.get(page)
                                           ) if search_parts else None
                    search_parts = index_site(staging.path, jobs=default_jobs(options.jobs), earlier=earlier)
                report.timings["search"] = time.perf_counter() - stage
            if options.output.exists():
                report.removed = sorted(set(previous) - set(keys))
            stage = time.perf_counter()
            # No manifest while the swap happens: a build killed here rebuilds everything next
            # time rather than trusting keys that may not match the files.
            manifest_path.unlink(missing_ok=True)
            kept_previous = staging.commit()
        except BaseException:
            staging.abandon()
            raise
        if kept_previous:
            try:
                manifest.save(spare_manifest_path, staging.trim(previous, keys))
            except OSError:
                pass            # the site is live; without a manifest the spare is emptied next time
        release = next_release(checked.corpus, options.now)
        manifest.save(manifest_path, keys, {"fingerprint": fingerprint, "inputs": files,
                                            "as_of": options.as_of.isoformat(),
                                            "next_release": release.isoformat() if release else None,
                                            "search_parts": search_parts})
        report.timings["write"] = writing + time.perf_counter() - stage     # the spare folder, swap, manifests
    report.timings["total"] = time.perf_counter() - started
    return report


__all__ = ["BuildOptions", "BuildReport", "OutputError", "build_site"]
