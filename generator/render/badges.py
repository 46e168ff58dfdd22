"""Ratings and RAG statuses as HTML: always a word; colour (from the stylesheet) only adds to it.

These were Jinja macros. An action plan page shows about three hundred of them and a
macro call costs ~20 µs, so they are filters (which Jinja calls directly) whose few
distinct results are cached: `{{ value|rating }}`, `{{ value|rating(advisory=true) }}`,
`{{ status|rag }}` and `{{ status|rag(overdue) }}`.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from generator.model.types import RAG, Rating


def rating_slug(rating: Rating | str | None) -> str:
    """The CSS modifier of a rating: 'requires-improvement'."""
    if rating is None:
        return "none"
    value = rating.value if isinstance(rating, Rating) else str(rating)
    return value.lower().replace(" ", "-")


@lru_cache(maxsize=None)
def rating(value: Rating | None, advisory: bool = False) -> Markup:
    """A published rating, or an advisory (computed) one: styled apart, never starred."""
    if not value:
        return Markup('<span class="rating rating--none">Not rated</span>')
    modifier = " rating--advisory" if advisory else ""
    star = ' <span aria-hidden="true">&#9733;</span>' if value is Rating.OUTSTANDING and not advisory else ""
    return Markup(f'<span class="rating rating--{rating_slug(value)}{modifier}">{escape(value.value)}{star}</span>')


@lru_cache(maxsize=None)
def rag(status: RAG | None, overdue: bool = False) -> Markup:
    """A red/amber/green status in words ('Amber'), and 'Overdue' beside it when it is."""
    if status:
        badge = f'<span class="rag rag--{escape(status.value)}">{escape(status.value.capitalize())}</span>'
    else:
        badge = '<span class="rag rag--none">Not started</span>'
    return Markup(badge + (' <span class="overdue">Overdue</span>' if overdue else ""))
