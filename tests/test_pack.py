"""Agenda packs, read back from the PDFs they produce.

The real Torbay supplementary pack (content/meetings/torbay-cyp-osb-2021-03-01.yaml) is
checked against the reference document: its covering letter lists item 9 with the pages it
really occupies, numbering continues from the main pack ("Pages 13 - 70" in the reference:
page 13 first), every page carries "Agenda Item 9 Appendix N" and "Page N", and the outline
names the item and each appendix. A small site built here checks what the real content
does not have: an inserted PDF (with a landscape and a rotated page), an exempt appendix,
an item to follow, an item with no papers, a supplementary letter listing only what it
carries, per-item PDFs, and the process pool's failure modes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.render.pack import clock_time, name_tree_items, number_tree_items

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2025-11-22"
TORBAY = "torbay-cyp-osb-2021-03-01"
SENTINEL = "EXEMPT-SENTINEL-7F3A9C"

pytestmark = pytest.mark.pdf


# --- helpers -------------------------------------------------------------------------------------

def scrutiny(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["-C", str(root), *args], obj={})
    return result


def page_texts(path: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out.split("\f")[:-1]


def printed_number(text: str) -> int | None:
    found = re.findall(r"^\s*Page (\d+)\s*$", text, re.M)
    return int(found[-1]) if found else None


def stamp_of(text: str) -> str | None:
    found = re.search(r"Agenda Item \d+(?: Appendix \d+)?", text)
    return found.group(0) if found else None


def outline_of(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page index) of every bookmark."""
    rows = []
    with pikepdf.open(path) as pdf:
        with pdf.open_outline() as outline:
            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    page = pdf.pages.index(pikepdf.Page(dest[0])) if isinstance(dest, pikepdf.Array) else -1
                    rows.append((depth, item.title, page))
                    walk(item.children, depth + 1)
            walk(outline.root, 0)
    return rows


def fixture_pdf() -> bytes:
    """Three pages as a scanner or another council might send them: portrait, landscape, and a
    portrait page stored with /Rotate 90. Untagged, with a standard (unembedded) font."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica,
                                                Encoding=pikepdf.Name.WinAnsiEncoding))
    for text, size, rotate in (("FIXTURE PAGE ONE", (595, 842), 0), ("FIXTURE PAGE TWO", (842, 595), 0),
                               ("FIXTURE PAGE THREE", (595, 842), 90)):
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 20 Tf 72 300 Td ({text}) Tj ET".encode())
        if rotate:
            page.obj.Rotate = rotate
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


SITE_FILES = {
    "site.yaml": "title: Test Inspections\norganisation: Testshire\nlanguage: en-GB\n",
    "councils/testshire.yaml": (
        "name: Testshire County Council\ncolour: \"#1d4f91\"\naddress: [County Hall, Testtown, TE1 1ST]\n"
        "clerk: {name: Democratic Services, telephone: \"01234 567890\", email: democracy@testshire.gov.uk}\n"
        "paper_style: heading_block\nparagraph_numbering: continuous\n"),
    "reports/test-cover.md": (
        "---\ncouncil: testshire\ntitle: Youth justice plan update\ndate: 2024-01-10\n"
        "committee: Children's Scrutiny Panel\nreport_of: Director of Children's Services\n"
        "recommendations:\n  for_noting: [Note the appendices.]\n"
        "contact: {name: Alex Officer, telephone: \"01234 567891\"}\n---\n"
        "## Purpose\n\nTo update the Panel on the youth justice plan.\n\n"
        "## Background\n\nThe plan was agreed last year.\n\nIts appendices follow.\n"),
    "reports/test-late.md": (
        "---\ncouncil: testshire\ntitle: Late report on remand costs\ndate: 2024-01-10\n"
        "committee: Children's Scrutiny Panel\nreport_of: Director of Finance\n---\n"
        "## Purpose\n\nRemand costs have risen.\n"),
    "attachments/public-note.md": "---\ntitle: Public note\n---\nPUBLIC NOTE TEXT for the panel.\n",
    "attachments/staffing.md": f"---\ntitle: Staffing proposals\n---\nNames and grades: {SENTINEL}.\n",
    "meetings/testshire-2024-01-10.yaml": (
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-10\ntime: \"18:00\"\n"
        "venue: County Hall\nissued: 2024-01-02\nfirst_page: 5\nitems:\n"
        "  - {number: 1, title: Apologies for absence}\n"
        "  - number: 2\n    title: Youth justice plan update\n    report: test-cover\n    appendices:\n"
        "      - {title: Peer review, pdf: attachments/peer.pdf}\n"
        "      - {title: Staffing proposals, markdown: attachments/staffing.md, exempt: 1}\n"
        "      - title: Notes and review\n        parts:\n"
        "          - {markdown: attachments/public-note.md}\n          - {pdf: attachments/peer.pdf}\n"
        "  - {number: 3, title: Budget monitoring, to_follow: true}\n"),
    "meetings/testshire-2024-01-10-supplementary.yaml": (
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-10\npack: supplementary\n"
        "issued: 2024-01-09\nfirst_page: 30\nitems:\n"
        "  - {number: 4, title: Minutes of the last meeting}\n"
        "  - {number: 6, title: Remand costs, report: test-late, embargo_until: 2024-01-08}\n"),
}


def make_site(root: Path) -> Path:
    content = root / "content"
    for relative, text in SITE_FILES.items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (content / "attachments" / "peer.pdf").write_bytes(fixture_pdf())
    return root


# --- the real Torbay supplementary pack ----------------------------------------------------------

@pytest.fixture(scope="module")
def torbay_pack(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("torbay") / "pack.pdf"
    result = scrutiny(REPO, "pack", TORBAY, "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return target


def test_torbay_letter_lists_item_9_with_the_pages_it_really_occupies(torbay_pack):
    pages = page_texts(torbay_pack)
    letter = pages[0]
    listed = re.search(r"9\.\s+Review of the Youth Offending Team\s+\(Pages (\d+) - (\d+)\)", letter)
    assert listed, letter
    numbers = [printed_number(t) for t in pages if (stamp_of(t) or "").startswith("Agenda Item 9")]
    assert (int(listed.group(1)), int(listed.group(2))) == (min(numbers), max(numbers))
    assert int(listed.group(1)) == 13          # the reference's "(Pages 13 - 70)" starts at 13


def test_torbay_letter_is_the_clerks_covering_letter(torbay_pack):
    letter = " ".join(page_texts(torbay_pack)[0].split())
    for words in ("TORBAY COUNCIL", "Clerk: Governance Support", "Telephone: 01803 207013",
                  "governance.support@torbay.gov.uk", "Date: Thursday, 04 March 2021",
                  "Dear Member", "CHILDREN AND YOUNG PEOPLE'S OVERVIEW AND SCRUTINY BOARD - MONDAY, 1 MARCH 2021",
                  "the following reports that were unavailable when the agenda was printed",
                  "These reports were embargoed until 3 March 2021 but have now been made public.",
                  "Yours sincerely"):
        assert words in letter, words
    # The reference's address column, read in reading order (not laid out beside the clerk's lines)
    column = subprocess.run(["pdftotext", "-l", "1", str(torbay_pack), "-"], check=True, capture_output=True,
                            text=True).stdout
    assert "Governance Support\nTown Hall\nTorquay\nTQ1 3DR\n" in column, column
    assert printed_number(page_texts(torbay_pack)[0]) is None and stamp_of(page_texts(torbay_pack)[0]) is None


def test_a_supplementary_packs_letter_is_from_the_meetings_own_clerk(tmp_path):
    # A meeting's clerk is "who to contact about the meeting (default the council's clerk)": the
    # agenda's front sheet named them, but the covering letter gave the council's clerk.
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / f"{TORBAY}.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "pack: supplementary\n",
        'pack: supplementary\nclerk: {name: Jo Clerk, telephone: "01803 207099", email: jo.clerk@torbay.gov.uk}\n', 1),
        encoding="utf-8")
    target = tmp_path / "pack.pdf"
    result = scrutiny(root, "pack", TORBAY, "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    letter = " ".join(page_texts(target)[0].split())
    for words in ("Clerk: Jo Clerk", "Telephone: 01803 207099", "E-mail address: jo.clerk@torbay.gov.uk",
                  "Yours sincerely Jo Clerk Clerk"):
        assert words in letter, words
    assert "Clerk: Governance Support" not in letter and "Yours sincerely Governance" not in letter
    assert "207013" not in letter


def test_torbay_every_page_after_the_letter_has_its_stamp_and_continuous_number(torbay_pack):
    pages = page_texts(torbay_pack)[1:]
    assert [printed_number(t) for t in pages] == list(range(13, 13 + len(pages)))
    stamps = [stamp_of(t) for t in pages]
    assert all(stamps), stamps
    # appendices in order, each a run of pages
    order = [s for i, s in enumerate(stamps) if i == 0 or stamps[i - 1] != s]
    assert order == ["Agenda Item 9 Appendix 1", "Agenda Item 9 Appendix 2", "Agenda Item 9 Appendix 3"]


def test_torbay_outline_lists_the_item_and_every_appendix_at_its_first_page(torbay_pack):
    outline = outline_of(torbay_pack)
    titles = [(depth, title) for depth, title, _ in outline]
    assert (0, "9. Review of the Youth Offending Team") in titles
    stamps = [stamp_of(t) for t in page_texts(torbay_pack)]
    for number, title in ((1, "Summary of HMIP's inspection report, and the YOT's factual accuracy response"),
                          (2, "YOT improvement plan for out-of-court disposals"),
                          (3, "Summary of the LGA's remote peer review")):
        entry = [o for o in outline if o[1] == f"Appendix {number}: {title}"]
        assert entry and entry[0][0] == 1, outline
        assert entry[0][2] == stamps.index(f"Agenda Item 9 Appendix {number}")
    # a two-part appendix keeps both documents' own headings below it
    assert any(title == "Factual accuracy check: Torbay YOT response" for _, title, _ in outline)


def test_torbay_pack_is_byte_identical_when_made_again(torbay_pack, tmp_path):
    again = tmp_path / "again.pdf"
    # --no-cache: lay every document out again rather than reuse the first run's layouts
    result = scrutiny(REPO, "pack", TORBAY, "-o", str(again), "--as-of", AS_OF, "-j", "1", "--no-cache")
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == torbay_pack.read_bytes()


def test_torbay_pack_is_tagged_titled_in_english_with_its_own_id(torbay_pack):
    with pikepdf.open(torbay_pack) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        # The title a viewer shows in place of the file's name names the council: two councils'
        # committees may share a name (the letter is Torbay Council's, reference).
        assert str(pdf.docinfo.Title) == ("Children and Young People's Overview and Scrutiny Board, 1 March 2021, "
                                          "Torbay Council: supplementary agenda pack")
        assert str(pdf.docinfo.CreationDate).startswith("D:20210304")      # the letter's date, not today
        parent_tree = {int(k) for k in root.StructTreeRoot.ParentTree.Nums[::2]}
        for page in pdf.pages:        # every page's content belongs to the structure tree
            assert int(page.obj.StructParents) in parent_tree
        # table cells of the joined documents keep distinct IDs, and /Headers resolve in the /IDTree
        names = root.StructTreeRoot.IDTree.Names
        ids = [bytes(names[i]) for i in range(0, len(names), 2)]
        assert ids and len(ids) == len(set(ids))
        stack, headers = [root.StructTreeRoot], []
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                attributes = node.get("/A")
                for a in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
                    if isinstance(a, pikepdf.Dictionary):
                        headers += [bytes(h) for h in a.get("/Headers", [])]
                if "/K" in node:
                    stack.append(node.K)
            elif isinstance(node, pikepdf.Dictionary) and "/K" in node:
                stack.append(node.K)
        assert headers and set(headers) <= set(ids)


# --- a small site: inserted PDFs, exempt appendices, to-follow items -----------------------------------

@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("testshire"))


@pytest.fixture(scope="module")
def small_pack(small_site) -> Path:
    target = small_site / "public-pack.pdf"
    result = scrutiny(small_site, "pack", "testshire-2024-01-10", "-o", str(target), "--as-of", "2024-01-09")
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def members_pack(small_site) -> Path:
    result = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members", "--as-of", "2024-01-09")
    assert result.exit_code == 0, result.output
    # --as-of: a preview, beside the issued members' pack (test below)
    return small_site / "output" / "confidential" / "preview" / "testshire-2024-01-10-members-pack.pdf"


@pytest.fixture(scope="module")
def small_build(small_site) -> Path:
    result = scrutiny(small_site, "build", "--as-of", "2024-01-09", "-q")
    assert result.exit_code == 0, result.output
    return small_site / "output" / "site"


def test_front_sheet_lists_every_item_with_real_ranges_to_follow_and_no_papers(small_pack):
    pages = page_texts(small_pack)
    front = pages[0]
    assert re.search(r"1\.\s+Apologies for absence\s*$", front, re.M), front     # no papers: no range
    assert re.search(r"3\.\s+Budget monitoring\s+\(To Follow\)", front), front
    listed = re.search(r"2\.\s+Youth justice plan update\s+\(Pages (\d+) - (\d+)\)", front)
    assert listed, front
    numbers = [printed_number(t) for t in pages if (stamp_of(t) or "").startswith("Agenda Item 2")]
    assert (int(listed.group(1)), int(listed.group(2))) == (min(numbers), max(numbers)) == (5, max(numbers))
    assert printed_number(front) is None
    assert [printed_number(t) for t in pages[1:]] == list(range(5, 5 + len(pages) - 1))


def test_inserted_pdf_keeps_its_pages_and_gains_stamps_and_numbers(small_pack):
    pages = page_texts(small_pack)
    appendix = [i for i, t in enumerate(pages) if stamp_of(t) == "Agenda Item 2 Appendix 1"]
    assert len(appendix) == 3
    for index, words in zip(appendix, ("FIXTURE PAGE ONE", "FIXTURE PAGE TWO", "FIXTURE PAGE THREE")):
        assert words in " ".join(pages[index].split())
        assert printed_number(pages[index]) == 5 + index - 1
    with pikepdf.open(small_pack) as pdf:
        one, two, three = (pdf.pages[i] for i in appendix)
        assert [round(float(v)) for v in one.mediabox] == [0, 0, 595, 842]
        assert [round(float(v)) for v in two.mediabox] == [0, 0, 842, 595]
        assert int(three.obj.Rotate) == 90


def test_stamps_sit_top_right_and_numbers_bottom_centre_even_on_a_rotated_page(small_pack):
    index = [i for i, t in enumerate(page_texts(small_pack)) if stamp_of(t) == "Agenda Item 2 Appendix 1"][2]
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(index + 1), "-l", str(index + 1), str(small_pack), "-"],
                         check=True, capture_output=True, text=True).stdout
    words = {m.group(5): tuple(float(m.group(i)) for i in range(1, 5)) for m in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', xml)}
    seen_width, seen_height = 842, 595          # the page as it is displayed: rotated to landscape
    x0, y0, x1, _ = words["Agenda"]
    assert x0 > seen_width / 2 and y0 < seen_height / 8
    px0, py0, px1, _ = words["Page"]
    assert abs((px0 + px1) / 2 - seen_width / 2) < 40 and py0 > seen_height * 0.9


def test_an_appendix_of_two_parts_carries_one_stamp_over_both(small_pack):
    pages = page_texts(small_pack)
    appendix = [t for t in pages if stamp_of(t) == "Agenda Item 2 Appendix 3"]
    assert len(appendix) == 4                      # the Markdown note, then the three inserted pages
    assert "PUBLIC NOTE TEXT" in appendix[0] and "FIXTURE PAGE ONE" in appendix[1]
    outline = [title for _, title, _ in outline_of(small_pack)]
    assert "Appendix 3: Notes and review" in outline


def test_public_pack_shows_an_exempt_appendix_only_as_a_notice_naming_its_paragraph(small_pack):
    pages = page_texts(small_pack)
    notice = [t for t in pages if stamp_of(t) == "Agenda Item 2 Appendix 2"]
    assert len(notice) == 1
    flat = " ".join(notice[0].split())
    assert ("NOT FOR PUBLICATION by virtue of paragraph 1 of Part 1 of Schedule 12A to the Local "
            "Government Act 1972") in flat
    assert "Information relating to any individual" in flat
    assert SENTINEL not in small_pack.read_bytes().decode("latin-1")
    assert all(SENTINEL not in t for t in pages)


def test_members_pack_has_the_exempt_text_and_marks_every_exempt_page(members_pack, small_site):
    assert members_pack.is_file()
    assert members_pack.resolve().is_relative_to((small_site / "output" / "confidential").resolve())
    pages = page_texts(members_pack)
    exempt = [t for t in pages if stamp_of(t) == "Agenda Item 2 Appendix 2"]
    assert exempt and all("NOT FOR PUBLICATION" in t for t in exempt)
    assert any(SENTINEL in t for t in exempt)
    others = [t for t in pages[1:] if stamp_of(t) != "Agenda Item 2 Appendix 2"]
    assert all("NOT FOR PUBLICATION" not in t for t in others)


def test_members_pack_is_refused_inside_the_site(small_site):
    result = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members", "-o",
                      str(small_site / "output" / "site" / "m.pdf"))
    assert result.exit_code == 2
    assert not (small_site / "output" / "site" / "m.pdf").exists()


@pytest.mark.parametrize("where", ["output/serve/m.pdf", "output/serve-preview/m.pdf", "output/rehearsal/papers/m.pdf",
                                   "elsewhere/www/m.pdf"])
def test_members_pack_is_refused_in_any_folder_a_build_made_to_be_served(small_site, tmp_path, where):
    # `scrutiny serve` serves output/serve (-preview); a rehearsal is published from output/rehearsal; and a
    # site built with -o anywhere else (here elsewhere/www) is found by the manifest beside it.
    elsewhere = small_site / "elsewhere" / "www"
    assert scrutiny(small_site, "build", "--no-pdf", "--no-search", "-o", str(elsewhere)).exit_code == 0
    target = small_site / where
    result = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert "a folder a build made to be served" in result.output
    assert not target.exists()


def _texts_under(folder: Path):
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data.decode("latin-1")
        if path.suffix == ".pdf":
            yield path, "\n".join(page_texts(path))
        if data[:2] == b"\x1f\x8b":           # the search index is gzipped
            yield path, gzip.decompress(data).decode("latin-1")


def test_exempt_text_never_reaches_the_site(small_build, members_pack):
    checked = 0
    for path, text in _texts_under(small_build):
        assert SENTINEL not in text, path
        checked += 1
    assert checked > 20
    assert not (small_build / "meetings" / "testshire-2024-01-10" / "item-2-appendix-2.pdf").exists()


def test_build_writes_per_item_pdfs_with_the_packs_stamps_and_numbers(small_build):
    folder = small_build / "meetings" / "testshire-2024-01-10"
    pack_pages = page_texts(folder / "testshire-2024-01-10-agenda-pack.pdf")
    marks = {(stamp_of(t), printed_number(t)) for t in pack_pages[1:]}
    for name, stamp in (("item-2.pdf", "Agenda Item 2"), ("item-2-appendix-1.pdf", "Agenda Item 2 Appendix 1"),
                        ("item-2-appendix-3.pdf", "Agenda Item 2 Appendix 3")):
        pages = page_texts(folder / name)
        assert pages and all(stamp_of(t) == stamp for t in pages), name
        assert {(stamp, printed_number(t)) for t in pages} <= marks, name
    assert sorted(p.name for p in folder.glob("item-*.pdf")) == [
        "item-2-appendix-1.pdf", "item-2-appendix-3.pdf", "item-2.pdf"]
    page = (folder / "index.html").read_text()
    assert 'href="../../meetings/testshire-2024-01-10/item-2-appendix-1.pdf"' in page


def test_an_items_own_pdf_is_titled_with_its_meeting_and_council_as_the_pack_is(small_build):
    """A viewer shows the title in place of the file's name: "Agenda Item 2: Youth justice plan
    update" alone could be any council's, any meeting's item 2."""
    folder = small_build / "meetings" / "testshire-2024-01-10"
    titles = {}
    for name in ("item-2.pdf", "item-2-appendix-1.pdf"):
        with pikepdf.open(folder / name) as pdf:
            titles[name] = str(pdf.docinfo.Title)
    meeting = "Children's Scrutiny Panel, 10 January 2024, Testshire County Council"
    assert titles == {"item-2.pdf": f"{meeting}: Agenda Item 2: Youth justice plan update",
                      "item-2-appendix-1.pdf": f"{meeting}: Agenda Item 2 Appendix 1: Peer review"}


def test_supplementary_letter_lists_only_the_items_it_carries(small_build):
    path = small_build / "meetings" / "testshire-2024-01-10-supplementary" / \
        "testshire-2024-01-10-supplementary-agenda-pack.pdf"
    pages = page_texts(path)
    letter = pages[0]
    assert re.search(r"6\.\s+Remand costs\s+\(Page 30\)", letter), letter
    assert "Minutes of the last meeting" not in letter
    assert "embargoed until 8 January 2024" in " ".join(letter.split())
    assert printed_number(pages[1]) == 30 and stamp_of(pages[1]) == "Agenda Item 6"


def test_pack_is_rendered_again_when_an_appendix_changes_and_not_otherwise(small_site, small_build):
    from generator.build import BuildOptions, build_site
    from generator.model.types import LONDON

    now = dt.datetime(2024, 1, 9, 12, tzinfo=LONDON)
    options = BuildOptions(root=small_site, output=small_site / "output" / "site", now=now,
                           search=False)
    build_site(options)                             # settle: same options as below
    note = small_site / "content" / "attachments" / "public-note.md"
    unchanged = build_site(options)
    assert not [p for p in unchanged.rendered if p.endswith(".pdf")]
    note.write_text(note.read_text() + "\nA later line.\n")
    changed = build_site(options)
    pdfs = sorted(p for p in changed.rendered if p.endswith(".pdf"))
    assert "meetings/testshire-2024-01-10/testshire-2024-01-10-agenda-pack.pdf" in pdfs
    assert "meetings/testshire-2024-01-10/item-2-appendix-3.pdf" in pdfs
    assert not any(p.startswith("reports/") or "supplementary" in p for p in pdfs)


def test_pages_gain_their_pdf_links_when_a_no_pdf_build_is_followed_by_a_full_one(tmp_path):
    root = make_site(tmp_path)
    for extra in (["--no-pdf"], []):
        result = scrutiny(root, "build", "--as-of", "2024-01-09", "-q", "--no-search", *extra)
        assert result.exit_code == 0, result.output
    page = (root / "output" / "site" / "meetings" / "testshire-2024-01-10" / "index.html").read_text()
    assert "testshire-2024-01-10-agenda-pack.pdf" in page and "item-2-appendix-1.pdf" in page


def test_an_inserted_file_that_is_not_a_pdf_is_a_content_error_naming_it(tmp_path):
    root = make_site(tmp_path)
    (root / "content" / "attachments" / "peer.pdf").write_bytes(b"this was never a PDF")
    target = tmp_path / "broken.pdf"
    result = scrutiny(root, "pack", "testshire-2024-01-10", "-o", str(target), "--as-of", "2024-01-09", "-j", "1")
    assert result.exit_code == 1, result.output
    assert "content/meetings/testshire-2024-01-10.yaml: error: content/attachments/peer.pdf" in result.output
    assert not target.exists()


# --- page ranges, pure -----------------------------------------------------------------------------

def test_spans_number_documents_on_from_the_first_page():
    from generator.render.pack import Span, spans
    assert spans([3, 0, 2], 13) == ([Span(13, 15), Span(None, None), Span(16, 17)], 0)


# --- the worker pool: a crash or a hang fails with the document named -----------------------------------

def run_tasks(runner, tasks) -> dict:
    """Run independent tasks on `runner` to the end, then close it: the pool alone, without a build."""
    tasks = list(tasks)
    for task in tasks:
        runner.submit(task)
    results = {}
    try:
        while len(results) < len(tasks):
            for key, value in runner.completed():
                results[key] = value
    finally:
        runner.close()
    return results


@contextlib.contextmanager
def ends_or_fails(seconds: int = 120):
    """A guard, not a measure: a pool that never returns fails the test (its workers stopped)
    instead of holding up the suite."""
    def hung(signum, frame):
        for child in multiprocessing.active_children():
            child.kill()
        raise AssertionError(f"the pool was still waiting after {seconds} s: it hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_worker_that_crashes_fails_the_build_naming_the_document():
    from generator.render.papers import PdfWorkerError, PoolRunner, Task

    with ends_or_fails(), pytest.raises(PdfWorkerError) as caught:
        run_tasks(PoolRunner(2), [Task("a", "the findings paper of content/inspections/x.yaml", os._exit, 3),
                                  Task("b", "another paper", abs, -1)])
    assert "content/inspections/x.yaml" in str(caught.value)
    assert "stopped unexpectedly" in str(caught.value)
    assert multiprocessing.active_children() == []      # the other worker was stopped too


def test_a_worker_that_hangs_fails_the_build_naming_the_document():
    from generator.render.papers import PdfWorkerError, PoolRunner, Task

    # The task would run for years: only the pool stopping its worker ends the test.
    with ends_or_fails(), pytest.raises(PdfWorkerError) as caught:
        run_tasks(PoolRunner(1, stall_seconds=3), [Task("slow", "the report content/reports/slow.md",
                                                        time.sleep, 10**9)])
    assert "content/reports/slow.md" in str(caught.value)
    assert "stopped making progress for 3 seconds" in str(caught.value)
    assert multiprocessing.active_children() == []      # the hung worker was stopped, not left waiting


# --- laid-out documents are reused between builds (generator/render/pdf_cache.py) -------------------

def _laid_out(monkeypatch) -> list[str]:
    """Record the title of every document WeasyPrint lays out in this process (-j 1)."""
    from generator.render import paper_worker
    titles: list[str] = []
    real = paper_worker.render

    def counting(job):
        titles.append(job.title)
        return real(job)

    monkeypatch.setattr(paper_worker, "render", counting)
    return titles


def test_a_pack_rebuilt_after_one_appendix_changed_lays_out_only_that_appendix(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    laid_out = _laid_out(monkeypatch)
    pack = ["pack", "testshire-2024-01-10", "--as-of", "2024-01-09", "-j", "1"]
    first = tmp_path / "first.pdf"
    assert scrutiny(site, *pack, "-o", str(first)).exit_code == 0
    assert len(laid_out) >= 3                    # front sheet, cover report, the note: all laid out

    note = site / "content/attachments/public-note.md"
    note.write_text(note.read_text().replace("PUBLIC NOTE TEXT", "REVISED NOTE TEXT"))
    laid_out.clear()
    second = tmp_path / "second.pdf"
    assert scrutiny(site, *pack, "-o", str(second)).exit_code == 0
    assert laid_out == ["Public note"]           # the note is still one page: the front sheet is unchanged
    assert any("REVISED NOTE TEXT" in text for text in page_texts(second))

    laid_out.clear()
    fresh = tmp_path / "fresh.pdf"
    assert scrutiny(site, *pack, "-o", str(fresh), "--no-cache").exit_code == 0
    assert len(laid_out) >= 3
    assert fresh.read_bytes() == second.read_bytes()     # reuse changes the speed, never the bytes


def test_build_no_cache_says_it_lays_out_only_what_a_build_makes_and_names_rebuild(tmp_path):
    """`build --no-cache` on a current site made nothing ("nothing changed since the last
    build") while its help said it laid every PDF out afresh. It keeps the unchanged papers
    (the layout cache is what it turns off, bench/run.py), says so, and names --rebuild."""
    site = make_site(tmp_path / "site")
    command = [sys.executable, "-m", "generator", "-C", str(site), "build", "-q", "--no-search",
               "--as-of", "2024-01-09"]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert first.returncode == 0, first.stderr
    pack = site / "output/site/meetings/testshire-2024-01-10/testshire-2024-01-10-agenda-pack.pdf"
    made = os.stat(pack)
    again = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, env=environment, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "(nothing changed since the last build)" in again.stdout, again.stdout
    assert "--no-cache lays out afresh only the papers a build makes" in again.stderr, again.stderr
    assert "--rebuild makes every file again" in again.stderr
    assert (os.stat(pack).st_ino, os.stat(pack).st_mtime_ns) == (made.st_ino, made.st_mtime_ns)
    helped = subprocess.run([sys.executable, "-m", "generator", "build", "--help"], capture_output=True, text=True,
                            env={**environment, "COLUMNS": "200"}, timeout=60)
    assert "Papers unchanged since the last build are kept as they are (--rebuild makes them again)." in \
        " ".join(helped.stdout.split()), helped.stdout


def test_the_members_pack_leaves_no_exempt_layout_in_the_cache(small_pack, members_pack, small_site):
    cached = [p for p in (small_site / ".cache").rglob("*.pdf") if p.is_file()]
    assert cached                                 # the public pack's layouts are there...
    for path in cached:                           # ...and none holds the exempt appendix
        assert not any(SENTINEL in text for text in page_texts(path)), path


# --- a lone paper is assembled in place, as if copied into a new file ----------------------------

def _logical(data: bytes) -> dict:
    """What a reader or a checker sees of a PDF, without object numbers: the catalog's keys,
    the structure tree (tags, titles, IDs, attributes, marked content by page), which element
    owns each MCID of each page, the outline, the page contents and the metadata."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        paths: dict = {}

        def plain(value, depth=0):
            if depth > 3:                   # an element's values are shallow; links lead to pages
                return "..."
            if isinstance(value, pikepdf.Array):
                return [plain(v, depth + 1) for v in value]
            if isinstance(value, pikepdf.Dictionary):
                return {k: plain(v, depth + 1) for k, v in value.items() if k not in ("/P", "/Pg", "/K", "/Parent")}
            return str(value)

        def element(elem, path):
            paths[elem.objgen] = path
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            shown = []
            for n, kid in enumerate(kids):
                if isinstance(kid, int):
                    shown.append(("mcid", page_of.get(elem.Pg.objgen), kid))
                elif kid.get("/Type") == pikepdf.Name.MCR:
                    shown.append(("mcr", page_of.get(kid.Pg.objgen), int(kid.MCID)))
                elif kid.get("/Type") == pikepdf.Name.OBJR:
                    shown.append(("objr", str(kid.Obj.get("/Subtype")), plain(kid.Obj.get("/Rect"))))
                else:
                    shown.append(element(kid, (*path, n)))
            return (plain(elem), shown)

        root = pdf.Root.StructTreeRoot
        tree = element(root.K[0] if isinstance(root.K, pikepdf.Array) else root.K, ())
        owners = {}
        for n, page in enumerate(pdf.pages):
            key = page.obj.get("/StructParents")
            if key is not None:
                owned = dict(number_tree_items(root.ParentTree))[int(key)]
                owners[n] = [paths.get(e.objgen) if isinstance(e, pikepdf.Dictionary) else None for e in owned]
        with pdf.open_outline() as outline:
            def walk(items):
                return [(item.title, pdf.pages.index(pikepdf.Page(item.destination[0])), walk(item.children))
                        for item in items]
            bookmarks = walk(outline.root)
        return {"catalog": sorted(pdf.Root.keys()), "tree": tree, "owners": owners, "outline": bookmarks,
                "id_tree": sorted(bytes(k) for k, _ in name_tree_items(root.get("/IDTree"))),
                "contents": [b"".join(s.read_bytes() for s in (page.obj.Contents if isinstance(
                    page.obj.Contents, pikepdf.Array) else [page.obj.Contents])) for page in pdf.pages],
                "info": {k: str(v) for k, v in pdf.docinfo.items()},
                "xmp": pdf.Root.Metadata.read_bytes(), "version": pdf.pdf_version,
                "trailer_id_halves_equal": bytes(pdf.trailer.ID[0]) == bytes(pdf.trailer.ID[1])}


def test_a_lone_paper_assembled_in_place_is_the_paper_a_new_file_would_be():
    from test_pdf_tags import LONG_TABLE, render

    from generator.render import pack
    from generator.render.pdf_tags import fix_pdf

    body = ("<h1 id='top'>Findings</h1><p>See <a href='#actions'>the actions</a>.</p>"
            + LONG_TABLE.replace("<h2>", "<h2 id='actions'>"))
    paper = pack.Piece(fix_pdf(render(body, title="Findings"), "Findings", "en-GB"), label="a paper",
                       title="Findings", repaired=True)
    meta = pack.Metadata(title="Findings", lang="en-GB", author="Testshire", created=dt.date(2024, 1, 10))
    in_place = pack.assemble([paper], meta, first_page=3)
    copied = pack._Assembler(meta)                  # the way a pack takes in each of its documents
    copied.add(paper, 3, False, alone=True)
    copied = copied.finish()

    assert in_place != copied                       # the two ways really differ in how they write
    seen, expected = _logical(in_place), _logical(copied)
    assert len(seen["contents"]) >= 2 and seen["outline"] and seen["id_tree"]   # a real, split paper
    assert seen == expected


# --- the members' pack is private to its owner (issue 25, item 8) ------------------------------------

def test_the_confidential_folder_is_0700_and_the_members_pack_0600(members_pack, small_site):
    assert (small_site / "output" / "confidential").stat().st_mode & 0o777 == 0o700
    assert members_pack.stat().st_mode & 0o777 == 0o600


def test_a_members_pack_as_of_a_chosen_day_never_replaces_the_issued_one(small_site, members_pack):
    """helper-33's past --as-of wrote over the issued public pack; the members' pack went the
    same way, to output/confidential/, whatever --as-of said."""
    issued = small_site / "output" / "confidential" / "testshire-2024-01-10-members-pack.pdf"
    made = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members")      # as issued (4 January 2024)
    assert made.exit_code == 0, made.output
    before = issued.read_bytes()
    again = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members", "--as-of", "2024-03-01")
    assert again.exit_code == 0, again.output
    assert issued.read_bytes() == before and members_pack.is_file()


def test_a_looser_confidential_folder_is_tightened_with_a_warning(small_site, members_pack):
    folder = small_site / "output" / "confidential"
    folder.chmod(0o755)
    members_pack.chmod(0o644)
    stray = folder / "notes.txt"
    stray.write_text("exempt notes")
    stray.chmod(0o664)
    result = CliRunner().invoke(cli, ["-C", str(small_site), "pack", "testshire-2024-01-10", "--members",
                                      "--as-of", "2024-01-09"], obj={})
    assert result.exit_code == 0, result.output
    assert folder.stat().st_mode & 0o777 == 0o700
    assert members_pack.stat().st_mode & 0o777 == 0o600
    assert stray.stat().st_mode & 0o777 == 0o600
    assert "could be read by other users (mode 755)" in result.stderr
    assert "notes.txt could be read by other users (mode 664)" in result.stderr


def test_a_members_pack_with_output_confidential_a_link_to_nowhere_is_a_clear_error(tmp_path):
    """output/confidential left as a link to a folder since removed ended in a FileExistsError
    traceback (helper-110): it is one line saying what the link is, and nothing is written."""
    root = make_site(tmp_path / "site")
    (root / "output").mkdir(exist_ok=True)
    (root / "output" / "confidential").symlink_to(tmp_path / "gone")
    result = subprocess.run([sys.executable, "-m", "generator", "-C", str(root), "pack", "testshire-2024-01-10",
                             "--members", "--as-of", "2024-01-09"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (f"error: {root / 'output' / 'confidential'} is a link to {tmp_path / 'gone'}, which does not exist; "
            "nothing was written") in result.stderr
    assert not (tmp_path / "gone").exists()


# --- page labels and double-sided printing (issue 25, item 5) ----------------------------------------

def labels_match_printed_numbers(path: Path) -> int:
    """Assert a viewer's page labels are the printed numbers; returns how many pages are numbered."""
    import pypdf

    labels = pypdf.PdfReader(path).page_labels
    pages = page_texts(path)
    assert len(labels) == len(pages)
    numbered = 0
    for label, text in zip(labels, pages):
        printed = printed_number(text)
        if printed is None:
            assert re.fullmatch(r"[ivxl]+", label), (path.name, label)      # front matter: i, ii ...
        else:
            assert label == str(printed), (path.name, label, printed)
            numbered += 1
    return numbered


def test_every_pack_and_per_item_pdf_has_page_labels_equal_to_its_printed_numbers(torbay_pack, small_pack,
                                                                                  small_build):
    assert labels_match_printed_numbers(torbay_pack) >= 3          # "Page 13" is label 13
    assert labels_match_printed_numbers(small_pack) >= 3
    per_item = sorted((small_build / "meetings" / "testshire-2024-01-10").glob("item-*.pdf"))
    assert len(per_item) >= 3
    for path in per_item:
        assert labels_match_printed_numbers(path) >= 1


@pytest.fixture(scope="module")
def duplex_pack(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("duplex"))
    meeting = root / "content" / "meetings" / "testshire-2024-01-10.yaml"
    meeting.write_text(meeting.read_text().replace("first_page: 5\n", "first_page: 5\nduplex: true\n"))
    target = root / "duplex.pdf"
    result = scrutiny(root, "pack", "testshire-2024-01-10", "-o", str(target), "--as-of", "2024-01-09")
    assert result.exit_code == 0, result.output
    return target


def test_duplex_starts_every_item_and_appendix_on_an_odd_page_with_exact_ranges(duplex_pack):
    pages = page_texts(duplex_pack)
    numbers = [printed_number(t) for t in pages]
    stamps = [stamp_of(t) for t in pages]
    starts = [i for i, s in enumerate(stamps) if s and (i == 0 or stamps[i - 1] != s)]
    assert len(starts) >= 3
    for index in starts:
        assert numbers[index] % 2 == 1, (stamps[index], numbers[index])
        assert index % 2 == 0, "each starts on a right-hand (odd) sheet side of the printed pack"
    blanks = [i for i, t in enumerate(pages) if "This page is intentionally left blank" in t]
    # A blank page belongs to no paper: never stamped (as Modern.Gov packs print it), but numbered
    # in sequence among the papers; one before the first numbered page is unnumbered, as the front sheet.
    assert blanks and all(stamps[i] is None for i in blanks)
    first_numbered = next(i for i, n in enumerate(numbers) if n is not None)
    between = [i for i in blanks if i > first_numbered]
    assert between and all(numbers[i] == numbers[i - 1] + 1 for i in between)
    assert all(numbers[i] is None for i in blanks if i < first_numbered)
    # The front sheet's range runs from the item's first page to its last, the blank pages counted.
    listed = re.search(r"2\.\s+Youth justice plan update\s+\(Pages (\d+) - (\d+)\)", pages[0])
    assert listed, pages[0]
    item = [numbers[i] for i, s in enumerate(stamps) if (s or "").startswith("Agenda Item 2")]
    following = [n for n in numbers if n is not None and n > max(item)]
    assert int(listed.group(1)) == min(item)
    assert int(listed.group(2)) == (min(following) - 1 if following else max(n for n in numbers if n))
    assert labels_match_printed_numbers(duplex_pack) == len([n for n in numbers if n is not None])


def test_members_pack_is_refused_in_a_folder_tools_publish_serves(small_site, tmp_path):
    # tools/publish copies output/site to DEST/releases/<time>/ and the web server serves
    # DEST/current: no manifest is beside either, but both are live.
    dest = tmp_path / "www"
    release = dest / "releases" / "20260101-000000-000000000"
    release.mkdir(parents=True)
    (release / "index.html").write_text("live\n")
    (dest / "current").symlink_to("releases/20260101-000000-000000000")
    (dest / ".purpose").write_text("live\n")
    for target in (dest / "current" / "m.pdf", release / "papers" / "m.pdf"):
        result = scrutiny(small_site, "pack", "testshire-2024-01-10", "--members", "-o", str(target))
        assert result.exit_code == 2, result.output
        assert not target.exists()


def test_papers_are_made_with_the_cycle_collector_at_its_usual_thresholds(tmp_path, monkeypatch):
    """A build asks the collector to run rarely while it makes records and pages, but not
    while it assembles papers: each assembly leaves cycles holding whole PDFs in native
    memory, and a national build's process grew to gigabytes waiting for a pass."""
    import gc

    import generator.render as render
    from generator.build import BuildOptions, build_site
    from generator.speed.collector import USUAL_THRESHOLDS

    seen = []

    def papers_recording_the_thresholds(*args, **kwargs):
        seen.append(gc.get_threshold())
        return iter(())
    monkeypatch.setattr(render, "render_pdfs", papers_recording_the_thresholds)
    shutil.copytree(REPO / "content", tmp_path / "content")
    now = dt.datetime(2025, 6, 30, 12, tzinfo=dt.timezone.utc)
    build_site(BuildOptions(root=tmp_path, output=tmp_path / "output" / "site", now=now, search=False, jobs=1))
    assert seen == [USUAL_THRESHOLDS]
    assert gc.get_threshold() == USUAL_THRESHOLDS


def test_schedule_12a_is_named_by_its_part_in_england_and_in_wales():
    """Every exempt notice said "Part 1 of Schedule 12A", the English descriptions; in Wales the
    Schedule's descriptions are Part 4, paragraphs 12 to 18 (the Local Government (Access to
    Information) (Variation) (Wales) Order 2007). The cover report's list said neither (helper-33)."""
    from generator.render.pack import exclusion_resolution, exempt_sentence

    assert exempt_sentence(1) == ("NOT FOR PUBLICATION by virtue of paragraph 1 of Part 1 of Schedule 12A "
                                  "to the Local Government Act 1972")
    assert exempt_sentence(14) == ("NOT FOR PUBLICATION by virtue of paragraph 14 of Part 4 of Schedule 12A "
                                   "to the Local Government Act 1972")
    assert exclusion_resolution([12, 14]).endswith("paragraphs 12 and 14 of Part 4 of Schedule 12A to the Act.")
    foot = (REPO / "generator/theme/templates/_report_foot.html").read_text(encoding="utf-8")
    assert "|schedule_12a" in foot and "of Schedule 12A" not in foot


@pytest.mark.parametrize("hhmm, printed", [("17:30", "5.30 pm"), ("09:05", "9.05 am"), ("12:00", "12.00 noon"),
                                            ("12:30", "12.30 pm"), ("00:00", "12.00 midnight"),
                                            ("00:30", "12.30 am")])
def test_a_meeting_time_is_printed_as_agendas_print_it(hhmm, printed):
    # helper-68: '00:00' was '12.00 am', which reads as either end of the day; noon was already
    # '12.00 noon', and agendas write midnight the same way.
    assert clock_time(hhmm) == printed


def test_torbay_pack_prints_hmips_ratings_table_whole_and_each_standards_key_questions_under_it(torbay_pack):
    """The ratings table (HMIP's page 6: Overall, then 1.1 to 3.4) fits a page, so a councillor
    reads it on one: "3.4 Joint working" was left alone at the top of the next page, under a
    repeated header. The key-question table is longer than a page; it may split between
    standards, never inside one: 2.4.2 and 2.4.3 were printed a page away from "2.4 Reviewing"."""
    pages = page_texts(torbay_pack)

    def page_of(pattern: str) -> list[int]:
        return [i for i, t in enumerate(pages) if re.search(pattern, t)]

    ratings = page_of(r"Overall \(score 16/36\)")
    assert len(ratings) == 1, ratings
    for row in (r"1\.1 Governance and leadership\s+Inadequate", r"2\.4 Reviewing\s+Outstanding",
                r"3\.4 Joint working\s+Inadequate"):
        assert page_of(row) == ratings, row
    for standard, questions in (("2.4 Reviewing: Outstanding", ("2.4.1", "2.4.2", "2.4.3")),
                                ("3.4 Joint working: Inadequate", ("3.4.1", "3.4.2"))):
        heading = page_of(re.escape(standard))
        assert len(heading) == 1, standard
        for question in questions:
            assert page_of(re.escape(question) + r" (?:Does|Are)") == heading, (standard, question)


def test_a_supplementary_letter_keeps_agenda_no_and_each_page_range_on_one_line(tmp_path):
    """Torbay's letter prints "Agenda No  Item  Page" and "(Pages 13 - 70)" each on one line.
    An item with a long title (or exempt appendices noted under it) squeezed the outer columns:
    "Agenda" over "No", and "(Pages 13 -" over "24)"."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / f"{TORBAY}.yaml"
    long_title = ("Review of the Youth Offending Team: HM Inspectorate of Probation's inspection, the YOT's "
                  "response, its plan for out-of-court disposals and the LGA's remote peer review")
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "title: Review of the Youth Offending Team\n", f"title: \"{long_title}\"\n", 1), encoding="utf-8")
    target = tmp_path / "pack.pdf"
    result = scrutiny(root, "pack", TORBAY, "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    letter = page_texts(target)[0]
    assert re.search(r"^\s*Agenda No\s+Item\s+Page\s*$", letter, re.M), letter
    assert re.search(r"^\s*9\.\s+Review of the Youth Offending Team.*\(Pages 13 - \d+\)\s*$", letter, re.M), letter


def test_front_sheet_cites_the_act_for_an_exempt_appendix_as_the_notice_does(small_pack):
    """Schedule 12A is a schedule to the Local Government Act 1972: the notice page and the site
    said so, but a front sheet with no Part 2 item (so no resolution naming "the Act") printed
    "(exempt: paragraph 1 of Part 1 of Schedule 12A)" and never named the Act."""
    front = " ".join(page_texts(small_pack)[0].split())
    assert ("Appendix 2: Staffing proposals (exempt: paragraph 1 of Part 1 of Schedule 12A to the "
            "Local Government Act 1972)") in front, front


def test_torbay_letter_names_an_exempt_appendix_and_the_act_and_the_pack_carries_only_its_notice(tmp_path):
    """The letter's range counts every page the item has in the pack, as the reference's
    "(Pages 13 - 70)" does, the exempt appendix's notice page included; it said the appendix
    "is not included", so the range seemed a page too long. It says where the notice is."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / f"{TORBAY}.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "markdown: attachments/torbay-peer-review.md}", "markdown: attachments/torbay-peer-review.md, exempt: 1}", 1),
        encoding="utf-8")
    target = tmp_path / "pack.pdf"
    result = scrutiny(root, "pack", TORBAY, "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    pages = page_texts(target)
    letter = " ".join(pages[0].split())
    appendix_3 = [t for t in pages if stamp_of(t) == "Agenda Item 9 Appendix 3"]
    assert len(appendix_3) == 1 and "NOT FOR PUBLICATION by virtue of paragraph 1" in " ".join(appendix_3[0].split())
    notice = printed_number(appendix_3[0])
    assert notice == printed_number(pages[-1])         # the last page of the pack: appendix 3 is the last
    assert ("Appendix 3 is exempt (paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972): "
            f"only a notice of it is included (Page {notice}).") in letter, letter
    assert f"(Pages 13 - {notice})" in letter, letter
    assert "not included" not in letter
    # The peer review's own words (content/attachments/torbay-peer-review.md) are not in the public pack.
    assert not any("Executive summary" in t or "Key recommendations" in t for t in pages)


def test_the_fonts_of_stamps_and_page_numbers_are_read_and_their_files_closed():
    """Liberation Sans, regular and bold, is subset for the overlays from files opened lazily,
    and they were never closed: `python -X dev` printed a ResourceWarning for each."""
    code = ("import gc\nfrom generator.render.pack import overlay_font\n"
            "for style in ('regular', 'bold'):\n    overlay_font(style)\ngc.collect()\n")
    result = subprocess.run([sys.executable, "-X", "dev", "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert "ResourceWarning" not in result.stderr, result.stderr


def test_a_closed_pool_leaves_no_thread_of_its_own_running():
    """A pool thread still running when the interpreter exits races Python 3.11's exit hook
    for the thread's pipe, which printed "Exception ignored ... OSError: [Errno 9] Bad file
    descriptor" after a good build: closing the pool waits for its threads and workers."""
    from generator.render.papers import PoolRunner, Task

    before = set(threading.enumerate())
    for _ in range(3):
        results = run_tasks(PoolRunner(2), [Task(f"t{i}", f"t{i}", abs, -i) for i in range(4)])
        assert results == {"t0": 0, "t1": 1, "t2": 2, "t3": 3}
        assert set(threading.enumerate()) == before
        assert multiprocessing.active_children() == []


def test_the_pdf_workers_leave_ctrl_c_to_the_build():
    """Ctrl-C reaches every process of the terminal's group: the fork server, interrupted while
    it imported WeasyPrint, printed its traceback. It and its workers ignore Ctrl-C from the
    start (inherited when the server starts); the build stops them itself."""
    from generator.render.papers import PoolRunner, Task

    # As a terminal starts Python; a shell's background job (`pytest &`) starts with Ctrl-C ignored.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = run_tasks(PoolRunner(2), [Task(k, k, signal.getsignal, signal.SIGINT) for k in ("a", "b")])
        assert results == {"a": signal.SIG_IGN, "b": signal.SIG_IGN}
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler      # this process still stops on Ctrl-C
    finally:
        signal.signal(signal.SIGINT, before)


CTRL_C_AS_A_WORKER_STARTS = """
import multiprocessing, signal, sys
from generator.render import papers

context = papers.PoolRunner.context()


class CtrlCAsItStarts(context.Process):
    def start(self):
        super().start()
        signal.raise_signal(signal.SIGINT)      # a terminal's Ctrl-C, the moment the worker has started


if __name__ == "__main__":                      # a worker imports this file too
    context.Process = CtrlCAsItStarts
    signal.signal(signal.SIGINT, signal.default_int_handler)      # as a terminal starts Python
    runner = papers.PoolRunner(2)
    try:
        try:
            runner.submit(papers.Task("a", "a", abs, -1))
            while not runner.completed():
                pass
        finally:
            runner.close()
    except KeyboardInterrupt:
        print("Aborted!", "workers left:", multiprocessing.active_children())
        sys.exit(1)
"""


def test_ctrl_c_as_a_pdf_worker_starts_leaves_no_worker_behind(tmp_path):
    """A Ctrl-C that landed while the pool started a worker left one the build never knew of:
    it read the pool's queues after the stopped build had removed them and printed a
    FileNotFoundError traceback, or the build waited for it at exit for ever. A worker started
    is one the pool stops, whenever the Ctrl-C comes."""
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_AS_A_WORKER_STARTS, encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO, timeout=120)
    except subprocess.TimeoutExpired as hung:    # a guard, not a measure
        raise AssertionError(f"the stopped pool never exited: {hung.stderr!r}") from None
    assert result.returncode == 1, result.stderr
    assert result.stdout == "Aborted! workers left: []\n"
    assert result.stderr == ""


SERVER_STARTED_WITH_THE_STOP_SIGNALS_HELD = """
import signal, time
from multiprocessing import forkserver, resource_tracker
from generator.render import papers
from generator.stopping import stop_signals_held

papers.PoolRunner.context()                       # the pool's preload, as it sets it
resource_tracker.ensure_running()                 # its start unblocks both signals (CPython 3.11)
with stop_signals_held():                         # the fork server first started inside the block:
    forkserver.ensure_running()                   # it keeps SIGTERM and SIGINT blocked
signal.signal(signal.SIGINT, signal.default_int_handler)      # as a terminal starts Python
runner = papers.PoolRunner(1)
try:
    runner.submit(papers.Task("ctrl-c", "ctrl-c", signal.getsignal, signal.SIGINT))
    while not (done := runner.completed()):
        pass
    print("the worker ignores Ctrl-C:", done[0][1] == signal.SIG_IGN)
    runner.submit(papers.Task("asleep", "asleep", time.sleep, 600))
    worker = runner.workers[0].process
    worker.terminate()                            # as close() stops a busy worker
    worker.join(timeout=60)                       # a guard, not a measure
    print("worker ended by:", worker.exitcode)
finally:
    runner.close()
"""


def test_a_pdf_worker_of_a_server_started_with_the_stop_signals_held_still_stops():
    """A process started inside `stop_signals_held` keeps SIGTERM and SIGINT blocked, and the
    fork server passes its mask on to every worker it forks: a worker that kept SIGTERM blocked
    outlived the build that terminated it, and one whose Ctrl-C came unblocked with Python's
    handler printed a traceback. Each worker sets its own handling first, whatever it inherited."""
    result = subprocess.run([sys.executable, "-c", SERVER_STARTED_WITH_THE_STOP_SIGNALS_HELD], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"the worker ignores Ctrl-C: True\nworker ended by: {-signal.SIGTERM}\n"


def test_a_markdown_tables_unseen_caption_does_not_repeat_the_heading_above_it(torbay_pack):
    # The factual accuracy response's table sits under "## Response to the factual accuracy
    # check". Its unseen caption was that heading again, so copied text and a screen reader gave
    # the words twice. The caption stays (a split table is told from two by it) but says nothing.
    from test_pdf_accessibility import check_tables_not_split, elements, is_elem, kids, tag

    text = "\n".join(page_texts(torbay_pack))
    assert len(re.findall("Response to the factual accuracy check", text)) == 1
    with pikepdf.open(torbay_pack) as pdf:
        assert check_tables_not_split(pdf) == []          # every table keeps its /Caption
        captions = [k for e in elements(pdf) if tag(e) == "/Table"
                    for k in kids(e) if is_elem(k) and tag(k) == "/Caption"]
        assert [c for c in captions if not kids(c)], "the factual accuracy table's caption reads nothing"


# --- an inserted PDF's links open only web and e-mail addresses ------------------------------------

def _pdf_with_links(addresses) -> bytes:
    """One page with a link to each address, as an appendix sent to a clerk might carry."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    links = [pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([72, 700 - 30 * n, 300, 720 - 30 * n]),
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(address)))) for n, address in enumerate(addresses)]
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array(links))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_an_inserted_pdf_keeps_its_web_links_and_no_link_to_a_file_a_share_or_a_script():
    """A /URI action is a link, but one to file://server/share (or \\\\server\\share, smb:) has
    Windows send the reader's login to that server when clicked, file:/// opens a program on the
    reader's machine, and javascript: runs script in viewers that allow it."""
    from generator.render import pack

    web = ["https://www.justiceinspectorates.gov.uk/hmiprobation/", "HTTP://example.org/a",
           "mailto:clerk@example.gov.uk", "tel:01803207013"]
    hostile = ["javascript:app.alert(1)", "file://attacker.example/share/minutes.pdf",
               "file:///C:/Windows/System32/calc.exe", "\\\\attacker.example\\share\\x", "smb://attacker.example/x",
               " javascript:app.alert(2)", "java\tscript:app.alert(3)", "data:text/html,<script>alert(4)</script>"]
    appendix = pack.Piece(_pdf_with_links(web + hostile), label="an appendix")
    meta = pack.Metadata(title="Appendix", lang="en-GB")
    with pikepdf.open(io.BytesIO(pack.assemble([appendix], meta))) as pdf:
        kept = [str(annotation.A.URI) for annotation in pdf.pages[0].obj.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]
    assert kept == web


def _pdf_with_files_on_its_page_and_link() -> bytes:
    """One page carrying a spreadsheet as an associated file (/AF, PDF 2.0 and PDF/A-3) on the page
    and on a link to the page itself, and a form field whose keystroke script runs in the viewer."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0].obj
    data = pdf.make_stream(b"HIDDEN-SPREADSHEET name,date of birth\nA child,2009-01-01\n")
    data.Type = pikepdf.Name.EmbeddedFile
    spreadsheet = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("children.csv"), EF=pikepdf.Dictionary(F=data),
        AFRelationship=pikepdf.Name.Data))
    page.AF = pikepdf.Array([spreadsheet])
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([72, 500, 300, 520]),
                              Dest=pikepdf.Array([page, pikepdf.Name.Fit]), AF=pikepdf.Array([spreadsheet]))
    field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("name"), AA=pikepdf.Dictionary(
        K=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('FIELD-SCRIPT')")))))
    widget = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                Rect=pikepdf.Array([72, 600, 300, 620]), Parent=field)
    page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link), pdf.make_indirect(widget)]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _plain_bytes(data: bytes) -> bytes:
    """A PDF written again with no stream compressed and no object stream: every word readable."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


@pytest.mark.filterwarnings("ignore::UserWarning")      # pikepdf's, saving the fixture: its field is in no form
def test_an_inserted_pdf_keeps_no_file_attached_to_its_page_or_a_link_and_no_field_script():
    from generator.render import pack

    appendix = pack.Piece(_pdf_with_files_on_its_page_and_link(), label="an appendix")
    published = pack.assemble([appendix], pack.Metadata(title="Appendix", lang="en-GB"))
    with pikepdf.open(io.BytesIO(published)) as pdf:
        # the link stays; the field, with no value to draw, is not a field in a published paper
        assert [str(a.Subtype) for a in pdf.pages[0].obj.Annots] == ["/Link"]
    readable = _plain_bytes(published)
    assert b"HIDDEN-SPREADSHEET" not in readable
    assert b"FIELD-SCRIPT" not in readable


# --- a filled-in form as an appendix --------------------------------------------------------------

SERVICE, RATING, HIDDEN = "FILLED-SERVICE-VALUE", "FILLED-RATING-VALUE", "HIDDEN-FIELD-VALUE"


def filled_form(tagged: bool = False) -> bytes:
    """A self-assessment return as a council receives it, filled in: 'service' with its value
    drawn in an appearance stream, 'rating' with a value only (/NeedAppearances: the viewer draws
    it, as forms filled by scripts leave them), and a hidden field that no viewer shows. Tagged,
    each field is a /Form element referring to its widget, as Word's and Acrobat's tagged forms are."""
    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv))
    text = b"BT /Helv 11 Tf 72 705 Td (Service:) Tj ET BT /Helv 11 Tf 72 655 Td (Rating:) Tj ET"
    page.obj.Contents = pdf.make_stream(b"/P <</MCID 0>> BDC " + text + b" EMC" if tagged else text)
    widgets = []
    for name, value, bottom, drawn, flags in (("service", SERVICE, 695, True, 4), ("rating", RATING, 645, False, 4),
                                              ("hidden", HIDDEN, 595, True, 2)):
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String(name),
            V=pikepdf.String(value), Rect=pikepdf.Array([150, bottom, 450, bottom + 20]), F=flags, P=page.obj,
            DA=pikepdf.String("/Helv 11 Tf 0 g")))
        if drawn:
            widget.AP = pikepdf.Dictionary(N=pdf.make_stream(
                f"/Tx BMC BT /Helv 11 Tf 0 g 2 5 Td ({value}) Tj ET EMC".encode(), Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Form, BBox=pikepdf.Array([0, 0, 300, 20]),
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv))))
        widgets.append(widget)
    page.obj.Annots = pikepdf.Array(widgets)
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(widgets), NeedAppearances=True,
                                           DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)))
    if tagged:
        root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root))
        labels = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document,
                                                      Pg=page.obj, K=0))
        fields = []
        for key, widget in enumerate(widgets, start=1):
            widget.StructParent = key
            fields.append(pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Form, P=document, Pg=page.obj,
                K=pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=widget, Pg=page.obj))))
        document.K = pikepdf.Array([labels, *fields])
        root.K = document
        root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(
            [0, pikepdf.Array([labels]), 1, fields[0], 2, fields[1], 3, fields[2]])))
        root.ParentTreeNextKey = 4
        page.obj.StructParents = 0
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def ink_in(path: Path, page: int, box: tuple[int, int, int, int]) -> int:
    """Dark pixels in a box (left, top, width, height, in points from the top left) of a page drawn
    at 72 dpi with its annotations hidden: only what is in the page's own content counts."""
    left, top, width, height = box
    grey = subprocess.run(["pdftoppm", "-gray", "-r", "72", "-hide-annotations", "-f", str(page), "-l", str(page),
                           "-x", str(left), "-y", str(top), "-W", str(width), "-H", str(height), str(path)],
                          check=True, capture_output=True).stdout
    header, pixels = grey.split(b"\n255\n", 1)          # a binary PGM: P5, width height, 255, then the pixels
    return sum(1 for value in pixels if value < 128)


def test_a_filled_in_form_appendix_shows_its_values_as_page_content_and_build_prints_no_warning(tmp_path):
    root = make_site(tmp_path / "site")
    (root / "content" / "attachments" / "peer.pdf").write_bytes(filled_form())
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-P", "-m", "generator", "-C", str(root), "build", "-q", "--no-search",
                             "-o", str(out)], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "pack.py" not in result.stderr, result.stderr
    appendix = out / "meetings" / "testshire-2024-01-10" / "item-2-appendix-1.pdf"
    text = subprocess.run(["pdftotext", str(appendix), "-"], check=True, capture_output=True, text=True).stdout
    assert SERVICE in text and RATING in text and HIDDEN not in text
    # Each value is drawn on the page itself, where it was filled in (the field's rectangle, from the top
    # of an 842-point page), with annotations hidden: a viewer that ignores the form still shows it.
    assert ink_in(appendix, 1, (150, 842 - 715, 300, 20)) > 0          # service: 695..715 up the page
    assert ink_in(appendix, 1, (150, 842 - 665, 300, 20)) > 0          # rating: 645..665
    assert ink_in(appendix, 1, (150, 842 - 615, 300, 20)) == 0         # the hidden field stays unseen
    with pikepdf.open(appendix) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert [a for a in pdf.pages[0].obj.get("/Annots", []) if a.get("/Subtype") == pikepdf.Name.Widget] == []
    pack_text = subprocess.run(["pdftotext", str(out / "meetings" / "testshire-2024-01-10" /
                                                 "testshire-2024-01-10-agenda-pack.pdf"), "-"],
                               check=True, capture_output=True, text=True).stdout
    assert pack_text.count(RATING) == 2          # the appendix, and the part of "Notes and review"


def test_a_tagged_filled_in_form_keeps_each_value_in_its_form_element_and_the_same_bytes():
    from test_pdf_accessibility import check_content_tagged_or_artifact, elements, kids, tag

    from generator.render import pack

    piece = pack.Piece(filled_form(tagged=True), label="a form", title="Self-assessment")
    meta = pack.Metadata(title="Self-assessment", lang="en-GB")
    published = pack.assemble([piece], meta)
    assert pack.assemble([piece], meta) == published
    with pikepdf.open(io.BytesIO(published)) as pdf:
        assert check_content_tagged_or_artifact(pdf) == []
        forms = [e for e in elements(pdf) if tag(e) == "/Form"]
        # 'service' and 'rating' own their drawn value; the hidden field draws nothing and owns nothing
        assert [[str(k.get("/Type")) for k in kids(e)] for e in forms] == [["/MCR"], ["/MCR"], []]
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout.decode()
    assert SERVICE in text and RATING in text and HIDDEN not in text


# --- an inserted PDF that cannot be used: an error naming it, never a traceback -------------------

WELSH = "Gwasanaeth Cyfiawnder Ieuenctid – Ŵyr, Llŷr; Łódź, Erdős, Māori"


def form_filled_with(value: str, font_in_form: bool = True, **field) -> bytes:
    """A one-field form filled in with `value` and no appearance (/NeedAppearances: the viewer draws
    it), its field's font Helvetica in WinAnsiEncoding, which has no w or y with a circumflex, no Ł,
    ő or ā; or (`font_in_form` false) a font the form's /DR does not hold at all. Its box is 450 pt
    wide; `field` gives the field more entries (/Ff, /Q) or others (/DA)."""
    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv))
    page.obj.Contents = pdf.make_stream(b"BT /Helv 11 Tf 72 705 Td (Service:) Tj ET")
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("service"),
        V=pikepdf.String(value), Rect=pikepdf.Array([120, 695, 570, 715]), P=page.obj,
        **{"F": 4, "DA": pikepdf.String(f"/{'Helv' if font_in_form else 'ArialMT'} 10 Tf 0 g"), **field}))
    page.obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]), NeedAppearances=True,
                                           DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("font_in_form", [True, False], ids=["a WinAnsi font", "a font the form lacks"])
def test_a_form_filled_in_welsh_is_published_with_every_letter_it_was_filled_in_with(font_in_form):
    from generator.render import pack

    piece = pack.Piece(form_filled_with(WELSH, font_in_form), label="hunanasesiad.pdf")
    published = pack.assemble([piece], pack.Metadata(title="Hunanasesiad", lang="cy"))
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout.decode()
    assert WELSH in text
    assert "?" not in text
    with pikepdf.open(io.BytesIO(published)) as pdf:       # drawn in a font the output carries, not left to the reader
        fonts = [f for x in pdf.pages[0].obj.Resources.XObject.values() for f in x.Resources.Font.values()
                 if f.get("/Subtype") == pikepdf.Name.Type0]
        assert [str(f.DescendantFonts[0].BaseFont).split("+")[1] for f in fonts] == ["LiberationSans"]
        assert "/FontFile2" in fonts[0].DescendantFonts[0].FontDescriptor


def test_a_form_value_no_font_can_draw_stops_the_build_naming_the_field_and_the_letters():
    from generator.render import pack

    piece = pack.Piece(form_filled_with("Ŵyr 中"), label="content/attachments/form.pdf")
    with pytest.raises(ValueError, match=r"^content/attachments/form\.pdf cannot be inserted: its form field "
                                         r"'service' holds '中', which neither the form's font nor the papers' "
                                         r"font \(Liberation Sans\) can draw$"):
        pack.assemble([piece], pack.Metadata(title="Form", lang="cy"))


@pytest.mark.parametrize("flag", [2, 1], ids=["hidden", "invisible"])
def test_a_hidden_field_holding_a_letter_no_font_has_draws_nothing_and_stops_nothing(flag):
    """A hidden field draws nothing and publishes nothing (qpdf leaves out a widget flagged Hidden or
    Invisible, ISO 32000-1 12.5.3), so the letters it holds stop no build."""
    text = _published_text(form_filled_with("Ŵyr 中", F=flag))
    assert "Service:" in text and "Ŵyr" not in text and "中" not in text


def _every_byte(published: bytes) -> bytes:
    """A PDF's bytes with every stream decompressed, so a value anywhere in it can be searched for."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(published)) as pdf:
        pdf.save(out, qdf=True, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def test_a_password_field_s_value_is_never_published_in_clear():
    """A password field (/Ff bit 14, ISO 32000-1 12.7.4.3) a script filled in: a reader shows only
    asterisks; it was drawn in clear on the published page."""
    published = _published(form_filled_with("Hunter2-PIN-4471", Ff=1 << 13))
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout.decode()
    assert "Service:" in text and "Hunter2" not in text
    assert b"Hunter2" not in _every_byte(published)


def _as_combo_box(data: bytes, options: list) -> bytes:
    """The form with its field a combo box (/FT /Ch, /Ff bit 18) offering `options`: each a name, or
    an [export value, name shown] pair (ISO 32000-1 12.7.4.4)."""
    pdf = pikepdf.open(io.BytesIO(data))
    field = pdf.pages[0].obj.Annots[0]
    field.FT, field.Ff = pikepdf.Name.Ch, 1 << 17
    field.Opt = pikepdf.Array([pikepdf.Array([pikepdf.String(o) for o in option]) if isinstance(option, list)
                               else pikepdf.String(option) for option in options])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_combo_box_is_published_showing_the_name_of_the_option_chosen_not_its_export_value():
    """A rating chosen from a drop-down whose options pair an export value with the name shown
    ([(2) (Requires improvement)]): the form holds '2' and a reader shows 'Requires improvement'."""
    ratings = [["1", "Good"], ["2", "Requires improvement"], ["3", "Inadequate"]]
    text = _published_text(_as_combo_box(form_filled_with("2"), ratings))
    assert "Requires improvement" in text
    assert "Good" not in text and "Inadequate" not in text and "2" not in text.replace("Page 1", "")
    # Options that are names alone are shown as chosen.
    assert "Outstanding" in _published_text(_as_combo_box(form_filled_with("Outstanding"), ["Good", "Outstanding"]))


def test_a_combo_box_chosen_in_welsh_keeps_every_letter_and_one_too_long_for_its_box_stops_the_build():
    """A drop-down's chosen option is drawn as one line, as a text field's value is: with every
    letter (WinAnsi Helvetica has no w with a circumflex), and never cut off at its box's edge."""
    from generator.render import pack

    welsh = ["Da", "Angen gwella – Ŵyr"]
    assert "Angen gwella – Ŵyr" in _published_text(_as_combo_box(form_filled_with("Angen gwella – Ŵyr"), welsh))
    with pytest.raises(ValueError, match=r"its form field 'service' holds a line 450 pt long in a box 448 pt wide"):
        pack.assemble([pack.Piece(_as_combo_box(form_filled_with("x" * 90), ["x" * 90]), label="form.pdf")],
                      pack.Metadata(title="F", lang="en"))


def test_a_dynamic_xfa_form_stops_the_build_where_its_please_wait_page_was_published(tmp_path):
    """A dynamic XFA form (/AcroForm /XFA, /NeedsRendering) is laid out by the reader: its page
    holds only Adobe's message, which was published as the appendix."""
    root = make_site(tmp_path)
    pdf = pikepdf.open(io.BytesIO(form_filled_with("anything")))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /Helv 11 Tf 72 705 Td (Please wait...) Tj ET")
    del pdf.pages[0].obj["/Annots"]
    pdf.Root.AcroForm.Fields = pikepdf.Array()
    pdf.Root.AcroForm.XFA = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>")
    pdf.Root.NeedsRendering = True
    data = io.BytesIO()
    pdf.save(data)
    result = _build_with_peer(root, data.getvalue())
    assert result.returncode == 1, result.stderr
    assert ("content/attachments/peer.pdf cannot be inserted: it is a dynamic XFA form, whose pages hold only a "
            "message asking for a reader that lays the form out, not the form as filled in (open it in a PDF reader "
            "and save it with File > Print > Save as PDF") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "out" / "meetings" / "testshire-2024-01-10" / "item-2-appendix-1.pdf").exists()


LONG_ANSWER = "First line\nSecond line " + "word " * 40


def _published(data: bytes) -> bytes:
    """`data` inserted alone into a paper (assembled twice: the same bytes each time)."""
    from generator.render import pack

    pieces, meta = [pack.Piece(data, label="form.pdf")], pack.Metadata(title="Form", lang="en-GB")
    published = pack.assemble(pieces, meta)
    assert pack.assemble(pieces, meta) == published
    return published


def _published_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=_published(data), check=True,
                          capture_output=True).stdout.decode()


def _with_widths(data: bytes, width: int) -> bytes:
    """The form with its font given /Widths (ISO 32000-1 9.6.2): every character `width` wide."""
    pdf = pikepdf.open(io.BytesIO(data))
    font = pdf.Root.AcroForm.DR.Font.Helv
    font.FirstChar, font.LastChar, font.Widths = 32, 255, pikepdf.Array([width] * 224)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


# Each value below, drawn on one line as qpdf draws it, runs past its 450 pt box (1 pt in from each
# side: 448 pt of room). Widths are Helvetica's (its AFM, in thousandths of the size): x 500; l 222,
# o n g 556, space 278, so 'long ' is 2168; an auto-sized field (0 Tf) qpdf draws at 11 pt.
CUT_OFF = {
    "two lines in a multi-line field": (form_filled_with(LONG_ANSWER, Ff=4096, Q=1), "holds more than one line"),
    "one line wider than its box": (form_filled_with("x" * 90), "holds a line 450 pt long in a box 448 pt wide"),
    "an auto-sized line wider than its box": (form_filled_with("long " * 40, DA=pikepdf.String("/Helv 0 Tf 0 g")),
                                              "holds a line 954 pt long in a box 448 pt wide"),
    "a line wider than its box in the form's font": (_with_widths(form_filled_with("x" * 45), 1000),
                                                     "holds a line 450 pt long in a box 448 pt wide"),
}


@pytest.mark.parametrize("case", sorted(CUT_OFF))
def test_a_form_answer_that_would_be_cut_off_at_its_field_s_edge_stops_the_build_naming_the_field(case):
    """qpdf draws a value on one line from its field's left edge, whatever its lines and its length,
    and the field's box clips the rest: about half of a long answer was published, the rest lost."""
    from generator.render import pack

    data, why = CUT_OFF[case]
    with pytest.raises(ValueError) as raised:
        pack.assemble([pack.Piece(data, label="content/attachments/form.pdf")], pack.Metadata(title="F", lang="en"))
    assert str(raised.value) == (
        f"content/attachments/form.pdf cannot be inserted: its form field 'service' {why}: drawn here on one "
        "line and cut off at the field's edge, part of it would be lost, since the form leaves its fields for "
        "the reader to draw")
    # What fits is published whole: a line 1 pt short of its room, or 44 pt where the form's font is wider.
    assert "x" * 89 in _published_text(form_filled_with("x" * 89))
    assert "x" * 44 in _published_text(_with_widths(form_filled_with("x" * 44), 1000))
    assert "Only line" in _published_text(form_filled_with("Only line\n", Ff=4096))
    hidden = _published_text(form_filled_with(LONG_ANSWER, Ff=4096, F=2))     # not drawn, so nothing is cut off
    assert "Service:" in hidden and "line" not in hidden


def _with_field(data: bytes, name: str, value: str, bottom: int) -> bytes:
    """The form with its field again, as `name` holding `value`, lower on the page (from `bottom` pt)."""
    pdf = pikepdf.open(io.BytesIO(data))
    first = pdf.pages[0].obj.Annots[0]
    again = pdf.make_indirect(pikepdf.Dictionary({**dict(first.items()), "/T": pikepdf.String(name),
                                                  "/V": pikepdf.String(value),
                                                  "/Rect": pikepdf.Array([120, bottom, 570, bottom + 20])}))
    pdf.pages[0].obj.Annots.append(again)
    pdf.Root.AcroForm.Fields.append(again)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_form_with_letters_no_font_has_and_an_answer_cut_off_names_every_field_at_once():
    """Every error in one pass: the fields holding letters neither font has, each with its own, and
    the field whose answer would be cut off, not only the first kind found."""
    from generator.render import pack

    data = _with_field(_with_field(form_filled_with("Ŵyr 中"), "actions", LONG_ANSWER, 600), "notes", "✓ ok", 500)
    with pytest.raises(ValueError) as raised:
        pack.assemble([pack.Piece(data, label="content/attachments/form.pdf")], pack.Metadata(title="F", lang="cy"))
    assert str(raised.value) == (
        "content/attachments/form.pdf cannot be inserted: its form field 'service' holds '中'; form field 'notes' "
        "holds '✓', which neither the form's font nor the papers' font (Liberation Sans) can draw; its form field "
        "'actions' holds more than one line: drawn here on one line and cut off at the field's edge, part of it "
        "would be lost, since the form leaves its fields for the reader to draw")


def test_every_form_answer_that_would_be_cut_off_is_named_in_one_build_and_the_last_output_kept(tmp_path):
    root = make_site(tmp_path)
    assert _build_with_peer(root, fixture_pdf()).returncode == 0
    pack_pdf = root / "out" / "meetings" / "testshire-2024-01-10" / "testshire-2024-01-10-agenda-pack.pdf"
    before = pack_pdf.read_bytes()
    pdf = pikepdf.open(io.BytesIO(form_filled_with(LONG_ANSWER, Ff=4096)))
    first = pdf.pages[0].obj.Annots[0]                             # the same field again, lower, as 'actions'
    second = pdf.make_indirect(pikepdf.Dictionary({**dict(first.items()), "/T": pikepdf.String("actions"),
                                                   "/V": pikepdf.String("y" * 100),
                                                   "/Rect": pikepdf.Array([120, 600, 570, 620])}))
    pdf.pages[0].obj.Annots.append(second)
    pdf.Root.AcroForm.Fields.append(second)
    data = io.BytesIO()
    pdf.save(data)
    result = _build_with_peer(root, data.getvalue())
    assert result.returncode == 1, result.stderr
    # y is 500 wide in Helvetica: 100 of them at 10 pt are 500 pt
    assert ("content/meetings/testshire-2024-01-10.yaml: error: content/attachments/peer.pdf cannot be inserted: "
            "its form field 'service' holds more than one line; form field 'actions' holds a line 500 pt long "
            "in a box 448 pt wide: drawn here on one line and cut off") in result.stderr, result.stderr
    # The hint fits a form (a reader draws its fields as it prints), not a locked or damaged file.
    assert ("since the form leaves its fields for the reader to draw (open it in a PDF reader and save it with "
            "File > Print > Save as PDF, which draws its fields as the reader shows them, then insert that copy)"
            ) in result.stderr, result.stderr
    assert "password" not in result.stderr and "Traceback" not in result.stderr
    assert pack_pdf.read_bytes() == before


def _one_page(change) -> bytes:
    """A one-page PDF as `fixture_pdf` makes its pages, changed by `change(pdf, page)`."""
    pdf = pikepdf.open(io.BytesIO(fixture_pdf()))
    del pdf.pages[1:]
    change(pdf, pdf.pages[0].obj)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _tagged(pdf, page, root_entries) -> None:
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, **root_entries))


def _looped_parent_tree(pdf, page) -> None:
    node = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
    node.Kids = pikepdf.Array([node])               # a number tree whose node is its own kid
    _tagged(pdf, page, {"K": pikepdf.Array(), "ParentTree": node})


MALFORMED = {
    "a /Rotate that is a name": lambda pdf, page: setattr(page, "Rotate", pikepdf.Name.Left),
    "a /CropBox of words": lambda pdf, page: setattr(page, "CropBox", pikepdf.Array([0, 0, "wide", "tall"])),
    "a font list that is a number": lambda pdf, page: setattr(page.Resources, "Font", 7),
    "a link whose /StructParent is a name": lambda pdf, page: (
        _tagged(pdf, page, {"K": pikepdf.Array(), "ParentTree": pikepdf.Dictionary(Nums=pikepdf.Array())}),
        setattr(page, "Annots", pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                                   Rect=pikepdf.Array([0, 0, 9, 9]),
                                                                   StructParent=pikepdf.Name.Q)]))),
    "a structure tree whose element is a number": lambda pdf, page: _tagged(
        pdf, page, {"K": 5, "ParentTree": pikepdf.Dictionary(Nums=pikepdf.Array())}),
    "a structure tree whose /ParentTree is its own kid": _looped_parent_tree,
}


@pytest.mark.parametrize("fault", sorted(MALFORMED))
def test_an_inserted_pdf_with_a_malformed_object_is_an_error_naming_it(fault):
    """Each object here is of a type or shape ISO 32000 does not allow where it is; reading it raised
    Python's TypeError, AttributeError or RecursionError out of the assembly, a traceback."""
    from generator.render import pack

    piece = pack.Piece(_one_page(MALFORMED[fault]), label="content/attachments/odd.pdf", stamp="Agenda Item 2")
    with pytest.raises(ValueError) as raised:
        pack.assemble([piece], pack.Metadata(title="Pack", lang="en-GB"))
    assert str(raised.value).startswith("content/attachments/odd.pdf cannot be inserted: ")


def test_a_names_entry_that_is_no_name_tree_is_left_behind_and_the_pdf_inserted():
    """The catalogue's /Names is not copied into a pack, so one that is a number loses nothing."""
    from generator.render import pack

    data = _one_page(lambda pdf, page: setattr(pdf.Root, "Names", pikepdf.Dictionary(Dests=5)))
    published = pack.assemble([pack.Piece(data, label="odd.pdf")], pack.Metadata(title="Pack", lang="en-GB"))
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout
    assert b"FIXTURE PAGE ONE" in text


def _build_with_peer(root: Path, data: bytes) -> subprocess.CompletedProcess:
    (root / "content" / "attachments" / "peer.pdf").write_bytes(data)
    return subprocess.run([sys.executable, "-P", "-m", "generator", "-C", str(root), "build", "-q", "--no-search",
                           "--as-of", "2024-01-09", "-o", str(root / "out")], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_malformed_or_password_protected_appendix_stops_the_build_naming_it_and_keeps_the_last_output(tmp_path):
    root = make_site(tmp_path)
    assert _build_with_peer(root, fixture_pdf()).returncode == 0
    pack_pdf = root / "out" / "meetings" / "testshire-2024-01-10" / "testshire-2024-01-10-agenda-pack.pdf"
    before = pack_pdf.read_bytes()
    located = "content/meetings/testshire-2024-01-10.yaml: error: content/attachments/peer.pdf"
    malformed = _build_with_peer(root, _one_page(MALFORMED["a /Rotate that is a name"]))
    assert malformed.returncode == 1, malformed.stderr
    assert f"{located} cannot be inserted: " in malformed.stderr and "print it to PDF again" in malformed.stderr
    assert "Traceback" not in malformed.stderr, malformed.stderr
    locked = io.BytesIO()
    pikepdf.open(io.BytesIO(fixture_pdf())).save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    protected = _build_with_peer(root, locked.getvalue())
    assert protected.returncode == 1, protected.stderr
    assert f"{located} is protected by a password (open it in a PDF reader and print it to PDF again" in protected.stderr
    assert "BytesIO" not in protected.stderr and "Traceback" not in protected.stderr, protected.stderr
    assert pack_pdf.read_bytes() == before


def _cut_short() -> bytes:
    """`fixture_pdf` as a download cut off half way: the catalogue and page tree at its start
    arrive, the later pages' text at its end does not: qpdf rebuilds it with those pages blank."""
    out = io.BytesIO()
    pikepdf.open(io.BytesIO(fixture_pdf())).save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable,
                                                  compress_streams=False)
    whole = out.getvalue()
    return whole[:len(whole) // 2]


def test_an_appendix_cut_short_or_with_no_pages_is_an_error_not_a_blank_appendix():
    from generator.render import pack

    meta = pack.Metadata(title="Pack", lang="en-GB")
    with pytest.raises(ValueError, match=r"^peer\.pdf is damaged, and may have lost pages or their content \(.*startxref"):
        pack.assemble([pack.Piece(_cut_short(), label="peer.pdf")], meta)
    with pytest.raises(ValueError, match=r"^peer\.pdf is damaged"):
        pack.inserted_page_count(pack.Piece(_cut_short(), label="peer.pdf"))
    empty = io.BytesIO()
    pikepdf.new().save(empty)
    with pytest.raises(ValueError, match=r"^peer\.pdf has no pages$"):
        pack.inserted_page_count(pack.Piece(empty.getvalue(), label="peer.pdf"))


def test_a_page_qpdf_completes_as_a_viewer_would_is_inserted_not_called_damaged():
    """A blank page with no /Resources (many tools leave them out): qpdf warns as it adds an empty
    set, as readers assume one; the file is whole."""
    from generator.render import pack

    def blank_second_page(pdf, page) -> None:
        del pdf.pages[0].obj.Resources
        pdf.pages[0].obj.Contents = pdf.make_stream(b"")

    piece = pack.Piece(_one_page(blank_second_page), label="peer.pdf", stamp="Agenda Item 2")
    assert pack.inserted_page_count(piece) == 1
    published = pack.assemble([piece], pack.Metadata(title="Pack", lang="en-GB"))
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout
    assert b"Agenda Item 2" in text


def test_a_build_with_an_appendix_cut_short_says_so_at_its_meeting(tmp_path):
    root = make_site(tmp_path)
    result = _build_with_peer(root, _cut_short())
    assert result.returncode == 1, result.stderr
    assert ("content/meetings/testshire-2024-01-10.yaml: error: content/attachments/peer.pdf is damaged, and may "
            "have lost pages or their content") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "out").exists()


def test_a_build_names_every_unusable_appendix_of_every_meeting_at_once_and_keeps_the_last_output(tmp_path):
    root = make_site(tmp_path)
    (root / "content" / "meetings" / "testshire-2024-01-24.yaml").write_text(
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-24\ntime: \"18:00\"\n"
        "venue: County Hall\nissued: 2024-01-05\nitems:\n"
        "  - number: 1\n    title: Youth justice plan update\n    report: test-cover\n    appendices:\n"
        "      - {title: Data return, pdf: attachments/return.pdf}\n"
        "      - {title: Staffing return, pdf: attachments/staff.pdf}\n", encoding="utf-8")
    (root / "content" / "attachments" / "return.pdf").write_bytes(fixture_pdf())
    (root / "content" / "attachments" / "staff.pdf").write_bytes(fixture_pdf())
    assert _build_with_peer(root, fixture_pdf()).returncode == 0
    pack_pdf = root / "out" / "meetings" / "testshire-2024-01-24" / "testshire-2024-01-24-agenda-pack.pdf"
    before = pack_pdf.read_bytes()
    locked = io.BytesIO()
    pikepdf.open(io.BytesIO(fixture_pdf())).save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    (root / "content" / "attachments" / "return.pdf").write_bytes(locked.getvalue())
    empty = io.BytesIO()
    pikepdf.new().save(empty)
    (root / "content" / "attachments" / "staff.pdf").write_bytes(empty.getvalue())
    result = _build_with_peer(root, _cut_short())
    assert result.returncode == 1, result.stderr
    # All three files, each at the meeting that gives it, in one run; peer.pdf once, though its meeting gives it twice.
    assert result.stderr.count("content/meetings/testshire-2024-01-10.yaml: error: content/attachments/peer.pdf is "
                                "damaged, and may have lost pages or their content") == 1, result.stderr
    assert ("content/meetings/testshire-2024-01-24.yaml: error: content/attachments/return.pdf is protected by a "
            "password") in result.stderr, result.stderr
    assert "content/meetings/testshire-2024-01-24.yaml: error: content/attachments/staff.pdf has no pages" in result.stderr
    assert "Traceback" not in result.stderr
    assert pack_pdf.read_bytes() == before


def test_a_build_names_every_paper_too_deep_to_lay_out_at_once_and_keeps_the_last_output(tmp_path):
    """Two documents that pass `check` but that WeasyPrint cannot lay out (quotes nested 500 deep in
    raw HTML): the build stopped at the first, and the clerk met the second only on building again."""
    root = make_site(tmp_path)
    assert _build_with_peer(root, fixture_pdf()).returncode == 0
    pack_pdf = root / "out" / "meetings" / "testshire-2024-01-10" / "testshire-2024-01-10-agenda-pack.pdf"
    before = pack_pdf.read_bytes()
    deep = "\n" + "<blockquote>" * 500 + "words" + "</blockquote>" * 500 + "\n"
    for relative in ("attachments/public-note.md", "reports/test-late.md"):
        path = root / "content" / relative
        path.write_text(path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    result = _build_with_peer(root, fixture_pdf())
    assert result.returncode == 1, result.stderr
    hint = "(lists, quotes and HTML tags inside one another: keep to a few levels)"
    assert ("content/attachments/public-note.md: error: the attachment content/attachments/public-note.md is "
            f"nested too deeply to lay out {hint}") in result.stderr, result.stderr
    assert ("content/reports/test-late.md: error: the report content/reports/test-late.md is nested too deeply "
            f"to lay out {hint}") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert pack_pdf.read_bytes() == before


def test_assembly_names_every_inserted_pdf_with_a_malformed_object_not_only_the_first():
    from generator.render import pack

    pieces = [pack.Piece(_one_page(MALFORMED["a /Rotate that is a name"]), label="content/attachments/one.pdf",
                         stamp="Agenda Item 2 Appendix 1"),
              pack.Piece(fixture_pdf(), label="content/attachments/good.pdf", stamp="Agenda Item 2 Appendix 2"),
              pack.Piece(_one_page(MALFORMED["a font list that is a number"]), label="content/attachments/two.pdf",
                         stamp="Agenda Item 2 Appendix 3")]
    with pytest.raises(ValueError) as raised:
        pack.assemble(pieces, pack.Metadata(title="Pack", lang="en-GB"))
    said = str(raised.value).splitlines()
    assert [line.split(": an object")[0] for line in said] == ["content/attachments/one.pdf cannot be inserted",
                                                              "content/attachments/two.pdf cannot be inserted"]
    assert all("is not as the PDF standard describes" in line for line in said)


def test_a_build_names_every_password_protected_and_malformed_appendix_of_each_meeting_at_once(tmp_path):
    """The password is found as the pack's pages are counted, a malformed object only as it is
    assembled: the build named the first and the clerk met the malformed files on building again."""
    root = make_site(tmp_path)
    (root / "content" / "meetings" / "testshire-2024-01-24.yaml").write_text(
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-24\ntime: \"18:00\"\n"
        "venue: County Hall\nissued: 2024-01-05\nitems:\n"
        "  - number: 1\n    title: Youth justice plan update\n    report: test-cover\n    appendices:\n"
        "      - {title: Data return, pdf: attachments/return.pdf}\n"
        "      - {title: Staffing return, pdf: attachments/staff.pdf}\n"
        "      - {title: Locked return, pdf: attachments/locked.pdf}\n", encoding="utf-8")
    (root / "content" / "meetings" / "testshire-2024-01-31.yaml").write_text(     # every file opens: found as assembled
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-31\ntime: \"18:00\"\n"
        "venue: County Hall\nissued: 2024-01-05\nitems:\n"
        "  - number: 1\n    title: Returns\n    appendices:\n"
        "      - {title: Data return, pdf: attachments/return.pdf}\n"
        "      - {title: Staffing return, pdf: attachments/staff.pdf}\n", encoding="utf-8")
    for name in ("return.pdf", "staff.pdf", "locked.pdf"):
        (root / "content" / "attachments" / name).write_bytes(fixture_pdf())
    assert _build_with_peer(root, fixture_pdf()).returncode == 0
    pack_pdf = root / "out" / "meetings" / "testshire-2024-01-24" / "testshire-2024-01-24-agenda-pack.pdf"
    before = pack_pdf.read_bytes()
    (root / "content" / "attachments" / "return.pdf").write_bytes(_one_page(MALFORMED["a /Rotate that is a name"]))
    (root / "content" / "attachments" / "staff.pdf").write_bytes(_one_page(MALFORMED["a font list that is a number"]))
    locked = io.BytesIO()
    pikepdf.open(io.BytesIO(fixture_pdf())).save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    (root / "content" / "attachments" / "locked.pdf").write_bytes(locked.getvalue())
    result = _build_with_peer(root, fixture_pdf())
    assert result.returncode == 1, result.stderr
    at = "content/meetings/testshire-2024-01-24.yaml: error: content/attachments/"
    reprint = "(open it in a PDF reader and print it to PDF again, without a password, then insert that copy)"
    assert f"{at}locked.pdf is protected by a password {reprint}" in result.stderr, result.stderr
    for meeting, name in [(m, n) for m in ("2024-01-24", "2024-01-31") for n in ("return.pdf", "staff.pdf")]:
        where = f"content/meetings/testshire-{meeting}.yaml: error: content/attachments/{name}"
        line = next((line for line in result.stderr.splitlines() if line.startswith(where)), "")
        assert line.startswith(f"{where} cannot be inserted: an object in it is not as the PDF standard "
                               "describes (") and line.endswith(reprint), result.stderr
    assert "Traceback" not in result.stderr
    assert pack_pdf.read_bytes() == before


def _word_x(published: bytes, word: str) -> float:
    """Where pdftotext finds `word` on the first page: its left edge, in points."""
    found = re.search(r'<word xMin="([\d.]+)"[^>]*>' + re.escape(word) + "</word>",
                      subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=published,
                                     check=True, capture_output=True).stdout.decode())
    assert found, f"{word} is not on the page"
    return float(found[1])


def test_a_field_with_no_appearance_is_drawn_and_a_field_with_its_own_keeps_its_look():
    """qpdf draws every text field afresh when asked to draw any, each from its left edge in the field's
    font: the author's own appearance of the other fields (here one centred) was lost to one field
    that had none."""
    from generator.render import pack

    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    page = pdf.add_blank_page(page_size=(595, 842))
    own = pdf.make_stream(b"/Tx BMC q BT /Helv 10 Tf 0 g 180 6 Td (Centred by its author) Tj ET Q EMC",
                          Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=pikepdf.Array([0, 0, 450, 20]),
                          Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)))

    def field(name: str, value: str, y: int, **more):
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String(name),
            V=pikepdf.String(value), Rect=pikepdf.Array([120, y, 570, y + 20]), F=4, P=page.obj,
            DA=pikepdf.String("/Helv 10 Tf 0 g"), **more))

    centred = field("centred", "Centred by its author", 700, Q=1, AP=pikepdf.Dictionary(N=own))
    bare = field("bare", "Drawn for it", 650)
    page.obj.Annots = pikepdf.Array([centred, bare])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([centred, bare]),
                                           DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)))
    data = io.BytesIO()
    pdf.save(data)
    published = pack.assemble([pack.Piece(data.getvalue(), label="form.pdf")], pack.Metadata(title="Form", lang="en-GB"))
    text = subprocess.run(["pdftotext", "-", "-"], input=published, check=True, capture_output=True).stdout.decode()
    assert "Centred by its author" in text and "Drawn for it" in text
    assert round(_word_x(published, "Centred")) == 120 + 180        # where its author drew it
    assert 120 <= _word_x(published, "Drawn") < 130                # a field with no /Q: from its left edge


def test_a_drawn_field_centred_or_on_the_right_by_its_form_is_drawn_there():
    """qpdf draws every value from its field's left edge, whatever its alignment (/Q)."""
    centred = _published(form_filled_with("Centred", Q=1))
    right = _published(form_filled_with("Right", Q=2))
    # The box runs from 120 to 570 pt, 1 pt in from each side: 448 pt of room from 121. At 10 pt in
    # Helvetica (its AFM) 'Centred' is 35.57 pt wide (C 722, e 556, n 556, t 278, r 333, e 556, d 556)
    # and 'Right' 23.34 pt (R 722, i 222, g 556, h 556, t 278).
    assert abs(_word_x(centred, "Centred") - (121 + (448 - 35.57) / 2)) < 0.5
    assert abs(_word_x(right, "Right") - (121 + 448 - 23.34)) < 0.5


def _form_aligned(data: bytes, quadding: int) -> bytes:
    """The form with a default alignment for its fields (/AcroForm /Q, ISO 32000-1 12.7.2)."""
    pdf = pikepdf.open(io.BytesIO(data))
    pdf.Root.AcroForm.Q = quadding
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_drawn_field_with_no_alignment_of_its_own_is_aligned_as_its_form_says():
    """A form's /Q is the alignment of each field that has none of its own; a field's own /Q, even
    left (0), is the field's."""
    right = _published(_form_aligned(form_filled_with("Right"), 2))
    left = _published(_form_aligned(form_filled_with("Left", Q=0), 2))
    # As above: 448 pt of room from 121; 'Right' at 10 pt in Helvetica is 23.34 pt wide.
    assert abs(_word_x(right, "Right") - (121 + 448 - 23.34)) < 0.5
    assert abs(_word_x(left, "Left") - 121) < 0.5


def _in_section(data: bytes, section: str) -> bytes:
    """The form with its field a kid of a parent field `section` (ISO 32000-1 12.7.3.1): its full name is
    '<section>.service', as the form's data and a reader's field list name it."""
    pdf = pikepdf.open(io.BytesIO(data))
    widget = pdf.pages[0].obj.Annots[0]
    parent = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String(section), Kids=pikepdf.Array([widget])))
    widget.Parent = parent
    pdf.Root.AcroForm.Fields = pikepdf.Array([parent])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_form_field_that_cannot_be_drawn_is_named_by_its_full_name_with_its_parent_fields():
    """Two sections of a form may each have a 'service' field: the error names the one by 'section2.service'."""
    from generator.render import pack

    for value, said in (("Ŵyr 中", r"'section2\.service' holds '中'"), ("x" * 90, r"'section2\.service' holds a line")):
        with pytest.raises(ValueError, match=r"its form field " + said):
            pack.assemble([pack.Piece(_in_section(form_filled_with(value), "section2"), label="form.pdf")],
                          pack.Metadata(title="F", lang="en"))


def _as_list_box(data: bytes, chosen: list[str]) -> bytes:
    """The form with its field a list box (/FT /Ch without the combo flag, ISO 32000-1 12.7.4.4) rating a
    service, with `chosen` its value: one export value, or (more than one) a multi-select list's (/Ff bit 22)."""
    pdf = pikepdf.open(io.BytesIO(data))
    field = pdf.pages[0].obj.Annots[0]
    field.FT = pikepdf.Name.Ch
    field.Opt = pikepdf.Array([pikepdf.Array([pikepdf.String(code), pikepdf.String(name)]) for code, name in
                               (("1", "Good"), ("2", "Requires improvement"), ("3", "Inadequate"))])
    if len(chosen) > 1:
        field.Ff, field.V = 1 << 21, pikepdf.Array([pikepdf.String(c) for c in chosen])
    else:
        field.V = pikepdf.String(chosen[0])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("chosen", [["2"], ["1", "3"]], ids=["one chosen", "several chosen"])
def test_a_list_box_stops_the_build_naming_it_with_the_print_to_pdf_hint(tmp_path, chosen):
    """A list box shows its options with those chosen marked; it was published as the export code '2'
    over the options' space, or (several chosen) as nothing at all."""
    root = make_site(tmp_path)
    result = _build_with_peer(root, _as_list_box(form_filled_with("unused"), chosen))
    assert result.returncode == 1, result.stderr
    assert ("content/attachments/peer.pdf cannot be inserted: its form field 'service' is a list box, which is "
            "drawn here as one line of its value rather than as its options with those chosen marked (open it in a "
            "PDF reader and save it with File > Print > Save as PDF") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "out" / "meetings" / "testshire-2024-01-10" / "item-2-appendix-1.pdf").exists()


def _as_check_box(data: bytes, drawings: bool, state: str | None) -> bytes:
    """The form with its field a check box (/FT /Btn) a script ticked (/V /Yes), with its appearance state
    (/AS) `state` ('Off', or None: left out) and (`drawings`) the form's drawings of it ticked and not
    (/AP /N /Yes showing 'BOX-TICKED', /Off showing nothing; ISO 32000-1 12.7.4.2.3)."""
    pdf = pikepdf.open(io.BytesIO(data))
    field = pdf.pages[0].obj.Annots[0]
    field.FT, field.V = pikepdf.Name.Btn, pikepdf.Name.Yes
    del field["/DA"]
    if state is not None:
        field.AS = pikepdf.Name("/" + state)
    if drawings:             # a form with drawings of its own leaves none to the reader
        del pdf.Root.AcroForm["/NeedAppearances"]

        def drawing(content: bytes):
            return pdf.make_stream(content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                   BBox=pikepdf.Array([0, 0, 450, 20]), Resources=pdf.Root.AcroForm.DR)
        field.AP = pikepdf.Dictionary(N=pikepdf.Dictionary(Yes=drawing(b"BT /Helv 10 Tf 2 5 Td (BOX-TICKED) Tj ET"),
                                                           Off=drawing(b"")))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("state", ["Off", None], ids=["shown as Off", "no state"])
def test_a_check_box_ticked_is_published_ticked_in_the_form_s_own_drawing_of_it(state):
    """The value (/V /Yes) is the answer; a script that set it left the widget's state 'Off' or out,
    and the box was published unticked."""
    text = _published_text(_as_check_box(form_filled_with("unused"), drawings=True, state=state))
    assert "Service:" in text and "BOX-TICKED" in text


def test_a_check_box_ticked_with_no_drawing_of_it_ticked_stops_the_build_with_the_print_to_pdf_hint(tmp_path):
    root = make_site(tmp_path)
    result = _build_with_peer(root, _as_check_box(form_filled_with("unused"), drawings=False, state="Off"))
    assert result.returncode == 1, result.stderr
    assert ("content/attachments/peer.pdf cannot be inserted: its form field 'service' is set to 'Yes', which the "
            "form has no drawing of: it would be published as not set, since the form leaves it for the reader to "
            "draw (open it in a PDF reader and save it with File > Print > Save as PDF") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "out" / "meetings" / "testshire-2024-01-10" / "item-2-appendix-1.pdf").exists()


def test_a_value_its_own_empty_appearance_leaves_out_is_published_drawn_from_the_form_s_data():
    """A script set the field's value and left its appearance (/AP /N) empty, with no /NeedAppearances:
    the value, which is the form's answer (its data exports it), was silently left out of the paper."""
    pdf = pikepdf.open(io.BytesIO(form_filled_with("Requires improvement")))
    field = pdf.pages[0].obj.Annots[0]
    field.AP = pikepdf.Dictionary(N=pdf.make_stream(b"/Tx BMC EMC", Type=pikepdf.Name.XObject,
                                                    Subtype=pikepdf.Name.Form, BBox=pikepdf.Array([0, 0, 450, 20])))
    del pdf.Root.AcroForm["/NeedAppearances"]
    data = io.BytesIO()
    pdf.save(data)
    text = _published_text(data.getvalue())
    assert "Service: Requires improvement" in " ".join(text.split())
