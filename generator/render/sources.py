"""Where the site's ratings come from, and under what licences: what the national page, the
About page and data/inspections.json credit. Worked out from the inspections a build shows, so
that a source is named only where a record from it is there.

- HM Inspectorate of Probation publishes its reports, ratings and all, under the Open Government
  Licence v3.0, which asks a re-user to "acknowledge the source of the Information in your
  product or application by including or linking to any attribution statement specified by the
  Information Provider(s) and, where possible, provide a link to this licence". HMIP's reports
  specify none, so the licence's own statement is the one to give.
- Data to Insight publish their table of those ratings under the MIT licence, whose "copyright
  notice and this permission notice shall be included in all copies or substantial portions".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from generator.model.inspection import ImportedTable
from generator.resolve.corpus import Corpus, InspectionView

HMIP = "HM Inspectorate of Probation"
OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# The statement OGL v3.0 requires where the provider specifies none.
OGL_STATEMENT = "Contains public sector information licensed under the Open Government Licence v3.0."

# Data to Insight's licence as their repository publishes it (LICENSE, at the commit docs/data.md names).
DTI_COPYRIGHT = "Copyright (c) 2025 data-to-insight"
MIT_PERMISSION = (
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and '
    'associated documentation files (the "Software"), to deal in the Software without restriction, including '
    'without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell '
    'copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the '
    'following conditions:\n\n'
    'The above copyright notice and this permission notice shall be included in all copies or substantial '
    'portions of the Software.\n\n'
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT '
    'LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO '
    'EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER '
    'IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE '
    'USE OR OTHER DEALINGS IN THE SOFTWARE.')


@dataclass(frozen=True)
class Source:
    """One source of what the site shows: who, what of it, where, and the licence's terms."""

    name: str
    what: str                       # what of the site comes from it
    url: str | None                 # where it publishes it
    licence: str | None             # None: the site knows no licence for it, and claims none
    licence_url: str | None
    attribution: str | None         # the statement or copyright notice the licence asks for
    licence_text: str | None = None  # the notice the licence asks to be included in copies
    link_text: str | None = None     # what a page's link to `url` says, naming where it goes

    def as_json(self) -> dict[str, Any]:
        """As inspections.json gives it: what a page's link says is the page's alone."""
        return {key: value for key, value in asdict(self).items() if key != "link_text"}


HMIP_SOURCE = Source(HMIP, "the inspections' ratings, scores and reports, as HMIP published them",
                     "https://www.justiceinspectorates.gov.uk/hmiprobation/", OGL_NAME, OGL_URL, OGL_STATEMENT,
                     link_text="HM Inspectorate of Probation's website")
DTI_SOURCE = Source("Data to Insight", "the imported inspections, from their table of HMIP's youth justice "
                    "inspection ratings scraped from the reports",
                    "https://github.com/data-to-insight/hmi-probation-youth-justice-scrape", "MIT License",
                    "https://opensource.org/license/mit", DTI_COPYRIGHT, MIT_PERMISSION,
                    link_text="Data to Insight's repository on GitHub")


def inspectorate_source(inspectorate: str) -> Source:
    """The inspectorate whose framework an inspection is under: HMIP's licence is known; another's
    is named without a licence, which the site does not know."""
    if inspectorate == HMIP:
        return HMIP_SOURCE
    return Source(inspectorate, "the inspections' ratings and reports, as the inspectorate published them",
                  None, None, None, None)


def from_data_to_insight(view: InspectionView) -> bool:
    imported = view.inspection.imported
    return imported is not None and imported.table == ImportedTable.DATA_TO_INSIGHT


def sources(corpus: Corpus) -> list[Source]:
    """The sources of the inspections the build shows: each inspectorate whose ratings they are,
    then Data to Insight where any came from their table."""
    views = corpus.inspections.values()
    inspectorates = sorted({corpus.frameworks[v.framework_id].inspectorate for v in views})
    found = [inspectorate_source(name) for name in inspectorates]
    if any(from_data_to_insight(v) for v in views):
        found.append(DTI_SOURCE)
    return found
