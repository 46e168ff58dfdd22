"""No text in the theme falls below WCAG AA contrast; charts' marks reach 3:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.render import charts

STYLE = Path(__file__).resolve().parent.parent / "generator/theme/assets/style.css"


def luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance."""
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)   # the classic AA grey


def theme_variables() -> dict[str, str]:
    css = STYLE.read_text()
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", root))


# (foreground, background) pairs the theme actually uses for text, by variable name or literal.
TEXT_PAIRS = [
    ("ink", "paper"), ("muted", "paper"), ("link", "paper"), ("visited", "paper"), ("ink", "focus"),
    ("ink", "panel"), ("muted", "panel"), ("link", "panel"),
    ("#ffffff", "brand"), ("#ffffff", "outstanding"), ("#ffffff", "good"), ("#ffffff", "ri"),
    ("#ffffff", "inadequate"), ("#ffffff", "red"), ("#ffffff", "amber"), ("#ffffff", "green"),
    ("#ffffff", "complete"), ("#ffffff", "not-started"), ("outstanding", "paper"), ("good", "paper"), ("ri", "paper"),
    ("inadequate", "paper"), ("red", "paper"),
]


@pytest.mark.parametrize("foreground, background", TEXT_PAIRS)
def test_theme_text_colour_pairs_reach_aa(foreground, background):
    variables = theme_variables()
    fg = variables.get(foreground, foreground)
    bg = variables.get(background, background)
    assert contrast(fg, bg) >= 4.5, f"{foreground} {fg} on {background} {bg}: {contrast(fg, bg):.2f}"


def test_every_hard_coded_text_colour_in_the_css_reaches_aa_on_white_or_its_background():
    css = STYLE.read_text()
    variables = theme_variables()
    for rule in re.findall(r"\{([^{}]*)\}", css):
        colour = re.search(r"(?<![-a-z])color:\s*(#[0-9a-fA-F]{3,6}|var\(--([a-z-]+)\))", rule)
        background = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6}|var\(--([a-z-]+)\))", rule)
        if not colour:
            continue
        fg = variables[colour.group(2)] if colour.group(2) else colour.group(1)
        bg = (variables[background.group(2)] if background.group(2) else background.group(1)) if background \
            else "#ffffff"
        if fg.lower() in ("#fff", "#ffffff") and not background:
            continue                       # white text is always set on a coloured background rule
        assert contrast(fg, bg) >= 4.5, f"rule {{{rule.strip()[:80]}}}: {contrast(fg, bg):.2f}"


@pytest.mark.parametrize("name, colour", sorted(charts.RATING_COLOURS.items()))
def test_chart_rating_colours_reach_3_to_1_against_white(name, colour):
    assert contrast(colour, "#ffffff") >= 3.0


def test_the_shipped_councils_colours_carry_white_text():
    import yaml
    for path in sorted((Path(__file__).resolve().parent.parent / "content/councils").glob("*.yaml")):
        colour = yaml.safe_load(path.read_text()).get("colour")
        if colour:
            assert contrast("#ffffff", colour) >= 4.5, path.name
