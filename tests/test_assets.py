"""Static files under content-hashed names: pages link them so, they are cached for a
year, a change of content changes the name, and the plain name is still served."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests

from ctlib.web.core.assets import Fingerprints

from .conftest import DATA, ROOT
from .server import running_server

STATIC = ROOT / "src" / "ctlib" / "web" / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("assets"), [DATA / "partner.jsonl"]) as url:
        yield url


def linked_stylesheet(base: str) -> str:
    page = requests.get(base, headers={"Accept": "text/html"}, timeout=30).text
    return re.search(r'<link rel="stylesheet" href="(/static/site\.[^"]+)"', page)[1]


def test_pages_link_the_fingerprinted_name_which_is_cached_for_a_year(base):
    path = linked_stylesheet(base)
    digest = hashlib.sha256((STATIC / "site.css").read_bytes()).hexdigest()[:12]
    assert path == f"/static/site.{digest}.css"
    response = requests.get(base + path.lstrip("/"), timeout=30)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.content == (STATIC / "site.css").read_bytes()


def test_the_plain_name_and_a_stale_hash_are_served_briefly_cached(base):
    for name in ("site.css", "site.000000000000.css"):
        response = requests.get(f"{base}static/{name}", timeout=30)
        assert response.status_code == 200, name
        assert response.content == (STATIC / "site.css").read_bytes()
        assert "immutable" not in response.headers["Cache-Control"]
        assert "max-age=300" in response.headers["Cache-Control"]
    assert requests.get(f"{base}static/nothing.css", timeout=30).status_code == 404


def test_the_name_changes_with_the_content(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    before = Fingerprints(tmp_path).name("a.css")
    (tmp_path / "a.css").write_text("body { color: blue }")
    after = Fingerprints(tmp_path).name("a.css")
    assert re.fullmatch(r"a\.[0-9a-f]{12}\.css", before) and before != after
    assert Fingerprints(tmp_path).original(after) == ("a.css", True)
    assert Fingerprints(tmp_path).original(before) == ("a.css", False)


def test_a_file_in_a_sub_folder_is_fingerprinted_in_its_folder(tmp_path):
    """The vendored editor (static/vendor/) is cached for a year like the rest."""
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "editor.min.js").write_text("var editor;")
    name = Fingerprints(tmp_path).name("vendor/editor.min.js")
    assert re.fullmatch(r"vendor/editor\.min\.[0-9a-f]{12}\.js", name)
    assert Fingerprints(tmp_path).original(name) == ("vendor/editor.min.js", True)


def test_a_name_outside_the_folder_is_never_read(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("not to be hashed")
    fingerprints = Fingerprints(tmp_path / "static")
    assert fingerprints.name("../secret.txt") == "../secret.txt"
    assert fingerprints.original("../secret.0123456789ab.txt") == ("../secret.txt", False)
