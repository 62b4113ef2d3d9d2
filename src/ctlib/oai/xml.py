"""Writing OAI-PMH responses with ElementTree: UTF-8, every text and attribute escaped by
the writer, characters that XML 1.0 cannot carry replaced (``rdf.xml_safe``) in every
text a response holds.

Element names are written as given (``record``, ``dc:title``) with the namespace
declarations as attributes, rather than through ElementTree's process-wide prefix
registry: the OAI namespace is the default one, as harvesters expect, and nothing
another module registers can change what a response looks like.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from ..rdf.xml_safe import xml_safe

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"


def envelope(base_url: str, response_date: str, arguments: dict[str, str]) -> ET.Element:
    """The OAI-PMH element with its responseDate and request (the arguments echoed)."""
    root = ET.Element("OAI-PMH", {"xmlns": OAI, "xmlns:xsi": XSI,
                                  "xsi:schemaLocation": f"{OAI} {OAI_SCHEMA}"})
    add(root, "responseDate", response_date)
    add(root, "request", base_url, arguments)
    return root


def add(parent: ET.Element, tag: str, text: str | None = None,
        attributes: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes or {})
    if text is not None:
        element.text = xml_safe(text)
    return element


def parse_with_prefixes(data: bytes, prefixes: dict[str, str]) -> ET.Element:
    """An XML document as an element written with prefixed names, its namespaces
    declared on it: the prefixes the document declared where it gave one, else those
    of ``prefixes`` (prefix -> namespace), else ``ns1``, ``ns2``..."""
    declared: dict[str, str] = {}
    root = None
    for event, item in ET.iterparse(io.BytesIO(data), events=("start-ns", "start")):
        if event == "start-ns":
            prefix, namespace = item
            if prefix and prefix not in declared.values():
                declared.setdefault(namespace, prefix)
        elif root is None:
            root = item
    chosen = {namespace: prefix for prefix, namespace in prefixes.items()} | declared
    used: dict[str, str] = {}
    for element in root.iter():
        element.tag = _prefixed(element.tag, chosen, used)
        element.attrib = {_prefixed(key, chosen, used): value
                          for key, value in element.attrib.items()}
    root.attrib.update({f"xmlns:{prefix}": namespace for namespace, prefix in used.items()})
    return root


def _prefixed(qualified: str, chosen: dict[str, str], used: dict[str, str]) -> str:
    if not qualified.startswith("{"):
        return qualified
    namespace, local = qualified[1:].split("}", 1)
    if namespace == XML:
        return f"xml:{local}"
    if namespace not in used:
        prefix = chosen.get(namespace)
        if prefix is None or prefix in used.values():
            prefix = next(p for n in range(1, len(used) + 2)
                          if (p := f"ns{n}") not in used.values())
        used[namespace] = prefix
    return f"{used[namespace]}:{local}"


def serialize(root: ET.Element, stylesheet: str | None = None) -> bytes:
    """The document, with an xml-stylesheet instruction naming ``stylesheet`` (an XSLT
    stylesheet's URL) when one is given, so that a browser shows it as a page."""
    document = ET.tostring(root, encoding="unicode")
    instruction = "" if stylesheet is None else \
        f"<?xml-stylesheet type=\"text/xsl\" href={quoteattr(stylesheet)}?>\n"
    return f"<?xml version='1.0' encoding='utf-8'?>\n{instruction}{document}".encode("utf-8")
