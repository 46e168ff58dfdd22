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
    language: str = Field("en-GB", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
