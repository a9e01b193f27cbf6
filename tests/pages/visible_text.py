"""Every piece of text an AppTest run puts in front of a reader: labels, options, help, alerts,
table headers and cells, and each chart's title, axes, legend, hover text and notes."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

# Proto fields that hold identifiers, data or styling rather than words a reader sees.
NOT_WORDS = {
    "id",
    "formId",
    "key",
    "icon",
    "spec",
    "data",
    "theme",
    "page",
    "pageScriptHash",
    "url",
    "mime",
    "type",
    "format",
    "color",
    "backgroundColor",
    "width",
    "height",
    "columns",
    "styles",
    "config",
    "fileName",
    "deltaDescription",
    "chartColor",
    "widthConfig",
    "heightConfig",
    "default",
    "value",
    "rawValues",
}
# Plotly keys whose strings are read (titles, names, hover templates, labels, notes).
CHART_WORDS = {"text", "name", "hovertemplate", "hovertext", "title", "ticktext", "ticksuffix"}


def _strings(value: Any, wanted: Callable[[str], bool], skip: set, key: str = "") -> Iterator[str]:
    """Every string under `value` whose key is `wanted`, outside the `skip` keys' subtrees."""
    if key in skip:
        return
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _strings(inner, wanted, skip, name)
    elif isinstance(value, list):  # list items take their parent's key
        for inner in value:
            yield from _strings(inner, wanted, skip, key)
    elif isinstance(value, str) and wanted(key):
        yield value


def _table_strings(frame: Any) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        yield from (cell for cell in frame[column] if isinstance(cell, str))


def drawn(app: AppTest) -> Iterator[tuple[str, Any, Any]]:
    """Each element the screen drew: its kind, its AppTest node and its message."""
    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            yield getattr(node, "type", ""), node, proto


def visible_texts(app: AppTest) -> list[str]:
    """All the text of the rendered screen, piece by piece."""
    texts: list[str] = []
    for kind, node, proto in drawn(app):
        if kind == "plotly_chart":
            # Region outlines' names are never shown.
            texts += _strings(json.loads(proto.spec), CHART_WORDS.__contains__, {"geojson"})
        elif kind in ("arrow_data_frame", "dataframe", "table"):
            texts += _table_strings(node.value)  # type: ignore[union-attr]
        texts += _strings(MessageToDict(proto), lambda key: True, NOT_WORDS)
    return texts


def as_read(shown: str) -> str:
    """What a reader sees of Markdown text: escapes resolved, invisible word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", shown, flags=re.DOTALL).replace("\u2060", "")
