"""What an HTML page shows of a description: labels instead of IRIs, links that stay
on this server, values grouped under readable property names in the page's language."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ...describe import Description
from ...rdf.namespaces import DCTERMS, FOAF, ISO639_1, RDF, SKOS
from ...records.language import language_name
from ..core.languages import N_, gettext

PROPERTY_NAMES = {
    str(DCTERMS.title): N_("Title"), str(DCTERMS.abstract): N_("Summary"),
    str(DCTERMS.creator): N_("Authors"), str(DCTERMS.issued): N_("Year"),
    str(DCTERMS.spatial): N_("Places"), str(DCTERMS.subject): N_("Categories"),
    str(DCTERMS.identifier): N_("Identifier"), str(DCTERMS.modified): N_("Last modified"),
    str(DCTERMS.source): N_("Source"), str(DCTERMS.language): N_("Language"),
    str(DCTERMS.type): N_("Type"), str(RDF.type): N_("Class"), str(FOAF.name): N_("Name"),
    str(SKOS.prefLabel): N_("Preferred labels"), str(SKOS.altLabel): N_("Other labels"),
    str(SKOS.notation): N_("Codes"), str(SKOS.broader): N_("Broader"),
    str(SKOS.narrower): N_("Narrower"),
    str(SKOS.inScheme): N_("In scheme"), str(SKOS.exactMatch): N_("Same as"),
    str(SKOS.closeMatch): N_("Close to"), str(SKOS.definition): N_("Definition"),
    str(SKOS.hasTopConcept): N_("Top concepts"), str(SKOS.topConceptOf): N_("Top concept of"),
    str(DCTERMS.description): N_("Description"), str(SKOS.note): N_("Note"),
}
"""Translated where a page shows them (page())."""
ORDER = list(PROPERTY_NAMES)
LABELS = (str(SKOS.prefLabel), str(FOAF.name), str(DCTERMS.title))
RECORD_TYPE = "CreativeWork"
"""A record's schema.org type: in the page's JSON-LD and in its signposts."""


@dataclass
class Value:
    text: str
    href: str | None = None
    language: str | None = None
    iri: str | None = None
    """The resource the value names, if it names one."""


@dataclass
class Property:
    name: str
    iri: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Page:
    title: str
    subject: str
    properties: list[Property]
    title_language: str | None = None


def page(description: Description, base: str, language: str) -> Page:
    labels = best_labels(description.triples, language)
    own = [t for t in description.triples if t.subject == description.subject]
    grouped: dict[str, Property] = {}
    for triple in own:
        iri = triple.predicate.value
        prop = grouped.setdefault(iri, Property(_property_name(iri), iri))
        prop.values.append(_value(triple.object, labels, base, language))
    ordered = sorted(grouped.values(),
                     key=lambda p: (ORDER.index(p.iri) if p.iri in ORDER else len(ORDER), p.name))
    for prop in ordered:
        prop.values.sort(key=lambda v: (v.language != language, v.text.casefold()))
    title = labels.get(description.subject.value)
    if title is None:
        return Page(description.subject.value, description.subject.value, ordered)
    return Page(title.value, description.subject.value, ordered, title.language)


def _property_name(iri: str) -> str:
    """A property's name in the page's language; its IRI's last segment if it has none."""
    return gettext(PROPERTY_NAMES[iri]) if iri in PROPERTY_NAMES else _local(iri)


def label_rank(label_language: str | None, language: str) -> int:
    """How well a label suits a page in ``language`` (lower is better): that language,
    then English or no language, then any."""
    return 0 if label_language == language else 1 if label_language in ("en", None) else 2


def best_labels(triples: list[ox.Triple], language: str) -> dict[str, ox.Literal]:
    """The best label of every resource for a page in ``language``."""
    ranked: dict[str, tuple[int, ox.Literal]] = {}
    for triple in triples:
        if triple.predicate.value not in LABELS or not isinstance(triple.object, ox.Literal):
            continue
        rank = label_rank(triple.object.language, language)
        known = ranked.get(triple.subject.value)
        if known is None or rank < known[0]:
            ranked[triple.subject.value] = (rank, triple.object)
    return {iri: label for iri, (_, label) in ranked.items()}


def _value(term, labels: dict[str, ox.Literal], base: str, language: str) -> Value:
    if isinstance(term, ox.NamedNode):
        href = "/" + term.value[len(base):] if term.value.startswith(base) else term.value
        if term.value.startswith(ISO639_1):  # "Spanish", not its code "es"
            return Value(language_name(term.value[len(ISO639_1):], language), href,
                         iri=term.value)
        label = labels.get(term.value)
        if label is None:
            return Value(_local(term.value), href, iri=term.value)
        # The label's language marks it up where it is not the page's.
        return Value(label.value, href, label.language, term.value)
    if isinstance(term, ox.Literal):
        return Value(term.value, language=term.language)
    return Value(str(term))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Citation:
    """A record as reference managers and search engines read it."""

    title: str
    authors: list[str]
    year: str | None
    abstract: str | None
    language: str | None
    places: list[str]
    categories: list[str]

    def highwire(self) -> list[tuple[str, str]]:
        """``citation_*`` meta tags (Highwire Press), read by Zotero and Google Scholar."""
        tags = [("citation_title", self.title)]
        tags += [("citation_author", name) for name in self.authors]
        if self.year:
            tags.append(("citation_publication_date", self.year))
        if self.abstract:
            tags.append(("citation_abstract", self.abstract))
        if self.language:
            tags.append(("citation_language", self.language))
        tags += [("citation_keywords", "; ".join(self.categories + self.places))]
        return tags

    def schema_org(self, uri: str, page_url: str, licence: str | None) -> dict:
        """schema.org CreativeWork, embedded beside the Dublin Core description."""
        work = {"@context": "https://schema.org", "@type": RECORD_TYPE, "@id": uri,
                "url": page_url, "name": self.title,
                "author": [{"name": name} for name in self.authors],
                "spatialCoverage": [{"@type": "Place", "name": p} for p in self.places],
                "about": [{"@type": "DefinedTerm", "name": c} for c in self.categories]}
        optional = {"abstract": self.abstract, "datePublished": self.year,
                    "inLanguage": self.language, "license": licence}
        work.update({key: value for key, value in optional.items() if value})
        return work


def citation(description: Description, language: str) -> Citation | None:
    """For records only: None for anything else."""
    if ox.NamedNode(str(DCTERMS.BibliographicResource)) not in description.objects(str(RDF.type)):
        return None
    labels = best_labels(description.triples, language)

    def texts(predicate) -> list[str]:
        return [labels[o.value].value
                if isinstance(o, ox.NamedNode) and o.value in labels else o.value
                for o in description.objects(str(predicate))]

    def first(predicate) -> str | None:
        found = texts(predicate)
        return found[0] if found else None

    return Citation(
        title=first(DCTERMS.title) or description.subject.value,
        authors=sorted(texts(DCTERMS.creator)), year=first(DCTERMS.issued),
        abstract=first(DCTERMS.abstract),
        language=next((o.language for o in description.objects(str(DCTERMS.title))), None),
        places=sorted(texts(DCTERMS.spatial)), categories=sorted(texts(DCTERMS.subject)))
