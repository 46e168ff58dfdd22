"""generator.render.pdf_tags reads each page's marked content (the MCIDs its BDCs open, and
the bytes its text operators show inside each) from the content bytes, with `_scan`, rather
than with pikepdf's parser, and only where it can prove it reads what the parser reads.

pikepdf's parser is the authority here: `parsed` below asks it directly. On every page of
WeasyPrint's own output the scan must read, and agree; on hand-written content streams that
try to fool byte patterns, it must agree or refuse (the page is then parsed).
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

import generator.render.pdf as pdf_module
from generator.render import pdf_tags
from test_papers import AS_OF, scrutiny
from test_pdf_tags import LONG_TABLE, render

pytestmark = pytest.mark.pdf

# A paper of each kind. Each has tables split over pages and content outside the structure tree
# (fix_pdf merges and artifacts both); the action plan is landscape, the report has dashed borders.
PAPERS = (("inspection", "torbay-2021"), ("action-plan", "torbay-2021-oocd"),
          ("report", "dudley-yos-action-plan-update"))


def parsed(page: pikepdf.Page) -> tuple[list[int], dict[int, list[bytes]]]:
    """What pikepdf's parser reads: the MCIDs BDC operators open, in order, and per MCID the
    bytes each text operator directly inside it shows (its strings, and those in its arrays)."""
    opened: list[int] = []
    shown: dict[int, list[bytes]] = {}
    open_now: list[int | None] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            properties = operands[1] if len(operands) > 1 else None
            has_mcid = isinstance(properties, Dictionary) and "/MCID" in properties
            open_now.append(int(properties.MCID) if has_mcid else None)
            if has_mcid:
                opened.append(open_now[-1])
        elif op == "BMC":
            open_now.append(None)
        elif op == "EMC" and open_now:
            open_now.pop()
        elif op in ("Tj", "TJ", "'", '"') and open_now and open_now[-1] is not None:
            strings = []
            for operand in operands:
                for item in (operand if isinstance(operand, Array) else [operand]):
                    if isinstance(item, String):
                        strings.append(bytes(item))
            shown.setdefault(open_now[-1], []).append(b"".join(strings))
    return opened, shown


@pytest.fixture
def page_with():
    """`page_with(contents)` -> a page drawn by those content bytes; `page_with(a, b)`, by two
    content streams."""
    with pikepdf.new() as pdf:
        def make(*contents: bytes) -> pikepdf.Page:
            pdf.add_blank_page()
            streams = [pdf.make_stream(c) for c in contents]
            pdf.pages[-1].obj.Contents = streams[0] if len(streams) == 1 else Array(streams)
            return pdf.pages[-1]
        yield make


def assert_read_exactly(page: pikepdf.Page, where: str = "the page") -> pdf_tags._PageMarks:
    """The scan reads the page, as the parser does; each BDC span `_artifact_in_place` would
    rewrite is one whole `/Tag <</MCID n>> BDC`, n the MCID the scan says it opens."""
    marks = pdf_tags._scan(page)
    assert marks is not None, f"the scan refused {where}"
    assert (marks.opened, marks.shown) == parsed(page), where
    assert len(marks.bdc_spans) == len(marks.opened), where
    with pikepdf.new() as scratch:
        for mcid, (start, end) in zip(marks.opened, marks.bdc_spans):
            [(operands, operator)] = pikepdf.parse_content_stream(scratch.make_stream(marks.data[start:end]))
            assert str(operator) == "BDC" and isinstance(operands[0], Name), where
            assert dict(operands[1]) == {"/MCID": mcid}, where
    return marks


# -- WeasyPrint's output -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weasyprint_pdfs(tmp_path_factory) -> dict[str, bytes]:
    """WeasyPrint's output before fix_pdf: a long table as test_pdf_tags renders it, and papers
    made by `scrutiny paper`, caught on their way into fix_pdf."""
    made = {"long table": render(LONG_TABLE)}
    folder = tmp_path_factory.mktemp("scan")
    caught: list[bytes] = []

    def catch(data: bytes, title: str, lang: str) -> bytes:
        caught.append(data)
        return pdf_tags.fix_pdf(data, title, lang)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_module, "fix_pdf", catch)
        for kind, record in PAPERS:
            caught.clear()
            result = scrutiny("paper", kind, record, "-o", str(folder / f"{record}.pdf"), "--as-of", AS_OF,
                              "--no-cache")
            assert result.exit_code == 0, result.output
            (made[record],) = caught
    return made


def test_the_scan_reads_every_page_weasyprint_writes_as_the_parser_does(weasyprint_pdfs):
    pages = texts = 0
    for name, data in weasyprint_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                marks = assert_read_exactly(page, f"page {number} of {name}")
                pages += 1
                texts += sum(len(shown) for shown in marks.shown.values())
    assert pages >= 15 and texts > 500          # the documents drew what the test is about


# -- hand-written content streams ---------------------------------------------------------------

READ = {
    "nested BDC, BMC and EMC": b"/Artifact BMC <61> Tj /Span <</MCID 0>> BDC <62> Tj /P <</MCID 1>> BDC "
                               b"[<63> -120 <64>] TJ EMC <65> Tj EMC EMC <66> Tj",
    "' and \" and an array shown by '": b"/Span <</MCID 0>> BDC BT <0a0b> ' 1 2.5 <0c0d> \" [<0e>] ' ET EMC",
    "/BDC, /EMC and /TJ as names": b"/BDC <</MCID 0>> BDC /TJ <00> Tj /EMC BMC <01> Tj EMC EMC /BDC /TJ /EMC 3 gs",
    "tokens without spaces": b"q/Span<</MCID 7>>BDC[<00>-5<01>]TJ<02>Tj EMC/Artifact BMC EMC",
    "every kind of whitespace": b"/Span\r\n<<\t/MCID\x0c3\x00>>\rBDC\n<00>\tTj EMC",
    "text outside marked content, and an EMC too many": b"<00> Tj EMC /Span <</MCID 2>> BDC <01> Tj EMC EMC",
    "a dash pattern, and a TJ of numbers only": b"[6 3] 0 d /Span <</MCID 0>> BDC [12 -4.5] TJ EMC [] 0 d",
    "an MCID opened twice": b"/Span <</MCID 5>> BDC EMC /Span <</MCID 2>> BDC <00> Tj EMC /Span <</MCID 5>> BDC "
                            b"<01> Tj EMC",
    "operands a text operator ignores": b"/Span <</MCID 0>> BDC 1 /F true <00> Tj EMC",
    "the empty stream": b"",
}

REFUSED = {
    "a literal string holding BDC and EMC": b"/Span <</MCID 0>> BDC (EMC /P <</MCID 1>> BDC) Tj EMC",
    "a literal string holding EMC": b"/Span <</MCID 0>> BDC (EMC) Tz <00> Tj EMC",
    "a comment": b"/Span <</MCID 0>> BDC % EMC /P <</MCID 1>> BDC\n<00> Tj EMC",
    "an inline image": b"/Span <</MCID 0>> BDC BI /W 1 /H 1 /BPC 8 /CS /G ID \xff EMC EI EMC",
    "ID alone, which starts inline image data": b"/Span <</MCID 0>> BDC ID EMC /P <</MCID 1>> BDC EI EMC",
    "a hex string with spaces, holding BDC": b"/Span <</MCID 0>> BDC <0A BDC> Tj EMC",
    "a hex string with an odd digit": b"/Span <</MCID 0>> BDC <001> Tj EMC",
    "a BDC dictionary with another key": b"/Span <</Lang /en /MCID 0>> BDC <00> Tj EMC",
    "a BDC dictionary inside a dictionary": b"/Span <</MCID 0 /A <</O /Layout>>>> BDC <00> Tj EMC",
    "a named property list": b"/Span /P1 BDC <00> Tj EMC /P <</MCID 1>> BDC EMC",
    "fix_pdf's own artifact": b"/Artifact <</Type /Pagination>> BDC <00> Tj EMC /Span <</MCID 0>> BDC EMC",
    "a number before a BDC": b"1 /Span <</MCID 0>> BDC <00> Tj EMC",
    "true before a BDC": b"true /Span <</MCID 0>> BDC <00> Tj EMC",
    "a name before a BDC": b"/X /Span <</MCID 0>> BDC <00> Tj EMC",
    "an array left open": b"[1 Q /Span <</MCID 0>> BDC <00> Tj EMC",
    "a dictionary left open": b"<</A 1 Q /Span <</MCID 0>> BDC <00> Tj EMC",
    "a stray >>": b"q >> /Span <</MCID 0>> BDC <00> Tj EMC",
    "a name as a text operand": b"/Span <</MCID 0>> BDC /F1 Tj EMC",
    "a number after the string": b"/Span <</MCID 0>> BDC <00> 5 Tj EMC",
    "an array inside a TJ array": b"/Span <</MCID 0>> BDC [<00> [<01>]] TJ EMC",
    "a string before a TJ array": b"/Span <</MCID 0>> BDC <00> [<01>] TJ EMC",
    "BDC as part of a word": b"/Span <</MCID 0>> BDCx <00> Tj EMC",
    "a vertical tab, whitespace to qpdf only": b"/Span\x0b<</MCID\x0b0>>\x0bBDC <00> Tj EMC",
}


@pytest.mark.parametrize("contents", READ.values(), ids=list(READ))
def test_plain_content_is_read_as_the_parser_reads_it(contents, page_with):
    assert_read_exactly(page_with(contents))


@pytest.mark.parametrize("contents", REFUSED.values(), ids=list(REFUSED))
def test_content_the_patterns_cannot_read_is_refused_and_parsed(contents, page_with):
    page = page_with(contents)
    assert pdf_tags._scan(page) is None
    marks = pdf_tags._parse(page)                       # what the repair then reads
    assert marks.data is None and (marks.opened, marks.shown) == parsed(page)


def test_a_page_of_several_content_streams_is_parsed(page_with):
    page = page_with(b"/Span <</MCID 0>> BDC", b"<00> Tj EMC")
    assert pdf_tags._scan(page) is None
    marks = pdf_tags._parse(page)
    assert (marks.opened, marks.shown) == parsed(page) == ([0], {0: [b"\0"]})
