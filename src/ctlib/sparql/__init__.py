"""The public SPARQL endpoint: what a query may do, where it runs, how results stream.

``guard`` refuses what a read-only public endpoint must not run, with a message;
``sandbox`` takes the network away from the processes that evaluate queries;
``pool`` runs each query in one of those processes and stops it at its deadline;
``results`` writes results in each format, row by row, up to the row limit.
"""
