"""The error conditions of OAI-PMH 2.0 (section 3.6). They are answered in XML with
HTTP status 200: the protocol, not HTTP, says what went wrong."""

from __future__ import annotations

BAD_ARGUMENT = "badArgument"
BAD_RESUMPTION_TOKEN = "badResumptionToken"
BAD_VERB = "badVerb"
CANNOT_DISSEMINATE_FORMAT = "cannotDisseminateFormat"
ID_DOES_NOT_EXIST = "idDoesNotExist"
NO_RECORDS_MATCH = "noRecordsMatch"
NO_SET_HIERARCHY = "noSetHierarchy"

ECHO_NO_ARGUMENTS = frozenset({BAD_VERB, BAD_ARGUMENT})
"""After these the request element holds the base URL only (section 3.2)."""


class OAIError(Exception):
    """One protocol error: its code and a message that tells a person how to fix it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
