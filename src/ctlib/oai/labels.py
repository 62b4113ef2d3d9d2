"""The label a metadata format writes for a resource a record links to (an author, a
category, a place): the descriptions carry every language's, a format wants one."""

from __future__ import annotations

from ..describe import Description


def label(description: Description, resource, predicate: str, language: str):
    """The label of a linked resource in ``language``, else one without a language, else
    any; the resource itself when the description holds none."""
    labels = sorted((t.object for t in description.triples
                     if t.subject == resource and t.predicate.value == predicate),
                    key=lambda label: (getattr(label, "language", None) != language,
                                       getattr(label, "language", None) is not None,
                                       label.value))
    return labels[0] if labels else resource
