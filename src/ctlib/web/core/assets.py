"""Static files under names that carry a hash of their content (``site.3f2a9c01b7d4.css``),
so a browser may keep them for a year without asking again: a changed file gets a new
name. Templates go on calling ``url_for('static', filename='site.css')``; the name
without the hash is still served, with a short cache, for pages and links made before.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from flask import Flask, send_from_directory
from werkzeug.security import safe_join

from . import digests

FINGERPRINTED = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
"""For a name without its hash, which may change content at the next deployment."""


class Fingerprints:
    """The hashed name and the Repr-Digest of each file of ``folder``, read once per
    process (files do not change under a running server; a deployment restarts it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._known: dict[str, tuple[str, str | None]] = {}
        self._lock = threading.Lock()

    def name(self, filename: str) -> str:
        return self._read(filename)[0]

    def digest(self, filename: str) -> str | None:
        """The Repr-Digest of the file, None when there is no such file."""
        return self._read(filename)[1]

    def original(self, requested: str) -> tuple[str, bool]:
        """The file a requested name serves, and whether that name is the current
        fingerprinted one (a hash of other content gets the file as it is now, briefly
        cached)."""
        match = FINGERPRINTED.fullmatch(requested)
        if match is None:
            return requested, False
        original = match["stem"] + match["suffix"]
        return original, self.name(original) == requested

    def _read(self, filename: str) -> tuple[str, str | None]:
        with self._lock:
            if filename not in self._known:
                self._known[filename] = self._hashed(filename)
            return self._known[filename]

    def _hashed(self, filename: str) -> tuple[str, str | None]:
        # The name may come from a request: nothing outside the folder is read.
        joined = safe_join(str(self.folder), filename)
        if joined is None or not Path(joined).is_file():
            return filename, None  # a missing file stays a 404
        path = Path(joined)
        sha256 = hashlib.sha256(path.read_bytes())
        name = f"{filename[:-len(path.name)]}{path.stem}.{sha256.hexdigest()[:12]}{path.suffix}"
        return name, digests.field(sha256.digest())


def init_app(app: Flask) -> None:
    fingerprints = Fingerprints(Path(app.static_folder))

    @app.url_defaults
    def fingerprinted(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprints.name(values["filename"])

    def static(filename: str):
        original, current = fingerprints.original(filename)
        response = send_from_directory(app.static_folder, original)
        response.headers["Cache-Control"] = IMMUTABLE if current else SHORT
        response.headers[digests.REPR_DIGEST] = fingerprints.digest(original)
        return response

    app.view_functions["static"] = static
