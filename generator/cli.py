"""The `scrutiny` command (also `python -m generator`).

Exit codes: 0 fine, 1 content errors, 2 usage errors. Neither content nor usage errors
print a Python traceback: they are for people, and say what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from typing import TYPE_CHECKING

import click

from generator import __version__
from generator.clock import LONDON
from generator.problems import Severity

if TYPE_CHECKING:
    from generator.pipeline import Checked

# The record kinds, for `scrutiny schema KIND` (tests/test_schema.py checks them against
# generator.model.MODELS). Written out so that starting the command does not import the
# models: a no-change rebuild is over in well under a second, and that import took most of it.
RECORD_KINDS = ("action_plan", "council", "framework", "indicators", "inspection", "meeting", "report",
                "service", "site")


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def _root(ctx: click.Context) -> Path:
    return ctx.obj["root"]


def summary_line(checked: Checked) -> str:
    counts = {s: sum(1 for p in checked.problems if p.severity is s) for s in Severity}
    files = checked.loaded.files

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (f"{plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}, "
            f"{plural(counts[Severity.NOTICE], 'notice')} in {plural(files, 'file')}")


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


class AsOf(click.ParamType):
    """--as-of 2021-03-03 (the whole of that day, London time) or --as-of "2021-03-03 09:00"."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            if len(value) == 10:
                day = dt.date.fromisoformat(value)
                return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)
            moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
            return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
        except ValueError:
            self.fail(f"'{value}' is not a date; write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'", param, ctx)


def _moment(as_of: dt.datetime | None) -> dt.datetime:
    return as_of or dt.datetime.now(LONDON).replace(microsecond=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrutiny")
@click.option("-C", "--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The site's folder (the one holding content/). Default: here.")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Scrutiny: youth justice inspection records -> website, papers and agenda packs."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root.resolve()


@cli.command()
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", type=AsOf(), default=None, help="Check as if it were DATE (embargoes, overdue actions).")
@click.option("--audit", "audit_dir", is_flag=False, flag_value="output/site", default=None,
              type=click.Path(file_okay=False), metavar="[DIR]",
              help="Also audit a built site (default output/site): list each file's records and flag any "
                   "draft, embargoed or exempt content found in it.")
@click.option("--list", "list_files", is_flag=True, help="With --audit: list every file and its records.")
@click.pass_context
def check(ctx: click.Context, strict: bool, fmt: str, as_of: dt.datetime | None, audit_dir: str | None,
          list_files: bool) -> None:
    """Validate all content and list every problem with file:line:col."""
    now = _moment(as_of)
    from generator.pipeline import check_site, parsed_folder
    checked = check_site(_root(ctx), now.date(), parsed=parsed_folder(_root(ctx)))
    print_problems(checked, fmt)
    failed = bool(checked.errors or (strict and checked.warnings))
    if audit_dir is not None and checked.corpus is not None:
        failed = _audit(_root(ctx), Path(audit_dir), checked, now, fmt, list_files) or failed
    if failed:
        sys.exit(1)


def _audit(root: Path, folder: Path, checked: Checked, now: dt.datetime, fmt: str, list_files: bool) -> bool:
    """Print the audit; True when something leaked."""
    from generator.audit import audit_output
    from generator.plan import plan_site

    site = folder if folder.is_absolute() else root / folder
    if not site.is_dir():
        click.echo(f"error: {site} does not exist; build the site first", err=True)
        return True
    plan = plan_site(checked.corpus, now)
    contents = {o.path: tuple(k for k in o.inputs if ":" in k) for o in plan.outputs}
    result = audit_output(site, checked.corpus, plan, contents)
    if fmt == "json":
        click.echo(json.dumps({"files": {f: list(r) for f, r in result.files.items()},
                               "leaks": [leak.__dict__ for leak in result.leaks]}, indent=2))
    else:
        if list_files:
            for name, records in result.files.items():
                click.echo(f"{name}: {', '.join(records) if records else '-'}")
        for leak in result.leaks:
            click.echo(f"LEAK {leak.file}: {leak.record} ({leak.reason}): found '{leak.evidence}'", err=True)
        click.echo(f"audit: {len(result.files)} files in {site}, {len(result.leaks)} leak"
                   f"{'' if len(result.leaks) == 1 else 's'}", err=bool(result.leaks))
    return bool(result.leaks)


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the site goes. Default: output/site (output/preview with --drafts).")
@click.option("--as-of", type=AsOf(), default=None,
              help="Build as if it were DATE: embargoes and overdue actions. Default: now.")
@click.option("--drafts", is_flag=True, help="Include drafts, with a DRAFT banner (goes to output/preview).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF papers and packs.")
@click.option("--no-search", is_flag=True, help="Skip the search index.")
@click.option("--pdf-only", is_flag=True,
              help="Only the public papers and packs, into output/pdf/ (the site is left as it is).")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, help="Parallel workers (0: all cores).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the final line.")
@click.option("--no-cache", is_flag=True,
              help="Lay out every PDF document afresh instead of reusing layouts kept in .cache/.")
@click.option("--no-server", is_flag=True,
              help="Neither use nor leave a build server: check every file again in this process "
                   "(see `scrutiny build-server --help`). Always so under CI.")
@click.pass_context
def build(ctx: click.Context, output: Path | None, as_of: dt.datetime | None, drafts: bool, no_pdf: bool,
          no_search: bool, pdf_only: bool, jobs: int, quiet: bool, no_cache: bool, no_server: bool) -> None:
    """Validate, then build the site and every public PDF. Incremental and atomic.

    After the build, the process stays as this site's build server for
    `SCRUTINY_BUILD_SERVER_IDLE` seconds (default 900): the next `scrutiny build` has it build,
    checking only the files that changed. `--no-server`, `SCRUTINY_BUILD_SERVER=0` or `CI`
    set: never."""
    from generator.build import BuildOptions, OutputError, build_site
    from generator.progress import Progress

    root = _root(ctx)
    memo = ctx.obj.get("memo")          # given in a build server: what its last build worked out
    if memo is None and ctx.obj.get("may_serve"):
        from generator import build_server
        if build_server.wanted(no_server):
            with Progress(enabled=not quiet) as progress:
                status = build_server.delegate(root, ctx.obj["argv"], progress.update)
            if status is not None:
                sys.exit(status)
            from generator.memo import BuildMemo
            memo = ctx.obj["server_memo"] = BuildMemo(warm_up=False)
    now = _moment(as_of)
    if pdf_only and no_pdf:
        raise click.UsageError("--pdf-only and --no-pdf contradict each other")
    folder = "pdf" if pdf_only else "preview" if drafts else "site"
    target = (output or root / "output" / folder).resolve()
    options = BuildOptions(root=root, output=target, as_of=now.date(), now=now, drafts=drafts,
                           pdf=not no_pdf, jobs=jobs, search=not no_search, pdf_only=pdf_only,
                           reuse_layouts=not no_cache,
                           exits_after=ctx.obj.get("exits_after", False))
    with Progress(enabled=not quiet) as progress:
        try:
            report = build_site(options, progress=ctx.obj.get("progress") or progress.update, memo=memo)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    ctx.obj["report"] = report        # kept until the process ends: see `main`
    if not report.ok:
        print_problems(report.checked, quiet_notices=True, err=True)
        click.echo(f"nothing was written; {target} is unchanged", err=True)
        sys.exit(1)
    if not quiet and report.checked is not None:
        for problem in report.checked.problems:
            if problem.severity is Severity.WARNING:
                click.echo(str(problem))
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings.items())
    click.echo(f"built {target}: {len(report.rendered)} rendered, {len(report.reused)} reused, "
               f"{len(report.removed)} removed, "
               f"{len(report.plan.withheld) if report.plan else 'no'} records withheld"
               f"{'' if report.plan else ' (nothing changed since the last build)'} ({timings})")


@cli.command()
@click.argument("kind", required=False, type=click.Choice(sorted(k.replace("_", "-") for k in RECORD_KINDS)))
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a record kind (or of all kinds), for editors."""
    from generator.schema import json_schema
    click.echo(json.dumps(json_schema(kind.replace("-", "_") if kind else None), indent=2, sort_keys=True))


from generator.commands import authoring, papers  # noqa: E402  (commands register themselves on the group)

papers.register(cli)
authoring.register(cli)


@cli.command("build-server")
@click.argument("action", type=click.Choice(["status", "stop"]))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def build_server_command(ctx: click.Context, action: str, fmt: str) -> None:
    """Show or stop this site's build server: the process a `scrutiny build` leaves behind,
    so that the next build checks only the files that changed."""
    from generator import build_server
    answer = build_server.ask(_root(ctx), action)
    if fmt == "json":
        click.echo(json.dumps(answer))
    elif answer is None:
        click.echo(f"no build server for {_root(ctx)}")
    elif action == "stop":
        click.echo(f"stopped the build server for {_root(ctx)} (pid {answer['stopped']})")
    else:
        peak = answer.get("peak_rss_mib")
        click.echo(f"build server for {answer['root']}: pid {answer['pid']}, {answer['builds']} builds served"
                   + (f", peak memory {peak:.0f} MiB" if peak else ""))


def run_in_server(argv: list[str], cwd: str, memo, progress) -> int:
    """`scrutiny ARGV`, run by a build server for a client in `cwd` (generator/build_server.py):
    the same command, with the server's memo and the client's progress bar."""
    os.chdir(cwd)
    try:
        cli.main(args=argv, prog_name="scrutiny", obj={"memo": memo, "progress": progress},
                 standalone_mode=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


def main() -> None:
    # A build in this process is its last (see BuildOptions), and may leave a build server.
    state: dict = {"exits_after": True, "may_serve": True, "argv": sys.argv[1:]}
    try:
        cli(obj=state)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        sys.exit(130)
    except SystemExit as done:
        if "report" not in state or not isinstance(done.code, (int, type(None))):
            raise
        # A build leaves its corpus (millions of objects) in `state`. Everything is written
        # and said: end the process here rather than have Python free those objects one by
        # one (3 s at N = 5,000) when the operating system takes the memory back at once.
        sys.stdout.flush()
        sys.stderr.flush()
        memo = state.get("server_memo")
        if memo is not None and len(memo.check):
            from generator import build_server
            build_server.start(state["root"], memo, run_in_server, forget=lambda: state.pop("report", None))
        os._exit(done.code or 0)
