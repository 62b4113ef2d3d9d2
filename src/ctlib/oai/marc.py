"""A record as MARC 21, for library catalogues: the Library of Congress Dublin Core to
MARC crosswalk (https://www.loc.gov/marc/dccross.html) applied to its description, built
with pymarc. One record for OAI-PMH's ``marc21`` (MARCXML) and for the downloads
``/doc/record/{id}.mrc`` (ISO 2709) and ``.marcxml``: docs/oai.md lists the fields.

Authors go to 720 (uncontrolled name), not 100/700: the catalogue does not say which
authors are people and which organisations, and a 100 would claim a personal name.
Every value is one line with the characters XML 1.0 forbids replaced (which takes the
ISO 2709 delimiters 1D, 1E and 1F with them), and at most MAX_VALUE_BYTES long: a field
longer than 9,999 bytes cannot be addressed in an ISO 2709 directory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache

import pycountry
from pymarc import Field, Indicators, Leader, Record, Subfield
from pymarc.marcxml import record_to_xml, record_to_xml_node

from ..describe import Description
from ..rdf.namespaces import DCMITYPE, DCTERMS, FOAF, ISO639_1, SKOS
from ..rdf.xml_safe import xml_safe
from .labels import label

NAMESPACE = "http://www.loc.gov/MARC21/slim"
SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"

LEADER = "00000nam a22000003u 4500"
"""New record (05 n), language material (06 a), monograph (07 m), UTF-8 (09 a),
abbreviated level (17 3: brought over from Dublin Core, below minimal cataloguing),
descriptive form unknown (18 u: no ISBD punctuation). pymarc writes the record length
and base address (00-04, 12-16) when it writes ISO 2709."""
MAX_VALUE_BYTES = 9000
UNKNOWN_LANGUAGE = "und"
"""MARC's code for an undetermined language (008/35-37)."""


def record(description: Description, language: str, licence: str | None) -> Record:
    """The MARC record of a record's description; labels of linked categories, places
    and authors in ``language``."""
    own = description.objects
    uri = description.subject.value
    languages = [uri.value.removeprefix(ISO639_1) for uri in own(str(DCTERMS.language))
                 if uri.value.startswith(ISO639_1)]
    code = _language_code(languages[0]) if languages else UNKNOWN_LANGUAGE
    year = next((y.value for y in own(str(DCTERMS.issued))), None)
    fields = [Field("001", data=_identifier(description)),
              *_changed(description.modified),
              Field("008", data=_fixed(description.modified, year, code)),
              _field("024", "7 ", ("a", uri), ("2", "uri"))]
    if code != UNKNOWN_LANGUAGE:
        fields.append(_field("041", "0 ", ("a", code)))
    fields += _titles(own(str(DCTERMS.title)), languages[0] if languages else None)
    if year:
        fields.append(_field("264", " 1", ("c", year)))
    fields += [_field("520", "  ", ("a", s.value)) for s in own(str(DCTERMS.abstract))]
    if licence:
        fields.append(_field("540", "  ", ("u", licence)))
    fields += _concepts(description, "650", DCTERMS.subject, language)
    fields += _concepts(description, "651", DCTERMS.spatial, language)
    fields += [_field("655", " 7", ("a", kind.value.removeprefix(str(DCMITYPE))), ("2", "dct"))
               for kind in own(str(DCTERMS.type))]
    fields += [_field("720", "  ", ("a", label(description, agent, str(FOAF.name),
                                                 language).value), ("e", "author"))
               for agent in own(str(DCTERMS.creator))]
    fields.append(_field("856", "40", ("u", uri)))
    marc = Record(leader=Leader(LEADER), force_utf8=True, to_unicode=True)
    marc.add_field(*fields)
    return marc


def iso2709(marc: Record) -> bytes:
    return marc.as_marc()


def marcxml(marc: Record) -> bytes:
    """A MARCXML document: the record with its namespace and schema location."""
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + record_to_xml(marc, namespace=True)


WRITERS = {"marc": iso2709, "marcxml": marcxml}
"""The writer of each of formats.MARC_FORMATS, by format name."""


def xml_element(marc: Record) -> ET.Element:
    """The record element, its namespace declared on it (OAI-PMH's metadata)."""
    return record_to_xml_node(marc, namespace=True)


@lru_cache(maxsize=256)
def _language_code(iso639_1: str) -> str:
    """MARC's language codes are ISO 639-2's bibliographic ones (``fre``, not ``fra``)."""
    found = pycountry.languages.get(alpha_2=iso639_1)
    if found is None:
        return UNKNOWN_LANGUAGE
    return getattr(found, "bibliographic", None) or found.alpha_3


def _identifier(description: Description) -> str:
    """The record's own identifier (001): the catalogue's id, else its URI."""
    given = description.objects(str(DCTERMS.identifier))
    return _value(given[0].value if given else description.subject.value)


def _changed(modified: str | None) -> list[Field]:
    """005, the latest transaction: ``yyyymmddhhmmss.f``."""
    digits = "".join(c for c in (modified or "")[:19] if c.isdigit())
    return [Field("005", data=f"{digits:0<14}.0")] if len(digits) >= 8 else []


def _fixed(modified: str | None, year: str | None, code: str) -> str:
    """008 for books, 40 characters: date entered (yymmdd), one known date or none, no
    place (``xx``), ``|`` (no attempt to code) where the records say nothing, the
    language, cataloguing source ``d`` (other)."""
    entered = "".join(c for c in (modified or "")[:10] if c.isdigit())[2:8]
    dated = year if year and len(year) == 4 and year.isdigit() else None
    return (f"{entered:|<6}{'s' if dated else 'n'}{dated or 'uuuu'}    xx "
            f"{'|' * 17}{code} d")


def _titles(titles: list, language: str | None) -> list[Field]:
    """The title in the record's language is the title proper (245); the others are
    varying forms (246)."""
    titles = sorted(titles, key=lambda t: t.language != language)
    return [_field("245", "00", ("a", t.value)) if n == 0 else _field("246", "1 ", ("a", t.value))
            for n, t in enumerate(titles)]


def _concepts(description: Description, tag: str, predicate, language: str) -> list[Field]:
    """Headings from our vocabularies (second indicator 7: source in $2): the concept's
    label, its URI in $0 and its scheme's URI in $2."""
    found = []
    for concept in description.objects(str(predicate)):
        schemes = [t.object.value for t in description.triples
                   if t.subject == concept and t.predicate.value == str(SKOS.inScheme)]
        heading = label(description, concept, str(SKOS.prefLabel), language).value
        found.append(_field(tag, " 7", ("a", heading), ("0", concept.value),
                            ("2", schemes[0] if schemes else "local")))
    return found


def _field(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    return Field(tag, Indicators(*indicators),
                 [Subfield(code, _value(value)) for code, value in subfields])


def _value(text: str) -> str:
    one_line = " ".join(xml_safe(text).split())
    encoded = one_line.encode("utf-8")
    if len(encoded) <= MAX_VALUE_BYTES:
        return one_line
    return encoded[:MAX_VALUE_BYTES - 3].decode("utf-8", "ignore") + "…"
