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

FINGERPRINTED = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
"""For a name without its hash, which may change content at the next deployment."""


class Fingerprints:
    """The hashed name of each file of ``folder``, read once per process (files do not
    change under a running server; a deployment restarts it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def name(self, filename: str) -> str:
        with self._lock:
            if filename not in self._names:
                self._names[filename] = self._hashed(filename)
            return self._names[filename]

    def original(self, requested: str) -> tuple[str, bool]:
        """The file a requested name serves, and whether that name is the current
        fingerprinted one (a hash of other content gets the file as it is now, briefly
        cached)."""
        match = FINGERPRINTED.fullmatch(requested)
        if match is None:
            return requested, False
        original = match["stem"] + match["suffix"]
        return original, self.name(original) == requested

    def _hashed(self, filename: str) -> str:
        # The name may come from a request: nothing outside the folder is read.
        joined = safe_join(str(self.folder), filename)
        if joined is None or not Path(joined).is_file():
            return filename  # a missing file stays a 404
        path = Path(joined)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return f"{filename[:-len(path.name)]}{path.stem}.{digest}{path.suffix}"


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
        return response

    app.view_functions["static"] = static
