"""The vocabularies ctlib writes, as closed namespaces: a mistyped term raises."""

from rdflib.namespace import (
    DCAT,
    DCMITYPE,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VOID,
    XSD,
)

ISO639_1 = "http://id.loc.gov/vocabulary/iso639-1/"
"""Library of Congress ISO 639-1 authority: the object of ``dcterms:language``."""

PREFIXES = {
    "dcterms": str(DCTERMS), "dcmitype": str(DCMITYPE), "foaf": str(FOAF), "owl": str(OWL),
    "prov": str(PROV), "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS),
    "void": str(VOID), "xsd": str(XSD),
}

__all__ = ["DCAT", "DCMITYPE", "DCTERMS", "FOAF", "ISO639_1", "OWL", "PREFIXES", "PROV", "RDF",
           "RDFS", "SDO", "SH", "SKOS", "VOID", "XSD"]
