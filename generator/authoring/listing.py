"""`scrutiny list drafts|embargoed|overdue`: what is held back from the public site, until when,
and which actions are overdue.

Pure functions over the resolved `Corpus`: no files are read here. What is public is decided
by `generator.plan.publication.public_corpus` alone, so the lists cannot disagree with a build:
a record's release time is found by asking `public_corpus` at each embargo moment in turn
(a record can wait for another one: an action plan for its embargoed inspection, an agenda
item for its papers), never by re-implementing its rules. A meeting's pack is asked of
`generator.plan.issue.published_pack` the same way: it waits for its issue day and, a
supplementary pack, for papers to carry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from generator.clock import LONDON, london_moment, start_of_day
from generator.model.types import DateOrMonth, Status
from generator.plan.issue import meeting_as_at, published_pack
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
PACK = "pack"                          # a meeting's pack: "<meeting id> pack"
NOUNS = {**{kind: noun for kind, (_, noun) in RECORD_KINDS.items()}, ITEM: "agenda item", PACK: "pack"}


@dataclass(frozen=True)
class Held:
    """Something the public site does not show yet."""

    kind: str                         # inspection, action_plan, ..., agenda_item, pack
    id: str                           # the record's id; an item: "<meeting id> item 9"; a pack: "<meeting id> pack"
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


def _pack_hold(corpus: Corpus, public: Corpus, mid: str, now: dt.datetime) -> str | None:
    """What keeps a build at `now` from publishing meeting `mid`'s pack (`published_pack`, as the
    build asks it): "meeting" (the meeting is withheld), "papers" (a supplementary pack with none
    to carry yet) or "issue" (its issue day is to come); None when it is published, or when the
    meeting as written has no pack to publish."""
    if published_pack(corpus, mid, fixed=False) is None:
        return None
    if mid not in public.meetings:
        return "meeting"
    # A build's clock is London's (an embargo written with another offset is a moment too).
    if published_pack(public, mid, issued_by=now.astimezone(LONDON).date()) is not None:
        return None
    return "papers" if published_pack(public, mid) is None else "issue"


def _hidden(corpus: Corpus, now: dt.datetime
            ) -> tuple[set[tuple[str, str]], tuple[Withheld, ...], dict[tuple[str, str], str]]:
    """(kind, id) of every record, agenda item and pack the public site does not show at `now`,
    the build's own list of what it holds back (with its reasons), and what holds each pack."""
    public, withheld = public_corpus(corpus, now)
    hidden = {(kind, rid) for kind, (attr, _) in RECORD_KINDS.items()
              for rid in getattr(corpus, attr) if rid not in getattr(public, attr)}
    for mid, meeting, index, item in _items(corpus):
        if item.to_follow:
            continue                  # listed "To Follow" by its author: not waiting on a date
        shown = public.meetings.get(mid)
        if shown is None or shown.items[index].to_follow:
            hidden.add((ITEM, f"{mid} item {item.number}"))
    packs = {(PACK, f"{mid} pack"): hold for mid in corpus.meetings
             if (hold := _pack_hold(corpus, public, mid, now)) is not None}
    return hidden | set(packs), withheld, packs


def held_back(corpus: Corpus, now: dt.datetime) -> list[Held]:
    """Everything withheld from the public site at `now`, with the moment each is released."""
    hidden, withheld, packs = _hidden(corpus, now)
    release: dict[tuple[str, str], dt.datetime] = {}
    waiting = set(hidden)
    held_by = dict(packs)             # what holds each pack until it is published: how it was last seen
    issue_days = [start_of_day(meeting_as_at(corpus, mid)) for mid in corpus.meetings]
    moments = [*release_moments(corpus), *opening_moments(corpus), *issue_days]
    for moment in sorted({m for m in moments if m > now}):
        if not waiting:
            break
        still, _, holds = _hidden(corpus, moment)
        for key in waiting - still:
            release[key] = moment
        waiting &= still
        held_by.update((key, hold) for key, hold in holds.items() if key in waiting)

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
    rows = [Held(kind, rid, path, draft, embargo, release.get((kind, rid)),
                 _reason(rid, draft, embargo, release.get((kind, rid)), now, by_own, why.get((kind, rid)),
                         publication_day.get(rid) if kind == "inspection" else None))
            for kind, rid, path, draft, embargo in found]
    return rows + [Held(PACK, key[1], corpus.meetings[mid].path, False, None, release.get(key),
                        _pack_reason(corpus, mid, held_by[key], release.get(key), rows))
                   for mid in corpus.meetings if (key := (PACK, f"{mid} pack")) in packs]


def _pack_reason(corpus: Corpus, mid: str, hold: str, release: dt.datetime | None, rows: list[Held]) -> str:
    """Why a meeting's pack is not published yet, from what held it last before `release`
    (`_pack_hold`); without a release, why it never is as the content stands."""
    issued = meeting_as_at(corpus, mid)
    if hold == "issue":
        return f"issued {issued.isoformat()}: not published before that day"
    if hold == "meeting":
        meeting = next(h for h in rows if (h.kind, h.id) == ("meeting", mid))
        return f"waits for meeting {mid}" + ("" if release else f" ({meeting.reason})")
    items = [h for h in rows if h.kind == ITEM and h.id.startswith(f"{mid} item ")]
    if release is not None:
        released = [h.id for h in items if h.release == release]
        return f"waits for {released[0]}" if len(released) == 1 else \
            f"waits for one or more of {', '.join(released)}" if released else "waits for papers to carry"
    if stuck := [h for h in items if h.release is None]:
        return f"waits for {stuck[0].id} ({stuck[0].reason})"
    return (f"its items' papers are released after its issue day, {issued.isoformat()}: it lists them "
            "'To Follow' and is never made; carry them in a supplementary pack issued once they are out")


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
    """Drafts, and what only a draft holds back (nothing releases them but a change of status);
    a pack waiting is listed with what is embargoed."""
    return sorted((h for h in held_back(corpus, now) if h.release is None and h.kind != PACK),
                  key=lambda h: (not h.draft, h.kind, h.id))


def embargoed(corpus: Corpus, now: dt.datetime) -> list[Held]:
    """What a build will release by itself once its time comes, soonest first; then each pack
    that waits for what no time releases, so that a clerk asking what waits is told of it."""
    held = held_back(corpus, now)
    return sorted((h for h in held if h.release is not None),
                  key=lambda h: (h.release, h.embargo_until != h.release, h.kind, h.id)) + \
        sorted((h for h in held if h.release is None and h.kind == PACK), key=lambda h: h.id)


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
    if not items:
        return ["nothing is embargoed"]
    upcoming = next_release(items)
    rows = [["RELEASE", "KIND", "ID", "WHY"]]
    rows += [[when(h.release) or "never", h.noun, h.id, h.reason] for h in items]
    head = f"next release: {when(upcoming[0])} ({', '.join(upcoming[1])})" if upcoming else "next release: none"
    return [head, *_table(rows)]


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
