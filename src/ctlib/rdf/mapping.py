"""Record -> RDF, written as one table (MAPPING) that docs/mapping.md repeats.

``map_record`` returns the record's triples together with where each triple came
from (field, source value, line), so a SHACL result on a triple can be reported
against the exact source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..config import LANGUAGE_CODE
from ..records.language import RecordLanguage, Source, record_language
from ..records.model import Problem, Record
from ..records.values import LONGEST_VALUE
from .namespaces import DCAT, DCMITYPE, DCTERMS, FOAF, ISO639_1, RDF, SDO, SKOS, XSD
from .uris import Uris, agent_id, record_id
from .vocab import NoMatch, VocabIndex


@dataclass(frozen=True)
class FieldMap:
    field: str
    predicate: URIRef
    term: str
    """``text`` language-tagged literal; ``year`` xsd:gYear; ``concept`` a SKOS concept
    found by label in ``schemes`` (in order); ``agent`` a foaf:Agent named by the value;
    ``language`` an ISO 639-1 code, as a Library of Congress URI; ``url`` an IRI where
    the value is one (anything else stays text, for the shapes to report)."""
    schemes: tuple[str, ...] = ()


MAPPING: tuple[FieldMap, ...] = (
    FieldMap("title", DCTERMS.title, "text"),
    FieldMap("summary", DCTERMS.abstract, "text"),
    FieldMap("authors", DCTERMS.creator, "agent"),
    FieldMap("year", DCTERMS.issued, "year"),
    FieldMap("country", DCTERMS.spatial, "concept", ("countries", "regions")),
    FieldMap("region", DCTERMS.spatial, "concept", ("regions",)),
    FieldMap("category", DCTERMS.subject, "concept", ("categories",)),
    FieldMap("language", DCTERMS.language, "language"),
    FieldMap("url", SDO.url, "url"),
    FieldMap("url", DCAT.landingPage, "url"),
)
"""Every source field and the triple it becomes. A Country value that names a region
(the listing writes "Worldwide") maps to that region: it is a place all the same."""

CONSTANT = ((RDF.type, DCTERMS.BibliographicResource), (DCTERMS.type, DCMITYPE.Text))

SECTION_NOTE = "Category from the listing: listed under the section {}"
"""The ``skos:note`` of a record whose category came from the section heading above it
(its own Category field was empty), so that people see where the category came from."""

IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]+")
"""What an IRI can be written as (RFC 3987, loosely): a scheme, then no spaces, controls
or characters IRIs exclude. Whether it is a web address is the shapes' rule."""

# Terms used per value, looked up once: attribute access on rdflib's closed
# namespaces is checked on every call and showed up in ingest profiles.
IDENTIFIER, SOURCE, TYPE = DCTERMS.identifier, DCTERMS.source, RDF.type
AGENT, NAME, GYEAR = FOAF.Agent, FOAF.name, XSD.gYear


Origin = tuple[str, int]
"""Where a triple came from: the field and the index of the value in the record.
A plain tuple, made for every value; ``Record.where`` turns it into file and line."""


@dataclass
class MappedRecord:
    id: str | None
    uri: URIRef | BNode
    """A blank node stands for a record that has no identifier (it has no title)."""
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    """Plain tuples, not an rdflib Graph: a batch adds them to one graph, once."""
    origins: dict[tuple[URIRef, Node], Origin] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    language: RecordLanguage | None = None
    """The language its title and summary are tagged with, and how it was chosen."""


@dataclass(frozen=True)
class MappingContext:
    uris: Uris
    vocab: VocabIndex
    language: str = "en"
    languages: tuple[str, ...] = ("en", "fr", "es")
    """CTLIB_LANGUAGES: those a record without a language field is detected among."""


def identify(record: Record) -> str | None:
    """The source's ``id`` if it gives one, else the rule in ``uris.record_id``."""
    given = record.first("id")
    if given:
        return given
    title = record.first("title")
    return record_id(title, record.first("year")) if title else None


def map_record(record: Record, context: MappingContext) -> MappedRecord:
    identifier = identify(record)
    uri = context.uris.record(identifier) if identifier else BNode()
    mapped = MappedRecord(identifier, uri)
    mapped.language = record_language(record, context.languages, context.language)
    for predicate, obj in CONSTANT:
        mapped.triples.append((uri, predicate, obj))
    if identifier:
        mapped.triples.append((uri, IDENTIFIER, Literal(identifier)))
    mapped.triples.append((uri, SOURCE, Literal(record.location.source_name)))
    for row in MAPPING:
        for index, value in enumerate(record.all(row.field)):
            _map_value(mapped, record, uri, row, value, (row.field, index),
                       mapped.language.code, context)
    if record.section:
        _add_note(mapped, SECTION_NOTE.format(record.section), "category")
    _state_language(mapped)
    return mapped


def _state_language(mapped: MappedRecord) -> None:
    """A detected language is the record's ``dcterms:language``; one detected or
    assumed says so in a note, for people to know how far to trust it."""
    if mapped.language.source is Source.DETECTED:
        language = URIRef(ISO639_1 + mapped.language.code)
        mapped.triples.append((mapped.uri, DCTERMS.language, language))
        mapped.origins[(DCTERMS.language, language)] = ("title", 0)
    if mapped.language.note:
        _add_note(mapped, mapped.language.note, "title")


def _add_note(mapped: MappedRecord, text: str, field_name: str) -> None:
    note = Literal(text, lang="en")
    mapped.triples.append((mapped.uri, SKOS.note, note))
    mapped.origins[(SKOS.note, note)] = (field_name, 0)


def _map_value(mapped, record, uri, row, value, origin, language, context) -> None:
    problem = _unmappable(row, value)
    if problem is not None:
        mapped.problems.append(Problem(record.where(*origin), mapped.id, row.field, value,
                                       *problem))
        return
    if row.term == "concept":
        try:
            obj = context.vocab.match(value, row.schemes)
        except NoMatch as error:
            mapped.problems.append(Problem(
                record.where(*origin), mapped.id, row.field, value, "vocabulary", str(error)))
            return
    elif row.term == "agent":
        obj = context.uris.agent(agent_id(value))
        name = Literal(value)
        mapped.triples.append((obj, TYPE, AGENT))
        mapped.triples.append((obj, NAME, name))
        mapped.origins[(NAME, name)] = origin
    elif row.term == "year":
        obj = Literal(value, datatype=GYEAR)
    elif row.term == "language":
        obj = URIRef(ISO639_1 + value.lower())
    elif row.term == "url":
        obj = URIRef(value) if IRI.fullmatch(value) else Literal(value)
    else:
        obj = Literal(value, lang=language)
    mapped.triples.append((uri, row.predicate, obj))
    mapped.origins[(row.predicate, obj)] = origin


def _unmappable(row: FieldMap, value: str) -> tuple[str, str] | None:
    """(rule, message) when ``value`` cannot become part of a triple at all."""
    if len(value) > LONGEST_VALUE:
        return ("value-too-long", f"{len(value):,} characters, more than the {LONGEST_VALUE:,} "
                                  "a value may have (in CSV, often a quote left open)")
    if row.term == "language" and not LANGUAGE_CODE.fullmatch(value):
        return ("language", "not an ISO 639-1 language code: two letters, like en or fr "
                            "(the title and summary are tagged with the default language)")
    return None
