"""What the records cover: their years, regions and categories, with the records of
each. The home page charts it and the dataset's schema.org markup states it
(``schema_org``): one reading of "the regions" for both."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.namespaces import SKOS
from ..search.query import SearchIndex, concept_counts, year_counts

# The regions are the UN M49 sub-regions (Sub-Saharan Africa, Eastern Europe, Central
# Asia, ...: the areas with an M49 code two steps below the scheme's top concept),
# counted as every page counts a concept: with everything under it. Continents would
# say little, the 45 regions at every level would count the same records several times
# over, and the top concept (Worldwide) would be every record with a place.
SUB_REGIONS = f"""
SELECT DISTINCT ?concept WHERE {{
  ?top <{SKOS.topConceptOf}> <%(scheme)s> .
  ?concept <{SKOS.inScheme}> <%(scheme)s> ; <{SKOS.notation}> ?code ;
           <{SKOS.broader}>/<{SKOS.broader}> ?top .
}}"""


@dataclass(frozen=True)
class Coverage:
    records_per_year: dict[int, int]
    regions: dict[str, int]
    """Sub-region URI -> records."""
    categories: dict[str, int]
    """Category URI -> records, in the scheme's tree order."""


def coverage(store: ox.Store, index: SearchIndex, regions_scheme: str) -> Coverage:
    rows = store.query(SUB_REGIONS % {"scheme": regions_scheme}, use_default_graph_as_union=True)
    return Coverage(
        records_per_year=dict(year_counts(index)),
        regions=_records_of(index, [row["concept"].value for row in rows]),
        categories=_records_of(index, [c.uri for c in index.concepts.in_order("categories")]))


def _records_of(index: SearchIndex, concepts: list[str]) -> dict[str, int]:
    """Each of ``concepts`` that has records, with the count every page shows for it."""
    counts = concept_counts(index)
    return {uri: counts[uri].records for uri in concepts if uri in counts}
