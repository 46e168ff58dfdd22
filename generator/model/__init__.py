"""The record models: one module per kind of content file, each typed and documented.

`MODELS` maps a content folder's record kind to its model; `scrutiny schema KIND` prints
each one's JSON Schema for editors.

Records are pydantic models; the parts of them that a national corpus holds by the
hundred thousand (progress updates, actions, key questions, standards' findings, periods,
indicator values) are slotted pydantic dataclasses instead. They validate alike and say
their errors alike (generator/validate.py), but a model keeps a dict of its fields and a
set of the names given for each instance, which a large corpus pays for in memory. Their
fields are keyword-only, so they may be listed in any order, as in a model.
"""

from generator.model.action_plan import ActionPlan
from generator.model.council import Council
from generator.model.framework import Framework
from generator.model.indicators import Indicators
from generator.model.inspection import Inspection
from generator.model.meeting import Meeting
from generator.model.report import ReportFrontMatter
from generator.model.service import Service
from generator.model.site import Site

MODELS = {
    "site": Site,
    "council": Council,
    "service": Service,
    "inspection": Inspection,
    "action_plan": ActionPlan,
    "indicators": Indicators,
    "report": ReportFrontMatter,
    "meeting": Meeting,
    "framework": Framework,
}

__all__ = ["MODELS", "ActionPlan", "Council", "Framework", "Indicators", "Inspection", "Meeting",
           "ReportFrontMatter", "Service", "Site"]
