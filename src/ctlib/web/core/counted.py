"""A concept's count as every page words it, in the page's language."""

from __future__ import annotations

from ...search.query import ConceptCount
from .languages import gettext, ngettext, number


def count_in_words(count: ConceptCount, label: str) -> str:
    """``1,892 records, 1,057 tagged Eastern Europe itself`` (the second part only where
    the numbers differ): how many records search by the concept finds, and how many name
    the concept itself."""
    said = ngettext("%(records)s record", "%(records)s records", count.records,
                    records=number(count.records))
    if count.tagged == count.records:
        return said
    return gettext("%(records)s, %(tagged)s tagged %(label)s itself", records=said,
                   tagged=number(count.tagged), label=label)
