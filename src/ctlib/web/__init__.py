"""The web application. One package per audience, each owning its URL paths:

- ``core``: what every audience shares: errors as problem responses, content and
  language negotiation, conditional responses (ETag, Last-Modified, 304).
- ``descriptions``: ``/id/`` (303), ``/doc/`` and ``/def/`` (negotiated descriptions,
  citations), ``/context.jsonld``; the response cache and its fast path.
- ``harvest``: ``/dump/``, ``/.well-known/void``, ``/catalog``, the paged record
  collections (``/doc/record/``, ``/def/{scheme}/{concept}/records``),
  ``/sitemap.xml``, ``/robots.txt``, ``/oai``.
- ``people``: ``/`` (home), ``/browse``, ``/search``.
- ``sparql``: ``/sparql``, its service description and its query page.

``app`` makes the Flask app of all of them (``create_app``); ``serve`` runs it under
granian. Protocol logic lives in the domain packages (``oai``, ``search``, ``sparql``,
``published``); the modules here parse requests and write responses.
"""

from .app import create_app

__all__ = ["create_app"]
