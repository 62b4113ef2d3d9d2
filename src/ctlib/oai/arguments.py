"""The arguments of a request, checked against the protocol's table of verbs (section 4):
which each verb requires, which it allows, and resumptionToken, which excludes the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..rdf.xml_safe import is_xml_safe
from .errors import BAD_ARGUMENT, BAD_VERB, OAIError

RESUMPTION_TOKEN = "resumptionToken"
_LISTS = (("metadataPrefix",), ("from", "until", "set", RESUMPTION_TOKEN))

VERBS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), (RESUMPTION_TOKEN,)),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
    "ListIdentifiers": _LISTS,
    "ListRecords": _LISTS,
}
"""Each verb's required and optional arguments."""

SYNTAX = {
    "metadataPrefix": (re.compile(r"[A-Za-z0-9\-_.!~*'()]+"),
                       "letters, digits and -_.!~*'()"),
    "set": (re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*"),
            "letters, digits and -_.!~*'(), with : between levels"),
}
"""What a metadataPrefix and a setSpec may look like, so that every one a response
echoes is valid there."""

_URI_CHARACTER = r"(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
IDENTIFIER = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:(?=.){_URI_CHARACTER}*(?:#{_URI_CHARACTER}*)?")
"""What an identifier may look like: a URI, anything else percent-encoded (OAI-PMH.xsd
makes it an xsd:anyURI). Whatever else a harvester sends is no identifier of this
repository (idDoesNotExist: "unknown or illegal", section 3.6), and is not echoed,
since the request element could not carry it."""


def is_identifier(value: str) -> bool:
    return IDENTIFIER.fullmatch(value) is not None


@dataclass(frozen=True)
class Request:
    verb: str
    arguments: dict[str, str]
    """Every argument but the verb."""

    @property
    def echoed(self) -> dict[str, str]:
        """The arguments the response's request element repeats: all but an identifier
        that is no URI."""
        return {name: value for name, value in self.arguments.items()
                if name != "identifier" or is_identifier(value)}


def parse(given: Iterable[tuple[str, list[str]]]) -> Request:
    """The request from its arguments (name -> values, as a query string or form has
    them), or the first error they make: badVerb or badArgument."""
    values = dict(given)
    verb = _verb(values.pop("verb", []))
    repeated = sorted(name for name, found in values.items() if len(found) > 1)
    if repeated:
        raise OAIError(BAD_ARGUMENT, f"repeated argument: {', '.join(repeated)}")
    arguments = {name: found[0] for name, found in values.items()}
    required, optional = VERBS[verb]
    illegal = sorted(set(arguments) - set(required) - set(optional))
    if illegal:
        raise OAIError(BAD_ARGUMENT, f"{verb} takes no {', '.join(illegal)}; it takes "
                                     f"{', '.join(required + optional) or 'no arguments'}")
    for name, value in arguments.items():
        _check_value(name, value)
    if RESUMPTION_TOKEN in arguments:
        if len(arguments) > 1:
            raise OAIError(BAD_ARGUMENT, "resumptionToken is an exclusive argument: "
                                         "send it with the verb alone")
    else:
        missing = [name for name in required if name not in arguments]
        if missing:
            raise OAIError(BAD_ARGUMENT, f"{verb} requires {', '.join(missing)}")
    return Request(verb, arguments)


def _verb(found: list[str]) -> str:
    verbs = ", ".join(VERBS)
    if not found:
        raise OAIError(BAD_VERB, f"the verb argument is missing; verbs: {verbs}")
    if len(found) > 1:
        raise OAIError(BAD_VERB, "the verb argument is repeated")
    if found[0] not in VERBS:
        raise OAIError(BAD_VERB, f"{found[0][:100]!r} is not an OAI-PMH verb; verbs: {verbs}")
    return found[0]


def _check_value(name: str, value: str) -> None:
    if not value:
        raise OAIError(BAD_ARGUMENT, f"{name} is empty")
    if not is_xml_safe(value):
        raise OAIError(BAD_ARGUMENT, f"{name} holds control characters")
    pattern, rule = SYNTAX.get(name, (None, None))
    if pattern is not None and not pattern.fullmatch(value):
        raise OAIError(BAD_ARGUMENT, f"{name}={value[:100]!r} is not a {name}: {rule}")
