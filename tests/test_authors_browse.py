"""/browse/authors: every author in filing order, paged, with a filter box and counts,
on the real server over the library listing and over a generated catalogue."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from lxml import html

from ctlib.web.people.filing import filed, in_filing_order, natural_key

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
GENERATED_RECORDS = 3000


def headings(names: list[str]) -> list[str]:
    return [a.heading for a in in_filing_order([filed(n, n, 1) for n in names])]


def test_personal_names_file_under_the_family_name_organisations_as_named():
    assert headings(["Walk Free Foundation", "Rakeb Messele", "International Organization for "
                     "Migration", "Ludwig van Beethoven", "UNODC", "Haley West"]) == [
        "Beethoven, Ludwig van", "International Organization for Migration", "Messele, Rakeb",
        "UNODC", "Walk Free Foundation", "West, Haley"]


@pytest.mark.parametrize("name", ["Mebratu Gebeyehu Consultants For AU/IGAD/IOM",
                                  "Department Of Migration Management", "IOM Ethiopia",
                                  "Author 10", "Group of Experts (GRETA)"])
def test_names_the_rule_takes_for_organisations_file_as_written(name):
    assert filed(name, name, 1).heading == name


def test_numbers_sort_naturally():
    assert headings(["Author 102", "Author 10", "Author 2", "Author 1014"]) == [
        "Author 2", "Author 10", "Author 102", "Author 1014"]
    assert natural_key("Émile 3") == ["emile ", 3, ""]


def test_initials_are_letters_of_the_folded_heading():
    assert [filed(n, n, 1).initial for n in ["Élodie Ödegaard", "3M", "Ewa Ivanova"]] == \
        ["O", "#", "I"]


def authors_page(base: str, **params) -> html.HtmlElement:
    answer = requests.get(base + "browse/authors", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    return html.fromstring(answer.content)


def listed(page: html.HtmlElement) -> list[tuple[str, int]]:
    return [(item.xpath("string(a[1])"), int(item.xpath("string(a[@class='count'])")
                                             .split()[0].replace(",", "")))
            for item in page.xpath("//ul[@class='authors']/li")]


def test_the_listing_files_people_by_family_name_with_counts(tmp_path):
    with running_server(tmp_path, [LISTING, DATA / "partner.jsonl"]) as base:
        page = authors_page(base)
        found = requests.get(base + "search", params={"author": "rakeb-messele"},
                             headers={"Accept": "application/json"}, timeout=30).json()
        filtered = authors_page(base, q="mess")
        missing = requests.get(base + "browse/authors", params={"page": "2"}, timeout=30)
    names = [name for name, _ in listed(page)]
    assert names.index("Messele, Rakeb") < names.index("Nowak, Marta") < \
        names.index("Walk Free Foundation") < names.index("West, Haley")
    assert dict(listed(page))["Messele, Rakeb"] == found["total"] == 1
    messele = page.xpath("//li[a='Messele, Rakeb']/a")
    assert [a.get("href") for a in messele] == ["/doc/agent/rakeb-messele",
                                                "/search?author=rakeb-messele"]
    assert page.xpath("//h2[@id='letter-M']/following-sibling::ul[1]/li/a[1]/text()") == [
        "Mebratu Gebeyehu Consultants For AU/IGAD/IOM", "Messele, Rakeb"]
    assert [name for name, _ in listed(filtered)] == ["Messele, Rakeb"]
    assert filtered.xpath("//input[@name='q']/@value") == ["mess"]
    assert missing.status_code == 404 and "1 page" in missing.text


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("generated")
    catalogue = tmp / "catalogue.txt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"),
                    str(GENERATED_RECORDS), "-o", str(catalogue)], check=True, timeout=120)
    with running_server(tmp, [catalogue]) as base:
        yield base


def test_a_large_list_is_paged_in_filing_order_with_a_link_per_initial(generated):
    first = authors_page(generated)
    pages = int(first.xpath("string(//p[@class='count'])").split(" of ")[1])
    everyone = [entry for number in range(1, pages + 1)
                for entry in listed(authors_page(generated, page=str(number)))]
    assert pages > 1 and len(listed(first)) == 100 and len(everyone) == \
        int(first.xpath("string(//p[@class='count'])").split()[0].replace(",", ""))
    assert [name for name, _ in everyone] == sorted(
        (name for name, _ in everyone), key=lambda heading: natural_key(heading))
    assert any(name.startswith("Messele, ") for name, _ in everyone)
    people = [name for name, _ in everyone if ", " in name]
    assert len(people) >= len(everyone) - 25  # the generator's 20 organisations, and no more
    letters = dict(zip(first.xpath("//nav[@class='letters']/a/text()"),
                       first.xpath("//nav[@class='letters']/a/@href"), strict=True))
    path, letter = letters["M"].split("#")
    target = html.fromstring(requests.get(generated + path.lstrip("/"), timeout=30).content)
    assert letter == "letter-M" and target.xpath(f"//h2[@id='{letter}']")
    assert target.xpath(f"string(//h2[@id='{letter}']/following-sibling::ul[1]/li[1]/a)")[0] \
        == "M"
    assert "?page=" in path and target.xpath("//a[@rel='prev']")


def test_the_filter_box_keeps_matching_names_and_their_counts(generated):
    first = authors_page(generated).xpath("//ul[@class='authors']/li[1]/a")
    family = first[0].text.split(",")[0]
    kept = authors_page(generated, q=f"  {family.upper()} ")
    names = listed(kept)
    assert names and all(family in name for name, _ in names)
    key = first[1].get("href").split("author=")[1]
    found = requests.get(generated + "search", params={"author": key},
                         headers={"Accept": "application/json"}, timeout=30).json()
    assert dict(names)[first[0].text] == found["total"] > 0


def test_the_largest_page_stays_small(generated):
    sizes = [len(requests.get(generated + "browse/authors", params={"page": str(n)},
                              timeout=30).content) for n in (1, 2)]
    assert max(sizes) < 30_000


def test_the_authors_page_is_in_the_language_chosen(generated):
    page = html.fromstring(requests.get(generated + "browse/authors?lang=es", timeout=30).content)
    assert page.get("lang") == "es" and page.xpath("string(//h1)") == "Autores"
    assert page.xpath("string(//label[@for='author-q'])") == "Nombres que contienen"
    assert page.xpath("string(//p[@class='count'])").split()[1] == "autores,"
    assert "página 1 de" in page.xpath("string(//p[@class='count'])")
    assert page.xpath("string(//nav[@class='pager']/a[@rel='next'])") == "Siguiente"
    counts = page.xpath("//ul[@class='authors']/li/a[@class='count']/text()")
    assert counts and all(count.split()[1] in ("registro", "registros") for count in counts)
    assert page.xpath("//nav[@class='browse-nav']/a/text()")[1:] == [
        "Regiones", "Países", "Categorías", "Años", "Autores"]
