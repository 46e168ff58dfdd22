"""content/councils/<id>.yaml: a council that publishes papers, and its house style."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from generator.model.types import RECORD_CONFIG, Colour, Text


class Contact(BaseModel):
    model_config = RECORD_CONFIG

    name: Text
    title: Text | None = None
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

    name: Text
    short_name: Text | None = None
    nation: Nation = Field(Nation.ENGLAND, description="england: exempt paragraphs 1-7; wales: 12-18")
    colour: Colour = Field("#1d4f91", description="House colour; white text must be readable on it")
    logo: str | None = Field(None, description="A file under content/, e.g. attachments/logo.svg")
    address: list[Text] = []
    website: str | None = Field(None, pattern=r"^https?://\S+$")
    clerk: Contact | None = None
    paper_style: PaperStyle = PaperStyle.HEADING_BLOCK
    paragraph_numbering: ParagraphNumbering = ParagraphNumbering.CONTINUOUS
