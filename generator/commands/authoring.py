"""Authoring tools: `scrutiny new`, `serve`, `import action-plan`, `import inspections`, `list`.

This module only wires options to the modules in generator/authoring/, which do the work.
An `AuthoringError` becomes a message and exit 2 (a usage mistake) or exit 1 (anything
else the person must fix); never a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from generator.authoring import AuthoringError
from generator.commands.common import AsOf, moment, site_root


@contextmanager
def _people_errors(ctx: click.Context) -> Iterator[None]:
    try:
        yield
    except AuthoringError as exc:
        if exc.usage:
            raise click.UsageError(str(exc), ctx) from None
        # a sheet's problems are already one 'Sheet1!F7: ...' line each
        click.echo(str(exc) if getattr(exc, "problems", None) else f"error: {exc}", err=True)
        sys.exit(1)


# What `scrutiny new` makes (generator.authoring.scaffold.KINDS, checked by tests/test_new.py),
# written out so that starting any command does not import the models behind the scaffolds.
NEW_KINDS = ("inspection", "action-plan", "meeting", "report", "service", "council")


def register(cli: click.Group) -> None:
    """Add the authoring commands to the `scrutiny` group."""

    @cli.command("new")
    @click.argument("kind", type=click.Choice(list(NEW_KINDS)), metavar="KIND")
    @click.argument("record_id", metavar="ID")
    @click.option("--framework", default=None, metavar="ID",
                  help="inspection: the inspectorate's framework (default: the newest built-in).")
    @click.option("--service", default=None, metavar="ID", help="inspection: the service inspected.")
    @click.option("--council", default=None, metavar="ID", help="service, meeting, report: the council.")
    @click.option("--inspection", default=None, metavar="ID",
                  help="action-plan, report: the inspection it answers or reports on.")
    @click.option("--type", "inspection_type", default=None, metavar="KIND",
                  help="inspection: the kind of inspection, where the framework has several "
                       "(hmip-youth-2025: children-and-victims or full).")
    @click.pass_context
    def new(ctx: click.Context, kind: str, record_id: str, framework: str | None, service: str | None,
            council: str | None, inspection: str | None, inspection_type: str | None) -> None:
        """Start a record: KIND is inspection, action-plan, meeting, report, service or council.

        Writes content/<folder>/ID.yaml (a report: content/reports/ID.md) with every field
        present and explained, and the JSON Schema editors use to check it as you type.
        Never overwrites a file.
        """
        from generator.authoring.scaffold import create_record

        root = site_root(ctx)
        with _people_errors(ctx):
            path, notes = create_record(root, kind, record_id, framework,
                                        {"service": service, "council": council, "inspection": inspection},
                                        inspection_type)
        for note in notes:
            click.echo(note, err=True)
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        click.echo(f"wrote {shown}: fill in the fields marked (required), then run `scrutiny check`")


    @cli.command("list")
    @click.argument("which", type=click.Choice(["drafts", "embargoed", "overdue"]), metavar="drafts|embargoed|overdue")
    @click.option("--as-of", type=AsOf(), default=None,
                  help="As if it were DATE (or 'DATE HH:MM'). Default: now.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.pass_context
    def list_(ctx: click.Context, which: str, as_of: dt.datetime | None, fmt: str) -> None:
        """What is held back from the public site and until when, or which actions are overdue.

        \b
        drafts     records with 'status: draft' (and what waits for them)
        embargoed  what a build will release once its time comes, the next release first;
                   and each pack not yet published (when, or why never)
        overdue    actions past their due date and not complete
        """
        import json

        from generator.authoring import listing
        from generator.build import check_site

        now = moment(as_of)
        checked = check_site(site_root(ctx), now.date())
        if checked.corpus is None or checked.errors:
            # A file with an error may be the very record held back (or name one): any list made
            # without it could say "nothing is embargoed" of a record that is (helper-95).
            for problem in checked.errors:
                click.echo(str(problem), err=True)
            click.echo(listing.cannot_list(which, len(checked.errors)), err=True)
            sys.exit(1)
        corpus = checked.corpus
        if which == "drafts":
            items = listing.drafts(corpus, now)
            lines = listing.text_drafts(items)
        elif which == "embargoed":
            items = listing.embargoed(corpus, now)
            lines = listing.text_embargoed(items)
        else:
            items = listing.overdue(corpus, now.date(), now)
            lines = listing.text_overdue(items, now.date())
        if fmt == "json":
            click.echo(json.dumps(listing.as_json(which, now, items), indent=2))
        else:
            for line in lines:
                click.echo(line)

    @cli.command("serve")
    @click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                  help="Port on 127.0.0.1 (0: any free port).")
    @click.option("--pdf", is_flag=True, help="Build the PDFs too (slower; off by default while editing).")
    @click.option("--drafts", is_flag=True, help="Include drafts, with a DRAFT banner.")
    @click.option("--no-search", is_flag=True, help="Skip the search index.")
    @click.option("--as-of", type=AsOf(), default=None, help="Preview as if it were DATE (embargoes, overdue).")
    @click.pass_context
    def serve(ctx: click.Context, port: int, pdf: bool, drafts: bool, no_search: bool,
              as_of: dt.datetime | None) -> None:
        """Preview the site at http://127.0.0.1:8000/ while you edit.

        Rebuilds when a file in content/ or templates/ changes and reloads the page in the
        browser; content errors are shown on the page itself. Ctrl-C stops it.
        """
        from generator.authoring.serve import ServeOptions, serve as run

        options = ServeOptions(root=site_root(ctx), port=port, pdf=pdf, drafts=drafts, search=not no_search,
                               as_of=as_of)
        with _people_errors(ctx):
            run(options, echo=click.echo)

    @cli.group("import")
    def import_() -> None:
        """Bring records in from other formats (a spreadsheet action plan, published ratings)."""

    @import_.command("inspections")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                    metavar="FILE.csv|FILE.xlsx")
    @click.pass_context
    def import_inspections(ctx: click.Context, source: Path) -> None:
        """Turn a table of published ratings into content/inspections/ records, one a row.

        Reads Data to Insight's table of HMIP youth inspections, or Scrutiny's own
        data/ratings.csv, recognised by their headers. Records only what each row says
        unambiguously; finds services and councils by name and makes a record holding only
        the name of an area the site does not know. Importing the same file again changes
        nothing; a record edited by hand is reported and left alone. Each problem is
        FILE:ROW:COLUMN (the header is row 1); exit 1 if any row was not imported.
        """
        from generator.authoring.inspections import import_inspections as run

        root = site_root(ctx)
        with _people_errors(ctx):
            report = run(root, source.resolve(), shown=str(source))
        for problem in sorted(report.problems, key=lambda p: p.sort_key):
            click.echo(str(problem), err=True)
        click.echo(report.summary(str(source)) + ("" if report.ok else "; run it again once those rows are put right"))
        sys.exit(0 if report.ok else 1)

    @import_.command("action-plan")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                    metavar="FILE.xlsx|FILE.csv")
    @click.option("--inspection", default=None, metavar="ID", help="The inspection the plan answers.")
    @click.option("--id", "plan_id", default=None, metavar="ID",
                  help="The new plan's id (default: from the file name).")
    @click.option("--title", default=None, help="The plan's title (default: the title above the header row).")
    @click.option("--map", "mapping", default=None, metavar="'Header=field,...'",
                  help="Say which column is which: fields are action, how, who, resources, review, due, "
                       "outcome, progress, rag, recommendations, ref (the action's own number), or ignore.")
    @click.option("--sheet", default=None, help="The worksheet to read (default: the first with an action column).")
    @click.option("--as-of", type=AsOf(), default=None,
                  help="Date the progress updates (default: today).")
    @click.option("--draft", is_flag=True, help="Write 'status: draft' (kept off the public site).")
    @click.option("--force", is_flag=True,
                  help="Replace an existing plan with the same id (a draft or embargoed plan stays so).")
    @click.pass_context
    def import_action_plan(ctx: click.Context, source: Path, inspection: str | None, plan_id: str | None,
                           title: str | None, mapping: str | None, sheet: str | None,
                           as_of: dt.datetime | None, draft: bool, force: bool) -> None:
        """Turn a spreadsheet action plan into content/action-plans/<id>.yaml.

        Columns are found by their headers (Improvement action, How, Who, Resources required,
        Date for review, Date for completion, Outcome, Comments re progress, RAG rating, and
        the usual variants). Dates are UK style: 01/02/2021 is 1 February 2021; 'July 2021' is
        a month. Every bad cell is listed (e.g. Sheet1!F7); nothing is written unless the
        whole sheet is good.
        """
        from generator.authoring.spreadsheet import import_action_plan as run

        root = site_root(ctx)
        with _people_errors(ctx):
            result = run(root, source.resolve(), inspection=inspection, plan_id=plan_id, title=title,
                         mapping=mapping, as_of=as_of.date() if as_of else None, sheet_name=sheet,
                         draft=draft, force=force)
        for warning in result.warnings:
            click.echo(warning, err=True)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        shown = result.path.relative_to(root).as_posix() if result.path.is_relative_to(root) else result.path
        numbered = f", numbered as in its column {result.numbered_by}" if result.numbered_by else ""
        click.echo(f"wrote {shown}: {result.actions} action{'s' if result.actions != 1 else ''} from "
                   f"{result.sheet}{numbered}, {result.updates} progress update{'s' if result.updates != 1 else ''}; "
                   "run `scrutiny check`")
