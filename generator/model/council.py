"""content/councils/<id>.yaml: a council that publishes papers, and its house style.

Its details may change from a day on (`changes`): a paper shows them as at its issue day
(`rules.changes.details_as_at`), so a new clerk or colour leaves every paper already issued
as it was.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from generator.model.changes import change_model
from generator.model.types import RECORD_CONFIG, Colour, Text, TrueOrFalse


class Contact(BaseModel):
    model_config = RECORD_CONFIG

    name: Text = Field(description="the person's name (or the team's)")
    title: Text | None = Field(None, description="their job title")
    telephone: str | None = Field(None, pattern=r"^[0-9 +()-]{6,20}$")
    email: str | None = Field(None, pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class Nation(str, Enum):
    ENGLAND = "england"
    WALES = "wales"


class PaperStyle(str, Enum):
    FRONT_SHEET = "front_sheet"        # Wolverhampton cabinet style: a table of facts first
    HEADING_BLOCK = "heading_block"    # Dudley style: committee, date, "Report of ..." headings


class ParagraphNumbering(str, Enum):
    SECTIONS = "sections"              # 1.0 Purpose / 1.1, 1.2 ...
    CONTINUOUS = "continuous"          # 1, 2, 3 ... through the whole report


class DateStyle(str, Enum):
    PLAIN = "plain"                    # 17 March 2021
    ORDINAL = "ordinal"                # 17th March 2021, as Dudley's papers write it


class RecommendationList(str, Enum):
    NUMBERED = "numbered"              # 1. Endorse ... (Wolverhampton)
    BULLETS = "bullets"                # a bulleted list under "It is recommended that Members:-" (Dudley)


class CouncilDetails(BaseModel):
    """A council's details on one day: its name, contact details and how its papers look."""

    model_config = RECORD_CONFIG

    name: Text = Field(description="the council's full name, e.g. Torbay Council")
    short_name: Text | None = Field(None, description="e.g. Torbay")
    nation: Nation = Field(Nation.ENGLAND, description="england: exempt paragraphs 1-7; wales: 12-18")
    colour: Colour = Field("#1d4f91", description="House colour; white text must be readable on it")
    logo: str | None = Field(None, description="A file under content/, e.g. attachments/logo.svg")
    address: list[Text] = Field([], description="address lines, for covering letters")
    website: str | None = Field(None, pattern=r"^https?://\S+$", description="the council's website")
    clerk: Contact | None = Field(None, description="the clerk named on covering letters (name, telephone, email)")
    clear_days: int | None = Field(None, ge=0, le=60, description="papers are issued this many clear days before a "
                                   "meeting without an issued date (default: 5 in England, 3 in Wales)")
    duplex: TrueOrFalse = Field(False, description="packs printed double-sided, each paper on a right-hand page")
    paper_style: PaperStyle = Field(PaperStyle.HEADING_BLOCK, description="front_sheet | heading_block")
    paragraph_numbering: ParagraphNumbering = Field(ParagraphNumbering.CONTINUOUS, description="sections | continuous")
    date_style: DateStyle = Field(DateStyle.PLAIN, description="how its papers write a day: plain (17 March 2021) | "
                                  "ordinal (17th March 2021); the site's pages always write it plain")
    recommendation_list: RecommendationList = Field(
        RecommendationList.NUMBERED, description="a report's recommendations to the meeting: numbered | bullets")
    recording_notice: Text | None = Field(
        None, description="what its agendas say about filming and recording its meetings, in its own words "
                          "(Markdown), printed on every agenda front sheet")
    public_participation: Text | None = Field(
        None, description="how the public may take part in its meetings (questions, speaking), in its own "
                          "words (Markdown), printed on every agenda front sheet")


# The notices an agenda front sheet prints for the public, with their headings: a council's, or its meeting's
# own in place of it (`Meeting`), each only where a record gives it.
AGENDA_NOTICES = (("recording_notice", "Filming and recording"), ("public_participation", "Public participation"))
NOTICE_FIELDS = tuple(name for name, _ in AGENDA_NOTICES)


# Its nation is the law its papers follow (Schedule 12A's paragraphs, the clear days): a
# council does not change it from a day, so a change may name every other detail.
UNCHANGING = frozenset({"nation"})


# A change names only what changes: each field it names replaces the whole value from its day.
CouncilChange = change_model("CouncilChange", CouncilDetails, UNCHANGING)


class Council(CouncilDetails):
    """A council: its name, contact details and how its papers look, each from a day on."""

    changes: list[CouncilChange] = Field(  # type: ignore[valid-type]
        [], description="details that change from a day on, oldest first; each replaces the fields it names")
