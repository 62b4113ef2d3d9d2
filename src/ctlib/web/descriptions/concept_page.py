"""What a concept's or a scheme's page says in words where its description has RDF
names: where the concept sits (a breadcrumb), its labels by language, its codes and its
matches elsewhere named after their standards, its sources named, its count of records
and the search that finds them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from ...describe import Description
from ...rdf.namespaces import DCTERMS, RDF, SKOS
from ...rdf.uris import Uris
from ...records.language import language_name
from ...search.query import NO_RECORDS, ConceptCount, SearchIndex, concept_counts, scheme_records
from ..core.languages import N_, gettext
from .locator import Locator, locator
from .page import Page, Property, Value, label_rank
from .related import TreeNode, concept_filter, concept_tree

CODE_NAMES = {
    "countries": ((re.compile(r"\d{3}"), "M49"), (re.compile(r"[A-Z]{2}"), "ISO 3166 alpha-2"),
                  (re.compile(r"[A-Z]{3}"), "ISO 3166 alpha-3")),
    "regions": ((re.compile(r"\d{3}"), "M49"),),
}
"""Per scheme, what its codes (skos:notation) are, told apart by their shape: the
vocabularies give countries their M49, alpha-2 and alpha-3 codes, regions their M49
code (vocab/README.md)."""

AUTHORITIES = (
    ("http://publications.europa.eu/resource/authority/country/", "ISO 3166 alpha-3",
     N_("EU Publications Office")),
    ("http://www.wikidata.org/entity/", "Wikidata", None),
)
"""(IRI prefix, what the rest of the IRI is, who publishes it) of the authorities the
vocabularies match concepts to (skos:exactMatch); the publisher is translated where
shown."""

SOURCES = {
    "https://unstats.un.org/unsd/methodology/m49/": N_("UN M49 standard"),
    "https://www.iso.org/iso-3166-country-codes.html": N_("ISO 3166 country codes"),
}
"""The names of the standards the schemes are taken from (dcterms:source)."""

SHOWN_APART = {str(p) for p in (
    RDF.type, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SKOS.exactMatch,
    SKOS.closeMatch, SKOS.broader, SKOS.narrower, SKOS.inScheme, SKOS.topConceptOf,
    SKOS.hasTopConcept, DCTERMS.source, DCTERMS.description, SKOS.definition, DCTERMS.title)}
"""Properties the page shows in words of its own (or, for the class and a scheme's title
that repeats its label, not at all); the others stay in the plain property list."""

LABEL_NAMES = {str(SKOS.prefLabel): N_("Names"), str(SKOS.altLabel): N_("Also called")}
MATCH_NAMES = {str(SKOS.exactMatch): N_("Same as"), str(SKOS.closeMatch): N_("Close to")}
"""Translated where shown, as are SOURCES and AUTHORITIES' publishers."""


@dataclass
class Crumb:
    label: str
    href: str
    language: str | None = None


@dataclass
class Labelled:
    """A code or a match under a name that says what it is: "M49: 151", "Wikidata:
    Q1008"."""

    name: str
    text: str
    href: str | None = None
    note: str | None = None


@dataclass
class InLanguage:
    """The labels of one property in one language: "French: Europe orientale"."""

    name: str
    """The language's, in words."""
    language: str | None
    texts: list[str]


@dataclass
class ConceptView:
    scheme: Crumb | None
    """The scheme a concept is in (None on a scheme's page)."""
    breadcrumb: list[Crumb]
    count: ConceptCount
    records: int
    """A scheme's records; a concept's are in ``count``."""
    search: str | None
    """The search page that lists the records, None when there are none."""
    about: list[Value]
    """Definitions and descriptions."""
    labels: list[tuple[str, list[InLanguage]]]
    codes: list[Labelled]
    matches: list[tuple[str, list[Labelled]]]
    broader: list[Value]
    narrower: list[Value]
    sources: list[Value]
    others: list[Property]
    tree: list[TreeNode] = field(default_factory=list)
    concepts: int = 0
    """A scheme's concepts."""
    locator: Locator | None = None
    """A country's map."""


def concept_view(description: Description, view: Page, store: ox.Store, index: SearchIndex,
                 uris: Uris, language: str) -> ConceptView:
    """The page of a concept or, when ``description`` is one, of a scheme."""
    subject = view.subject
    by_iri = {p.iri: p for p in view.properties}
    scheme_name = uris.scheme_name(subject)
    own_scheme = scheme_name or next(
        (uris.scheme_name(o.value) for o in description.objects(str(SKOS.inScheme))), None)
    counts = concept_counts(index)
    codes = [_shown(Labelled(code_name(own_scheme, v.text), v.text))
             for v in _values(by_iri, SKOS.notation)]
    tree = concept_tree(store, subject, language, counts) if scheme_name else []
    in_scheme = _values(by_iri, SKOS.inScheme)
    return ConceptView(
        scheme=None if scheme_name else next(
            (Crumb(v.text, v.href, v.language) for v in in_scheme), None),
        breadcrumb=[] if scheme_name else breadcrumb(store, subject, uris.base, language),
        count=counts.get(subject, NO_RECORDS),
        records=scheme_records(index, scheme_name) if scheme_name else 0,
        search=_search(index, subject, scheme_name, counts),
        about=_values(by_iri, SKOS.definition) + _values(by_iri, DCTERMS.description),
        labels=[(gettext(name), by_language(_values(by_iri, iri), language))
                for iri, name in LABEL_NAMES.items() if iri in by_iri],
        codes=codes,
        matches=[(gettext(name), sorted((_shown(matched(v.href or v.text))
                                         for v in _values(by_iri, iri)),
                               key=lambda m: (m.name, m.text)))
                 for iri, name in MATCH_NAMES.items() if iri in by_iri],
        broader=_by_label(_values(by_iri, SKOS.broader)),
        narrower=_by_label(_values(by_iri, SKOS.narrower)),
        sources=[Value(gettext(SOURCES[iri]) if iri in SOURCES else iri, iri)
                 for iri in (v.href or v.text for v in _values(by_iri, DCTERMS.source))],
        others=[p for p in view.properties if p.iri not in SHOWN_APART],
        tree=tree, concepts=_size(tree),
        locator=next((locator(c.text) for c in codes if c.name == "M49"), None)
        if own_scheme == "countries" else None)


def _values(by_iri: dict[str, Property], iri) -> list[Value]:
    found = by_iri.get(str(iri))
    return list(found.values) if found else []


def _by_label(values: list[Value]) -> list[Value]:
    return sorted(values, key=lambda v: v.text.casefold())


def _size(nodes: list[TreeNode]) -> int:
    """The concepts of a tree, each once (one under several broader ones is in each)."""
    seen: set[str] = set()
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if node.uri not in seen:
            seen.add(node.uri)
            pending.extend(node.children)
    return len(seen)


def _search(index: SearchIndex, subject: str, scheme_name: str | None,
            counts: dict[str, ConceptCount]) -> str | None:
    """The search for a concept's records, newest first; a scheme's page has the tree,
    whose every concept leads to its own."""
    selected = None if scheme_name else concept_filter(index, subject)
    if selected is None or not counts.get(subject, NO_RECORDS).records:
        return None
    return "/search?" + urlencode({**selected, "sort": "newest"})


def _shown(item: Labelled) -> Labelled:
    """A code or a match as the page shows it: its words (the names code_name and
    matched give, which are messages or names the same in every language) translated."""
    return replace(item, name=gettext(item.name),
                   note=gettext(item.note) if item.note else None)


def code_name(scheme: str | None, code: str) -> str:
    """What a code of a concept in ``scheme`` is: "M49", "ISO 3166 alpha-2" (in English:
    the page translates it)."""
    return next((name for shape, name in CODE_NAMES.get(scheme or "", ())
                 if shape.fullmatch(code)), N_("Code"))


def matched(iri: str) -> Labelled:
    """A match elsewhere, named by its authority: "Wikidata: Q1008"; an IRI of an
    authority not known here is named by its host."""
    for prefix, name, publisher in AUTHORITIES:
        if iri.startswith(prefix):
            return Labelled(name, iri[len(prefix):], iri, note=publisher)
    return Labelled(urlsplit(iri).netloc or N_("Elsewhere"), iri, iri)


def by_language(values: list[Value], language: str) -> list[InLanguage]:
    """Labels grouped by their language: the page's first, then the others by name."""
    grouped: dict[str | None, InLanguage] = {}
    for value in values:
        grouped.setdefault(value.language, InLanguage(
            language_name(value.language, language), value.language, [])
        ).texts.append(value.text)
    for group in grouped.values():
        group.texts.sort(key=str.casefold)
    return sorted(grouped.values(), key=lambda g: (g.language != language, g.name))


def breadcrumb(store: ox.Store, concept: str, base: str, language: str) -> list[Crumb]:
    """The scheme, then the broader concepts down to ``concept`` (the last crumb): Regions
    › Europe › Eastern Europe. A breadcrumb is one trail: where a concept has several
    broader concepts (a country is in its M49 region and in groupings such as the Horn of
    Africa; the page's Broader list names them all), it follows one with a code (an area
    of the standard the scheme follows) before one without, then the first by label. A
    scheme's single top concept (Worldwide) says no more than the scheme and is left out,
    except on its own page."""
    found = _ancestors(store, concept, language)
    if concept not in found:
        return []
    trail = [concept]
    while True:
        upper = [b for b in found[trail[-1]].broader if b in found and b not in trail]
        if not upper:
            break
        trail.append(min(upper, key=lambda b: (not found[b].coded, found[b].label.casefold())))
    trail.reverse()
    root = found[trail[0]]
    crumbs = [Crumb(a.label, _href(uri, base), a.language)
              for uri, a in ((uri, found[uri]) for uri in trail)]
    if root.scheme is None:
        return crumbs
    scheme_crumb = Crumb(root.scheme_label, _href(root.scheme, base), root.scheme_language)
    if root.sole_top and len(trail) > 1:
        crumbs = crumbs[1:]
    return [scheme_crumb, *crumbs]


@dataclass
class _Ancestor:
    label: str
    language: str | None
    coded: bool
    broader: list[str] = field(default_factory=list)
    scheme: str | None = None
    scheme_label: str = ""
    scheme_language: str | None = None
    sole_top: bool = False


def _ancestors(store: ox.Store, concept: str, language: str) -> dict[str, _Ancestor]:
    """``concept`` and every concept above it, each with its best label for a page in
    ``language``, its broader concepts, whether it has a code, its scheme and whether it
    is that scheme's only top concept."""
    rows = store.query(f"""
        SELECT ?c ?label ?broader ?coded ?scheme ?schemeLabel ?tops WHERE {{
          <{concept}> <{SKOS.broader}>* ?c .
          ?c <{SKOS.prefLabel}> ?label .
          OPTIONAL {{ ?c <{SKOS.broader}> ?broader }}
          OPTIONAL {{ ?c <{SKOS.inScheme}> ?scheme . ?scheme <{SKOS.prefLabel}> ?schemeLabel
            OPTIONAL {{ SELECT ?scheme (COUNT(?top) AS ?tops) WHERE {{
                          ?scheme <{SKOS.hasTopConcept}> ?top }} GROUP BY ?scheme }} }}
          BIND (EXISTS {{ ?c <{SKOS.notation}> ?code }} AS ?coded)
        }}""", use_default_graph_as_union=True)
    found: dict[str, _Ancestor] = {}
    for row in rows:
        uri, label = row["c"].value, row["label"]
        known = found.setdefault(uri, _Ancestor(label.value, label.language,
                                                row["coded"].value == "true"))
        if label_rank(label.language, language) < label_rank(known.language, language):
            known.label, known.language = label.value, label.language
        if row["broader"] is not None and row["broader"].value not in known.broader:
            known.broader.append(row["broader"].value)
        _scheme(known, row, language)
    return found


def _scheme(known: _Ancestor, row, language: str) -> None:
    """The scheme of an ancestor from one row, its label best for ``language``."""
    if row["scheme"] is None:
        return
    label = row["schemeLabel"]
    if known.scheme is None or label_rank(label.language, language) < \
            label_rank(known.scheme_language, language):
        known.scheme, known.scheme_label = row["scheme"].value, label.value
        known.scheme_language = label.language
        known.sole_top = int(row["tops"].value) == 1 if row["tops"] is not None else False


def _href(uri: str, base: str) -> str:
    return "/" + uri[len(base):] if uri.startswith(base) else uri
