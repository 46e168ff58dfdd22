"""How pages look: screenshots of every page type at desktop and phone width, no sideways
scrolling at 375 px (WCAG 1.4.10 Reflow), and a print stylesheet without the navigation.

Screenshots go to tests/artifacts/screenshots/ (git-ignored) for a person to look at;
the assertions are the reflow and print rules.
"""

from __future__ import annotations

import pytest
from browser_kit import DESKTOP, PAGE_TYPES, PHONE, open_page

_WIDTHS = {"1280": DESKTOP, "375": PHONE}


def _settle(page, page_type: str) -> None:
    if page_type == "search":
        page.wait_for_selector(".pagefind-ui__search-input")
    page.evaluate("() => document.fonts.ready")


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_screenshots_of_page_type_at_1280_and_375(page, nginx_site, screenshot_dir, page_type):
    relative = nginx_site.first_page(page_type)
    for label, viewport in _WIDTHS.items():
        page.set_viewport_size(viewport)
        open_page(page, nginx_site.url(relative))
        _settle(page, page_type)
        target = screenshot_dir / f"page-{page_type}-{label}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 5_000, f"{target} looks empty"


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_horizontal_scrolling_at_375px(page, nginx_site, page_type):
    page.set_viewport_size(PHONE)
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        _settle(page, page_type)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate("""(limit) => Array.from(document.querySelectorAll("body *"))
                .filter(el => el.getBoundingClientRect().right > limit + 1)
                .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= limit + 1)
                .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
                                 " right=" + Math.round(el.getBoundingClientRect().right))""", PHONE["width"])
            pytest.fail(f"{relative}: scrollWidth {width} > {PHONE['width']}; too wide: {wide}")


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_print_stylesheet_hides_navigation(page, nginx_site, page_type):
    open_page(page, nginx_site.url(nginx_site.first_page(page_type)))
    page.emulate_media(media="print")
    for selector in (".site-nav", ".site-header", ".breadcrumbs", ".skip-link", ".site-footer"):
        assert not page.locator(selector).first.is_visible(), f"{selector} is printed"
    assert page.locator("main h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".site-nav").is_visible(), "the navigation is hidden on screen too"


# Each badge's text colour, as printed: browsers print no backgrounds unless told to.
_BADGE_COLOURS = """() => Array.from(document.querySelectorAll(".rating, .rag, .designation"))
  .map(el => ({text: el.textContent.trim(), colour: getComputedStyle(el).color}))"""


def _contrast_on_white(rgb: str) -> float:
    """WCAG contrast of an `rgb(r, g, b)` colour against white paper."""
    channels = [int(v) / 255 for v in rgb.removeprefix("rgba(").removeprefix("rgb(").rstrip(")").split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_contrast_on_white_matches_known_values():
    assert round(_contrast_on_white("rgb(255, 255, 255)"), 2) == 1.0
    assert round(_contrast_on_white("rgb(0, 0, 0)"), 2) == 21.0
    assert round(_contrast_on_white("rgb(118, 118, 118)"), 2) == 4.54


@pytest.mark.parametrize("page_type", ["inspection", "action-plan", "report", "service", "standards"])
def test_printed_ratings_and_rag_words_are_readable_without_backgrounds(page, nginx_site, page_type):
    """A councillor's printout (backgrounds off, the browsers' default) keeps every rating, RAG and
    designation word at 4.5:1 on white paper (WCAG 1.4.3): white text on a dropped background is not."""
    found = 0
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        page.emulate_media(media="print")
        badges = page.evaluate(_BADGE_COLOURS)
        found += len(badges)
        faint = [f"{b['text']!r} {b['colour']}" for b in badges if _contrast_on_white(b["colour"]) < 4.5]
        assert not faint, f"{relative}: printed too faint on white: {faint}"
    assert found, f"no rating, RAG or designation badge on any {page_type} page"


# WCAG 1.4.12's text spacing, as a user's style sheet sets it: added through the CSSOM, which the
# site's Content-Security-Policy allows where it refuses a <style> element.
_TEXT_SPACING = """() => {
  const sheet = document.styleSheets[0];
  sheet.insertRule("* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }", sheet.cssRules.length);
  sheet.insertRule("p { margin-bottom: 2em !important; }", sheet.cssRules.length);
}"""
REFLOW = {"width": 320, "height": 256}


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_horizontal_scrolling_at_320px_with_text_spacing(page, nginx_site, page_type):
    """WCAG 1.4.10 and 1.4.12 together: at 320 CSS px with the text spacing a reader may set, the
    page never scrolls sideways (a wide data table scrolls inside itself)."""
    _assert_no_sideways_scrolling_at_320px(page, nginx_site, page_type, _TEXT_SPACING, "with text spacing")


def _assert_no_sideways_scrolling_at_320px(page, nginx_site, page_type: str, script: str, after: str) -> None:
    """Every page of the type, at 320 CSS px, after `script` has run, is no wider than the screen."""
    page.set_viewport_size(REFLOW)
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        _settle(page, page_type)
        page.evaluate(script)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= REFLOW["width"], f"{relative}: scrollWidth {width} > {REFLOW['width']} {after}"


# Words for screen readers only, put at the end of every table's first body row, as a link's
# hidden words ("Agenda pack: Cabinet, 16 March 2022 (PDF)") are in the meetings index.
_HIDDEN_WORDS_IN_TABLES = """() => { for (const table of document.querySelectorAll("table")) {
  const cell = table.querySelector("tbody tr:first-child > :last-child");
  if (!cell) continue;
  const words = document.createElement("span");
  words.className = "visually-hidden";
  words.textContent = ": words a screen reader reads and no one sees, as many as a committee's long name";
  cell.appendChild(words); } }"""


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_hidden_words_in_a_scrolling_table_never_widen_the_page_at_320px(page, nginx_site, page_type):
    """A visually hidden element is positioned absolutely: in a table that scrolls inside itself
    at 320 px, placed from a containing block outside the table, it widened the page (WCAG 1.4.10)."""
    _assert_no_sideways_scrolling_at_320px(page, nginx_site, page_type, _HIDDEN_WORDS_IN_TABLES, "with hidden words")
