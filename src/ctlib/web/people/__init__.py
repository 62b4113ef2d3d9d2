"""Pages for people that are not one resource's description: the home page ``/``
(``home``, with its ``charts``), ``/browse`` (``browse``) and ``/search``
(``search``, also as JSON and RDF; the index and its queries are in ``ctlib.search``),
and ``/favicon.ico`` (``favicon``)."""
