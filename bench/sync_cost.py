#!/usr/bin/env python3
"""What staying in sync costs a partner after a 1 % change, by each way ctlib offers
(docs/harvesting.md, "Staying in sync"; issue 19, item 7).

    PYTHONPATH=src .venv/bin/python bench/sync_cost.py [N]     (N records, 100,000 by default)

Generates N records (bench/generate.py), ingests them with the real CLI and serves them
(bench/served.py). Harvesters then note where they stand, as ones in sync would have:
the OAI-PMH responseDate, the change lists already read, the last page of the change
feed and how many of its items were taken, the patches already applied. 1 % of the
records then change (most edited, a few added, a few withdrawn) and are re-ingested
while the server runs, and each harvester catches up over HTTP:

- OAI-PMH: ListRecords from= its last harvest, following resumption tokens (``rdf`` and
  ``oai_dc``);
- ResourceSync: the change list index, each change list not read yet, then GET every
  created or updated description (``.nt``);
- change feed: its last page again, then ``next``, then GET every created or updated
  description (``.nt``);
- patches: the dataset's TimeMap (``/dump/timemap``), then the new patch.

Each runs twice, asking for ``Accept-Encoding: gzip, br`` as browsers and most
clients do, then ``identity``, on one keep-alive connection. Counted: requests, body
bytes as sent (compressed if the server compressed), response header bytes, wall time,
and the records (patch rows for patches) learnt. For comparison, a full re-harvest: the
N-Triples dump; OAI-PMH ListRecords (``rdf``) from the start; and ResourceSync's
resource list with every description (the list is fetched; the descriptions' identity
bytes are the lengths it states, their compressed bytes those lengths times the ratio,
and their header bytes the average, measured on the changed descriptions: N requests
are not made). The compressed pass runs first: it is the one that renders each changed
description; the identity pass gets them from the server's per-generation cache.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import brotli
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, when imported
from served import generated_folder  # noqa: E402

from tests.conftest import cli_env, into_the_next_second  # noqa: E402
from tests.server import _ingest  # noqa: E402

CHANGED_SHARE = 0.01
ENCODINGS = ("gzip, br", "identity")
OAI = "{http://www.openarchives.org/OAI/2.0/}"
RS = "{http://www.openarchives.org/rs/terms/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress, None: lambda body: body}


@dataclass
class Meter:
    """One harvester's HTTP, counted as it travels."""

    encoding: str
    sent: int = 0
    body: int = 0
    headers: int = 0
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, url: str) -> bytes:
        """The body, decoded (as the harvester reads it); counted as it was sent."""
        response = self.session.get(url, headers={"Accept-Encoding": self.encoding},
                                    stream=True, timeout=300, allow_redirects=False)
        raw = response.raw.read(decode_content=False)
        self.sent += 1
        self.body += len(raw)
        self.headers += len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n\r\n") + sum(
            len(name) + len(value) + 4 for name, value in response.raw.headers.items())
        response.raise_for_status()
        return DECODERS[response.headers.get("Content-Encoding")](raw)


@dataclass(frozen=True)
class InSync:
    """Where harvesters in sync before the re-ingest stand."""

    oai_since: str
    change_lists: frozenset[str]
    feed_page: str
    feed_seen: int
    patches: frozenset[str]


def locations(document: bytes) -> list[str]:
    return [loc.text for loc in ET.fromstring(document).iter(f"{SITEMAP}loc")]


def timemap_patches(document: bytes) -> list[str]:
    return re.findall(r"<([^>]*/dump/changes/[^>]*\.rdfp\.gz)>", document.decode())


def in_sync(base: str) -> InSync:
    meter = Meter("identity")
    identify = ET.fromstring(meter.get(base + "oai?verb=Identify"))
    last = json.loads(meter.get(base + "activity/"))["last"]["id"]
    return InSync(
        identify.find(f"{OAI}responseDate").text,
        frozenset(locations(meter.get(base + "resourcesync/changelist.xml"))),
        last, len(json.loads(meter.get(last))["orderedItems"]),
        frozenset(timemap_patches(meter.get(base + "dump/timemap"))))


def oai(prefix: str, since: str | None) -> Callable[[Meter, str, InSync], int]:
    def harvest(meter: Meter, base: str, state: InSync) -> int:
        url = base + f"oai?verb=ListRecords&metadataPrefix={prefix}"
        url += f"&from={since or state.oai_since}" if since != "" else ""
        records = 0
        while url:
            answer = ET.fromstring(meter.get(url))
            records += sum(1 for _ in answer.iter(f"{OAI}header"))
            token = answer.find(f".//{OAI}resumptionToken")
            url = (base + "oai?verb=ListRecords&resumptionToken=" + quote(token.text)
                   if token is not None and token.text else None)
        return records
    return harvest


def resourcesync(meter: Meter, base: str, state: InSync) -> int:
    changes = 0
    for change_list in locations(meter.get(base + "resourcesync/changelist.xml")):
        if change_list in state.change_lists:
            continue
        for entry in ET.fromstring(meter.get(change_list)).iter(f"{SITEMAP}url"):
            changes += 1
            if entry.find(f"{RS}md").get("change") != "deleted":
                meter.get(entry.find(f"{SITEMAP}loc").text)
    return changes


def change_feed(meter: Meter, base: str, state: InSync) -> int:
    url, skip, changes = state.feed_page, state.feed_seen, 0
    while url:
        page = json.loads(meter.get(url))
        for activity in page["orderedItems"][skip:]:
            changes += 1
            if activity["type"] != "Delete":
                meter.get(activity["object"]["seeAlso"][0]["id"])
        url, skip = page.get("next", {}).get("id"), 0
    return changes


def patches(meter: Meter, base: str, state: InSync) -> int:
    rows = 0
    for patch in timemap_patches(meter.get(base + "dump/timemap")):
        if patch not in state.patches:
            rows += sum(line[:2] in (b"A ", b"D ") for line in
                        gzip.decompress(meter.get(patch)).splitlines())
    return rows


def dump(meter: Meter, base: str, state: InSync) -> int:
    return len(gzip.decompress(meter.get(base + "dump/catalogue.nt.gz")).splitlines())


CATCHING_UP = {"OAI-PMH ListRecords from= (rdf)": oai("rdf", None),
               "OAI-PMH ListRecords from= (oai_dc)": oai("oai_dc", None),
               "ResourceSync change lists + .nt": resourcesync,
               "change feed + .nt": change_feed,
               "RDF patch": patches}
FULL = {"N-Triples dump": dump, "OAI-PMH ListRecords (rdf), all": oai("rdf", "")}


@dataclass(frozen=True)
class Cost:
    name: str
    requests: int
    body: dict[str, int]
    headers: int
    seconds: dict[str, float]
    items: int


def measure(name: str, harvest, base: str, state: InSync, encodings=ENCODINGS) -> Cost:
    meters, seconds, items = {}, {}, 0
    for encoding in encodings:
        meters[encoding] = Meter(encoding)
        start = time.perf_counter()
        items = harvest(meters[encoding], base, state)
        seconds[encoding] = time.perf_counter() - start
    first = meters[encodings[0]]
    return Cost(name, first.sent, {e: m.body for e, m in meters.items()}, first.headers,
                seconds, items)


def every_description(base: str, changed: Cost) -> Cost:
    """ResourceSync's full re-harvest: the resource list (and its index) fetched, the
    descriptions' bytes taken from it (see the module's docstring)."""
    meter, lengths = Meter(ENCODINGS[0]), []
    start = time.perf_counter()
    pending = [base + "resourcesync/resourcelist.xml"]
    while pending:
        document = ET.fromstring(meter.get(pending.pop(0)))
        if document.tag == f"{SITEMAP}sitemapindex":
            pending += [loc.text for loc in document.iter(f"{SITEMAP}loc")]
        lengths += [int(md.get("length")) for url in document.iter(f"{SITEMAP}url")
                    for md in url.iter(f"{RS}md")]
    seconds = time.perf_counter() - start
    ratio = changed.body[ENCODINGS[0]] / changed.body[ENCODINGS[1]]
    listed, headers = sum(lengths), changed.headers / changed.requests
    return Cost("ResourceSync resource list + every .nt (estimated)",
                meter.sent + len(lengths),
                {ENCODINGS[0]: meter.body + round(listed * ratio), ENCODINGS[1]: listed},
                meter.headers + round(len(lengths) * headers), {ENCODINGS[0]: seconds},
                len(lengths))


def edited(lines: list[str]) -> tuple[list[str], dict[str, int]]:
    """1 % of the records changed: most edited (same title and year, so same
    identifier), a twentieth each withdrawn and added (a new title)."""
    count = max(3, round(len(lines) * CHANGED_SHARE))
    few = max(1, count // 20)
    result = []
    for number, line in enumerate(lines[:-few]):
        record = json.loads(line)
        if number < count - 2 * few:
            record["summary"] += f" Revised in the sync benchmark ({number})."
        result.append(json.dumps(record))
    for line in lines[:few]:
        record = json.loads(line)
        result.append(json.dumps(record | {"title": record["title"] + " (second edition)"}))
    return result, {"edited": count - 2 * few, "added": few, "withdrawn": few}


def row(cost: Cost) -> str:
    body = [f"{cost.body[e] / 1e3:,.1f}" if e in cost.body else "" for e in ENCODINGS]
    seconds = [f"{cost.seconds[e]:.2f}" if e in cost.seconds else "" for e in ENCODINGS]
    return (f"| {cost.name} | {cost.requests:,} | {body[0]} | {body[1]} | "
            f"{cost.headers / 1e3:,.1f} | {seconds[0]} | {seconds[1]} | {cost.items:,} |")


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with generated_folder(size) as (base, folder):
        state = in_sync(base)
        source = folder / "catalogue.jsonl"
        lines, counts = edited(source.read_text(encoding="utf-8").splitlines())
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        into_the_next_second()
        start = time.perf_counter()
        _ingest([source], cli_env(folder) | {"CTLIB_BASE_URI": base}, folder)
        reingest = time.perf_counter() - start
        load = os.getloadavg()
        costs = [measure(name, harvest, base, state) for name, harvest in CATCHING_UP.items()]
        costs += [measure(name, harvest, base, state, ENCODINGS[:1])
                  for name, harvest in FULL.items()]
        costs.append(every_description(base, costs[2]))
    print(f"{size:,} records; re-ingest of {counts} took {reingest:.0f} s; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores\n")
    print("| way | requests | kB sent (gzip, br) | kB sent (identity) | kB headers | "
          "s (gzip, br) | s (identity) | items |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cost in costs:
        print(row(cost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
