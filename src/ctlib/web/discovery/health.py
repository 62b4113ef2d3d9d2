"""/health: liveness for operators and their monitors, in the shape of the health check
response format (draft-inadarei-api-health-check): ``pass`` with the published
generation, when it was published and how old it is; ``fail`` and 503 when nothing is
published or the store does not answer. Never cached: every probe asks again."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Blueprint, current_app

from ... import __version__
from ...store import NoCatalogue, StoreUnavailable
from ..harvest.collections import modified_time

blueprint = Blueprint("health", __name__)

PATH = "health"
HEALTH = "application/health+json"
PROBE = "ASK {}"
"""The cheapest question the store must answer to be called alive."""


@blueprint.get(f"/{PATH}")
def health():
    try:
        status, report = 200, _published()
    except (NoCatalogue, StoreUnavailable) as error:
        status, report = 503, {"status": "fail", "output": str(error)}
    body = json.dumps({"releaseId": __version__} | report, indent=1)
    return current_app.response_class(body, status=status, headers={
        "Content-Type": HEALTH, "Cache-Control": "no-store",
        "Access-Control-Allow-Origin": "*"})


def _published() -> dict:
    snapshot = current_app.extensions["ctlib"].published.snapshot()
    snapshot.store.query(PROBE)
    published = modified_time(snapshot.published)
    age = (datetime.now(timezone.utc) - published).total_seconds() if published else None
    return {"status": "pass", "generation": snapshot.generation,
            "published": snapshot.published, "age_seconds": None if age is None else int(age)}
