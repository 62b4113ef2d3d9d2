"""The "not found" page of a mistyped record, scheme or concept suggests the closest
published identifiers, as links, escaped, for people only; and never a withdrawn one."""

import re
from html import unescape

import pytest
import requests

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
KEPT = [LISTING, DATA / "partner.jsonl", DATA / "hostile.jsonl", DATA / "unusual-ids.jsonl"]
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
TITLE = "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
SUGGESTION = re.compile(r'<li><a href="([^"]+)">([^<]*)</a>\s*<span class="iri">([^<]*)</span>')


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("not-found"),
                        KEPT + [DATA / "withdrawn.jsonl"], KEPT) as url:
        yield url


def html(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept": "text/html"}, timeout=30)


def suggested(page: str) -> list[tuple[str, str, str]]:
    """(link, words, identifier) of each suggestion, unescaped."""
    return [tuple(unescape(part) for part in found) for found in SUGGESTION.findall(page)]


@pytest.mark.parametrize("path", ["doc/record/desk-review-of-counter-trafficking-initiatives"
                                  "-in-igad-and-e0659b",
                                  "id/record/desk-reviev-of-counter-trafficking-initiatives"
                                  "-in-igad-and-e0659a",
                                  "doc/record/desk-review-of-counter-trafficking-initiatives"])
def test_a_mistyped_record_suggests_the_record_meant(base, path):
    page = html(base + path)
    assert page.status_code == 404 and page.url.startswith(base + "doc/record/")
    assert "Did you mean" in page.text
    assert suggested(page.text)[0] == (f"/doc/record/{RECORD}", TITLE, RECORD)
    assert 'name="q"' in page.text  # the search box stays


@pytest.mark.parametrize("path, meant, label", [
    ("def/regions/eastern-eurpe", "/def/regions/eastern-europe", "Eastern Europe"),
    ("def/categories/referal-mechanisms", "/def/categories/referral-mechanisms",
     "Referral Mechanisms"),
    ("def/region", "/def/regions", "Regions")])
def test_a_mistyped_concept_or_scheme_suggests_the_one_meant(base, path, meant, label):
    page = html(base + path)
    assert page.status_code == 404
    assert suggested(page.text)[0][:2] == (meant, label)


def test_suggestions_are_escaped_and_their_links_encoded(base):
    page = html(base + "doc/record/<b>hostile-markup")
    assert page.status_code == 404
    assert "<b>" not in page.text and "%3Cb%3Ehostile-markup is not in" in page.text
    assert "<script>" not in page.text and "&lt;script&gt;alert(&#39;title&#39;)" in page.text
    assert ("/doc/record/hostile-markup", "<script>alert('title')</script> & Other \"Quotes\"",
            "hostile-markup") in suggested(page.text)
    encoded = suggested(html(base + "doc/record/Zurich-100%25").text)
    assert ("/doc/record/Z%C3%BCrich-100%25",
            "A Record With Non-ASCII And Percent In Its Identifier", "Zürich-100%") in encoded


def test_a_withdrawn_record_is_not_suggested(base):
    assert html(base + "doc/record/soon-withdrawn").status_code == 410
    page = html(base + "doc/record/soon-withdrawm")
    assert page.status_code == 404
    assert all("soon-withdrawn" not in identifier for _, _, identifier in suggested(page.text))


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", None])
def test_machines_get_the_plain_error_without_suggestions(base, accept):
    headers = {"Accept": accept} if accept else {}
    response = requests.get(f"{base}doc/record/{RECORD[:-1]}b", headers=headers, timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert RECORD not in response.text.replace(RECORD[:-1] + "b", "")


def test_nothing_unrelated_is_suggested(base):
    page = html(base + "doc/record/zzzzqqqq")
    assert page.status_code == 404 and "Did you mean" not in page.text


@pytest.mark.parametrize("path", ["doc/record/desk-review-of-counter-trafficking-initiatives",
                                  "nowhere/at-all"])
def test_the_page_is_in_the_language_chosen(base, path):
    page = html(base + path + "?lang=fr")
    assert page.status_code == 404 and '<html lang="fr">' in page.text
    assert "<title>404 Introuvable" in page.text and "<h1>Introuvable</h1>" in page.text
    assert "Aller à la page d’accueil" in page.text and "Go to the home page" not in page.text
    assert ("Vouliez-vous dire" in page.text) == path.startswith("doc/")
    plain = requests.get(base + path + "?lang=fr", timeout=30)
    assert plain.text.startswith("404 Not found")  # what a program reads stays English
