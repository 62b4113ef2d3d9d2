"""A record's page as a library shows one: what a reader scans for first (authors, year,
places, category, then the summary), where the document itself is, what only machines
need (lower down, in words), other records like it, and the way back to the search
that led here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import Locale

from ...describe import Description
from ...rdf.mapping import SECTION_NOTE
from ...rdf.namespaces import DCAT, DCMITYPE, DCTERMS, SDO, SKOS
from ...rdf.uris import Uris
from ...records.language import language_name
from ...search.index import author_name_key
from ...search.query import CONCEPT_FACETS, FACETS, SearchIndex, SearchQuery, by_year
from ..core.dates import in_words
from ..core.languages import N_, gettext, page_language
from .page import Page, Property, Value
from .related import Listed

PLACE_ROWS = {"regions": N_("Regions"), "countries": N_("Countries")}
"""The rows places are told apart in, by the scheme of each (its last path segment)."""
SHOWN_ABOVE = {str(p) for p in (DCTERMS.title, DCTERMS.abstract, DCTERMS.creator,
                                DCTERMS.issued, DCTERMS.spatial, DCTERMS.subject,
                                SDO.url, DCAT.landingPage)}
"""What the page shows before "Technical details"; every other property goes there."""
DETAIL_NAMES = {str(DCTERMS.source): N_("Source file"), str(SKOS.note): N_("Notes")}
IN_WORDS = {str(DCTERMS.BibliographicResource):
            N_("Bibliographic resource (a catalogue record)"),
            str(DCMITYPE.Text): N_("Text")}
"""Classes and types people read by name, the IRI shown beside it (translated where
shown, as are the names above)."""
DATES = {str(DCTERMS.modified)}
CATEGORY_NOTE = SECTION_NOTE.partition("{")[0]
"""How a note saying where the category came from begins: it is shown by the category."""
NOTES = (
    (re.escape(CATEGORY_NOTE) + r"(?P<section>.+)",
     N_("Category from the listing: listed under the section %(section)s")),
    (r"Language detected from the title and summary: (?P<language>.+)",
     N_("Language detected from the title and summary: %(language)s")),
    (r"Language not stated and not detected with confidence: the catalogue's default, "
     r"(?P<language>.+)",
     N_("Language not stated and not detected with confidence: the catalogue's default, "
        "%(language)s")),
)
"""The notes ingest writes in English (rdf/mapping.py, records/language.py), as a pattern
and the message that says them in the page's language; any other note is shown as is."""

SIMILAR = 5
"""Records in each "More like this" list."""
YEARS_AROUND = 2
"""A record "close in year" is at most this many years older or newer."""

SEARCH_PARAMETERS = ("q", *FACETS, "from", "to", "sort", "page", "size")
LONGEST_BACK = 2000
"""Characters of a ``back`` parameter read at most: a search's URL is far shorter."""
BACK_MARKER = "<!-- back to results -->"
"""Where a record page gets its "Back to results" link: the cached page has the marker,
and the page a visitor from a search gets has the link in its place (routes.py)."""


@dataclass(frozen=True)
class Detail:
    """A row of "Technical details": words first, the machine's form beside them."""

    name: str
    text: str
    machine: str | None = None
    href: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Document:
    """Where the document itself can be read, when a source says so."""

    href: str
    host: str


@dataclass
class RecordSections:
    facts: list[Property]
    """Authors, year, regions, countries, category: each row only where it has values."""
    category_notes: list[Value]
    summary: Property | None
    document: Document | None
    details: list[Detail]
    category_iri: str = str(DCTERMS.subject)
    """The fact the category notes are shown with."""


def record_sections(view: Page, description: Description) -> RecordSections:
    by_iri = {prop.iri: prop for prop in view.properties}
    notes = by_iri.get(str(SKOS.note), Property("", str(SKOS.note))).values
    category_notes = [note for note in notes if note.text.startswith(CATEGORY_NOTE)]
    facts = [by_iri.get(str(DCTERMS.creator)), by_iri.get(str(DCTERMS.issued)),
             *_places(by_iri.get(str(DCTERMS.spatial)), description),
             _category(by_iri.get(str(DCTERMS.subject)))]
    details = [detail for prop in view.properties if prop.iri not in SHOWN_ABOVE
               for detail in _details(prop, category_notes)]
    return RecordSections([fact for fact in facts if fact], [_note(n) for n in category_notes],
                          by_iri.get(str(DCTERMS.abstract)), _document(description), details)


def _places(spatial: Property | None, description: Description) -> list[Property]:
    """Regions and countries in a row each, by the scheme of each place."""
    if spatial is None:
        return []
    schemes = {t.subject.value: t.object.value.rstrip("/").rpartition("/")[2]
               for t in description.triples if t.predicate.value == str(SKOS.inScheme)}
    rows = {scheme: Property(gettext(name), spatial.iri) for scheme, name in PLACE_ROWS.items()}
    other = Property(gettext("Places"), spatial.iri)
    for value in spatial.values:
        rows.get(schemes.get(value.iri or ""), other).values.append(value)
    return [row for row in (*rows.values(), other) if row.values]


def _category(subject: Property | None) -> Property | None:
    if subject is None:
        return None
    return Property(gettext("Category") if len(subject.values) == 1 else gettext("Categories"),
                    subject.iri, subject.values)


def _details(prop: Property, shown: list[Value]) -> list[Detail]:
    name = gettext(DETAIL_NAMES[prop.iri]) if prop.iri in DETAIL_NAMES else prop.name
    return [_detail(name, prop.iri, value) for value in prop.values if value not in shown]


def _detail(name: str, predicate: str, value: Value) -> Detail:
    if predicate in DATES:
        return Detail(name, in_words(value.text), value.text)
    if value.iri is not None:
        text = gettext(IN_WORDS[value.iri]) if value.iri in IN_WORDS else value.text
        return Detail(name, text, value.iri, value.href)
    if predicate == str(SKOS.note):
        value = _note(value)
    return Detail(name, value.text, language=value.language)


def _note(note: Value) -> Value:
    """A note ingest wrote, in the page's language (then it is marked in no other)."""
    for pattern, message in NOTES:
        found = re.fullmatch(pattern, note.text)
        if found:
            values = {name: _language_in_words(text) if name == "language" else text
                      for name, text in found.groupdict().items()}
            return replace(note, text=gettext(message, **values), language=None)
    return note


def _language_in_words(english: str) -> str:
    """A language named in English ("French"), named in the page's language."""
    code = _language_codes().get(english)
    return english if code is None else language_name(code, page_language())


@lru_cache(maxsize=1)
def _language_codes() -> dict[str, str]:
    """Languages' codes by their English names (records.language.language_name's)."""
    return {name: code for code, name in Locale("en").languages.items() if "_" not in code}


def _document(description: Description) -> Document | None:
    for url in description.objects(str(SDO.url)):
        parts = urlsplit(url.value)
        if parts.scheme in ("http", "https") and parts.hostname:
            return Document(url.value, parts.hostname)
    return None


@dataclass(frozen=True)
class Similar:
    """One "More like this" list, and the search that finds all of them."""

    heading: str
    records: list[Listed]
    others: int
    """Records the search finds besides this one (which matches its own filters)."""
    search: str


def more_like_this(index: SearchIndex, uris: Uris, description: Description,
                   identifier: str) -> list[Similar]:
    """Records by the same authors, about the same places, in the same category and
    close in year, from the search index; lists that would be empty are left out."""
    searches = [(gettext("By the same authors"), _author_filter(description)),
                (gettext("About the same places"), _place_filter(index, description)),
                (gettext("In the same category"),
                 _concept_filter(index, description, DCTERMS.subject))]
    queries = [(heading, SearchQuery(filters=filters, sort="newest", size=SIMILAR + 1))
               for heading, filters in searches if filters]
    year = next((int(y.value) for y in description.objects(str(DCTERMS.issued))
                 if y.value.isdigit()), None)
    if year is not None:
        heading = gettext("From %(start)s to %(end)s", start=year - YEARS_AROUND,
                          end=year + YEARS_AROUND)
        queries.append((heading, SearchQuery(
            year_from=year - YEARS_AROUND, year_to=year + YEARS_AROUND, sort="newest",
            size=SIMILAR + 1)))
    found = [_similar(index, uris, heading, query, identifier) for heading, query in queries]
    return [similar for similar in found if similar.records]


def _similar(index: SearchIndex, uris: Uris, heading: str, query: SearchQuery,
             identifier: str) -> Similar:
    total, hits = by_year(index, query)
    others = [hit for hit in hits if hit.id != identifier][:SIMILAR]
    listed = [Listed.of(hit, uris) for hit in others]
    return Similar(heading, listed, max(total - 1, len(listed)), search_url(query))


def search_url(query: SearchQuery) -> str:
    """The /search page of ``query``'s filters, newest first."""
    pairs = [(facet, key) for facet, keys in query.filters.items() for key in keys]
    pairs += [(name, str(year)) for name, year in (("from", query.year_from),
                                                   ("to", query.year_to)) if year is not None]
    return "/search?" + urlencode([*pairs, ("sort", "newest")])


def _author_filter(description: Description) -> dict[str, tuple[str, ...]]:
    keys = tuple(author_name_key(a.value) for a in description.objects(str(DCTERMS.creator)))
    return {"author": keys} if keys else {}


def _place_filter(index: SearchIndex, description: Description) -> dict[str, tuple[str, ...]]:
    """The record's countries where it names any (the closer match), else its regions:
    search ANDs facets, and a record about Moldova in Eastern Europe is about both."""
    places = _concept_filter(index, description, DCTERMS.spatial)
    return {"country": places["country"]} if "country" in places else places


def _concept_filter(index: SearchIndex, description: Description,
                    predicate) -> dict[str, tuple[str, ...]]:
    """Facet -> keys of the concepts the record names with ``predicate``."""
    facets = {scheme: facet for facet, scheme in CONCEPT_FACETS.items()}
    filters: dict[str, tuple[str, ...]] = {}
    for concept in description.objects(str(predicate)):
        known = index.concepts.by_uri.get(concept.value)
        if known is not None and known.scheme in facets:
            facet = facets[known.scheme]
            filters[facet] = (*filters.get(facet, ()), known.key)
    return filters


def back_to_results(back: str | None) -> str | None:
    """The /search URL of a record page's "Back to results" link, from its ``back``
    parameter (the query string of the search the visitor came from). Only a search's
    own parameters pass, re-encoded, so the link cannot lead anywhere but this site's
    search: None for anything else (``//evil.example``, ``javascript:``...)."""
    if back is None or len(back) > LONGEST_BACK:
        return None
    pairs = parse_qsl(back, keep_blank_values=True)
    if any(name not in SEARCH_PARAMETERS for name, _ in pairs):
        return None
    kept = urlencode([(name, value) for name, value in pairs if value])
    return f"/search?{kept}" if kept else "/search"


def from_search(record_href: str, query_string: str) -> str:
    """A search result's link to its record page, carrying the search along."""
    return f"{record_href}?{urlencode({'back': query_string})}"
