"""Settings, declared once as data: name, default and help text.

Every setting is read from an environment variable ``CTLIB_<NAME>``; tests and the
CLI pass overrides. The README's settings table is checked against this list.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return f"CTLIB_{self.name.upper()}"


def _base_uri(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def _positive_seconds(value: str) -> float:
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(f"must be a positive number of seconds, got {value!r}")
    return seconds


def _percentage(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 100:
        raise ValueError(f"must be a percentage from 0 to 100, got {value!r}")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"must be a positive integer, got {value!r}")
    return number


def _switch(value: str) -> bool:
    words = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}
    try:
        return words[value.strip().lower()]
    except KeyError:
        raise ValueError(f"must be on or off, got {value!r}") from None


SITEMAP_LIMIT = 50_000
"""URLs in one sitemap file, at most (the sitemaps.org protocol)."""


def _sitemap_size(value: str) -> int:
    number = _positive_int(value)
    if number > SITEMAP_LIMIT:
        raise ValueError(f"a sitemap holds at most {SITEMAP_LIMIT} URLs, got {value!r}")
    return number


def _url(value: str) -> str:
    if value and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ValueError(f"must be an http(s) URL like http://localhost:7878, got {value!r}")
    return value


def _auth_scheme(value: str) -> str:
    if value not in ("basic", "digest"):
        raise ValueError(f"must be basic or digest, got {value!r}")
    return value


def _email(value: str) -> str:
    # the pattern of OAI-PMH's emailType, which Identify must satisfy
    if not re.fullmatch(r"\S+@(\S+\.)+\S+", value):
        raise ValueError(f"must be an email address like admin@example.org, got {value!r}")
    return value


LANGUAGE_CODE = re.compile("[a-z]{2}", re.IGNORECASE)
"""An ISO 639-1 code: what CTLIB_LANGUAGE and a record's language field hold. Titles
are tagged with it and ``dcterms:language`` names it at the Library of Congress."""


def _language(value: str) -> str:
    if not LANGUAGE_CODE.fullmatch(value):
        raise ValueError(f"must be an ISO 639-1 code of two letters like en, got {value!r}")
    return value.lower()


def _languages(value: str) -> tuple[str, ...]:
    from lingua import IsoCode639_1  # only when the setting is given: lingua is large

    codes = tuple(dict.fromkeys(_language(code.strip()) for code in value.split(",")))
    if len(codes) < 2:
        raise ValueError(f"must name two languages or more, like en,fr,es, got {value!r}")
    for code in codes:
        try:
            IsoCode639_1.from_str(code)
        except ValueError:
            raise ValueError(f"{code} is not a language the detector knows") from None
    return codes


SETTINGS: tuple[Setting, ...] = (
    Setting("base_uri", "http://localhost:8080/",
            "Base of every minted URI; the public address of the service.", _base_uri),
    Setting("data_dir", "var", "Directory holding the store generations.", Path),
    Setting("vocab_dir", "vocab", "Directory of SKOS concept schemes (Turtle).", Path),
    Setting("shapes_dir", "shapes", "Directory of SHACL shapes (Turtle).", Path),
    Setting("source_dir", "data", "Default source directory read by ingest and validate.", Path),
    Setting("workers", os.cpu_count() or 1,
            "Processes used to map and validate records.", _positive_int),
    Setting("batch_size", 1000, "Records per validation batch.", _positive_int),
    Setting("keep_generations", 2,
            "Store generations kept on disk, the published one included.", _positive_int),
    Setting("withdrawal_limit", 10.0,
            "Most records one ingest may withdraw, as a percentage of those published: "
            "past it nothing is published unless --allow-withdrawals is given.", _percentage),
    Setting("language", "en", "ISO 639-1 code (two letters) of the language of titles and "
            "summaries when a source gives none and none is detected with confidence.",
            _language),
    Setting("languages", ("en", "fr", "es"),
            "ISO 639-1 codes, separated by commas, of the languages records are written "
            "in: the language of a record whose source gives none is detected among them.",
            _languages),
    Setting("licence", "https://creativecommons.org/licenses/by/4.0/",
            "Licence of the published descriptions (a URI), stated in every one."),
    Setting("title", "Counter-Trafficking Resource Library", "Name of the catalogue shown to people."),
    Setting("publisher", "Counter-Trafficking Resource Library",
            "Name of the organisation that publishes the catalogue, as the VoID and DCAT "
            "descriptions state it."),
    Setting("cache_entries", 20000, "Representations kept in memory per web worker.",
            _positive_int),
    Setting("cache_mb", 256,
            "Memory the representations kept by one web worker may hold, in MiB (bodies, "
            "compressed bodies and headers): the least recently used go first.",
            _positive_int),
    Setting("compression", True,
            "Compress responses (gzip, brotli) for clients that accept it: on, or off "
            "when a proxy in front of ctlib does it.", _switch),
    Setting("sparql_timeout", 30.0,
            "Seconds a SPARQL query may run before it is stopped (503); a request's "
            "timeout parameter can only lower it.", _positive_seconds),
    Setting("sparql_max_rows", 100000,
            "Most rows (or triples) in one SPARQL result; a longer result is cut and says so.",
            _positive_int),
    Setting("sparql_max_query_bytes", 65536, "Largest SPARQL query accepted (413 above).",
            _positive_int),
    Setting("sparql_memory_mb", 4096,
            "Address space of one SPARQL query process, in MiB: a query that needs more "
            "is stopped (500) instead of starving the machine.", _positive_int),
    Setting("sparql_processes", 4,
            "Processes evaluating SPARQL queries per web worker: how many run at once.",
            _positive_int),
    Setting("sitemap_size", SITEMAP_LIMIT,
            "Most URLs in one sitemap file (the protocol's limit is 50,000); past it "
            "/sitemap.xml becomes an index of several.", _sitemap_size),
    Setting("admin_email", "admin@example.org",
            "Address of the catalogue's administrator, given to OAI-PMH harvesters.",
            _email),
    Setting("oai_page_size", 100,
            "Records in one OAI-PMH ListRecords response; ListIdentifiers gives five times "
            "as many headers.", _positive_int),
    Setting("activity_page_size", 1000,
            "Changes on one page of the change feed, /activity/.", _positive_int),
    Setting("store", "",
            "URL of a SPARQL 1.1 server to publish to and read from (Query, Update and "
            "Graph Store protocols); empty: the embedded store in CTLIB_DATA_DIR.", _url),
    Setting("store_query_url", "", "The store's query endpoint; default CTLIB_STORE + /query.",
            _url),
    Setting("store_update_url", "",
            "The store's update endpoint; default CTLIB_STORE + /update.", _url),
    Setting("store_data_url", "",
            "The store's Graph Store Protocol endpoint; default CTLIB_STORE + /store.", _url),
    Setting("store_user", "", "User name for the store (HTTP authentication)."),
    Setting("store_password", "", "Password for the store (HTTP authentication)."),
    Setting("store_auth", "basic",
            "How the user name and password are sent: basic or digest (HTTP authentication "
            "schemes; Virtuoso's /sparql-auth asks for digest).", _auth_scheme),
    Setting("store_timeout", 300.0,
            "Seconds the store may take over one request of ctlib's own (publishing, "
            "pages); /sparql queries get CTLIB_SPARQL_TIMEOUT.", _positive_seconds),
    Setting("store_poll", 1.0,
            "Seconds a web worker goes on answering from the generation it knows before "
            "asking the remote store which one is published.", _positive_seconds),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


class Config(dict):
    """Settings by name, with attribute access (``config.base_uri``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def load_config(overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then ``CTLIB_*`` environment variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    config = Config()
    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        value = setting.default if raw is None else _parse(setting, raw)
        config[setting.name] = value
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise KeyError(f"unknown setting {name!r}")
        config[name] = _parse(_BY_NAME[name], value) if isinstance(value, str) else value
    if isinstance(config["base_uri"], str):
        config["base_uri"] = _base_uri(config["base_uri"])
    for name in ("data_dir", "vocab_dir", "shapes_dir", "source_dir"):
        config[name] = Path(config[name])
    return config


def _parse(setting: Setting, raw: str) -> Any:
    try:
        return setting.parse(raw)
    except ValueError as error:
        raise ValueError(f"{setting.env_var}: {error}") from None
