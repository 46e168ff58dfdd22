"""High contrast (Windows' contrast themes: forced colours), emulated in Chromium: a chart's
words and marks stay readable on the theme's background, dark or light. Browsers force the
colours of HTML text but leave an SVG's fill and stroke as drawn."""

from __future__ import annotations

import pytest
from browser_kit import open_page

# Each chart element's paint (a text's or shape's fill, a line's stroke) as a colour, the theme's
# page background (Canvas) as the body's.
_CHART_PAINTS = """() => {
  const paint = (el) => { const s = getComputedStyle(el);
    return ["line", "polyline"].includes(el.tagName) ? s.stroke : s.fill; };
  return {canvas: getComputedStyle(document.body).backgroundColor,
          marks: Array.from(document.querySelectorAll("svg.chart text, svg.chart line, svg.chart polyline, "
                                                      + "svg.chart rect, svg.chart circle, svg.chart polygon"))
            .map(el => [el.tagName, el.textContent.trim().slice(0, 30), paint(el)])};
}"""


def _luminance(css_colour: str) -> float:
    """WCAG 2.2's relative luminance of an rgb()/rgba() colour."""
    channels = [int(float(part)) / 255 for part in css_colour[css_colour.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_wcags_ratio():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(11, 12, 12)", "rgb(0, 0, 0)") < 1.1      # style.css's ink on a dark theme's black


@pytest.mark.parametrize("scheme", ["dark", "light"])
@pytest.mark.parametrize("page_type", ["service", "national", "inspection", "home"])
def test_a_charts_words_and_marks_stand_out_in_high_contrast(page, nginx_site, page_type, scheme):
    """Under a dark contrast theme a service's indicator chart and the national ratings chart
    drew their labels, values, axes and legend in ink on black: nothing to read. Words need
    4.5:1 against the theme's background, lines, bars and points 3:1 (WCAG 1.4.3, 1.4.11)."""
    charts = 0
    for relative in nginx_site.pages(page_type):
        page.emulate_media(media="screen", forced_colors="active", color_scheme=scheme)
        try:
            open_page(page, nginx_site.url(relative))
            found = page.evaluate(_CHART_PAINTS)
        finally:
            page.emulate_media(forced_colors="none", color_scheme="light")
        charts += bool(found["marks"])
        faint = [(tag, text, colour) for tag, text, colour in found["marks"]
                 if contrast(colour, found["canvas"]) < (4.5 if tag == "text" else 3)]
        assert not faint, f"{relative} on {found['canvas']}: {faint[:8]}"
    assert charts, f"no {page_type} page has a chart: the test checks nothing"
