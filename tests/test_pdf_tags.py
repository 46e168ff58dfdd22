"""generator.render.pdf_tags.fix_pdf on small documents WeasyPrint tags the way it tags
papers: each test renders real HTML with WeasyPrint's PDF/UA-1 variant, shows the fault
in WeasyPrint's output, and shows fix_pdf repairing it without changing a pixel or a word.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String

from generator.render.pdf_tags import fix_pdf
from test_pdf_accessibility import (attributes, check_content_tagged_or_artifact, check_language,
                                    check_tables_have_headers, check_tables_not_split, check_title, elements,
                                    row_group_problems, tag)

pytestmark = pytest.mark.pdf

PAGE_CSS = "@page { size: A5; margin: 15mm } body { font-family: 'Liberation Sans'; font-size: 11pt }"


def render(body: str, css: str = "", title: str = "A paper") -> bytes:
    from weasyprint import HTML
    html = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{PAGE_CSS} {css}</style></head><body>{body}</body></html>")
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def count(data: bytes, name: str) -> int:
    with open_pdf(data) as pdf:
        return sum(1 for e in elements(pdf) if tag(e) == name)


def artifacts_on(data: bytes, page: int) -> int:
    with open_pdf(data) as pdf:
        return sum(1 for operands, op in pikepdf.parse_content_stream(pdf.pages[page])
                   if str(op) == "BDC" and operands[0] == Name.Artifact
                   and isinstance(operands[1], Dictionary) and operands[1].get("/Type") == Name.Pagination)


def text(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True).stdout.decode()


def pixels(data: bytes, tmp_path: Path, name: str) -> list[bytes]:
    from PIL import Image
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / name)], check=True)
    images = sorted(tmp_path.glob(f"{name}-*.png"))
    return [Image.open(p).tobytes() for p in images]


def rows(count_: int, cells: int = 2) -> str:
    return "".join(f"<tr><th scope='row'>Row {i}</th>" + "".join(f"<td>Value {i}.{j}</td>" for j in range(cells - 1))
                   + "</tr>" for i in range(count_))


LONG_TABLE = (f"<main><section><h2>Actions</h2><p>What the plan does.</p>"
              f"<table><caption>All actions</caption><thead><tr><th scope='col'>Action</th>"
              f"<th scope='col'>Status</th></tr></thead><tbody>{rows(70)}</tbody></table>"
              f"<p>Signed off.</p></section></main>")


@pytest.fixture(scope="module")
def long_table() -> bytes:
    return render(LONG_TABLE)


def test_weasyprint_splits_a_long_table_into_one_table_per_page(long_table):
    """The fault, as WeasyPrint 70 writes it (Kozea/WeasyPrint#2902, #2903)."""
    with open_pdf(long_table) as pdf:
        pages = len(pdf.pages)
    assert pages >= 3
    assert count(long_table, "/Table") == pages
    assert count(long_table, "/THead") == pages
    assert check_tables_not_split(open_pdf(long_table))
    assert check_tables_have_headers(open_pdf(long_table))      # no /Scope, no /IDTree


def test_fix_joins_a_split_table_and_its_section_into_one_each(long_table):
    fixed = fix_pdf(long_table, "A paper", "en-GB")
    assert count(fixed, "/Table") == 1
    assert count(fixed, "/THead") == 1 and count(fixed, "/Caption") == 1
    assert count(fixed, "/Sect") == 1 and count(fixed, "/Part") == 1
    with open_pdf(fixed) as pdf:
        (table,) = [e for e in elements(pdf) if tag(e) == "/Table"]
        assert [tag(k) for k in table.K] == ["/Caption", "/THead", "/TBody"]
        assert len(list(table.K[2].K)) == 70
        assert check_tables_not_split(pdf) == []
        assert check_tables_have_headers(pdf) == []
        assert check_content_tagged_or_artifact(pdf) == []


def test_repeated_header_rows_become_pagination_artifacts(long_table):
    fixed = fix_pdf(long_table, "A paper", "en-GB")
    with open_pdf(fixed) as pdf:
        pages = len(pdf.pages)
    assert artifacts_on(long_table, 1) == artifacts_on(fixed, 0) == artifacts_on(long_table, 0)
    for page in range(1, pages):
        assert artifacts_on(fixed, page) >= artifacts_on(long_table, page) + 2      # the two header cells


def test_data_cells_point_at_the_first_header_row(long_table):
    fixed = fix_pdf(long_table, "A paper", "en-GB")
    with open_pdf(fixed) as pdf:
        head = [e for e in elements(pdf) if tag(e) == "/TH" and tag(e.P.P) == "/THead"]
        cells = [e for e in elements(pdf) if tag(e) == "/TD"]
        column = bytes(head[1].ID)                  # "Status", over every data cell
        assert len(cells) == 70 and all(column in {bytes(h) for h in cell.A.Headers} for cell in cells)
        assert {str(e.A.Scope) for e in head} == {"/Column"}
        assert {str(e.A.Scope) for e in elements(pdf) if tag(e) == "/TH" and tag(e.P.P) == "/TBody"} == {"/Row"}


def test_a_row_header_over_several_rows_heads_the_cells_of_each(tmp_path):
    # As the report front sheet: "Accountable employee" over the rows "Rachel King | Head of
    # Service", "Tel | 07854943254" and "Email | ...". WeasyPrint names it only in its first row.
    body = ("<table><caption>Report details</caption><tbody>"
            "<tr><th scope='row' rowspan='3'>Accountable employee</th><td>Rachel King</td><td>Head of Service</td></tr>"
            "<tr><th scope='row'>Tel</th><td>07854943254</td></tr>"
            "<tr><th scope='row'>Email</th><td>Rachel.king@wolverhampton.gov.uk</td></tr>"
            "<tr><th scope='row'>Wards affected</th><td colspan='2'>All Wards</td></tr></tbody></table>")
    data = render(body)

    def headers_by_row(pdf: bytes) -> list[list[list[bytes]]]:
        with open_pdf(pdf) as opened:
            rows = [e for e in elements(opened) if tag(e) == "/TR"]
            return [[[bytes(h) for h in cell.A.Headers] for cell in row.K if tag(cell) == "/TD"] for row in rows]

    def header_ids(pdf: bytes) -> list[bytes]:
        with open_pdf(pdf) as opened:
            return [bytes(e.ID) for e in elements(opened) if tag(e) == "/TH"]

    employee, tel, email, wards = header_ids(data)
    assert headers_by_row(data)[1:3] == [[[tel]], [[email]]]            # the fault
    fixed = fix_pdf(data, "A paper", "en-GB")
    assert headers_by_row(fixed) == [[[employee], [employee]], [[employee, tel]], [[employee, email]], [[wards]]]
    assert text(fixed, tmp_path) == text(data, tmp_path)
    with open_pdf(fixed) as pdf:
        assert check_tables_have_headers(pdf) == []


# A ratings table as papers draw it: a domain heads its own row group, across the table.
RATINGS = ("<table><caption>Ratings by standard</caption><thead><tr><th scope='col'>Standard</th>"
           "<th scope='col'>Published</th><th scope='col'>Computed</th></tr></thead>"
           "<tbody><tr><th scope='row'>Overall</th><td>Good</td><td>Good</td></tr></tbody>"
           "<tbody><tr><th scope='rowgroup' colspan='3'>1. Organisational delivery</th></tr>{first}</tbody>"
           "<tbody><tr><th scope='rowgroup' colspan='3'>2. Court disposals</th></tr>{second}</tbody></table>")


def _row_group_headers(pdf: pikepdf.Pdf) -> dict[str, Dictionary]:
    """The TH cells spanning a row, by the domain they name (their text is the only tell)."""
    found = [e for e in elements(pdf) if tag(e) == "/TH" and any("/ColSpan" in a for a in attributes(e))]
    return {("delivery", "disposals")[n]: e for n, e in enumerate(found)}


def _data_cells_by_group(pdf: pikepdf.Pdf) -> dict[str, list[set[bytes]]]:
    """Each body row group's data cells' /Headers, by the domain heading the group."""
    (table,) = [e for e in elements(pdf) if tag(e) == "/Table"]
    bodies = [k for k in table.K if tag(k) == "/TBody"]
    return {group: [{bytes(h) for h in cell.A.Headers} for row in body.K for cell in row.K if tag(cell) == "/TD"]
            for group, body in zip(("overall", "delivery", "disposals"), bodies)}


def test_a_row_group_header_is_a_row_header_that_the_cells_of_its_group_name():
    """`<th scope="rowgroup">` (a ratings table's domain row): WeasyPrint 70 makes it a column
    header over the first column, where no data cell is, so no cell names its domain. PDF has
    no row-group scope: PDF/UA wants a /Row header that its group's data cells name in /Headers."""
    before = render(RATINGS.format(first=rows(2, 3), second=rows(1, 3)))
    with open_pdf(before) as pdf:
        heads = _row_group_headers(pdf)
        named = {h for cells in _data_cells_by_group(pdf).values() for headers in cells for h in headers}
        assert not named & {bytes(h.ID) for h in heads.values()}          # the fault
    fixed = fix_pdf(before, "Ratings", "en-GB")
    with open_pdf(fixed) as pdf:
        heads = _row_group_headers(pdf)
        assert {str(a.Scope) for h in heads.values() for a in attributes(h)} == {"/Row"}
        delivery, disposals = bytes(heads["delivery"].ID), bytes(heads["disposals"].ID)
        groups = _data_cells_by_group(pdf)
        assert [len(groups[g]) for g in ("overall", "delivery", "disposals")] == [2, 4, 2]
        assert all(delivery in h and disposals not in h for h in groups["delivery"])
        assert all(disposals in h and delivery not in h for h in groups["disposals"])
        assert all(not {delivery, disposals} & h for h in groups["overall"])
        (column_head,) = [e for e in elements(pdf) if tag(e) == "/THead"]
        assert {str(a.Scope) for row in column_head.K for th in row.K for a in attributes(th)} == {"/Column"}
        assert check_tables_have_headers(pdf) == []
    with open_pdf(fix_pdf(fixed, "Ratings", "en-GB")) as pdf:            # as a pack repairs it again
        assert _data_cells_by_group(pdf) == groups


def test_a_row_group_crossing_a_page_is_named_by_all_its_cells_after_the_table_is_joined():
    before = render(RATINGS.format(first=rows(2, 3), second=rows(70, 3)))
    with open_pdf(before) as pdf:
        pages = len(pdf.pages)
    assert pages >= 3
    fixed = fix_pdf(before, "Ratings", "en-GB")
    assert count(fixed, "/Table") == 1 and count(fixed, "/THead") == 1
    with open_pdf(fixed) as pdf:
        disposals = bytes(_row_group_headers(pdf)["disposals"].ID)
        cells = _data_cells_by_group(pdf)["disposals"]
        assert len(cells) == 140 and all(disposals in h for h in cells)
        assert check_tables_not_split(pdf) == [] and check_tables_have_headers(pdf) == []
        assert check_content_tagged_or_artifact(pdf) == []
    for page in range(1, pages):
        assert artifacts_on(fixed, page) >= artifacts_on(before, page) + 3       # the repeated header row


def test_a_table_broken_between_row_groups_keeps_them_apart():
    """The rows after a page break continue the last row group, unless they open a new one."""
    second = "<tbody><tr><th scope='rowgroup' colspan='3'>2."
    body = RATINGS.format(first=rows(2, 3), second=rows(3, 3)).replace(second, second.replace(
        "<tbody>", "<tbody style='break-before: page'>"))
    before = render(body)
    assert count(before, "/Table") == 2
    fixed = fix_pdf(before, "Ratings", "en-GB")
    with open_pdf(fixed) as pdf:
        (table,) = [e for e in elements(pdf) if tag(e) == "/Table"]
        assert [len(list(k.K)) for k in table.K if tag(k) == "/TBody"] == [1, 3, 4]
        assert check_tables_not_split(pdf) == [] and check_tables_have_headers(pdf) == []


def test_the_row_group_check_catches_a_domain_left_out():
    with open_pdf(render(RATINGS.format(first=rows(2, 3), second=rows(1, 3)))) as pdf:
        (table,) = [e for e in elements(pdf) if tag(e) == "/Table"]
        assert row_group_problems(1, table)
    one_body = RATINGS.format(first=rows(2, 3), second=rows(1, 3)).replace("</tbody><tbody>", "")
    with open_pdf(fix_pdf(render(one_body), "Ratings", "en-GB")) as pdf:
        (table,) = [e for e in elements(pdf) if tag(e) == "/Table"]
        assert [p.split(" does not")[1] for p in row_group_problems(1, table)] == [
            " open its TBody (HTML: its tbody), so the rows above it are in its group"] * 2


def test_fix_changes_neither_the_words_nor_the_pixels(long_table, tmp_path):
    fixed = fix_pdf(long_table, "A paper", "en-GB")
    assert text(fixed, tmp_path) == text(long_table, tmp_path)
    assert pixels(fixed, tmp_path, "after") == pixels(long_table, tmp_path, "before")


def test_fix_is_deterministic_and_stable(long_table):
    once = fix_pdf(long_table, "A paper", "en-GB")
    assert fix_pdf(long_table, "A paper", "en-GB") == once
    twice = fix_pdf(once, "A paper", "en-GB")
    assert count(twice, "/Table") == 1 and count(twice, "/TR") == count(once, "/TR")
    with open_pdf(twice) as pdf:
        assert check_content_tagged_or_artifact(pdf) == [] and check_tables_have_headers(pdf) == []


def test_separate_tables_on_separate_pages_stay_separate():
    body = (f"<table><caption>First</caption><thead><tr><th scope='col'>A</th><th scope='col'>B</th></tr></thead>"
            f"<tbody>{rows(3)}</tbody></table>"
            f"<table style='break-before: page'><caption>Second</caption><thead><tr><th scope='col'>A</th>"
            f"<th scope='col'>B</th></tr></thead><tbody>{rows(3)}</tbody></table>"
            f"<table style='break-before: page'><thead><tr><th scope='col'>C</th><th scope='col'>D</th></tr></thead>"
            f"<tbody>{rows(3)}</tbody></table>")
    fixed = fix_pdf(render(body), "Three tables", "en-GB")
    assert count(fixed, "/Table") == 3
    with open_pdf(fixed) as pdf:
        assert check_tables_not_split(pdf) == ["a /Table on page 3 has no /Caption"]   # the template's fault


def test_margin_content_becomes_an_artifact():
    """Running headers and page numbers from @page margin boxes (Kozea/WeasyPrint#1836)."""
    css = ("@page { @top-center { content: 'Torbay Council: scrutiny' } "
           "@bottom-center { content: 'Page ' counter(page) } }")
    before = render("<h1>Paper</h1>" + "<p>Some text for the body of the paper.</p>" * 40, css)
    with open_pdf(before) as pdf:
        assert any("not in the structure tree" in p for p in check_content_tagged_or_artifact(pdf))
    fixed = fix_pdf(before, "Paper", "en-GB")
    with open_pdf(fixed) as pdf:
        assert check_content_tagged_or_artifact(pdf) == []
        pages = len(pdf.pages)
    for page in range(pages):
        assert artifacts_on(fixed, page) >= artifacts_on(before, page) + 2


def test_orphans_are_rewritten_in_place_as_the_parser_would_rewrite_them(monkeypatch):
    """The fast path edits `/Span <</MCID n>> BDC` in the bytes; the slow path parses and
    writes the whole stream again. Page for page, the two must draw the same instructions."""
    from generator.render import pdf_tags
    css = ("@page { @top-center { content: 'Torbay Council: scrutiny' } "
           "@bottom-center { content: 'Page ' counter(page) } }")
    before = render("<h1>Paper</h1>" + "<p>Some text for the body of the paper.</p>" * 40
                    + LONG_TABLE, css)
    in_place = []
    original = pdf_tags._Tree._artifact_in_place

    def spy(self, *args):
        in_place.append(original(self, *args))
        return in_place[-1]

    monkeypatch.setattr(pdf_tags._Tree, "_artifact_in_place", spy)
    fast = fix_pdf(before, "Paper", "en-GB")
    assert in_place and all(in_place)                  # WeasyPrint's output takes the fast path
    monkeypatch.setattr(pdf_tags._Tree, "_artifact_in_place", lambda self, *args: False)
    parsed = fix_pdf(before, "Paper", "en-GB")
    with open_pdf(fast) as a, open_pdf(parsed) as b:
        assert len(a.pages) == len(b.pages) > 2
        for page_a, page_b in zip(a.pages, b.pages):
            assert (pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page_a))
                    == pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page_b)))
        assert check_content_tagged_or_artifact(a) == []


def test_bytes_that_differ_from_the_parse_take_the_slow_path():
    """A BDC the byte patterns cannot read (properties with more than an MCID) must not be
    missed: the scan refuses the bytes, so the page is parsed and rewritten."""
    from generator.render import pdf_tags
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"/Span <</MCID 0 /Lang (en)>> BDC EMC /P <</MCID 1>> BDC EMC")
        tree = pdf_tags._Tree.__new__(pdf_tags._Tree)
        tree.pdf, tree._page_marks = pdf, {}
        assert tree._opened(0) == [0, 1]
        assert tree._artifact_in_place(page, 0, {}) is False
        page.obj.Contents = pdf.make_stream(b"/Span <</MCID 0>> BDC EMC /P <</MCID 1>>\nBDC EMC")
        tree._page_marks = {}
        assert tree._artifact_in_place(page, 0, {1: None}) is True
        assert page.obj.Contents.read_bytes() == (b"/Artifact <</Type /Pagination>> BDC EMC "
                                                  b"/P <</MCID 1>>\nBDC EMC")


def test_list_item_split_across_a_page_is_one_item_again():
    long_item = "<li>" + "A long recommendation that goes on. " * 120 + "</li>"
    before = render(f"<h1>Recommendations</h1><ol><li>Short one.</li>{long_item}<li>Last one.</li></ol>")
    assert count(before, "/LI") > 3
    fixed = fix_pdf(before, "Recommendations", "en-GB")
    assert count(fixed, "/LI") == 3
    assert count(fixed, "/L") == 1


def test_list_broken_between_items_is_one_list_again():
    items = "".join(f"<li>Recommendation number {n}, in a few words.</li>" for n in range(1, 61))
    before = render(f"<h1>Recommendations</h1><ol>{items}</ol><p>End of the list.</p>")
    assert count(before, "/L") >= 2
    fixed = fix_pdf(before, "Recommendations", "en-GB")
    assert count(fixed, "/L") == 1 and count(fixed, "/LI") == 60


def test_lists_with_something_between_them_stay_separate():
    items = "".join(f"<li>Item {n}.</li>" for n in range(1, 4))
    before = render(f"<h1>Two lists</h1><ul>{items}</ul><h2 style='break-before: page'>More</h2><ul>{items}</ul>")
    assert count(fix_pdf(before, "Two lists", "en-GB"), "/L") == 2


def test_document_entries_are_set():
    data = render("<h1>Paper</h1><p>Text.</p>", title="Wrong title")
    fixed = fix_pdf(data, "Torbay YOT inspection, March 2021", "en-GB")
    with open_pdf(fixed) as pdf:
        assert str(pdf.docinfo.Title) == "Torbay YOT inspection, March 2021"
        assert str(pdf.open_metadata()["dc:title"]) == "Torbay YOT inspection, March 2021"
        assert str(pdf.Root.Lang) == "en-GB"
        assert check_title(pdf) == [] and check_language(pdf) == []


def test_an_untagged_pdf_gets_its_entries_and_stays_valid():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    fixed = fix_pdf(out.getvalue(), "Inserted paper", "en-GB")
    with open_pdf(fixed) as result:
        assert "/StructTreeRoot" not in result.Root
        assert str(result.docinfo.Title) == "Inserted paper" and str(result.Root.Lang) == "en-GB"


def test_header_ids_are_made_unique_across_joined_documents():
    """A pack joins documents whose cell IDs were numbered separately."""
    body = ("<table><caption>One</caption><thead><tr><th scope='col'>A</th><th scope='col'>B</th></tr></thead>"
            "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
            "<table><caption>Two</caption><thead><tr><th scope='col'>C</th><th scope='col'>D</th></tr></thead>"
            "<tbody><tr><td>3</td><td>4</td></tr></tbody></table>")
    with open_pdf(render(body)) as pdf:
        first, second = [e for e in elements(pdf) if tag(e) == "/Table"]
        for table in (first, second):       # as if both came from documents numbered alike
            for cell in (e for e in _all(table) if tag(e) == "/TH"):
                old = bytes(cell.ID)
                cell.ID = String(b"same-" + old.split(b"-", 1)[1])
            for cell in (e for e in _all(table) if tag(e) == "/TD"):
                cell.A.Headers = pikepdf.Array([String(b"same-" + bytes(h).split(b"-", 1)[1]) for h in cell.A.Headers])
        out = io.BytesIO()
        pdf.save(out)
    fixed = fix_pdf(out.getvalue(), "Two tables", "en-GB")
    with open_pdf(fixed) as pdf:
        ids = [bytes(e.ID) for e in elements(pdf) if "/ID" in e]
        assert len(ids) == len(set(ids)) == 4
        assert check_tables_have_headers(pdf) == []
        tables = [e for e in elements(pdf) if tag(e) == "/Table"]
        for table in tables:                 # each table's cells still name their own headers
            own = {bytes(e.ID) for e in _all(table) if tag(e) == "/TH"}
            assert {bytes(h) for e in _all(table) if tag(e) == "/TD" for h in e.A.Headers} <= own


def _all(elem):
    for kid in elem.get("/K", []):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid
            yield from _all(kid)


def test_pdf_tools_are_installed():
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), \
        "poppler-utils is missing. Run `make test` (as root it installs it), or: sudo apt-get install poppler-utils"
