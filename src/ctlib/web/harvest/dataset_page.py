"""What the /catalog and /.well-known/void pages tell people: classes, links and the
licence named in words, with their IRIs kept beside them as a detail. The RDF those
documents serve is built in ``dataset/`` and is not touched by anything here. The words
are in the page's language (they are made for the page being rendered)."""

from __future__ import annotations

from dataclasses import dataclass

from ...dataset.facts import DatasetFacts
from ...dataset.void import target_name
from ...rdf.namespaces import DCTERMS, FOAF, OWL, SKOS
from ..core.languages import N_
from ..core.languages import gettext as _

CLASSES = {
    str(DCTERMS.BibliographicResource): (
        N_("Records"), N_("Reports, handbooks, guidance notes and project descriptions")),
    str(SKOS.Concept): (N_("Concepts"), N_("The places and categories records are filed under")),
    str(SKOS.ConceptScheme): (N_("Concept schemes"),
                              N_("The vocabularies: regions, countries, categories")),
    str(FOAF.Agent): (N_("Agents"), N_("The authors and organisations that wrote the records")),
}
"""Each class of the data model: what people call its instances, and what they are."""
LINKS = {str(SKOS.exactMatch): N_("Exact matches"), str(SKOS.closeMatch): N_("Close matches"),
         str(OWL.sameAs): N_("Same-as links")}
"""Each link predicate of dataset.facts.LINK_PREDICATES, in words."""
LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/":
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "https://creativecommons.org/licenses/by-sa/4.0/":
        "Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)",
    "https://creativecommons.org/publicdomain/zero/1.0/":
        "Creative Commons Zero 1.0 (CC0): public domain dedication",
    "https://opendatacommons.org/licenses/odbl/1-0/":
        "Open Data Commons Open Database License (ODbL) 1.0",
}
"""The licences a catalogue is usually published under, by name; any other shows its URL."""


@dataclass(frozen=True)
class Named:
    """Something the dataset holds, as a page row: its name, what it is, its IRI."""

    name: str
    detail: str | None
    iri: str
    count: int


def classes(facts: DatasetFacts) -> list[Named]:
    """The classes with instances, the data model's first (records, concepts, ...)."""
    known = list(CLASSES)
    rows = [Named(*_translated(CLASSES.get(iri, (_words(iri), None))), iri, count)
            for iri, count in facts.classes.items() if count]
    return sorted(rows, key=lambda row: (known.index(row.iri) if row.iri in known
                                         else len(known), row.name))


def linksets(facts: DatasetFacts) -> list[Named]:
    """"Exact matches to Wikidata": each linkset with links, its predicate as the IRI."""
    return [Named(_("%(links)s to %(dataset)s",
                    links=_(LINKS.get(linkset.predicate, _words(linkset.predicate))),
                    dataset=target_name(linkset.target_space)), None, linkset.predicate,
                  linkset.triples)
            for linkset in facts.linksets if linkset.triples]


def lead(title: str) -> str:
    """What the dataset is, the first words of its page (its RDF says it in English)."""
    return _("The catalogue of the %(title)s: reports, handbooks, guidance notes and project "
             "descriptions about human trafficking, described with Dublin Core terms, with "
             "places and topics from SKOS concept schemes.", title=title)


def _translated(words: tuple[str, str | None]) -> tuple[str, str | None]:
    """A class's name and detail in the page's language (an unknown one's stay as made)."""
    name, detail = words
    return _(name), _(detail) if detail else None


def licence_name(licence: str) -> str:
    return LICENCES.get(licence.replace("http://", "https://", 1).rstrip("/") + "/", licence)


def _words(iri: str) -> str:
    """An unknown class or predicate, named by its local name in words:
    ``LinguisticSystem`` -> "Linguistic system"."""
    local = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    spaced = "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(local))
    return spaced[:1].upper() + spaced[1:]
