"""Reading what a reconciliation client sends: a batch of queries, a data extension
query. Whatever cannot be read is a 400 that names the query, the field and the rule."""

from __future__ import annotations

import json

from ..core.errors import BadRequest, HTTPProblem
from ..core.languages import N_
from .entities import TYPES
from .matching import PROPERTIES, Query

BATCH_SIZE = 50
"""Queries a batch may hold (the manifest's batchSize); OpenRefine sends ten."""
MAX_LIMIT = 100
MAX_IDS = 1000
"""Entities a data extension query may name."""


class TooLarge(HTTPProblem):
    status, title = 413, N_("Query too large")


def read_json(name: str, text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(f"{name}: not JSON: {error.msg} at line {error.lineno}, "
                         f"column {error.colno}") from None


def read_batch(text: str) -> dict[str, Query]:
    batch = read_json("queries", text)
    if not isinstance(batch, dict):
        raise BadRequest("queries: expected a JSON object of queries by key, "
                         '{"q0": {"query": "…"}}, not ' + type(batch).__name__)
    if len(batch) > BATCH_SIZE:
        raise TooLarge(f"queries: {len(batch)} queries in one batch; at most {BATCH_SIZE}")
    return {key: read_query(f"queries[{key!r}]", value) for key, value in batch.items()}


def read_query(where: str, value: object) -> Query:
    if not isinstance(value, dict):
        raise BadRequest(f"{where}: expected an object with query, type, limit, properties")
    unknown = set(value) - {"query", "type", "limit", "properties", "type_strict"}
    if unknown:
        raise BadRequest(f"{where}: unknown field {sorted(unknown)[0]!r}; the fields are "
                         "query, type, limit, properties, type_strict")
    text = value.get("query", "")
    if not isinstance(text, str):
        raise BadRequest(f"{where}.query: expected a string")
    properties = _properties(where, value.get("properties", []))
    if not text.strip() and not properties:
        raise BadRequest(f"{where}: give a query, properties, or both")
    return Query(text.strip(), _types(where, value.get("type")), _limit(where, value),
                 properties)


def _types(where: str, value: object) -> tuple[str, ...]:
    given = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
        raise BadRequest(f"{where}.type: expected a type identifier or a list of them")
    for type_id in given:
        if type_id not in TYPES:
            raise BadRequest(f"{where}.type: unknown type {type_id!r}; the types are "
                             f"{', '.join(TYPES)}")
    return tuple(given)


def _limit(where: str, value: dict) -> int:
    limit = value.get("limit", 5)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1:
        raise BadRequest(f"{where}.limit: expected a number of candidates, 1 or more")
    return min(int(limit), MAX_LIMIT)


def _properties(where: str, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, list):
        raise BadRequest(f"{where}.properties: expected a list of {{pid, v}} objects")
    found = []
    for number, item in enumerate(value):
        at = f"{where}.properties[{number}]"
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise BadRequest(f"{at}: expected an object with pid and v")
        if item["pid"] not in PROPERTIES:
            raise BadRequest(f"{at}.pid: unknown property {item['pid']!r}; the properties "
                             f"are {', '.join(PROPERTIES)}")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        found.append((item["pid"], tuple(_value(f"{at}.v", v) for v in values)))
    return tuple(found)


def _value(where: str, value: object) -> str:
    """A property value as text: an entity given as {id, name} by its identifier."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise BadRequest(f"{where}: expected a string, a number or an entity {{\"id\": …}}")


def read_extension(text: str) -> tuple[list[str], list[str]]:
    """(entity identifiers, properties) of a data extension query."""
    query = read_json("extend", text)
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) or \
            not isinstance(query.get("properties"), list):
        raise BadRequest('extend: expected {"ids": […], "properties": [{"id": …}, …]}')
    ids = query["ids"]
    if not all(isinstance(i, str) for i in ids):
        raise BadRequest("extend.ids: expected a list of entity identifiers (strings)")
    if len(ids) > MAX_IDS:
        raise TooLarge(f"extend.ids: {len(ids)} entities; at most {MAX_IDS} at once")
    properties = []
    for number, item in enumerate(query["properties"]):
        pid = item.get("id") if isinstance(item, dict) else None
        if pid not in PROPERTIES:
            raise BadRequest(f"extend.properties[{number}]: unknown property {pid!r}; the "
                             f"properties are {', '.join(PROPERTIES)}")
        properties.append(pid)
    return ids, properties
