"""WCAG 2.5.8 Target Size (Minimum), measured: a link in a table cell that is not part of a sentence
(a cell of links and separators: "R1, R2, R3") is 24 by 24 CSS px, or its 24 px circle touches no
other target. axe-core passes such links as inline text, so this measures them itself."""

from __future__ import annotations

import math

import pytest
from browser_kit import DESKTOP, PHONE, open_page

# Each target on the page (links, buttons, fields) as its box, and whether it stands in a cell
# whose text is its links only: the cells 2.5.8's inline exception does not cover.
_TARGETS = r"""() => {
  const cellOfLinksOnly = (el) => { const cell = el.closest("td, th"); if (!cell) return false;
    const words = Array.from(cell.childNodes).filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join("").replace(/[\s,;·|–-]/g, "");
    return words === ""; };
  return Array.from(document.querySelectorAll("a[href], button, input, select, summary"))
    .filter(el => el.getClientRects().length && !el.closest(".visually-hidden") && !el.classList.contains("skip-link"))
    .map(el => { const r = el.getBoundingClientRect();
      return {name: el.textContent.trim().slice(0, 30), x: r.left, y: r.top, w: r.width, h: r.height,
              inCell: cellOfLinksOnly(el)}; });
}"""

SIZE = 24


def _undersized(t: dict) -> bool:
    return t["w"] < SIZE or t["h"] < SIZE


def _centre(t: dict) -> tuple[float, float]:
    return t["x"] + t["w"] / 2, t["y"] + t["h"] / 2


def _distance_to_box(point: tuple[float, float], t: dict) -> float:
    dx = max(t["x"] - point[0], 0, point[0] - (t["x"] + t["w"]))
    dy = max(t["y"] - point[1], 0, point[1] - (t["y"] + t["h"]))
    return math.hypot(dx, dy)


def crowded_targets(targets: list[dict]) -> list[str]:
    """The undersized targets in cells of links whose 24 px circle (centred on the target) meets
    another target, or another undersized target's circle: 2.5.8's spacing exception failed."""
    found = []
    for t in targets:
        if not t["inCell"] or not _undersized(t):
            continue
        centre = _centre(t)
        for other in targets:
            if other is t:
                continue
            if _undersized(other):
                gap = math.dist(centre, _centre(other))
                crowded = gap < SIZE
            else:
                gap = _distance_to_box(centre, other)
                crowded = gap < SIZE / 2
            if crowded:
                found.append(f"{t['name']!r} ({t['w']:.0f}x{t['h']:.0f}) is {gap:.1f} px from {other['name']!r}")
                break
    return found


def test_crowded_targets_tells_spaced_links_from_crowded_ones():
    link = {"name": "R1", "x": 0, "y": 0, "w": 20, "h": 17, "inCell": True}
    below = {**link, "name": "R3", "y": 22}
    assert crowded_targets([link, below])
    assert not crowded_targets([link, {**below, "y": 25}])
    assert not crowded_targets([{**link, "inCell": False}, {**below, "inCell": False}])
    assert not crowded_targets([{**link, "w": 24, "h": 24}, {**below, "w": 24, "h": 24, "y": 24}])


@pytest.mark.parametrize("width", [DESKTOP, PHONE, {"width": 320, "height": 256}], ids=lambda v: str(v["width"]))
@pytest.mark.parametrize("page_type", ["action-plan", "inspections", "services", "standards", "meetings", "national"])
def test_links_in_table_cells_meet_the_minimum_target_size(page, nginx_site, page_type, width):
    page.set_viewport_size(width)
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        crowded = crowded_targets(page.evaluate(_TARGETS))
        assert not crowded, f"{relative} at {width['width']} px: targets under 24x24 px too close:\n  " + \
            "\n  ".join(crowded)


# Each link of a cell of recommendations ("R1, R2"): its box, the right edge of its words, and the
# left edge of the comma after it (none after the last).
_ANSWERS = r"""() => Array.from(document.querySelectorAll("td.answers a")).map(a => {
  const box = a.getBoundingClientRect();
  const words = document.createRange(); words.selectNodeContents(a.firstChild);
  const after = a.nextSibling; let comma = null;
  if (after && after.nodeType === Node.TEXT_NODE && after.textContent.startsWith(",")) {
    const r = document.createRange(); r.setStart(after, 0); r.setEnd(after, 1); comma = r.getBoundingClientRect().left;
  }
  return {name: a.firstChild.textContent, left: box.left, right: box.right, top: box.top, w: box.width, h: box.height,
          wordsEnd: words.getBoundingClientRect().right, comma: comma};
})"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=lambda v: str(v["width"]))
def test_recommendation_links_read_r1_comma_and_stay_24_px_targets_apart(page, nginx_site, linked_plan_site, width):
    """A 24 px box wider than "R1" left a gap before its comma ("R1 , R2 ,"): the comma follows
    the words, while each link stays 24 by 24 px and clear of the next."""
    page.set_viewport_size(width)
    for relative in [linked_plan_site + "action-plans/torbay-2021-oocd/index.html"]:
        open_page(page, nginx_site.url(relative))
        links = page.evaluate(_ANSWERS)
        assert [link["name"] for link in links][:3] == ["R1", "R2", "R3"], links
        assert any(link["comma"] is not None for link in links), relative
        for link, following in zip(links, links[1:] + [None]):
            assert link["w"] >= SIZE and link["h"] >= SIZE, f"{relative}: {link}"
            if link["comma"] is not None:
                assert abs(link["comma"] - link["wordsEnd"]) < 0.5, f"{relative}: a gap before the comma after {link}"
            if following is not None and following["top"] == link["top"]:
                assert following["left"] >= link["right"], f"{relative}: {link['name']} overlaps {following['name']}"
