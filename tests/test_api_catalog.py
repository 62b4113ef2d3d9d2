"""The API catalogue (/.well-known/api-catalog, RFC 9727), the OpenAPI description
(/openapi.json) and /health, spoken to over HTTP: every link of the catalogue is
followed, every path of the OpenAPI description is walked, and both are checked against
their specifications (RFC 9264 linksets; the OpenAPI 3.1 schema)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from openapi_spec_validator import validate
from requests.utils import parse_header_links

from ctlib.web.discovery.catalogue import SERVICES, linkset
from ctlib.web.discovery.openapi import description

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
BASE = "https://example.org/ctlib/"
CATALOG_PROFILE = "https://www.rfc-editor.org/info/rfc9727"
TARGET_MEMBERS = {"href", "type", "title", "hreflang", "title*"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("api"), [LISTING]) as url:
        yield url


def get(url: str, accept: str | None = None, **arguments) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, timeout=60, **arguments)


def essence(media_type: str | None) -> str:
    """A media type without its parameters (RFC 9110, section 8.3.1)."""
    return (media_type or "").split(";")[0].strip().lower()


def linkset_links(document: dict) -> list[tuple[str, str, dict]]:
    """(anchor, relation, target) of every link of an RFC 9264 JSON linkset, checking
    its shape as the RFC gives it (section 4.2) on the way."""
    assert list(document) == ["linkset"] and isinstance(document["linkset"], list)
    links = []
    for context in document["linkset"]:
        assert isinstance(context["anchor"], str)
        for relation, targets in context.items():
            if relation == "anchor":
                continue
            assert isinstance(targets, list) and targets, relation
            for target in targets:
                assert isinstance(target["href"], str) and set(target) <= TARGET_MEMBERS
                links.append((context["anchor"], relation, target))
    return links


# --- without a server ------------------------------------------------------------------

def test_the_openapi_description_is_valid_openapi_3_1():
    document = description(BASE)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": BASE.rstrip("/")}]


def test_the_catalogue_lists_every_service_with_a_description_and_its_status():
    links = linkset_links(linkset(lambda path: BASE + path))
    anchors = {BASE + service.anchor for service in SERVICES}
    items = {target["href"] for anchor, relation, target in links if relation == "item"}
    assert items == anchors
    for anchor in anchors:
        relations = {relation for at, relation, target in links if at == anchor}
        assert {"service-desc", "status"} <= relations, anchor
    assert all(target["href"].startswith(BASE) for _, _, target in links)


# --- the API catalogue over HTTP --------------------------------------------------------

def test_the_catalogue_is_a_linkset_with_the_rfc_9727_profile(base):
    response = get(base + ".well-known/api-catalog")
    assert response.status_code == 200
    assert essence(response.headers["Content-Type"]) == "application/linkset+json"
    assert f'profile="{CATALOG_PROFILE}"' in response.headers["Content-Type"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    linkset_links(response.json())


def test_a_head_of_the_catalogue_names_it_in_a_link_header(base):
    response = requests.head(base + ".well-known/api-catalog", timeout=30)
    assert response.status_code == 200 and response.content == b""
    assert {"url": base + ".well-known/api-catalog", "rel": "api-catalog"} in parse_header_links(
        response.headers["Link"])


def test_the_home_page_points_to_the_catalogue(base):
    links = parse_header_links(get(base, "text/html").headers["Link"])
    assert {"url": base + ".well-known/api-catalog", "rel": "api-catalog"} in links


def test_every_link_of_the_catalogue_answers_with_the_type_it_declares(base):
    links = linkset_links(get(base + ".well-known/api-catalog").json())
    assert len({anchor for anchor, _, _ in links}) == len(SERVICES) + 1
    for anchor, relation, target in links:
        response = get(target["href"], target.get("type"))
        where = f"{relation} of {anchor}: {target['href']} answered {response.status_code}"
        if relation == "item":  # where a service answers: some want a question (400)
            assert response.status_code in (200, 400), where
            continue
        assert response.status_code == 200, where
        assert essence(response.headers["Content-Type"]) == essence(target["type"]), where


# --- the OpenAPI description over HTTP --------------------------------------------------

def test_the_served_description_names_this_server_and_is_valid(base):
    response = get(base + "openapi.json")
    assert essence(response.headers["Content-Type"]) == "application/vnd.oai.openapi+json"
    document = response.json()
    validate(document)
    assert document["servers"] == [{"url": base.rstrip("/")}]


def test_every_path_of_the_description_answers_as_described(base):
    document = get(base + "openapi.json").json()
    known = _values_on(base)
    walked = 0
    for template, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        parameters = [_resolved(parameter, document)
                      for parameter in operation.get("parameters", [])]
        url, query = _filled(base, template, parameters, known)
        for accept in _declared_types(operation, document):
            response = get(url, accept, params=query, allow_redirects=False)
            where = f"GET {template} ({url} {query}) Accept: {accept}"
            declared = operation["responses"].get(str(response.status_code))
            assert declared is not None, f"{where}: undeclared {response.status_code}"
            declared = _resolved(declared, document)
            if declared.get("content") and response.content:
                assert essence(response.headers.get("Content-Type")) in {
                    essence(type) for type in declared["content"]}, where
            walked += 1
    assert walked > len(document["paths"])


def _values_on(base: str) -> dict[str, str]:
    """Path parameters that name something this server holds."""
    record = get(base + "search.json").json()["hits"][0]["id"]
    last_page = urlsplit(get(base + "activity/").json()["last"]["id"]).path.split("/")
    return {"identifier": record, "generation": last_page[-2], "number": last_page[-1]}


def _filled(base: str, template: str, parameters: list[dict], known: dict[str, str]):
    path, query = template, {}
    for parameter in parameters:
        value = known.get(parameter["name"], parameter.get("example"))
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(value))
        elif value is not None:
            query[parameter["name"]] = value
    return base + path.lstrip("/"), query


def _declared_types(operation: dict, document: dict) -> list[str | None]:
    """Every media type a success of ``operation`` may have, or None (any) if it has none."""
    types = [type for status, response in operation["responses"].items()
             if status.startswith(("2", "3"))
             for type in _resolved(response, document).get("content", {})]
    return types or [None]


def _resolved(part: dict, document: dict) -> dict:
    """``part``, or what its ``$ref`` names (``#/components/...``)."""
    reference = part.get("$ref")
    if reference is None:
        return part
    for step in reference.removeprefix("#/").split("/"):
        document = document[step]
    return document


# --- /health ---------------------------------------------------------------------------

def test_health_names_the_published_generation_and_its_age(base):
    response = get(base + "health")
    assert response.status_code == 200
    assert essence(response.headers["Content-Type"]) == "application/health+json"
    assert response.headers["Cache-Control"] == "no-store"
    health = response.json()
    assert health["status"] == "pass"
    activity = get(base + "activity/").json()["last"]["id"]
    assert f"/{health['generation']}/" in activity
    assert 0 <= health["age_seconds"] < 3600
    assert health["published"].endswith("Z")


def test_health_fails_with_503_before_anything_is_published(tmp_path):
    with running_server(tmp_path) as empty:
        response = get(empty + "health")
    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    health = response.json()
    assert health["status"] == "fail" and "published" in health["output"]
