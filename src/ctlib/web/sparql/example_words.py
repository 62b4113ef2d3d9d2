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
    N_('The documents of every author whose name contains "rosilyne borland" (any '
       'case), with their co-authors.'),
    N_('Concepts of a scheme, with labels and notations'),
    N_('Every concept of the regions scheme (scheme:regions; or scheme:countries, '
       'scheme:categories) with its English label, its codes and its broader '
       'concepts.'),
    N_('Documents without a category'),
    N_("A hundred published documents that no category describes yet: the curators' "
       "to-do list, a page at a time (remove the LIMIT for all of them; sorting them"
       " all takes seconds in a large catalogue)."),
    N_('Documents per category'),
    N_("How many documents each category describes, zero included, with its top "
       "category: the counts are read from the statistics graph "
       "(stats:directRecords; stats:records also counts the narrower categories' "
       "documents)."),
    N_('The regions hierarchy'),
    N_('Each region with the broader region it sits in (skos:broader) and its UN M49'
       ' code where it has one.'),
    N_('Documents in a region and the places within it'),
    N_('A thousand documents about Europe or any region or country inside it: '
       'skos:broader* follows the hierarchy down any number of levels (remove the '
       'LIMIT for all of them: in a large catalogue, hundreds of thousands).'),
    N_('Most prolific authors'),
    N_('Authors (people and organisations) by the number of documents they wrote, '
       'read from the statistics graph (stats:records), with their first and latest '
       'year.'),
    N_('Recent documents'),
    N_('The ten most recently published documents, newest first, with their places. '
       'The statistics graph counts the documents of each year (stats:year, '
       'void:entities): only the latest years that together hold ten are read, '
       'instead of sorting every document.'),
    N_('Search titles and summaries'),
    N_('A hundred documents whose title contains "training" (any case) or whose '
       'summary has a word starting with "health" (a regular expression). Every '
       'document is read until a hundred are found: for ranked word search over the '
       'whole catalogue, use the search page (/search).'),
    N_('Places in English, French and Spanish'),
    N_('The places the documents cover, with their labels in English, French and '
       'Spanish (empty where the vocabulary has none) and the number of documents '
       'about each, read from the statistics graph (stats:directRecords).'),
    N_('Published and withdrawn records'),
    N_('How many records are published, and how many were withdrawn (their '
       'tombstones carry owl:deprecated true).'),
    N_('A graph of documents and place names (CONSTRUCT)'),
    N_("A small Dublin Core graph of the documents about Ethiopia (countries:et): "
       "each one's title, year, authors and places, with the English names of "
       "authors and places as rdfs:label, ready for a tool that shows labels."),
    N_('Describe the documents about a country (DESCRIBE)'),
    N_('Every statement about each document concerning Ethiopia, as RDF: what the '
       'record pages show, in one graph.'),
)
