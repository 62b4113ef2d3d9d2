"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and the query
page for browsers (``endpoint``). Checking, evaluating and writing results is
``ctlib.sparql``'s."""
