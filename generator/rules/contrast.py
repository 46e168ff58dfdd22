"""Colour contrast (WCAG 2.2, success criterion 1.4.3): text needs 4.5:1 against its background."""

from __future__ import annotations


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 definition of relative luminance for an sRGB colour '#rrggbb'."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), lighter over darker."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
