"""FAIR Signposting (signposting.org/FAIR), levels 1 and 2, against the real server:
the Link headers and <link> elements of records, agents and concepts, their linksets
in both formats, every link followed to the end; as F-UJI's checks ask for them."""

import json

import lxml.html
import pyoxigraph as ox
import pytest
import requests

from ctlib.describe import Description
from ctlib.formats import BY_NAME, LINKSET_FORMATS, RECORD_FORMATS
from ctlib.web.descriptions.paths import split_extension
from ctlib.web.descriptions.signposting import Link, linkset, signposts

from . import link_headers
from .conftest import DATA
from .server import running_server

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SIGNPOSTS = {"cite-as", "describedby", "type", "author", "license", "linkset", "item",
             "collection", "describes"}
"""The relation types of the FAIR Signposting profile, and the linkset's own."""
LEVEL_1 = {"cite-as", "describedby", "type", "author", "license"}
"""What signposting.org's level 1 example of a publication's landing page carries, but
``item``: a record here is a description, its document is no file of ours."""
AGENT = "olena-kovalenko"
CONCEPT = "def/categories/victim-identification"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("signposting"),
                        [DATA / "partner.jsonl"]) as base:
        yield base


def signposted(links: list[link_headers.Link]) -> set[tuple[str, str, str | None]]:
    return {(link.rel, link.href, link.param("type")) for link in links
            if link.rel in SIGNPOSTS}


def header_links(response: requests.Response) -> list[link_headers.Link]:
    return link_headers.parse(response.headers["Link"], response.url)


# --- units ---------------------------------------------------------------------------

def description(*types: str, creators: tuple[str, ...] = ()) -> Description:
    subject = ox.NamedNode("http://x.test/id/record/r")
    triples = [ox.Triple(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode(t)) for t in types]
    triples += [ox.Triple(subject, ox.NamedNode("http://purl.org/dc/terms/creator"),
                          ox.NamedNode(c)) for c in creators]
    return Description(subject, triples, None)


def test_unit_a_record_is_signposted_with_every_format_but_its_page():
    links = signposts(description("http://purl.org/dc/terms/BibliographicResource",
                                  creators=("http://x.test/id/agent/a",)),
                      "doc/record/r", RECORD_FORMATS, lambda p: "http://x.test/" + p, LICENCE)
    described = [link.type for link in links if link.rel == "describedby"]
    assert described == [f.media_type for f in RECORD_FORMATS if f.name != "html"]
    assert {(link.rel, link.href) for link in links} >= {
        ("cite-as", "http://x.test/id/record/r"), ("type", "https://schema.org/AboutPage"),
        ("type", "https://schema.org/CreativeWork"), ("author", "http://x.test/id/agent/a"),
        ("license", LICENCE), ("linkset", "http://x.test/doc/record/r.linkset")}


def test_unit_a_plain_agent_has_no_schema_type_and_a_tombstone_no_signposts():
    agent = signposts(description("http://xmlns.com/foaf/0.1/Agent"), "doc/agent/a",
                      RECORD_FORMATS, str, None)
    assert [link.href for link in agent if link.rel == "type"] == \
        ["https://schema.org/AboutPage"]
    assert not [link for link in agent if link.rel == "license"]
    gone = description("http://purl.org/dc/terms/BibliographicResource")
    gone.withdrawn = "2026-01-01T00:00:00Z"
    assert signposts(gone, "doc/record/r", RECORD_FORMATS, str, LICENCE) == []


def test_unit_linkset_extensions_are_split_before_the_json_one():
    assert split_extension("x.linkset.json") == ("x", LINKSET_FORMATS[1])
    assert split_extension("x.linkset") == ("x", LINKSET_FORMATS[0])
    assert split_extension("x.json") == ("x", BY_NAME["jsonld"])


def test_unit_both_linkset_formats_say_the_same():
    links = [Link("http://x.test/id/r", "cite-as"),
             Link("http://x.test/doc/r.ttl", "describedby", "text/turtle"),
             Link("http://x.test/doc/r.linkset", "linkset", "application/linkset")]
    anchor = "http://x.test/doc/r"
    text = link_headers.parse(linkset(LINKSET_FORMATS[0], anchor, links).decode())
    data = json.loads(linkset(LINKSET_FORMATS[1], anchor, links))
    assert {(link.param("anchor"), link.rel, link.href) for link in text} == \
        {(context["anchor"], rel, target["href"]) for context in data["linkset"]
         for rel, targets in context.items() if rel != "anchor" for target in targets} == \
        {(anchor, "cite-as", "http://x.test/id/r"),
         (anchor, "describedby", "http://x.test/doc/r.ttl"),
         ("http://x.test/doc/r.ttl", "describes", anchor)}


@pytest.mark.parametrize("broken", [
    '<http://a>', 'http://a; rel="x"', '<http://a>; rel="x" <http://b>; rel="y"',
    '<http://a>; rel="x",', '<http://a>; rel="unterminated', '<http://a>; ="x"'])
def test_unit_the_parser_is_strict(broken):
    with pytest.raises(ValueError):
        link_headers.parse(broken)


def test_unit_the_parser_reads_what_rfc_8288_allows():
    links = link_headers.parse('<a>;rel="original timegate" ; type="text/html",\n <b> ;'
                               ' rel=next; title="x\\"y"; rel=ignored', "http://h/")
    assert [(link.href, link.rel) for link in links] == \
        [("http://h/a", "original"), ("http://h/a", "timegate"), ("http://h/b", "next")]
    assert links[0].param("type") == "text/html" and links[2].param("title") == 'x"y'


# --- against the server -------------------------------------------------------------

def test_a_harvester_following_the_pid_finds_the_level_1_signposts(server):
    """F-UJI: resolve the PID to the landing page, read its Link header (a HEAD first)."""
    pid = f"{server}id/record/P-001"
    head = requests.head(pid, headers={"Accept": "text/html"}, allow_redirects=True,
                         timeout=30)
    page = requests.get(pid, headers={"Accept": "text/html"}, timeout=30)
    assert head.status_code == page.status_code == 200
    assert page.url == f"{server}doc/record/P-001"
    links = header_links(page)
    assert signposted(header_links(head)) == signposted(links)
    rels = {link.rel for link in links}
    assert LEVEL_1 | {"linkset"} <= rels
    assert [link.href for link in links if link.rel == "cite-as"] == [pid]
    assert {link.href for link in links if link.rel == "type"} == \
        {"https://schema.org/AboutPage", "https://schema.org/CreativeWork"}
    assert {link.href for link in links if link.rel == "author"} == \
        {f"{server}id/agent/{AGENT}", f"{server}id/agent/marta-nowak"}
    assert [link.href for link in links if link.rel == "license"] == [LICENCE]
    described = {link.param("type") for link in links if link.rel == "describedby"}
    assert described == {f.media_type for f in RECORD_FORMATS if f.name != "html"}
    assert {"original", "timegate", "timemap", "alternate"} <= rels  # Memento's, kept


def test_the_page_carries_its_header_s_signposts_as_link_elements(server):
    for path in ("doc/record/P-001", f"doc/agent/{AGENT}", CONCEPT):
        page = requests.get(server + path, headers={"Accept": "text/html"}, timeout=30)
        tree = lxml.html.fromstring(page.text)
        elements = {(e.get("rel"), e.get("href"), e.get("type"))
                    for e in tree.xpath("//head/link") if e.get("rel") in SIGNPOSTS}
        assert elements == signposted(header_links(page)), path


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "bib"])
def test_every_format_of_a_description_carries_the_same_signposts(server, fmt):
    landing = requests.get(f"{server}doc/record/P-001", headers={"Accept": "text/html"},
                           timeout=30)
    fixed = requests.get(f"{server}doc/record/P-001.{fmt}", timeout=30)
    assert signposted(header_links(fixed)) == signposted(header_links(landing))


@pytest.mark.parametrize("path", ["doc/record/P-001", f"doc/agent/{AGENT}", CONCEPT])
def test_every_signpost_leads_where_it_says(server, path):
    """Each link of ours answers 200 in the type it declares; the rest (schema.org, the
    licence) are names, not for this server to fetch."""
    links = header_links(requests.get(server + path, headers={"Accept": "text/html"},
                                      timeout=30))
    ours = [link for link in links if link.rel in SIGNPOSTS and link.href.startswith(server)]
    assert {link.rel for link in ours} >= {"cite-as", "describedby", "linkset"}
    for link in ours:
        answer = requests.get(link.href, headers={"Accept": link.param("type") or "text/html"},
                              timeout=30)
        assert answer.status_code == 200, link
        if link.param("type"):
            assert answer.headers["Content-Type"].split(";")[0] == link.param("type"), link


def test_concepts_and_agents_get_the_relations_that_apply(server):
    concept = header_links(requests.get(server + CONCEPT, timeout=30))
    assert [link.href for link in concept if link.rel == "cite-as"] == [server + CONCEPT]
    assert {link.href for link in concept if link.rel == "type"} == \
        {"https://schema.org/AboutPage", "https://schema.org/DefinedTerm"}
    agent = header_links(requests.get(f"{server}doc/agent/{AGENT}", timeout=30))
    assert [link.href for link in agent if link.rel == "cite-as"] == \
        [f"{server}id/agent/{AGENT}"]
    for links in (concept, agent):
        assert not [link for link in links if link.rel == "author"]
        assert {link.param("type") for link in links if link.rel == "describedby"} == \
            {"text/turtle", "application/ld+json", "application/rdf+xml",
             "application/n-triples"}


@pytest.mark.parametrize("path", ["doc/record/P-001", f"doc/agent/{AGENT}", CONCEPT])
def test_the_linksets_hold_the_landing_page_s_signposts_and_the_way_back(server, path):
    """Level 2: the linkset the landing page points to, in both formats, says what its
    header says (but the linksets themselves), and each metadata format ``describes``
    the landing page, as in signposting.org's level 2 example."""
    landing = server + path
    header = signposted(header_links(requests.get(landing, timeout=30)))
    expected = {(rel, href, kind) for rel, href, kind in header if rel != "linkset"}
    described = {href for rel, href, _ in header if rel == "describedby"}
    json_answer = requests.get(landing + ".linkset.json", timeout=30)
    text_answer = requests.get(landing + ".linkset", timeout=30)
    assert json_answer.headers["Content-Type"] == "application/linkset+json"
    assert text_answer.headers["Content-Type"] == "application/linkset"
    assert "Link" not in json_answer.headers
    contexts = {c["anchor"]: c for c in json_answer.json()["linkset"]}
    assert set(contexts) == {landing} | described
    assert {(rel, t["href"], t.get("type")) for rel, targets in contexts[landing].items()
            if rel != "anchor" for t in targets} == expected
    for href in described:
        assert contexts[href] == {"anchor": href,
                                  "describes": [{"href": landing, "type": "text/html"}]}
    text = link_headers.parse(text_answer.text)
    assert {(link.param("anchor"), link.rel, link.href) for link in text} == \
        {(c["anchor"], rel, t["href"]) for c in contexts.values()
         for rel, targets in c.items() if rel != "anchor" for t in targets}


def test_a_linkset_is_cached_and_revalidated_like_its_description(server):
    url = f"{server}doc/record/P-001.linkset.json"
    first = requests.get(url, timeout=30)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert (first.status_code, again.status_code) == (200, 304)
    assert requests.head(url, timeout=30).headers["Content-Type"] == "application/linkset+json"


def test_a_linkset_of_nothing_is_not_found(server):
    answer = requests.get(f"{server}doc/record/no-such-record.linkset.json", timeout=30)
    assert answer.status_code == 404
