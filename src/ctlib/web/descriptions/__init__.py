"""Descriptions of one resource: ``/id/{kind}/{id}`` answers 303 to
``/doc/{kind}/{id}``, which is negotiated (Turtle, JSON-LD, RDF/XML, N-Triples, HTML,
and the citation formats for records); ``/def/{scheme}[/{concept}]`` likewise;
``/context.jsonld``. ``routes`` holds the views, ``paths`` reads what a path names,
``rendering`` serialises and caches, ``fast_path`` answers cached descriptions before
Flask, ``page`` and ``related`` are what an HTML page shows, ``citations`` writes
BibTeX, RIS and CSL-JSON."""
