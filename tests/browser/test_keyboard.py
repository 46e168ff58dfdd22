"""Keyboard use: the skip link, a visible focus indicator on every control, and the
inspections table's sort and filter worked from the keyboard and announced."""

from __future__ import annotations

import re

import pytest
from browser_kit import DESKTOP, PAGE_TYPES, open_page
from playwright.sync_api import expect

# What can take keyboard focus.
FOCUSABLE = ('a[href], button, input:not([type="hidden"]), select, textarea, summary, '
             '[tabindex]:not([tabindex="-1"])')

# For each focusable, its computed style before and while focused.
_FOCUS_STYLES = """(selector) => {
  const props = ["outline-style", "outline-width", "outline-color", "box-shadow", "background-color"];
  const snap = (el) => { const s = getComputedStyle(el);
      return Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)])); };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
      " '" + (el.textContent || el.getAttribute("aria-label") || el.getAttribute("title") || "")
          .trim().slice(0, 40) + "'";
  const shown = (el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
      return s.display !== "none" && s.visibility !== "hidden" && r.width > 0 && r.height > 0
          && !el.closest("[hidden]"); };
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || !shown(el)) continue;
    if (document.activeElement) document.activeElement.blur();
    const before = snap(el);
    el.focus({preventScroll: true});
    const took = document.activeElement === el;
    const after = snap(el);
    el.blur();
    found.push({name: name(el), took, before, after});
  }
  return found;
}"""


def _transparent(colour: str) -> bool:
    """True for 'transparent' and any rgba(..., 0)."""
    if colour == "transparent":
        return True
    parts = colour.replace(" ", "").removesuffix(")").split("(")[-1].split(",")
    return colour.startswith("rgba") and len(parts) == 4 and float(parts[3]) == 0


def focus_indicator(before: dict[str, str], after: dict[str, str]) -> str | None:
    """Which visible change focusing made: an outline, a box shadow or a background; None if none."""
    width = float(after["outline-width"].removesuffix("px") or 0)
    if (after["outline-style"] != "none" and width >= 1 and not _transparent(after["outline-color"])
            and (after["outline-style"], after["outline-width"], after["outline-color"])
            != (before["outline-style"], before["outline-width"], before["outline-color"])):
        return "outline"
    if after["box-shadow"] not in ("none", before["box-shadow"]):
        return "box-shadow"
    if after["background-color"] != before["background-color"] and not _transparent(after["background-color"]):
        return "background"
    return None


def _ready(page, page_type: str) -> None:
    """Wait for what scripts add: the search box on the search page."""
    if page_type == "search":
        page.wait_for_selector(".pagefind-ui__search-input")


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, nginx_site, page_type):
    open_page(page, nginx_site.url(nginx_site.first_page(page_type)))
    page.keyboard.press("Tab")
    first = page.evaluate("() => ({cls: document.activeElement.className,"
                          " href: document.activeElement.getAttribute('href'),"
                          " text: document.activeElement.textContent.trim()})")
    assert first == {"cls": "skip-link", "href": "#main", "text": "Skip to main content"}
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], \
        f"the focused skip link is not on screen: {box}"

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab continues from the main content, not from the header again.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.querySelector('.site-header').contains(document.activeElement)"), \
        "after the skip link, Tab went back into the header"


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_every_focusable_element_shows_visible_focus(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        _ready(page, page_type)
        elements = page.evaluate(_FOCUS_STYLES, FOCUSABLE)
        assert elements, f"{relative}: nothing focusable found"
        cannot = [e["name"] for e in elements if not e["took"]]
        unseen = [f"{e['name']}: before {e['before']} / focused {e['after']}" for e in elements
                  if e["took"] and focus_indicator(e["before"], e["after"]) is None]
        assert not cannot, f"{relative}: cannot take focus: {cannot}"
        assert not unseen, f"{relative}: focus is not visible on:\n  " + "\n  ".join(unseen)


def test_focus_indicator_comparison_tells_a_change_from_none():
    plain = {"outline-style": "none", "outline-width": "0px", "outline-color": "rgb(0, 0, 0)",
             "box-shadow": "none", "background-color": "rgba(0, 0, 0, 0)"}
    assert focus_indicator(plain, dict(plain)) is None
    assert focus_indicator(plain, {**plain, "outline-style": "solid", "outline-width": "3px",
                                   "outline-color": "rgb(255, 221, 0)"}) == "outline"
    assert focus_indicator(plain, {**plain, "outline-style": "solid", "outline-width": "3px",
                                   "outline-color": "rgba(0, 0, 0, 0)"}) is None
    assert focus_indicator(plain, {**plain, "box-shadow": "rgb(11, 12, 12) 0px 4px 0px 0px"}) == "box-shadow"
    assert focus_indicator(plain, {**plain, "background-color": "rgb(255, 221, 0)"}) == "background"
    assert focus_indicator(plain, {**plain, "background-color": "rgba(255, 221, 0, 0)"}) is None


# -- the inspections index: sort and filter by keyboard, announced ------------------------------

def _tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies `predicate_js` (a function of the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {predicate_js}")


def _status(page) -> str:
    return page.locator("#results-status").inner_text().strip()


def _visible_services(page) -> list[str]:
    return page.evaluate("() => Array.from(document.querySelectorAll('#inspections-table tbody tr'))"
                         ".filter(r => !r.hidden).map(r => r.cells[0].getAttribute('data-value'))")


def test_inspections_sort_works_from_the_keyboard_and_is_announced(page, nginx_site):
    open_page(page, nginx_site.url("inspections/index.html"))
    status = page.locator("#results-status")
    assert status.get_attribute("role") == "status"
    assert _status(page) == ""
    services = _visible_services(page)

    # Each column's button is named by the column alone: the arrows drawn beside it are not read.
    for name in ("Service", "Published", "Fieldwork", "Overall rating", "Score"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name

    _tab_to(page, "el => el.tagName === 'BUTTON' && el.textContent === 'Service'")
    page.keyboard.press("Enter")
    header = page.locator("#inspections-table thead th").first
    assert header.get_attribute("aria-sort") == "ascending"
    assert _visible_services(page) == sorted(services, key=str.lower)
    assert _status(page) == "Sorted by Service, ascending."
    assert page.get_by_role("status").inner_text().strip() == "Sorted by Service, ascending."

    page.keyboard.press("Space")
    assert header.get_attribute("aria-sort") == "descending"
    assert _visible_services(page) == sorted(services, key=str.lower, reverse=True)
    assert _status(page) == "Sorted by Service, descending."
    # Only one column claims to be sorted.
    assert page.locator("#inspections-table thead th[aria-sort='ascending'], "
                        "#inspections-table thead th[aria-sort='descending']").count() == 1


def test_inspections_filter_works_from_the_keyboard_and_is_announced(page, nginx_site):
    open_page(page, nginx_site.url("inspections/index.html"))
    rows = page.locator("#inspections-table tbody tr")
    total = rows.count()
    ratings = page.evaluate("() => Array.from(document.querySelectorAll('#inspections-table tbody tr'))"
                            ".map(r => r.getAttribute('data-rating'))")

    _tab_to(page, "el => el.id === 'filter-rating'")
    page.keyboard.press("ArrowDown")          # the first rating after "Any rating"
    chosen = page.locator("#filter-rating").input_value()
    assert chosen, "ArrowDown did not choose a rating"
    shown = ratings.count(chosen)
    assert len(_visible_services(page)) == shown
    assert _status(page) == f"{shown} of {total} inspections shown."

    page.keyboard.press("Home")               # back to "Any rating"
    assert page.locator("#filter-rating").input_value() == ""
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "filter-text"
    first_service = _visible_services(page)[0]
    page.keyboard.type(first_service[:4])
    matching = [s for s in _visible_services(page)]
    assert matching and all(first_service[:4].lower() in s.lower() for s in matching)
    assert _status(page) == f"{len(matching)} of {total} inspections shown."
    page.keyboard.press("Enter")              # submitting the form must not reload the page
    assert _status(page) == f"{len(matching)} of {total} inspections shown."
    assert page.url == nginx_site.url("inspections/index.html")


def test_search_box_is_labelled_and_its_result_count_is_announced(page, nginx_site):
    """A councillor tabs to a labelled box, types a service's name and hears how many pages match."""
    open_page(page, nginx_site.url("search/index.html"))
    page.wait_for_selector(".pagefind-ui__search-input")
    status = page.get_by_role("status")
    assert status.count() == 1 and status.inner_text().strip() == ""

    _tab_to(page, "el => el.classList.contains('pagefind-ui__search-input')")
    box = page.get_by_label("Search the site", exact=True)
    assert page.evaluate("() => document.activeElement.id") == box.get_attribute("id")
    page.keyboard.type("Torbay")
    expect(status).to_have_text(re.compile(r"^\d+ results? for Torbay$"), timeout=10_000)
    page.keyboard.press("Control+A")
    page.keyboard.type("Zzqxnotaword")
    expect(status).to_have_text("No results for Zzqxnotaword", timeout=10_000)
