"""MARC 21 for library catalogues (src/ctlib/oai/marc.py): each record as MARCXML and ISO
2709, by download and by OAI-PMH's ``marc21``, valid against the Library of Congress
MARC21 slim schema (tests/data/marc/) and read back with pymarc's own readers.

Unit tests write a description made here; the end-to-end ones ask the real server."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from lxml import etree
from pymarc import MARCReader, Record, parse_xml_to_array

from ctlib.describe import describe
from ctlib.oai import marc

from .conftest import DATA
from .server import get, running_server, withdrawal_ingests
from .test_oai import OAI, valid

SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "marc" / "MARC21slim.xsd"),
                                     etree.XMLParser(no_network=True)))
SLIM = "{http://www.loc.gov/MARC21/slim}"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
FRENCH = {"id": "traite-zurich", "title": "Études sur la traite à Zürich : « cas » réels",
          "summary": "Une étude.", "language": "fr", "country": ["Switzerland"],
          "region": ["Western Europe"], "year": "2021", "category": ["Referral Mechanisms"],
          "authors": ["Åsa Öberg"]}

TURTLE = """
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dcmitype: <http://purl.org/dc/dcmitype/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://x.test/id/record/r1> a dcterms:BibliographicResource ;
  dcterms:title "Zurich studies"@en, "Zürich : études\\u001D sur la traite"@fr ;
  dcterms:identifier "r1" ; dcterms:language <http://id.loc.gov/vocabulary/iso639-1/fr> ;
  dcterms:issued "2018"^^xsd:gYear ; dcterms:type dcmitype:Text ;
  dcterms:subject <http://x.test/def/categories/c1> ;
  dcterms:spatial <http://x.test/def/regions/eu> ;
  dcterms:abstract "%s"@fr ; dcterms:creator <http://x.test/id/agent/a> ;
  dcterms:modified "2024-05-01T09:30:00Z"^^xsd:dateTime .
<http://x.test/def/categories/c1> skos:prefLabel "Catégorie"@fr, "Category"@en ;
  skos:inScheme <http://x.test/def/categories> .
<http://x.test/def/regions/eu> skos:prefLabel "Europe"@en ;
  skos:inScheme <http://x.test/def/regions> .
<http://x.test/id/agent/a> foaf:name "Åsa Öberg" .
"""


def made(summary: str = "Line one\\nline two") -> Record:
    store = ox.Store()
    store.load((TURTLE % summary).encode(), format=ox.RdfFormat.TURTLE)
    description = describe(store, "http://x.test/id/record/r1", "http://x.test/doc/record/r1",
                           "http://x.test/dataset", LICENCE)
    return marc.record(description, "en", LICENCE)


def read_iso2709(data: bytes) -> Record:
    [found] = list(MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True))
    assert found is not None, "pymarc could not read the record"
    return found


def read_marcxml(data: bytes) -> Record:
    root = etree.fromstring(data)
    assert SCHEMA.validate(root), SCHEMA.error_log
    [found] = parse_xml_to_array(io.BytesIO(data))
    return found


def fields(found: Record) -> list:
    """Every field, leader aside: ISO 2709's holds the record's length and base address."""
    return found.as_dict()["fields"]


def subfields(found: Record, tag: str) -> list[dict[str, str]]:
    return [{s.code: s.value for s in field.subfields} for field in found.get_fields(tag)]


def test_the_crosswalk_puts_each_part_of_a_record_in_its_field():
    found = read_marcxml(marc.marcxml(made()))
    assert found["001"].data == "r1"
    assert found["005"].data == "20240501093000.0"
    assert found["008"].data == "240501s2018    xx " + "|" * 17 + "fre d"
    assert found.leader[5:10] == "nam a" and found.leader[17:20] == "3u "
    assert subfields(found, "024") == [{"a": "http://x.test/id/record/r1", "2": "uri"}]
    assert subfields(found, "041") == [{"a": "fre"}]
    # the title in the record's language is the title proper; the control character is
    # replaced, so that neither XML nor ISO 2709's delimiters break
    assert subfields(found, "245") == [{"a": "Zürich : études\ufffd sur la traite"}]
    assert subfields(found, "246") == [{"a": "Zurich studies"}]
    assert subfields(found, "264") == [{"c": "2018"}]
    assert subfields(found, "520") == [{"a": "Line one line two"}]
    assert subfields(found, "540") == [{"u": LICENCE}]
    assert subfields(found, "650") == [{"a": "Category", "0": "http://x.test/def/categories/c1",
                                        "2": "http://x.test/def/categories"}]
    assert subfields(found, "651") == [{"a": "Europe", "0": "http://x.test/def/regions/eu",
                                        "2": "http://x.test/def/regions"}]
    assert subfields(found, "655") == [{"a": "Text", "2": "dct"}]
    assert subfields(found, "720") == [{"a": "Åsa Öberg", "e": "author"}]
    assert subfields(found, "856") == [{"u": "http://x.test/id/record/r1"}]
    assert found.get("650").indicators == (" ", "7")


def test_iso2709_reads_back_as_the_marcxml_does():
    record = made()
    assert fields(read_iso2709(marc.iso2709(record))) == fields(read_marcxml(marc.marcxml(record)))


def test_a_summary_too_long_for_an_iso2709_field_is_cut_to_fit():
    found = read_iso2709(marc.iso2709(made("é" * 20000)))
    summary = found["520"]["a"]
    assert summary.endswith("…") and len(summary.encode("utf-8")) <= marc.MAX_VALUE_BYTES


# --- over HTTP ---


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("marc")
    french = tmp / "french.jsonl"
    french.write_text(json.dumps(FRENCH, ensure_ascii=False) + "\n", encoding="utf-8")
    first, second = withdrawal_ingests()
    with running_server(tmp, first + [french], second + [french]) as url:
        yield url


@pytest.mark.parametrize("identifier", [RECORD, FRENCH["id"]])
def test_both_downloads_hold_the_same_record(base, identifier):
    iso = get(f"{base}doc/record/{identifier}.mrc")
    xml = get(f"{base}doc/record/{identifier}.marcxml")
    assert iso.status_code == xml.status_code == 200
    assert iso.headers["Content-Type"] == "application/marc"
    assert xml.headers["Content-Type"] == "application/marcxml+xml; charset=utf-8"
    from_iso, from_xml = read_iso2709(iso.content), read_marcxml(xml.content)
    assert fields(from_iso) == fields(from_xml)
    assert from_xml["856"]["u"] == f"{base}id/record/{identifier}"


def test_a_non_ascii_title_arrives_whole(base):
    found = read_iso2709(get(f"{base}doc/record/{FRENCH['id']}.mrc").content)
    assert found["245"]["a"] == FRENCH["title"]
    assert found["720"]["a"] == "Åsa Öberg"
    assert found["041"]["a"] == "fre" and found["008"].data[35:38] == "fre"
    assert found["008"].data[7:11] == "2021"


def test_the_records_fields_are_mapped(base):
    found = read_marcxml(get(f"{base}doc/record/{RECORD}.marcxml").content)
    assert found["245"]["a"] == \
        "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
    assert sorted(f["a"] for f in found.get_fields("720")) == \
        ["Mebratu Gebeyehu Consultants For AU/IGAD/IOM", "Rakeb Messele"]
    places = subfields(found, "651")
    assert {"a": "Horn of Africa", "0": f"{base}def/regions/horn-of-africa",
            "2": f"{base}def/regions"} in places
    assert all(field["0"].startswith(f"{base}def/categories/") and
               field["2"] == f"{base}def/categories" for field in subfields(found, "650"))


def test_marc_is_negotiated_for_records_only(base):
    response = get(f"{base}doc/record/{RECORD}", "application/marcxml+xml")
    assert response.headers["Content-Location"] == f"{base}doc/record/{RECORD}.marcxml"
    assert get(f"{base}doc/agent/rakeb-messele.mrc").status_code == 404
    assert get(f"{base}doc/agent/rakeb-messele", "application/marc").status_code == 406


def test_a_withdrawn_record_has_no_marc_any_more(base):
    response = get(f"{base}doc/record/soon-withdrawn.mrc")
    assert response.status_code == 410
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "withdrawn" in response.text


def oai(base: str, **arguments) -> etree._Element:
    response = get(f"{base}oai?" + "&".join(f"{k}={v}" for k, v in arguments.items()))
    return valid(response.content)


def test_oai_pmh_offers_marc21(base):
    formats = oai(base, verb="ListMetadataFormats")
    prefixes = {f.findtext(f"{OAI}metadataPrefix"): f.findtext(f"{OAI}metadataNamespace")
                for f in formats.iter(f"{OAI}metadataFormat")}
    assert prefixes["marc21"] == "http://www.loc.gov/MARC21/slim"


def test_oai_pmh_marc21_is_the_download(base):
    root = oai(base, verb="GetRecord", metadataPrefix="marc21",
               identifier=f"{base}id/record/{FRENCH['id']}")
    element = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{SLIM}record")
    embedded = read_marcxml(etree.tostring(element))
    download = read_marcxml(get(f"{base}doc/record/{FRENCH['id']}.marcxml").content)
    assert embedded.as_dict() == download.as_dict()


def test_oai_pmh_lists_marc21_records_and_deletions(base):
    root = oai(base, verb="ListRecords", metadataPrefix="marc21")
    records = root.findall(f"{OAI}ListRecords/{OAI}record")
    deleted = [r for r in records if r.find(f"{OAI}header").get("status") == "deleted"]
    assert [r.findtext(f"{OAI}header/{OAI}identifier") for r in deleted] == \
        [f"{base}id/record/soon-withdrawn"]
    assert deleted[0].find(f"{OAI}metadata") is None
    for record in records:
        if record not in deleted:
            read_marcxml(etree.tostring(record.find(f"{OAI}metadata/{SLIM}record")))
