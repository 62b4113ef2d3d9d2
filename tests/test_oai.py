"""OAI-PMH at /oai, end to end: the real `ctlib serve`, harvested with Sickle and with
plain requests, every response validated against the official OAI-PMH 2.0 schemas
(tests/data/oai/, loaded without the network)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from lxml import etree
from rdflib import Graph
from rdflib.compare import isomorphic
from sickle import Sickle

from ctlib.registry import Registry

from .conftest import DATA, ROOT, cli_env
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
KEPT = [LISTING, DATA / "unusual-ids.jsonl", DATA / "hostile.jsonl"]
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
PAGE_SIZE = 2
"""Records per ListRecords page of the test servers (ListIdentifiers: five times as many),
small so that every list of the test catalogue spans several pages."""
ADMIN = "oai-admin@example.org"
SETTINGS = {"CTLIB_OAI_PAGE_SIZE": str(PAGE_SIZE), "CTLIB_ADMIN_EMAIL": ADMIN}
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RDF_XML = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "oai" / "responses.xsd"),
                                     etree.XMLParser(no_network=True)))


@dataclass(frozen=True)
class Served:
    url: str
    data_dir: Path

    @property
    def endpoint(self) -> str:
        return self.url + "oai"

    def registry(self) -> Registry:
        return Registry.read(self.data_dir / "current" / "registry.sqlite")

    def uri(self, identifier: str) -> str:
        return f"{self.url}id/record/{quote(identifier, safe='')}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The catalogue of test_web.py: a record published by a first ingest is withdrawn by
    the second, so there is a deleted record."""
    tmp = tmp_path_factory.mktemp("oai")
    with running_server(tmp, KEPT + [DATA / "withdrawn.jsonl"], KEPT, settings=SETTINGS) as url:
        yield Served(url, tmp / "var")


def oai(served: Served, method: str = "GET", **arguments) -> etree._Element:
    """The response to ``arguments``, checked against the schemas."""
    if method == "GET":
        response = requests.get(served.endpoint, params=arguments, timeout=30)
    else:
        response = requests.post(served.endpoint, data=arguments, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return valid(response.content)


def valid(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert SCHEMA.validate(root), SCHEMA.error_log
    return root


def error_code(root: etree._Element) -> str | None:
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def expected_headers(served: Served) -> dict[str, tuple[str, bool]]:
    """What the registry says a harvest must find: URI -> (datestamp, deleted)."""
    return {served.uri(e.id): (e.withdrawn or e.modified, e.withdrawn is not None)
            for e in served.registry().entries.values()}


def follow(served: Served, verb: str, **arguments) -> list[etree._Element]:
    """Every response of a list, following resumption tokens to the empty one."""
    pages = [oai(served, verb=verb, **arguments)]
    while (token := pages[-1].find(f"{OAI}{verb}/{OAI}resumptionToken")) is not None \
            and token.text:
        pages.append(oai(served, verb=verb, resumptionToken=token.text))
    return pages


def headers_of(pages: list[etree._Element], verb: str) -> list[etree._Element]:
    path = f"{OAI}{verb}/{OAI}header" if verb == "ListIdentifiers" else \
        f"{OAI}{verb}/{OAI}record/{OAI}header"
    return [header for page in pages for header in page.iterfind(path)]


def test_identify(served):
    root = oai(served, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}baseURL") == served.endpoint
    assert root.findtext(f"{OAI}request") == served.endpoint
    assert identify.findtext(f"{OAI}repositoryName") == "Counter-Trafficking Resource Library"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}adminEmail") == ADMIN
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(e.modified for e in served.registry().entries.values())
    assert identify.findtext(f"{OAI}earliestDatestamp") == earliest


def test_a_harvest_with_sickle_finds_every_record_of_the_registry(served):
    expected = expected_headers(served)
    assert any(deleted for _, deleted in expected.values()), "the catalogue has a deletion"
    harvested = list(Sickle(served.endpoint).ListRecords(metadataPrefix="oai_dc",
                                                         ignore_deleted=False))
    assert {r.header.identifier: (r.header.datestamp, r.header.deleted)
            for r in harvested} == expected
    assert len(harvested) == len(expected)
    titles = {served.uri(e.id): e.title for e in served.registry().published()}
    for record in harvested:
        if record.deleted:
            assert record.xml.find(f"{OAI}metadata") is None
        else:
            assert record.metadata["title"] == [titles[record.header.identifier]]
            assert record.metadata["identifier"] == [record.header.identifier]


def test_sickle_lists_identifiers_sets_and_formats(served):
    sickle = Sickle(served.endpoint)
    identifiers = list(sickle.ListIdentifiers(metadataPrefix="rdf", ignore_deleted=False))
    assert {h.identifier: (h.datestamp, h.deleted) for h in identifiers} == \
        expected_headers(served)
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "rdf", "marc21"}
    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert sets["category:referral-mechanisms"] == "Referral Mechanisms"
    assert sets["region:horn-of-africa"] == "Horn of Africa"
    assert sets["category"] == "Categories" and sets["region"] == "Regions"


@pytest.mark.parametrize("verb, per_page", [("ListRecords", PAGE_SIZE),
                                            ("ListIdentifiers", 5 * PAGE_SIZE)])
def test_resumption_tokens_lead_to_the_final_empty_token(served, verb, per_page):
    pages = follow(served, verb, metadataPrefix="oai_dc")
    total = len(expected_headers(served))
    assert len(pages) == -(-total // per_page) > 1
    tokens = [page.find(f"{OAI}{verb}/{OAI}resumptionToken") for page in pages]
    assert [int(t.get("cursor")) for t in tokens] == list(range(0, total, per_page))
    assert {int(t.get("completeListSize")) for t in tokens} == {total}
    assert all(t.text for t in tokens[:-1]) and tokens[-1].text is None
    identifiers = [h.findtext(f"{OAI}identifier") for h in headers_of(pages, verb)]
    assert len(identifiers) == len(set(identifiers)) == total


def test_a_list_that_fits_one_response_has_no_token(served):
    registry = served.registry()
    withdrawal = next(e.withdrawn for e in registry.withdrawn())
    root = oai(served, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": withdrawal})
    assert root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken") is None
    assert len(root.findall(f"{OAI}ListIdentifiers/{OAI}header")) >= 1


def test_post_answers_as_get_does(served):
    get = oai(served, verb="ListRecords", metadataPrefix="oai_dc")
    post = oai(served, "POST", verb="ListRecords", metadataPrefix="oai_dc")
    for root in (get, post):
        root.remove(root.find(f"{OAI}responseDate"))
    assert etree.tostring(get) == etree.tostring(post)
    token = get.findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
    assert oai(served, "POST", verb="ListRecords", resumptionToken=token) \
        .find(f"{OAI}ListRecords/{OAI}record") is not None


def test_a_deleted_record_has_a_header_only(served):
    withdrawn = next(served.registry().withdrawn())
    root = oai(served, verb="GetRecord", metadataPrefix="oai_dc",
               identifier=served.uri(withdrawn.id))
    record = root.find(f"{OAI}GetRecord/{OAI}record")
    assert record.find(f"{OAI}header").get("status") == "deleted"
    assert record.findtext(f"{OAI}header/{OAI}datestamp") == withdrawn.withdrawn
    assert record.find(f"{OAI}metadata") is None
    assert record.find(f"{OAI}header/{OAI}setSpec") is None


def test_oai_dc_holds_the_records_fields(served):
    root = oai(served, verb="GetRecord", metadataPrefix="oai_dc", identifier=served.uri(RECORD))
    dc = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/"
                   "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")
    values = {}
    for element in dc:
        values.setdefault(element.tag.removeprefix(DC), []).append(element.text)
    assert values["identifier"] == [served.uri(RECORD)]
    assert "Rakeb Messele" in values["creator"]
    assert "Horn of Africa" in values["coverage"]
    assert values["type"] == ["Text"]
    assert values["rights"] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert values["date"][0].isdigit() and len(values["date"][0]) == 4
    assert values["title"] == [served.registry().entries[RECORD].title]
    assert dc.find(f"{DC}title").get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_markup_in_a_record_arrives_as_text(served):
    hostile = next(e for e in served.registry().published() if "<" in (e.title or ""))
    root = oai(served, verb="GetRecord", metadataPrefix="oai_dc", identifier=served.uri(hostile.id))
    assert root.findtext(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/"
                         f"{{http://www.openarchives.org/OAI/2.0/oai_dc/}}dc/{DC}title") \
        == hostile.title


def test_rdf_metadata_is_the_records_description(served):
    root = oai(served, verb="GetRecord", metadataPrefix="rdf", identifier=served.uri(RECORD))
    embedded = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{RDF_XML}")
    graph = Graph().parse(data=etree.tostring(embedded), format="xml")
    document = requests.get(f"{served.url}doc/record/{RECORD}.rdf", timeout=10)
    assert len(graph) > 30
    assert isomorphic(graph, Graph().parse(data=document.content, format="xml"))


def test_headers_name_the_sets_of_the_records_concepts(served):
    headers = headers_of(follow(served, "ListIdentifiers", metadataPrefix="oai_dc"),
                         "ListIdentifiers")
    specs = {h.findtext(f"{OAI}identifier"): {s.text for s in h.iterfind(f"{OAI}setSpec")}
             for h in headers}
    # the record's place is the Horn of Africa: its broader regions are its sets too
    assert {"region:horn-of-africa", "region:africa", "region:worldwide", "region"} \
        <= specs[served.uri(RECORD)]
    # a referral mechanism is a kind of protection and assistance
    assert {"category:referral-mechanisms", "category:protection-and-assistance", "category"} \
        <= specs[served.uri("CT/2019 #7")]


@pytest.mark.parametrize("spec", ["region:africa", "region:horn-of-africa",
                                  "category:referral-mechanisms", "category", "region"])
def test_a_set_holds_the_records_whose_headers_name_it_and_every_deletion(served, spec):
    everything = headers_of(follow(served, "ListIdentifiers", metadataPrefix="oai_dc"),
                            "ListIdentifiers")
    expected = {h.findtext(f"{OAI}identifier") for h in everything
                if h.get("status") == "deleted"
                or spec in {s.text for s in h.iterfind(f"{OAI}setSpec")}}
    in_set = headers_of(follow(served, "ListIdentifiers", metadataPrefix="oai_dc", set=spec),
                        "ListIdentifiers")
    assert {h.findtext(f"{OAI}identifier") for h in in_set} == expected
    assert len(expected) > sum(h.get("status") == "deleted" for h in everything)


def test_from_and_until_select_by_datestamp(served):
    registry = served.registry()
    first_ingest = min(e.modified for e in registry.entries.values())
    withdrawal = next(e.withdrawn for e in registry.withdrawn())
    assert withdrawal > first_ingest, "the two ingests of the fixture are a second apart"

    def listed(**dates):
        pages = follow(served, "ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return {h.findtext(f"{OAI}identifier"): h.get("status")
                for h in headers_of(pages, "ListIdentifiers")}

    assert list(listed(**{"from": withdrawal}).values()) == ["deleted"]
    before = listed(until=first_ingest)
    assert "deleted" not in before.values() and len(before) == len(registry.entries) - 1
    assert len(listed(**{"from": first_ingest[:10], "until": withdrawal[:10]})) == \
        len(registry.entries)


@pytest.mark.parametrize("arguments, element", [
    ({"verb": "Identify"}, "Identify"),
    ({"verb": "ListMetadataFormats"}, "ListMetadataFormats"),
    ({"verb": "ListMetadataFormats", "identifier": "RECORD"}, "ListMetadataFormats"),
    ({"verb": "ListSets"}, "ListSets"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "RECORD"}, "GetRecord"),
    ({"verb": "GetRecord", "metadataPrefix": "rdf", "identifier": "RECORD"}, "GetRecord"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, "ListIdentifiers"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, "ListRecords"),
    ({"verb": "ListRecords", "metadataPrefix": "rdf", "set": "region"}, "ListRecords"),
])
def test_every_verb_answers_valid_oai_pmh(served, arguments, element):
    arguments = {k: served.uri(RECORD) if v == "RECORD" else v for k, v in arguments.items()}
    root = oai(served, **arguments)
    assert error_code(root) is None
    assert root.find(f"{OAI}{element}") is not None
    assert dict(root.find(f"{OAI}request").attrib) == arguments


def _token(*fields) -> str:
    data = json.dumps(list(fields), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


ERRORS = [
    ("", {}, "badVerb"),
    ("verb=Harvest", {}, "badVerb"),
    ("verb=Identify&verb=Identify", {}, "badVerb"),
    ("verb=Identify&set=region", {}, "badArgument"),
    ("verb=ListRecords", {}, "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=rdf", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=TOKEN", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=%D9%A2%D9%A0%D9%A2%D9%A4-01-01", {},
     "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00%2B01:00", {},
     "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z", {},
     "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", {},
     "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=region%20africa", {}, "badArgument"),
    ("verb=ListRecords&metadataPrefix=mods", {"metadataPrefix": "mods"},
     "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=mods&identifier=RECORD",
     {"metadataPrefix": "mods", "identifier": "RECORD"}, "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=http://example.org/x",
     {"metadataPrefix": "oai_dc", "identifier": "http://example.org/x"}, "idDoesNotExist"),
    ("verb=ListMetadataFormats&identifier=http://example.org/x",
     {"identifier": "http://example.org/x"}, "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=not%20a%20%7Buri%7D",
     {"metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01",
     {"metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=region:atlantis",
     {"metadataPrefix": "oai_dc", "set": "region:atlantis"}, "noRecordsMatch"),
    ("verb=ListRecords&resumptionToken=abc", {"resumptionToken": "abc"}, "badResumptionToken"),
    ("verb=ListSets&resumptionToken=abc", {"resumptionToken": "abc"}, "badResumptionToken"),
    ("verb=ListIdentifiers&resumptionToken=TOKEN", {"resumptionToken": "TOKEN"},
     "badResumptionToken"),
    (f"verb=ListRecords&resumptionToken={_token('ListRecords', 'mods', None, None, None, 'a')}",
     {"resumptionToken": _token("ListRecords", "mods", None, None, None, "a")},
     "badResumptionToken"),
    (f"verb=ListRecords&resumptionToken={_token('ListRecords', 'oai_dc', None, None, None, '')}",
     {"resumptionToken": _token("ListRecords", "oai_dc", None, None, None, "")},
     "badResumptionToken"),
    (f"verb=ListRecords&resumptionToken={_token('ListRecords', 'oai_dc', None, None, None, 'a')}=",
     {"resumptionToken": _token("ListRecords", "oai_dc", None, None, None, "a") + "="},
     "badResumptionToken"),
]
"""Query string, the arguments the response must echo, the error code. TOKEN is a
ListRecords token; RECORD a record's identifier."""


@pytest.mark.parametrize("query, echoed, code", ERRORS)
def test_every_error_condition(served, query, echoed, code):
    token = oai(served, verb="ListRecords", metadataPrefix="oai_dc") \
        .findtext(f"{OAI}ListRecords/{OAI}resumptionToken")

    def filled(text: str) -> str:
        return text.replace("TOKEN", token).replace("RECORD", served.uri(RECORD))

    response = requests.get(f"{served.endpoint}?{filled(query)}", timeout=30)
    assert response.status_code == 200
    root = valid(response.content)
    assert error_code(root) == code
    assert root.findtext(f"{OAI}error").strip()
    request_attributes = dict(root.find(f"{OAI}request").attrib)
    if echoed:
        verb = query.split("&")[0].removeprefix("verb=")
        assert request_attributes == {"verb": verb} | {k: filled(v) for k, v in echoed.items()}
    else:
        assert request_attributes == {}


def test_a_well_formed_token_with_a_valid_request_is_honoured(served):
    """Tokens are positions, not secrets: one written by hand for a real request works."""
    first = min(served.registry().entries)
    root = oai(served, verb="ListIdentifiers",
               resumptionToken=_token("ListIdentifiers", "oai_dc", None, None, None, first))
    identifiers = [h.findtext(f"{OAI}identifier")
                   for h in root.iterfind(f"{OAI}ListIdentifiers/{OAI}header")]
    assert served.uri(first) not in identifiers and len(identifiers) > 1


def test_conditional_get_answers_304_until_the_next_ingest(served):
    response = requests.get(served.endpoint, params={"verb": "ListSets"}, timeout=10)
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    again = requests.get(served.endpoint, params={"verb": "ListSets"},
                         headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    since = requests.get(served.endpoint, params={"verb": "ListSets"},
                         headers={"If-Modified-Since": response.headers["Last-Modified"]},
                         timeout=10)
    assert since.status_code == 304
    other = requests.get(served.endpoint, params={"verb": "Identify"},
                         headers={"If-None-Match": etag}, timeout=10)
    assert other.status_code == 200 and other.headers["ETag"] != etag
    posted = requests.post(served.endpoint, data={"verb": "ListSets"},
                           headers={"If-None-Match": etag}, timeout=10)
    assert posted.status_code == 200 and "ETag" not in posted.headers


def test_a_token_survives_a_restart_and_a_reingest(tmp_path):
    with running_server(tmp_path, KEPT, settings=SETTINGS) as url:
        served = Served(url, tmp_path / "var")
        first = oai(served, verb="ListIdentifiers", metadataPrefix="oai_dc")
        token = first.findtext(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
        seen = _identifiers(first)
    ids = sorted(served.registry().entries)
    last = next(i for i in ids if served.uri(i) == seen[-1])
    # a new process on another port, serving the same data under the same base URI
    with running_server(tmp_path, settings=SETTINGS | {"CTLIB_BASE_URI": url}) as second_url:
        restarted = Served(second_url, tmp_path / "var")
        page = oai(restarted, verb="ListIdentifiers", resumptionToken=token)
        assert _identifiers(page) == [served.uri(i) for i in ids if i > last]
        assert page.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken").text is None

        # one record sorting before every other, a page and more sorting after
        added = tmp_path / "added.jsonl"
        added.write_text("".join(json.dumps(
            {"id": identifier, "title": f"Added record {identifier}", "year": "2022",
             "country": ["Worldwide"], "region": ["Worldwide"],
             "category": ["Referral Mechanisms"]}) + "\n"
            for identifier in ["0-added", *(f"zz-added-{n:02}" for n in range(12))]))
        _reingest(tmp_path, url, KEPT + [added])
        ids = sorted(served.registry().entries)
        page = oai(restarted, verb="ListIdentifiers", resumptionToken=token)
        assert _identifiers(page) == [served.uri(i) for i in ids if i > last][:5 * PAGE_SIZE]
        resumed = page.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
        assert resumed.text
        assert int(resumed.get("completeListSize")) == len(ids)
        assert int(resumed.get("cursor")) == len(seen) + 1


def _identifiers(root: etree._Element) -> list[str]:
    return [h.findtext(f"{OAI}identifier")
            for h in root.iterfind(f"{OAI}ListIdentifiers/{OAI}header")]


def _reingest(tmp_path: Path, base: str, sources: list[Path]) -> None:
    """Ingest ``sources`` into the served data directory, adding records."""
    before = set(Registry.read(tmp_path / "var" / "current" / "registry.sqlite").entries)
    env = cli_env(tmp_path) | {"CTLIB_BASE_URI": base}
    subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", *map(str, sources)],
                   env=env, cwd=tmp_path, check=False, capture_output=True, timeout=120)
    assert set(Registry.read(tmp_path / "var" / "current" / "registry.sqlite").entries) > before
