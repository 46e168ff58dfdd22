"""Charts as inline SVG, drawn at build time: no JavaScript, and WeasyPrint renders them too.

Every chart has a <title> and <desc> (announced by screen readers, used as the PDF's
alt text) and sits beside a table with the same numbers. Colour is never the only
carrier of meaning: bars carry their values and labels as text.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup

from generator.figures import Figure, number_text

# Colours reach 3:1 against white (WCAG 1.4.11 non-text contrast).
RATING_COLOURS = {"Outstanding": "#00703c", "Good": "#1d70b8", "Requires improvement": "#b35a00",
                  "Inadequate": "#b10e1e"}
SERIES_COLOURS = ["#1d4f91", "#b35a00", "#00703c", "#6f2c91"]
SERIES_DASHES = ["", "6 3", "2 3", "8 3 2 3"]
# A point's mark: a period drawn alone has no line, so its dash cannot tell the series apart.
SERIES_MARKERS = ["circle", "square", "triangle", "diamond"]
INK = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None       # None: not recorded, so no bar is drawn (never a bar of 0)
    colour: str = SERIES_COLOURS[0]
    note: str = ""            # extra text after the value, e.g. the rating word
    shown: str = ""           # the value as the table beside the chart prints it; "" for the number


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float) -> str:
    """A figure from a record as written ('0.10', '1,260.50'); a computed one, such as an axis step, briefly."""
    if isinstance(value, Figure):
        return number_text(value)
    return f"{value:g}" if value != int(value) else f"{int(value)}"


def horizontal_bars(chart_id: str, title: str, description: str, bars: Sequence[Bar],
                    maximum: float | None = None, unit: str = "", label_width: int = 190,
                    width: int = 640, marks: Sequence[tuple[float, str]] = ()) -> Markup:
    """A horizontal bar chart; `marks` draws labelled vertical lines (e.g. band boundaries)."""
    row = 28
    top = 8
    height = top + row * len(bars) + 28
    top_value = maximum or max((b.value for b in bars if b.value is not None), default=1) or 1
    plot = width - label_width - 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">',
        f'<title id="{chart_id}-t">{_esc(title)}</title><desc id="{chart_id}-d">{_esc(description)}</desc>',
    ]
    for value, text in marks:
        x = label_width + plot * value / top_value
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}" '
                     f'stroke-dasharray="3 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" '
                     f'fill="{INK}">{_esc(text)}</text>')
    for index, bar in enumerate(bars):
        y = top + index * row
        w = 0 if bar.value is None else max(plot * bar.value / top_value, 1.5 if bar.value else 0)
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" font-size="13" text-anchor="end" '
                     f'fill="{INK}">{_esc(bar.label)}</text>')
        if bar.value is not None:
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 10}" '
                         f'fill="{bar.colour}"/>')
        value_text = (bar.shown or f"{_fmt(bar.value)}{unit}") + (f" {bar.note}" if bar.note else "")
        parts.append(f'<text x="{label_width + w + 6:.1f}" y="{y + 17}" font-size="13" '
                     f'fill="{INK}">{_esc(value_text)}</text>')
    parts.append(f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{height - 22}" stroke="{INK}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_scale(highest: float, most: int = 6) -> tuple[float, float]:
    """An axis from 0 in round steps (1, 2, 2.5 or 5 times a power of ten) that reaches
    `highest` in at most `most` steps: (top of the axis, step). 268 gives (300, 50)."""
    if highest <= 0:
        return 1.0, 0.25
    power = 10 ** math.floor(math.log10(highest / most))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if math.ceil(highest / step - 1e-9) <= most:
            return round(math.ceil(highest / step - 1e-9) * step, 10), step
    return highest, highest / most


def spread(positions: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions moved apart, as little as may be, so that no two are closer than `gap` and
    all stay within [low, high] (labels that would print over each other)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [min(max(positions[i], low), high) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed = [p - overflow for p in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(positions)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def marker(shape: str, cx: float, cy: float, colour: str) -> str:
    """One point of a series, in the series' shape (SERIES_MARKERS) as well as its colour."""
    if shape == "square":
        return f'<rect x="{cx - 3.5:.1f}" y="{cy - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        corners = ((cx, cy - 5), (cx + 4.5, cy + 3.5), (cx - 4.5, cy + 3.5))
    elif shape == "diamond":
        corners = ((cx, cy - 5), (cx + 5, cy), (cx, cy + 5), (cx - 5, cy))
    else:
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>'
    return f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in corners)}" fill="{colour}"/>'


def line_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
               series: Sequence[Series], width: int = 640, height: int = 260,
               spans: Sequence[object] | None = None) -> Markup:
    """Lines over periods, one per series (an SVG group each), told apart by dash pattern,
    the shape of its points and a text legend as well as colour; every point is labelled with
    its value when there are few, the labels of one period moved apart so that none prints over
    another. `spans` (one per period,
    e.g. its length in months): a line joins only neighbouring periods of the same span, so a
    year and a quarter are drawn as separate marks, not as a trend."""
    left, right, top, bottom = 56, 16, 16, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value, step_value = nice_scale(max(values, default=1))
    n = max(len(labels), 1)
    spans = list(spans) if spans is not None else [None] * len(labels)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">',
        f'<title id="{chart_id}-t">{_esc(title)}</title><desc id="{chart_id}-d">{_esc(description)}</desc>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{INK}"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>',
    ]
    for step in range(round(top_value / step_value) + 1):
        v = step_value * step
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="{INK}">{_esc(_fmt(round(v, 6)))}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" '
                     f'fill="{INK}">{_esc(label)}</text>')
    # Value labels: each period's, moved apart vertically (a baseline 12 units from the next).
    label_y: dict[tuple[int, int], float] = {}
    for i in range(len(labels)):
        here = [(index, y(s.values[i]) - 6) for index, s in enumerate(series)
                if i < len(s.values) and s.values[i] is not None]
        for (index, _), placed in zip(here, spread([p for _, p in here], 12, top + 10, top + plot_h - 2)):
            label_y[(index, i)] = placed
    for index, s in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        dash = SERIES_DASHES[index % len(SERIES_DASHES)]
        shape = SERIES_MARKERS[index % len(SERIES_MARKERS)]
        parts.append("<g>")
        points = [(i, x(i), y(v), v) for i, v in enumerate(s.values) if v is not None]
        runs: list[list[tuple[float, float]]] = []
        for k, (i, px, py, _) in enumerate(points):
            if k and points[k - 1][0] == i - 1 and spans[i] == spans[i - 1]:
                runs[-1].append((px, py))
            else:
                runs.append([(px, py)])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                             f'{dash_attr}/>')
        for i, px, py, v in points:
            parts.append(marker(shape, px, py, colour))
            if len(labels) <= 6:
                parts.append(f'<text x="{px + 6:.1f}" y="{label_y[(index, i)]:.1f}" font-size="11" fill="{INK}">'
                             f'{_esc(_fmt(v))}</text>')
        legend_y = height - 30 + (index // 2) * 16
        legend_x = left + (index % 2) * 280
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 28}" y2="{legend_y}" '
                     f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts.append(marker(shape, legend_x + 14, legend_y, colour))
        parts.append(f'<text x="{legend_x + 34}" y="{legend_y + 4}" font-size="12" fill="{INK}">{_esc(s.name)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
