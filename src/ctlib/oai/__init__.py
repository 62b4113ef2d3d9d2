"""OAI-PMH 2.0, the protocol's own pieces: arguments, datestamps, resumption tokens,
sets, metadata formats and the XML they are written in. Nothing here reads the web
request or the published generation; ``web/oai.py`` and ``web/oai_repository.py`` do."""
