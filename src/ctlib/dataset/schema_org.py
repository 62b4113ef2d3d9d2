"""The dataset as schema.org ``Dataset`` markup, for dataset search engines (Google
Dataset Search reads the JSON-LD embedded in the home page and /catalog).

Made from the same facts as the VoID and DCAT descriptions, with the properties
Google's dataset documentation requires (name, description) and those it recommends
that the catalogue has something true to say for: it names no funder, citation or
variables measured, because it has none. In the catalogue's language, like the RDF.
"""

from __future__ import annotations

from ..dumps import Written
from .coverage import Coverage
from .facts import instant
from .void import DescribedDataset, Site

CONTEXT = "https://schema.org"


def dataset_markup(described: DescribedDataset, covered: Coverage,
                   labels: dict[str, str]) -> dict:
    """``labels``: the name of each concept ``covered`` names (its URI if it has none)."""
    site, facts = described.site, described.facts
    markup = {
        "@context": CONTEXT, "@type": "Dataset", "@id": site.dataset,
        "name": site.title, "description": str(site.description()),
        "url": site.base, "identifier": site.dataset, "license": site.licence,
        "isAccessibleForFree": True, "inLanguage": site.language,
        "creator": {"@type": "Organization", "name": site.publisher, "url": site.base},
        "dateModified": facts.modified,
        "keywords": [labels.get(uri, uri) for uri in covered.categories],
        "spatialCoverage": [{"@type": "Place", "@id": uri, "name": labels.get(uri, uri)}
                            for uri in covered.regions],
        "includedInDataCatalog": {
            "@type": "DataCatalog", "@id": f"{site.url(site.CATALOG)}#catalog",
            "name": site.title, "url": str(site.url(site.CATALOG))},
        "distribution": [_download(site, dump) for dump in described.dumps],
    }
    years = sorted(covered.records_per_year)
    if years:
        markup["temporalCoverage"] = f"{years[0]}/{years[-1]}"
    return markup


def _download(site: Site, dump: Written) -> dict:
    fmt = dump.dump.format
    return {"@type": "DataDownload", "name": f"{fmt.label} dump, gzip-compressed",
            "encodingFormat": fmt.media_type,
            "contentUrl": str(site.url(site.DUMPS + dump.dump.name)),
            "contentSize": f"{dump.size} bytes",
            "dateModified": instant(dump.modified)}
