"""`scrutiny list drafts|embargoed|overdue`: what is held back from the public site, until when,
and which actions are overdue.

Pure functions over the resolved `Corpus`: no files are read here. What is public is decided
by `generator.plan.publication.public_corpus` alone, so the lists cannot disagree with a build:
a record's release time is found by asking `public_corpus` at each embargo moment in turn
(a record can wait for another one: an action plan for its embargoed inspection, an agenda
item for its papers), never by re-implementing its rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from generator.clock import london_moment
from generator.model.types import DateOrMonth, Status
from generator.plan.publication import ITEM, Withheld, exempt_records, opening_moments, public_corpus
from generator.plan.state import release_moments
from generator.resolve.corpus import Corpus
from generator.rules.progress import NO_STATUS, action_id_order, action_status, as_at, is_overdue
from generator.textsafety import printable

# record kind -> (Corpus attribute, how people say it)
RECORD_KINDS = {
    "inspection": ("inspections", "inspection"),
    "action_plan": ("action_plans", "action plan"),
    "indicators": ("indicators", "indicators"),
    "report": ("reports", "report"),
    "meeting": ("meetings", "meeting"),
}
NOUNS = {**{kind: noun for kind, (_, noun) in RECORD_KINDS.items()}, ITEM: "agenda item"}


@dataclass(frozen=True)
class Held:
    """Something the public site does not show yet."""

    kind: str                         # inspection, action_plan, ..., agenda_item
    id: str                           # the record's id; an item: "<meeting id> item 9"
    path: str
    draft: bool                       # its own status is draft
    embargo_until: dt.datetime | None  # its own embargo, if any
    release: dt.datetime | None       # when a build will first show it (None: not by time alone)
    reason: str                       # for people: "embargoed until 2021-03-03 00:01", "draft"

    @property
    def noun(self) -> str:
        return NOUNS[self.kind]


@dataclass(frozen=True)
class OverdueAction:
    plan: str
    path: str
    action: str                       # the action's id, e.g. A1
    text: str
    due: str                          # 2021-07 or 2021-07-31, as written
    due_end: dt.date                  # the day it became overdue after
    status: str                       # red | amber | green | not recorded
    public: bool                      # whether its plan is on the public site now


def when(moment: dt.datetime | None) -> str:
    """'2021-03-03 00:01', London time ('2026-10-25 01:30 GMT' in the hour the clocks repeat)."""
    return london_moment(moment) if moment else ""


def _items(corpus: Corpus):
    for mid, meeting in corpus.meetings.items():
        for index, item in enumerate(meeting.items):
            yield mid, meeting, index, item


def _hidden(corpus: Corpus, now: dt.datetime) -> tuple[set[tuple[str, str]], tuple[Withheld, ...]]:
    """(kind, id) of every record and agenda item the public site does not show at `now`, and
    the build's own list of what it holds back (with its reasons)."""
    public, withheld = public_corpus(corpus, now)
    hidden = {(kind, rid) for kind, (attr, _) in RECORD_KINDS.items()
              for rid in getattr(corpus, attr) if rid not in getattr(public, attr)}
    for mid, meeting, index, item in _items(corpus):
        if item.to_follow:
            continue                  # listed "To Follow" by its author: not waiting on a date
        shown = public.meetings.get(mid)
        if shown is None or shown.items[index].to_follow:
            hidden.add((ITEM, f"{mid} item {item.number}"))
    return hidden, withheld


def held_back(corpus: Corpus, now: dt.datetime) -> list[Held]:
    """Everything withheld from the public site at `now`, with the moment each is released."""
    hidden, withheld = _hidden(corpus, now)
    release: dict[tuple[str, str], dt.datetime] = {}
    waiting = set(hidden)
    moments = [*release_moments(corpus), *opening_moments(corpus)]
    for moment in sorted({m for m in moments if m > now}):
        if not waiting:
            break
        still, _ = _hidden(corpus, moment)
        for key in waiting - still:
            release[key] = moment
        waiting &= still

    found = []                        # (kind, id, path, draft, own embargo)
    publication_day = {}              # inspection id -> the day that alone holds it back
    for kind, (attr, _) in RECORD_KINDS.items():
        for rid, entry in getattr(corpus, attr).items():
            if (kind, rid) in hidden:
                found.append((kind, rid, entry.path, entry.status is Status.DRAFT, entry.embargo_until))
                # held by its publication day, not by an embargo it gives (none, or one ending before that day)
                if kind == "inspection" and entry.embargo_until and entry.embargo_until != entry.inspection.embargo_until:
                    publication_day[rid] = entry.inspection.published
    for mid, meeting, _, item in _items(corpus):
        key = (ITEM, f"{mid} item {item.number}")
        if key in hidden:
            found.append((ITEM, key[1], meeting.path, False, item.embargo_until))
    # who is released by their own embargo at each moment: what the others wait for
    by_own: dict[dt.datetime, list[str]] = {}
    for kind, rid, _, draft, embargo in found:
        if not draft and embargo is not None and release.get((kind, rid)) == embargo:
            by_own.setdefault(embargo, []).append(rid)
    # An exempt record an open item gives is released by that item's pack's issue, not by an
    # embargo: the build's reason now says so, and what waits for it waits for it.
    exempt_now = exempt_records(corpus, now)
    opened = {key: reason for key, reason in ((((w.kind, w.id), w.reason) for w in withheld))
              if key in release and key in exempt_now and key not in exempt_records(corpus, release[key])}
    for kind, rid in opened:
        by_own.setdefault(release[kind, rid], []).append(rid)
    # What no moment releases: the build's own reason (an exemption, the record it waits for),
    # asked after every embargo has ended, so that it is never an embargo that ends.
    last = max(moments, default=now)
    why = {(w.kind, w.id): w.reason for w in (public_corpus(corpus, last)[1] if last > now else withheld)}
    why.update(opened)
    for mid, meeting, _, item in _items(corpus):
        if ("meeting", mid) in hidden:
            why.setdefault((ITEM, f"{mid} item {item.number}"), f"waits for meeting {mid}, which is withheld")
    return [Held(kind, rid, path, draft, embargo, release.get((kind, rid)),
                 _reason(rid, draft, embargo, release.get((kind, rid)), now, by_own, why.get((kind, rid)),
                         publication_day.get(rid) if kind == "inspection" else None))
            for kind, rid, path, draft, embargo in found]


def _own_hold(own: dt.datetime, published: DateOrMonth | None) -> str:
    """What holds a record back by itself: its embargo, or, for an inspection with none, the
    publication day its record gives (`rules.publication`), so the clerk looks for the right line."""
    if published is not None:
        return f"published {published}: not public before {'the month has ended' if published.is_month else 'that day'}"
    return f"embargoed until {when(own)}"


def _reason(rid: str, draft: bool, embargo: dt.datetime | None, release: dt.datetime | None,
            now: dt.datetime, by_own: dict[dt.datetime, list[str]], why: str | None,
            published: DateOrMonth | None = None) -> str:
    own = embargo if embargo is not None and embargo > now else None
    if draft:
        return "draft: set 'status: published' to release it"
    if release is not None and rid in by_own.get(release, []) and (own is None or own != release):
        return why or ""                  # opened by an open item's pack's issue (`opened` above)
    if release is None:
        waits = why or "waits for a draft, an exempt record or a file with errors it depends on"
        return f"{_own_hold(own, published)}, then {waits}" if own is not None else waits
    if own is not None and own == release:
        return _own_hold(own, published)
    others = [other for other in by_own.get(release, []) if other != rid]
    # Each of several released at one moment may not be one it waits for: only that one of them is.
    waits = f"waits for {others[0]}" if len(others) == 1 else f"waits for one or more of {', '.join(others)}" \
        if others else f"waits for a record embargoed until {when(release)}"
    return f"{_own_hold(own, published)}, then {waits}" if own is not None else waits


def drafts(corpus: Corpus, now: dt.datetime) -> list[Held]:
    """Drafts, and what only a draft holds back (nothing releases them but a change of status)."""
    return sorted((h for h in held_back(corpus, now) if h.release is None),
                  key=lambda h: (not h.draft, h.kind, h.id))


def embargoed(corpus: Corpus, now: dt.datetime) -> list[Held]:
    """What a build will release by itself once its time comes, soonest first."""
    return sorted((h for h in held_back(corpus, now) if h.release is not None),
                  key=lambda h: (h.release, h.embargo_until != h.release, h.kind, h.id))


def next_release(items: Iterable[Held]) -> tuple[dt.datetime, list[str]] | None:
    """The next moment something becomes public, and the ids released then."""
    timed = [h for h in items if h.release is not None]
    if not timed:
        return None
    first = min(h.release for h in timed)
    at_first = sorted((h for h in timed if h.release == first),
                      key=lambda h: (h.embargo_until != first, h.kind, h.id))
    return first, [h.id for h in at_first]


def overdue(corpus: Corpus, as_of: dt.date, now: dt.datetime | None = None) -> list[OverdueAction]:
    """Actions whose due date has passed as of `as_of` and that are not complete as at that day:
    an update dated later had not been made then (a paper as at `as_of` says the same)."""
    public_plans = set(public_corpus(corpus, now)[0].action_plans) if now else set(corpus.action_plans)
    found = []
    for pid, view in corpus.action_plans.items():
        for action in (as_at(written, as_of) for written in view.plan.actions):
            if is_overdue(action, as_of):
                status = action_status(action)
                found.append(OverdueAction(pid, view.path, action.id, action.action, str(action.due),
                                           action.due.end, status.value if status else NO_STATUS,
                                           pid in public_plans))
    return sorted(found, key=lambda o: (o.due_end, o.plan, action_id_order(o.action)))


# --------------------------------------------------------------------------- formatting

def _table(rows: list[list[str]]) -> list[str]:
    rows = [[printable(cell) for cell in row] for row in rows]      # an action's words, as typed
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip() for row in rows]


def text_drafts(items: list[Held]) -> list[str]:
    if not items:
        return ["no drafts: everything is public or waits only for its embargo"]
    rows = [["KIND", "ID", "FILE", "WHY"]]
    rows += [[h.noun, h.id, h.path, h.reason] for h in items]
    return _table(rows)


def text_embargoed(items: list[Held]) -> list[str]:
    upcoming = next_release(items)
    if upcoming is None:
        return ["nothing is embargoed"]
    moment, ids = upcoming
    rows = [["RELEASE", "KIND", "ID", "WHY"]]
    rows += [[when(h.release), h.noun, h.id, h.reason] for h in items]
    return [f"next release: {when(moment)} ({', '.join(ids)})", *_table(rows)]


def text_overdue(items: list[OverdueAction], as_of: dt.date) -> list[str]:
    if not items:
        return [f"no overdue actions as of {as_of.isoformat()}"]
    plans = len({o.plan for o in items})
    head = (f"{len(items)} overdue action{'s' if len(items) != 1 else ''} in {plans} "
            f"plan{'s' if plans != 1 else ''} as of {as_of.isoformat()}")
    rows = [["PLAN", "ACTION", "DUE", "STATUS", "WHAT"]]
    rows += [[o.plan + ("" if o.public else " (not public)"), o.action, o.due, o.status,
              o.text if len(o.text) <= 70 else o.text[:69] + "…"] for o in items]
    return [head, *_table(rows)]


def cannot_list(which: str, errors: int) -> str:
    """Why no list is given while content has errors: a file with an error may be a record that
    is held back, or change what waits for what, so any list made without it could be false."""
    what = {"drafts": "drafts", "embargoed": "what is embargoed", "overdue": "overdue actions"}[which]
    count = f"{errors} content error{'s' if errors != 1 else ''}"
    return (f"error: cannot list {what} while there {'is' if errors == 1 else 'are'} {count} (above): "
            "a file with an error may be a record this list should show; fix them, then list again")


def as_json(which: str, moment: dt.datetime, items: list) -> dict:
    data: dict = {"list": which, "as_of": moment.isoformat()}
    if which == "overdue":
        data["items"] = [{"plan": o.plan, "path": o.path, "action": o.action, "due": o.due, "status": o.status,
                          "public": o.public, "text": o.text} for o in items]
        return data
    if which == "embargoed":
        upcoming = next_release(items)
        data["next_release"] = ({"at": upcoming[0].isoformat(), "local": when(upcoming[0]), "ids": upcoming[1]}
                                if upcoming else None)
    data["items"] = [{"kind": h.kind, "id": h.id, "path": h.path, "draft": h.draft,
                      "embargo_until": h.embargo_until.isoformat() if h.embargo_until else None,
                      "release": h.release.isoformat() if h.release else None,
                      "release_local": when(h.release) or None, "reason": h.reason} for h in items]
    return data
