"""OAI-PMH 2.0: the protocol's pieces (arguments, datestamps, resumption tokens, sets,
metadata formats and the XML they are written in) and ``repository``, the six verbs
answered over the published generation. Nothing here reads the web request;
``web/harvest/oai.py`` parses it and writes the response."""
