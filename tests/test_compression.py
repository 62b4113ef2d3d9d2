"""Compressed responses over HTTP from the real server: each coding decodes to the
identity body, has its own ETag (and 304s with it), says Vary: Accept-Encoding, and
HEAD agrees with GET; files already compressed and tiny bodies pass as they are."""

from __future__ import annotations

import gzip
import hashlib

import brotli
import pytest
import requests

from ctlib.web.core.compression import MEMORY_BYTES, chosen_coding

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
HTML = "text/html"
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}
PAGES = [("", HTML), (f"doc/record/{RECORD}", HTML), (f"doc/record/{RECORD}", "application/ld+json"),
         (f"doc/record/{RECORD}.ttl", None), ("dump/", HTML), ("catalog", HTML),
         ("search?q=trafficking", HTML), ("sparql", HTML)]
EVERY_TRIPLE = "SELECT * { ?s ?p ?o }"
RESULTS_JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("compression"), [LISTING]) as url:
        yield url


def fetch(url: str, encoding: str, method: str = "GET", **headers) -> tuple[requests.Response, bytes]:
    """The response and its body exactly as sent (not decoded)."""
    response = requests.request(method, url, stream=True, timeout=60,
                                headers={"Accept-Encoding": encoding} | headers)
    return response, response.raw.read(decode_content=False)


def varies_on_encoding(response: requests.Response) -> bool:
    return "accept-encoding" in response.headers.get("Vary", "").lower()


@pytest.mark.parametrize("path, accept", PAGES)
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compressed_body_decodes_to_the_identity_body(base, path, accept, coding):
    headers = {"Accept": accept} if accept else {}
    plain, identity = fetch(base + path, "identity", **headers)
    packed, body = fetch(base + path, coding, **headers)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and varies_on_encoding(plain)
    assert packed.headers["Content-Encoding"] == coding and varies_on_encoding(packed)
    assert DECODE[coding](body) == identity
    assert int(packed.headers["Content-Length"]) == len(body) < len(identity)
    if "ETag" in plain.headers:
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + f'-{coding}"'


def test_the_compressed_etag_gets_a_304_and_only_for_its_own_coding(base):
    url = f"{base}doc/record/{RECORD}.jsonld"
    packed, _ = fetch(url, "br")
    plain, _ = fetch(url, "identity")
    tag = packed.headers["ETag"]
    again, body = fetch(url, "gzip, br", **{"If-None-Match": tag})
    assert again.status_code == 304 and body == b""
    assert again.headers["ETag"] == tag and varies_on_encoding(again)
    assert fetch(url, "identity", **{"If-None-Match": tag})[0].status_code == 200
    assert fetch(url, "br", **{"If-None-Match": plain.headers["ETag"]})[0].status_code == 200
    assert fetch(url, "identity", **{"If-None-Match": plain.headers["ETag"]})[0].status_code == 304


@pytest.mark.parametrize("path", ["", f"doc/record/{RECORD}.ttl"])
def test_head_says_what_get_sends(base, path):
    got, body = fetch(base + path, "br")
    head, nothing = fetch(base + path, "br", "HEAD")
    assert head.status_code == 200 and nothing == b""
    for name in ("Content-Encoding", "Content-Length", "ETag", "Content-Type", "Vary"):
        assert head.headers[name] == got.headers[name], name
    assert int(head.headers["Content-Length"]) == len(body)


def test_a_large_sparql_result_is_compressed_whole(base):
    params = {"query": EVERY_TRIPLE}
    plain = requests.get(base + "sparql", params=params, timeout=60,
                         headers={"Accept": RESULTS_JSON, "Accept-Encoding": "identity"})
    assert len(plain.content) > MEMORY_BYTES, "the result must be larger than memory's share"
    packed = requests.get(base + "sparql", params=params, stream=True, timeout=60,
                          headers={"Accept": RESULTS_JSON, "Accept-Encoding": "gzip"})
    body = packed.raw.read(decode_content=False)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == plain.content
    posted = requests.post(base + "sparql", data=params, stream=True, timeout=60,
                           headers={"Accept": RESULTS_JSON, "Accept-Encoding": "br"})
    assert posted.headers["Content-Encoding"] == "br"
    assert brotli.decompress(posted.raw.read(decode_content=False)) == plain.content


def test_the_gzip_dumps_are_sent_as_the_files_they_are(base):
    response, body = fetch(f"{base}dump/catalogue.nt.gz", "gzip, br")
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    listing = requests.get(f"{base}dump/", timeout=30).text
    assert f"{hashlib.sha256(body).hexdigest()}  catalogue.nt.gz" in listing


def test_a_tiny_body_is_not_compressed(base):
    response, body = fetch(f"{base}robots.txt", "gzip, br")
    assert response.status_code == 200 and len(body) < 860
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize("header, coding", [
    ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip"), ("gzip;q=0.5, br;q=0.4", "gzip"),
    ("*", "br"), ("br;q=0, *;q=0.1", "gzip"), ("gzip;q=0, br;q=0", None), ("identity", None),
    ("", None), (None, None), ("compress", None)])
def test_the_coding_is_the_clients_preference(header, coding):
    assert chosen_coding(header) == coding


def test_q0_is_respected_over_http(base):
    response, body = fetch(base, "br;q=0, gzip;q=0")
    assert "Content-Encoding" not in response.headers and body.startswith(b"<!doctype")
    response, _ = fetch(base, "br;q=0, gzip")
    assert response.headers["Content-Encoding"] == "gzip"


def test_nothing_is_compressed_when_a_proxy_does_it(tmp_path):
    with running_server(tmp_path, [DATA / "partner.jsonl"],
                        settings={"CTLIB_COMPRESSION": "off"}) as url:
        for path in ("", "catalog", "sparql"):
            response, body = fetch(url + path, "gzip, br", Accept=HTML)
            assert response.status_code == 200 and len(body) > 2000
            assert "Content-Encoding" not in response.headers
            assert "accept-encoding" not in response.headers.get("Vary", "").lower()
