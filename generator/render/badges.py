"""Ratings and RAG statuses as HTML: always a word; colour (from the stylesheet) only adds to it.

They are filters rather than Jinja macros because an action plan page shows hundreds of
them and Jinja calls a filter directly, where a macro call is costly; their few distinct
results are cached: `{{ value|rating }}`, `{{ value|rating(advisory=true) }}`,
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


NOT_RECORDED = Markup('<span class="rating rating--none">Not recorded</span>')
NOT_RATED = Markup('<span class="rating rating--none">Not rated</span>')


@lru_cache(maxsize=None)
def rating(value: Rating | None, advisory: bool = False) -> Markup:
    """A published rating, or an advisory (computed) one: styled apart, never starred. No
    rating is *not recorded*: the record does not say (never "Not rated", which would say
    the inspectorate rated nothing)."""
    if not value:
        return NOT_RECORDED
    modifier = " rating--advisory" if advisory else ""
    # The star is hidden from screen readers, and from the search index whose words name results' links.
    star = ' <span aria-hidden="true" data-pagefind-ignore>&#9733;</span>' if value is Rating.OUTSTANDING and not advisory else ""
    return Markup(f'<span class="rating rating--{rating_slug(value)}{modifier}">{escape(value.value)}{star}</span>')


def standard_rating(result) -> Markup:
    """A standard's published rating; "Not rated" only where the record says the inspectorate
    did not rate it (`not rated`), "Not recorded" where the record does not say."""
    return NOT_RATED if result.not_rated else rating(result.published)


@lru_cache(maxsize=None)
def rag(status: RAG | None, overdue: bool = False) -> Markup:
    """A RAG status in words ('Amber', 'Not started'), and 'Overdue' beside it when it is."""
    if status:
        badge = f'<span class="rag rag--{escape(status.slug)}">{escape(status.value.capitalize())}</span>'
    else:
        badge = '<span class="rag rag--none">Not recorded</span>'
    return Markup(badge + (' <span class="overdue">Overdue</span>' if overdue else ""))
