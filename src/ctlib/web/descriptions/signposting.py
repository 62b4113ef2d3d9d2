"""FAIR Signposting (https://signposting.org/FAIR/), levels 1 and 2, for descriptions.

Level 1: every representation of a description (``/doc/...``, ``/def/...``, each fixed
format) carries the links in its ``Link`` header (RFC 8288) and its HTML page carries
the same as ``<link>`` elements. Level 2: the same links as a linkset (RFC 9264) at
``{path}.linkset`` and ``{path}.linkset.json``, with a ``describes`` link back from
each metadata format, so a machine can go either way.

One list of links (signposts()) feeds the header, the page and both linksets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from ...describe import Description
from ...formats import LINKSET_FORMATS, Format
from ...rdf.namespaces import DCTERMS, FOAF, RDF, SDO, SKOS
from .page import RECORD_TYPE

ABOUT_PAGE = str(SDO.AboutPage)
"""The ``type`` of the page itself: a landing page about the thing."""
SCHEMA_TYPES = {
    str(DCTERMS.BibliographicResource): str(SDO[RECORD_TYPE]),
    str(SKOS.Concept): str(SDO.DefinedTerm), str(SKOS.ConceptScheme): str(SDO.DefinedTermSet),
    str(FOAF.Person): str(SDO.Person), str(FOAF.Organization): str(SDO.Organization),
}
"""The schema.org type of each kind of thing, for ``rel="type"``. A plain foaf:Agent
(an author known by name only) may be a person or an organisation: it gets none."""


@dataclass(frozen=True)
class Link:
    href: str
    rel: str
    type: str | None = None

    def value(self, anchor: str | None = None) -> str:
        """The link as an RFC 8288 link-value (a linkset's carries its ``anchor``)."""
        params = [f'rel="{self.rel}"']
        if self.type:
            params.append(f'type="{self.type}"')
        if anchor:
            params.append(f'anchor="{anchor}"')
        return "; ".join([f"<{self.href}>", *params])


def signposts(description: Description, path: str, offered: tuple[Format, ...],
              absolute, licence: str | None) -> list[Link]:
    """The signposts of the description at ``path`` (``doc/record/x``), served in
    ``offered``: what it is (cite-as, type), who made it (author), under which licence,
    where its metadata is (describedby: every format but the page) and its linksets.
    None for a withdrawn thing: a tombstone signposts nothing."""
    if description.withdrawn:
        return []
    links = [Link(description.subject.value, "cite-as"), Link(ABOUT_PAGE, "type")]
    links += [Link(t, "type") for t in _schema_types(description)]
    links += [Link(creator.value, "author")
              for creator in description.objects(str(DCTERMS.creator))
              if isinstance(creator, ox.NamedNode)]
    if licence:
        links.append(Link(licence, "license"))
    links += [Link(absolute(f"{path}.{f.extension}"), "describedby", f.media_type)
              for f in offered if f.name != "html"]
    links += [Link(absolute(f"{path}.{f.extension}"), "linkset", f.media_type)
              for f in LINKSET_FORMATS]
    return links


def _schema_types(description: Description) -> list[str]:
    types = (t.value for t in description.objects(str(RDF.type)))
    return sorted({SCHEMA_TYPES[t] for t in types if t in SCHEMA_TYPES})


def header(links: list[Link]) -> list[str]:
    """The Link header values of ``links``."""
    return [link.value() for link in links]


def linkset(fmt: Format, anchor: str, links: list[Link]) -> bytes:
    """The linkset of the page at ``anchor`` in ``fmt`` (one of LINKSET_FORMATS): its
    links, but for the linksets themselves, and each metadata format's way back."""
    contexts = [(anchor, [link for link in links if link.rel != "linkset"])]
    contexts += [(link.href, [Link(anchor, "describes", "text/html")])
                 for link in links if link.rel == "describedby"]
    if fmt.name == "linkset":
        return ",\n".join(link.value(context) for context, linked in contexts
                          for link in linked).encode("utf-8") + b"\n"
    return json.dumps({"linkset": [_json_context(c, linked) for c, linked in contexts]},
                      indent=2).encode("utf-8")


def _json_context(anchor: str, links: list[Link]) -> dict:
    """One link context of a JSON linkset (RFC 9264, section 4.2): its relations in the
    order they first appear, each a list of targets."""
    context: dict = {"anchor": anchor}
    for link in links:
        target = {"href": link.href} | ({"type": link.type} if link.type else {})
        context.setdefault(link.rel, []).append(target)
    return context
