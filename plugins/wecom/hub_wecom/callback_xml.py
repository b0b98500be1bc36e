"""The small XML documents WeCom exchanges with the hub: parsed safely, built with CDATA.

Parsing uses the standard library's expat directly, so no extra dependency is
needed, and refuses what WeCom never sends but an attacker would: a DOCTYPE or
entity declaration (billion-laughs expansion, external entities), nesting
deeper than `MAX_DEPTH` and documents over the caller's size limit. The outer
envelope is parsed before its signature is checked, so these limits apply to
anything anybody posts.
"""

from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

MAX_DEPTH = 16
"""WeCom's deepest payload (SelectedItems/SelectedItem/OptionIds/OptionId) is 4 below <xml>."""


class XmlRefused(ValueError):
    """Not a well-formed, declaration-free XML document within the limits."""


def parse(data: bytes, *, limit: int) -> ET.Element:
    """The document's root element; raises `XmlRefused`."""
    if len(data) > limit:
        raise XmlRefused(f"the XML is larger than {limit} bytes")
    builder = ET.TreeBuilder()
    depth = 0

    def forbidden(*_: Any) -> None:
        raise XmlRefused("DTDs and entity declarations are not accepted")

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise XmlRefused(f"the XML is nested deeper than {MAX_DEPTH} levels")
        builder.start(tag, attrs)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.UnparsedEntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        return builder.close()
    except expat.ExpatError as exc:
        raise XmlRefused(f"the XML is not well-formed: {expat.ErrorString(exc.code)}") from None


def text_of(root: ET.Element, tag: str) -> str | None:
    """The text of the first child `tag`, "" when empty, None when absent."""
    child = root.find(tag)
    if child is None:
        return None
    return child.text or ""


def fields(root: ET.Element) -> dict[str, str]:
    """Every child of the root by tag: its text, or its own XML when it has children.

    This is the `raw` view kept with every event: nothing WeCom sent is lost,
    also fields this plugin has no name for. A repeated tag keeps its first value.
    """
    out: dict[str, str] = {}
    for child in root:
        if child.tag in out:
            continue
        if len(child):
            out[child.tag] = ET.tostring(child, encoding="unicode").strip()
        else:
            out[child.tag] = child.text or ""
    return out


def plain(element: ET.Element) -> Any:
    """A nested element as JSON-like values: text for a leaf, a dict (lists for repeats) else."""
    if not len(element):
        return element.text or ""
    out: dict[str, Any] = {}
    for child in element:
        value = plain(child)
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    return out


def as_list(value: Any) -> list[Any]:
    """A repeated element from `plain`: one occurrence is a value, several a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def cdata(text: str) -> str:
    """`text` as CDATA; a "]]>" inside is split across two sections, the standard way."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def document(values: Mapping[str, Any]) -> str:
    """`<xml>` with one child per item, in order: str → CDATA, int → bare, Mapping → nested,
    list → repeated `<item>` children (WeCom's shape for news articles)."""
    return f"<xml>{_children(values)}</xml>"


def _children(values: Mapping[str, Any]) -> str:
    parts = []
    for tag, value in values.items():
        if isinstance(value, bool):
            raise TypeError(f"{tag}: booleans have no XML form here")
        if isinstance(value, int):
            inner = str(value)
        elif isinstance(value, str):
            inner = cdata(value)
        elif isinstance(value, Mapping):
            inner = _children(value)
        elif isinstance(value, list):
            inner = "".join(f"<item>{_children(item)}</item>" for item in value)
        else:
            raise TypeError(f"{tag}: unsupported value {type(value).__name__}")
        parts.append(f"<{tag}>{inner}</{tag}>")
    return "".join(parts)
