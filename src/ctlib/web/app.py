"""The Flask app of every audience (``create_app``) and what all their views share
(``WebContext``: settings, URIs, the published generation, caches, the query pool)."""

from __future__ import annotations

import threading

from flask import Flask, current_app, request
from markupsafe import Markup

from ..config import Config, load_config
from ..describe import Found
from ..history.versions import History
from ..published.nearby import NearbyIdentifiers
from ..published.records import ConceptMembers
from ..published.snapshot import Published
from ..rdf.uris import Uris
from ..rdf.xml_safe import xml_safe
from ..sparql.pool import QueryPool
from ..store import NoCatalogue, StoreUnavailable
from .core import assets, counted, dates, digests, errors, languages, sizes
from .core.compression import Compressing
from .core.generational import PerGeneration
from .descriptions import memento
from .descriptions import routes as descriptions
from .descriptions.fast_path import CachedDescriptions
from .descriptions.rendering import RepresentationCache
from .discovery import catalogue as api_catalog
from .discovery import health, openapi
from .harvest import activity, collections, dataset, dumps, oai, resourcesync, sitemaps
from .people import browse, favicon, home, search
from .reconcile import routes as reconcile
from .sparql import completions as sparql_completions
from .sparql import endpoint as sparql
from .sparql import saved as saved_queries
from .sparql.fast_path import SparqlProtocol


class WebContext:
    """Settings, URIs, the published store and the representation cache of one app."""

    def __init__(self, config: Config):
        self.config = config
        self.uris = Uris(config.base_uri)
        self.published = Published(config)
        self.cache = RepresentationCache(config.cache_entries, config.cache_mb << 20)
        self.concept_members = ConceptMembers(self.uris)
        self.nearby = NearbyIdentifiers(self.uris, config.language)
        self.finders = PerGeneration(lambda snapshot: None if snapshot.remote
                                     else Found(snapshot.store))
        """How descriptions are read: by pattern from a local store (describe.Found: an
        uncached record page took 3-4 ms by SPARQL), by one query from a remote one."""
        self.search_indexes = PerGeneration(search.search_index)
        self.completers = PerGeneration(sparql_completions.completer)
        self.history = PerGeneration(lambda snapshot: History.open(config.data_dir))
        """The record history, for Memento (reopened per generation: it grows with each)."""
        self.dataset_uri = self.uris.dataset
        self._query_pool: QueryPool | None = None
        self._pool_lock = threading.Lock()

    @property
    def query_pool(self) -> QueryPool:
        """Started on first use, in the process that serves (not a forking parent)."""
        with self._pool_lock:
            if self._query_pool is None:
                self._query_pool = QueryPool(self.config.sparql_processes,
                                             self.config.sparql_memory_mb << 20,
                                             self.config.sparql_max_query_bytes)
                self._query_pool.start()
            return self._query_pool

    def absolute(self, path: str) -> str:
        """A URL of this service, from the configured base (never the Host header)."""
        return self.uris.base + path.lstrip("/")


def create_app(config: Config | None = None) -> Flask:
    config = config or load_config()
    app = Flask(__name__)
    # First registered, so run last: the digest is of the body every other hook left.
    app.after_request(digests.add_repr_digest)
    app.extensions["ctlib"] = WebContext(config)
    app.jinja_env.globals["site_title"] = config.title
    app.jinja_env.finalize = _xml_safe
    app.jinja_env.filters["in_words"] = dates.in_words
    app.jinja_env.filters["size_in_words"] = sizes.in_words
    app.jinja_env.globals["count_in_words"] = counted.count_in_words
    languages.init_app(app)
    errors.init_app(app)
    for unavailable in (NoCatalogue, StoreUnavailable):
        app.register_error_handler(unavailable, lambda error: errors.render_problem(
            errors.ServiceUnavailable(str(error))))
    for room in (memento, descriptions, collections, sitemaps, home, sparql, sparql_completions,
                 saved_queries, search, browse, dumps, dataset, oai, resourcesync, activity,
                 favicon, reconcile, api_catalog, openapi, health):
        app.register_blueprint(room.blueprint)
    app.after_request(_redirect_to_the_base)
    assets.init_app(app)
    app.wsgi_app = CachedDescriptions(app.wsgi_app, app.extensions["ctlib"])
    app.wsgi_app = SparqlProtocol(app.wsgi_app, app.extensions["ctlib"])
    if config.compression:
        app.wsgi_app = Compressing(app.wsgi_app, app.extensions["ctlib"].cache)
    app.wsgi_app = digests.AnsweringWants(app.wsgi_app)
    return app


def _xml_safe(value):
    """Every value a template writes, made xml_safe (``rdf.xml_safe``): whatever the
    store or a request holds, no page carries a NUL or an ESC. Markup stays Markup."""
    if isinstance(value, Markup):
        return Markup(xml_safe(value))
    return xml_safe(value) if isinstance(value, str) else value


def _redirect_to_the_base(response):
    """Redirects werkzeug makes itself (a missing trailing slash) name the request's host;
    like every other URL ctlib gives, they name CTLIB_BASE_URI instead."""
    location = response.headers.get("Location", "")
    if location.startswith(request.host_url):
        response.headers["Location"] = current_app.extensions["ctlib"].absolute(
            location[len(request.host_url):])
    return response
