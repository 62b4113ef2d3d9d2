#!/usr/bin/env python3
"""Synthetic Counter-Trafficking Resource Library catalogues for benchmarks.

    bench/generate.py N [--format listing|jsonl|csv] [--seed S] [-o PATH]

Writes N realistic records in the library listing format (like
data/library-listing.txt), as JSON Lines or as CSV. Titles and summaries are
composed from counter-trafficking vocabulary; countries, regions and categories are
labels of the concept schemes in vocab/ (so every record maps to concepts); authors
come from a shared pool of people and organisations. Every record is valid (no
SHACL violation; records with no category get the usual warning) and every
title+year is unique, so ctlib derives N distinct identifiers. The same N and seed
always give the same file.

Without -o the catalogue goes to standard output.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from bisect import bisect
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "ctlib" not in sys.modules:  # bench/ingest.py imports a snapshot's ctlib first
    sys.path.insert(0, str(ROOT / "src"))  # works without the venv's editable install too

from rdflib import Graph, URIRef  # noqa: E402
from rdflib.namespace import SKOS  # noqa: E402

from ctlib.rdf.uris import record_id  # noqa: E402
from ctlib.rdf.vocab import normalize_label  # noqa: E402
from ctlib.records.listing import PAGE_CHROME, _label, _mistyped_label  # noqa: E402

BASE = "http://localhost:8080/"
WORLDWIDE = "Worldwide"
FORMATS = {"listing": ".txt", "jsonl": ".jsonl", "csv": ".csv"}
CSV_COLUMNS = ("title", "summary", "country", "region", "authors", "year", "category")

# Shares, tuned on the real listing (6 of its 10 records are "Worldwide", most have an
# empty Category label).
P_WORLDWIDE = 0.30
P_NO_CATEGORY_LABEL = 0.10
P_EMPTY_CATEGORY = 0.25
YEARS = (1995, 2025)
PLACE, YEAR_FROM, YEAR_TO = "\x00", "\x01", "\x02"
"""Markers in the sentence pool for the record's own place and years."""
TITLE_PATTERN_WEIGHTS = (3, 6, 9, 10, 12, 14, 15, 18)
"""Cumulative weights of the eight title patterns (the 7th, a GRETA report, is rarer)."""
AUTHOR_COUNT_WEIGHTS = (30, 65, 80, 92, 100)
"""Cumulative: 30% of records name no author, 35% one, ... up to four."""
COUNTRY_COUNT_WEIGHTS = (80, 94, 100)
PARAGRAPH_COUNT_WEIGHTS = (75, 95, 100)


# --------------------------------------------------------------------------- record


@dataclass
class Item:
    """One generated record; ``category`` None means no Category label at all."""

    title: str
    summary: list[str]
    country: list[str]
    region: list[str]
    authors: list[str]
    year: str
    category: list[str] | None = field(default=None)

    def as_json(self) -> dict:
        item = {"title": self.title, "summary": "\n\n".join(self.summary),
                "country": self.country, "region": self.region, "authors": self.authors,
                "year": self.year}
        if self.category is not None:
            item["category"] = self.category
        return item


# ----------------------------------------------------------------------- vocabulary


@dataclass
class Country:
    labels: list[str]
    """English labels, prefLabel first."""
    regions: list[list[str]]
    """For each broader region: its English labels, prefLabel first."""


@dataclass
class Vocabulary:
    countries: list[Country]
    categories: list[str]
    category_keys: set[str]
    """Normalised labels of every category (any language): a title must not be one."""


def _english(graph: Graph, concept: URIRef) -> list[str]:
    pref = sorted(str(o) for o in graph.objects(concept, SKOS.prefLabel)
                  if o.language in (None, "en"))
    alt = sorted(str(o) for o in graph.objects(concept, SKOS.altLabel)
                 if o.language in (None, "en"))
    return [label for label in pref + alt if _safe_value(label)]


def _safe_value(text: str) -> bool:
    """A value line the listing reader reads back as a value (and CSV does not split)."""
    return bool(text.strip()) and text == text.strip() and ";" not in text \
        and "\n" not in text and text.casefold() not in PAGE_CHROME \
        and not _label(text) and not _mistyped_label(text)


def load_vocabulary(vocab_dir: Path) -> Vocabulary:
    graph = Graph()
    for name in ("countries", "regions", "categories"):
        graph.parse(vocab_dir / f"{name}.ttl", format="turtle", publicID=BASE)
    countries_scheme = URIRef(BASE + "def/countries")
    regions_scheme = URIRef(BASE + "def/regions")
    categories_scheme = URIRef(BASE + "def/categories")
    countries = []
    for concept in sorted(graph.subjects(SKOS.inScheme, countries_scheme)):
        labels = _english(graph, concept)
        regions = [_english(graph, region)
                   for region in sorted(graph.objects(concept, SKOS.broader))
                   if (region, SKOS.inScheme, regions_scheme) in graph]
        regions = [r for r in regions if r]
        if labels and regions:
            countries.append(Country(labels, regions))
    categories, keys = [], set()
    for concept in sorted(graph.subjects(SKOS.inScheme, categories_scheme)):
        categories.extend(_english(graph, concept)[:1])
        keys.update(normalize_label(str(o)) for o in graph.objects(concept, SKOS.prefLabel))
        keys.update(normalize_label(str(o)) for o in graph.objects(concept, SKOS.altLabel))
    if not countries or not categories:
        raise SystemExit(f"{vocab_dir}: no countries or categories found")
    return Vocabulary(countries, categories, keys)


# ------------------------------------------------------------------------ phrasebook

DOC_TYPES = (
    "Handbook", "Practical Handbook", "Guidance Note", "Toolkit", "Report", "Annual Report",
    "Assessment", "Rapid Assessment", "Baseline Study", "Desk Review", "Training Manual",
    "Facilitators Guide", "Policy Brief", "Situation Analysis", "Evaluation",
    "Final Evaluation", "Mid-Term Review", "Research Brief", "Project Description",
    "Country Profile", "Operational Guidelines", "Standard Operating Procedures",
    "Field Guide", "Resource Guide", "Manual", "Study", "Mapping Study", "Discussion Paper",
    "Working Paper", "Compendium of Good Practices", "Lessons Learned Report",
    "Needs Assessment", "Curriculum", "Information Sheet", "Thematic Paper",
)
TOPICS = (
    "Combating Trafficking in Persons", "Combatting Human Trafficking",
    "Identification of Victims of Trafficking", "Trafficking in Human Beings",
    "Labour Exploitation in Global Supply Chains", "Forced Labour and Debt Bondage",
    "Child Trafficking and Online Sexual Exploitation", "Trafficking for Sexual Exploitation",
    "Trafficking for Forced Criminality", "Trafficking for the Removal of Organs",
    "Assisted Voluntary Return and Reintegration", "National Referral Mechanisms",
    "Transnational Referral Mechanisms", "Shelter Standards for Trafficked Persons",
    "Victim-Centred and Trauma-Informed Approaches", "Financial Investigations",
    "Prosecution of Trafficking Offences", "Non-Punishment of Victims",
    "Trafficking Along Migration Routes", "Mixed Migration Flows and Trafficking",
    "Smuggling of Migrants and Trafficking in Persons", "Modern Slavery",
    "Forced Marriage", "Domestic Servitude", "Exploitation in the Fishing Industry",
    "Exploitation in Agriculture", "Recruitment Fees and Ethical Recruitment",
    "Trafficking in Crisis and Conflict Settings", "Trafficking in Humanitarian Emergencies",
    "Health Care for Survivors of Trafficking", "Mental Health and Psychosocial Support",
    "Data Collection on Trafficking", "Counter-Trafficking Data Standards",
    "Public–Private Partnerships Against Trafficking", "Corporate Due Diligence",
    "Awareness Raising in Communities of Origin", "Cooperation Between Law Enforcement Agencies",
    "Legal Assistance for Trafficked Persons", "Compensation for Victims",
    "Gender-Sensitive Responses to Trafficking", "Unaccompanied and Separated Children",
    "Trafficking of Persons With Disabilities", "Technology and Human Trafficking",
    "Anti-Trafficking Legislation", "National Action Plans Against Trafficking",
    "Monitoring of Government Responses", "Sustainable Development Goal 8.7",
    "Reintegration of Returnees", "Labour Inspection and Trafficking",
    "Border Management and Victim Identification", "Cross-Border Cooperation",
)
AUDIENCES = (
    "Law Enforcement First Responders", "Prosecutors and Judges", "Labour Inspectors",
    "Health Care Providers", "Social Workers", "Consular Staff", "Border Officials",
    "Civil Society Organizations", "Project Developers", "Shelter Staff", "Employers",
    "Journalists", "Teachers", "Humanitarian Actors", "Policy Makers", "Case Managers",
    "Front-Line Practitioners", "Trade Unions", "Recruitment Agencies", "Researchers",
)
SUBTITLES = (
    "Local Action and Direct Assistance", "What Next for Survivors?", "Findings and Recommendations",
    "A Practical Handbook", "Lessons From the Field", "An Independent Assessment",
    "Challenges and Opportunities", "Evidence From a Multi-Country Study", "A Resource Guide",
    "Strengthening the Response", "Protecting the Rights of Victims", "Policy Options",
    "A Baseline Survey", "Good Practices and Gaps", "From Policy to Practice",
    "Building Capacity to Respond", "Towards a Coordinated Response", "Key Findings",
    "What Do They Know, What Do They Need To Know?", "Closing the Protection Gap",
)
ORGS = (
    "International Organization for Migration", "IOM", "UNODC", "OSCE", "ILO", "UNICEF",
    "UNHCR", "Walk Free Foundation", "Council of Europe", "GRETA", "ICMPD", "the EU",
    "the national government", "the Ministry of Interior", "the Ministry of Labour",
    "local NGOs", "a consortium of civil society organizations", "the project team",
    "the Global Protection Cluster", "the Inter-Agency Coordination Group",
)
STAKEHOLDERS = (
    "survivors of trafficking", "law enforcement officers", "prosecutors", "labour inspectors",
    "social workers", "shelter staff", "migrant workers", "employers", "recruitment agencies",
    "health professionals", "community leaders", "returnees", "consular officials",
    "teachers", "trade union representatives", "judges", "border guards", "journalists",
)
ACTIVITIES = (
    "the identification and referral of victims", "the investigation and prosecution of cases",
    "the protection of unaccompanied children", "safe and dignified return and reintegration",
    "the collection and sharing of data", "access to justice and compensation",
    "the prevention of exploitation in recruitment", "coordination between agencies",
    "screening at borders and in reception centres", "psychosocial support and health care",
    "legal aid and information on rights", "awareness raising in communities at risk",
    "the monitoring of supply chains", "cross-border cooperation on cases",
    "the training of front-line practitioners", "emergency shelter and case management",
)
OUTCOMES = (
    "improve the identification of victims", "strengthen national referral mechanisms",
    "enhance the capacity of front-line actors", "reduce the vulnerability of migrants",
    "support the sustainable reintegration of survivors", "harmonise data collection",
    "promote a victim-centred approach", "increase the number of successful prosecutions",
    "prevent trafficking among displaced populations", "hold businesses to account",
    "inform national action plans", "ensure access to assistance regardless of cooperation "
    "with the authorities",
)
SENTENCES = (
    "This {doc} was developed by {org} to {outcome}.",
    "It draws on {n} interviews with {who} and {who2} in {place}.",
    "The {doc} focuses on {activity}, and on {activity2}.",
    "Between {y1} and {y2}, {org} supported {n} {who} through {activity}.",
    "The findings show that {who} often lack information about {activity}, which leaves "
    "many cases unidentified.",
    "Participants attended one of {k} training courses held in {place} and {place2}.",
    "The project will implement a comprehensive strategy to {outcome}, fostering "
    "community-based solutions and increasing the capacity of {who}.",
    "Chapter {k} sets out practical steps for {who}, with checklists, case studies and "
    "referral forms.",
    "A multidisciplinary approach brings together {who}, {who2} and {who3} to {outcome}.",
    "The study presents the results of a survey of {n} {who} conducted in {place}.",
    "Recommendations are addressed to governments, {org} and {who}, in order to {outcome}.",
    "Particular attention is paid to {topic_lc} and to the needs of {who}.",
    "The assessment identified gaps in {activity} and proposes {k} priority actions.",
    "An updated annex lists the contact points responsible for {activity} in {place}.",
    "In the absence of official indicators, this {doc} provides an independent assessment "
    "of {activity}.",
    "The {doc} is an internal tool intended to help {who} apply the standards of {org}.",
    "Case studies from {place}, {place2} and {place3} illustrate how {who} can {outcome}.",
    "Pre-training knowledge was generally high, but many {who} had misconceptions about "
    "{topic_lc}.",
    "The guidance complements earlier work by {org} on {topic_lc}.",
    "It explains the legal framework, the roles of {who} and {who2}, and the standards "
    "that apply to {activity}.",
)


# ------------------------------------------------------------------------ generation


class Generator:
    def __init__(self, vocabulary: Vocabulary, seed: int, n: int):
        self.vocab = vocabulary
        self.rng = random.Random(seed)
        self.places = sorted({c.labels[0] for c in vocabulary.countries}
                             | {r[0] for c in vocabulary.countries for r in c.regions})
        self.authors = self._author_pool(max(200, min(20000, n // 4)))
        self.author_weights = _cumulative(1 / (rank + 10) for rank in range(len(self.authors)))
        weights = [1 / (rank + 5) ** 0.8 for rank in range(len(vocabulary.countries))]
        self.rng.shuffle(weights)  # which countries are frequent: seed-dependent
        self.country_weights = _cumulative(weights)
        self.years = [str(y) for y in range(YEARS[0], YEARS[1] + 1)]
        self.year_weights = _cumulative(1 + (y - YEARS[0]) for y in range(YEARS[0], YEARS[1] + 1))
        self.seen: set[str] = set()
        random_ = self.rng.random
        self.pick = lambda seq: seq[int(random_() * len(seq))]  # rng.choice, 3x faster
        self.weighted = lambda seq, cum: seq[bisect(cum, random_() * cum[-1])]
        self.sentences = self._sentence_pool(max(2000, min(50000, n // 2)))

    # -- pools

    def _author_pool(self, size: int) -> list[str]:
        rng = self.rng
        first = ("Rakeb", "Haley", "Rosilyne", "Cathy", "Roderik", "Mebratu", "Amina", "Ivan",
                 "Maria", "Olena", "Tomas", "Aisha", "Nguyen", "Priya", "Samuel", "Fatima",
                 "Luis", "Grace", "Ahmed", "Sofia", "Kwame", "Elena", "Jonas", "Mariam",
                 "Daniel", "Leila", "Hiroshi", "Ana", "Pedro", "Chiara", "Yusuf", "Nadia",
                 "Oksana", "Gabriel", "Zainab", "Mikhail", "Thandiwe", "Ewa", "Carlos", "Mei")
        last = ("Messele", "West", "Borland", "Zimmerman", "Viergever", "Gebeyehu", "Hassan",
                "Petrov", "Garcia", "Kovalenko", "Novak", "Bello", "Tran", "Sharma", "Okafor",
                "Haddad", "Fernandes", "Mensah", "Rahman", "Rossi", "Mwangi", "Popescu",
                "Schmidt", "Yilmaz", "Kaya", "Silva", "Nakamura", "Dubois", "Ali", "Costa",
                "Ivanova", "Moreno", "Abebe", "Kowalski", "Nguyen", "Diallo", "Singh", "Ortiz")
        organisations = [
            "Walk Free Foundation", "Department Of Migration Management",
            "International Organization for Migration", "UNODC", "OSCE Office of the Special "
            "Representative and Co-ordinator for Combating Trafficking in Human Beings",
            "International Labour Organization", "UNICEF", "UNHCR", "Council of Europe",
            "Group of Experts on Action against Trafficking in Human Beings (GRETA)",
            "ICMPD", "La Strada International", "Anti-Slavery International",
            "Migrant Assistance Division", "Migration Health Division", "Polaris Project",
            "Global Alliance Against Traffic in Women", "Inter-Agency Coordination Group "
            "against Trafficking in Persons (ICAT)", "European Union Agency for Fundamental Rights",
            "Mebratu Gebeyehu Consultants For AU/IGAD/IOM",
        ]
        names, keys = [], set()
        for name in organisations:
            keys.add(normalize_label(name))
            names.append(name)
        while len(names) < size:
            parts = [rng.choice(first)]
            if rng.random() < 0.15:
                parts.append(rng.choice(first)[0] + ".")
            parts.append(rng.choice(last))
            if rng.random() < 0.25:
                parts.append(rng.choice(last))
            name = " ".join(parts)
            key = normalize_label(name)  # one agent per slug: no two spellings of one name
            if key not in keys and _safe_value(name):
                keys.add(key)
                names.append(name)
        rng.shuffle(names)
        return names

    # -- one record

    def record(self) -> Item:
        rng = self.rng
        countries, regions = self._places()
        place = countries[0] if countries[0] != WORLDWIDE else rng.choice(self.places)
        for attempt in range(1000):
            title = self._title(place if attempt < 50 else rng.choice(self.places), attempt)
            year = self.weighted(self.years, self.year_weights)
            key = record_id(title, year)
            if key not in self.seen and not self._is_category(title):
                self.seen.add(key)
                break
        else:
            raise RuntimeError("could not find a unique title")
        roll = rng.random()
        if roll < P_NO_CATEGORY_LABEL:
            category = None
        elif roll < P_NO_CATEGORY_LABEL + P_EMPTY_CATEGORY:
            category = []
        else:
            category = rng.sample(self.vocab.categories, rng.choice((1, 1, 1, 2, 2, 3)))
        count = self.weighted(range(5), AUTHOR_COUNT_WEIGHTS)
        authors = list(dict.fromkeys(self.weighted(self.authors, self.author_weights)
                                     for _ in range(count)))
        return Item(title, self._summary(place, int(year)), countries, regions, authors, year,
                    category)

    def _is_category(self, title: str) -> bool:
        """Would the listing reader take this title for a section heading?"""
        key = normalize_label(title)
        return key in self.vocab.category_keys

    def _places(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        if rng.random() < P_WORLDWIDE:
            return [WORLDWIDE], [WORLDWIDE]
        count = self.weighted((1, 2, 3), COUNTRY_COUNT_WEIGHTS)
        chosen = []
        for _ in range(count):
            country = self.weighted(self.vocab.countries, self.country_weights)
            if country not in chosen:
                chosen.append(country)
        countries, regions = [], []
        for country in chosen:
            labels = country.labels
            countries.append(labels[0] if rng.random() < 0.8 else rng.choice(labels))
            region = rng.choice(country.regions)
            label = region[0] if rng.random() < 0.8 else rng.choice(region)
            if label not in regions:
                regions.append(label)
        if rng.random() < 0.1 and WORLDWIDE not in regions:
            regions.append(WORLDWIDE)
        return countries, regions

    def _title(self, place: str, attempt: int) -> str:
        rng, pick = self.rng, self.pick
        doc, topic = pick(DOC_TYPES), pick(TOPICS)
        pattern = self.weighted(range(8), TITLE_PATTERN_WEIGHTS)
        if pattern == 0:
            title = f"{doc} on {topic}"
        elif pattern == 1:
            title = f"{topic}: {doc} for {rng.choice(AUDIENCES)}"
        elif pattern == 2:
            title = f"{topic} in {place}"
        elif pattern == 3:
            title = f"Combatting Trafficking: {place}. {rng.choice(SUBTITLES)}"
        elif pattern == 4:
            title = f"{doc}: {topic} in {place}. {rng.choice(SUBTITLES)}"
        elif pattern == 5:
            title = f"{topic}. {rng.choice(SUBTITLES)}"
        elif pattern == 6:
            title = (f"Report Concerning the Implementation of the Council of Europe Convention "
                     f"on Action Against Trafficking in Human Beings by {place}")
        else:
            title = f"{doc} on {topic} for {rng.choice(AUDIENCES)} in {place}"
        if attempt >= 3:  # crowded combination: editions and volumes make it distinct
            title += rng.choice((f" (Edition {attempt})", f", Volume {attempt}",
                                 f" – Part {attempt}", f" ({rng.randint(2, 99)}th Update)"))
        return title

    def _sentence_pool(self, size: int) -> list[str]:
        """Sentences with their slots filled, except the record's own place and years.

        Those stay as the markers PLACE, YEAR_FROM and YEAR_TO, replaced per summary:
        drawing each slot per record would make summaries three times slower.
        """
        pick, rnd = self.pick, self.rng.random
        places = self.places
        draw = {
            "doc": lambda: pick(DOC_TYPES).lower(), "org": lambda: pick(ORGS),
            "outcome": lambda: pick(OUTCOMES), "who": lambda: pick(STAKEHOLDERS),
            "who2": lambda: pick(STAKEHOLDERS), "who3": lambda: pick(STAKEHOLDERS),
            "activity": lambda: pick(ACTIVITIES), "activity2": lambda: pick(ACTIVITIES),
            "place": lambda: PLACE, "place2": lambda: pick(places),
            "place3": lambda: pick(places), "n": lambda: 12 + int(rnd() * 469),
            "k": lambda: 2 + int(rnd() * 8), "y1": lambda: YEAR_FROM,
            "y2": lambda: YEAR_TO, "topic_lc": lambda: pick(TOPICS).lower(),
        }

        class Slots(dict):
            def __missing__(self, key):
                value = self[key] = draw[key]()
                return value

        return [pick(SENTENCES).format_map(Slots()) for _ in range(size)]

    def _summary(self, place: str, year: int) -> list[str]:
        rng, pick, pool = self.rng, self.pick, self.sentences
        target = min(2000, max(300, int(rng.lognormvariate(6.9, 0.45))))
        paragraphs = self.weighted((1, 2, 3), PARAGRAPH_COUNT_WEIGHTS)
        sentences: list[str] = []
        length = 0
        while length < target:
            sentence = pick(pool)
            if PLACE in sentence:
                sentence = sentence.replace(PLACE, place)
            if YEAR_FROM in sentence:
                sentence = sentence.replace(YEAR_FROM, str(year - 2 - int(rng.random() * 5)))
                sentence = sentence.replace(YEAR_TO, str(year - 1))
            if length + len(sentence) + 1 > 2000:
                if length >= 300:
                    break
                sentence = sentence[: 2000 - length - 1].rsplit(" ", 1)[0] + "."
            sentences.append(sentence)
            length += len(sentence) + 1
        paragraphs = min(paragraphs, len(sentences))
        cuts = sorted(rng.sample(range(1, len(sentences)), paragraphs - 1)) if paragraphs > 1 else []
        bounds = [0, *cuts, len(sentences)]
        return [" ".join(sentences[a:b]) for a, b in zip(bounds, bounds[1:])]


def _cumulative(weights) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result




def generate(n: int, seed: int = 0, vocab_dir: Path = ROOT / "vocab") -> list[Item]:
    generator = Generator(load_vocabulary(Path(vocab_dir)), seed, n)
    items = [generator.record() for _ in range(n)]
    for item in items[:200]:  # the fast identifier must stay ctlib's
        assert record_id(item.title, item.year) == record_id(item.title, item.year), item.title
    return items


# --------------------------------------------------------------------------- writers


def listing_text(items: list[Item], heading: str) -> str:
    out = ["Skip to main content\n\n", heading, "\n\n"]
    add = out.append
    for item in items:
        add(item.title)
        add("\n\n")
        add("\n\n".join(item.summary))  # the last paragraph runs into the fields
        add("\n")
        for label, values in (("Country\n", item.country), ("Region\n", item.region),
                              ("Authors\n", item.authors)):
            if values:
                add(label)
                add("\n".join(values))
                add("\n")
        add("Year\n")
        add(item.year)
        add("\n")
        if item.category is not None:
            add("Category\n")  # with no value: the empty label the real listing has
            if item.category:
                add("\n".join(item.category))
                add("\n")
        add("\n")
    return "".join(out)


def jsonl_text(items: list[Item]) -> str:
    return "".join(json.dumps(item.as_json(), ensure_ascii=False) + "\n" for item in items)


def csv_text(items: list[Item]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = item.as_json()
        writer.writerow([";".join(v) if isinstance(v, list) else v
                         for v in (row.get(c, "") for c in CSV_COLUMNS)])
    return buffer.getvalue()


def render(items: list[Item], fmt: str, heading: str = "Referral Mechanisms") -> str:
    if fmt == "listing":
        return listing_text(items, heading)
    if fmt == "jsonl":
        return jsonl_text(items)
    if fmt == "csv":
        return csv_text(items)
    raise ValueError(f"unknown format {fmt!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("--format", choices=sorted(FORMATS), default="listing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path,
                        help="file to write (default: standard output); the extension the "
                             "format needs (.txt, .jsonl, .csv) is what ctlib reads")
    parser.add_argument("--vocab-dir", type=Path, default=ROOT / "vocab")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")
    text = render(generate(args.n, args.seed, args.vocab_dir), args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        if args.output.suffix.lower() != FORMATS[args.format]:
            print(f"warning: ctlib reads {args.format} only from *{FORMATS[args.format]} files",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
