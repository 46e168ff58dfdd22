"""Red-team findings: each test is one way found to break the build's promises, written to
the behaviour promised, so that it fails for the bug's reason until the bug is fixed.

The promises: drafts, embargoed records and exempt appendices never reach output/site in
any form, whatever the order or overlap of builds; bad input is a located error (exit 1),
never a traceback, and the previous output stays as it was; an incremental build makes
the site a cold build of the same content makes.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.build as build_module
from generator.cli import cli
from generator.clock import LONDON
from site_helpers import all_files, build, copy_site, pdf_texts

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)
QUICK = ("--no-pdf", "--no-search")


def run(root: Path, *args: str):
    """`scrutiny -C root ARGS` in-process: click's Result (stdout and stderr apart)."""
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def later_than_now() -> str:
    return (dt.datetime.now(LONDON) + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")


def differences(now: dict[str, bytes], reference: dict[str, bytes]) -> list[str]:
    return ([f"+{p}" for p in sorted(set(now) - set(reference))] + [f"-{p}" for p in sorted(set(reference) - set(now))]
            + [f"~{p}" for p in sorted(set(now) & set(reference)) if now[p] != reference[p]])


# A small site whose one inspection's findings paper draws an image from content/attachments.
def svg(word: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40">'
            f'<text x="4" y="28" font-size="20">{word}</text></svg>\n')


INSPECTION_WITH_CHART = """\
service: torbay-yot
framework: hmip-youth-2021
fieldwork: {from: 2025-09-15, to: 2025-09-19}
published: 2025-11-24
overall: {rating: Good}
introduction: |
  ![Ratings at a glance](attachments/chart.svg)

  The inspection found steady improvement in every team.
standards:
  "1.1": Good
"""


# === 1. LEAK: a file changed while a build runs is published, then kept ======================

@pytest.mark.slow
def test_an_image_changed_while_a_build_runs_is_neither_published_nor_kept(tmp_path, make_site):
    """A clerk saves the wrong image over content/attachments/chart.svg while a build runs,
    and puts the right one back a moment later. The build decided from the bytes it read
    before (its inputs digest, the papers' keys, the layout cache's key), but WeasyPrint
    fetched the image from disk when it laid the paper out. The wrong image is then live,
    the next build says "nothing changed", and even a build from an empty output/ gets the
    paper back from the layout cache (.cache/scrutiny/documents) with the wrong image."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": INSPECTION_WITH_CHART,
                                         "attachments/chart.svg": svg("RIGHTCHART")})
    chart = root / "content" / "attachments" / "chart.svg"
    paper = root / "output" / "site" / "inspections" / "torbay-2025" / "torbay-2025.pdf"
    original = build_module.plan_build

    def planning_while_the_clerk_saves(*args, **kwargs):     # after every file was read and checked
        chart.write_text(svg("WRONGCHART"), encoding="utf-8")
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "plan_build", planning_while_the_clerk_saves)
        try:
            build_module.build_site(build_module.BuildOptions(root=root, output=root / "output" / "site",
                                                              now=AS_OF, pdf=True, search=False, jobs=1))
        except build_module.OutputError:
            pass                        # refusing to publish what changed under the build is fine too
    chart.write_text(svg("RIGHTCHART"), encoding="utf-8")          # put right at once

    again = build(root, now=AS_OF, pdf=True)
    shown = pdf_text(paper)
    assert "WRONGCHART" not in shown and "RIGHTCHART" in shown, (
        f"content/attachments/chart.svg holds RIGHTCHART, but the live paper {paper.name} shows "
        f"{'WRONGCHART' if 'WRONGCHART' in shown else 'neither'}: the build that ran while the file was "
        f"briefly wrong published the bytes WeasyPrint fetched from disk, and the next build "
        f"{'said nothing had changed' if again.checked is None else f'rendered {again.rendered}'}")

    shutil.rmtree(root / "output")
    build(root, now=AS_OF, pdf=True)
    shown = pdf_text(paper)
    assert "WRONGCHART" not in shown, (
        "even a build from an empty output/ publishes the image that was on disk for a moment during "
        "an earlier build: the layout kept in .cache/scrutiny/documents is keyed by the bytes read "
        "before, not by the bytes laid out")


# === 2. LEAK: `scrutiny paper` / `scrutiny pack` write drafts and rehearsals into output/site ==

def withheld_inspection(status: str, embargo: str | None) -> str:
    return (INSPECTION_WITH_CHART.replace("  ![Ratings at a glance](attachments/chart.svg)\n\n", "")
            .replace("steady improvement", "WITHHELD-INSPECTION-4471 improvement")
            + f"status: {status}\n" + (f'embargo_until: "{embargo}"\n' if embargo else ""))


@pytest.mark.parametrize("how", ["--drafts", "a later --as-of"])
def test_a_paper_made_on_demand_never_goes_into_the_live_site(tmp_path, make_site, how):
    """`scrutiny build` refuses to write a drafts build or a rehearsal into output/site (exit 2),
    and `scrutiny pack --members` refuses output/site; `scrutiny paper` (and `scrutiny pack`)
    with --drafts or a later --as-of write wherever -o says, the live folder included. A clerk
    who wants the paper "on the site" puts a draft (or an embargoed record) live."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection(
        "draft" if how == "--drafts" else "published", None if how == "--drafts" else later)})
    built = run(root, "build", *QUICK)
    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    target = site / "inspections" / "torbay-2026" / "torbay-2026.pdf"
    options = ["--drafts"] if how == "--drafts" else ["--as-of", later]

    made = run(root, "paper", "inspection", "torbay-2026", *options, "-o", str(target))

    written = [p.relative_to(site).as_posix() for p in site.rglob("*.pdf")]
    assert not target.exists(), (
        f"`scrutiny paper inspection torbay-2026 {' '.join(options)} -o output/site/...` (exit {made.exit_code}: "
        f"{made.output.strip()!r}) wrote the {'draft' if how == '--drafts' else 'embargoed'} inspection's paper "
        f"into the live site: {written}")
    assert made.exit_code in (1, 2) and (made.exception is None or isinstance(made.exception, SystemExit)), (
        made.exit_code, made.output)


# === 3. LEAK: a site template that reads the corpus keeps a withdrawn record on reused pages ==

def footer_listing_the_inspections() -> str:
    """The theme's footer, overridden (templates/_footer.html) to name the site's inspections:
    every template is given the whole public corpus, so a council's override may show it."""
    theme = (REPO / "generator/theme/templates/_footer.html").read_text("utf-8")
    assert "<p>Published by {{ site.organisation }}.</p>" in theme
    return theme.replace("<p>Published by {{ site.organisation }}.</p>",
                         "<p>Published by {{ site.organisation }}. Inspections: {% for i in "
                         "corpus.inspections.values() %}{{ i.title }}; {% endfor %}</p>")


def test_a_site_template_that_reads_the_corpus_never_keeps_a_withdrawn_record_live(tmp_path, make_site):
    """Output keys name the records each page kind's theme template reads, but every template
    (a council's override too) is handed the whole public corpus. A footer override that lists
    the inspections is on every page; when one inspection is withdrawn (status: draft), the
    pages whose keys do not name it (about, accessibility, search, the other inspections'...)
    are reused as they were, with the withdrawn inspection's title on them. The audit does
    not see it either."""
    records = {"inspections/torbay-2025.yaml": withheld_inspection("published", None),
               "inspections/torbay-2023.yaml": withheld_inspection("published", None).replace("2025", "2023")}
    root = make_site(tmp_path / "site", records)
    (root / "templates").mkdir()
    (root / "templates" / "_footer.html").write_text(footer_listing_the_inspections(), encoding="utf-8")
    first = run(root, "build", *QUICK, "--as-of", "2026-11-22 12:00")
    if first.exit_code == 1 and (first.exception is None or isinstance(first.exception, SystemExit)):
        return                          # a template that reads the corpus refused as a content error: fine
    assert first.exit_code == 0, first.output
    site = root / "output" / "site"
    title = "Torbay YOT inspection, November 2025"
    assert title in (site / "about" / "index.html").read_text("utf-8")

    record = root / "content" / "inspections" / "torbay-2025.yaml"
    record.write_text(record.read_text("utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    again = run(root, "build", *QUICK, "--as-of", "2026-11-22 12:00")
    assert again.exit_code == 0, again.output

    showing = sorted(p for p, data in all_files(site).items() if title.encode() in data)
    assert showing == [], (
        f"torbay-2025 was withdrawn (status: draft); the build said {again.output.strip().splitlines()[-1][-150:]!r}, "
        f"and {len(showing)} live files still name it ('{title}'): {showing[:6]}")


# === 4. TRACEBACK: a report also put on a draft meeting's agenda ===============================

DRAFT_MEETING = """\
council: dudley
committee: Children's Services Scrutiny Committee
date: 2021-01-13
status: draft
items:
  - number: 1
    title: Update on the Youth Offending Service Inspection Action Plan (DRAFT-AGENDA-5520)
    report: dudley-yos-action-plan-update
"""


def test_a_report_also_on_a_draft_meeting_s_agenda_builds_without_a_traceback(tmp_path):
    """The clerk drafts the next meeting (status: draft) and puts on it the report already on
    the published meeting of 17 March: a warning ("also item 5 of ..."), nothing more. The
    report is public through the published meeting, but it still names the draft meeting as
    its own (the first one read), so its page's breadcrumbs look the draft meeting up in the
    public corpus: the build dies with a Jinja UndefinedError traceback, and nothing at all
    can be published until the draft is changed."""
    root = copy_site(tmp_path / "site")
    (root / "content" / "meetings" / "dudley-csc-2021-01-13.yaml").write_text(DRAFT_MEETING, encoding="utf-8")

    result = run(root, "build", *QUICK, "--as-of", "2026-11-22 12:00")

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`scrutiny build` crashed: {type(result.exception).__name__}: {result.exception}")
    if result.exit_code == 1:           # refused as a content error, at its place: fine too
        assert "content/meetings/dudley-csc-2021-01-13.yaml:" in result.output, result.output
        return
    assert result.exit_code == 0, result.output
    site = root / "output" / "site"
    assert [p for p, data in all_files(site).items() if b"dudley-csc-2021-01-13" in data] == []
    page = (site / "reports" / "dudley-yos-action-plan-update" / "index.html").read_text("utf-8")
    assert "meetings/dudley-csc-2021-03-17/index.html" in page


# === 5. TRACEBACK: a file name that is not UTF-8 ================================================

@pytest.mark.parametrize("folder, command", [("content/attachments", "check"), ("content/attachments", "build"),
                                             ("templates", "build")])
def test_a_file_name_that_is_not_utf8_is_a_located_error_not_a_traceback(tmp_path, make_site, folder, command):
    """'café.md' saved by an old Windows tool or unpacked from a zip: its name is Latin-1, not
    UTF-8. Python reads it with a surrogate; the first .encode() of the name (the resolver's
    digest of the attachments' names, the inputs digest of the templates) raises
    UnicodeEncodeError, and the command ends with a traceback."""
    root = make_site(tmp_path / "site")
    (root / folder).mkdir(parents=True, exist_ok=True)
    name = os.fsencode(str(root / folder)) + b"/caf\xe9.md"
    with open(name, "wb") as handle:
        handle.write(b"Some text.\n")

    result = run(root, command, *(QUICK if command == "build" else ()))

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`scrutiny {command}` with {folder}/caf\\xe9.md crashed: {type(result.exception).__name__}: "
        f"{result.exception}")
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert "caf" in result.output, f"the error does not name the file: {result.output[-400:]}"


# === 6. WRONG OUTPUT: --pdf-only aimed at the live folder deletes the site ======================

def test_pdf_only_aimed_at_the_live_folder_leaves_the_site_s_pages(tmp_path, make_site):
    """`--pdf-only` promises "only the public papers and packs ... (the site is left as it is)".
    Given -o output/site (a clerk who wants the papers refreshed "in the site"), the build plans
    the papers alone for that folder, and the swap deletes every page, the data files, the feed
    and the search index: the live site is left with its PDFs and no index.html."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": withheld_inspection("published", None)})
    assert run(root, "build", "--no-pdf", "--as-of", "2026-11-22 12:00").exit_code == 0
    site = root / "output" / "site"
    before = sorted(all_files(site))

    result = run(root, "build", "--pdf-only", "-o", str(site), "--as-of", "2026-11-22 12:00")

    after = sorted(all_files(site))
    gone = sorted(set(before) - set(after))
    assert (site / "index.html").is_file() and not gone, (
        f"`scrutiny build --pdf-only -o output/site` (exit {result.exit_code}: {result.output.strip()[-160:]!r}) "
        f"removed {len(gone)} of the live site's {len(before)} files: {gone[:6]}")


# === 7. WRONG OUTPUT: the program that makes the search index is not part of the fingerprint ====

def test_the_program_that_makes_the_search_index_is_part_of_the_environment_fingerprint(tmp_path, monkeypatch):
    """The search index is made by pagefind's executable, which the `search` extra installs as
    `pagefind[extended]`: the distribution pagefind-bin-extended. `required_distributions`
    follows `Requires-Dist` lines without extras, so pagefind's own `extra == 'extended'`
    requirement is dropped and the executable never reaches `environment_digest`: pagefind
    upgraded or replaced in place, every build keeps the index the old one made (the
    no-change decision and the search index's key both say nothing changed).
    Here a copy of that distribution is put first on sys.path (the venv is shared: it is
    not touched), and its executable changed."""
    import importlib.metadata

    from generator import fingerprint

    installed = importlib.metadata.distribution("pagefind-bin-extended")
    site_packages = Path(installed.locate_file(""))
    copy = tmp_path / "site-packages"
    for name in ("pagefind_bin_extended", Path(installed._path).name):        # the package and its dist-info
        shutil.copytree(site_packages / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.syspath_prepend(str(copy))
    executable = copy / "pagefind_bin_extended" / "pagefind_extended"
    assert executable.is_file()

    fingerprint.dependencies_digest.cache_clear()         # once per process: each build is a new one
    before = fingerprint.environment_digest()
    with open(executable, "ab") as handle:                  # another pagefind, as after an upgrade
        handle.write(b"\0")
    fingerprint.dependencies_digest.cache_clear()
    after = fingerprint.environment_digest()
    fingerprint.dependencies_digest.cache_clear()           # the copy goes with this test

    assert after != before, (
        f"{executable.name}, the program `python -m pagefind` runs to make the search index, changed and "
        f"environment_digest did not: it fingerprints {sorted(fingerprint.required_distributions())}")


# === 8. OTHER: the lock file is followed out of the output folder and truncated =================

def test_a_link_where_the_lock_file_goes_is_never_followed(tmp_path, make_site):
    """`locked` opens output/.lock with open(..., "a+"), which follows a symbolic link, then
    truncates it and writes "pid N": whatever file the link names (here a content record
    outside output/) is overwritten. The spare folder is guarded against exactly this ("never
    followed: a link here leads to someone else's files"); the lock, the manifest's temporary
    file and the caches' temporary files are not."""
    root = make_site(tmp_path / "site")
    victim = tmp_path / "precious.txt"
    victim.write_text("a file that is not the build's\n", encoding="utf-8")
    (root / "output").mkdir()
    (root / "output" / ".lock").symlink_to(victim)

    result = run(root, "build", *QUICK)

    assert victim.read_text(encoding="utf-8") == "a file that is not the build's\n", (
        f"`scrutiny build` (exit {result.exit_code}) followed output/.lock, a link to {victim}, and replaced "
        f"that file's text with {victim.read_text(encoding='utf-8')!r}")


# === 9. WRONG OUTPUT: --as-of with a UTC offset dates papers by the offset's day, not London's ===

def test_two_spellings_of_one_instant_give_the_same_paper(tmp_path):
    """Everything is London time, and `--as-of` accepts an offset. 04:00 on 11 March 2021 in
    London is 20:00 on 10 March at -08:00: one instant, and the build decides publication
    for that instant. But the commands take the day a paper is "as at" from the instant's
    own offset (`now.date()`, in commands/papers.py, commands/site.py, serve), not London's:
    the action plan's paper is "as at 10 March" and leaves out the updates of 11 March."""
    root = copy_site(tmp_path / "site")
    london, offset = tmp_path / "london.pdf", tmp_path / "offset.pdf"
    for moment, target in (("2021-03-11 04:00", london), ("2021-03-10T20:00-08:00", offset)):
        made = run(root, "paper", "action-plan", "dudley-2019-progress", "--as-of", moment, "-o", str(target))
        assert made.exit_code == 0, made.output
    first, second = pdf_text(london), pdf_text(offset)
    # Dudley's papers write ordinal days; its progress counts from the 17 March meeting's papers (11 March)
    assert "as reported to Children's Services Scrutiny Committee, 17th March 2021" in first
    assert second == first, (
        "--as-of '2021-03-10T20:00-08:00' (04:00 on 11 March in London) made a different paper from --as-of "
        f"'2021-03-11 04:00': it says {[l for l in second.splitlines() if 'as at' in l][:1]}")


# === 10. WRONG OUTPUT: compiled templates are reused across versions of the tool ===============

def test_a_new_version_of_the_tool_does_not_reuse_templates_compiled_by_the_old_one(tmp_path, make_site):
    """.cache/jinja (jinja2.FileSystemBytecodeCache) finds a compiled template by its name and
    checks it against the template's source only; how it was compiled (the environment's
    options: trim_blocks, autoescape, ...; Jinja's own code generator within one bytecode
    format) is not part of it, nor is `environment_digest`, which every other cache names.
    Stand-in for "Scrutiny upgraded": the new version compiles with trim_blocks off and its
    fingerprint says so. Every page is rendered again (its key changed), from templates
    compiled by the old version: the site is not what a cold build of the new version makes."""
    import generator.fingerprint as fingerprint
    import generator.render as render
    import generator.render.html as html
    import generator.render.papers as papers

    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": withheld_inspection("published", None)})
    build(root, now=AS_OF)                                    # the old version: .cache/jinja filled

    def new_version(templates, cache=None, **style):
        env = html.make_environment(templates, cache, **style)
        env.trim_blocks = False
        return env

    tool_digest = fingerprint.tool_digest
    with pytest.MonkeyPatch.context() as patch:
        for module in (render, papers):
            patch.setattr(module, "make_environment", new_version)
        patch.setattr(fingerprint, "tool_digest", lambda: tool_digest() + "|new-version")
        report = build(root, now=AS_OF)
        fresh = make_site(tmp_path / "cold", {"inspections/torbay-2025.yaml": withheld_inspection("published", None)})
        build(fresh, now=AS_OF)
    assert report.rendered, "the new version rendered nothing again"
    wrong = differences(all_files(root / "output" / "site"), all_files(fresh / "output" / "site"))
    assert wrong == [], (
        f"after the upgrade every page was rendered again ({len(report.rendered)} files), but {len(wrong)} differ "
        f"from a cold build of the new version ({wrong[:5]}): they were made by templates the old version "
        f"compiled, read back from .cache/jinja")


# === 11. OTHER: the audit does not look for a withheld record's title ===========================

def test_the_audit_finds_a_withheld_inspection_s_title_in_the_site(tmp_path, make_site):
    """`scrutiny check --audit` promises to look for withheld records' "ids in links, their
    titles, their sentences", but fingerprints only ids and long sentences of the prose: a
    page naming a draft inspection by its title (as the reused pages of the template-override
    finding above do) passes the audit with "0 leaks"."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": withheld_inspection("draft", None)})
    assert run(root, "build", *QUICK, "--as-of", "2026-11-22 12:00").exit_code == 0
    page = root / "output" / "site" / "about" / "index.html"
    title = "Torbay YOT inspection, November 2025"
    page.write_text(page.read_text("utf-8").replace("</main>", f"<p>Latest: {title}</p></main>"), encoding="utf-8")

    audited = run(root, "check", "--audit", "--as-of", "2026-11-22 12:00")

    assert "LEAK about/index.html: inspection:torbay-2025" in audited.output, (
        f"about/index.html names the draft inspection ('{title}'), and the audit said: "
        f"{[l for l in audited.output.splitlines() if l.startswith(('LEAK', 'audit:'))]}")


# === 12. LEAK (web server): a publish rehearsal aimed at the live release folder ===============

def publish(root: Path, dest: Path, *options: str) -> subprocess.CompletedProcess:
    python_path = os.pathsep.join([str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
    scrutiny = Path(sys.executable).with_name("scrutiny")
    env = {**os.environ, "PYTHONPATH": python_path, "PYTHONDONTWRITEBYTECODE": "1",
           "SCRUTINY": str(scrutiny) if scrutiny.exists() else ""}
    return subprocess.run([str(REPO / "tools" / "publish"), "-C", str(root), "--no-pdf", "--quiet", *options,
                           str(dest)], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_a_publish_rehearsal_aimed_at_the_live_release_folder_is_refused(tmp_path, make_site):
    """docs/publishing.md: a rehearsal (`tools/publish --as-of`) "cannot change the live site".
    It builds into output/rehearsal/, but then publishes that build to whatever DEST it is
    given: a clerk who types the scheduled run's DEST (the web server's document root)
    switches DEST/current to a release holding the embargoed inspection, until the next
    scheduled run puts it back. DEST/current was made by a live run: a rehearsal there could
    be refused."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", later)})
    dest = tmp_path / "www"
    live = publish(root, dest)
    assert live.returncode == 0, live.stderr
    page = dest / "current" / "inspections" / "torbay-2026" / "index.html"
    assert not page.exists()

    rehearsal = publish(root, dest, "--as-of", later)

    assert not page.exists(), (
        f"`tools/publish --as-of '{later}' DEST` (exit {rehearsal.returncode}: {rehearsal.stdout.strip()!r}) "
        f"published the inspection embargoed until then to the live release folder: {dest.name}/current -> "
        f"{os.readlink(dest / 'current')}")
    assert rehearsal.returncode != 0


@pytest.mark.slow
@pytest.mark.parametrize("inside", ["the live DEST's current release", "output/site"])
def test_a_publish_rehearsal_inside_a_live_folder_is_refused(tmp_path, make_site, inside):
    """A rehearsal DEST was asked only about its own mark: `tools/publish --as-of LATER
    www/current/rehearse` (or `SITE/output/site/rehearsal`) put the embargoed inspection into
    a folder the web server serves (helper-28). `build -o` refuses both; so does publish now,
    before it makes anything there."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", later)})
    www = tmp_path / "www"
    assert publish(root, www).returncode == 0
    dest = www / "current" / "rehearse" if inside.startswith("the live") else root / "output" / "site" / "rehearsal"

    rehearsal = publish(root, dest, "--as-of", later)

    assert rehearsal.returncode == 2, rehearsal.stdout + rehearsal.stderr
    assert "is or may be served as the live site" in rehearsal.stderr
    assert not dest.exists()
    showing = [p for tree in (www, root / "output" / "site") for p, data in all_files(tree).items()
               if b"torbay-2026" in data]
    assert showing == [], showing


@pytest.mark.slow
@pytest.mark.parametrize("beside", ["output/.site.previous", "output/.manifests", "the -o site's spare folder"])
def test_a_publish_rehearsal_into_what_builds_keep_beside_a_site_is_refused(tmp_path, make_site, beside):
    """docs/publishing.md: beside a site built with -o into a web server's folder, the spare
    folder and the manifests are served too, so `build -o` refuses a preview there
    (`write.targets.kept_beside_a_site`); `tools/publish --as-of` asked only the marks of a
    DEST, a live one's and a site's manifest, and published the embargoed inspection into
    `.site.previous/rehearse/` (helper-110)."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", later)})
    served = tmp_path / "www" / "youth-justice"
    record = root / "content" / "inspections" / "torbay-2026.yaml"
    built = []
    for edit in ("", "# edited: the second build swaps, leaving the spare folder\n"):
        record.write_text(record.read_text(encoding="utf-8") + edit, encoding="utf-8")
        built.append(run(root, "build", *QUICK, *([] if beside.startswith("output/") else ["-o", str(served)])))
    assert all(result.exit_code == 0 for result in built), [result.output for result in built]
    folder = root / beside if beside.startswith("output/") else served.with_name(".youth-justice.previous")
    assert folder.is_dir()
    dest = folder / "rehearse"

    rehearsal = publish(root, dest, "--as-of", later)

    assert rehearsal.returncode == 2, rehearsal.stdout + rehearsal.stderr
    assert "is or may be served as the live site" in rehearsal.stderr
    assert not dest.exists()
    showing = [p for p, data in all_files(folder.parent).items() if b"WITHHELD-INSPECTION-4471" in data]
    assert showing == [], showing


# === 13. OTHER: a symbolic link in the spare folder passes for the live file and goes live =====

def test_a_link_in_the_spare_folder_never_goes_live(tmp_path):
    """The spare folder keeps a file "only when it is a hard link to the live file the plan
    reuses (the same inode)". The test is `os.path.samefile`, which follows symbolic links:
    a link in the spare folder to any path that is (for now) the live file's inode, say a
    hard link someone made outside output/, passes, is swapped in, and output/site then
    serves whatever that outside path holds (tools/publish copies the link as it is)."""
    root = copy_site(tmp_path / "site")
    record = root / "content" / "inspections" / "torbay-2021.yaml"
    build(root)

    def replace_in(old: str, new: str) -> None:
        record.write_text(record.read_text("utf-8").replace(old, new, 1), encoding="utf-8")

    replace_in("Governance was not robust enough.", "Governance was weak.")
    build(root)
    site, spare = root / "output" / "site", root / "output" / ".site.previous"
    relative = "about/index.html"
    assert (spare / relative).stat().st_ino == (site / relative).stat().st_ino
    outside = tmp_path / "elsewhere.html"
    os.link(site / relative, outside)
    (spare / relative).unlink()
    (spare / relative).symlink_to(outside)

    replace_in("Governance was weak.", "Governance was poor.")
    build(root)

    links = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_symlink())
    assert links == [], (
        f"output/site now holds symbolic links {links}, to {[os.readlink(site / l) for l in links]}: a link "
        f"planted in the spare folder passed the 'same inode as the live file' test and was swapped in")


# === 14. TRACEBACK: an --as-of at the edge of the calendar, with an offset ======================

@pytest.mark.parametrize("moment", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_an_as_of_beyond_the_calendar_in_london_is_a_usage_error_not_a_traceback(tmp_path, make_site, moment):
    """--as-of accepts an offset, and the instant is then read in London time; at the ends of
    the calendar that conversion overflows (OverflowError: date value out of range) and the
    command ends with a traceback instead of "Invalid value for '--as-of'" (exit 2)."""
    root = make_site(tmp_path / "site")
    result = run(root, "build", *QUICK, "--as-of", moment)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`scrutiny build --as-of {moment}` crashed: {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code in (0, 2), result.output


# === 15. LEAK (public papers folder): --pdf-only with --drafts or a later --as-of =============

def two_inspections(tmp_path, make_site) -> Path:
    """A published inspection, and a draft one of another service (so neither names the other)."""
    return make_site(tmp_path / "site", {
        "inspections/torbay-2025.yaml": withheld_inspection("published", None),
        "services/brixham-yot.yaml": "name: Brixham Youth Offending Team\nshort_name: Brixham YOT\ncouncil: torbay\n",
        "inspections/brixham-2026.yaml": withheld_inspection("draft", None).replace("torbay-yot", "brixham-yot")})


@pytest.mark.slow
def test_drafts_never_go_into_the_public_papers_folder(tmp_path, make_site):
    """`--pdf-only` is "only the public papers and packs, into output/pdf/". The default folder
    is chosen `"pdf" if pdf_only else "preview" if drafts or rehearsal else "site"`, so
    `--pdf-only --drafts` (or a later --as-of) writes draft and embargoed papers into
    output/pdf, beside the public ones, with no refusal: the folder a clerk uploads from."""
    root = two_inspections(tmp_path, make_site)
    result = run(root, "build", "--pdf-only", "--drafts", "--as-of", "2026-11-22 12:00")
    papers = root / "output" / "pdf"
    found = sorted(p.relative_to(papers).as_posix() for p in papers.rglob("*.pdf")) if papers.is_dir() else []
    assert "inspections/brixham-2026/brixham-2026.pdf" not in found, (
        f"`scrutiny build --pdf-only --drafts` (exit {result.exit_code}) wrote the draft inspection's paper into "
        f"output/pdf, the public papers: {found}")


@pytest.mark.slow
def test_a_paper_made_for_a_drafts_preview_is_never_reused_by_a_public_build(tmp_path, make_site):
    """Output keys name the records, templates, day and environment, not whether the build was
    a drafts preview; yet a preview's papers are stamped "DRAFT - not for publication" (and
    its pages carry the DRAFT banner). `--pdf-only --drafts` then `--pdf-only`, both into
    output/pdf (the default of each): the public build reuses the public record's paper with
    the DRAFT stamp on every page."""
    root = two_inspections(tmp_path, make_site)
    assert run(root, "build", "--pdf-only", "--drafts", "--as-of", "2026-11-22 12:00").exit_code == 0
    public = run(root, "build", "--pdf-only", "--as-of", "2026-11-22 12:00")
    assert public.exit_code == 0, public.output
    paper = root / "output" / "pdf" / "inspections" / "torbay-2025" / "torbay-2025.pdf"
    assert "DRAFT" not in pdf_text(paper), (
        f"the public build ({public.output.strip().splitlines()[-1][:90]}...) kept {paper.name} as the drafts "
        f"preview made it, stamped 'DRAFT - not for publication'")


# === 16. LEAK: a drafts build or a rehearsal aimed at a folder inside the live site ============

@pytest.mark.parametrize("how", ["--drafts", "a later --as-of"])
def test_a_preview_aimed_inside_the_live_site_is_refused(tmp_path, make_site, how):
    """`scrutiny build` refuses -o output/site for a drafts build or a rehearsal by comparing the
    target with output/site (`_is_live_site`: equal, after resolving), not by asking whether
    it is inside it: `--drafts -o output/site/preview` builds the whole drafts preview into
    the live site (its lock and manifest too), served at /preview/ until the next live build
    swaps it out. (`scrutiny pack --members` asks "inside", and refuses.)"""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection(
        "draft" if how == "--drafts" else "published", None if how == "--drafts" else later)})
    assert run(root, "build", *QUICK).exit_code == 0
    site = root / "output" / "site"
    options = ["--drafts"] if how == "--drafts" else ["--as-of", later]

    result = run(root, "build", *QUICK, *options, "-o", str(site / "preview"))

    leaked = sorted(p for p, data in all_files(site).items() if b"WITHHELD-INSPECTION-4471" in data)
    assert leaked == [], (
        f"`scrutiny build {' '.join(options)} -o output/site/preview` (exit {result.exit_code}) wrote the "
        f"{'draft' if how == '--drafts' else 'embargoed'} inspection into the live site: {leaked[:5]}")
    assert result.exit_code in (1, 2), result.output


# === 17. OTHER (data loss): -o naming a folder that already holds something else ===============

@pytest.mark.parametrize("where", ["a folder of other files", "the site's own folder", "output/ itself"])
def test_building_into_a_folder_that_holds_other_files_never_deletes_them(tmp_path, make_site, where):
    """A build swaps its next version with whatever is at -o, then deletes the version it
    replaced when no manifest vouched for it (`Staging.trim`: "a version nothing vouched
    for"): the folder's own files. `scrutiny build -o ~/Desktop/preview` with files there
    deletes them; `scrutiny build -o .` in the site's folder deletes the site itself, its
    content/ and its .git with it. Nothing is said; the build reports success."""
    root = make_site(tmp_path / "site")
    if where == "the site's own folder":
        target, precious = root, root / "content" / "site.yaml"
    elif where == "output/ itself":         # it holds the live site (and the members' papers)
        assert run(root, "build", *QUICK).exit_code == 0
        target, precious = root / "output", root / "output" / "site" / "index.html"
    else:
        target = tmp_path / "Desktop"
        target.mkdir()
        precious = target / "notes.txt"
        precious.write_text("a clerk's notes\n", encoding="utf-8")

    result = run(root, "build", *QUICK, "-o", str(target))

    assert precious.is_file(), (
        f"`scrutiny build -o {target.name}` (exit {result.exit_code}: {result.output.strip()[-80:]!r}) deleted "
        f"{precious.relative_to(tmp_path)}, which was in {where} before the build")



@pytest.mark.parametrize("loop_to", ["itself", "a folder outside output/"])
def test_an_output_folder_that_is_a_link_in_a_loop_is_refused_before_anything_is_written(tmp_path, make_site,
                                                                                           loop_to):
    """`os.path.realpath` leaves a link in a loop as it is: output/site -> site, or a link
    to a link back to it. Such an output is not a folder, and is said to be so before a lock
    or a spare folder is made anywhere."""
    root = make_site(tmp_path / "site")
    (root / "output").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if loop_to == "itself":
        (root / "output" / "site").symlink_to("site")
    else:
        (root / "output" / "site").symlink_to(elsewhere / "loop")
        (elsewhere / "loop").symlink_to(root / "output" / "site")
    before = sorted(p.name for p in elsewhere.iterdir())

    result = run(root, "build", *QUICK)

    assert result.exit_code == 1, result.output
    assert "is not a folder" in result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == before


# === 18. WRONG OUTPUT: a library earlier on PYTHONPATH without its metadata is not noticed ======

def scrutiny_process(root: Path, *args: str, first: Path | None = None) -> subprocess.CompletedProcess:
    """`scrutiny -C root ARGS` as its own process, with `first` (if given) first on PYTHONPATH."""
    paths = [*([str(first)] if first else []), str(REPO),
             *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "generator", "-C", str(root), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_a_library_put_first_on_the_python_path_is_a_change_of_environment(tmp_path):
    """The fingerprint of the dependencies finds each one by its metadata (*.dist-info) on
    sys.path; the code that runs is whatever `import` finds first. A copy of Markdown put
    first on PYTHONPATH without its dist-info (a vendored or patched checkout) renders the
    pages, but the fingerprint still names the installed one: the build says "nothing
    changed" and keeps pages that a cold build with this environment renders differently."""
    import markdown

    shadow = tmp_path / "shadow"
    shutil.copytree(Path(markdown.__file__).parent, shadow / "markdown",
                    ignore=shutil.ignore_patterns("__pycache__"))
    core = shadow / "markdown" / "core.py"
    text = core.read_text("utf-8")
    signature = "    def convert(self, source: str) -> str:\n"
    assert signature in text
    core.write_text(text.replace(signature, signature + '        return self._convert(source) + "<p>PATCHED</p>"\n\n'
                                 "    def _convert(self, source: str) -> str:\n", 1), encoding="utf-8")
    args = ("build", "-q", *QUICK, "--as-of", "2026-11-22 12:00")
    root, cold = copy_site(tmp_path / "site"), copy_site(tmp_path / "cold")
    assert scrutiny_process(root, *args).returncode == 0

    again = scrutiny_process(root, *args, first=shadow)
    assert scrutiny_process(cold, *args, first=shadow).returncode == 0

    reference = all_files(cold / "output" / "site")
    assert [p for p, data in reference.items() if b"PATCHED" in data], "the patched Markdown rendered nothing"
    wrong = differences(all_files(root / "output" / "site"), reference)
    assert wrong == [], (
        f"with another Markdown first on PYTHONPATH the build said {again.stdout.strip()[-110:]!r}; "
        f"{len(wrong)} files differ from a cold build in that environment: {wrong[:5]}")


# === 19. LEAK: an appendix document's own "status: draft" / embargo / exempt is ignored =========

@pytest.mark.slow
@pytest.mark.parametrize("field", ["status: draft", 'embargo_until: "2030-01-01 09:00"', "exempt: 3"])
def test_a_publication_field_in_an_attachment_s_front_matter_is_an_error_not_ignored(tmp_path, field):
    """Every record kind takes `status` and `embargo_until`, and an unknown field in a record is
    an error at its line. A Markdown attachment's front matter is read for `title` only: a
    clerk who marks the appendix document itself `status: draft`, `embargo_until: ...` or
    `exempt: 3` (as the meeting's appendix would be) gets no word, and the document is
    published in the agenda pack and as its own PDF (item-9-appendix-3.pdf) at once.
    Either answer keeps the promise: an error at the line, or the field honoured."""
    root = copy_site(tmp_path / "site")
    attachment = root / "content" / "attachments" / "torbay-peer-review.md"
    text = attachment.read_text("utf-8")
    assert text.startswith("---\ntitle:")
    attachment.write_text(f"---\n{field}\n" + text[4:], encoding="utf-8")

    checked = run(root, "check")

    located = [line for line in checked.output.splitlines()
               if line.startswith("content/attachments/torbay-peer-review.md:2:") and ": error:" in line]
    if checked.exit_code == 1 and located:
        return                          # refused at its line: fine
    # Not refused: then it must at least be honoured (the document withheld from the site).
    build(root, pdf=True, jobs=2)
    sentence = "The peer team was Kevin Hall"
    meeting = root / "output" / "site" / "meetings" / "torbay-cyp-osb-2021-03-01"
    showing = sorted(p.name for p in meeting.glob("*.pdf") if sentence in " ".join(pdf_text(p).split()))
    assert showing == [], (
        f"`{field}` in the front matter of content/attachments/torbay-peer-review.md (appendix 3 of item 9 of "
        f"torbay-cyp-osb-2021-03-01) passed `scrutiny check` (exit {checked.exit_code}: "
        f"{checked.output.strip().splitlines()[-1]!r}), and the build published the document in {showing}")


# === 20. OTHER (active content, hidden data): an inserted PDF keeps its scripts and files =======

def hostile_pdf() -> bytes:
    """A one-page PDF as a clerk might be sent one: a link that runs JavaScript, a page-open
    JavaScript action, and a spreadsheet attached to the page (a FileAttachment annotation)."""
    import io

    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 720 Td (Appendix text) Tj ET")
    page.obj.Resources = Dictionary(Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                                  BaseFont=Name.Helvetica)))
    script = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 700, 300, 740]),
                        A=Dictionary(S=Name.JavaScript, JS=String("app.alert('LINK-SCRIPT')")))
    data = pdf.make_stream(b"HIDDEN-SPREADSHEET name,date of birth\nA child,2009-01-01\n")
    data.Type = Name.EmbeddedFile
    attached = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([10, 10, 20, 20]),
                          FS=Dictionary(Type=Name.Filespec, F=String("children.csv"), EF=Dictionary(F=data)))
    page.obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(script), pdf.make_indirect(attached)]))
    page.obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('OPEN-SCRIPT')")))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


MEETING_WITH_A_PDF_APPENDIX = """\
council: torbay
committee: Youth Justice Management Board
date: 2025-11-20
items:
  - number: 1
    title: Performance
    appendices:
      - {title: Data annex, pdf: attachments/annex.pdf}
"""


@pytest.mark.slow
def test_a_pdf_appendix_is_published_without_its_scripts_or_attached_files(tmp_path, make_site):
    """A PDF appendix is inserted "as it is": its pages are copied with their annotations and
    actions. The published pack and appendix keep a JavaScript link, a JavaScript action run
    when the page opens, and a file attached to the page (the hidden spreadsheet of names and
    dates of birth). The generated papers are checked for JavaScript (test_hostile_corpus);
    inserted ones are not."""
    import pikepdf

    root = make_site(tmp_path / "site", {"meetings/board-2025-11-20.yaml": MEETING_WITH_A_PDF_APPENDIX,
                                         "attachments/annex.pdf": hostile_pdf()})
    build(root, now=AS_OF, pdf=True)
    folder = root / "output" / "site" / "meetings" / "board-2025-11-20"
    papers = sorted(folder.glob("*.pdf"))
    assert papers, "no papers were made for the meeting"
    kept = {}
    for paper in papers:
        with pikepdf.open(paper) as pdf:
            found = [f"page {n}: {annot.get('/Subtype')}" for n, page in enumerate(pdf.pages, 1)
                     for annot in page.obj.get("/Annots", [])
                     if annot.get("/Subtype") == "/FileAttachment" or "/JS" in annot.get("/A", {})]
            found += [f"page {n}: /AA" for n, page in enumerate(pdf.pages, 1) if "/AA" in page.obj]
        if found:
            kept[paper.name] = found
    assert kept == {}, f"published papers keep the inserted PDF's scripts and attached file: {kept}"


# === 21. TRACEBACK: a file where the cache folder goes ==========================================

@pytest.mark.parametrize("command", ["check", "build"])
def test_a_file_named_cache_in_the_site_is_not_a_traceback(tmp_path, make_site, command):
    """The caches are "speed only": a cache that cannot be written should only make the next
    build slower (speed/parsed_cache.py). With a plain file at .cache (a stray file, or a
    tool's own cache file), saving the parsed records fails with NotADirectoryError, and the
    clean-up in the handler (`temporary.unlink(missing_ok=True)`) raises it again: every
    `scrutiny check` and `scrutiny build` ends with a traceback."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": withheld_inspection("published", None)})
    (root / ".cache").write_text("not a folder\n", encoding="utf-8")

    result = run(root, command, *(QUICK if command == "build" else ()))

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`scrutiny {command}` with a file at .cache crashed: {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code == 0, result.output


# === 22. TRACEBACK: a manifest whose moment has no time zone ====================================

def test_a_manifest_that_cannot_be_trusted_is_a_rebuild_not_a_traceback(tmp_path, make_site):
    """write/manifest.py: "A build that finds no manifest, or one it cannot read, trusts
    nothing in the live folder." A manifest whose moment was written without its offset
    (edited by hand, or by another tool) is read without complaint, and the no-change
    decision then compares it with an aware moment: TypeError, on every build, until someone
    finds and deletes output/.manifests/site.json."""
    import json

    root = make_site(tmp_path / "site")
    assert run(root, "build", *QUICK).exit_code == 0
    path = root / "output" / ".manifests" / "site.json"
    data = json.loads(path.read_text("utf-8"))
    data["state"]["moment"] = data["state"]["moment"][:19]          # '2026-12-05T14:07:00', no offset
    path.write_text(json.dumps(data), encoding="utf-8")

    result = run(root, "build", *QUICK)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`scrutiny build` with a manifest moment of {data['state']['moment']!r} crashed: "
        f"{type(result.exception).__name__}: {result.exception}")
    assert result.exit_code == 0, result.output


# === 23. LEAK (work in progress): a record just started with `scrutiny new` is published at once =

def test_a_record_just_started_with_scrutiny_new_is_not_published_by_the_next_build(tmp_path):
    """`scrutiny new inspection ID` writes a skeleton with `status: published` (the comment says
    "draft (never published) or published"), and the skeleton of an inspection checks clean:
    the next scheduled `tools/publish` puts "Torbay YOT inspection, date not recorded" live,
    and then every save of the half-written record, ratings typed in from an embargoed report
    included, goes live within the minute, before the clerk reaches `embargo_until`."""
    root = copy_site(tmp_path / "site")
    started = run(root, "new", "inspection", "torbay-2027", "--service", "torbay-yot")
    assert started.exit_code == 0, started.output
    skeleton = (root / "content" / "inspections" / "torbay-2027.yaml").read_text("utf-8")

    built = run(root, "build", *QUICK)

    site = root / "output" / "site"
    showing = sorted(p for p, data in all_files(site).items() if b"torbay-2027" in data)
    assert showing == [], (
        f"the skeleton `scrutiny new` wrote ({[l for l in skeleton.splitlines() if l.startswith('status:')]}) "
        f"was published by the next build (exit {built.exit_code}): {showing[:5]}")


# === 24. LEAK (web server): a preview written into the folder tools/publish serves ==============

@pytest.mark.slow
@pytest.mark.parametrize("how", ["--drafts", "a later --as-of"])
def test_a_preview_aimed_into_the_published_release_folder_is_refused(tmp_path, make_site, how):
    """Previews were refused only inside output/site. A clerk who wants the chair to see the
    draft paper "on the server" gives -o inside the web server's folder, DEST/current, which
    tools/publish made live: the paper, the pack and a whole preview site went there and were
    served. (The members' pack was already refused there.)"""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection(
        "draft" if how == "--drafts" else "published", None if how == "--drafts" else later)})
    dest = tmp_path / "www"
    assert publish(root, dest).returncode == 0
    served = dest / "current"
    options = ["--drafts"] if how == "--drafts" else ["--as-of", later]

    paper = run(root, "paper", "inspection", "torbay-2026", *options, "-o", str(served / "preview.pdf"))
    preview = run(root, "build", *QUICK, *options, "-o", str(served / "preview"))

    leaked = sorted(p for p, data in all_files(dest).items() if b"WITHHELD-INSPECTION-4471" in data)
    assert leaked == [], (
        f"`scrutiny paper ... {' '.join(options)} -o DEST/current/preview.pdf` (exit {paper.exit_code}) and "
        f"`scrutiny build {' '.join(options)} -o DEST/current/preview` (exit {preview.exit_code}) wrote the "
        f"{'draft' if how == '--drafts' else 'embargoed'} inspection where the live site is served: {leaked[:5]}")
    assert not (served / "preview.pdf").exists(), "the withheld inspection's paper went where the site is served"
    assert (paper.exit_code, preview.exit_code) == (2, 2), (paper.output, preview.output)
    assert f"is inside {dest.resolve()}, a site that is or may be published" in paper.output


def test_a_preview_aimed_inside_a_site_built_with_o_is_refused(tmp_path, make_site):
    """A council that publishes with `scrutiny build -o /var/www/html` has no output/site
    and no DEST: the manifest beside that folder says a build made it, so a draft paper or a
    drafts site inside it is refused. The preview folders under output/ stay open to previews."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0

    paper = run(root, "paper", "inspection", "torbay-2026", "--drafts", "-o", str(www / "draft.pdf"))
    preview = run(root, "build", *QUICK, "--drafts", "-o", str(www / "preview"))

    assert (paper.exit_code, preview.exit_code) == (2, 2), (paper.output, preview.output)
    assert not (www / "draft.pdf").exists() and not (www / "preview").exists()
    assert f"is inside {www.resolve()}, a site that is or may be published" in paper.output
    again = [run(root, "build", *QUICK, "--drafts").exit_code for _ in range(2)]      # into output/preview
    in_preview = run(root, "paper", "inspection", "torbay-2026", "--drafts",
                     "-o", str(root / "output" / "preview" / "draft.pdf"))
    assert again == [0, 0] and in_preview.exit_code == 0, in_preview.output


def test_a_preview_aimed_at_a_site_built_with_o_is_refused_but_a_preview_may_build_its_own_again(tmp_path, make_site):
    """`scrutiny build --drafts -o /var/www/html`, the folder the live build writes, swapped a
    drafts preview in as the live site. The manifest says which builds were previews: only
    a preview's own folder takes a preview again."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0

    drafts = run(root, "build", *QUICK, "--drafts", "-o", str(www))
    rehearsal = run(root, "build", *QUICK, "--as-of", later, "-o", str(www))

    assert (drafts.exit_code, rehearsal.exit_code) == (2, 2), (drafts.output, rehearsal.output)
    assert not [p for p, data in all_files(www).items() if b"WITHHELD-INSPECTION-4471" in data]
    assert f"drafts never goes into {www.resolve()}, a site that is or may be published" in drafts.output
    mine, theirs = tmp_path / "mine", tmp_path / "rehearsal"
    assert [run(root, "build", *QUICK, "--drafts", "-o", str(mine)).exit_code for _ in range(2)] == [0, 0]
    assert [run(root, "build", *QUICK, "--as-of", later, "-o", str(theirs)).exit_code for _ in range(2)] == [0, 0]
    assert b"WITHHELD-INSPECTION-4471" in (mine / "inspections/torbay-2026/index.html").read_bytes()


def test_a_preview_may_go_into_a_rehearsal_release_folder(tmp_path, make_site):
    """A rehearsal DEST (`tools/publish --as-of`) is not the live site: a drafts build may go there."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    dest = tmp_path / "rehearsal"
    dest.mkdir()
    (dest / ".purpose").write_text("rehearsal\n")

    preview = run(root, "build", *QUICK, "--drafts", "-o", str(dest / "preview"))

    assert preview.exit_code == 0, preview.output
    assert b"WITHHELD-INSPECTION-4471" in (dest / "preview/inspections/torbay-2026/index.html").read_bytes()


# === 25. LEAK (the red-team pass over 24): ways round the refusal of previews ==================

def test_a_preview_folder_linked_to_a_live_site_or_a_link_out_of_a_live_site_takes_no_preview(tmp_path, make_site):
    """output/preview made a link to the folder a live build wrote with -o: the drafts build
    went through the link into the live site (the preview folders were exempt by where the
    link led). And a link inside the live site to a folder elsewhere: a preview built through
    it is served with the site."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0
    (root / "output").mkdir()
    (root / "output" / "preview").symlink_to(www, target_is_directory=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (www / "p").symlink_to(outside, target_is_directory=True)

    through_preview = run(root, "build", *QUICK, "--drafts")
    through_link = run(root, "build", *QUICK, "--drafts", "-o", str(www / "p"))

    assert (through_preview.exit_code, through_link.exit_code) == (2, 2), (through_preview.output, through_link.output)
    assert not [p for p, data in all_files(www).items() if b"WITHHELD-INSPECTION-4471" in data]
    assert not [p for p, data in all_files(outside).items() if b"WITHHELD-INSPECTION-4471" in data]


def test_a_site_a_rehearsal_made_is_marked_live_again_by_a_build_that_is_not_one(tmp_path, make_site):
    """A rehearsal into a new -o folder, then a build of the same day that is not one found
    "nothing changed" and kept the manifest's preview mark: a drafts build was then let into
    a site built as the public one. The mark comes from the build's options, which the
    no-change test compares."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    today = dt.datetime.now(LONDON).date()
    assert run(root, "build", *QUICK, "--as-of", f"{today} 23:59", "-o", str(www)).exit_code == 0
    assert run(root, "build", *QUICK, "--as-of", f"{today} 00:00", "-o", str(www)).exit_code == 0

    drafts = run(root, "build", *QUICK, "--drafts", "-o", str(www))

    assert drafts.exit_code == 2, drafts.output
    assert not [p for p, data in all_files(www).items() if b"WITHHELD-INSPECTION-4471" in data]


def test_a_draft_paper_may_go_into_a_preview_s_own_folder(tmp_path, make_site):
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    mine = tmp_path / "mine"
    assert run(root, "build", *QUICK, "--drafts", "-o", str(mine)).exit_code == 0

    paper = run(root, "paper", "inspection", "torbay-2026", "--drafts", "-o", str(mine / "draft.pdf"))

    assert paper.exit_code == 0, paper.output
    assert (mine / "draft.pdf").exists()


def test_a_paper_aimed_into_a_link_loop_is_an_error_not_a_traceback(tmp_path, make_site):
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", None)})
    loop = tmp_path / "loop"
    loop.symlink_to(loop)

    made = run(root, "paper", "inspection", "torbay-2026", "-o", str(loop / "x.pdf"))

    assert made.exit_code == 1 and isinstance(made.exception, SystemExit), made.output
    assert f"error: cannot write {loop / 'x.pdf'}" in made.output


def test_pdf_only_aimed_at_a_site_built_with_o_leaves_its_pages_and_may_rebuild_its_own_folder(tmp_path, make_site):
    """The guard of 6 knew only output/site: `--pdf-only -o /var/www/html`, the folder a live
    build wrote with -o, swapped the papers in alone and removed the site's pages. A folder
    the papers alone were built into may take them again."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2025.yaml": withheld_inspection("published", None)})
    www, papers = tmp_path / "www", tmp_path / "papers"
    assert run(root, "build", "--no-pdf", "-o", str(www), "--as-of", "2026-11-22 12:00").exit_code == 0
    before = sorted(all_files(www))

    result = run(root, "build", "--pdf-only", "-o", str(www), "--as-of", "2026-11-22 12:00")

    assert result.exit_code == 2, result.output
    assert sorted(all_files(www)) == before
    assert f"would leave {www.resolve()}, a site with pages, without them" in result.output
    again = [run(root, "build", "--pdf-only", "-o", str(papers), "--as-of", "2026-11-22 12:00").exit_code
             for _ in range(2)]
    assert again == [0, 0]
    assert any(name.endswith(".pdf") for name in all_files(papers))


def test_pdf_only_with_drafts_may_replace_a_drafts_preview(tmp_path, make_site):
    """`--pdf-only --drafts` goes to output/preview (its help says so), where a drafts preview
    of the whole site may be: a preview's pages are no one's loss."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    mine = tmp_path / "mine"
    assert run(root, "build", *QUICK, "--drafts").exit_code == 0
    assert run(root, "build", *QUICK, "--drafts", "-o", str(mine)).exit_code == 0

    results = [run(root, "build", "--pdf-only", "--drafts").exit_code,
               run(root, "build", "--pdf-only", "--drafts", "-o", str(mine)).exit_code]

    assert results == [0, 0]


# === 26. LEAK (the red-team pass over 25): the refusal raced the lock; --members through a link ==

@pytest.mark.parametrize("how", ["--drafts", "--pdf-only"])
def test_a_build_asks_again_under_its_lock_whether_its_folder_is_a_live_site(tmp_path, make_site, how):
    """The command refused a preview (or papers alone) for a live folder before taking the
    lock. A live `build -o W` still running when a drafts build asked had written no manifest
    yet: the drafts build passed, waited for the lock, and swapped the drafts in as W. Here
    the live build has finished and the second build is started past the command's check,
    as it was in that race: under the lock it must refuse."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0
    before = all_files(www)
    options = build_module.BuildOptions(root=root, output=www.resolve(), now=dt.datetime.now(LONDON),
                                        drafts=how == "--drafts", pdf_only=how == "--pdf-only", jobs=1, search=False)

    with pytest.raises(build_module.OutputError, match=f"{www.resolve()}, a site"):
        build_module.build_site(options, out_of_date=True)

    assert all_files(www) == before


def test_the_members_pack_never_goes_through_a_link_out_of_a_served_folder(tmp_path, make_site):
    """A link in the live site to a folder elsewhere: the members' pack, with its exempt
    papers, was written through it (previews were already refused there)."""
    root = copy_site(tmp_path / "site")
    assert run(root, "build", *QUICK).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "output" / "site" / "p").symlink_to(elsewhere, target_is_directory=True)

    made = run(root, "pack", "torbay-cyp-osb-2021-03-01", "--members", "-o", str(root / "output/site/p/m.pdf"))

    assert made.exit_code == 2, made.output
    assert not (elsewhere / "m.pdf").exists()


@pytest.mark.parametrize("command", ["build", "build --drafts", "paper --drafts", "pack --members", "check --audit"])
def test_a_path_the_system_refuses_is_an_error_not_a_traceback(tmp_path, make_site, command):
    """A folder name of 252 characters (the build parks the old site beside it under a longer
    one), or a path longer than the system takes, raised OSError through the commands."""
    root = copy_site(tmp_path / "site")
    too_long = tmp_path.joinpath(*["b" * 200] * 22)
    args = {"build": ["build", *QUICK, "-o", str(tmp_path / ("a" * 252))],
            "build --drafts": ["build", *QUICK, "--drafts", "-o", str(too_long)],
            "paper --drafts": ["paper", "inspection", "torbay-2021", "--drafts", "-o", str(too_long / "x.pdf")],
            "pack --members": ["pack", "torbay-cyp-osb-2021-03-01", "--members", "-o", str(too_long / "x.pdf")],
            "check --audit": ["check", "--audit", str(too_long)]}[command]

    result = run(root, *args)

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (result.exit_code, result.exception)
    assert "error: cannot" in result.output and "Traceback" not in result.output


def test_a_purpose_mark_that_is_not_text_is_taken_as_live(tmp_path, make_site):
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / ".purpose").write_bytes(b"\xff\xfe")

    result = run(root, "build", *QUICK, "--drafts", "-o", str(dest / "preview"))

    assert result.exit_code == 2, result.output


def test_serve_never_builds_through_a_link_where_its_folder_goes(tmp_path, make_site):
    """output/serve made a link to a site built with -o: the swap replaced the link, and the
    trim of the spare folder then deleted the old preview's files through it, from the live
    site."""
    from generator.authoring.serve import Builder, ServeOptions, State
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    www = tmp_path / "www"
    assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0
    before = all_files(www)
    options = ServeOptions(root=root, port=0, pdf=False, drafts=True, search=False, as_of=None)
    (root / "output").mkdir(exist_ok=True)
    options.output.symlink_to(www, target_is_directory=True)
    said = []
    builder = Builder(options, State(), said.append)

    built = builder.build(changed=True)

    assert not built and any("is a link to" in str(line) for line in said), said
    assert all_files(www) == before


def test_rebuild_deletes_only_the_caches_a_build_keeps_even_through_a_link(tmp_path):
    """.cache made a link to a folder that holds other things: --rebuild empties only what
    builds keep there, and reads none of it."""
    root = copy_site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep").mkdir(parents=True)
    (elsewhere / "keep" / "file").write_text("precious")
    (root / ".cache").symlink_to(elsewhere, target_is_directory=True)
    assert run(root, "build", *QUICK).exit_code == 0
    assert (elsewhere / "parsed").is_dir()

    rebuilt = run(root, "build", *QUICK, "--rebuild")

    assert rebuilt.exit_code == 0, rebuilt.output
    assert (elsewhere / "keep" / "file").read_text() == "precious"
    assert not (elsewhere / "parsed").exists()
    assert "0 reused" in rebuilt.output


def test_a_template_whose_compiled_form_cannot_be_kept_still_renders(tmp_path):
    """Another build's --rebuild deletes .cache/ under its own folder's lock, while a paper or
    a build of another folder is compiling a template: Jinja's cache raised FileNotFoundError
    through the render (a traceback in `scrutiny paper`)."""
    from generator.load.files import Template
    from generator.render.html import make_environment
    cache = tmp_path / ".cache" / "jinja"
    env = make_environment({"page.html": Template("page.html", "<p>{{ 1 + 1 }}</p>", "digest", "page.html")},
                           cache=cache)
    shutil.rmtree(tmp_path / ".cache")

    assert env.get_template("page.html").render() == "<p>2</p>"


def test_a_build_that_finds_nothing_changed_still_says_what_is_withheld(tmp_path, make_site):
    """It said "no records withheld" whatever the site held back: a clerk reading the line
    after an embargoed record was added learnt nothing was waiting."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    first = run(root, "build", *QUICK)
    assert "1 record withheld (" in first.output, first.output

    again = run(root, "build", *QUICK)

    assert "1 record withheld (nothing changed since the last build)" in again.output, again.output


def test_a_build_counts_a_withheld_agenda_item_of_a_public_meeting(tmp_path):
    """With only agenda item 9 embargoed (its meeting and every record public), the line said
    "0 records withheld": a clerk checking before the meeting learnt nothing was held back."""
    root = copy_site(tmp_path / "site")
    embargo_item_9_until_2099(root)

    first = run(root, "build", *QUICK)
    again = run(root, "build", *QUICK)

    assert first.exit_code == 0 and "0 records and 1 agenda item withheld (" in first.output, first.output
    assert "0 records and 1 agenda item withheld (nothing changed since the last build)" in again.output, \
        again.output


# === 27. LEAK (web server): the manifest beside a site built with -o names what is withheld ====

def test_the_manifest_beside_a_site_built_into_a_web_folder_names_no_withheld_record(tmp_path, make_site):
    """`scrutiny build -o /var/www/html/youth-justice` puts the manifest in
    /var/www/html/.manifests/, which the web server serves with the rest of its folder. It
    listed each withheld record ("inspection:torbay-2026 (embargoed until ...)"); it keeps
    how many, which the line of a build that finds nothing changed still reports."""
    later = later_than_now()
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", later)})
    www = tmp_path / "www"
    www.mkdir()

    built = run(root, "build", *QUICK, "-o", str(www / "youth-justice"))
    again = run(root, "build", *QUICK, "-o", str(www / "youth-justice"))

    assert built.exit_code == 0 and "1 record withheld (" in built.output, built.output
    assert "1 record withheld (nothing changed since the last build)" in again.output, again.output
    served = [p for p in www.rglob("*") if p.is_file()]
    assert www / ".manifests" / "youth-justice.json" in served
    naming = [p.relative_to(www).as_posix() for p in served
              if b"torbay-2026" in p.read_bytes() or b"WITHHELD-INSPECTION-4471" in p.read_bytes()]
    assert naming == [], f"files in the web server's folder naming the embargoed record: {naming}"
    manifest = (www / ".manifests" / "youth-justice.json").read_text()
    assert later[:10] not in manifest, f"the manifest says when the embargo ends ({later}): {manifest[:300]}"


@pytest.mark.parametrize("folder", ["output/.site.previous/inspections", "output/.manifests"])
def test_no_preview_or_members_pack_goes_into_what_builds_keep_beside_a_site(tmp_path, make_site, folder):
    """A draft paper written into the spare folder (which holds the live files) or beside the
    manifests: both sit beside the site, served with it wherever its parent folder is, and
    nothing ever removes a file from .manifests/ (helper-19)."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("draft", None)})
    assert run(root, "build", *QUICK).exit_code == 0
    (root / "output/.site.previous/inspections").mkdir(parents=True, exist_ok=True)
    target = root / folder / "torbay-2026.pdf"

    made = run(root, "paper", "inspection", "torbay-2026", "--drafts", "-o", str(target))

    assert made.exit_code == 2 and not target.exists(), made.output
    assert "a site that is or may be published" in made.output


# === 28. LEAK (race): a paper decided public, written after a build withdrew its record ========

@pytest.mark.parametrize("where", ["output/site", "a site built with -o"])
def test_a_paper_made_on_its_own_is_never_written_into_a_live_site(tmp_path, make_site, where):
    """`scrutiny paper` and `scrutiny pack` decided what was public when they started and wrote
    a second or more later, outside the build's lock: a build that withdrew the record in
    between finished first, and the paper of the withdrawn record landed in the live site
    after it (helper-20). Only a build writes into a live site; it makes the paper there."""
    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", None)})
    site = root / "output" / "site" if where == "output/site" else tmp_path / "www"
    assert run(root, "build", *QUICK, *(["-o", str(site)] if where != "output/site" else [])).exit_code == 0
    paper_target = site / "inspections" / "torbay-2026" / "torbay-2026.pdf"

    paper = run(root, "paper", "inspection", "torbay-2026", "-o", str(paper_target))

    assert paper.exit_code == 2 and not paper_target.exists(), paper.output
    assert f"is inside {site.resolve()}, a site that is or may be published, and only a build writes there" \
        in paper.output
    assert run(root, "paper", "inspection", "torbay-2026").exit_code == 0      # output/papers/ takes it


def test_a_paper_is_not_written_where_a_build_made_a_live_site_while_it_was_laid_out(tmp_path, make_site,
                                                                                        monkeypatch):
    """The folder is asked again just before the paper is written: a build may have made a live
    site there (and withdrawn the record) while WeasyPrint laid the paper out."""
    from generator.render import papers as papers_module

    root = make_site(tmp_path / "site", {"inspections/torbay-2026.yaml": withheld_inspection("published", None)})
    www = tmp_path / "www"
    real_render = papers_module.render_output

    def render_while_a_build_publishes(*args, **kwargs):
        data = real_render(*args, **kwargs)
        assert run(root, "build", *QUICK, "-o", str(www)).exit_code == 0
        return data

    monkeypatch.setattr(papers_module, "render_output", render_while_a_build_publishes)
    made = run(root, "paper", "inspection", "torbay-2026", "-o", str(www / "torbay-2026.pdf"))

    assert made.exit_code == 2 and not (www / "torbay-2026.pdf").exists(), made.output
    assert (www / "index.html").exists()


# === 29. LEAK (site template): the papers of an embargoed agenda item, through corpus.attachments ==

PEER_REVIEW_SENTENCE = ("The review was commissioned to help Torbay strengthen the governance and leadership of its "
                        "Youth Offending Service.")


def change_torbay_meeting(root: Path, old: str, new: str) -> None:
    meeting = root / "content" / "meetings" / "torbay-cyp-osb-2021-03-01.yaml"
    text = meeting.read_text(encoding="utf-8")
    assert old in text
    meeting.write_text(text.replace(old, new), encoding="utf-8")


def council_footer(root: Path, body: str) -> None:
    """A council's own `_footer.html`, as the theme's wraps it, printing `body`."""
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_footer.html").write_text(
        f'<footer class="site-footer"><div class="width-container">{body}</div></footer>\n', encoding="utf-8")


def embargo_item_9_until_2099(root: Path) -> None:
    change_torbay_meeting(root, "    embargo_until: 2021-03-03\n", "    embargo_until: 2099-03-03\n")


def test_a_site_template_never_shows_the_papers_of_an_embargoed_agenda_item(tmp_path):
    """Every template, a council's own too, is given the public corpus; its attachments were
    all of content/attachments/, the papers of an agenda item embargoed until 2099 included.
    A footer override that lists them put the peer review's text on every page, the build
    said "0 records withheld" and the audit found nothing: it fingerprinted records and
    exempt appendices only (helper-20)."""
    root = copy_site(tmp_path / "site")
    embargo_item_9_until_2099(root)
    council_footer(root, '<ul>{% for path, a in corpus.attachments.items() %}'
                         '<li>{{ path }}: {{ (a.text or "")|md }}</li>{% endfor %}</ul>')

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    showing = sorted(p for p, data in all_files(site).items() if PEER_REVIEW_SENTENCE.encode() in data
                     or b"torbay-peer-review" in data)
    assert showing == [], f"pages showing the embargoed item's peer review: {showing[:5]}"
    assert b'<footer class="site-footer"><div class="width-container"><ul>' in (site / "about/index.html").read_bytes()


def test_the_audit_finds_the_papers_of_an_embargoed_agenda_item(tmp_path):
    """The page of item 9's meeting as made once its embargo has ended, planted in the site
    while the item is embargoed: the peer review (a Markdown appendix) is reported."""
    root = copy_site(tmp_path / "site")
    assert run(root, "build", *QUICK, "-o", str(tmp_path / "later")).exit_code == 0
    embargo_item_9_until_2099(root)
    assert run(root, "build", *QUICK).exit_code == 0
    page = "meetings/torbay-cyp-osb-2021-03-01/index.html"
    later_pack = (tmp_path / "later" / page).read_text(encoding="utf-8")
    planted = later_pack.replace("</main>", f"<p>{PEER_REVIEW_SENTENCE}</p></main>")
    assert planted != later_pack
    (root / "output" / "site" / page).write_text(planted, encoding="utf-8")

    audited = run(root, "check", "--audit")

    assert audited.exit_code == 1, audited.output
    assert (f"LEAK {page}: attachment:attachments/torbay-peer-review.md "
            "(a paper of an agenda item that is withheld)") in audited.output


# === 30. LEAK (race): a paper written into the folder a first build stages its site in =========

@pytest.mark.parametrize("options", [["--drafts"], ["--members"]], ids=["drafts paper", "members' pack"])
def test_nothing_is_written_into_the_folder_a_first_build_stages_in(tmp_path, options):
    """A folder's first build makes its site in `.NAME.previous` and writes the manifest only
    at the swap; until then that folder was not known as the site's, so a drafts paper or a
    members' pack aimed there was written, taken live with the build's own files and vouched
    for by the manifest (helper-21). Here no build has run at all: the folder is refused by
    its name beside the lock a build takes first (and `.NAME.old`, where a swap parks a site)."""
    root = copy_site(tmp_path / "site")
    for staging in (root / "output" / ".site.previous", tmp_path / ".www.previous", tmp_path / ".www.old"):
        staging.parent.mkdir(parents=True, exist_ok=True)
        (staging.parent / ".lock").touch()          # as the first build's, which holds it while it stages
        target = staging / "meetings" / "torbay-cyp-osb-2021-03-01" / "torbay-cyp-osb-2021-03-01-agenda-pack.pdf"
        if options == ["--drafts"]:
            made = run(root, "paper", "inspection", "torbay-2021", "--drafts", "-o", str(target))
        else:
            made = run(root, "pack", "torbay-cyp-osb-2021-03-01", "--members", "-o", str(target))
        assert made.exit_code == 2 and not target.exists(), (staging, made.output)


# === 31. LEAK (site template): exempt annexes, a to-follow item's minutes, the agenda as written ==

ANNEX_SENTENCE = "The officer named in this annex is the subject of a disciplinary hearing in May."
MINUTES_SENTENCE = "The committee agreed in private that the Parkfield closure would save eighty thousand pounds."


def test_a_site_template_shows_no_exempt_annex_no_to_follow_minutes_and_no_withheld_item_as_written(tmp_path):
    """What helper-21 found after section 29: the public corpus still held the files of exempt
    appendices (for the members' pack) and of a to-follow item's minutes (the resolver had
    already dropped them from the item, so nothing knew they were withheld), and every
    meeting view carried its agenda as written, withheld items and all. A council's footer
    listing `corpus.attachments` and a meeting page looping over `view.meeting.items` showed
    them on public pages; the audit reported only the exempt annex."""
    root = copy_site(tmp_path / "site")
    embargo_item_9_until_2099(root)
    attachments = root / "content" / "attachments"
    (attachments / "staffing-annex.md").write_text(f"---\ntitle: Staffing annex\n---\n{ANNEX_SENTENCE}\n")
    (attachments / "private-minutes.md").write_text(f"---\ntitle: Minutes\n---\n{MINUTES_SENTENCE}\n")
    meeting = root / "content" / "meetings" / "torbay-cyp-osb-2021-03-01.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + (
        "  - number: 10\n    title: Minutes of the last meeting\n    to_follow: true\n"
        "    minutes: attachments/private-minutes.md\n"
        "  - number: 11\n    title: Staffing\n    appendices:\n"
        "      - {title: Staffing annex, markdown: attachments/staffing-annex.md, exempt: 1}\n"), encoding="utf-8")
    council_footer(root, '<ul>{% for path, a in corpus.attachments.items() %}'
                         '<li>{{ path }}: {{ (a.text or "")|md }}</li>{% endfor %}</ul>'
                         '{% if view is defined and view.meeting is defined and view.meeting.items is defined %}'
                         '<ol>{% for item in view.meeting.items %}<li>{{ item.title }}: '
                         '{{ item.embargo_until }} {% for a in item.appendices %}{{ a.title }} '
                         '{% for p in a.parts %}{{ p.markdown }} {% endfor %}{% endfor %}</li>{% endfor %}</ol>'
                         '{% endif %}')

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    for words in (ANNEX_SENTENCE, MINUTES_SENTENCE, "private-minutes", "staffing-annex", "torbay-peer-review",
                  "2099-03-03"):
        showing = sorted(p for p, data in all_files(site).items() if words.encode() in data)
        assert showing == [], f"pages showing {words!r}: {showing[:5]}"
    audited = run(root, "check", "--audit")
    assert audited.exit_code == 0, audited.output


def test_a_project_inside_a_folder_named_like_a_spare_folder_still_makes_its_papers(tmp_path):
    """A folder above the project named `.X.old` or `.X.previous` is no site's (no build's lock
    beside it): previews and papers still go to their default folders (helper-22)."""
    root = copy_site(tmp_path / ".project.old" / "site")
    assert run(root, "paper", "inspection", "torbay-2021", "--drafts").exit_code == 0
    assert (root / "output" / "preview-papers" / "torbay-2021.pdf").exists()
    assert run(root, "build", *QUICK, "--drafts").exit_code == 0


# === 32. LEAK (site template): a withheld item's embargo; the audit and a withheld file's name ==

def test_a_withheld_item_shows_no_embargo_and_the_audit_knows_its_files_by_name(tmp_path):
    """A withheld agenda item kept its embargo's end in what templates see (helper-22); a
    public page naming a withheld item's file passed the audit, which knew only its text."""
    root = copy_site(tmp_path / "site")
    embargo_item_9_until_2099(root)
    council_footer(root, '<p>{% for m in corpus.meetings.values() %}'
                         '{% for item in m.items %}{{ item.number }}: {{ item.embargo_until }}; {% endfor %}'
                         '{% endfor %}</p>')

    assert run(root, "build", *QUICK).exit_code == 0

    about = (root / "output" / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "9: None;" in about and "2099" not in about
    (root / "templates" / "_footer.html").unlink()
    assert run(root, "build", *QUICK).exit_code == 0
    page = root / "output" / "site" / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", "<p>The review is at attachments/torbay-peer-review.md for members.</p></main>"), encoding="utf-8")
    audited = run(root, "check", "--audit")
    assert audited.exit_code == 1
    assert "LEAK accessibility/index.html: attachment:attachments/torbay-peer-review.md" in audited.output


# === 33. LEAK: a record given as an exempt appendix; an exempt file's name (helper-24) =========

def make_the_plan_an_exempt_appendix(root: Path) -> None:
    change_torbay_meeting(root, "action_plan: torbay-2021-oocd}", "action_plan: torbay-2021-oocd, exempt: 3}")


def test_a_record_given_as_an_exempt_appendix_is_not_published_and_goes_into_the_members_pack(tmp_path):
    """An action plan given as an exempt appendix (Schedule 12A paragraph 3) was left out of
    the public pack but published in full on its own page, its PDF, the lists, the inspection's
    answered-by links and data/inspections.json; the build said "0 records withheld" and the
    audit found nothing. Its own status cannot make exempt information public."""
    root = copy_site(tmp_path / "site")
    make_the_plan_an_exempt_appendix(root)

    built = run(root, "build", "--no-search")
    members = run(root, "pack", "torbay-cyp-osb-2021-03-01", "--members")

    assert built.exit_code == 0 and "1 record withheld (" in built.output, built.output
    site = root / "output" / "site"
    for words in ("torbay-2021-oocd", "Establish Working Group on OOCD Processes",
                  "YOT Improvement Plan for OOCD"):
        showing = sorted(p for p, data in all_files(site).items() if words.encode() in data)
        assert showing == [], f"files showing {words!r}: {showing[:5]}"
    pack = pdf_text(site / "meetings" / "torbay-cyp-osb-2021-03-01" / "torbay-cyp-osb-2021-03-01-agenda-pack.pdf")
    assert "NOT FOR PUBLICATION by virtue of paragraph 3" in " ".join(pack.split())
    assert "torbay-2021" in (site / "inspections" / "index.html").read_text(encoding="utf-8")   # the open appendix
    assert members.exit_code == 0, members.output
    members_text = " ".join(pdf_text(root / "output" / "confidential" /
                                     "torbay-cyp-osb-2021-03-01-members-pack.pdf").split())
    assert "YOT Improvement Plan for OOCD's Assessment, Decision Making and Processes" in members_text
    listed = run(root, "list", "drafts")
    assert "exempt (Schedule 12A paragraph 3): an appendix of torbay-cyp-osb-2021-03-01 item 9" in listed.output
    assert run(root, "check", "--audit").exit_code == 0


def test_check_says_when_an_agenda_takes_a_published_inspection_off_the_site(tmp_path):
    """An exempt appendix bundling HMIP's (published) inspection with a letter took the inspection,
    its plan and the open item off the site with no word from check (helper-25)."""
    root = copy_site(tmp_path / "site")
    change_torbay_meeting(root, "      - title: Summary of HMIP's inspection report, and the YOT's factual accuracy response\n",
                          "      - title: Summary of HMIP's inspection report, and the YOT's factual accuracy response\n"
                          "        exempt: 3\n")

    checked = run(root, "check")

    assert ("content/meetings/torbay-cyp-osb-2021-03-01.yaml:23:26: warning: items.0.appendices.0.parts.0.inspection: "
            "the site does not publish inspection torbay-2021 while an agenda gives it as exempt and no open item "
            "does") in checked.output, checked.output
    assert "HMIP publishes its inspection reports" in checked.output


def test_a_record_an_open_item_of_a_public_meeting_gives_stays_public_though_another_agenda_exempts_it(tmp_path):
    """Exempt at one meeting, given openly at a later one: published with the later meeting."""
    root = copy_site(tmp_path / "site")
    make_the_plan_an_exempt_appendix(root)
    later = root / "content" / "meetings" / "torbay-cyp-osb-2021-06-01.yaml"
    later.write_text(
        "council: torbay\ncommittee: Children and Young People's Overview and Scrutiny Board\ndate: 2021-06-01\n"
        "items:\n  - number: 4\n    title: Out-of-court disposals\n    appendices:\n"
        "      - {title: The improvement plan, action_plan: torbay-2021-oocd}\n", encoding="utf-8")

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0 and "0 records withheld (" in built.output, built.output
    assert (root / "output" / "site" / "action-plans" / "torbay-2021-oocd" / "index.html").is_file()
    assert "does not publish" not in run(root, "check").output       # nothing to say: it stays published


def test_a_site_template_never_names_an_exempt_appendix_s_file_and_the_audit_knows_the_name(tmp_path):
    """A public item's exempt appendices kept their parts in what templates see: a council
    footer listing them put attachments/disciplinary-hearing-j-smith.md on every page, and the
    audit, which knew an exempt file by its sentences only, passed it."""
    root = copy_site(tmp_path / "site")
    (root / "content" / "attachments" / "disciplinary-hearing-j-smith.md").write_text(
        f"---\ntitle: Staffing annex\n---\n{ANNEX_SENTENCE}\n", encoding="utf-8")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "      - {title: Staffing annex, "
                       "markdown: attachments/disciplinary-hearing-j-smith.md, exempt: 1}\n", encoding="utf-8")
    council_footer(root, '<ul>{% for m in corpus.meetings.values() %}'
                         '{% for item in m.items %}{% for a in item.appendices %}<li>{{ a.title }}: '
                         '{% for kind, ref in a.parts %}{{ ref }} {% endfor %}</li>{% endfor %}{% endfor %}'
                         '{% endfor %}</ul>')

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    assert "Staffing annex: </li>" in (site / "about" / "index.html").read_text(encoding="utf-8")
    showing = sorted(p for p, data in all_files(site).items() if b"disciplinary-hearing" in data)
    assert showing == [], showing[:5]
    (root / "templates" / "_footer.html").unlink()
    assert run(root, "build", *QUICK).exit_code == 0
    page = site / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", "<p>See attachments/disciplinary-hearing-j-smith.md.</p></main>"), encoding="utf-8")
    audited = run(root, "check", "--audit")
    assert audited.exit_code == 1
    assert "LEAK accessibility/index.html: attachment:attachments/disciplinary-hearing-j-smith.md" in audited.output


# === 34. LEAK (clerk's folder): a rehearsal's or a drafts paper in output/papers/ (helper-24) ====

def test_a_rehearsal_or_drafts_paper_goes_to_the_preview_folder_never_among_the_public_papers(tmp_path):
    """`scrutiny paper inspection torbay-2021 --as-of 2099-12-01`, the inspection embargoed to
    2099, wrote the whole embargoed paper, unmarked, to output/papers/torbay-2021.pdf, the
    folder the docs say clerks publish from, under the public paper's name; the pack likewise."""
    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "torbay-2021.yaml"
    inspection.write_text(inspection.read_text(encoding="utf-8").replace(
        'embargo_until: "2021-03-03 00:01"', 'embargo_until: "2099-03-03 00:01"'), encoding="utf-8")
    papers, preview = root / "output" / "papers", root / "output" / "preview-papers"

    paper = run(root, "paper", "inspection", "torbay-2021", "--as-of", "2099-12-01")
    pack = run(root, "pack", "torbay-cyp-osb-2021-03-01", "--as-of", "2099-12-01")
    drafts = run(root, "paper", "action-plan", "dudley-2019-progress", "--drafts")
    refused = [run(root, "paper", "inspection", "torbay-2021", "--as-of", "2099-12-01", "-o", str(to))
               for to in (papers / "torbay-2021.pdf", root / "output" / "pdf" / "inspections" / "torbay-2021.pdf")]

    assert paper.exit_code == 0 and pack.exit_code == 0 and drafts.exit_code == 0, (paper.output, pack.output)
    assert sorted(p.name for p in preview.iterdir()) == [
        "dudley-2019-progress.pdf", "torbay-2021.pdf", "torbay-cyp-osb-2021-03-01-agenda-pack.pdf"]
    assert not papers.exists() and not (root / "output" / "pdf").exists()
    assert [r.exit_code for r in refused] == [2, 2]
    assert "where the papers clerks publish go, and this paper is as at --as-of, not as issued" in refused[0].output
    assert run(root, "paper", "inspection", "wolverhampton-2021").exit_code == 0
    assert sorted(p.name for p in papers.iterdir()) == ["wolverhampton-2021.pdf"]


def test_the_members_pack_never_goes_among_the_public_papers(tmp_path):
    """`pack --members -o output/papers/x.pdf` put the exempt appendices in the folder clerks
    publish from (and under output/pdf/, a later `build --pdf-only` deleted it unsaid)."""
    root = copy_site(tmp_path / "site")
    make_the_plan_an_exempt_appendix(root)

    made = [run(root, "pack", "torbay-cyp-osb-2021-03-01", "--members", "-o", str(root / "output" / name / "x.pdf"))
            for name in ("papers", "pdf")]

    assert [m.exit_code for m in made] == [2, 2], [m.output for m in made]
    assert "where the papers clerks publish go" in made[0].output
    assert not (root / "output" / "papers").exists() and not (root / "output" / "pdf").exists()


def test_the_audit_reads_each_file_s_name(tmp_path):
    """A page planted at inspections/<an embargoed id>/ with harmless words passed the audit:
    it read what files say, not what they are called (helper-24)."""
    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "torbay-2021.yaml"
    inspection.write_text(inspection.read_text(encoding="utf-8").replace(
        'embargo_until: "2021-03-03 00:01"', 'embargo_until: "2099-03-03 00:01"'), encoding="utf-8")
    assert run(root, "build", *QUICK).exit_code == 0
    planted = root / "output" / "site" / "inspections" / "torbay-2021" / "index.html"
    planted.parent.mkdir()
    planted.write_text("<p>Coming soon.</p>", encoding="utf-8")

    audited = run(root, "check", "--audit")

    assert audited.exit_code == 1
    assert "LEAK inspections/torbay-2021/index.html: inspection:torbay-2021" in audited.output


@pytest.mark.parametrize("words", [
    "The YJB approved the YOS Plan for 2019/2020 with the action plan inside it.",       # a progress note
    "At the April 2021 review the assessment tool is reviewed and adapted.",             # how, of torbay-2021-oocd
])
def test_the_audit_knows_a_withheld_plan_by_how_its_actions_are_done_and_their_progress(tmp_path, words):
    """A withheld action plan was fingerprinted by its title, actions and outcomes only: its
    `how` and its progress notes, the most telling prose of a plan, passed (helper-24)."""
    root = copy_site(tmp_path / "site")
    for plan in ("dudley-2019-progress", "torbay-2021-oocd"):
        path = root / "content" / "action-plans" / f"{plan}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                        encoding="utf-8")
    assert run(root, "build", *QUICK).exit_code == 0
    page = root / "output" / "site" / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", f"<p>{words}</p></main>"),
                    encoding="utf-8")

    audited = run(root, "check", "--audit")

    assert audited.exit_code == 1 and "LEAK accessibility/index.html: action_plan:" in audited.output, \
        audited.output


@pytest.mark.parametrize("folder", ["papers", "pdf"])
@pytest.mark.parametrize("preview", [("--drafts",), ("--as-of", "2099-12-01")])
def test_a_preview_build_never_goes_among_the_public_papers(tmp_path, folder, preview):
    """`build --as-of 2099-12-01 --pdf-only -o output/papers` wrote an embargoed item's papers,
    unmarked and under their public names, where clerks publish papers from (helper-25)."""
    root = copy_site(tmp_path / "site")
    embargo_item_9_until_2099(root)

    built = run(root, "build", "--pdf-only", *preview, "-o", str(root / "output" / folder))

    assert built.exit_code == 2, built.output
    assert "where the papers clerks publish go" in built.output
    assert not (root / "output" / folder).exists()


def test_the_audit_names_no_public_file_for_a_withheld_id_it_merely_ends_or_shares(tmp_path):
    """A draft report `inspection-outcome` made every public `...-inspection-outcome.pdf` a
    LEAK, and a draft action plan `torbay-2021` the public inspection's page and paper: the
    needles were bare ids (helper-25)."""
    root = copy_site(tmp_path / "site")
    reports = root / "content" / "reports"
    (reports / "inspection-outcome.md").write_text(
        "---\ncouncil: derby\ntitle: A paper still being written\ndate: 2025-11-12\nstatus: draft\n---\nNot yet written.\n",
        encoding="utf-8")
    plans = root / "content" / "action-plans"
    plan = (plans / "torbay-2021-oocd.yaml").read_text(encoding="utf-8")
    (plans / "torbay-2021.yaml").write_text(plan.replace("status: published", "status: draft").replace(
        "title: YOT Improvement Plan", "title: Draft YOT Improvement Plan"), encoding="utf-8")
    assert run(root, "build", "--no-search").exit_code == 0

    audited = run(root, "check", "--audit")

    files = [line.split(":", 1)[0] for line in audited.output.splitlines() if line.startswith("LEAK ")]
    assert not [f for f in files if f.endswith("inspection-outcome.pdf") or "inspections/torbay-2021/" in f], \
        audited.output


def sandwell_a_draft_and_built(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped site with sandwell-2018 a draft, built, and its audit clean: (root, site)."""
    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "sandwell-2018.yaml"
    inspection.write_text(inspection.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                          encoding="utf-8")
    assert run(root, "build", *QUICK).exit_code == 0
    assert run(root, "check", "--audit").exit_code == 0
    return root, root / "output" / "site"


def files_leaking(audit_output: str, record: str) -> set[str]:
    return {line.split(":", 1)[0].removeprefix("LEAK ") for line in audit_output.splitlines()
            if line.startswith("LEAK ") and record in line}


def test_the_audit_finds_a_withheld_id_in_a_relative_link_a_paper_s_name_or_a_data_file(tmp_path):
    """Looking for `/inspections/<id>/` alone missed `href="inspections/<id>/index.html"` on the
    home page, `"pdf": "<id>.pdf"` in data, a file named `<id>.pdf` and the manifest's entries
    (helper-26); each is planted alone, with no words of the record, in a built site."""
    root, site = sandwell_a_draft_and_built(tmp_path)
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</main>", '<a href="inspections/sandwell-2018/index.html">Latest</a></main>'), encoding="utf-8")
    listing = site / "inspections" / "index.html"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        "</main>", '<a href="sandwell-2018/">More</a></main>'), encoding="utf-8")
    data = site / "data" / "inspections.json"
    data.write_text(data.read_text(encoding="utf-8").replace(
        '"inspections":[', '"inspections":[{"id":"x","pdf":"sandwell-2018.pdf"},', 1), encoding="utf-8")
    (site / "papers").mkdir()
    (site / "papers" / "sandwell-2018.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")

    audited = run(root, "check", "--audit")

    leaking = files_leaking(audited.output, "inspection:sandwell-2018")
    assert leaking == {"index.html", "inspections/index.html", "data/inspections.json", "papers/sandwell-2018.pdf"}, \
        audited.output


def test_an_open_item_held_back_opens_no_exempt_record(tmp_path):
    """Exempt at one meeting and given openly by a later item whose cover report is a draft:
    that item is held back ("To Follow"), so it opens nothing and the record stays withheld
    (helper-25: it was published before the only open route to it)."""
    root = copy_site(tmp_path / "site")
    make_the_plan_an_exempt_appendix(root)
    report = (root / "content" / "reports" / "dudley-yos-action-plan-update.md").read_text(encoding="utf-8")
    (root / "content" / "reports" / "torbay-oocd-plan.md").write_text(
        report.replace("status: published", "status: draft"), encoding="utf-8")
    (root / "content" / "meetings" / "torbay-cyp-osb-2021-06-01.yaml").write_text(
        "council: torbay\ncommittee: Children and Young People's Overview and Scrutiny Board\ndate: 2021-06-01\n"
        "items:\n  - number: 4\n    title: Out-of-court disposals\n    report: torbay-oocd-plan\n    appendices:\n"
        "      - {title: The improvement plan, action_plan: torbay-2021-oocd}\n", encoding="utf-8")

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0, built.output
    assert "torbay-2021-oocd" not in (root / "output" / "site" / "action-plans" / "index.html").read_text(
        encoding="utf-8")
    assert not (root / "output" / "site" / "action-plans" / "torbay-2021-oocd").exists()


def test_an_open_item_opens_an_exempt_record_only_from_its_pack_s_issue_day(tmp_path):
    """Exempt at one meeting and given openly by a later one whose pack is not issued yet: the
    open paper is published from the issue day, not before, so the record stays withheld until
    then (helper-126: it was published as soon as the later agenda was written)."""
    root = copy_site(tmp_path / "site")
    make_the_plan_an_exempt_appendix(root)
    (root / "content" / "meetings" / "torbay-cyp-osb-2021-06-01.yaml").write_text(
        "council: torbay\ncommittee: Children and Young People's Overview and Scrutiny Board\ndate: 2021-06-01\n"
        "issued: 2021-05-26\nitems:\n  - number: 4\n    title: Out-of-court disposals\n    appendices:\n"
        "      - {title: The improvement plan, action_plan: torbay-2021-oocd}\n", encoding="utf-8")
    plan_page = root / "output" / "site" / "action-plans" / "torbay-2021-oocd" / "index.html"

    before = run(root, "build", *QUICK, "--as-of", "2021-05-25 23:59")
    listed = run(root, "list", "embargoed", "--as-of", "2021-05-25 23:59")

    assert before.exit_code == 0, before.output
    assert not plan_page.exists()
    assert "YOT Improvement Plan" not in (root / "output" / "site" / "action-plans" / "index.html").read_text(
        encoding="utf-8")
    # It goes out by itself at the start of the issue day, which `list embargoed` says, first,
    # with the pack issued that day.
    assert listed.output.splitlines()[0] == ("next release: 2021-05-26 00:00 (torbay-2021-oocd, "
                                             "torbay-cyp-osb-2021-06-01 item 4, torbay-cyp-osb-2021-06-01 pack)"), \
        listed.output
    assert ("2021-05-26 00:00  action plan  torbay-2021-oocd                         exempt (Schedule 12A paragraph 3): "
            "an appendix of torbay-cyp-osb-2021-03-01 item 9; given openly by torbay-cyp-osb-2021-06-01 item 4 "
            "from its issue on 2021-05-26") in listed.output, listed.output
    assert "torbay-cyp-osb-2021-06-01 item 4         waits for torbay-2021-oocd" in listed.output, listed.output
    assert "torbay-2021-oocd" not in run(root, "list", "drafts", "--as-of", "2021-05-25 23:59").output

    issued = run(root, "build", *QUICK, "--as-of", "2021-05-26 00:01")

    assert issued.exit_code == 0, issued.output
    assert plan_page.is_file()


# === 35. AUDIT: a withheld id alone, files it never read, an exempt paper's image (helper-27) ====

SANDWELL_SENTENCE = ("HM Inspectorate of Probation inspected Sandwell Youth Offending Service, which covers "
                     "six towns in the West Midlands Combined Authority area, from August 2018 and rated it "
                     "Good overall.")


def test_the_audit_finds_a_withheld_id_alone_in_data_the_feed_or_a_file_s_name_and_reads_every_file(tmp_path):
    """The audit looked for a withheld id only as a folder or `<id>.pdf`, and skipped scripts,
    styles and SVGs: a CSV cell or JSON value that is the id alone, the feed's
    `tag:...:inspection:<id>`, `data/<id>.json`, a table cell, and the record's words in a
    script or an SVG all passed with "0 leaks" (helper-27). Each is planted alone."""
    root, site = sandwell_a_draft_and_built(tmp_path)
    (site / "data" / "planted.csv").write_text("id,rating\nsandwell-2018,Good\n", encoding="utf-8")
    (site / "data" / "planted.json").write_text('{"previous": "sandwell-2018"}', encoding="utf-8")
    feed = site / "feed.xml"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "</feed>", "<entry><id>tag:scrutiny,2021:inspection:sandwell-2018</id></entry></feed>"), encoding="utf-8")
    (site / "data" / "sandwell-2018.json").write_text("{}", encoding="utf-8")
    page = site / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", "<table><tr><td>sandwell-2018</td></tr></table></main>"), encoding="utf-8")
    script = next((site / "assets").glob("*.js"))
    script.write_text(script.read_text(encoding="utf-8") + f"\n// {SANDWELL_SENTENCE}\n", encoding="utf-8")
    (site / "assets" / "planted.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SANDWELL_SENTENCE}</text></svg>', encoding="utf-8")

    audited = run(root, "check", "--audit")

    leaking = files_leaking(audited.output, "inspection:sandwell-2018")
    assert leaking == {"data/planted.csv", "data/planted.json", "feed.xml", "data/sandwell-2018.json",
                       "accessibility/index.html", script.relative_to(site).as_posix(), "assets/planted.svg"}, \
        audited.output


ONE_PIXEL_PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS"
                 b"\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00"
                 b"\x00IEND\xaeB`\x82")


def test_the_audit_knows_an_image_only_an_exempt_paper_shows_by_its_name_and_its_bytes(tmp_path):
    """docs/publishing.md says the audit finds "the images only they show" of exempt and
    withheld papers; it fingerprinted their words alone, so the exempt annex's chart, linked
    from a page or copied under another name, passed (helper-27). An image a public paper
    shows too is no leak."""
    root = copy_site(tmp_path / "site")
    attachments = root / "content" / "attachments"
    (attachments / "staffing-chart.png").write_bytes(ONE_PIXEL_PNG)
    (attachments / "peer-chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><title>Peer</title></svg>', encoding="utf-8")
    (attachments / "staffing-annex.md").write_text(
        "---\ntitle: Staffing annex\n---\n![Posts by team](attachments/staffing-chart.png)\n\n"
        "![The peer team's findings](attachments/peer-chart.svg)\n", encoding="utf-8")
    peer = attachments / "torbay-peer-review.md"
    peer.write_text(peer.read_text(encoding="utf-8") + "\n![The peer team's findings](attachments/peer-chart.svg)\n",
                    encoding="utf-8")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "      - {title: Staffing annex, "
                       "markdown: attachments/staffing-annex.md, exempt: 1}\n", encoding="utf-8")
    assert run(root, "build", *QUICK).exit_code == 0
    site = root / "output" / "site"
    assert not [p for p, data in all_files(site).items() if b"staffing-chart" in data or data == ONE_PIXEL_PNG]
    assert run(root, "check", "--audit").exit_code == 0
    page = site / "about" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", '<img src="../attachments/staffing-chart.png" alt="Posts">'
                   '<img src="../attachments/peer-chart.svg" alt="Peer"></main>'), encoding="utf-8")
    (site / "assets" / "chart-copy.png").write_bytes(ONE_PIXEL_PNG)
    page = site / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", '<img alt="Posts" src="data:image/png;base64,'
                                                             f'{base64.b64encode(ONE_PIXEL_PNG).decode()}"></main>'),
                    encoding="utf-8")

    audited = run(root, "check", "--audit")

    leaks = sorted(line.split(" (")[0] for line in audited.output.splitlines() if line.startswith("LEAK "))
    assert leaks == ["LEAK about/index.html: attachment:attachments/staffing-chart.png",
                     "LEAK accessibility/index.html: attachment:attachments/staffing-chart.png",
                     "LEAK assets/chart-copy.png: attachment:attachments/staffing-chart.png"], audited.output


def test_the_audit_raises_no_alarm_for_ids_that_are_words_an_item_s_own_title_or_a_public_logo(tmp_path):
    """helper-29's false alarms on sites holding no leak: draft reports named `agenda`,
    `timeline`, `summary` and `report` were found in `class="agenda"`, pagefind's scripts and
    a PDF's "this report.10"; a draft titled "Minutes" in every "Minutes of..." item; a withheld
    cover report's title on its item, listed To Follow under its own (public) title; and a
    council's logo, by its bytes, because an exempt paper shows the same image under another name."""
    root = copy_site(tmp_path / "site")
    for name, title in (("agenda", "A paper in progress"), ("timeline", "Another paper"),
                        ("summary", "A third paper"), ("report", "Minutes")):
        (root / "content" / "reports" / f"{name}.md").write_text(
            f"---\ncouncil: derby\ntitle: {title}\ndate: 2025-11-12\nstatus: draft\n---\nNot yet written.\n",
            encoding="utf-8")
    inspection = root / "content" / "inspections" / "wolverhampton-2021.yaml"
    inspection.write_text(inspection.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                          encoding="utf-8")
    attachments = root / "content" / "attachments"
    (attachments / "torbay-logo.png").write_bytes(ONE_PIXEL_PNG)
    (attachments / "crest.png").write_bytes(ONE_PIXEL_PNG)
    (attachments / "staffing-annex.md").write_text(
        "---\ntitle: Staffing annex\n---\n![The council's crest](attachments/crest.png)\n", encoding="utf-8")
    council = root / "content" / "councils" / "torbay.yaml"
    council.write_text(council.read_text(encoding="utf-8") + "logo: attachments/torbay-logo.png\n", encoding="utf-8")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "      - {title: Staffing annex, "
                       "markdown: attachments/staffing-annex.md, exempt: 1}\n", encoding="utf-8")
    built = run(root, "build")                        # with its papers and the search index
    assert built.exit_code == 0, built.output

    audited = run(root, "check", "--audit")

    # Wolverhampton's and Torbay's inspections share a sentence: reported as such, and accepted.
    alarms = [line for line in audited.output.splitlines()
              if line.startswith("LEAK") and "wording the two share, or a leak" not in line]
    assert alarms == [], alarms


def test_the_audit_reads_linked_folders_mislabelled_pdfs_utf_16_and_data_files_it_cannot_parse(tmp_path):
    """helper-29: a folder linked into the site (served by nginx, passed over by `rglob`), a
    text file named .pdf, a UTF-16 file and an unquoted link all passed; a CSV with a field
    over csv's limit, or JSON nested past Python's recursion limit, stopped the audit with a
    traceback."""
    root, site = sandwell_a_draft_and_built(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "page.html").write_text(f"<p>{SANDWELL_SENTENCE}</p>", encoding="utf-8")
    (site / "x").mkdir()
    (site / "x" / "linked").symlink_to(elsewhere, target_is_directory=True)
    (site / "x" / "a.pdf").write_text(SANDWELL_SENTENCE, encoding="utf-8")
    (site / "x" / "notes.txt").write_bytes(SANDWELL_SENTENCE.encode("utf-16"))
    page = site / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", "<a href=/inspections/sandwell-2018>More</a></main>"), encoding="utf-8")
    (site / "data" / "big.csv").write_text(f'id,note\nx,"{SANDWELL_SENTENCE} {"x" * 140_000}\n', encoding="utf-8")
    (site / "data" / "deep.json").write_text("[" * 100_000, encoding="utf-8")

    audited = run(root, "check", "--audit")

    assert audited.exception is None or isinstance(audited.exception, SystemExit), audited.exception
    assert files_leaking(audited.output, "inspection:sandwell-2018") == {
        "x/linked/page.html", "x/a.pdf", "x/notes.txt", "accessibility/index.html", "data/big.csv"}, audited.output


# === 36. LEAK: a public report about a withheld record (helper-27) =============================

def test_a_report_about_a_withheld_record_waits_for_it(tmp_path):
    """A report whose front matter names a draft action plan was published, its blocks saying
    "not available in this version" and its words about the plan on the page: whatever draws
    on a withheld record is withheld with it, and `list drafts` says what it waits for."""
    root = copy_site(tmp_path / "site")
    plan = root / "content" / "action-plans" / "dudley-2019-progress.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                    encoding="utf-8")

    built = run(root, "build", *QUICK)

    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    assert not (site / "reports" / "dudley-yos-action-plan-update").exists()
    showing = sorted(p for p, data in all_files(site).items()
                     if b"how the Youth Offending Service has progressed against its inspection" in data)
    assert showing == [], showing
    listed = run(root, "list", "drafts")
    assert "waits for action plan dudley-2019-progress" in listed.output, listed.output


def test_list_drafts_names_the_draft_meeting_its_items_wait_for(tmp_path):
    """A draft meeting's items were listed as waiting for "a draft, an exempt record or a file
    with errors" (helper-26): the listing now gives the build's reason, the meeting by name."""
    root = copy_site(tmp_path / "site")
    change_torbay_meeting(root, "status: published", "status: draft")

    listed = run(root, "list", "drafts", "--as-of", "2021-03-04")

    item = next(line for line in listed.output.splitlines() if "torbay-cyp-osb-2021-03-01 item 9" in line)
    assert item.endswith("waits for meeting torbay-cyp-osb-2021-03-01, which is withheld"), listed.output


def test_the_audit_reads_a_pdf_s_links_and_bookmarks_and_text_as_a_reader_gets_it(tmp_path):
    """helper-30: a PDF's link to the withheld page and its bookmarks were never read; nor a
    `data:` address's text, an id in capitals, after an underscore or with a non-breaking
    hyphen, an address's %-encoded words, or a sentence broken by <br>."""
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    root, site = sandwell_a_draft_and_built(tmp_path)
    (site / "x").mkdir()
    linked = PdfWriter()
    linked.add_blank_page(200, 200)
    linked.add_annotation(0, Link(rect=(10, 10, 100, 100), url="https://example.org/inspections/sandwell-2018/"))
    linked.write(site / "x" / "link.pdf")
    bookmarked = PdfWriter()
    bookmarked.add_blank_page(200, 200)
    bookmarked.add_outline_item(title=SANDWELL_SENTENCE, page_number=0)
    bookmarked.write(site / "x" / "outline.pdf")
    (site / "x" / "inspection_sandwell-2018.txt").write_text("", encoding="utf-8")
    (site / "x" / "hyphen.txt").write_text("See sandwell\u20112018.", encoding="utf-8")

    def plant(page: str, html: str) -> None:
        path = site / page
        path.write_text(path.read_text(encoding="utf-8").replace("</main>", html + "</main>"), encoding="utf-8")

    plant("accessibility/index.html", "<h2>SANDWELL-2018</h2>")
    plant("about/index.html", '<iframe title="Notes" src="data:text/plain;base64,'
                              f'{base64.b64encode(SANDWELL_SENTENCE.encode()).decode()}"></iframe>')
    plant("index.html", f'<a href="/search/?q={urllib.parse.quote(SANDWELL_SENTENCE)}">Search</a>')
    broken = SANDWELL_SENTENCE.replace(" Youth ", "<br>Youth ").replace(" Combined ", "<br>Combined ")
    plant("inspections/index.html", f"<p>{broken}</p>")

    audited = run(root, "check", "--audit")

    assert files_leaking(audited.output, "inspection:sandwell-2018") == {
        "x/link.pdf", "x/outline.pdf", "x/inspection_sandwell-2018.txt", "x/hyphen.txt", "accessibility/index.html",
        "about/index.html", "index.html", "inspections/index.html"}, audited.output


# === 37. WRONG REFUSAL: a Part 2 item's exempt minutes (helper-25) ===============================

EXEMPT_MINUTES = "The Cabinet agreed in private the staffing changes proposed for the team."


def cabinet_minutes_given_as_an_open_items(root: Path) -> tuple[Path, str]:
    """The exempt minutes written as an attachment and given as the Wolverhampton Cabinet's open
    minutes item: the meeting's file, and its text to add an exempt use of the same file to."""
    (root / "content" / "attachments" / "cabinet-exempt-minutes.md").write_text(
        f"---\ntitle: Exempt minutes\n---\n{EXEMPT_MINUTES}\n", encoding="utf-8")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    text = meeting.read_text(encoding="utf-8").replace(
        "    title: Minutes of the previous meeting\n",
        "    title: Minutes of the previous meeting\n    minutes: attachments/cabinet-exempt-minutes.md\n")
    return meeting, text


def test_a_part_2_item_s_minutes_go_into_the_members_pack_alone(tmp_path):
    """"To approve the exempt minutes of the last meeting" is a common Part 2 item; its
    `minutes:` were refused as "would be published on the site", though the public see none
    of a Part 2 item's papers. They go into the members' pack alone, marked, with no PDF of
    their own; the public see the item's title."""
    root = copy_site(tmp_path / "site")
    (root / "content" / "attachments" / "cabinet-exempt-minutes.md").write_text(
        f"---\ntitle: Exempt minutes\n---\n{EXEMPT_MINUTES}\n", encoding="utf-8")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + (
        "  - number: 5\n    title: Exempt minutes of the previous meeting\n    part: 2\n    exempt: 3\n"
        "    minutes: attachments/cabinet-exempt-minutes.md\n"), encoding="utf-8")

    built = run(root, "build", "--no-search")
    members = run(root, "pack", "wolverhampton-cabinet-2022-03-16", "--members")

    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    showing = sorted(p for p, data in all_files(site).items()
                     if b"staffing changes proposed" in data or b"cabinet-exempt-minutes" in data)
    assert showing == [], showing
    assert not (site / "meetings" / "wolverhampton-cabinet-2022-03-16" / "item-5.pdf").exists()
    assert "Exempt minutes of the previous meeting" in (
        site / "meetings" / "wolverhampton-cabinet-2022-03-16" / "index.html").read_text(encoding="utf-8")
    assert members.exit_code == 0, members.output
    pages = [" ".join(text.split()) for text in
             pdf_texts(root / "output" / "confidential" / "wolverhampton-cabinet-2022-03-16-members-pack.pdf")]
    minutes_page = next(page for page in pages if EXEMPT_MINUTES in page)
    assert "NOT FOR PUBLICATION" in minutes_page and "Agenda Item 5" in minutes_page, minutes_page
    assert run(root, "check", "--audit").exit_code == 0
    page = site / "accessibility" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", f"<p>{EXEMPT_MINUTES}</p></main>"),
                    encoding="utf-8")
    about = site / "about" / "index.html"          # its name alone (helper-31), and a file of that name
    about.write_text(about.read_text(encoding="utf-8").replace("</main>", "<p>cabinet-exempt-minutes.md</p></main>"),
                     encoding="utf-8")
    (site / "cabinet-exempt-minutes.pdf").write_bytes(b"")
    audited = run(root, "check", "--audit")
    assert files_leaking(audited.output, "attachment:attachments/cabinet-exempt-minutes.md (exempt (Schedule 12A "
                                         "paragraph 3))") == {"accessibility/index.html", "about/index.html",
                                                              "cabinet-exempt-minutes.pdf"}, audited.output


def give_minutes_and_exempt_annex(root: Path, minutes: str, annex: str) -> int:
    """The Wolverhampton cabinet's minutes item given `minutes` as its open paper, and an exempt
    appendix `annex` (paragraph 1) on its last item; the line of that appendix."""
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    text = meeting.read_text(encoding="utf-8").replace(
        "    title: Minutes of the previous meeting\n",
        f"    title: Minutes of the previous meeting\n    minutes: {minutes}\n")
    text += f"      - {{title: Staffing annex, markdown: {annex}, exempt: 1}}\n"
    meeting.write_text(text, encoding="utf-8")
    return len(text.splitlines())


@pytest.mark.parametrize("alias", ["a link to it", "a copy of it"])
def test_check_warns_when_an_open_paper_is_an_exempt_file_under_another_name(tmp_path, alias):
    """A link in attachments/ to an exempt appendix's file (or a copy of it), given as an open
    item's paper, published the exempt words with nothing said: the warning compared names."""
    root = copy_site(tmp_path / "site")
    attachments = root / "content" / "attachments"
    (attachments / "cabinet-exempt-minutes.md").write_text(
        f"---\ntitle: Exempt minutes\n---\n{EXEMPT_MINUTES}\n", encoding="utf-8")
    if alias == "a link to it":
        (attachments / "previous-minutes.md").symlink_to("cabinet-exempt-minutes.md")
    else:
        shutil.copyfile(attachments / "cabinet-exempt-minutes.md", attachments / "previous-minutes.md")
    line = give_minutes_and_exempt_annex(root, "attachments/previous-minutes.md",
                                         "attachments/cabinet-exempt-minutes.md")

    checked = run(root, "check")

    assert checked.exit_code == 0, checked.output
    assert re.search(rf"content/meetings/wolverhampton-cabinet-2022-03-16\.yaml:{line}:\d+: warning: .*"
                     r"attachments/cabinet-exempt-minutes\.md is exempt here, but an open item of an agenda gives "
                     r"attachments/previous-minutes\.md, which holds the same bytes .*so the site publishes it",
                     checked.output), checked.output


def test_two_empty_files_are_not_one_paper(tmp_path):
    """An empty exempt placeholder and an empty open paper hold the same (no) bytes, but the
    open one publishes nothing of the exempt one: no warning that it does."""
    root = copy_site(tmp_path / "site")
    attachments = root / "content" / "attachments"
    (attachments / "exempt-annex-to-follow.md").write_bytes(b"")
    (attachments / "previous-minutes.md").write_bytes(b"")
    give_minutes_and_exempt_annex(root, "attachments/previous-minutes.md", "attachments/exempt-annex-to-follow.md")

    checked = run(root, "check")

    assert "the same bytes" not in checked.output, checked.output


def test_an_exempt_appendix_of_one_part_is_warned_of_at_its_own_field(tmp_path):
    """An appendix of one file or record is written `{title: ..., markdown: ..., exempt: 1}`: the
    warnings named `items.3.appendices.1.parts.0.markdown`, a field the file does not have, at the
    appendix's opening brace (helper-72). They name the field written, at its value."""
    root = copy_site(tmp_path / "site")
    meeting, text = cabinet_minutes_given_as_an_open_items(root)
    text += "      - {title: Staffing annex, markdown: attachments/cabinet-exempt-minutes.md, exempt: 1}\n"
    meeting.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    change_torbay_meeting(root, "      - {title: YOT improvement plan for out-of-court disposals, action_plan:",
                          "      - {title: YOT improvement plan for out-of-court disposals, exempt: 3, action_plan:")

    checked = run(root, "check")

    # "      - {title: Staffing annex, markdown: " is 42 characters; the plan's line, 89.
    assert (f"content/meetings/wolverhampton-cabinet-2022-03-16.yaml:{line}:43: warning: "
            "items.3.appendices.1.markdown: attachments/cabinet-exempt-minutes.md is exempt here") in checked.output
    assert ("content/meetings/torbay-cyp-osb-2021-03-01.yaml:24:90: notice: items.0.appendices.1.action_plan: "
            "the site does not publish action plan torbay-2021-oocd") in checked.output, checked.output


@pytest.mark.parametrize("exempt_as", ["a Part 2 item's minutes", "an exempt appendix"])
def test_check_warns_when_a_file_given_as_exempt_is_an_open_paper_too(tmp_path, exempt_as):
    """The same file given as exempt and as an open item's paper is published with the open
    one, and nothing said so (helper-31); check now warns at the exempt use, with its line."""
    root = copy_site(tmp_path / "site")
    meeting, text = cabinet_minutes_given_as_an_open_items(root)
    if exempt_as == "a Part 2 item's minutes":
        text += ("  - number: 5\n    title: Exempt minutes of the previous meeting\n    part: 2\n    exempt: 3\n"
                 "    minutes: attachments/cabinet-exempt-minutes.md\n")
    else:
        text += "      - {title: Staffing annex, markdown: attachments/cabinet-exempt-minutes.md, exempt: 1}\n"
    meeting.write_text(text, encoding="utf-8")
    line = max(number for number, written in enumerate(text.splitlines(), 1) if "cabinet-exempt-minutes" in written)

    checked = run(root, "check")

    assert checked.exit_code == 0, checked.output
    assert re.search(rf"content/meetings/wolverhampton-cabinet-2022-03-16\.yaml:{line}:\d+: warning: .*"
                     r"attachments/cabinet-exempt-minutes\.md is exempt here, but an open item of an agenda gives it "
                     r"too, so the site publishes it", checked.output), checked.output
