"""`scrutiny pack MEETING` and `scrutiny paper KIND ID`: one PDF on demand.

Both check the content first (exit 1 with every problem, as `scrutiny check` prints them),
then plan as `scrutiny build` does, so a paper made here is the same file the build puts on
the site. Usage mistakes (an unknown meeting, a paper aimed at the live site) exit 2: only
a build writes into a live site, deciding what is public under its lock. The members' pack
is never planned: it is written only under output/confidential/ (or wherever -o says, as
long as that is not inside a folder a build made to be served).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn

import click

from generator.commands.common import AsOf, moment, print_problems, site_root
from generator.load.files import inside
from generator.problems import OutputError, did_you_mean
from generator.write import SERVED_FOLDERS, output_error
from generator.write.manifest import manifest_path
from generator.write.targets import (file_a_paper_would_replace, folders_holding, is_publish_destination,
                                     kept_beside_a_site, live_folder_holding, public_preview_folder_holding,
                                     published_papers_folder_holding, real_path)

PAPER_KINDS = {"report": ("reports", "report"), "inspection": ("inspections", "inspection"),
               "action-plan": ("action-plans", "action plan")}


def _checked_plan(ctx: click.Context, as_of, drafts: bool, members: bool = False):
    from generator.build import check_site            # the pipeline, when a command runs (see commands/site.py)
    from generator.plan.outputs import plan_site

    root = site_root(ctx)
    now = moment(as_of)
    checked = check_site(root, now.date())
    if checked.errors or checked.corpus is None:
        print_problems(checked, quiet_notices=True)
        sys.exit(1)
    # Papers not yet issued are planned too: a clerk makes a pack before its issue day, as a preview.
    return root, checked, plan_site(checked.corpus, now, preview=drafts, pdf=True,
                                    papers_as_of=now.date() if as_of else None, members=members, unissued=True)


def _preview_reason(as_of, drafts: bool, issued: dt.date | None, today: dt.date) -> str | None:
    """Why a paper is a preview, never among the papers clerks publish: it has drafts in it; it
    is as at a day of the clerk's choosing (a later day may show what is still embargoed, an
    earlier one progress that is not the issued record's); or its issue day is still to come.
    None for a paper as issued."""
    if drafts:
        return "this paper includes drafts"
    if as_of is not None:
        return "this paper is as at --as-of, not as issued"
    if issued is not None and issued > today:
        return f"this paper is not issued until {issued.day} {issued:%B %Y}"
    return None


def _not_issued_yet(as_of, drafts: bool, issued: dt.date | None, today: dt.date) -> bool:
    """A paper as issued (no drafts, no --as-of) whose issue day is still to come."""
    return not drafts and as_of is None and issued is not None and issued > today


def _say_not_issued_yet(issued: dt.date, pack: bool) -> None:
    """A paper made before its issue day goes among the previews with no word of why: say so,
    and how to see it as it will be issued, since what is embargoed now is held back from it."""
    held = ": its items still embargoed now are listed To Follow" if pack else ""
    click.echo(f"note: a preview, not issued until {issued.day} {issued:%B %Y}{held} (give --as-of "
               f"{issued.isoformat()} to see it as it will be issued)", err=True)


PREVIEW_PAPERS = "preview-papers"      # under output/: where a preview paper goes by default


def _papers_folder(root: Path, preview: str | None) -> Path:
    """Where papers go by default: output/papers, which clerks publish from; a preview's go to
    output/preview-papers, beside output/preview rather than in it, since each preview build
    replaces its folder whole and would delete them."""
    return root / "output" / (PREVIEW_PAPERS if preview else "papers")


def _refuse_live_site(root: Path, target: Path, preview: str | None) -> None:
    """No paper goes where a live site is published from: only a build writes there, deciding
    under its lock what is public (a paper decided before a build that withdrew its record
    would land after it). The build makes every public paper there itself. Nor does a
    preview's paper go among the public papers, under the name of the public one."""
    live = _asked(target, lambda: live_folder_holding(target, root))
    where = "a site that is or may be published"
    if live is None and preview:
        live = published_papers_folder_holding(target, root)
        where = "where the papers clerks publish go"
    if live is None and preview:
        live = public_preview_folder_holding(target, root)
        where = "where `scrutiny serve` shows what is public now"
    if live is not None:
        why = preview or "only a build writes there (it makes this paper)"
        raise click.UsageError(f"{target} is inside {live}, {where}, and {why}; leave out -o (it goes to "
                               f"{_papers_folder(root, preview).relative_to(root)}) or give another folder")


def _refuse_to_replace(root: Path, output: Path | None) -> None:
    """-o names where the PDF goes; it never replaces a record, a template or any file that is not a PDF."""
    why = output is not None and _asked(output, lambda: file_a_paper_would_replace(output, root))
    if why:
        raise click.BadParameter(f"{why}; nothing was written (give a new file name ending .pdf, or leave out -o)",
                                 param_hint="-o/--output")


def _asked(target: Path, question: Callable[[], Path | None]) -> Path | None:
    """The answer about the folders holding `target`; a path the system refuses to look at
    (a name too long, a folder that cannot be read) is an error, nothing written."""
    try:
        return question()
    except OSError as exc:
        click.echo(f"error: {output_error(exc, str(target))}", err=True)
        sys.exit(1)


def _unknown(kind: str, wanted: str, known, param: str) -> click.BadParameter:
    hint = did_you_mean(wanted, known)
    listed = ", ".join(sorted(known)[:8])
    return click.BadParameter(f"there is no {kind} '{wanted}'" + (f" ({hint})" if hint else
                              f" (known: {listed})" if listed else ""), param_hint=param)


def _withheld_reason(plan, kind: str, record_id: str) -> str | None:
    """Why the record is withheld (its path and reason), or None when it is public."""
    for item in plan.withheld:
        if item.kind == kind and item.id == record_id:
            return f"{item.path}: not public ({item.reason})"
    return None


def _warn_of_earlier(root: Path, name: str, given: Path | None, why: str) -> None:
    """Name a file at this paper's place (output/papers/NAME, where the papers clerks publish
    go, or the -o file) when the paper is not to be published now (`why`), for the clerk to
    delete: another record's paper, or a file of their own, may have the name, so nothing is
    deleted here."""
    earlier = given if given is not None else root / "output" / "papers" / name
    if earlier.is_file():
        click.echo(f"warning: {earlier} was made earlier, and {why}: if it is this paper, delete it rather than "
                   "publish it", err=True)


def _warn_of_namesakes(corpus, kind: str, record_id: str, target: Path) -> None:
    """A record of another kind with this id makes its paper under the same default name: the
    clerk who appends one must know that making the other replaces it."""
    for other, (folder, noun) in sorted(PAPER_KINDS.items()):
        if other != kind and record_id in getattr(corpus, folder.replace("-", "_")):
            click.echo(f"warning: {target} is also the name of {noun} {record_id}'s paper: whichever is made "
                       "last replaces the other (give one of them -o)", err=True)


def _refuse_not_public(root: Path, name: str, given: Path | None, why: str, public: bool = True,
                       public_now: Callable[[], bool] | None = None) -> NoReturn:
    """Nothing is written for a paper that is not public now (or at --as-of); an earlier one at
    its place is named when it is not public now (`public`: it would be among the public
    papers; not the members' pack). `public_now`: with --as-of, whether it is public now; when
    it is, that says nothing of the file made now."""
    click.echo(f"error: {why}; nothing was written", err=True)
    if public and not (public_now is not None and public_now()):
        _warn_of_earlier(root, name, given, "it is not public now")
    sys.exit(1)


def _public_now(checked, as_of, path: str) -> Callable[[], bool] | None:
    """With --as-of, asks whether the paper at `path` (its place in the site) is public now,
    planned as the command without --as-of plans it; without, None (it is refused now)."""
    if as_of is None:
        return None

    def asked() -> bool:
        from generator.plan.outputs import plan_site

        return path in plan_site(checked.corpus, moment(None), pdf=True, unissued=True).by_path()
    return asked


def _served_folder_holding(target: Path, root: Path) -> Path | None:
    """The folder holding `target` that is, or will be, served: one of output/'s site folders,
    any folder a build wrote (it has a manifest), wherever -o put it, or a folder
    tools/publish publishes into (its DEST, with `current` and `releases/`). The folders the
    path passes through as written are asked too: a link inside a served folder is served."""
    for name in SERVED_FOLDERS:
        if inside(target, real_path(root / "output" / name)):
            return root / "output" / name
    for folder in folders_holding(target)[1:]:
        if manifest_path(folder).exists() or kept_beside_a_site(folder):
            return folder
        if is_publish_destination(folder):
            return folder
    return None


def _write(target: Path, data: bytes, private: bool = False) -> None:
    """Write atomically: a reader never sees half a PDF. A `private` file is made 0600 from
    its first byte (never readable by other users, not even for a moment). A folder that
    cannot be made or written (a link in a loop, a full disk) is an error, nothing written."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            if private:
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
        temporary.replace(target)
    except OSError as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass                         # its folder was never made
        click.echo(f"error: {output_error(exc, str(target))}", err=True)
        sys.exit(1)


PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600


def make_private(folder: Path) -> list[str]:
    """Create `folder` readable by its owner only (0700) and make every file in it 0600.

    Members' packs hold exempt information: other users of the server must not read them.
    Returns a warning for each folder or file that was looser, and has been tightened."""
    warnings = []
    if not folder.exists():
        folder.mkdir(parents=True)
        folder.chmod(PRIVATE_FOLDER)        # made here, private from the start: nothing to warn of
    for path in [folder, *sorted(folder.rglob("*"))]:
        if path.is_symlink():
            continue
        wanted = PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE
        mode = path.stat().st_mode & 0o777
        if mode & ~wanted:
            path.chmod(wanted)
            warnings.append(f"warning: {path} could be read by other users (mode {mode:o}); "
                            f"it is now {wanted:o}, private to you")
    return warnings


def _note_a_build_replaces(root: Path, target: Path) -> None:
    """A paper written into a folder a build made (a preview's: a live one is refused) is not
    the build's: the next build of that folder replaces it whole, and the paper with it. Said,
    so that the clerk keeps the paper elsewhere rather than find it gone."""
    folder = _asked(target, lambda: _served_folder_holding(target, root))
    if folder is not None:
        click.echo(f"note: {folder} is a build's own folder: the next build of it replaces it whole, "
                   f"deleting this paper (keep papers in output/{PREVIEW_PAPERS}/, the default, or elsewhere)",
                   err=True)


def _report_written(root: Path, target: Path, data: bytes) -> None:
    from generator.render.pack import page_count

    try:
        shown = real_path(target).relative_to(root)
    except ValueError:
        shown = target
    pages = page_count(data)
    click.echo(f"wrote {shown} ({pages} page{'s' if pages != 1 else ''}, {len(data) // 1024} KB)")


def register(cli: click.Group) -> None:
    """Add the paper commands to the `scrutiny` group."""

    @cli.command("pack")
    @click.argument("meeting")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Where the PDF goes. Default: output/papers/MEETING-agenda-pack.pdf (output/preview-papers/ "
                       "with --drafts, --as-of or before its issue day; with --members: "
                       "output/confidential/MEETING-members-pack.pdf, a preview's under output/confidential/preview/).")
    @click.option("--members", is_flag=True,
                  help="The members' pack: exempt appendices included, marked NOT FOR PUBLICATION. "
                       "Written under output/confidential/, never into the site.")
    @click.option("--as-of", type=AsOf(), default=None, help="Make it as if it were DATE (embargoes, overdue actions).")
    @click.option("--drafts", is_flag=True, help="Include draft records (pages marked DRAFT).")
    @click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, help="Parallel workers (0: all cores).")
    @click.option("--no-cache", is_flag=True,
                  help="Lay out every document afresh instead of reusing layouts kept in .cache/.")
    @click.pass_context
    def pack_command(ctx: click.Context, meeting: str, output: Path | None, members: bool, as_of, drafts: bool,
                     jobs: int, no_cache: bool) -> None:
        """One meeting's agenda pack: front sheet or covering letter, every paper, stamped and numbered."""
        from generator.plan.issue import meeting_as_at
        from generator.render.papers import render_members_pack, render_output

        root, checked, plan = _checked_plan(ctx, as_of, drafts, members)
        if meeting not in checked.corpus.meetings:
            raise _unknown("meeting", meeting, checked.corpus.meetings, "MEETING")
        # The issue day of the pack as made: from the public view (its own items, as the public see them).
        issued = meeting_as_at(plan.corpus, meeting) if meeting in plan.corpus.meetings else None
        preview = _preview_reason(as_of, drafts, issued, plan.now.date())
        name = f"{meeting}-{'members' if members else 'agenda'}-pack.pdf"
        # A members' pack that is a preview goes beside the issued one, never over it.
        members_folder = root / "output" / "confidential"
        if preview:
            members_folder = members_folder / "preview"
        target = output or (members_folder if members else _papers_folder(root, preview)) / name
        _refuse_to_replace(root, output)
        if why := _withheld_reason(plan, "meeting", meeting):
            _refuse_not_public(root, name, output, why, public=not members,
                               public_now=_public_now(checked, as_of, f"meetings/{meeting}/{meeting}-agenda-pack.pdf"))
        if not members and _not_issued_yet(as_of, drafts, issued, plan.now.date()):
            _warn_of_earlier(root, name, None, preview)

        def refuse_where_served() -> None:
            if not members:
                return _refuse_live_site(root, target, preview)
            served = _asked(target, lambda: _served_folder_holding(target, root)) or \
                published_papers_folder_holding(target, root)
            if served is None:
                return
            why = (f"{target} is inside {served}, a folder a build made to be served or where the papers clerks "
                   "publish go")
            if output is not None:
                raise click.BadParameter(f"{why}; the members' pack goes under output/confidential/",
                                         param_hint="-o/--output")
            # No -o was given: output/confidential itself leads there, and the fix is that link.
            click.echo(f"error: {why}: output/confidential leads there (a link?), and the members' pack stays "
                       "private; nothing was written", err=True)
            sys.exit(1)
        refuse_where_served()
        planned = plan.by_path().get(f"meetings/{meeting}/{meeting}-agenda-pack.pdf")
        if planned is None:
            _refuse_not_public(root, name, output, f"{checked.corpus.meetings[meeting].path}: no item has papers "
                               "yet (each is to follow, embargoed, or has no report or appendix)", public=not members,
                               public_now=_public_now(checked, as_of, f"meetings/{meeting}/{meeting}-agenda-pack.pdf"))
        try:
            templates = checked.files.templates
            data = (render_members_pack(root, plan, templates, meeting, checked.corpus.attachments, jobs=jobs)
                    if members else
                    render_output(root, plan, templates, planned, jobs=jobs, reuse_layouts=not no_cache))
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        if members:
            confidential = root / "output" / "confidential"
            if confidential.is_symlink() and not confidential.exists():
                click.echo(f"error: {confidential} is a link to {os.readlink(confidential)}, which does not exist; "
                           "nothing was written (remove the link, or make the folder it names, private to you)",
                           err=True)
                sys.exit(1)
            if inside(target, real_path(confidential)):     # elsewhere (-o) only the file itself is made private
                for folder in dict.fromkeys((confidential, target.parent)):    # and its preview folder
                    for warning in make_private(folder):
                        click.echo(warning, err=True)
            elif output is None:
                click.echo(f"error: {target.parent} leads out of {confidential} (a link?), where the members' "
                           "pack stays; nothing was written", err=True)
                sys.exit(1)
        refuse_where_served()           # again: a build may have made a site there while the pack was laid out
        _write(target, data, private=members)
        _report_written(root, target, data)
        _note_a_build_replaces(root, target)
        if _not_issued_yet(as_of, drafts, issued, plan.now.date()):
            _say_not_issued_yet(issued, pack=True)

    @cli.command("paper")
    @click.argument("kind", type=click.Choice(sorted(PAPER_KINDS)))
    @click.argument("record_id", metavar="ID")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Where the PDF goes. Default: output/papers/ID.pdf (output/preview-papers/ with --drafts "
                       "or --as-of, or before its issue day).")
    @click.option("--as-of", type=AsOf(), default=None, help="Make it as if it were DATE (embargoes, overdue actions).")
    @click.option("--drafts", is_flag=True, help="Include draft records (pages marked DRAFT).")
    @click.option("--no-cache", is_flag=True,
                  help="Lay out every document afresh instead of reusing layouts kept in .cache/.")
    @click.pass_context
    def paper_command(ctx: click.Context, kind: str, record_id: str, output: Path | None, as_of, drafts: bool,
                      no_cache: bool) -> None:
        """One paper: a committee report, an inspection's findings, or an action plan (landscape)."""
        from generator.plan.issue import action_plan_as_at, report_as_at
        from generator.render.papers import render_output

        root, checked, plan = _checked_plan(ctx, as_of, drafts)
        folder, noun = PAPER_KINDS[kind]
        corpus_kind = kind.replace("-", "_")
        records = getattr(checked.corpus, folder.replace("-", "_"))
        if record_id not in records:
            raise _unknown(noun, record_id, records, "ID")
        # The issue day of the paper as made: from the public view (a report's public meeting).
        as_at = {"report": report_as_at, "action-plan": action_plan_as_at}.get(kind)
        public = getattr(plan.corpus, folder.replace("-", "_"))
        issued = as_at(plan.corpus, record_id) if as_at and record_id in public else None
        preview = _preview_reason(as_of, drafts, issued, plan.now.date())
        name = f"{record_id}.pdf"
        target = output or _papers_folder(root, preview) / name
        _refuse_to_replace(root, output)
        planned = plan.by_path().get(f"{folder}/{record_id}/{record_id}.pdf")
        if (why := _withheld_reason(plan, corpus_kind, record_id)) or planned is None:
            _refuse_not_public(root, name, output, why or f"{records[record_id].path}: not public",
                               public_now=_public_now(checked, as_of, f"{folder}/{record_id}/{record_id}.pdf"))
        if _not_issued_yet(as_of, drafts, issued, plan.now.date()):
            _warn_of_earlier(root, name, None, preview)
        _refuse_live_site(root, target, preview)
        if output is None:
            _warn_of_namesakes(checked.corpus, kind, record_id, target)
        try:
            data = render_output(root, plan, checked.files.templates, planned, jobs=1, reuse_layouts=not no_cache)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        _refuse_live_site(root, target, preview)      # again: a build may have made a site there meanwhile
        _write(target, data)
        _report_written(root, target, data)
        _note_a_build_replaces(root, target)
        if _not_issued_yet(as_of, drafts, issued, plan.now.date()):
            _say_not_issued_yet(issued, pack=False)
