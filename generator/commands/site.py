"""`scrutiny check`, `scrutiny build` and `scrutiny schema`: the site as a whole.

Each command imports the pipeline when it runs, not when the command line starts: then
`scrutiny --help`, and a `scrutiny build` with nothing to do, are over before the record
models and templates would have loaded (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.clock import london_moment, now_in_london
from generator.commands.common import AsOf, moment, print_problems, site_root
from generator.load.files import NO_CONTENT
from generator.write.targets import (live_folder_holding, preview_folder_holding, public_preview_folder_holding,
                                     published_papers_folder_holding, real_path, whole_site_holding)
from generator.plan.state import BuildOptions, MomentMark
from generator.problems import OutputError, Severity
from generator.progress import Progress
from generator.write import locked, output_error

if TYPE_CHECKING:
    from generator.build import Checked

# The record kinds, for `scrutiny schema KIND` (tests/test_schema.py checks them against
# generator.model.MODELS).
RECORD_KINDS = ("action_plan", "council", "framework", "indicators", "inspection", "meeting", "report",
                "service", "site")


def nothing_written(target: Path) -> str:
    """After content errors: that nothing went out, that the last good build stands, and what to
    do. A half-typed file stops every build, the scheduled one too (unread, it cannot be known
    to be a draft), so the way round it is said as well as the fix."""
    return (f"nothing was written or published: {target} is unchanged, still the last good build. Fix each "
            "error above; a file you are still typing (a draft, a new record) may instead be moved out of "
            "content/ until it is ready. Then build again.")


def _withheld_words(records: int, items: int) -> str:
    """'1 record withheld', '2 records and 1 agenda item withheld': what a clerk checks before a meeting."""
    def counted(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 else 's'}"
    return counted(records, "record") + (f" and {counted(items, 'agenda item')}" if items else "") + " withheld"


AUDIT_NOT_RUN = ("not run: content/site.yaml has errors (or there is no content/ folder), so no record was read "
                 "and what is withheld is not known; fix the errors above and audit again before publishing")


def _audit(root: Path, folder: str, checked: Checked, now: dt.datetime, fmt: str,
           list_files: bool) -> tuple[bool, dict | None]:
    """The audit of `folder` (from here; "" for the site's output/site): True when something
    leaked (or the folder cannot be audited), and with `fmt` json its report, for the caller
    to print with the problems; as text it is printed here."""
    from generator.audit import audit_output, unknown_records
    from generator.plan.outputs import plan_site
    from generator.write.manifest import read as read_manifest

    site = Path(folder).absolute() if folder else root / "output" / "site"
    try:
        found = site.is_dir()
    except OSError as exc:                       # a name too long, a folder that cannot be read
        click.echo(f"error: cannot read {site} ({exc.strerror or exc})", err=True)
        return True, None
    if not found:
        click.echo(f"error: {site} is not a folder; build the site first, or give the folder it was built in",
                   err=True)
        return True, None
    plan = plan_site(checked.corpus, now)
    contents = {o.path: tuple(k for k in o.inputs if ":" in k) for o in plan.outputs}
    unknown = unknown_records(checked.records.invalid, {k: list(v) for k, v in checked.records.by_kind.items()},
                              checked.corpus)
    # Only a folder a preview build wrote (its manifest says so) carries preview marks as its own.
    is_preview = read_manifest(site).preview is True
    own_templates = [t.source for t in checked.files.templates.values() if not t.shown.startswith("(theme)")]
    result = audit_output(site, checked.corpus, plan, contents,
                          [t.source for t in checked.files.templates.values() if t.shown.startswith("(theme)")],
                          unknown, is_preview, noindex_is_live=any("noindex" in source for source in own_templates))
    failed = bool(result.leaks or result.unread or result.previews)
    if fmt == "json":
        # all_clear: no leak found, and nothing withheld went unlooked-for (see below)
        return failed, {
            "files": {f: list(r) for f, r in result.files.items()}, "leaks": [leak.__dict__ for leak in result.leaks],
            "unread": [{"file": file, "why": why} for file, why in result.unread],
            "unknown": [found.__dict__ for found in result.unknown],
            "previews": [found.__dict__ for found in result.previews], "preview_folder": is_preview,
            "all_clear": not failed and not checked.errors}
    if list_files:
        for name, records in result.files.items():
            click.echo(f"{name}: {', '.join(records) if records else '-'}")
    for leak in result.leaks:
        shared = (f" (the same words are in public {leak.also_in}: wording the two share, or a leak)"
                  if leak.also_in else "")
        click.echo(f"LEAK {leak.file}: {leak.record} ({leak.reason}): found '{leak.evidence}'{shared}", err=True)
    for found in result.unknown:
        click.echo(f"UNKNOWN {found.file}: {found.record} ({found.reason}): found '{found.evidence}'", err=True)
    # A file the audit cannot open may hold anything: it is never passed as holding nothing.
    for file, why in result.unread:
        click.echo(f"UNREAD {file}: {why}: what it holds was not checked", err=True)
    for found in result.previews:
        click.echo(f"PREVIEW {found.file}: {found.mark}, found '{found.evidence}': a preview's file (drafts or "
                   "another moment) where the live site goes", err=True)
    if result.previews:
        click.echo(f"audit: {site} holds files of a preview, copied in by hand or by a server's sync: rebuild the "
                   "live site (`scrutiny build`, which replaces them) and audit again", err=True)
    if is_preview:
        click.echo(f"audit: {site} is a preview (so its build's manifest says): its DRAFT and PREVIEW marks are its "
                   "own; never publish it", err=True)
    click.echo(f"audit: {len(result.files)} files in {site}, {len(result.leaks)} leak"
               f"{'' if len(result.leaks) == 1 else 's'}"
               + (f", {len(result.previews)} of a preview" if result.previews else "")
               + (f", {len(result.unread)} not read (no all-clear)" if result.unread else ""),
               err=failed)
    if checked.errors:
        # A record with an error is not read, so what it would withhold (an exempt
        # appendix, a draft) is not looked for: no leak found is then no all-clear, and
        # the leaks found may not be all of them.
        verdict = ("there may be more leaks than those above" if result.leaks else "0 leaks is no all-clear")
        click.echo("audit: the content has errors, so what the records with them would withhold was not "
                   "looked for (" + (", ".join(sorted(unknown)) or "none by name") + "; UNKNOWN: the files naming "
                   f"them); {verdict}: fix them and audit again before publishing", err=True)
    return failed, None


def register(cli: click.Group) -> None:
    """Add check, build and schema to the `scrutiny` group."""

    @cli.command()
    @click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--as-of", type=AsOf(), default=None, help="Check as if it were DATE (embargoes, overdue actions).")
    @click.option("--audit", "audit_dir", is_flag=False, flag_value="", default=None,
                  type=click.Path(file_okay=False), metavar="[DIR]",
                  help="Also audit a built site (default: the site's output/site; a DIR given is read from "
                       "here, as build -o is): list each file's records and flag any draft, embargoed or exempt "
                       "content found in it.")
    @click.option("--list", "list_files", is_flag=True, help="With --audit: list every file and its records.")
    @click.pass_context
    def check(ctx: click.Context, strict: bool, fmt: str, as_of: dt.datetime | None, audit_dir: str | None,
              list_files: bool) -> None:
        """Validate all content and list every problem with file:line:col."""
        from generator.build import check_site
        from generator.resolve.frameworks import left_out

        now = moment(as_of)
        # The audit is the check on what builds did: it reads every record from its bytes,
        # never from the parsed records a build kept in .cache/.
        checked = check_site(site_root(ctx), now.date(), cache=audit_dir is None)
        if checked.corpus is not None:           # and what each inspection could still record
            records = checked.records.of("inspection")
            erring = {p.path for p in checked.errors}      # its values first (see `build._check`)
            notes = [note for iid, view in checked.corpus.inspections.items()
                     if records[iid].path not in erring and (note := left_out(records[iid], view)) is not None]
            checked = replace(checked, problems=tuple(sorted((*checked.problems, *notes), key=lambda p: p.sort_key)))
        failed = bool(checked.errors or (strict and checked.warnings))
        audited = audit_dir is not None and checked.corpus is not None
        if fmt == "json" and audited:            # one JSON document: the problems, and the audit in it
            leaked, report = _audit(site_root(ctx), audit_dir, checked, now, fmt, list_files)
            print_problems(checked, fmt, extra={"audit": report})
            failed = leaked or failed
        elif audit_dir is not None and not audited:
            # Without site.yaml no record can be read, so nothing is known to be withheld.
            print_problems(checked, fmt, extra={"audit": {"not_run": AUDIT_NOT_RUN, "all_clear": False}})
            if fmt == "text":
                click.echo(f"audit: {AUDIT_NOT_RUN}", err=True)
            failed = True
        else:
            print_problems(checked, fmt)
            if audited:
                failed = _audit(site_root(ctx), audit_dir, checked, now, fmt, list_files)[0] or failed
        if failed:
            sys.exit(1)

    @cli.command()
    @click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Where the site goes. Default: output/site (output/preview with --drafts or a later "
                       "--as-of).")
    @click.option("--as-of", type=AsOf(), default=None,
                  help="Build as if it were DATE: embargoes and overdue actions. Default: now. A DATE later "
                       "than now is a rehearsal: it goes to output/preview, never to output/site, and "
                       "every page says it is a preview.")
    @click.option("--drafts", is_flag=True, help="Include drafts, with a DRAFT banner (goes to output/preview).")
    @click.option("--no-pdf", is_flag=True, help="Skip the PDF papers and packs.")
    @click.option("--no-search", is_flag=True, help="Skip the search index.")
    @click.option("--pdf-only", is_flag=True,
                  help="Only the papers and packs, into output/pdf/ (output/preview with --drafts or a later "
                       "--as-of); the site is left as it is.")
    @click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, help="Parallel workers (0: all cores).")
    @click.option("-q", "--quiet", is_flag=True, help="Print only problems, a wait for another build, and the final line.")
    @click.option("--no-cache", is_flag=True,
                  help="Lay out afresh every PDF document this build makes, instead of reusing layouts kept in "
                       ".cache/. Papers unchanged since the last build are kept as they are (--rebuild makes "
                       "them again).")
    @click.option("--rebuild", is_flag=True,
                  help="Trust nothing earlier builds kept: delete .cache/ and make every file again (after "
                       "`scrutiny check --audit` reports a leak).")
    @click.pass_context
    def build(ctx: click.Context, output: Path | None, as_of: dt.datetime | None, drafts: bool, no_pdf: bool,
              no_search: bool, pdf_only: bool, jobs: int, quiet: bool, no_cache: bool, rebuild: bool) -> None:
        """Validate, then build the site and every public PDF. Incremental and atomic."""
        root = site_root(ctx)
        now = moment(as_of)
        if pdf_only and no_pdf:
            raise click.UsageError("--pdf-only and --no-pdf contradict each other")
        rehearsal = now > now_in_london()
        # A drafts preview's papers are as at --as-of; any other site has each paper as issued, an
        # earlier --as-of included (papers are records: docs/papers.md), and a rehearsal too, since
        # it shows what the build at that moment will publish.
        papers_as_of = now.date() if as_of and drafts else None
        # A preview is never public: not in the live site, not among the public papers.
        folder = "preview" if drafts or rehearsal else "pdf" if pdf_only else "site"
        given = output or root / "output" / folder
        try:
            target = real_path(given)
            # An earlier --as-of into a preview folder (tools/publish's rehearsals) changes no site.
            previewed = preview_folder_holding(given, root) if as_of and not rehearsal else None
            # A rehearsal's pages say the moment they show, on screen and printed: never taken for the
            # live site's (a moment to come, or an earlier one built where previews go).
            mark = MomentMark(now, rehearsal) if rehearsal or previewed is not None else None
            # Asked of the path as given too: a link inside a live site is served with it.
            marked = drafts or mark is not None
            live = live_folder_holding(given, root) if marked else None
            papers = published_papers_folder_holding(given, root) if marked else None
            public = public_preview_folder_holding(given, root) if marked else None
            site = whole_site_holding(given, root) if pdf_only else None
        except OSError as exc:                   # a name too long, a folder that cannot be read
            click.echo(f"error: {output_error(exc, str(given))}", err=True)
            sys.exit(1)
        published = f"{live}, a site that is or may be published" if live is not None else \
            f"{papers}, where the papers clerks publish go" if papers is not None else \
            f"{public}, where `scrutiny serve` shows what is public now" if public is not None else None
        if published is not None:
            what = "drafts" if drafts else f"a build as of {london_moment(now)}, later than now," if rehearsal else \
                f"a rehearsal as of {london_moment(now)}"
            # Without -o, an earlier --as-of goes to output/site: a rehearsal of one is asked for by its folder.
            instead = "leave out -o (it goes to output/preview) or give another folder" if drafts or rehearsal \
                else "give -o output/preview or another folder"
            raise click.UsageError(f"{what} never goes into {published}; {instead}")
        if site is not None:
            raise click.UsageError(f"--pdf-only builds the papers alone, and would leave {site}, a site with pages, "
                                   "without them; leave out -o (they go to output/pdf), or build the whole site")

        options = BuildOptions(root=root, output=target, now=now, drafts=drafts, pdf=not no_pdf, jobs=jobs,
                               search=not no_search, pdf_only=pdf_only, reuse_layouts=not no_cache,
                               papers_as_of=papers_as_of, rehearsal=rehearsal, rebuild=rebuild,
                               clock=as_of is None, mark=mark)

        def waiting(holder: str) -> None:
            click.echo(f"waiting for another build of {target.parent} ({holder}) to finish", err=True)

        if not os.path.lexists(root / "content"):
            # A mistyped -C: no site, so no output/ (its lock) is made there either; as `check` says it.
            click.echo(str(NO_CONTENT), err=True)
            sys.exit(1)

        try:
            with locked(target, root, waiting) as live:
                # The clock read again under the lock, as `build_site` does: the wait may have been long.
                unchanged = not rebuild and live.is_current(root, options.describe(),
                                                            now if as_of else now_in_london())
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            click.echo(f"error: {output_error(exc, str(target))}", err=True)
            sys.exit(1)
        # An earlier --as-of is no rehearsal: what was released since is gone from the site, until
        # the next build says otherwise. Said, so that a clerk who meant a rehearsal knows; not of
        # a drafts preview, nor of a build into output's preview folders (tools/publish --as-of).
        shows = "the papers public" if pdf_only else "the site"
        earlier = (f"warning: {target} now shows {shows} as at {london_moment(now)}, earlier than now; "
                   "build again without --as-of to bring it up to date") \
            if as_of and not rehearsal and not drafts and previewed is None else None
        if unchanged:
            state = live.manifest.state
            withheld = _withheld_words(state.withheld, state.withheld_items) if state else _withheld_words(0, 0)
            click.echo(f"built {target}: 0 rendered, {len(live.manifest.files)} reused, 0 removed, "
                       f"{withheld} (nothing changed since the last build)")
            if no_cache:
                # The option is about layouts reused, not files kept: said, or it seems ignored.
                click.echo("note: --no-cache lays out afresh only the papers a build makes, and this one made "
                           "none; --rebuild makes every file again", err=True)
            if earlier:
                click.echo(earlier, err=True)
            return
        from generator.build import build_site

        with Progress(enabled=not quiet) as progress:
            try:
                report = build_site(options, progress=progress.update, waiting=waiting, out_of_date=True)
            except OutputError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)
            except OSError as exc:
                click.echo(f"error: {output_error(exc, str(target))}", err=True)
                sys.exit(1)
        if not report.ok:
            print_problems(report.checked, quiet_notices=True, err=True)
            click.echo(nothing_written(target), err=True)
            sys.exit(1)
        if not quiet and report.checked is not None:
            for problem in report.checked.problems:
                if problem.severity is Severity.WARNING:
                    click.echo(str(problem))
        timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings.items())
        state = report.plan.state if report.plan else None      # what the manifest keeps, counts and all
        withheld = _withheld_words(state.withheld, state.withheld_items) if state else \
            "nothing changed since the last build"
        click.echo(f"built {target}: {len(report.rendered)} rendered, {len(report.reused)} reused, "
                   f"{len(report.removed)} removed, {withheld} ({timings})")
        for path, day in report.corrected:
            click.echo(f"note: {path}, as issued on {day.isoformat()}, is changed: the copies sent out or "
                       "uploaded then differ from it (send or upload the corrected one, and say what changed)",
                       err=True)
        if earlier:
            click.echo(earlier, err=True)

    @cli.command()
    @click.argument("kind", required=False, type=click.Choice(sorted(k.replace("_", "-") for k in RECORD_KINDS)))
    def schema(kind: str | None) -> None:
        """Print the JSON Schema of a record kind (or of all kinds), for editors."""
        from generator.schema import json_schema

        click.echo(json.dumps(json_schema(kind.replace("-", "_") if kind else None), indent=2, sort_keys=True))
