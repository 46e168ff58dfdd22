"""HTML pages through one Jinja2 environment.

The templates are those the load stage read: a template in the site's own `templates/`
folder replaces the theme's of the same name, so a council overrides one file (say
`_header.html`) without copying the rest. Autoescape is on everywhere; Markdown arrives
already sanitised as Markup.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import jinja2
from jinja2 import nodes
from markupsafe import Markup, escape

from generator import __version__
from generator.clock import london_moment, london_time
from generator.figures import number_text, percent_text
from generator.fingerprint import environment_digest
from generator.images import LOGO_SUFFIXES
from generator.load.files import THEME_TEMPLATES, Template
from generator.model.council import DateStyle
from generator.model.types import DateOrMonth, Rating
from generator.plan.outputs import NOT_FOUND, Output, Plan
from generator.problems import OutputError, Problem, Severity, did_you_mean
from generator.render import badges, national, pages
from generator.render.sources import sources
from generator.render.pack import clock_time, schedule_12a
from generator.render.markdown import markdown_block, markdown_document, markdown_inline, plain_text
from generator.rules.progress import NO_STATUS


def day_number(day: int, style: DateStyle = DateStyle.PLAIN) -> str:
    """'17', or '17th' (1st, 2nd, 3rd, 11th, 22nd ...) for a council that writes ordinals."""
    if style is DateStyle.PLAIN:
        return str(day)
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@lru_cache(maxsize=16384)
def format_date(value: Any, style: DateStyle = DateStyle.PLAIN) -> str:
    """'4 March 2021' (or 'March 2021' for a month; '4th March 2021' in the ordinal style):
    cached, as an action plan page shows hundreds."""
    if value is None:
        return ""
    if isinstance(value, DateOrMonth):
        if value.is_month or style is DateStyle.PLAIN:
            return value.display
        value = value.start
    if isinstance(value, dt.datetime):
        return f"{day_number(value.day, style)} {value:%B %Y %H:%M}"
    return f"{day_number(value.day, style)} {value:%B %Y}"


def format_fieldwork(period: Any, style: DateStyle = DateStyle.PLAIN) -> str:
    """'26 October 2020 to 29 October 2020', 'October 2021', or 'from 8 April 2019' for a start
    day with no end recorded: a day alone would read as fieldwork done in one day."""
    start = format_date(period.from_, style)
    if period.to is not None:
        return f"{start} to {format_date(period.to, style)}"
    return start if period.from_.is_month else f"from {start}"


def format_status_counts(counts: Mapping[str, int]) -> str:
    """'1 green, 11 with no status recorded': the page's and the paper's words for a plan's
    actions at each status ('11 not recorded' would say the actions were not recorded)."""
    return ", ".join(f"{n} {'with no status recorded' if key == NO_STATUS else key}"
                     for key, n in counts.items() if n)


def format_long_date(value: dt.date, style: DateStyle = DateStyle.PLAIN) -> str:
    """'Monday, 1 March 2021', as agendas write it."""
    return f"{value:%A}, {day_number(value.day, style)} {value:%B %Y}"


def format_letter_date(value: dt.date, style: DateStyle = DateStyle.PLAIN) -> str:
    """'Thursday, 04 March 2021': the Date line of a clerk's covering letter pads the day, as
    Modern.Gov's letters (Torbay's of 4 March 2021) do; an ordinal is not padded ('4th')."""
    day = f"{value:%d}" if style is DateStyle.PLAIN else day_number(value.day, style)
    return f"{value:%A}, {day} {value:%B %Y}"


def format_moment(value: dt.datetime, style: DateStyle = DateStyle.PLAIN) -> str:
    """'3 March 2021', or '3 March 2021 at 09:00' for a time other than midnight; in the hour
    the clocks repeat, '25 October 2026 at 01:30 GMT' (which of the two 01:30s it was)."""
    text = f"{day_number(value.day, style)} {value:%B %Y}"
    return text if (value.hour, value.minute) == (0, 0) else f"{text} at {london_time(value)}"


def date_filters(style: DateStyle) -> dict[str, Any]:
    """The filters that write a day, in a council's style (papers); the site's pages use the plain one."""
    return {"date": partial(format_date, style=style), "fieldwork": partial(format_fieldwork, style=style),
            "long_date": partial(format_long_date, style=style),
            "letter_date": partial(format_letter_date, style=style), "moment": partial(format_moment, style=style)}


def page_range(first: int | None, last: int | None) -> str:
    """'Pages 13 - 70', or 'Page 5' for one page: as agenda front sheets print it, in brackets
    ("(Pages 13 - 70)", as "(To Follow)")."""
    if first is None:
        return ""
    return f"Page {first}" if last in (None, first) else f"Pages {first} - {last}"


def _update_html(update, reported: Mapping) -> str:
    """One progress update as HTML: its date (or the meeting it was reported to, `reported`:
    the plan's `ActionPlanView.reported`), its RAG status in words, its note."""
    note = markdown_inline(update.note) if update.note else ""
    if update.reported_to is None:
        when = format_date(update.date)
    else:       # never the day it counts from: no source gives it
        meeting = reported.get(update.reported_to)
        when = (f"As reported to {meeting.committee}, {format_date(meeting.date)}" if meeting
                else f"As reported to a meeting ({update.reported_to})")
    return f'<span class="small">{escape(when)}</span> {badges.rag(update.rag)} {note}'


def progress_update(update, reported: Mapping = MappingProxyType({})) -> Markup:
    """One entry of an action's progress history (the theme lists them with `progress_history`;
    a council's own template may still list them one by one)."""
    return Markup(_update_html(update, reported))


def progress_history(updates, reported: Mapping = MappingProxyType({})) -> Markup:
    """An action's progress history as a list. One filter for the whole list rather than three
    `{{ }}` an update: an action plan page lists hundreds, and each `{{ }}` costs an escape call."""
    return Markup('<ol class="timeline">' + "".join(f"<li>{_update_html(u, reported)}</li>" for u in updates)
                  + "</ol>")


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates (its documented extension point), where a template
    that cannot be kept is simply not kept: another build's `--rebuild` may have just deleted
    the folder, and a cache is only ever speed."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def make_environment(templates: Mapping[str, Template], cache: Path | None = None,
                     date_style: DateStyle = DateStyle.PLAIN) -> jinja2.Environment:
    """The one Jinja2 environment, over the templates the load stage read (the theme's, each
    replaced by the site's own of the same name): nothing else is ever read as a template.
    `date_style` is how its templates write a day: a council's for its papers, plain for pages.
    `cache` keeps compiled templates between runs: Jinja checks each against its template's
    source only, so they are kept apart for each version of the tool and its libraries."""
    bytecode_cache = None
    if cache is not None:
        try:
            cache = cache / environment_digest()[:32]
            cache.mkdir(parents=True, exist_ok=True)
            bytecode_cache = CompiledTemplates(str(cache))
        except OSError:
            bytecode_cache = None          # a read-only checkout still builds, just slower

    def source(name: str) -> tuple[str, str, Any] | None:
        # Each template's file name (`shown`) is the one Jinja gives its lines in a traceback: `render_template`.
        template = templates.get(name)
        return None if template is None else (template.source, template.shown, lambda: True)

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(source),
        bytecode_cache=bytecode_cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,             # one build, one environment: no stat of every template per page
    )
    env.filters.update(md=markdown_block, md_document=markdown_document, md_inline=markdown_inline, plain=plain_text,
                       number=number_text, percent=percent_text, status_counts=format_status_counts,
                       standard_rating=badges.standard_rating,
                       pages=page_range, rating_slug=badges.rating_slug, rating=badges.rating, rag=badges.rag,
                       progress_update=progress_update, progress_history=progress_history, schedule_12a=schedule_12a,
                       clock_time=clock_time)
    env.filters.update(date_filters(date_style))
    env.globals.update(version=__version__, Rating=Rating, zip=zip)
    return env


SITE_TEMPLATES = "templates/"      # how `Template.shown` begins for the site's own
THEME_SHOWN = "(theme) templates/"  # and for the theme's


def template_problems(templates: Mapping[str, Template]) -> list[Problem]:
    """Each of the site's own templates that cannot be compiled (a tag left open, a filter
    there is none of) or that extends, includes or imports a template there is none of, as
    an error at its line: found when the site is checked, not by a build that stops in it."""
    env = make_environment(templates)
    problems = []
    for name, template in templates.items():
        if not template.shown.startswith(SITE_TEMPLATES):
            continue
        try:
            tree = env.parse(template.source, name)
            env.compile(tree, name)
        except jinja2.TemplateSyntaxError as exc:      # an unknown filter or test too (TemplateAssertionError)
            problems.append(_template_problem(template, exc.lineno, exc.message or "the template cannot be read"))
            continue
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            wanted = node.template.value if isinstance(node.template, nodes.Const) else None
            missing_allowed = isinstance(node, nodes.Include) and node.ignore_missing
            if isinstance(wanted, str) and wanted not in templates and not missing_allowed:
                problems.append(_template_problem(template, node.lineno, f"there is no template '{wanted}'",
                                                  did_you_mean(wanted, templates)))
    return problems


def render_template(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """`template` rendered, or an `OutputError` naming the template line that stopped it (a
    council's template naming a value no page gives, or dividing by zero): a message, never
    a traceback. An error no site template takes part in is a fault of the theme's, raised."""
    try:
        return template.render(**context)
    except Exception as exc:
        lines = _template_lines(exc)
        if isinstance(exc, jinja2.TemplateError):
            message = exc.message
        elif any(line.startswith(SITE_TEMPLATES) for line in lines):
            message = f"{type(exc).__name__}: {exc}"
        else:
            raise
        raise OutputError(f"{lines[-1] if lines else template.filename}: template: {message}; correct the "
                          "template, nothing was written and the previous output is unchanged") from exc


def _template_lines(exc: BaseException) -> list[str]:
    """['templates/_footer.html:3', ...]: the template lines of the error's traceback, innermost last."""
    lines, frame = [], exc.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.startswith(SITE_TEMPLATES) or filename.startswith(THEME_SHOWN):
            lines.append(f"{filename}:{frame.tb_lineno}")
        frame = frame.tb_next
    return lines


def _template_problem(template: Template, line: int, message: str, hint: str | None = None) -> Problem:
    theirs = f", or delete {template.shown} to use the theme's" if (THEME_TEMPLATES / template.name).is_file() else ""
    return Problem(template.shown, line, 1, Severity.ERROR, "", f"template: {message}",
                   hint or f"correct this line{theirs}")


# The not-found page is served at whatever address was missing, at any depth, so no relative
# link from it holds: its links start with the site's address, which the web server writes
# in by a server-side include (deploy/nginx.conf sets `scrutiny_root` where it serves the page).
SERVED_ROOT = Markup("<!--# echo var='scrutiny_root' -->")


def relative_root(path: str) -> str:
    """The way back to the site root from a page: '' for index.html, '../../' for a/b/index.html."""
    depth = path.count("/")
    return "../" * depth


# An <img> whose source is under attachments/ as a text wrote it (from content/); nh3 and the
# theme quote every attribute with '"' and write '>' inside one as '&gt;'.
_ATTACHMENT_SRC = re.compile(r'(<img\b[^<>]*?\ssrc=")(?:\./)?(?=attachments/)')


def images_from(page_html: str, root: str) -> str:
    """A page's images under attachments/ pointed at from the page (`root`: the way back to
    the site root): a text names its image from content/, where the site serves it from its root."""
    if not root or "<img" not in page_html:
        return page_html
    return _ATTACHMENT_SRC.sub(lambda found: found.group(1) + root, page_html)


PAGE_DATA = {
    "home": lambda c, s: pages.home(c),
    "inspections": lambda c, s: pages.inspections_index(c),
    "inspection": pages.inspection,
    "services": lambda c, s: pages.services_index(c),
    "service": pages.service,
    "standards": lambda c, s: pages.standards(c),
    "national": lambda c, s: national.page(c),
    "action_plans": lambda c, s: pages.action_plans_index(c),
    "action_plan": pages.action_plan,
    "meetings": lambda c, s: pages.meetings_index(c),
    "meeting": pages.meeting,
    "report": pages.report,
    "search": lambda c, s: {},
    "accessibility": lambda c, s: {},
    "about": lambda c, s: {"frameworks": c.frameworks, "sources": sources(c)},
    "not_found": lambda c, s: {},
}


BANNER_STYLE = "background:#b10e1e;color:#fff;padding:.75rem 15px;text-align:center;font:1.1875rem/1.4 system-ui,sans-serif"


def moment_banner(moment: dt.datetime, to_come: bool, command: str) -> str:
    """The notice at the top of every page of a preview of another moment (`serve --as-of`, a
    rehearsal's build): without it, a moment to come (embargoed records shown) looks exactly
    like the public site, on screen and printed. Its colours are inline too, for the pages
    `serve` sends without the stylesheet; the print stylesheet sets it in ink."""
    warning = " It shows records under embargo until then: not for publication." if to_come else ""
    return (f"<div class=\"draft-banner\" role=\"note\" style=\"{BANNER_STYLE}\"><strong>PREVIEW as at "
            f"{escape(london_moment(moment))}</strong> ({escape(command)}), not the live site.{warning}</div>")


def moment_note(moment: dt.datetime, to_come: bool) -> str:
    """What a rehearsal's data files say of themselves, in words (its pages' banner, without the command)."""
    warning = " It shows records under embargo until then: not for publication." if to_come else ""
    return f"PREVIEW as at {london_moment(moment)}, not the live site.{warning}"


def moment_title(moment: dt.datetime) -> str:
    """What a rehearsal's page titles begin with: what a screen reader announces on arriving,
    and the browser's tab and printed header show."""
    return f"PREVIEW as at {london_moment(moment)}, not the live site: "


DRAFT_BANNER = Markup('<div class="draft-banner" role="note"><strong>DRAFT — not for publication.</strong> This is a '
                      'preview that includes draft records.</div>')
DRAFT_TITLE = "DRAFT preview: "
NOINDEX = '<meta name="robots" content="noindex">'


def start_tag(page: str, name: str) -> re.Match | None:
    """The first <name ...> tag of `page` that is not inside an HTML comment: a council's
    base.html may mention <body> or <title> in a comment, where a mark put in is never shown."""
    for found in re.finditer(rf"<!--.*?(?:-->|\Z)|<{name}\b[^>]*>", page, re.IGNORECASE | re.DOTALL):
        if not found.group(0).startswith("<!--"):
            return found
    return None


def inject_at_top(page: str, extra: str) -> str:
    """Put `extra` just after the <body> tag (or at the start of a page without one)."""
    found = start_tag(page, "body")
    at = found.end() if found else 0
    return page[:at] + extra + page[at:]


def with_marks(page: str, banners: tuple[str, ...], titles: tuple[str, ...]) -> str:
    """A preview's page with every mark it must carry (each banner, each prefix of its title, noindex),
    each put in where its template left it out: a council's own base.html, copied from an older
    theme, must not make a rehearsal or a draft look like the live site (docs/publishing.md)."""
    missing = "".join(f"{banner}\n" for banner in banners if banner not in page)
    if missing:
        page = inject_at_top(page, "\n" + missing if start_tag(page, "body") else missing)
    body, title = start_tag(page, "body"), start_tag(page, "title")
    if title and (body is None or title.start() < body.start()):     # the page's own, not an SVG's
        shown = re.match(r"[^<]*", page[title.end():]).group(0)
        prefix = "".join(escape(part) for part in titles if escape(part) not in shown)
        page = page[:title.end()] + prefix + page[title.end():]
    head = start_tag(page, "head")
    if NOINDEX not in page and head:
        page = f"{page[:head.end()]}\n{NOINDEX}{page[head.end():]}"
    return page


def page_marks(plan: Plan) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The banners, and the prefixes of its title in order, every page of `plan` carries: a
    drafts preview's DRAFT, a rehearsal's moment; none for the live site."""
    banners, titles = [], []
    if plan.preview:
        banners.append(DRAFT_BANNER)
        titles.append(DRAFT_TITLE)
    if plan.mark:
        banners.insert(0, moment_banner(plan.mark.moment, plan.mark.to_come, "scrutiny build --as-of"))
        titles.append(moment_title(plan.mark.moment))
    return tuple(banners), tuple(titles)


def render_page(env: jinja2.Environment, plan: Plan, output: Output) -> bytes:
    corpus = plan.corpus
    data = PAGE_DATA[output.kind](corpus, output.subject)
    template = env.get_template(output.template)
    existing = plan.paths
    root = SERVED_ROOT if output.path == NOT_FOUND else relative_root(output.path)

    def link(target: str) -> str:
        """A relative link from this page to `target` (a path from the site root)."""
        return root + target

    def exists(target: str) -> bool:
        return target in existing

    def exists_asset(target: str) -> bool:
        """A council logo is copied into the site only when it is an image under content/."""
        return target in corpus.attachments and target.lower().endswith(LOGO_SUFFIXES)

    banners, titles = page_marks(plan)
    context = {"site": corpus.site, "corpus": corpus, "page": output, "root": root, "link": link,
               "exists": exists, "exists_asset": exists_asset, "preview": plan.preview, "as_of": corpus.as_of, "councils": corpus.councils,
               "moment_banner": Markup(moment_banner(plan.mark.moment, plan.mark.to_come, "scrutiny build --as-of"))
               if plan.mark else "",
               "moment_title": moment_title(plan.mark.moment) if plan.mark else "", "draft_banner": DRAFT_BANNER}
    context.update(data)          # a page's own data may narrow a shared name (e.g. councils)
    page = images_from(render_template(template, context), root)
    return (with_marks(page, banners, titles) if banners else page).encode("utf-8")


__all__ = ["DRAFT_BANNER", "Markup", "NOINDEX", "SERVED_ROOT", "inject_at_top", "make_environment", "moment_banner",
           "moment_note", "moment_title", "page_marks", "render_page", "render_template", "template_problems", "with_marks"]
