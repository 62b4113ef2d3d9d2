"""The titles and descriptions of the example queries (``ctlib/sparql/examples/*.rq``,
their first comment lines), marked here for the catalogues: the query page shows them in
the page's language. A test keeps this list and the files in step."""

from __future__ import annotations

from ..core.languages import N_

EXAMPLE_WORDS = (
    N_('Records per region and year'),
    N_('How many documents concern each region, year by year.'),
    N_('Everything about one country'),
    N_('Every statement about Ethiopia (countries:et; any lowercase ISO 3166-1 '
       'alpha-2 code works), both ways: its labels, codes, regions and matches, and '
       'the documents and regions that point to it.'),
    N_("An author's works"),
    N_('The documents of every author whose name contains "borland" (any case), with '
       'their co-authors.'),
    N_('Concepts of a scheme, with labels and notations'),
    N_('Every concept of the regions scheme (scheme:regions; or scheme:countries, '
       'scheme:categories) with its English label, its codes and its broader '
       'concepts.'),
    N_('Documents without a category'),
    N_("Published documents that no category describes yet: the curators' to-do list."),
    N_('Documents per category'),
    N_('How many documents each category describes, zero included, with its top category.'),
    N_('The regions hierarchy'),
    N_('Each region with the broader region it sits in (skos:broader) and its UN M49 '
       'code where it has one.'),
    N_('Documents in a region and the places within it'),
    N_('Documents about Europe or any region or country inside it: skos:broader* '
       'follows the hierarchy down any number of levels.'),
    N_('Most prolific authors'),
    N_('Authors (people and organisations) by the number of documents they wrote, '
       'with their first and latest year.'),
    N_('Recent documents'),
    N_('The ten most recently published documents, newest first, with their places.'),
    N_('Search titles and summaries'),
    N_('Documents whose title contains "training" (any case) or whose summary has a '
       'word starting with "health" (a regular expression).'),
    N_('Places in English, French and Spanish'),
    N_('The places the documents cover, with their labels in English, French and '
       'Spanish (empty where the vocabulary has none).'),
    N_('Published and withdrawn records'),
    N_('How many records are published, and how many were withdrawn (their tombstones '
       'carry owl:deprecated true).'),
    N_('A graph of documents and place names (CONSTRUCT)'),
    N_("A small Dublin Core graph: each document's title, year, authors and places, "
       'with the English names of authors and places as rdfs:label, ready for a tool '
       'that shows labels.'),
    N_('Describe the documents about a country (DESCRIBE)'),
    N_('Every statement about each document concerning Ethiopia, as RDF: what the '
       'record pages show, in one graph.'),
)
