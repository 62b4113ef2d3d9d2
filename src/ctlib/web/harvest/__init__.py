"""The whole catalogue for harvesters: ``/dump/`` (``dumps``), ``/.well-known/void`` and
``/catalog`` (``dataset``), the paged record collections ``/doc/record/`` and
``/def/{scheme}/{concept}/records`` (``collections``, ``paging``), ``/sitemap.xml`` and
``/robots.txt`` (``sitemaps``), OAI-PMH at ``/oai`` (``oai``; the verbs are in
``ctlib.oai``), and what changed at each ingest: ResourceSync (``resourcesync``) and the
change feed ``/activity/`` (``activity``), both read from ``ctlib.history`` (``changes``)."""
