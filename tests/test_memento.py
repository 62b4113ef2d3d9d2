"""Memento (RFC 7089) against the real server, through ingests that add, change,
withdraw and revive records: TimeGates, versions, TimeMaps, the links of descriptions."""

import hashlib
import re
from datetime import datetime, timedelta

import pyoxigraph as ox
import pytest
import requests
from werkzeug.http import http_date, parse_date

from .server import running_server
from .test_history import RECORDS, write_source

SLASHED = dict(RECORDS["B"], id="B/2", title="Bravo Handbook, Second Part")
CHANGED = dict(RECORDS["A"], title="Alpha Guidance on Borders, Revised")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("memento")
    first = write_source(tmp / "one" / "records.jsonl", RECORDS["A"], RECORDS["C"], SLASHED)
    second = write_source(tmp / "two" / "records.jsonl", CHANGED, SLASHED)
    third = write_source(tmp / "three" / "records.jsonl", CHANGED, RECORDS["C"], SLASHED)
    with running_server(tmp, first, second, third,
                        settings={"CTLIB_WITHDRAWAL_LIMIT": "100"}) as base:
        yield base


def timemap(url: str) -> list[tuple[str, dict]]:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/link-format")
    return [(m.group(1), dict(re.findall(r'(\w+)="([^"]*)"', m.group(2))))
            for m in re.finditer(r"<([^>]+)>((?:;\s*\w+=\"[^\"]*\")*)", answer.text)]


def mementos(base: str, identifier: str) -> list[tuple[str, datetime]]:
    return [(uri, parse_date(attrs["datetime"]))
            for uri, attrs in timemap(f"{base}doc/record/{identifier}/timemap")
            if "memento" in attrs["rel"].split()]


def gate(url: str, when: datetime) -> requests.Response:
    return requests.get(url, headers={"Accept-Datetime": http_date(when)},
                        allow_redirects=False, timeout=10)


def test_timemap_lists_every_version_of_a_record_changed_once(server):
    found = mementos(server, "A")
    assert len(found) == 2 and found[0][1] < found[1][1]
    rels = {attrs["rel"] for _, attrs in timemap(f"{server}doc/record/A/timemap")}
    assert {"original timegate", "self", "memento first", "memento last"} <= rels


@pytest.mark.parametrize("path", ["id/record/A", "doc/record/A"])
def test_time_gate_before_between_and_after_versions(server, path):
    (first, first_at), (second, second_at) = mementos(server, "A")
    for when, expected in ((first_at - timedelta(days=400), first),
                           (first_at, first), (second_at - timedelta(seconds=1), first),
                           (second_at, second), (second_at + timedelta(days=1), second)):
        answer = gate(server + path, when)
        assert answer.status_code == 302, answer.text
        assert answer.headers["Location"] == expected
        assert "accept-datetime" in answer.headers["Vary"].lower()


def test_a_version_is_negotiated_and_its_ntriples_are_what_was_hashed(server):
    (first, first_at), (second, _) = mementos(server, "A")
    old = requests.get(first + ".nt", timeout=10)
    assert old.status_code == 200 and parse_date(old.headers["Memento-Datetime"]) == first_at
    assert b"Revised" not in old.content and b"Revised" in requests.get(second + ".nt").content
    current = requests.get(server + "doc/record/A.nt", timeout=10).content
    assert requests.get(second + ".nt", timeout=10).content == current
    assert current == b"".join(sorted(current.splitlines(keepends=True)))
    turtle = requests.get(first, headers={"Accept": "text/turtle"}, timeout=10)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert set(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)) == \
        set(ox.parse(old.content, format=ox.RdfFormat.N_TRIPLES))
    page = requests.get(first, headers={"Accept": "text/html"}, timeout=10)
    assert "earlier version" in page.text and 'href="/doc/record/A"' in page.text
    assert hashlib.sha256(old.content).hexdigest() != hashlib.sha256(current).hexdigest()


def test_current_descriptions_link_their_timegate_and_timemap(server):
    answer = requests.get(server + "doc/record/A", headers={"Accept": "text/turtle"}, timeout=10)
    assert f'<{server}id/record/A>; rel="original timegate"' in answer.headers["Link"]
    assert f'<{server}doc/record/A/timemap>; rel="timemap"' in answer.headers["Link"]
    assert "Accept-Datetime" in answer.headers["Vary"]
    thing = requests.get(server + "id/record/A", allow_redirects=False, timeout=10)
    assert thing.status_code == 303 and "timemap" in thing.headers["Link"]


def test_withdrawn_and_revived_record_keeps_its_timemap(server):
    versions = mementos(server, "C")
    assert len(versions) == 3
    gone = requests.get(versions[1][0], timeout=10)
    assert gone.status_code == 410 and "Memento-Datetime" in gone.headers
    assert gate(server + "id/record/C", versions[1][1]).headers["Location"] == versions[1][0]
    assert requests.get(versions[2][0] + ".nt", timeout=10).content == \
        requests.get(server + "doc/record/C.nt", timeout=10).content


def test_record_with_a_slash_in_its_identifier_has_one_version(server):
    (only, _), = mementos(server, "B%2F2")
    assert requests.get(only, timeout=10).status_code == 200


def test_bad_accept_datetime_and_unknown_versions_say_what_is_wrong(server):
    bad = requests.get(server + "id/record/A", headers={"Accept-Datetime": "yesterday"},
                       allow_redirects=False, timeout=10)
    assert bad.status_code == 400 and "RFC 1123" in bad.text
    missing = requests.get(server + "doc/record/A/versions/20200101T000000000000Z", timeout=10)
    assert missing.status_code == 404 and "timemap" in missing.text
    assert requests.get(server + "doc/record/nothing/timemap", timeout=10).status_code == 404


def test_dataset_timemap_names_each_publication_by_its_patch(server):
    links = timemap(f"{server}dump/timemap")
    assert links[0] == (f"{server}.well-known/void", {"rel": "original"})
    found = [(uri, attrs) for uri, attrs in links if "memento" in attrs["rel"]]
    assert len(found) == 2  # three publications: the first has no patch, only its dump
    assert all(requests.get(uri, timeout=10).status_code == 200 for uri, _ in found)
    assert all(re.fullmatch(rf"{re.escape(server)}dump/changes/\d{{8}}T\d{{12}}Z\.rdfp\.gz", uri)
               for uri, _ in found)
    assert [parse_date(a["datetime"]) for _, a in found] == \
        sorted(parse_date(a["datetime"]) for _, a in found)
