"""A synthetic national corpus: N inspections of N/3 services, written as content/ YAML.

    python -m bench.corpus N DIR [--as-of 2025-06-30]

DIR becomes a site root (DIR/content/...). The corpus looks like the real content in
content/: the same record kinds, the shipped HMIP frameworks (hmip-youth-2018 for
inspections before mid-2021, hmip-youth-2021 after), ratings that follow the HMIP rules
(a case-based standard's rating is the band of its lowest key question; the overall
score is the sum of the standards and its rating the band of the score), so
`scrutiny check` finds no errors and no warnings.

Per inspection: about 1,500 words of prose across the introduction, domain summaries,
strengths, areas for improvement and recommendations; most fields plain sentences, some
with **bold**, some summaries with a second paragraph or a list. Per inspection also an
action plan of 20 actions, each with 12 monthly progress updates. Per service: a council
and an indicators file. Per ~10 inspections: a committee meeting of 1-3 items whose
appendices point at inspections, action plans and a Markdown attachment, the first item
with a cover report that embeds generated blocks.

Deterministic: the same N gives byte-identical files (one seeded random generator, files
written in a fixed order). Fast: plain string formatting, no YAML library.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import functools
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "generator" / "frameworks"
DEFAULT_AS_OF = dt.date(2025, 6, 30)
ACTIONS_PER_PLAN = 20
UPDATES_PER_ACTION = 12

RATINGS = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
KQ_FLOORS = [0, 50, 65, 80]            # HMIP key-question bands (from the framework files)
OVERALL_FLOORS = [0, 7, 19, 31]        # HMIP overall bands for 12 standards


def _band(value: float, floors: list[int]) -> int:
    result = 0
    for index, floor in enumerate(floors):
        if value >= floor:
            result = index
    return result


@functools.lru_cache(maxsize=None)
def _yes_choices(target: int, of: int) -> tuple[int, ...]:
    """The 'yes' counts out of `of` whose percentage bands as `target`."""
    return tuple(y for y in range(of + 1) if _band(100.0 * y / of, KQ_FLOORS) == target)


# ---------------------------------------------------------------- vocabulary
PLACE_HEADS = ["Ash", "Bar", "Brad", "Brook", "Cal", "Chester", "Clay", "Dun", "East", "Elm", "Fair",
               "Glen", "Graves", "Hal", "Hart", "Hay", "Kings", "Lang", "Lea", "Mar", "Mill", "New",
               "North", "Oak", "Pen", "Red", "Rich", "Rock", "Salt", "Sand", "Shef", "Stan", "Stock",
               "Sud", "Thorn", "Wal", "West", "Whit", "Wick", "Wood", "Yar", "Bel", "Crom", "Dar"]
PLACE_TAILS = ["bury", "field", "ford", "ham", "ley", "mouth", "port", "stead", "ton", "wich", "worth",
               "borough", "bridge", "by", "caster", "combe", "dale", "den", "gate", "hurst", "ington",
               "land", "mere", "minster", "moor", "well", "wood", "thorpe", "holme", "castle"]
PLACE_QUALIFIERS = ["", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "Greater ", "Mid "]
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West", "Wales"]
COLOURS = ["#005a78", "#1d4f91", "#6b2c91", "#7a1e1e", "#2b5329", "#4a4a4a", "#00594f", "#8a2432",
           "#003f87", "#5c2d0c"]
SERVICE_KINDS = [("YOT", "Youth Offending Team"), ("YOS", "Youth Offending Service"),
                 ("YJS", "Youth Justice Service")]
FIRST_NAMES = ["Alison", "Amir", "Bethan", "Caroline", "Daniel", "Deborah", "Emma", "Farah", "Gareth",
               "Helen", "Imran", "Jane", "Jonathan", "Karen", "Liam", "Maria", "Mark", "Nadia", "Oliver",
               "Priya", "Rachel", "Richard", "Samina", "Simon", "Tom", "Yvonne", "Zoe", "Catherine"]
SURNAMES = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
            "Jerram", "Khan", "Lewis", "Morgan", "Nolan", "Owen", "Patel", "Quinn", "Roberts", "Shah",
            "Taylor", "Walsh", "Williams", "Young", "Driscoll", "Bennett", "Jones"]

SUBJECTS = ["The Management Board", "Case managers", "The partnership", "Operational managers",
            "Staff across the service", "The Head of Service", "Police officers seconded to the team",
            "Health workers in the team", "Education staff", "The service", "Referral order panel volunteers",
            "Senior leaders", "Board members", "The out-of-court disposal panel", "Social workers",
            "The victim worker", "Team managers", "The local authority", "Partner agencies", "Practitioners"]
VERBS = ["had a clear understanding of", "did not always understand", "worked well to improve",
         "paid close attention to", "gave too little attention to", "made good use of",
         "had started to review", "were committed to improving", "did not consistently record",
         "had a strong focus on", "needed to strengthen their work on", "took account of",
         "had developed a shared approach to", "had not yet analysed", "reported regularly on",
         "were creative in their approach to", "did not routinely consider", "invested in",
         "understood the importance of", "had not prioritised"]
OBJECTS = ["the needs of children on the caseload", "risk of harm to others", "children's safety and wellbeing",
           "desistance and the factors that support it", "the views and wishes of victims",
           "out-of-court disposal decisions", "access to education, training and employment",
           "speech, language and communication needs", "contingency planning", "the youth justice plan",
           "diversity and the lived experience of children", "transitions to adult services",
           "resettlement planning for children leaving custody", "the quality of assessment",
           "management oversight of casework", "the use of performance data", "trauma-informed practice",
           "the voice of children and their parents or carers", "joint working with the police",
           "the over-representation of Black and mixed heritage children", "exploitation and county lines",
           "children looked after by the local authority", "emotional and mental health support",
           "the induction of new staff", "the learning from audits and case reviews"]
QUALIFIERS = ["in most of the cases we inspected", "across court and out-of-court work",
              "since the last inspection", "although this was not yet consistent",
              "and this was reflected in case records", "with support from partner agencies",
              "in the court cases we looked at", "in a minority of out-of-court cases",
              "throughout the period of supervision", "at every stage of the work",
              "and staff told us this made a difference", "despite the pressures of the pandemic",
              "which children and families valued", "but the impact was not yet clear",
              "and the Board received regular reports on it", "in line with the service's own guidance"]
CONNECTIVES = ["", "", "", "", "However, ", "In addition, ", "As a result, ", "Overall, ", "In practice, ",
               "At the same time, "]
REC_VERBS = ["make sure that", "develop", "improve", "review", "strengthen", "establish", "ensure that",
             "monitor", "understand and address", "set up"]
REC_OBJECTS = ["Board members understand the specific needs of children known to the service",
               "contingency plans set out how risk of harm to others will be managed",
               "every child receiving an out-of-court disposal is assessed before the decision",
               "children with special educational needs have access to high-quality provision",
               "the service understands the experiences of Black, Asian and minority ethnic children",
               "management oversight of casework is recorded and effective",
               "policies and guidance for out-of-court disposals are up to date",
               "data is analysed and used to evaluate the impact of the work",
               "the views of children, parents and victims inform service development",
               "arrangements for children moving to adult services are planned early",
               "staff have the facilities they need to work with children and families",
               "health and education partners contribute fully to assessment and planning"]
ADDRESSEES = ["The YOT Management Board", "The Head of Service", "The Director of Children's Services",
              "The local police force", "The Chair of the Management Board"]
ACTION_VERBS = ["Establish", "Review", "Deliver training on", "Introduce an audit of", "Agree a protocol for",
                "Report quarterly to the Board on", "Recruit a lead for", "Update guidance on",
                "Set up a working group on", "Develop a dashboard for"]
UPDATE_NOTES = ["Working group meets fortnightly and has agreed its terms of reference.",
                "Training delivered to {n} members of staff; feedback was positive.",
                "Audit of {n} cases completed; findings reported to the Board.",
                "Delayed by staff absence; revised timescale agreed with the Head of Service.",
                "Draft protocol circulated to partners for comment.",
                "Guidance updated and published on the intranet.",
                "Board received a progress report and asked for further detail on outcomes.",
                "Recruitment completed; the post holder starts next month.",
                "Dashboard in testing with team managers.",
                "No progress this month because of competing priorities.",
                "Partners agreed the approach at the last Board meeting.",
                "Evidence of impact gathered from {n} case reviews.",
                "Action complete; outcomes will be monitored through quarterly audits.",
                "Children and families consulted through {n} feedback sessions."]
RAG_PATHS = [["red", "red", "amber", "amber", "amber", "green", "green", "green", "green", "complete"],
             ["amber", "amber", "amber", "green", "green", "green", "complete"],
             ["red", "amber", "amber", "red", "amber", "amber", "green"],
             ["green", "green", "green", "green", "complete"],
             ["amber", "amber", "amber", "amber", "amber", "amber", "amber", "amber", "red"]]

_PLAIN_NOTE = re.compile(r"^[A-Za-z0-9(][^:#\n\"]*[^ :]$")
QUOTED_NOTES = [note.format(n=n) if _PLAIN_NOTE.match(note.format(n=n)) else json.dumps(note.format(n=n))
                for note in UPDATE_NOTES for n in ((3, 5, 8, 12, 15, 20, 24, 30, 36, 40) if "{n}" in note else (0,))]

_PLAIN = re.compile(r"^[A-Za-z0-9(][^:#\n\"]*[^ :]$")


def q(text: str) -> str:
    """A YAML scalar for one line of text: plain where that is safe, else double-quoted."""
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """A literal block scalar ('|') for multi-line text at the given indentation."""
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.split("\n")) + "\n"


# ---------------------------------------------------------------- prose
class Prose:
    """Deterministic sentences in the register of HMIP reports."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random

    def pick(self, items: list[str]) -> str:
        """rng.choice, without its overhead (a million calls at N = 5,000)."""
        return items[int(self.random() * len(items))]

    def sentence(self, bold: float = 0.04) -> str:
        pick = self.pick
        obj = pick(OBJECTS)
        if self.random() < bold:
            obj = f"**{obj}**"
        connective = pick(CONNECTIVES)
        subject = pick(SUBJECTS)
        if connective and subject.startswith("The "):
            subject = "the " + subject[4:]
        return f"{connective}{subject} {pick(VERBS)} {obj} {pick(QUALIFIERS)}."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def summary(self, low: int, high: int) -> str:
        """One or two paragraphs; now and then a short list (Markdown)."""
        r = self.rng
        count = r.randint(low, high)
        roll = r.random()
        if roll < 0.15:
            lead = self.paragraph(max(2, count - 3))
            items = "\n".join(f"- {r.choice(OBJECTS)};" for _ in range(3))
            return f"{lead} Inspectors highlighted:\n\n{items}"
        if roll < 0.45:
            first = count // 2
            return f"{self.paragraph(first)}\n\n{self.paragraph(count - first)}"
        return self.paragraph(count)

    def recommendation(self) -> str:
        r = self.rng
        return f"{r.choice(REC_VERBS)} {r.choice(REC_OBJECTS)} {r.choice(QUALIFIERS)}"


# ---------------------------------------------------------------- dates
def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


# ---------------------------------------------------------------- frameworks
def load_frameworks() -> dict[str, dict]:
    frameworks = {}
    for fid in ("hmip-youth-2018", "hmip-youth-2021"):
        data = yaml.safe_load((FRAMEWORKS_DIR / f"{fid}.yaml").read_text(encoding="utf-8"))
        frameworks[fid] = data
    return frameworks


# ---------------------------------------------------------------- the corpus plan
@dataclass
class ServicePlan:
    id: str
    council: str
    place: str
    kind: str
    kind_name: str
    region: str
    quality: int
    inspections: list[str] = field(default_factory=list)


@dataclass
class InspectionPlan:
    id: str
    service: ServicePlan
    framework: str
    fieldwork_from: dt.date
    published: dt.date
    plan_id: str
    recommendations: int = 0


class CorpusWriter:
    def __init__(self, n: int, root: Path, as_of: dt.date = DEFAULT_AS_OF) -> None:
        if n < 1:
            raise ValueError("N must be at least 1")
        self.n = n
        self.root = root
        self.content = root / "content"
        self.as_of = as_of
        self.rng = random.Random(f"scrutiny-bench-corpus:{n}")
        self.prose = Prose(self.rng)
        self.frameworks = load_frameworks()
        self.files = 0
        self.bytes = 0
        self.words = 0

    # -- output
    def write(self, relative: str, text: str) -> None:
        path = self.content / relative
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    # -- structure
    def plan_services(self) -> list[ServicePlan]:
        count = max(1, -(-self.n // 3))
        places: list[str] = []
        seen: set[str] = set()
        combos = [(qual, head, tail) for qual in PLACE_QUALIFIERS for head in PLACE_HEADS for tail in PLACE_TAILS]
        order = list(range(len(combos)))
        self.rng.shuffle(order)
        for index in order:
            qual, head, tail = combos[index]
            place = f"{qual}{head}{tail}"
            slug = re.sub(r"[^a-z0-9]+", "-", place.lower()).strip("-")
            if slug in seen:
                continue
            seen.add(slug)
            places.append(place)
            if len(places) == count:
                break
        if len(places) < count:
            raise ValueError(f"N={self.n} needs {count} services; the name pool has {len(places)}")
        services = []
        for index, place in enumerate(places):
            slug = re.sub(r"[^a-z0-9]+", "-", place.lower()).strip("-")
            kind, kind_name = SERVICE_KINDS[index % 3 if index % 5 else 0]
            quality = self.rng.choices([0, 1, 2, 3], weights=[1, 5, 8, 2])[0]
            services.append(ServicePlan(f"{slug}-{kind.lower()}", slug, place, kind, kind_name,
                                        REGIONS[index % len(REGIONS)], quality))
        return services

    def plan_inspections(self, services: list[ServicePlan]) -> list[InspectionPlan]:
        eras = [  # (framework, first fieldwork day, days of spread): three rounds of inspection
            ("hmip-youth-2018", dt.date(2018, 7, 2), 500),
            ("hmip-youth-2018", dt.date(2019, 11, 4), 480),
            ("hmip-youth-2021", dt.date(2021, 9, 6), 900),
        ]
        inspections = []
        used: set[str] = set()
        for number in range(self.n):
            service = services[number // 3]
            framework, start, spread = eras[number % 3]
            fieldwork = monday_on_or_after(start + dt.timedelta(days=self.rng.randrange(spread)))
            published = fieldwork + dt.timedelta(days=self.rng.randint(56, 100))
            iid = f"{service.council}-{published.year}"
            if iid in used:
                iid = f"{service.council}-{published.year}-{published.month:02d}"
            used.add(iid)
            inspection = InspectionPlan(iid, service, framework, fieldwork, published, f"{iid}-plan")
            service.inspections.append(iid)
            inspections.append(inspection)
        return inspections

    # -- records
    def council_yaml(self, service: ServicePlan, index: int) -> str:
        r = self.rng
        style = "front_sheet" if index % 4 == 0 else "heading_block"
        numbering = "sections" if index % 4 == 0 else "continuous"
        phone = f"0{r.randint(1200, 1999)} {r.randint(100000, 999999)}"
        return (f"name: {service.place} Council\n"
                f"short_name: {service.place}\n"
                f"nation: {'wales' if service.region == 'Wales' else 'england'}\n"
                f"colour: \"{COLOURS[index % len(COLOURS)]}\"\n"
                f"address: [Town Hall, {service.place}]\n"
                f"website: https://www.{service.council}.gov.uk\n"
                f"clerk: {{name: Democratic Services, telephone: \"{phone}\", "
                f"email: democratic.services@{service.council}.gov.uk}}\n"
                f"paper_style: {style}\n"
                f"paragraph_numbering: {numbering}\n")

    def service_yaml(self, service: ServicePlan) -> str:
        return (f"name: {service.place} {service.kind_name}\n"
                f"short_name: {service.place} {service.kind}\n"
                f"council: {service.council}\n"
                f"kind: {service.kind}\n"
                f"region: {service.region}\n")

    def indicators_yaml(self, service: ServicePlan) -> str:
        r = self.rng
        lines = [f"service: {service.id}", "source: Youth Justice Board performance data (synthetic)"]
        series = [("first_time_entrants", 120, 380, 0), ("reoffending_frequency", 2.0, 5.0, 2),
                  ("custody_rate", 0.05, 0.6, 2)]
        for name, low, high, digits in series:
            lines.append(f"{name}:")
            for year in range(2018, 2024):
                def value() -> str:
                    v = r.uniform(low, high)
                    return str(round(v)) if digits == 0 else f"{v:.{digits}f}"
                lines.append(f"  - period: {{from: {year}-01, to: {year}-12}}")
                lines.append(f"    value: {value()}")
                lines.append(f"    comparators: {{yot_family: {value()}, england_and_wales: {value()}, "
                             f"region: {value()}}}")
        return "\n".join(lines) + "\n"

    def _counts(self, target: int, cases: int) -> tuple[int, int]:
        """(yes, of) whose percentage bands as `target`, with 'of' near the case sample."""
        r = self.rng
        of = max(1, cases - r.choice([0, 0, 0, 1, 2]))
        while True:
            choices = _yes_choices(target, of)
            if choices:
                return r.choice(choices), of
            of += 1

    def _standard_lines(self, definition: dict, rating: int, cases: int) -> list[str]:
        r = self.rng
        number = definition["number"]
        if not definition.get("case_based"):
            return [f"  \"{number}\": {RATINGS[rating]}"]
        lines = [f"  \"{number}\":", f"    rating: {RATINGS[rating]}", f"    cases: {cases}", "    key_questions:"]
        questions = [kq["number"] for kq in definition["key_questions"]]
        lowest = r.randrange(len(questions))
        for index, kq in enumerate(questions):
            band = rating if index == lowest else r.randint(rating, 3)
            if r.random() < 0.1:
                low = KQ_FLOORS[band]
                high = (KQ_FLOORS[band + 1] - 1) if band < 3 else 100
                lines.append(f"      \"{kq}\": {r.randint(low, high)}")
            else:
                yes, of = self._counts(band, cases)
                lines.append(f"      \"{kq}\": {{yes: {yes}, of: {of}}}")
        return lines

    def inspection_yaml(self, insp: InspectionPlan) -> str:
        r = self.rng
        p = self.prose
        framework = self.frameworks[insp.framework]
        service = insp.service
        out: list[str] = [
            f"# {service.place} {service.kind} inspection: synthetic record for the benchmark (bench/corpus.py).",
            f"service: {service.id}",
            f"framework: {insp.framework}",
            f"fieldwork: {{from: {insp.fieldwork_from.isoformat()}, "
            f"to: {(insp.fieldwork_from + dt.timedelta(days=3)).isoformat()}}}",
            f"published: {insp.published.isoformat()}",
        ]
        if r.random() < 0.5:
            out.append(f"embargo_until: \"{insp.published.isoformat()} 00:01\"")
        out.append(f"lead_inspector: {self.person()}")
        out.append("status: published")
        # ratings first: the overall line depends on them
        standard_lines: list[str] = []
        score = 0
        court_cases = r.randint(4, 30)
        ooc_cases = r.randint(3, 25)
        for domain in framework["domains"]:
            for definition in domain["standards"]:
                rating = min(3, max(0, service.quality + r.choice([-1, 0, 0, 0, 1])))
                score += rating
                cases = court_cases if definition["number"].startswith("2.") else ooc_cases
                standard_lines += self._standard_lines(definition, rating, cases)
        overall = RATINGS[_band(score, OVERALL_FLOORS)]
        out.append(f"overall: {{rating: {overall}, score: {score}}}")
        out.append("")
        intro = p.summary(6, 9)
        self.words += len(intro.split())
        out.append("introduction: " + block(intro, 2).rstrip("\n"))
        out.append("")
        out.append("domains:")
        for domain in framework["domains"]:
            out.append(f"  \"{domain['number']}\":")
            summary = p.summary(8, 10)
            self.words += len(summary.split())
            out.append("    summary: " + block(summary, 6).rstrip("\n"))
            out.append("    strengths:")
            for _ in range(r.randint(6, 8)):
                text = p.sentence(bold=0.08)
                self.words += len(text.split())
                out.append(f"      - {q(text)}")
            out.append("    areas_for_improvement:")
            for _ in range(r.randint(4, 6)):
                text = p.sentence(bold=0.05)
                self.words += len(text.split())
                out.append(f"      - {q(text)}")
        out.append("")
        out.append("standards:")
        out += standard_lines
        if framework.get("separately_rated"):
            out.append("separately_rated:")
            for item in framework["separately_rated"]:
                rating = min(3, max(0, service.quality + r.choice([-1, 0, 1])))
                out.append(f"  {item['key']}: {{rating: {RATINGS[rating]}}}")
        out.append("")
        out.append("recommendations:")
        total = r.randint(5, 8)
        first = r.randint(2, total - 2)
        addressees = r.sample(ADDRESSEES, 2)
        for group, count in ((addressees[0], first), (addressees[1], total - first)):
            out.append(f"  - to: {group}")
            out.append("    items:")
            for _ in range(count):
                text = p.recommendation()
                self.words += len(text.split())
                out.append(f"      - {q(text)}")
        insp.recommendations = total
        out.append("")
        out.append("facts:")
        year = insp.published.year - 1
        out.append(f"  population_total: {{label: Total population, value: {r.randint(80_000, 1_200_000)}, "
                   f"year: {year}}}")
        out.append(f"  youth_population_10_17: {{label: Youth population (10-17), "
                   f"value: {r.randint(7_000, 120_000)}, year: {year}}}")
        return "\n".join(out) + "\n"

    def action_plan_yaml(self, insp: InspectionPlan) -> str:
        r = self.rng
        service = insp.service
        out = [f"# Improvement plan answering {insp.id}: synthetic record for the benchmark.",
               f"inspection: {insp.id}",
               f"title: {service.place} {service.kind} inspection improvement plan",
               f"owner: {service.place} {service.kind} Management Board",
               "status: published",
               "actions:"]
        start = add_months(insp.published, 1)
        first_month = start.year * 12 + start.month - 1
        rand = r.random
        for index in range(ACTIONS_PER_PLAN):
            answers = sorted({index % insp.recommendations + 1, r.randint(1, insp.recommendations)})
            due = add_months(start, r.randint(6, 18))
            out.append(f"  - id: A{index + 1}")
            out.append(f"    recommendations: [{', '.join(map(str, answers))}]")
            out.append(f"    action: {q(r.choice(ACTION_VERBS) + ' ' + r.choice(OBJECTS))}")
            out.append(f"    how: {q(self.prose.sentence(bold=0))}")
            out.append(f"    who: {r.choice(SUBJECTS)}")
            out.append(f"    resources: {r.choice(['Staff time', 'Existing budget', 'Training budget', 'Analyst time'])}")
            out.append(f"    review: {month(add_months(start, 3))}")
            out.append(f"    due: {month(due)}")
            out.append(f"    outcome: {q(self.prose.sentence(bold=0))}")
            out.append("    updates:")
            path = r.choice(RAG_PATHS)
            day = r.randint(3, 28)               # every month has it: no calendar look-ups
            for step in range(UPDATES_PER_ACTION):
                index = first_month + step
                rag = path[min(step * len(path) // UPDATES_PER_ACTION, len(path) - 1)]
                note = QUOTED_NOTES[int(rand() * len(QUOTED_NOTES))]
                out.append(f"      - {{date: {index // 12}-{index % 12 + 1:02d}-{day:02d}, rag: {rag}, note: {note}}}")
        return "\n".join(out) + "\n"

    def attachment_md(self, title: str) -> str:
        body = "\n\n".join(self.prose.paragraph(self.rng.randint(3, 5)) for _ in range(4))
        return f"---\ntitle: {q(title)}\n---\n{body}\n"

    def report_md(self, rid: str, council_index: int, service: ServicePlan, insp: InspectionPlan,
                  meeting_date: dt.date, committee: str) -> str:
        r = self.rng
        p = self.prose
        front = [
            "---",
            f"council: {service.council}",
            "kind: scrutiny",
            f"committee: {q(committee)}",
            f"date: {meeting_date.isoformat()}",
            "report_of: Director of Children's Services",
            f"title: {service.kind_name} Inspection Outcome and Improvement Plan",
            f"inspection: {insp.id}",
            f"action_plan: {insp.plan_id}",
            f"indicators: {service.id}",
            "recommendations:",
            "  for_noting:",
            f"    - {q('Note the outcome of the inspection and the progress made on the improvement plan.')}",
            "  for_decision:",
            f"    - {q('Comment on the improvement plan and agree when the Committee should next receive an update.')}",
            f"contact: {{name: {self.person()}, title: Head of Service, telephone: \"0{r.randint(1200, 1999)} "
            f"{r.randint(100000, 999999)}\", email: yjs@{service.council}.gov.uk}}",
            f"signed_by: {{name: {self.person()}, title: Director of Children's Services}}",
            "status: published",
            "---",
        ]
        body = [
            "## Purpose", "", p.paragraph(3), "",
            "## Background", "", p.paragraph(4), "", p.paragraph(3), "",
            "## Inspection findings", "", p.paragraph(4), "", "[[ratings-table]]", "", p.paragraph(3), "",
            "## Progress on the improvement plan", "", p.paragraph(4), "", "[[action-plan-summary]]", "",
            "## Performance", "", p.paragraph(3), "", "[[indicator-table first_time_entrants]]", "",
            "## Finance", "", "This report has no direct financial implications.", "",
            "## Law", "", "The Crime and Disorder Act 1998 requires every local authority to provide youth "
            "justice services.", "",
            "## Equality Impact", "", p.paragraph(3), "",
        ]
        return "\n".join(front) + "\n" + "\n".join(body)

    def meetings(self, services: list[ServicePlan], by_id: dict[str, InspectionPlan],
                 council_index: dict[str, int]) -> None:
        r = self.rng
        count = max(1, round(self.n / 10))
        used: set[str] = set()
        for j in range(count):
            service = services[(j * len(services)) // count]
            latest = by_id[service.inspections[-1]]
            date = add_months(latest.published, r.randint(1, 3))
            date = min(date, self.as_of - dt.timedelta(days=1))
            mid = f"{service.council}-cyp-scrutiny-{date.isoformat()}"
            while mid in used:
                date += dt.timedelta(days=7)
                mid = f"{service.council}-cyp-scrutiny-{date.isoformat()}"
            used.add(mid)
            committee = "Children and Young People's Scrutiny Committee"
            rid = f"{mid}-report"
            attachment = f"attachments/{mid}-response.md"
            self.write(f"reports/{rid}.md",
                       self.report_md(rid, council_index[service.council], service, latest, date, committee))
            self.write(attachment, self.attachment_md(f"{service.place} {service.kind}: response to the inspection"))
            items = r.randint(1, 3)
            lines = [
                f"# A committee meeting: synthetic record for the benchmark.",
                f"council: {service.council}",
                f"committee: {q(committee)}",
                f"date: {date.isoformat()}",
                f"time: \"{r.choice(['10:00', '14:00', '17:30', '18:00'])}\"",
                f"venue: Town Hall, {service.place}",
                "pack: agenda",
                "status: published",
                "items:",
                "  - number: 1",
                "    title: Apologies for absence",
                "  - number: 2",
                "    title: Declarations of interest",
                "  - number: 3",
                "    title: Minutes of the last meeting",
                "  - number: 4",
                f"    title: {service.kind_name} inspection outcome",
                f"    report: {rid}",
                "    appendices:",
                f"      - {{title: HMIP inspection report, inspection: {latest.id}}}",
                f"      - {{title: Improvement plan, action_plan: {latest.plan_id}}}",
                f"      - {{title: Service response to the inspection, markdown: {attachment}}}",
            ]
            if items >= 2 and len(service.inspections) >= 2:
                earlier = by_id[service.inspections[-2]]
                lines += ["  - number: 5",
                          "    title: Progress on the previous improvement plan",
                          "    appendices:",
                          f"      - {{title: Previous improvement plan, action_plan: {earlier.plan_id}}}"]
            if items >= 3:
                lines += ["  - number: 6",
                          "    title: Youth justice plan and performance",
                          "    appendices:",
                          f"      - {{title: Previous inspection report, inspection: {service.inspections[0]}}}"]
            self.write(f"meetings/{mid}.yaml", "\n".join(lines) + "\n")

    # -- the whole corpus
    def run(self) -> dict:
        if self.content.exists():
            shutil.rmtree(self.content)
        for folder in ("councils", "services", "inspections", "action-plans", "indicators", "reports",
                       "meetings", "attachments"):
            (self.content / folder).mkdir(parents=True, exist_ok=True)
        services = self.plan_services()
        inspections = self.plan_inspections(services)
        by_id = {i.id: i for i in inspections}
        council_index = {}
        self.write("site.yaml", (
            "title: Youth Justice Inspections\n"
            f"organisation: \"Synthetic national corpus ({self.n} inspections) for the benchmark\"\n"
            "description: Generated by bench/corpus.py; not real inspection findings.\n"
            "base_url: https://intranet.example.gov.uk/scrutiny/\n"
            f"default_council: {services[0].council}\n"
            "language: en-GB\n"))
        for index, service in enumerate(services):
            council_index[service.council] = index
            self.write(f"councils/{service.council}.yaml", self.council_yaml(service, index))
            self.write(f"services/{service.id}.yaml", self.service_yaml(service))
            self.write(f"indicators/{service.id}.yaml", self.indicators_yaml(service))
        for insp in inspections:
            self.write(f"inspections/{insp.id}.yaml", self.inspection_yaml(insp))
            self.write(f"action-plans/{insp.plan_id}.yaml", self.action_plan_yaml(insp))
        self.meetings(services, by_id, council_index)
        return {"inspections": len(inspections), "services": len(services), "councils": len(services),
                "action_plans": len(inspections), "meetings": max(1, round(self.n / 10)),
                "files": self.files, "bytes": self.bytes,
                "words_per_inspection": round(self.words / len(inspections))}


def write_corpus(n: int, root: Path, as_of: dt.date = DEFAULT_AS_OF) -> dict:
    """Write the corpus of N inspections under root/content; returns counts."""
    return CorpusWriter(n, Path(root), as_of).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of inspections")
    parser.add_argument("dir", type=Path, help="site root to write (DIR/content is replaced)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF,
                        help="no meeting or update is dated after this (default %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = write_corpus(args.n, args.dir, args.as_of)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
