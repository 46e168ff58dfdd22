"""content/site.yaml: the site as a whole."""

from __future__ import annotations

from pydantic import BaseModel, Field

from generator.model.types import RECORD_CONFIG, Ident, Text


class Site(BaseModel):
    """The site's title, publisher and address."""

    model_config = RECORD_CONFIG

    title: Text = Field(description="Shown in every page header, e.g. 'Youth Justice Inspections'")
    organisation: Text = Field(description="Who publishes the site")
    description: Text | None = None
    base_url: str | None = Field(None, pattern=r"^https?://[^\s<>\"']+/$",
                                 description="Absolute address ending in '/'; enables sitemap.xml")
    default_council: Ident | None = None
    own_councils: list[Ident] = Field(
        [], description="the site's own councils: the home page and the lists lead with them, and other "
                        "areas (imported) are on the national page; none: default_council, else every council")
    # The tag of the site's own words (navigation, headings, dates), which are English: a
    # page or paper labelled Welsh would be read in Welsh (WCAG 2.2 SC 3.1.1).
    language: str = Field("en-GB", pattern=r"^en(-[A-Z]{2})?$",
                          description="the language of the theme's own words, which are English: en-GB (default), "
                                      "en, en-US ...")
