"""The publication state a site is built for, and whether a built site is still right.

A site's bytes are a function of its inputs (every file the build read, the environment,
the options) and of the moment the publication decision is made: that moment decides
which embargoes have ended, and its day is the day pages are "as at". So a site built
for one moment is exactly what a build at another moment would write when the inputs are
the same, the day is the same, and no embargo ends between the two moments. That is the
whole of the no-change decision (`PublicationState.holds_at`), made under the build lock
from the live site's saved state; anything else rebuilds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from generator.clock import LONDON
from generator.fingerprint import environment_digest

if TYPE_CHECKING:             # types only: a no-change build decides without loading the models
    from generator.load.files import SiteFiles
    from generator.plan.publication import Withheld
    from generator.resolve.corpus import Corpus


@dataclass(frozen=True)
class MomentMark:
    """What every page of a rehearsal says (`render.html.moment_banner`): the moment it shows,
    not the live site's, and whether that moment was still to come when it was built (so
    records under embargo then are in it)."""

    moment: dt.datetime
    to_come: bool

    def describe(self) -> str:
        """What of it changes a page's bytes: for the pages' keys and the no-change decision."""
        return f"shown-as-at={self.moment.isoformat()}" + ("|to-come" if self.to_come else "")


@dataclass(frozen=True)
class BuildOptions:
    """What one build is asked to do; `describe` is what of it changes the bytes written."""

    root: Path
    output: Path                      # the folder that becomes the site: output/site, or a preview's
    now: dt.datetime                  # the moment publication is decided for: the clock, or --as-of
    drafts: bool = False
    pdf: bool = True
    search: bool = True
    pdf_only: bool = False            # the papers and packs only, into their own folder
    jobs: int = 0                     # 0: all cores
    reuse_layouts: bool = True        # PDF documents laid out by an earlier build (.cache/): speed only
    papers_as_of: dt.date | None = None   # --as-of given: papers as at that day, not as issued
    pdf_on_demand: bool = False       # papers linked, made when asked for (`scrutiny serve`): `Plan.deferred`
    rehearsal: bool = False           # `now` is later than the clock: a preview of a moment to come
    rebuild: bool = False             # trust nothing earlier builds kept (.cache/, the live files)
    clock: bool = False               # `now` is the clock's (no --as-of): read again under the lock
    mark: MomentMark | None = None    # every page says it shows `now`, not the live site (a rehearsal)

    @property
    def preview(self) -> bool:
        """Drafts shown, a moment to come, or pages marked as another moment's: what may never
        be published."""
        return self.drafts or self.rehearsal or self.mark is not None

    @property
    def as_of(self) -> dt.date:
        return self.now.astimezone(LONDON).date()

    def describe(self) -> str:
        """Every option that changes what the build writes, the manifest's preview mark
        included (not `jobs` or `reuse_layouts`)."""
        text = f"drafts={self.drafts}|pdf={self.pdf}|search={self.search}|pdf_only={self.pdf_only}"
        return (text + (f"|papers_as_of={self.papers_as_of.isoformat()}" if self.papers_as_of else "")
                + ("|pdf_on_demand" if self.pdf_on_demand else "") + ("|rehearsal" if self.rehearsal else "")
                + (f"|{self.mark.describe()}" if self.mark else ""))


def inputs_digest(files: SiteFiles, file_digests: Mapping[str, str], options: str) -> str:
    """One digest of everything a build reads besides the clock: each file's name and the
    digest of the bytes read (`file_digests`, by name shown), the templates, what was wrong
    with the folders, the environment and the build's options."""
    hasher = hashlib.sha256(f"{environment_digest()}|{options}".encode())
    for name in sorted(file_digests):
        hasher.update(f"\0{name}\0{file_digests[name]}".encode())
    for name, template in sorted(files.templates.items()):
        hasher.update(f"\0template:{name}\0{template.digest}".encode())
    for problem in files.problems:
        hasher.update(f"\0problem:{problem}".encode())
    return hasher.hexdigest()


def release_moments(corpus: Corpus) -> list[dt.datetime]:
    """Every moment at which an embargo ends, whether or not it has ended yet."""
    moments = [entry.embargo_until for kind in (corpus.inspections, corpus.action_plans, corpus.reports,
                                                corpus.meetings, corpus.indicators)
               for entry in kind.values() if entry.embargo_until]
    moments += [item.embargo_until for meeting in corpus.meetings.values() for item in meeting.items
                if item.embargo_until]
    return moments


@dataclass(frozen=True)
class PublicationState:
    inputs: str                             # `inputs_digest`
    moment: dt.datetime                     # the moment decided for: the clock, or --as-of
    released_up_to: dt.datetime | None      # the last embargo to end at or before `moment`
    next_release: dt.datetime | None        # the first embargo to end after `moment`
    withheld: int                           # how many records are held back: never which (see `as_json`)
    withheld_items: int = 0                 # how many agenda items of public meetings are held back

    @property
    def day(self) -> dt.date:
        return self.moment.astimezone(LONDON).date()

    def holds_at(self, inputs: str, moment: dt.datetime) -> bool:
        """True when a build from `inputs` at `moment` would write exactly the site built for
        this state: the same inputs, the same day, and no embargo ending in between."""
        if inputs != self.inputs or moment.astimezone(LONDON).date() != self.day:
            return False
        if moment >= self.moment:
            return self.next_release is None or moment < self.next_release
        return self.released_up_to is None or moment >= self.released_up_to

    def as_json(self) -> dict:
        """What the manifest keeps. A manifest sits beside its site, so a site built with `-o`
        into a web server's folder may have it served: it names no withheld record, nor says
        when one is to be released. Embargo ends matter only on the state's own day
        (`holds_at`); one still to come that day is kept as the state's own moment, so the
        state holds at no later moment: the next build builds, and finds what was released."""
        def on_the_day(moment: dt.datetime | None) -> bool:
            return moment is not None and moment.astimezone(LONDON).date() == self.day
        released = self.released_up_to.isoformat() if on_the_day(self.released_up_to) else None
        return {"inputs": self.inputs, "moment": self.moment.isoformat(), "released_up_to": released,
                "next_release": self.moment.isoformat() if on_the_day(self.next_release) else None,
                "withheld": self.withheld, "withheld_items": self.withheld_items}

    @classmethod
    def from_json(cls, data: Mapping) -> PublicationState | None:
        """The state a manifest saved; None for anything not in this form (then: rebuild)."""
        try:
            def moment(value) -> dt.datetime | None:
                found = dt.datetime.fromisoformat(value) if value else None
                if found is not None and found.tzinfo is None:
                    raise ValueError("a moment without its offset")
                return found
            return cls(str(data["inputs"]), moment(data["moment"]), moment(data["released_up_to"]),
                       moment(data["next_release"]), _count(data["withheld"]),
                       _count(data["withheld_items"]))
        except (KeyError, TypeError, ValueError):
            return None


def publication_state(corpus: Corpus, withheld: tuple[Withheld, ...], inputs: str,
                      moment: dt.datetime) -> PublicationState:
    """The state a site built from `corpus` (the whole corpus, withheld records included) at
    `moment` is built for."""
    moments = release_moments(corpus)
    return PublicationState(inputs, moment,
                            max((m for m in moments if m <= moment), default=None),
                            min((m for m in moments if m > moment), default=None),
                            sum(not w.is_item for w in withheld), sum(w.is_item for w in withheld))


def _count(withheld) -> int:
    """A count; a manifest saved before counts were kept listed the records."""
    if isinstance(withheld, list):
        return len(withheld)
    if isinstance(withheld, int) and not isinstance(withheld, bool) and withheld >= 0:
        return withheld
    raise ValueError("not a count of records")
