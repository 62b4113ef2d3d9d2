"""The real listing's section heading is the category of its records, end to end."""

import html

import pytest
import requests

from .conftest import ROOT
from .server import get, running_server

CATEGORY = "referral-mechanisms"
NOTE = "Category from the listing: listed under the section Referral Mechanisms"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("categories"), [ROOT / "data"]) as url:
        yield url


def in_category(base: str) -> dict:
    return requests.get(f"{base}search", params={"category": CATEGORY},
                        headers={"Accept": "application/json"}, timeout=30).json()


def test_searching_the_category_finds_the_ten_records_of_the_listing(base):
    everything = requests.get(f"{base}search", headers={"Accept": "application/json"},
                              timeout=30).json()
    found = in_category(base)
    assert everything["total"] == 10 and found["total"] == 10
    assert {hit["id"] for hit in found["hits"]} == {hit["id"] for hit in everything["hits"]}
    facet = {value["key"]: value["count"] for value in everything["facets"]["category"]}
    assert facet[CATEGORY] == 10


def test_the_concept_page_lists_the_ten_records(base):
    page = get(f"{base}def/categories/{CATEGORY}", "text/html")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Records (10 records)" in text  # every one filed under it, none under a narrower one
    assert all(hit["title"] in text for hit in in_category(base)["hits"])


def test_the_record_page_says_where_its_category_came_from(base):
    page = get(f"{base}doc/record/{in_category(base)['hits'][0]['id']}", "text/html")
    text = html.unescape(page.text)
    assert f'<a href="/def/categories/{CATEGORY}">Referral Mechanisms</a>' in text
    assert NOTE in text
