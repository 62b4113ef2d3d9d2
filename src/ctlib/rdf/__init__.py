"""Turning records into RDF: namespaces, URIs, vocabularies and the mapping table; and
the characters XML cannot carry, which every XML output replaces (``xml_safe``)."""
