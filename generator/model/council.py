"""content/councils/<id>.yaml: a council that publishes papers, and its house style."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

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


class Council(BaseModel):
    """A council: its name, contact details and how its papers look."""

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
