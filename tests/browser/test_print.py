"""A page printed to PDF by Chromium, as a councillor prints it for a meeting: read back
with poppler's pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections import Counter

import pytest
from browser_kit import REPO, open_page


def _printed_text(page, tmp_path) -> str:
    pdf = tmp_path / "printed.pdf"
    page.emulate_media(media="print")                 # the fixture's page is set to screen
    # A4, with the page sizes the stylesheet asks for, as a browser's print dialog honours them.
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_a_printed_link_off_the_site_shows_its_address(page, nginx_site, tmp_path):
    # content/inspections/derby-2025.yaml: report_url, HMIP's page for the Derby City inspection
    open_page(page, nginx_site.url("inspections/derby-2025/index.html"))
    text = _printed_text(page, tmp_path)
    printed = "".join(text.split())                   # an address wraps across lines
    assert "The inspectorate's report" in text and "Skip to main content" not in text
    assert "(https://hmiprobation.justiceinspectorates.gov.uk/document/" \
           "an-inspection-of-youth-justice-work-with-children-and-victims-in-derby-city-2025)" in printed


# The text a reader sees in the page's main content as printed (print styles applied, the
# visually hidden words for screen readers left out).
_MAIN_TEXT_AS_PRINTED = """() => {
  document.querySelectorAll("main .visually-hidden").forEach(e => { e.style.display = "none"; });
  return document.querySelector("main").innerText;
}"""


def _words(text: str) -> Counter:
    """Letters and digits only: a line broken at a hyphen, or punctuation set apart, is the same words."""
    return Counter(re.findall(r"\w+", text))


@pytest.mark.parametrize("page_type", ["standards", "national", "inspections", "inspection", "action-plan",
                                       "service", "meeting", "report"])
def test_every_word_of_a_page_reaches_the_paper(page, nginx_site, tmp_path, page_type):
    """Paper cannot scroll: a table wider than the page (the standards matrices, a column per
    standard) lost its last columns, and the ends of its caption, when printed."""
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        printed = _words(_printed_text(page, tmp_path))
        missing = _words(page.evaluate(_MAIN_TEXT_AS_PRINTED)) - printed
        assert not missing, f"{relative}: printed on A4 without {sorted(missing.elements())[:20]}"


def test_the_printed_standards_matrix_has_every_standard(page, nginx_site, tmp_path):
    # content/inspections/torbay-2021.yaml, from HMIP's report: 3.4 Joint working, Inadequate;
    # and each matrix of the 2018 and 2021 frameworks has a column for 3.4.
    open_page(page, nginx_site.url("standards/index.html"))
    text = _printed_text(page, tmp_path)
    assert text.count("3.4") >= 2 and "each service's latest inspection" in " ".join(text.split())
    torbay = next(line for line in text.splitlines() if line.strip().startswith("Torbay YOT"))
    assert torbay.split()[-1] == "Inadequate", torbay


# Text the page sets in white on a colour: browsers print no backgrounds, so it fades to nothing.
_PALE_TEXT_IN_PRINT = """() => Array.from(document.querySelectorAll("main *"))
  .filter(el => el.getClientRects().length && !el.closest(".visually-hidden")
    && Array.from(el.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
    && getComputedStyle(el).color === "rgb(255, 255, 255)")
  .map(el => el.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("page_type", ["meeting", "report", "inspection", "action-plan", "standards", "home"])
def test_no_white_text_is_left_on_paper_without_its_background(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        page.emulate_media(media="print")
        assert page.evaluate(_PALE_TEXT_IN_PRINT) == [], relative


_BORDERS_IN_PRINT = """() => Array.from(document.querySelectorAll("main .rating, main .rag"))
  .map(el => [el.classList.contains("rating--none") || el.classList.contains("rag--none"),
              getComputedStyle(el).borderTopStyle])"""


@pytest.mark.parametrize("page_type", ["standards", "action-plan"])
def test_on_paper_a_rating_is_boxed_and_not_recorded_is_not_so_it_never_looks_like_one(page, nginx_site, page_type):
    seen = Counter()
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        page.emulate_media(media="print")
        for not_recorded, border in page.evaluate(_BORDERS_IN_PRINT):
            seen[not_recorded, border] += 1
    assert seen[False, "solid"] and seen[True, "none"], seen      # the shipped pages have both kinds
    assert not seen[True, "solid"] and not seen[False, "none"], seen


@pytest.mark.parametrize("page_type", ["inspections", "national"])
def test_a_sortable_tables_headings_print_without_their_sort_arrows(page, nginx_site, tmp_path, page_type):
    # On screen each heading is a button with an arrow (⇅, ▲, ▼); paper cannot sort.
    relative = nginx_site.pages(page_type)[0]
    open_page(page, nginx_site.url(relative))
    assert page.locator(".sortable th button").count() > 0, relative
    text = _printed_text(page, tmp_path)
    assert not {"⇅", "▲", "▼"} & set(text), relative


# What introduces something else: headings, tables' captions, and a ratings table's domain rows
# (each heads the standards below it), as printed: without their words for screen readers only.
_INTRODUCERS = """() => Array.from(document.querySelectorAll("main h2, main h3, main h4, main caption, main .domain-row th"))
  .filter(el => el.getClientRects().length)
  .map(el => { const copy = el.cloneNode(true); copy.querySelectorAll(".visually-hidden").forEach(e => e.remove());
               return copy.textContent.split(/\\s+/).join(" ").trim(); })"""


def pages_ending_with(printed: str, introducers: list[str]) -> list[str]:
    """The printed pages (pdftotext's, split at form feeds) whose last line, or last two lines,
    are the whole of a heading, caption or domain row: left at a page's foot, away from what
    it introduces."""
    wanted = set(introducers)
    found = []
    for number, text in enumerate(printed.split("\f")[:-1], start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        for tail in (lines[-1:], lines[-2:]):
            if tail and " ".join(tail) in wanted:
                found.append(f"page {number} ends with {' '.join(tail)!r}")
                break
    return found


def test_pages_ending_with_finds_a_heading_left_at_a_pages_foot():
    printed = "Ratings\nOverall  Good\n  2. Court disposals\n\f2.1 Assessment  Good\n\f"
    assert pages_ending_with(printed, ["2. Court disposals"]) == ["page 1 ends with '2. Court disposals'"]
    assert pages_ending_with(printed, ["Ratings"]) == []
    assert pages_ending_with("Text\nEach service's latest\ninspection\n\f", ["Each service's latest inspection"])


@pytest.mark.parametrize("page_type", ["about", "standards", "national", "inspection", "action-plan", "service",
                                       "report", "meeting"])
def test_no_printed_page_ends_with_a_heading_away_from_what_it_introduces(page, nginx_site, tmp_path, page_type):
    """'Taking the data away' ended page 1 of the about page, its text on page 2; the standards
    page left each framework's headings at the foot of a portrait page, their matrix on the
    landscape page after it."""
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        printed = _printed_text(page, tmp_path)
        stranded = pages_ending_with(printed, page.evaluate(_INTRODUCERS))
        assert not stranded, f"{relative}: {stranded}"


@pytest.mark.parametrize("page_type", ["inspections", "national"])
def test_how_to_sort_and_filter_is_not_printed(page, nginx_site, tmp_path, page_type):
    # Paper has no buttons to choose and no filters to use.
    open_page(page, nginx_site.url(nginx_site.first_page(page_type)))
    assert "Choose a column heading's button to sort" in page.locator("main").inner_text()
    text = " ".join(_printed_text(page, tmp_path).split())
    assert "newest first." in text and "Choose a column heading" not in text and "use the filters" not in text


# What a reader could type in or press, as shown in the page's main content.
_CONTROLS_SHOWN = """() => Array.from(document.querySelectorAll("main input, main button, main select, main textarea, main label"))
  .filter(el => el.getClientRects().length).map(el => el.outerHTML.slice(0, 80))"""


def test_the_printed_search_page_shows_its_results_and_nothing_to_type_in_or_press(page, nginx_site, tmp_path):
    open_page(page, nginx_site.url("search/index.html"))
    page.fill(".pagefind-ui__search-input", "Torbay")
    page.locator(".pagefind-ui__result").first.wait_for()
    text = _printed_text(page, tmp_path)              # in print media from here on
    assert page.evaluate(_CONTROLS_SHOWN) == []
    words = " ".join(text.split())
    assert re.search(r"\d+ results? for Torbay", words) and "Torbay Youth Offending Team" in words
    assert "Search the site" not in words and "Clear" not in words and "Load more results" not in words


# A preview's warning, as printed: each banner's text colour and whether it is shown.
_PREVIEW_BANNERS_IN_PRINT = """() => Array.from(document.querySelectorAll("body > [role=note]"))
  .map(el => [el.textContent.trim().split(/\\s+/).slice(0, 4).join(" "), getComputedStyle(el).color,
              el.getClientRects().length > 0])"""
_INK = "rgb(11, 12, 12)"           # style.css --ink


def test_a_printed_preview_says_it_is_not_for_publication_in_ink(page, nginx_site, tmp_path):
    """A councillor printing a preview (`build --drafts`, `serve --as-of` a moment to come, a
    rehearsal: `build --as-of` one) took its warning home in white on no background: browsers
    print no backgrounds, so the red banner's words faded to a pale grey that read like the live site."""
    from generator.authoring.serve import inject_at_top, moment_banner
    from generator.clock import LONDON

    drafts = tmp_path / "preview"                     # never into a served site: build refuses
    done = subprocess.run([sys.executable, "-m", "generator", "-C", str(REPO), "build", "-q", "--no-pdf",
                           "--no-search", "--drafts", "--as-of", "2098-01-01", "-o", str(drafts)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    # serve --as-of puts its banner at the top of each page it sends: here, of the preview's about
    # page, copied beside the served one so that its stylesheet and links resolve alike.
    later = moment_banner(dt.datetime(2099, 1, 1, tzinfo=LONDON), now=dt.datetime(2026, 1, 1, tzinfo=LONDON))
    planted = nginx_site.root / "about" / "served-as-of.html"
    planted.write_bytes(inject_at_top((drafts / "about" / "index.html").read_bytes(), later))
    try:
        open_page(page, nginx_site.url("about/served-as-of.html"))
    finally:
        planted.unlink()
    page.emulate_media(media="print")
    assert page.evaluate(_PREVIEW_BANNERS_IN_PRINT) == [["PREVIEW as at 2099-01-01", _INK, True],
                                                        ["PREVIEW as at 2098-01-01", _INK, True],
                                                        ["DRAFT — not for", _INK, True]]
