"""Figures as the record wrote them, and how a page or a paper prints a figure.

The standard is "only what was published": a figure a record transcribes (a key question's
64.5%, a custody rate of 0.10, a population of 39,924) prints as it was written, never
rounded to another precision. A percentage Scrutiny computes prints whole when it is whole
(3 of 4: 75%) and otherwise to one place, a half rounded up as a spreadsheet's ROUND does
(5 of 8: 62.5%; 11 of 17: 64.7%): never as a whole number it is not, since a 64.7% printed
'65%' would sit beside its band, Requires improvement, and HMIP's legend '65-79% Good'.
Our YAML loader hands every scalar over as the text written (load/yaml_source.py), so the
text of a recorded figure is there to keep, trailing zeros and all.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic_core import PydanticCustomError

# What a page or paper prints for a figure the record does not give: never 0, nor a dash
# that a reader may take for nil.
NOT_RECORDED = "not recorded"

# A figure written plainly: digits, perhaps a point and more digits, perhaps a sign.
_PLAIN = re.compile(r"([+-]?)0*(\d+(?:\.\d+)?)")
# A figure as a source could print it: no '_' between digits, no exponent ('1e3').
_PRINTABLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
# ... and as copied from a report: commas between thousands (1,260.5), a % sign (64.5%).
_COPIED = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
# ... and with a decimal comma, as a European source or spreadsheet writes it (64,5 or 64,5%): no
# thousands grouping, which always has three digits after each comma.
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+%?")


class Figure(float):
    """A number from a record that remembers how it was written ('64.50', '0.29'): it sums,
    compares and bands as the number it is, and prints as its `text`."""

    __slots__ = ("text",)

    def __new__(cls, value: float, text: str) -> "Figure":
        figure = super().__new__(cls, value)
        figure.text = text
        return figure

    def __reduce__(self):
        return Figure, (float(self), self.text)

    # '64.5' and '64.50' are the same number written differently: a record edited from one
    # to the other has changed what the page prints, so they are not equal.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Figure) and other.text != self.text:
            return False
        return float.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = float.__hash__


def written_as(value: Any, number: float) -> str:
    """The text a figure is printed as: as written ('64.50', '0.10'; a leading '+' or zero
    dropped), or, for one not written plainly ('1e3', or a number given by a program), the
    number in plain digits ('1000')."""
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value.strip())
        if plain:
            sign = "-" if plain.group(1) == "-" and number != 0 else ""
            return sign + plain.group(2)
    if float(number).is_integer():
        return str(int(number))
    return format(Decimal(repr(float(number))), "f")


def held_exactly(value: str, number: float) -> bool:
    """Does the float hold the number written? Bands, sums and the JSON use the float, pages
    the text: '64.9999999999999999999' is 65.0 as a float, which bands Good while the page
    prints a figure below Good's 65, and '1e-400' is 0."""
    try:
        return Decimal(value.strip()) == Decimal(repr(float(number)))
    except InvalidOperation:            # a form float reads and Decimal does not: not one to print
        return False


def keep_as_written(value: Any, handler) -> Any:
    """Pydantic wrap validator: validate the number as before, and keep the text written."""
    if isinstance(value, str) and _COPIED.fullmatch(value.strip()) and ("," in value or "%" in value):
        # A figure copied from the report with its comma or % sign: say what to type, not just "a number".
        bare = value.strip().removesuffix("%").replace(",", "")
        raise PydanticCustomError("figure", "'{value}' has a comma or a % sign", {
            "value": value.strip(), "hint": f"type {bare}: pages add the commas, and a percentage's %, themselves"})
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value.strip()):
        point = value.strip().removesuffix("%").replace(",", ".")
        raise PydanticCustomError("figure", "'{value}' has a decimal comma", {
            "value": value.strip(), "hint": f"type {point}: a figure's decimal point is a full stop"})
    number = handler(value)
    if isinstance(value, str) and not _PRINTABLE.fullmatch(value.strip()):
        raise PydanticCustomError("figure", "'{value}' is not a figure as a source prints it", {
            "value": value.strip(), "hint": "type it in plain figures, without '_' or an exponent: e.g. 1000, not "
                                            "1_000 or 1e3"})
    if isinstance(value, str) and not held_exactly(value, number):
        raise PydanticCustomError("figure", "'{value}' has more digits than a figure can hold (it would be {number})", {
            "value": value.strip(), "number": repr(float(number)),
            "hint": "type the figure as the source prints it: at most 15 digits"})
    # '-0' prints as 0, so it is the number 0 in the data files too, never -0.0.
    return Figure(number + 0.0, written_as(value, number))


def computed_percent(value: float) -> str:
    """A computed percentage's digits: '75' for 75; '62.5', '64.7' (64.705...) to one place,
    half up; to more where one place would show a whole number it is not (64.957... is
    '64.96', not '65.0'), as bands start at whole percentages."""
    exact = Decimal(repr(float(value)))
    if exact == exact.to_integral_value():
        return str(int(exact))
    places = 1
    while True:
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if shown != shown.to_integral_value():
            return str(shown)
        places += 1


def percent_text(value: float | None) -> str:
    """'64.5%' for a percentage recorded as 64.5; '62.5%' for one computed as 62.5, '64.7%'
    for one computed as 64.705... (`computed_percent`)."""
    if value is None:
        return NOT_RECORDED
    return f"{value.text}%" if isinstance(value, Figure) else f"{computed_percent(value)}%"


def number_text(value: float | None) -> str:
    """'2.455', '0.10', '1,260.50' for figures recorded so (thousands grouped, as councils
    print them); a computed one to at most two places ('3.33')."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, Figure):
        sign = "-" if value.text.startswith("-") else ""
        whole, point, places = value.text.lstrip("-").partition(".")
        return f"{sign}{int(whole):,}{point}{places}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
