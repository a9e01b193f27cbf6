"""Text people type is shown as typed on every screen: never as Markdown or chart markup, and
never as a formula in a table's CSV download.

Every column a person fills in is set to hostile text: a spreadsheet formula, a Markdown image
that would fetch a remote picture, an HTML tag and bare web and e-mail addresses (which GitHub
Markdown turns into links). Each screen is then read piece by piece, in the context it is drawn
in: Markdown (text, alerts, captions, labels, help), Plotly (chart text), table cells.
"""

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from google.protobuf.json_format import MessageToDict

from grantmon.services.core.access import Actor
from grantmon.services.core.formula_guard import neutralised
from grantmon.ui.navigation import screens
from tests.pages import audit_rows
from tests.pages.apptest import run_page
from tests.pages.conftest import app_on_demo_data
from tests.pages.visible_text import CHART_WORDS, NOT_WORDS, _strings, _table_strings, drawn

FORMULA = "=cmd|' /C calc'!A0"
IMAGE = "![ev](http://127.0.0.1:18999/evidence.png)"
HOSTILE = f"{FORMULA} {IMAGE} <b>bold</b> www.example.org me@example.net"
EVIDENCE = "https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)"
# What the hostile text becomes when a renderer interprets it instead of showing it.
MARKDOWN_SIGNS = ("![ev]", "](http", "<b>bold", "http://127", "www.example", "me@example")
CHART_SIGNS = ("<b>bold",)
CHART_KEYS = CHART_WORDS | {"customdata"}  # hover templates put custom data in as markup
TYPED_COLUMNS = {
    "milestone": ("title", "notes"),
    "activity": ("title",),
    "auditentry": ("reason",),
    "quarterreport": ("comment",),
    "expenditure": ("description", "justification"),
    "centre": ("name", "city", "operator", "note"),
    "user": ("display_name",),
    "importbatch": ("file_name",),
}
ROLES = {
    "admin@example.org": "administrator",
    "me.officer@example.org": "m&e officer",
    "donor@example.org": "donor",
}
PLAIN_OPTIONS = {"selectbox", "multiselect"}  # their options are drawn as plain text
CASES = [
    (email, screen.name)
    for email, role in ROLES.items()
    for screen in screens()
    if screen.allowed(Actor(email=email, role=role))
]


def poison(engine: sa.Engine) -> None:
    """Put the hostile text at the start of every typed column (unique values stay unique)."""
    with engine.begin() as connection:
        for table, columns in TYPED_COLUMNS.items():
            sets = ", ".join(f"{c} = :text || ' ' || {c}" for c in columns)
            connection.execute(sa.text(f'UPDATE "{table}" SET {sets}'), {"text": HOSTILE})
        connection.execute(sa.text("UPDATE milestone SET evidence_url = :u"), {"u": EVIDENCE})
        connection.execute(sa.text("UPDATE indicatorresult SET evidence_url = :u"), {"u": EVIDENCE})
        connection.execute(sa.text("UPDATE dataversion SET version = version + 1"))


def hostile(engine: sa.Engine) -> None:
    """Every kind of audit row, then hostile text in every typed column."""
    audit_rows.every_kind(engine)
    poison(engine)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory) -> Iterator[None]:
    """One seeded database with every kind of audit row, its typed text made hostile."""
    with app_on_demo_data(tmp_path_factory.mktemp("typed"), hostile):
        yield


def interpreted(app) -> list[str]:
    """Each piece of the screen where the hostile text was interpreted, and how."""
    found = []
    for kind, node, proto in drawn(app):
        if kind == "plotly_chart":
            texts = _strings(json.loads(proto.spec), CHART_KEYS.__contains__, {"geojson"})
            found += [f"chart: {s}" for s in texts if any(m in s for m in CHART_SIGNS)]
        elif kind in ("arrow_data_frame", "dataframe", "table"):
            found += [f"table cell: {c}" for c in _table_strings(node.value) if neutralised(c) != c]
        skip = NOT_WORDS | ({"options", "rawValue"} if kind in PLAIN_OPTIONS else set())
        texts = _strings(MessageToDict(proto), lambda key: True, skip)
        found += [f"{kind}: {s}" for s in texts if any(m in s for m in MARKDOWN_SIGNS)]
    return found


@pytest.mark.parametrize("email, screen", CASES, ids=[f"{e.split('@')[0]}-{s}" for e, s in CASES])
def test_typed_text_is_shown_as_typed(hostile_app, email, screen):
    app = run_page(f"pages/{screen}.py", view_as=email)
    assert interpreted(app) == []
