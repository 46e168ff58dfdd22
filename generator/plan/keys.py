"""Output keys: for every output, one digest of everything it is made from.

A build reuses a live file only when the key it was made with equals the key the plan
gives it now, so a key must name *everything* the file's bytes depend on: the records it
reads (or 'absent' for one withheld or gone), the templates it uses, the day it is as at
where it shows one, and the environment (the tool and its installed dependencies,
`fingerprint.environment_digest`). Whatever a key leaves out, a build would not notice.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Mapping

from generator.load.files import Template

if TYPE_CHECKING:
    from generator.plan.outputs import Output
    from generator.resolve.corpus import Corpus

KEY_VERSION = 2
AS_AT = "as-at:"        # 'as-at:2021-03-04': the day a paper is as at names itself (`plan.issue`)
# The names a template extends, includes or imports: the theme names its templates literally.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def input_digests(corpus: Corpus, as_of_key: str, site_key: str) -> dict[str, str]:
    """The digest of every input an output may name: 'inspection:torbay-2021', 'as-of', ..."""
    c = corpus
    digests = {site_key: c.site_digest, as_of_key: c.as_of.isoformat()}
    for kind, mapping in (("inspection", c.inspections),
                          ("action_plan", c.action_plans), ("indicators", c.indicators),
                          ("report", c.reports), ("meeting", c.meetings)):
        for key, entry in mapping.items():
            digests[f"{kind}:{key}"] = entry.digest
    for kind, mapping in (("council", c.councils), ("service", c.services)):
        for key, entry in mapping.items():
            # Its details change from a day on (`rules.changes`): a page shows those in force, which
            # a new day may change while the record's bytes stay the same.
            in_force = getattr(entry, kind).model_dump_json()      # CouncilView.council, ServiceView.service
            digests[f"{kind}:{key}"] = hashlib.sha256(f"{entry.digest}|{in_force}".encode()).hexdigest()
    for key, entry in c.inspections.items():
        digests[f"inspection-listed:{key}"] = entry.listed_digest
    for key, attachment in c.attachments.items():
        digests[f"attachment:{key}"] = attachment.digest
    for key, framework in c.frameworks.items():
        digests[f"framework:{key}"] = hashlib.sha256(framework.model_dump_json().encode()).hexdigest()
    return digests


def corpus_digest(digests: Mapping[str, str]) -> str:
    """One digest of every input: what an output reads when it may read anything."""
    return hashlib.sha256("".join(f"{name}\0{digest}\0" for name, digest in sorted(digests.items())).encode()).hexdigest()


def templates_used(name: str | None, templates: Mapping[str, Template]) -> set[str]:
    """Template `name` and every template it uses, recursively."""
    used: set[str] = set()
    waiting = [name] if name else []
    while waiting:
        current = waiting.pop()
        if current in used or current not in templates:
            continue
        used.add(current)
        waiting += _REFERENCE.findall(templates[current].source)
    return used


def template_digest(name: str | None, templates: Mapping[str, Template]) -> str:
    """The digest of template `name` together with every template it uses, recursively."""
    if name is None:
        return ""
    used = templates_used(name, templates)
    return hashlib.sha256("".join(f"{n}\0{templates[n].digest}\0" for n in sorted(used)).encode()).hexdigest()


def is_sites_own(template: Template) -> bool:
    """A council's own template (templates/NAME), not the theme's: it may read any record."""
    return not template.shown.startswith("(theme)")


def papers_digest(templates: Mapping[str, Template], attachments: Mapping[str, str]) -> str:
    """What every paper may read besides its records: papers are put together from several
    templates by name, not only by include, and may embed any image or PDF under content/
    (`attachments`: path -> digest; a Markdown attachment is named by the papers that use it). Any of them changed lays papers out again; unchanged
    documents' layouts are kept (`speed.pdf_cache`)."""
    text = "".join(f"{n}\0{t.digest}\0" for n, t in sorted(templates.items()))
    text += "".join(f"{path}\0{digest}\0" for path, digest in sorted(attachments.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def output_key(output: Output, digests: Mapping[str, str], templates_digest: str, environment: str) -> str:
    hasher = hashlib.sha256()
    hasher.update(f"{KEY_VERSION}|{environment}|{output.kind}|{output.path}|{templates_digest}".encode())
    # One update of the joined text: a listing page names every inspection, service and plan.
    hasher.update("".join([f"|{key}={digests.get(key, key if key.startswith(AS_AT) else 'absent')}"
                           for key in output.inputs]).encode())
    return hasher.hexdigest()


def search_key(page_keys: Mapping[str, str], environment: str) -> str:
    """The search index is made from the pages alone: its key is theirs, together."""
    hasher = hashlib.sha256(f"{KEY_VERSION}|{environment}|search".encode())
    hasher.update("".join(f"|{path}={key}" for path, key in sorted(page_keys.items())).encode())
    return hasher.hexdigest()
