"""Cross-origin access for the services scripts on other sites call (SPARQL,
reconciliation): any origin may read the answers, and a preflight learns it may POST."""

from __future__ import annotations

from flask import Response, request

PREFLIGHT = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Content-Type, Accept",
             "Access-Control-Max-Age": "86400"}


def allow_any_origin(response: Response, exposed: str = "") -> Response:
    """``response`` readable from any origin, with the headers named in ``exposed``."""
    response.headers.update(cors_headers(request.method, exposed))
    return response


def cors_headers(method: str, exposed: str = "") -> dict[str, str]:
    """The headers that let any origin read a response to ``method``, and the headers
    named in ``exposed``."""
    headers = {"Access-Control-Allow-Origin": "*"}
    if exposed:
        headers["Access-Control-Expose-Headers"] = exposed
    if method == "OPTIONS":
        headers.update(PREFLIGHT)
    return headers
