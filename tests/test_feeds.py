"""ResourceSync and the change feed end to end: the real server, ingests run while it
serves (adds, a withdrawal, a change, a revival), and after each a mirror kept by each
mechanism compared with what the server serves. ResourceSync is read by the ``resync``
package's client (baseline, then incremental synchronisation)."""

import hashlib
import json

import pytest
import requests
from resync.client import Client

from .conftest import DATA, ROOT, cli_env, into_the_next_second
from .server import _ingest, serving

KEPT = [ROOT / "data" / "library-listing.txt", DATA / "unusual-ids.jsonl"]
WITHDRAWN = DATA / "withdrawn.jsonl"
ADDED = {"id": "added-later", "title": "A Record Added by the Second Ingest",
         "summary": "Changed by the third.", "country": ["Worldwide"], "region": ["Worldwide"],
         "year": "2019", "category": ["Referral Mechanisms"]}


def later(tmp_path, title: str):
    path = tmp_path / f"added-{len(title)}.jsonl"
    path.write_text(json.dumps(ADDED | {"title": title}) + "\n")
    return path


def live(base: str) -> dict[str, bytes]:
    """Every record description the server lists, by URL, with the body it serves (the
    resource list is an index of parts past CTLIB_SITEMAP_SIZE entries)."""
    return {url: requests.get(url, timeout=30).content
            for url in listed(base + "resourcesync/resourcelist.xml")}


def listed(url: str) -> list[str]:
    """The resources a list names, through its index if it is one."""
    document = requests.get(url, timeout=30).text
    found = locations(url, document)
    if "<sitemapindex" not in document:
        return found
    return [resource for part in found for resource in listed(part)]


def locations(url: str, document: str | None = None) -> list[str]:
    document = requests.get(url, timeout=30).text if document is None else document
    return [part.split("</loc>")[0] for part in document.split("<loc>")[1:]]


class FeedMirror:
    """A harvester of /activity/: record URI -> hash, and the last page it read."""

    def __init__(self, base: str):
        self.base, self.hashes, self.page, self.seen = base, {}, None, 0

    def catch_up(self):
        url = self.page or requests.get(self.base + "activity/", timeout=30).json()["first"]["id"]
        while url:
            page = requests.get(url, timeout=30).json()
            items = page["orderedItems"][self.seen if url == self.page else 0:]
            for activity in items:
                record = activity["object"]
                if activity["type"] == "Delete":
                    self.hashes.pop(record["id"])
                else:
                    self.hashes[record["id"]] = record["seeAlso"][0]["hash"]
            self.page, self.seen = url, len(page["orderedItems"])
            url = page.get("next", {}).get("id")


@pytest.fixture
def server(tmp_path):
    with serving(tmp_path, KEPT + [WITHDRAWN], settings={"CTLIB_SITEMAP_SIZE": "3",
                                                         "CTLIB_ACTIVITY_PAGE_SIZE": "2"}) as up:
        env = cli_env(tmp_path) | {"CTLIB_BASE_URI": up.base, "CTLIB_SITEMAP_SIZE": "3",
                                   "CTLIB_ACTIVITY_PAGE_SIZE": "2"}

        def ingest(*sources):
            into_the_next_second()
            _ingest(list(sources), env, tmp_path)

        yield up.base, ingest


def test_mirrors_follow_adds_withdrawals_changes_and_revivals(server, tmp_path, monkeypatch):
    base, ingest = server
    monkeypatch.chdir(tmp_path)  # where the resync client keeps its state
    mirror = tmp_path / "mirror"
    client = Client(hashes=["sha-256"])
    client.set_mappings([base, str(mirror)])
    client.sitemap_name = base + "resourcesync/resourcelist.xml"
    feed = FeedMirror(base)
    client.baseline_or_audit(allow_deletion=True)
    synced = set(locations(base + "resourcesync/changelist.xml"))
    for sources in ([*KEPT, later(tmp_path, ADDED["title"])],
                    [*KEPT, WITHDRAWN, later(tmp_path, "A Record Changed by the Third Ingest")]):
        feed.catch_up()
        assert_mirrored(base, mirror, feed)
        ingest(*sources)
        # resync's client reads one change list, not an index: the harvester walks the
        # change list index and hands it each list it has not read, oldest first.
        for change_list in locations(base + "resourcesync/changelist.xml"):
            if change_list not in synced:
                client.incremental(allow_deletion=True, change_list_uri=change_list)
                synced.add(change_list)
    feed.catch_up()
    assert_mirrored(base, mirror, feed)


def assert_mirrored(base: str, mirror, feed: FeedMirror):
    served = live(base)
    kept = {base + str(path.relative_to(mirror)): path.read_bytes()
            for path in mirror.rglob("*.nt")}
    assert kept == served
    assert feed.hashes == {
        url.replace("/doc/record/", "/id/record/").removesuffix(".nt"):
            "sha-256:" + hashlib.sha256(body).hexdigest() for url, body in served.items()}


def test_the_source_description_leads_to_every_capability(server):
    base, _ = server
    described = requests.get(base + ".well-known/resourcesync", timeout=30)
    assert described.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert base + "resourcesync/capabilitylist.xml" in described.text
    capabilities = requests.get(base + "resourcesync/capabilitylist.xml", timeout=30).text
    for capability in ("resourcelist", "changelist", "resourcedump"):
        assert f'capability="{capability}"' in capabilities
    dump = requests.get(base + "resourcesync/resourcedump.xml", timeout=30).text
    checksum = requests.get(base + "dump/catalogue.nt.gz.sha256", timeout=30).text.split()[0]
    assert f"sha-256:{checksum}" in dump


def test_an_unknown_part_is_not_found_and_says_so(server):
    base, _ = server
    answer = requests.get(base + "activity/19990101T000000000000Z/1", timeout=30)
    assert answer.status_code == 404 and "no published generation" in answer.text
