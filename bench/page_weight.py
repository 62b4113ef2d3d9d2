#!/usr/bin/env python3
"""The weight of each kind of page, as a first visit in Chromium transfers it.

    bench/page_weight.py BASE_URL [--no-compression]

BASE_URL is a running `ctlib serve` (for the budget, over the generated catalogue:
`bench/generate.py 100000 -o cat.txt; ctlib ingest cat.txt; ctlib serve`). Each page
kind is opened in a fresh browser context (an empty cache), and every response it
loads is summed as it came over the wire (headers and body, compressed as sent).
Budgets (issue 17): the HTML at most 60 KB uncompressed; HTML, CSS and JS together
at most 30 KB transferred, except the SPARQL editor. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import quote

from playwright.sync_api import sync_playwright
from verdicts import check, exit_status  # bench/ is the script directory

CHROMIUM = "/usr/bin/chromium"
HTML_BUDGET = 60_000
TRANSFER_BUDGET = 30_000
EXEMPT = {"SPARQL editor"}
FIXED = [("home", "/"), ("search", "/search?q=trafficking"),
         ("search, nothing found", "/search?q=zzqxjv"), ("browse", "/browse/"),
         ("browse authors", "/browse/authors"), ("scheme: countries", "/def/countries"),
         ("scheme: regions", "/def/regions"), ("concept: region", "/def/regions/eastern-africa"),
         ("concept: country", "/def/countries/ke"),
         ("SPARQL editor", "/sparql"),
         ("SPARQL results", "/sparql?query=" + quote("SELECT ?r ?t { ?r dcterms:title ?t } "
                                                     "LIMIT 100")),
         ("404", "/doc/record/no-such-record"), ("catalogue", "/catalog"),
         ("VoID", "/.well-known/void"), ("dumps", "/dump/")]


def page_kinds(page, base: str) -> list[tuple[str, str]]:
    """FIXED, and a record with an author and that author, found by following links
    from a search."""
    page.goto(base + "/search?q=trafficking")
    records = [link.get_attribute("href").split("?")[0]
               for link in page.locator("a[href^='/doc/record/']").all()]
    for record in records:
        page.goto(base + record)
        agents = page.locator("a[href^='/id/agent/']")
        if agents.count():
            # the document, not the thing: its 303 names CTLIB_BASE_URI's host
            agent = agents.first.get_attribute("href").replace("/id/", "/doc/", 1)
            return FIXED + [("record", record), ("agent", agent)]
    raise SystemExit("no record of the first search page names an author")


def weigh(browser, base: str, path: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    document = page.goto(base + path, wait_until="load")
    html_bytes = len(document.body())
    transferred = 0
    for request in responses:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    encoding = document.headers.get("content-encoding", "identity")
    context.close()
    return {"status": document.status, "html": html_bytes, "transferred": transferred,
            "requests": len(responses), "encoding": encoding}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        finder = browser.new_page()
        kinds = page_kinds(finder, base)
        finder.close()
        print("| page | status | HTML (uncompressed) | transferred (HTML+CSS+JS) | requests | "
              "coding | budget |")
        print("|---|---|---|---|---|---|---|")
        for name, path in kinds:
            found = weigh(browser, base, path)
            print(f"| {name} | {found['status']} | {found['html']:,} B | "
                  f"{found['transferred']:,} B | {found['requests']} | {found['encoding']} | "
                  f"{budget(name, found)} |")
            check(found["status"] == 200, f"{name} ({path}) answered {found['status']}")
        browser.close()
    return exit_status()


def budget(name: str, found: dict) -> str:
    if found["status"] != 200:
        return "no verdict (not 200)"
    over = []
    if found["html"] > HTML_BUDGET:
        over.append(f"HTML +{found['html'] - HTML_BUDGET:,} B")
    if name not in EXEMPT and found["transferred"] > TRANSFER_BUDGET:
        over.append(f"transfer +{found['transferred'] - TRANSFER_BUDGET:,} B")
    return "over: " + ", ".join(over) if over else ("met" if name not in EXEMPT else
                                                      "met (HTML); transfer exempt")


if __name__ == "__main__":
    sys.exit(main())
