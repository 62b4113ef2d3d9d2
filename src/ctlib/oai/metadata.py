"""The metadata formats: ``oai_dc``, simple Dublin Core, which the protocol requires of
every repository; ``rdf``, the record's description in RDF/XML, the same triples as
``/doc/record/{id}.rdf``; and ``marc21``, MARCXML for library catalogues, the same
record as ``/doc/record/{id}.marcxml`` (marc.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ..describe import Description
from ..rdf.namespaces import DCMITYPE, DCTERMS, FOAF, PREFIXES, SKOS
from ..rdf.xml_safe import xml_safe_triples
from . import marc
from .labels import label
from .xml import XSI, add, parse_with_prefixes

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC = "http://purl.org/dc/elements/1.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Context:
    """What a format needs besides the description."""

    language: str
    """Preferred language of labels (a concept's name for dc:subject, say)."""
    licence: str | None


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    write: Callable[[Description, Context], ET.Element]


def oai_dc(description: Description, context: Context) -> ET.Element:
    """Dublin Core from the description: title, creator, subject (categories), description
    (summary), date (year), type, identifier (the record's URI), language, coverage
    (places), rights (the licence)."""
    dc = ET.Element("oai_dc:dc", {"xmlns:oai_dc": OAI_DC, "xmlns:dc": DC, "xmlns:xsi": XSI,
                                  "xsi:schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA}"})
    own = description.objects
    for title in own(str(DCTERMS.title)):
        _literal(dc, "title", title)
    for agent in own(str(DCTERMS.creator)):
        _literal(dc, "creator", label(description, agent, str(FOAF.name), context.language))
    for concept in own(str(DCTERMS.subject)):
        _literal(dc, "subject", label(description, concept, str(SKOS.prefLabel),
                                       context.language))
    for summary in own(str(DCTERMS.abstract)):
        _literal(dc, "description", summary)
    for year in own(str(DCTERMS.issued)):
        add(dc, "dc:date", year.value)
    for kind in own(str(DCTERMS.type)):
        add(dc, "dc:type", kind.value.removeprefix(str(DCMITYPE)))
    add(dc, "dc:identifier", description.subject.value)
    for language in own(str(DCTERMS.language)):
        add(dc, "dc:language", language.value.rsplit("/", 1)[-1])
    for place in own(str(DCTERMS.spatial)):
        _literal(dc, "coverage", label(description, place, str(SKOS.prefLabel),
                                        context.language))
    if context.licence:
        add(dc, "dc:rights", context.licence)
    return dc


def rdf(description: Description, context: Context) -> ET.Element:
    data = ox.serialize(xml_safe_triples(description.triples), format=ox.RdfFormat.RDF_XML,
                        prefixes=PREFIXES)
    return parse_with_prefixes(data, PREFIXES)


def marc21(description: Description, context: Context) -> ET.Element:
    return marc.xml_element(marc.record(description, context.language, context.licence))


FORMATS = (
    MetadataFormat("oai_dc", OAI_DC_SCHEMA, OAI_DC, oai_dc),
    MetadataFormat("rdf", "http://www.openarchives.org/OAI/2.0/rdf.xsd", RDF, rdf),
    MetadataFormat("marc21", marc.SCHEMA, marc.NAMESPACE, marc21),
)
BY_PREFIX = {f.prefix: f for f in FORMATS}


def _literal(parent: ET.Element, element: str, term) -> None:
    """A dc element holding a literal, with its language; or a resource's URI."""
    language = getattr(term, "language", None)
    add(parent, f"dc:{element}", term.value, {"xml:lang": language} if language else None)
