"""Turning records into RDF: namespaces, URIs, vocabularies and the mapping table."""
