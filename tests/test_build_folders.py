"""A build replaces its own folder whole; it never deletes what it did not write.

docs/user-guide.md ("The build folders are Scrutiny's own") names the folders a build
replaces: output/site, preview, pdf, serve, serve-preview, rehearsal, and a folder a build made
with -o. Papers a clerk makes go beside them, and a build never takes a folder of the clerk's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.clock import LONDON
from site_helpers import copy_site

QUICK = ("-q", "--no-pdf", "--no-search")
REPORT = "wolverhampton-yot-inspection-outcome"


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


def later_than_now() -> str:
    return (dt.datetime.now(LONDON) + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")


def test_a_rehearsal_keeps_the_preview_papers_the_clerk_made_before_it(tmp_path):
    """A draft paper was written to output/preview/papers/, inside output/preview: the next
    `scrutiny build --as-of LATER` (into output/preview, as the README says) swapped that folder
    out and deleted the paper, without a word."""
    root = copy_site(tmp_path / "site")
    made = run(root, "paper", "report", REPORT, "--drafts")
    assert made.exit_code == 0, made.output
    papers = {p: p.read_bytes() for p in (root / "output").rglob("*.pdf")}
    assert len(papers) == 1, papers

    rehearsal = run(root, "build", *QUICK, "--as-of", later_than_now())
    drafts = run(root, "build", *QUICK, "--drafts")

    assert (rehearsal.exit_code, drafts.exit_code) == (0, 0), rehearsal.output + drafts.output
    assert (root / "output" / "preview" / "index.html").is_file()          # the rehearsal went where it says
    assert {p: p.read_bytes() for p in papers if p.exists()} == papers, "a preview build deleted the preview paper"


def test_a_build_into_a_folder_of_the_clerks_under_output_refuses_and_deletes_nothing(tmp_path):
    """Any folder under output/ was taken for a build's own: `build -o output/for-the-chair`
    replaced the clerk's folder (papers saved there for the chair) with the site."""
    root = copy_site(tmp_path / "site")
    mine = root / "output" / "for-the-chair"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("keep me\n", encoding="utf-8")

    made = run(root, "build", *QUICK, "--drafts", "-o", str(mine))

    assert made.exit_code == 1, made.output
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert "already holds files Scrutiny did not make" in made.output
    again = run(root, "build", *QUICK, "--drafts", "-o", str(root / "output" / "new-folder"))
    assert again.exit_code == 0, again.output                            # a new folder is the build's own


def test_a_paper_written_into_a_preview_build_folder_says_the_next_build_replaces_it(tmp_path):
    root = copy_site(tmp_path / "site")
    assert run(root, "build", *QUICK, "--drafts").exit_code == 0
    target = root / "output" / "preview" / "for-the-chair.pdf"

    made = run(root, "paper", "report", REPORT, "--drafts", "-o", str(target))

    assert made.exit_code == 0, made.output
    assert target.is_file()
    assert (f"note: {root / 'output' / 'preview'} is a build's own folder: the next build of it replaces it "
            "whole, deleting this paper") in made.output


def test_a_half_typed_draft_stops_the_build_and_says_which_file_that_the_site_stands_and_what_to_do(tmp_path):
    """A draft still being typed cannot be read, so cannot be known to be a draft: every build
    stops (by design). The build said only "nothing was written; output/site is unchanged":
    nothing of that it was not published, nor of the way round a colleague's unfinished file."""
    root = copy_site(tmp_path / "site")
    assert run(root, "build", *QUICK).exit_code == 0
    site = root / "output" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (root / "content" / "inspections" / "torbay-2026.yaml").write_text(
        'service: torbay-yot\nstatus: draft\nlead_inspector: "Jo\n', encoding="utf-8")

    made = run(root, "build", *QUICK)

    assert made.exit_code == 1 and isinstance(made.exception, SystemExit), made.output
    assert "content/inspections/torbay-2026.yaml:3:" in made.output
    assert (f"nothing was written or published: {site} is unchanged, still the last good build. Fix each "
            "error above; a file you are still typing (a draft, a new record) may instead be moved out of "
            "content/ until it is ready. Then build again.") in made.output
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
